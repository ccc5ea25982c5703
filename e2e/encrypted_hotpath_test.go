//go:build goolm

package e2e_test

import (
	"context"
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
// counts the member lists (GET /rooms/{room}/members) asked for, by room.
type memberLists struct {
	rp *httputil.ReverseProxy
	mu sync.Mutex
	by map[string]int
}

func (m *memberLists) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/members") {
		room, _ := url.PathUnescape(strings.TrimSuffix(r.URL.Path[strings.Index(r.URL.Path, "/rooms/")+len("/rooms/"):], "/members"))
		m.mu.Lock()
		m.by[room]++
		m.mu.Unlock()
	}
	m.rp.ServeHTTP(w, r)
}

func (m *memberLists) of(room id.RoomID) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.by[string(room)]
}

// TestEncryptedAnswersAskMembersOnce: the bot's answers into an encrypted
// circle ask the homeserver for the room's members after the bot joined,
// and then read them from its state store: members invited and joining later read the bot's answers (the
// room key reaches them), and neither they nor a member leaving make the
// bot ask again.
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
	lists := &memberLists{rp: httputil.NewSingleHostReverseProxy(target), by: map[string]int{}}
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
}
