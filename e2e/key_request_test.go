//go:build goolm

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/devnet/encrypted"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// TestLostRoomKeyIsAskedFor: a member's client shares its room key with the
// bot's device, but the key is lost on its way (dropped between the client
// and the homeserver, the client none the wiser); the bot parks the
// member's encrypted command, asks the member's devices for the key
// (encryption.key_request_after, one second here), the member's client
// answers as Element does (it shared that session with the bot's device),
// and the command is handled and answered. Nothing else wakes the event:
// no restart, no hourly wake, no new key.
func TestLostRoomKeyIsAskedFor(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	s := ownStack(t, "exodus-keyreq-", stack.Options{Settings: map[string]any{"encryption.key_request_after": "1s"}})
	erin, err := encrypted.Register(ctx, s.HS, "erin", "erin-password", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = erin.Close() })
	room := encryptedRoomWith(t, s, erin)

	lost := loseNextRoomKey(erin, s.BotID)
	sent, err := erin.Send(ctx, room, "!ex circle here") // a new session, its key shared with the bot's device
	if err != nil {
		t.Fatal(err)
	}
	if n := lost.lostCount(); n != 1 {
		t.Fatalf("%d room key messages to the bot were lost, want 1", n)
	}
	mustBeEncrypted(t, erin, room, sent)
	reply, err := erin.WaitMessageAfter(ctx, room, sent, s.BotID, func(e *event.Event) bool {
		msg, ok := e.Content.Parsed.(*event.MessageEventContent)
		return ok && msg.RelatesTo.GetReplyTo() == sent
	})
	if err != nil {
		t.Fatalf("waiting for the answer to the command whose key was lost: %v", err)
	}
	mustContain(t, reply, "now the circle", "Our secrets")
	if n := lost.resentCount(); n == 0 {
		t.Error("the member's client sent the bot's device no key after the lost one: the answer came some other way")
	}
	if !wasParked(ctx, t, s, sent) {
		t.Error("the command was never parked waiting for its key")
	}
}

// roomKeyLoss is a member client's HTTP transport that loses its next
// olm-encrypted to-device message (a room key) to one user's devices: the
// homeserver never gets it, and the client, answered as if it had, counts
// it shared.
type roomKeyLoss struct {
	next http.RoundTripper
	to   id.UserID

	mu     sync.Mutex
	armed  bool
	lost   int // messages lost
	resent int // encrypted to-device requests to the user let through after
}

// loseNextRoomKey makes u's client lose its next encrypted to-device
// message to user's devices.
func loseNextRoomKey(u *devnet.User, user id.UserID) *roomKeyLoss {
	next := u.Client.Client.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	l := &roomKeyLoss{next: next, to: user, armed: true}
	u.Client.Client.Transport = l
	return l
}

func (l *roomKeyLoss) lostCount() int   { l.mu.Lock(); defer l.mu.Unlock(); return l.lost }
func (l *roomKeyLoss) resentCount() int { l.mu.Lock(); defer l.mu.Unlock(); return l.resent }

// RoundTrip passes every request on but the messages it loses.
func (l *roomKeyLoss) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPut || !strings.Contains(req.URL.Path, "/sendToDevice/m.room.encrypted/") || req.Body == nil {
		return l.next.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, err
	}
	var msg struct {
		Messages map[id.UserID]json.RawMessage `json:"messages"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		return nil, err
	}
	l.mu.Lock()
	_, toUser := msg.Messages[l.to]
	lose := toUser && l.armed
	switch {
	case lose:
		l.armed, l.lost = false, l.lost+1
		delete(msg.Messages, l.to)
	case toUser:
		l.resent++
	}
	l.mu.Unlock()
	if lose && len(msg.Messages) == 0 {
		return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader("{}")), Request: req}, nil
	}
	if lose {
		if body, err = json.Marshal(msg); err != nil {
			return nil, err
		}
	}
	out := req.Clone(req.Context())
	out.Body, out.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	return l.next.RoundTrip(out)
}

// wasParked reports whether the bot's inbox parked evt waiting for its
// room key at some point (the first park's time stays once it is done).
func wasParked(ctx context.Context, t *testing.T, s *stack.Stack, evt id.EventID) bool {
	t.Helper()
	db, err := dbutil.NewWithDialect("file:"+s.DBPath+"?_txlock=immediate", "sqlite3-fk-wal")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var parked bool
	if err := db.QueryRow(ctx, `SELECT wait_since IS NOT NULL FROM inbox WHERE event_id = $1`, evt.String()).Scan(&parked); err != nil {
		t.Fatal(err)
	}
	return parked
}
