package ledger_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/memstore"
)

// world is a ledger service on the in-memory store with a manual clock.
type world struct {
	t     *testing.T
	ctx   context.Context
	svc   *ledger.Service
	clock *ledger.ManualClock
	n     int
}

const circle ledger.CircleID = "!circle:test"

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	st := memstore.New()
	clock := ledger.NewManualClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	w := &world{t: t, ctx: ctx, svc: ledger.NewService(st.Stores(), clock, ledger.DefaultConfig()), clock: clock}
	if _, err := w.svc.Circles.Create(ctx, w.act("@owner:t"), ledger.CircleSpec{ID: circle, Name: "C"}); err != nil {
		t.Fatal(err)
	}
	return w
}

// act is a fresh action of u now.
func (w *world) act(u ledger.UserID) ledger.Action {
	w.n++
	return ledger.Action{Event: ledger.EventID(fmt.Sprintf("$e%d", w.n)), Actor: u, At: w.clock.Now()}
}

// guarantee makes a guarantee between a and b through an invitation.
func (w *world) guarantee(a, b ledger.UserID) {
	w.t.Helper()
	if _, err := w.svc.Trust.Invite(w.ctx, w.act(a), circle, b); err != nil {
		w.t.Fatalf("invite %s->%s: %v", a, b, err)
	}
	if _, err := w.svc.Trust.AcceptPending(w.ctx, w.act(b), circle); err != nil {
		w.t.Fatalf("accept %s->%s: %v", a, b, err)
	}
}

