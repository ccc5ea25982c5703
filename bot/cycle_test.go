package bot_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/store"
)

// crashingStore fails recording one op once, as a crash in the middle of
// that op's transaction would: the transaction is rolled back.
type crashingStore struct {
	*store.Aid
	crashOn ledger.EventID
	crashed bool
}

func (s *crashingStore) AppendOp(ctx context.Context, op ledger.Op) error {
	if op.Event == s.crashOn && !s.crashed {
		s.crashed = true
		return errors.New("crash")
	}
	return s.Aid.AppendOp(ctx, op)
}

// yearWorld is a bot whose clock the test moves, restartable over one store.
type yearWorld struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	clock *ledger.ManualClock
	cli   *fakeClient
	svc   *ledger.Service
	bot   *bot.Bot
	n     int
}

const yearCircle ledger.CircleID = "!year:test"

// start (re)starts the service and bot over the store, as after a restart.
func (w *yearWorld) start(st *store.Store, aid ledger.AidStore) {
	stores := st.Ledger()
	stores.Aid = aid
	w.svc = ledger.NewService(stores, w.clock, ledger.DefaultConfig())
	w.bot = bot.New(bot.Config{UserID: "@exodus:test", Prefix: "!ex", CommandsPerMinute: 1000,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`)}}, w.cli, w.svc, access.New(st.Ledger(), w.svc), st)
	hook(w.bot, w.cli)
}

func newYearWorld(t *testing.T) *yearWorld {
	ctx := zerolog.Nop().WithContext(context.Background())
	st, err := store.Open(ctx, store.Config{URI: "file:" + filepath.Join(t.TempDir(), "year.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &yearWorld{t: t, ctx: ctx, st: st, clock: ledger.NewManualClock(time.Date(2027, 1, 1, 9, 0, 0, 0, time.UTC)), cli: &fakeClient{}}
	t.Cleanup(func() { w.cli.checkReach(t) })
	w.start(st, st.Aid)
	if _, err := w.svc.Circles.Create(ctx, w.act("@owner:test"), ledger.CircleSpec{ID: yearCircle, Name: "Year"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []ledger.UserID{alice, bob, carol, dave} {
		if err := w.svc.Circles.SetMembership(ctx, yearCircle, u, true); err != nil {
			t.Fatal(err)
		}
		if err := w.svc.Members.SetDirectRoom(ctx, u, dm(u)); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *yearWorld) act(u ledger.UserID) ledger.Action {
	w.n++
	return ledger.Action{Event: ledger.EventID(fmt.Sprintf("$y%d", w.n)), Actor: u, At: w.clock.Now()}
}

// do applies an op of a member now.
func (w *yearWorld) do(op ledger.Op) {
	w.t.Helper()
	act := w.act(op.Actor)
	op.Event, op.At = act.Event, act.At
	if _, err := w.svc.Aid.Do(w.ctx, op); err != nil {
		w.t.Fatalf("%s on %s: %v", op.Kind, w.clock.Now().Format("2006-01-02"), err)
	}
}

// noticesTo counts the bot's messages of a kind in a member's direct chat.
func (w *yearWorld) noticesTo(u ledger.UserID, kind string) int {
	n := 0
	for _, m := range w.cli.messages() {
		ns, _ := m.Content["org.exodus"].(map[string]any)
		if m.Room == id.RoomID(dm(u)) && ns["type"] == kind {
			n++
		}
	}
	return n
}

// TestSimulatedYear runs a year of days: alice needs monthly support; bob
// commits, sends and is confirmed early each month (his support is renewed
// every month); carol intends every month and never converts. Reminders
// go only to carol, once a month; rollovers and renewals happen exactly
// once a month; a crash in the middle of June's rollover and restarts
// neither skip nor repeat it.
func TestSimulatedYear(t *testing.T) {
	w := newYearWorld(t)
	w.do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusOrange, Amount: ledger.Amount{Minor: 10000, Currency: "EUR"}})
	st, _ := w.svc.Aid.StatusOf(w.ctx, alice)
	need := st.Need
	crash := &crashingStore{Aid: w.st.Aid, crashOn: "tick:rollover:2027-06"}
	for day := 0; day <= 365; day++ { // 2027-01-01 to 2028-01-01
		now := w.clock.Now()
		if now.Day() == 5 {
			w.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: need, Amount: ledger.Amount{Minor: 6000, Currency: "EUR"}})
			w.do(ledger.Op{Kind: ledger.OpSent, Actor: bob, Need: need})
			w.do(ledger.Op{Kind: ledger.OpGot, Actor: alice, Need: need, Giver: bob})
			w.do(ledger.Op{Kind: ledger.OpIntend, Actor: carol, Need: need, Amount: ledger.Amount{Minor: 2000, Currency: "EUR"}})
		}
		switch now.Format("01-02") {
		case "05-31": // the next tick crashes in the middle of the rollover
			w.start(w.st, crash)
		case "06-01":
			if err := w.bot.Clock().Tick(w.ctx); err == nil || !strings.Contains(err.Error(), "crash") {
				t.Fatalf("the crashing tick: %v", err)
			}
			w.start(w.st, w.st.Aid) // restart after the crash
		case "09-15":
			w.start(w.st, w.st.Aid) // an ordinary restart
		}
		if err := w.bot.Clock().Tick(w.ctx); err != nil {
			t.Fatalf("tick on %s: %v", now.Format("2006-01-02"), err)
		}
		w.clock.Advance(24 * time.Hour)
	}

	ops, err := w.st.Aid.Ops(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	rollovers := map[string]int{}
	for _, op := range ops {
		if op.Kind == ledger.OpRollover {
			rollovers[op.Month]++
		}
	}
	if len(rollovers) != 12 {
		t.Fatalf("rollovers %v, want the 12 months from February to January", rollovers)
	}
	for m, n := range rollovers {
		if n != 1 {
			t.Errorf("month %s rolled over %d times", m, n)
		}
	}
	if got := w.noticesTo(carol, "digest"); got != 12 {
		t.Errorf("carol got %d monthly reminders, want 12 (one a month: she never converts)", got)
	}
	for _, u := range []ledger.UserID{alice, bob, dave} {
		if got := w.noticesTo(u, "digest"); got != 0 {
			t.Errorf("%s got %d monthly reminders, want none (nothing pending)", u, got)
		}
	}
	if got := w.noticesTo(bob, "renewal"); got != 12 {
		t.Errorf("bob's support was renewed %d times, want 12", got)
	}
	var expired, fulfilled int
	_ = w.svc.Aid.View(w.ctx, func(b *ledger.Book) error {
		for _, p := range b.PromisesToward(need) {
			switch {
			case p.Giver == carol && p.State == ledger.PromiseExpired:
				expired++
			case p.Giver == bob && p.State == ledger.PromiseFulfilled:
				fulfilled++
			}
		}
		return nil
	})
	if expired != 12 || fulfilled != 12 {
		t.Errorf("carol's expired intentions %d, bob's fulfilled commitments %d; want 12 and 12", expired, fulfilled)
	}
}

// The monthly reminder and a renewal are written with the clock's change
// that calls for them; the bot is killed before it sends either. The
// restarted bot sends each once, and ticking again sends neither again.
func TestReminderAndRenewalSurviveACrashBeforeTheirSend(t *testing.T) {
	w := newYearWorld(t)
	w.do(ledger.Op{Kind: ledger.OpStatus, Actor: alice, Status: ledger.StatusOrange, Amount: ledger.Amount{Minor: 10000, Currency: "EUR"}})
	st, _ := w.svc.Aid.StatusOf(w.ctx, alice)
	w.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: st.Need, Amount: ledger.Amount{Minor: 6000, Currency: "EUR"}})
	w.do(ledger.Op{Kind: ledger.OpSent, Actor: bob, Need: st.Need})
	w.do(ledger.Op{Kind: ledger.OpGot, Actor: alice, Need: st.Need, Giver: bob})
	w.do(ledger.Op{Kind: ledger.OpIntend, Actor: carol, Need: st.Need, Amount: ledger.Amount{Minor: 2000, Currency: "EUR"}})
	crashAfterTick := func(day time.Time) {
		t.Helper()
		w.clock.Set(day)
		k := w.cli.count()
		if err := w.bot.Clock().Tick(w.ctx); err != nil {
			t.Fatal(err)
		}
		if w.cli.count() != k {
			t.Fatalf("%s: sent before the crash", day.Format("2006-01-02"))
		}
		w.start(w.st, w.st.Aid) // kill -9 before the sender ran, then start again
	}
	crashAfterTick(time.Date(2027, 1, 29, 9, 0, 0, 0, time.UTC)) // the reminder is due
	if got := w.noticesTo(carol, "digest"); got != 1 {
		t.Fatalf("carol's reminders after the restart: %d, want 1", got)
	}
	crashAfterTick(time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)) // February: bob's support renewed
	if got := w.noticesTo(bob, "renewal"); got != 1 {
		t.Fatalf("bob's renewals after the restart: %d, want 1", got)
	}
	if err := w.bot.Clock().Tick(w.ctx); err != nil {
		t.Fatal(err)
	}
	if r, d := w.noticesTo(bob, "renewal"), w.noticesTo(carol, "digest"); r != 1 || d != 1 {
		t.Fatalf("after ticking again: %d renewals, %d reminders; want 1 and 1", r, d)
	}
}
