//go:build goolm

package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/devnet/encrypted"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// memberLists is a reverse proxy between the bot and its homeserver that
// counts the member lists (GET /rooms/{room}/members) asked for, by room,
// and watches the bot's encrypted messages: each names the session (room
// key) it is encrypted with, which should be in the key backup before.
type memberLists struct {
	rp *httputil.ReverseProxy
	mu sync.Mutex
	by map[string]int
	// backedUp are the sessions uploaded to the key backup so far.
	backedUp map[string]bool
	// sent counts the encrypted messages sent; early lists those sent
	// before their session was backed up.
	sent  int
	early []string
}

func (m *memberLists) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/members"):
		room, _ := url.PathUnescape(strings.TrimSuffix(r.URL.Path[strings.Index(r.URL.Path, "/rooms/")+len("/rooms/"):], "/members"))
		m.mu.Lock()
		m.by[room]++
		m.mu.Unlock()
	case r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/room_keys/keys"):
		var req struct {
			Rooms map[string]struct {
				Sessions map[string]json.RawMessage `json:"sessions"`
			} `json:"rooms"`
		}
		m.peek(r, &req)
		m.mu.Lock()
		for _, room := range req.Rooms {
			for session := range room.Sessions {
				m.backedUp[session] = true
			}
		}
		m.mu.Unlock()
	case r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/send/m.room.encrypted/"):
		var msg struct {
			SessionID string `json:"session_id"`
		}
		m.peek(r, &msg)
		m.mu.Lock()
		m.sent++
		if !m.backedUp[msg.SessionID] {
			m.early = append(m.early, msg.SessionID)
		}
		m.mu.Unlock()
	}
	m.rp.ServeHTTP(w, r)
}

// peek decodes the request's JSON body into v, leaving the body to be
// forwarded.
func (m *memberLists) peek(r *http.Request, v any) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	_ = json.Unmarshal(body, v)
}

func (m *memberLists) of(room id.RoomID) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.by[string(room)]
}

// TestEncryptedAnswersAskMembersOnce: the bot's answers into an encrypted
// circle ask the homeserver for the room's members after the bot joined,
// and then read them from its state store: members invited and joining
// later read the bot's answers (the room key reaches them), and neither
// they nor a member leaving make the bot ask again. Each encrypted message
// goes out after its room key is in the key backup, not a /sync later.
func TestEncryptedAnswersAskMembersOnce(t *testing.T) {
	dir, err := os.MkdirTemp("", "exodus-hotpath-")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	hsPort, err := devnet.FreePortOn("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse("http://127.0.0.1:" + strconv.Itoa(hsPort))
	lists := &memberLists{rp: httputil.NewSingleHostReverseProxy(target), by: map[string]int{}, backedUp: map[string]bool{}}
	front := &http.Server{Handler: lists, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = front.Serve(ln) }()
	defer front.Close()
	s, err := stack.Start(ctx, stack.Options{Dir: dir, HSPort: hsPort,
		Settings: map[string]any{"homeserver.address": "http://" + ln.Addr().String()}})
	if err != nil {
		t.Fatalf("files kept in %s: %v", dir, err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() || os.Getenv("EXODUS_E2E_KEEP") == "1" {
			t.Logf("files of the stack kept in %s (exodus.log, dendrite/dendrite.log)", dir)
		} else {
			_ = os.RemoveAll(dir)
		}
	})
	if s.BotID != env.BotID {
		t.Fatalf("the helpers wait for %s, this stack's bot is %s", env.BotID, s.BotID)
	}
	register := func(name string) *devnet.User {
		u, err := encrypted.Register(ctx, s.HS, name, "password-"+name, t.TempDir())
		if err != nil {
			t.Fatalf("register %s with encryption: %v", name, err)
		}
		t.Cleanup(func() { _ = u.Close() })
		return u
	}
	erin, fred, gina := register("erin"), register("fred"), register("gina")
	room, err := erin.CreateRoom(testCtx(t), "Our secrets", []id.UserID{s.BotID}, true)
	if err != nil {
		t.Fatal(err)
	}
	botSays(t, erin, room, "circle here")
	mustContain(t, sayEncrypted(t, erin, room, "!ex circle here"), "now the circle")
	// The bot asked when it wrote first after joining, and again after it
	// read its own join (a change of its membership, as the rule goes);
	// from then on its membership stays, and so does the count.
	joined := lists.of(room)
	if joined == 0 {
		t.Fatal("the bot never asked the homeserver for the members of the room it joined")
	}
	for range 3 {
		mustContain(t, sayEncrypted(t, erin, room, "!ex help"), "Commands")
	}
	inviteAndJoin(t, erin, fred, room)
	mustContain(t, sayEncrypted(t, fred, room, "!ex help"), "Commands")
	inviteAndJoin(t, fred, gina, room)
	if _, err := gina.Client.LeaveRoom(testCtx(t), room); err != nil {
		t.Fatal(err)
	}
	mustContain(t, sayEncrypted(t, fred, room, "!ex help"), "Commands")
	if n := lists.of(room); n != joined {
		t.Errorf("the bot asked the homeserver for the circle's members %d times, %d of them after it joined; want none after", n, n-joined)
	}
	lists.mu.Lock()
	defer lists.mu.Unlock()
	if lists.sent < 5 || len(lists.early) > 0 {
		t.Errorf("of %d encrypted messages the bot sent, %d went out before their room key was in the key backup: %v",
			lists.sent, len(lists.early), lists.early)
	}
}