func key(err error) string {
	if e := ledger.AsError(err); e != nil {
		return e.Key
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestInvitationRules(t *testing.T) {
	cases := []struct {
		name  string
		setup func(w *world)
		do    func(w *world) error
		want  string
	}{
		{"invite yourself", nil, func(w *world) error { _, err := w.svc.Trust.Invite(w.ctx, w.act("@a:t"), circle, "@a:t"); return err }, "invite.self"},
		{"invite in no circle", nil, func(w *world) error {
			_, err := w.svc.Trust.Invite(w.ctx, w.act("@a:t"), "!none:t", "@b:t")
			return err
		}, "circle.not_found"},
		{"invite twice", func(w *world) { w.svc.Trust.Invite(w.ctx, w.act("@a:t"), circle, "@b:t") },
			func(w *world) error { _, err := w.svc.Trust.Invite(w.ctx, w.act("@a:t"), circle, "@b:t"); return err }, "invite.pending"},
		{"invite a guarantor", func(w *world) { w.guarantee("@a:t", "@b:t") },
			func(w *world) error { _, err := w.svc.Trust.Invite(w.ctx, w.act("@b:t"), circle, "@a:t"); return err }, "invite.already_guaranteed"},
		{"invite who blocked you", func(w *world) { w.svc.Trust.Block(w.ctx, w.act("@b:t"), "@a:t") },
			func(w *world) error { _, err := w.svc.Trust.Invite(w.ctx, w.act("@a:t"), circle, "@b:t"); return err }, "invite.blocked"},
		{"accept with nothing pending", nil, func(w *world) error { _, err := w.svc.Trust.AcceptPending(w.ctx, w.act("@b:t"), circle); return err }, "invite.none_pending"},
		{"accept someone else's card", func(w *world) {
			inv, _ := w.svc.Trust.Invite(w.ctx, w.act("@a:t"), circle, "@b:t")
			w.svc.Trust.AttachCard(w.ctx, inv.ID, "$card")
		}, func(w *world) error { _, err := w.svc.Trust.AcceptCard(w.ctx, w.act("@c:t"), "$card"); return err }, "invite.not_yours"},
		{"accept own card", func(w *world) {
			inv, _ := w.svc.Trust.Invite(w.ctx, w.act("@a:t"), circle, "@b:t")
			w.svc.Trust.AttachCard(w.ctx, inv.ID, "$card")
		}, func(w *world) error { _, err := w.svc.Trust.AcceptCard(w.ctx, w.act("@a:t"), "$card"); return err }, "invite.self"},
		{"accept an expired invitation", func(w *world) {
			w.svc.Trust.Invite(w.ctx, w.act("@a:t"), circle, "@b:t")
			w.clock.Advance(15 * 24 * time.Hour)
		}, func(w *world) error { _, err := w.svc.Trust.AcceptPending(w.ctx, w.act("@b:t"), circle); return err }, "invite.none_pending"},
		{"accept an unknown code", nil, func(w *world) error { _, err := w.svc.Trust.AcceptCode(w.ctx, w.act("@b:t"), "ZZZZ-ZZZZ"); return err }, "invite.bad_code"},
		{"accept the invitation", func(w *world) { w.svc.Trust.Invite(w.ctx, w.act("@a:t"), circle, "@b:t") },
			func(w *world) error { _, err := w.svc.Trust.AcceptPending(w.ctx, w.act("@b:t"), circle); return err }, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			if c.setup != nil {
				c.setup(w)
			}
			if got := key(c.do(w)); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestCodeIsSingleUseAndExpires(t *testing.T) {
	w := newWorld(t)
	inv, err := w.svc.Trust.CreateCode(w.ctx, w.act("@a:t"), circle)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Trust.AcceptCode(w.ctx, w.act("@b:t"), inv.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Trust.AcceptCode(w.ctx, w.act("@c:t"), inv.Code); key(err) != "invite.not_pending" {
		t.Fatalf("second use: %v", err)
	}
	late, _ := w.svc.Trust.CreateCode(w.ctx, w.act("@a:t"), "")
	w.clock.Advance(8 * 24 * time.Hour)
	if _, err := w.svc.Trust.AcceptCode(w.ctx, w.act("@c:t"), late.Code); key(err) != "invite.expired" {
		t.Fatalf("expired code: %v", err)
	}
}

func TestSameEventTwiceChangesNothing(t *testing.T) {
	w := newWorld(t)
	if _, err := w.svc.Trust.Invite(w.ctx, w.act("@a:t"), circle, "@b:t"); err != nil {
		t.Fatal(err)
	}
	accept := w.act("@b:t")
	if _, err := w.svc.Trust.AcceptPending(w.ctx, accept, circle); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Trust.AcceptPending(w.ctx, accept, circle); !ledger.IsDuplicate(err) {
		t.Fatalf("second apply: %v, want ErrAlreadyApplied", err)
	}
	pool := w.act("@a:t")
	first, _ := w.svc.Trust.Pool(w.ctx, pool)
	if _, err := w.svc.Trust.Pool(w.ctx, pool); !ledger.IsDuplicate(err) {
		t.Fatalf("pool twice: %v", err)
	}
	again, _ := w.svc.Trust.Pool(w.ctx, w.act("@a:t"))
	if again.Previous == nil || again.PrevCount != first.Count {
		t.Fatalf("pool memory: %+v after %+v", again, first)
	}
}

func TestBlockCutsAndUnblockRestores(t *testing.T) {
	w := newWorld(t)
	w.guarantee("@a:t", "@b:t")
	w.guarantee("@b:t", "@c:t")
	res, err := w.svc.Trust.Block(w.ctx, w.act("@a:t"), "@b:t")
	if err != nil || !res.HadGuarantee {
		t.Fatalf("block: %+v %v", res, err)
	}
	if tl, _ := w.svc.Trust.TrustListOf(w.ctx, "@a:t"); tl.Count() != 0 {
		t.Fatalf("after block, list = %+v", tl)
	}
	if _, err := w.svc.Trust.Block(w.ctx, w.act("@a:t"), "@b:t"); key(err) != "block.already" {
		t.Fatalf("block twice: %v", err)
	}
	if _, err := w.svc.Trust.Unblock(w.ctx, w.act("@a:t"), "@b:t"); err != nil {
		t.Fatal(err)
	}
	if tl, _ := w.svc.Trust.TrustListOf(w.ctx, "@a:t"); tl.Count() != 2 {
		t.Fatalf("after unblock, list = %+v", tl)
	}
	if _, err := w.svc.Trust.Unblock(w.ctx, w.act("@a:t"), "@b:t"); key(err) != "block.not_blocked" {
		t.Fatalf("unblock twice: %v", err)
	}
}

func TestSOSIsRateLimited(t *testing.T) {
	w := newWorld(t)
	if _, err := w.svc.Trust.SOS(w.ctx, w.act("@a:t")); key(err) != "sos.empty" {
		t.Fatalf("sos with empty list: %v", err)
	}
	w.guarantee("@a:t", "@b:t")
	for i := 0; i < 3; i++ {
		if _, err := w.svc.Trust.SOS(w.ctx, w.act("@a:t")); err != nil {
			t.Fatalf("sos %d: %v", i, err)
		}
	}
	if _, err := w.svc.Trust.SOS(w.ctx, w.act("@a:t")); ledger.ErrorCode(err) != ledger.ERateLimited {
		t.Fatalf("fourth sos: %v", err)
	}
	w.clock.Advance(25 * time.Hour)
	if _, err := w.svc.Trust.SOS(w.ctx, w.act("@a:t")); err != nil {
		t.Fatalf("sos next day: %v", err)
	}
}

func TestOnlyTheOwnerChangesACircle(t *testing.T) {
	w := newWorld(t)
	pledge := ledger.Amount{Minor: 5000, Currency: "USD"}
	if _, err := w.svc.Circles.Update(w.ctx, w.act("@a:t"), circle, ledger.SettingPledge, pledge, ""); key(err) != "circle.not_owner" {
		t.Fatalf("non-owner: %v", err)
	}
	c, err := w.svc.Circles.Update(w.ctx, w.act("@owner:t"), circle, ledger.SettingPledge, pledge, "")
	if err != nil || c.Pledge != pledge {
		t.Fatalf("owner: %+v %v", c, err)
	}
}
