//go:build goolm

package e2ee

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
)

// TestSyncStatus: the device's status tells its /sync loop's failures and
// last error until a /sync succeeds, then the time of that success, with
// the error cleared; and the device's ID, cross-signing and backup.
func TestSyncStatus(t *testing.T) {
	ctx, cancel := context.WithTimeout(zerolog.Nop().WithContext(context.Background()), time.Minute)
	defer cancel()
	var syncs atomic.Int64
	rooms := &fakeRoomServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/sync") {
			rooms.ServeHTTP(w, r)
			return
		}
		switch syncs.Add(1) {
		case 1:
			mautrix.MUnknown.WithMessage("the homeserver is restarting").Write(w)
		case 2:
			_, _ = w.Write([]byte(`{"next_batch":"s1"}`))
		default:
			<-r.Context().Done() // nothing new until the test ends
		}
	}))
	defer srv.Close()
	d := roomDevice(t, ctx, srv.URL, true)
	if s := d.Status(); s.Device != "BOT" || s.CrossSigned || s.Backup || !s.SyncStarted.IsZero() || !s.LastSync.IsZero() {
		t.Fatalf("before the loop: %+v", s)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- d.Run(runCtx) }()
	var s Status
	for s = d.Status(); s.LastSync.IsZero(); s = d.Status() {
		select {
		case <-ctx.Done():
			t.Fatalf("no /sync succeeded: %+v", s)
		case <-time.After(10 * time.Millisecond):
		}
	}
	stop()
	<-done
	if s.SyncStarted.IsZero() || s.SyncFailures != 1 || s.SyncError != "" || s.LastSync.Before(s.SyncStarted) {
		t.Errorf("after a failure and a success: %+v", s)
	}
}
