package ledger_test

import (
	"slices"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

const founder ledger.UserID = "@founder:t"

// roles reads the circle's roles.
func (w *aidWorld) roles() *ledger.CircleRoles {
	w.t.Helper()
	r, err := w.svc.Circles.Roles(w.ctx, aidCircle)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

func (w *aidWorld) isMember(u ledger.UserID) bool {
	w.t.Helper()
	ms, err := w.svc.Circles.Members(w.ctx, aidCircle)
	if err != nil {
		w.t.Fatal(err)
	}
	return slices.Contains(ms, u)
}

// The owner names a co-owner, who may then change the circle and remove a
// plain member, but not hand it over, name co-owners, or remove the owner
// or another co-owner; each refusal has its code and changes nothing.
func TestCoOwnerMayManageButNotTheRoles(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sEve)
	if err := w.svc.Circles.SetCoOwner(w.ctx, w.act(founder), aidCircle, sAnn, true); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Circles.SetCoOwner(w.ctx, w.act(founder), aidCircle, sBen, true); err != nil {
		t.Fatal(err)
	}
	if got := w.roles().CoOwners; !slices.Equal(got, []ledger.UserID{sAnn, sBen}) {
		t.Fatalf("co-owners %v", got)
	}
	if _, err := w.svc.Circles.Update(w.ctx, w.act(sAnn), aidCircle, ledger.SettingPledge, mEUR(30), ""); err != nil {
		t.Fatalf("a co-owner changing the pledge: %v", err)
	}
	refusals := []struct {
		name string
		do   func() error
		key  string
		code ledger.Code
	}{
		{"co-owner hands over", func() error {
			_, err := w.svc.Circles.HandOver(w.ctx, w.act(sAnn), aidCircle, sCid)
			return err
		}, "roles.owner_only", ledger.EForbidden},
		{"co-owner names a co-owner", func() error { return w.svc.Circles.SetCoOwner(w.ctx, w.act(sAnn), aidCircle, sCid, true) }, "roles.owner_only", ledger.EForbidden},
		{"co-owner removes the owner", func() error { return w.svc.Circles.Remove(w.ctx, w.act(sAnn), aidCircle, founder) }, "roles.remove_owner", ledger.EForbidden},
		{"co-owner removes a co-owner", func() error { return w.svc.Circles.Remove(w.ctx, w.act(sAnn), aidCircle, sBen) }, "roles.remove_coowner", ledger.EForbidden},
		{"member removes", func() error { return w.svc.Circles.Remove(w.ctx, w.act(sCid), aidCircle, sEve) }, "roles.managers_only", ledger.EForbidden},
		{"member changes the pledge", func() error {
			_, err := w.svc.Circles.Update(w.ctx, w.act(sCid), aidCircle, ledger.SettingPledge, mEUR(1), "")
			return err
		}, "circle.not_owner", ledger.EForbidden},
		{"owner removes themself", func() error { return w.svc.Circles.Remove(w.ctx, w.act(founder), aidCircle, founder) }, "roles.remove_self", ledger.EInvalid},
		{"owner names a stranger", func() error {
			return w.svc.Circles.SetCoOwner(w.ctx, w.act(founder), aidCircle, "@stranger:t", true)
		}, "roles.not_member", ledger.EConflict},
		{"owner names a co-owner twice", func() error { return w.svc.Circles.SetCoOwner(w.ctx, w.act(founder), aidCircle, sAnn, true) }, "roles.already_coowner", ledger.EConflict},
		{"owner dismisses a plain member", func() error {
			return w.svc.Circles.SetCoOwner(w.ctx, w.act(founder), aidCircle, sCid, false)
		}, "roles.not_coowner", ledger.EConflict},
		{"owner hands over to a stranger", func() error {
			_, err := w.svc.Circles.HandOver(w.ctx, w.act(founder), aidCircle, "@stranger:t")
			return err
		}, "roles.not_member", ledger.EConflict},
		{"owner hands over to themself", func() error {
			_, err := w.svc.Circles.HandOver(w.ctx, w.act(founder), aidCircle, founder)
			return err
		}, "roles.self", ledger.EInvalid},
	}
	for _, tc := range refusals {
		if err := tc.do(); key(err) != tc.key || ledger.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v (%s); want %s (%s)", tc.name, err, ledger.ErrorCode(err), tc.key, tc.code)
		}
	}
	r := w.roles()
	if r.Owner != founder || !slices.Equal(r.CoOwners, []ledger.UserID{sAnn, sBen}) || len(r.Removed) != 0 {
		t.Fatalf("roles after refusals: %+v", r)
	}
	for _, u := range []ledger.UserID{founder, sAnn, sBen, sCid, sEve} {
		if !w.isMember(u) {
			t.Fatalf("%s is no longer a member after refusals", u)
		}
	}
	if err := w.svc.Circles.Remove(w.ctx, w.act(sAnn), aidCircle, sEve); err != nil {
		t.Fatalf("a co-owner removing a plain member: %v", err)
	}
	if w.isMember(sEve) || !w.roles().IsRemoved(sEve) {
		t.Fatal("the member removed is still a member")
	}
	if err := w.svc.Circles.SetCoOwner(w.ctx, w.act(founder), aidCircle, sBen, false); err != nil {
		t.Fatal(err)
	}
	if got := w.roles().CoOwners; !slices.Equal(got, []ledger.UserID{sAnn}) {
		t.Fatalf("co-owners after dismissing ben: %v", got)
	}
}

