package ledger_test

import (
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// The actors of the authorization table in docs/security.md, for the
// rules that depend on circles. In the circle aidCircle: sOwner (owns the
// need, the claim and the initiative), sMember (a member with a guarantee
// of nobody: a member of the room is a member of the circle), sBoth (in
// aidCircle and in the other circle). In the other circle only: sAway.
// In no circle: sNobody.
const (
	sOwner  ledger.UserID = "@owner:t"
	sMember ledger.UserID = "@member:t"
	sBoth   ledger.UserID = "@both:t"
	sAway   ledger.UserID = "@away:t"
	sNobody ledger.UserID = "@nobody:t"
)

// TestWhoMayActOnACirclesNeeds checks each cell of the circle rows of the
// authorization table: who may promise toward a member's need, approve a
// kassa claim, back an initiative or mark it done. Each cell runs on a
// fresh ledger, so one allowed act does not change the next.
func TestWhoMayActOnACirclesNeeds(t *testing.T) {
	t.Parallel()
	type world struct {
		w                 *aidWorld
		need, claim, roof ledger.NeedID
	}
	const other ledger.CircleID = "!other:test"
	setup := func(t *testing.T) world {
		w := newAidWorld(t, sOwner, sMember, sBoth)
		if _, err := w.svc.Circles.Create(w.ctx, w.act("@founder:t"), ledger.CircleSpec{ID: other, Name: "Other"}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []ledger.UserID{sBoth, sAway} {
			if err := w.svc.Circles.SetMembership(w.ctx, other, u, true); err != nil {
				t.Fatal(err)
			}
		}
		for _, u := range []ledger.UserID{sMember, sBoth} {
			w.must(ledger.Op{Kind: ledger.OpKassa, Actor: u, Amount: mEUR(50), Circle: aidCircle})
		}
		w.must(ledger.Op{Kind: ledger.OpKassa, Actor: sAway, Amount: mEUR(50), Circle: other})
		return world{w: w,
			need:  w.status(sOwner, 300, 0),
			claim: w.must(ledger.Op{Kind: ledger.OpClaim, Actor: sOwner, Amount: mEUR(30), Text: "rent", Circle: aidCircle}).Need.ID,
			roof:  w.initiative(sOwner, "Roof", 100, w.clock.Now().Add(10*24*time.Hour)).ID,
		}
	}
	type act func(x world, u ledger.UserID) ledger.Op
	acts := map[string]act{
		"intend toward a need": func(x world, u ledger.UserID) ledger.Op { return intend(u, x.need, 10) },
		"commit toward a need": func(x world, u ledger.UserID) ledger.Op { return commit(u, x.need, 10) },
		"approve a claim": func(x world, u ledger.UserID) ledger.Op {
			return ledger.Op{Kind: ledger.OpApprove, Actor: u, Need: x.claim}
		},
		"back an initiative":   func(x world, u ledger.UserID) ledger.Op { return intend(u, x.roof, 10) },
		"commit to initiative": func(x world, u ledger.UserID) ledger.Op { return commit(u, x.roof, 10) },
		"mark initiative done": func(x world, u ledger.UserID) ledger.Op {
			return ledger.Op{Kind: ledger.OpDone, Actor: u, Need: x.roof}
		},
	}
	// want is the refusal's key for each actor, "" where allowed.
	cells := []struct {
		act  string
		want map[ledger.UserID]string
	}{
		{"intend toward a need", map[ledger.UserID]string{sOwner: "promise.self", sMember: "", sBoth: "", sAway: "need.not_in_circle", sNobody: "need.not_in_circle"}},
		{"commit toward a need", map[ledger.UserID]string{sOwner: "promise.self", sMember: "", sBoth: "", sAway: "need.not_in_circle", sNobody: "need.not_in_circle"}},
		{"approve a claim", map[ledger.UserID]string{sOwner: "kassa.self_approval", sMember: "", sBoth: "", sAway: "need.not_circle_member", sNobody: "need.not_circle_member"}},
		{"back an initiative", map[ledger.UserID]string{sOwner: "promise.self", sMember: "", sBoth: "", sAway: "need.not_circle_member", sNobody: "need.not_circle_member"}},
		{"commit to initiative", map[ledger.UserID]string{sOwner: "promise.self", sMember: "", sBoth: "", sAway: "need.not_circle_member", sNobody: "need.not_circle_member"}},
		{"mark initiative done", map[ledger.UserID]string{sOwner: "", sMember: "initiative.not_initiator", sBoth: "initiative.not_initiator", sAway: "initiative.not_initiator", sNobody: "initiative.not_initiator"}},
	}
	for _, c := range cells {
		for _, u := range []ledger.UserID{sOwner, sMember, sBoth, sAway, sNobody} {
			t.Run(c.act+" by "+string(u), func(t *testing.T) {
				x := setup(t)
				_, err := x.w.do(acts[c.act](x, u))
				if got, want := key(err), c.want[u]; got != want {
					t.Fatalf("%s by %s: %q (%v); want %q", c.act, u, got, err, want)
				}
			})
		}
	}
}
