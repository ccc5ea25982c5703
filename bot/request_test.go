package bot_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/store"
)

// countingCircles counts the circle reads of the ledger.
type countingCircles struct {
	ledger.CircleStore
	reads atomic.Int64
}

func (s *countingCircles) GetCircle(ctx context.Context, c ledger.CircleID) (*ledger.Circle, error) {
	s.reads.Add(1)
	return s.CircleStore.GetCircle(ctx, c)
}

// TestOneCommandReadsTheCircleOnce: handling one command reads the circle
// of its room once (HandleEvent), however the command then answers: the
// request carries it. (Before the request was built once, a command in a
// circle's room read it four times.)
func TestOneCommandReadsTheCircleOnce(t *testing.T) {
	ctx := zerolog.Nop().WithContext(context.Background())
	st, err := store.Open(ctx, store.Config{URI: "file:" + filepath.Join(t.TempDir(), "exodus.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clock := ledger.NewManualClock(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	stores := st.Ledger()
	cs := &countingCircles{CircleStore: stores.Circles}
	stores.Circles = cs
	svc := ledger.NewService(stores, clock, ledger.DefaultConfig())
	cfg := bot.Config{UserID: "@exodus:test", Prefix: "!ex", CommandsPerMinute: 1000,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`)}}
	b := bot.New(cfg, &fakeClient{}, svc, access.New(st.Ledger(), svc), st)
	const room = "!circle:test"
	if _, err := svc.Circles.Create(ctx, ledger.Action{Event: "$create", Actor: "@owner:test", At: clock.Now()},
		ledger.CircleSpec{ID: room, Name: "Test"}); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ room, body string }{
		{room, "!ex list"}, {room, "!ex help"}, {room, "!ex pool"}, {room, "!ex nonsense"},
		{"!elsewhere:test", "!ex list"}, // no circle: its read finds none
	}
	for i, c := range cases {
		body := c.body
		var evt event.Event
		if err := json.Unmarshal(message("$m"+string(rune('a'+i)), c.room, "@alice:test", body), &evt); err != nil {
			t.Fatal(err)
		}
		if err := evt.Content.ParseRaw(evt.Type); err != nil {
			t.Fatal(err)
		}
		cs.reads.Store(0)
		if err := b.HandleEvent(ctx, &evt); err != nil {
			t.Fatal(err)
		}
		if n := cs.reads.Load(); n != 1 {
			t.Errorf("%q in %s read a circle %d times, want 1", body, c.room, n)
		}
	}
}