// A hand-over makes the member the owner; the former owner stays a
// co-owner, and the new owner may remove them.
func TestHandOverKeepsTheFormerOwnerAsCoOwner(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen)
	c, err := w.svc.Circles.HandOver(w.ctx, w.act(founder), aidCircle, sAnn)
	if err != nil {
		t.Fatal(err)
	}
	if c.Owner != sAnn {
		t.Fatalf("owner %s", c.Owner)
	}
	r := w.roles()
	if r.Owner != sAnn || !slices.Equal(r.CoOwners, []ledger.UserID{founder}) {
		t.Fatalf("roles after the hand-over: %+v", r)
	}
	if _, err := w.svc.Circles.HandOver(w.ctx, w.act(founder), aidCircle, sBen); key(err) != "roles.owner_only" {
		t.Fatalf("the former owner handing over again: %v", err)
	}
	if err := w.svc.Circles.Remove(w.ctx, w.act(sAnn), aidCircle, founder); err != nil {
		t.Fatalf("the new owner removing the former one: %v", err)
	}
	if w.isMember(founder) || len(w.roles().CoOwners) != 0 {
		t.Fatalf("the former owner after removal: %+v", w.roles())
	}
}

// A member removed stays out though still in the room (a join seen again
// does not count them in), and their promises stay; invited again by a
// plain member they stay out, by an owner or co-owner they are back.
func TestRemovedMemberStaysOutUntilReadmitted(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen)
	need := w.status(sAnn, 100, 0)
	w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: need, Amount: mEUR(20)})
	if err := w.svc.Circles.Remove(w.ctx, w.act(founder), aidCircle, sBen); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Circles.Remove(w.ctx, w.act(founder), aidCircle, sBen); key(err) != "roles.already_removed" {
		t.Fatalf("removing twice: %v", err)
	}
	w.join(sBen)
	if w.isMember(sBen) {
		t.Fatal("a join after the removal counted the member in")
	}
	if v := w.need(need); len(v.Promises) != 1 || v.Promises[0].Giver != sBen {
		t.Fatalf("the removed member's promise: %+v", v.Promises)
	}
	if ok, err := w.svc.Circles.Readmit(w.ctx, aidCircle, sAnn, sBen); err != nil || ok {
		t.Fatalf("a plain member readmitting: %v %v", ok, err)
	}
	if ok, err := w.svc.Circles.Readmit(w.ctx, aidCircle, founder, sBen); err != nil || !ok {
		t.Fatalf("the owner readmitting: %v %v", ok, err)
	}
	w.join(sBen)
	if !w.isMember(sBen) || w.roles().IsRemoved(sBen) {
		t.Fatal("the member invited again is not back")
	}
}

// A circle state names the co-owners; one without them (nil) leaves them.
func TestAdoptSetsCoOwnersFromTheState(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen)
	if err := w.svc.Circles.SetCoOwner(w.ctx, w.act(founder), aidCircle, sAnn, true); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Circles.Adopt(w.ctx, w.act("@bot:t"), aidCircle, ledger.CircleState{Owner: founder}); err != nil {
		t.Fatal(err)
	}
	if got := w.roles().CoOwners; !slices.Equal(got, []ledger.UserID{sAnn}) {
		t.Fatalf("a state without co-owners changed them: %v", got)
	}
	st := ledger.CircleState{Owner: sBen, CoOwners: []ledger.UserID{founder}}
	if _, err := w.svc.Circles.Adopt(w.ctx, w.act("@bot:t"), aidCircle, st); err != nil {
		t.Fatal(err)
	}
	if r := w.roles(); r.Owner != sBen || !slices.Equal(r.CoOwners, []ledger.UserID{founder}) {
		t.Fatalf("roles from the state: %+v", r)
	}
}
