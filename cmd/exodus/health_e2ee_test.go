package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/bot/e2ee"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// testEncryption is an encryption source whose device status, parked
// events and given-up count the test sets.
type testEncryption struct {
	status   e2ee.Status
	parked   store.Parked
	givenUp  int
	lastLost time.Time
}

func (te *testEncryption) source() encryptionSource {
	return encryptionSource{status: func() e2ee.Status { return te.status },
		parked:  func(context.Context) (store.Parked, error) { return te.parked, nil },
		givenUp: func() (int, time.Time) { return te.givenUp, te.lastLost }}
}

// encryptionJSON is the encryption check of a report, as JSON.
func encryptionJSON(t *testing.T, raw map[string]any) string {
	t.Helper()
	b, err := json.Marshal(raw["checks"].(map[string]any)["encryption"])
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Without a device the encryption check says only that encryption is off,
// and never fails.
func TestHealthEncryptionOff(t *testing.T) {
	th := newTestHealth(false)
	th.record(allYes(th.now))
	th.now = th.now.Add(time.Hour)
	code, raw, _ := th.get(t)
	if got := encryptionJSON(t, raw); code != http.StatusOK || got != `{"critical":false,"enabled":false,"ok":true}` {
		t.Fatalf("no device: %d %s", code, got)
	}
}

// With a device the check is critical: it tells the device, its
// cross-signing and backup, the /sync loop's last success and error, the
// events waiting for room keys and those given up on; it fails once the
// /sync loop has not succeeded for syncLate (since the start, or since its
// last success), and is ok again at the next success.
func TestHealthEncryption(t *testing.T) {
	th := newTestHealth(false)
	th.record(allYes(th.now))
	te := &testEncryption{status: e2ee.Status{Device: "BOTDEVICE", CrossSigned: true, Backup: true, SyncStarted: th.now}}
	te.status.SyncStarted = time.Time{}
	th.setEncryption(te.source())
	th.now = th.now.Add(syncLate + time.Second)
	if code, raw, _ := th.get(t); code != http.StatusOK {
		t.Fatalf("a device whose /sync loop has not started yet: %d %s", code, encryptionJSON(t, raw))
	}
	te.status.SyncStarted = th.now
	code, raw, rep := th.get(t)
	want := `{"critical":true,"cross_signed":true,"device_id":"BOTDEVICE","enabled":true,"given_up":0,"key_backup":true,` +
		`"last_given_up":null,"last_sync":null,"ok":true,"oldest_waiting_age_seconds":0,"waiting_events":0}`
	if got := encryptionJSON(t, raw); code != http.StatusOK || got != want {
		t.Fatalf("a device just started:\n got %d %s\nwant %s", code, got, want)
	}

	te.status.LastSync = th.now.Add(10 * time.Second)
	th.now = th.now.Add(syncLate)
	if code, _, rep = th.get(t); code != http.StatusOK || rep.Checks.Encryption.LastSync == nil ||
		!rep.Checks.Encryption.LastSync.Equal(te.status.LastSync) {
		t.Fatalf("synced %s ago: %d %+v", syncLate-10*time.Second, code, rep.Checks.Encryption)
	}

	te.status.SyncError = "Get \"http://matrix.internal:8008/_matrix/client/v3/sync\": connection refused"
	th.now = te.status.LastSync.Add(syncLate + time.Second)
	code, raw, rep = th.get(t)
	if code != http.StatusServiceUnavailable || rep.Status != "failing" || rep.Checks.Encryption.OK ||
		!strings.Contains(rep.Checks.Encryption.Detail, "has not succeeded for more than 90 seconds") ||
		rep.Checks.Encryption.SyncError != te.status.SyncError {
		t.Fatalf("no /sync for %s: %d %s", syncLate+time.Second, code, encryptionJSON(t, raw))
	}
	if got := strings.Join(rep.failing(), ", "); !strings.HasPrefix(got, "encryption (the encryption device's /sync has not succeeded") {
		t.Errorf("failing: %s", got)
	}
	public := httptest.NewRecorder()
	th.ServePublic(public, httptest.NewRequest(http.MethodGet, webHealthPath, nil))
	if strings.Contains(public.Body.String(), "matrix.internal") || public.Code != http.StatusServiceUnavailable {
		t.Errorf("the public health shows the /sync error: %d %s", public.Code, public.Body)
	}

	te.status.LastSync, te.status.SyncError = th.now, ""
	te.parked = store.Parked{Events: 3, Oldest: th.now.Add(-2 * time.Hour)}
	te.givenUp, te.lastLost = 1, th.now.Add(-time.Minute)
	code, raw, rep = th.get(t)
	c := rep.Checks.Encryption
	if code != http.StatusOK || !c.OK || c.WaitingEvents != 3 || c.OldestWaitingAgeSeconds != 7200 || c.GivenUp != 1 ||
		c.LastGivenUp == nil || !c.LastGivenUp.Equal(te.lastLost) {
		t.Fatalf("synced again, events waiting and one given up on (not failing): %d %s", code, encryptionJSON(t, raw))
	}
}

// A new device, not signed (a new database without the recovery key), is
// not failing: the start-up line says so, as it says the device and the
// backup.
func TestHealthEncryptionStartupLine(t *testing.T) {
	for _, c := range []struct {
		status e2ee.Status
		want   string
	}{
		{e2ee.Status{Device: "BOTDEVICE", CrossSigned: true, Backup: true}, "; encryption device BOTDEVICE cross-signed, key backup on"},
		{e2ee.Status{Device: "NEWDEVICE"}, "; encryption device NEWDEVICE NOT cross-signed (members' clients show it unverified), key backup off"},
		{e2ee.Status{}, "; encryption off"},
	} {
		th := newTestHealth(false)
		th.record(allYes(th.now))
		if c.status.Device != "" {
			te := &testEncryption{status: c.status}
			th.setEncryption(te.source())
		}
		var out bytes.Buffer
		ctx := zerolog.New(&out).WithContext(context.Background())
		th.logStartup(ctx, startup{homeserver: "http://hs", bot: "@exodus:hs"})
		if !strings.Contains(out.String(), c.want+`"`) || !strings.Contains(out.String(), `"level":"info"`) {
			t.Errorf("start-up line without %q: %s", c.want, out.String())
		}
	}
}

// The encryption metrics read the device's /sync loop and the events
// waiting for room keys on each scrape.
func TestMetricsEncryption(t *testing.T) {
	m := newPromMetrics(func(context.Context) (int, error) { return 0, nil },
		func(context.Context) (ledger.OutboxBacklog, error) { return ledger.OutboxBacklog{}, nil })
	te := &testEncryption{status: e2ee.Status{Device: "BOTDEVICE", LastSync: time.Unix(1_790_000_000, 0), SyncFailures: 2},
		parked: store.Parked{Events: 4, Oldest: time.Now().Add(-time.Hour)}}
	m.watchEncryption(te.source())
	text := scrape(t, m)
	for sample, want := range map[string]float64{"exodus_device_last_sync_timestamp_seconds": 1_790_000_000,
		"exodus_device_sync_failures_total": 2, "exodus_encrypted_events_waiting": 4} {
		if got := gauge(t, text, sample); got != want {
			t.Errorf("%s = %v, want %v", sample, got, want)
		}
	}
	if age := gauge(t, text, "exodus_encrypted_events_oldest_waiting_seconds"); age < 3600 {
		t.Errorf("oldest waiting %v s, want an hour or more", age)
	}
}
