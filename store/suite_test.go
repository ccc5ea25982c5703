package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// base is the time the suite's events happen around (millisecond precision,
// as the store keeps).
var base = time.Date(2025, 3, 1, 12, 0, 0, 123_000_000, time.UTC)

// at returns base plus the given number of minutes.
func at(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }

// eur returns an amount in euro cents.
func eur(cents int64) ledger.Amount { return ledger.Amount{Minor: cents, Currency: "EUR"} }

// IDs chosen so that byte order (Go's, and the store's) differs from
// dictionary order: "@Zed" < "@alice" < "@bob".
const (
	zed   ledger.UserID = "@Zed:example.org"
	alice ledger.UserID = "@alice:example.org"
	bob   ledger.UserID = "@bob:example.org"
	carol ledger.UserID = "@carol:example.org"
)

// wantNotFound fails the test unless err is an ENotFound error with key.
func wantNotFound(t *testing.T, err error, key string) {
	t.Helper()
	e := ledger.AsError(err)
	if ledger.ErrorCode(err) != ledger.ENotFound || e == nil || e.Key != key {
		t.Errorf("error = %v; want %s %s", err, ledger.ENotFound, key)
	}
}

func testMarkApplied(t *testing.T, s *store.Store) {
	ctx := context.Background()
	fresh, err := s.MarkApplied(ctx, "$e1", at(0))
	must(t, err)
	eq(t, "first MarkApplied fresh", fresh, true)
	fresh, err = s.MarkApplied(ctx, "$e1", at(1))
	must(t, err)
	eq(t, "second MarkApplied fresh", fresh, false)
	fresh, err = s.MarkApplied(ctx, "$e2", at(1))
	must(t, err)
	eq(t, "other event fresh", fresh, true)
}

func testMembers(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Members.GetMember(ctx, alice)
	wantNotFound(t, err, "member.not_found")

	plain := &ledger.Member{ID: bob, CreatedAt: at(0)}
	must(t, s.Members.PutMember(ctx, plain))
	got, err := s.Members.GetMember(ctx, bob)
	must(t, err)
	eq(t, "plain member", got, plain)

	m := &ledger.Member{
		ID: alice, Lang: ledger.LangRU, LangChosen: true, DirectRoom: "!dm:example.org",
		PoolSeen:      []ledger.Amount{eur(12_50), {Minor: 300, Currency: "JPY"}},
		PoolSeenCount: 7, PoolSeenAt: at(5), CreatedAt: at(1),
	}
	must(t, s.Members.PutMember(ctx, m))
	got, err = s.Members.GetMember(ctx, alice)
	must(t, err)
	eq(t, "member", got, m)

	m.Lang, m.PoolSeen, m.PoolSeenCount, m.PoolSeenAt = ledger.LangEN, nil, 0, time.Time{}
	must(t, s.Members.PutMember(ctx, m))
	got, err = s.Members.GetMember(ctx, alice)
	must(t, err)
	eq(t, "replaced member", got, m)
}

func testCircles(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Circles.GetCircle(ctx, "!nope:example.org")
	wantNotFound(t, err, "circle.not_found")
	list, err := s.Circles.Circles(ctx)
	must(t, err)
	eq(t, "no circles", len(list), 0)

	mk := func(id ledger.CircleID, name string) *ledger.Circle {
		return &ledger.Circle{ID: id, Name: name, Pledge: eur(50_00), Lang: ledger.LangEN,
			Owner: alice, CreatedAt: at(0), CreatedBy: ledger.EventID("$create-" + name)}
	}
	c1, c2, c3 := mk("!b:x", "Bee"), mk("!Z:x", "Zed"), mk("!a:x", "Ant ✓ «ü»")
	for _, c := range []*ledger.Circle{c1, c2, c3} {
		must(t, s.Circles.PutCircle(ctx, c))
	}
	got, err := s.Circles.GetCircle(ctx, c3.ID)
	must(t, err)
	eq(t, "circle", got, c3)

	c1.Name, c1.Pledge, c1.Lang, c1.Owner = "Bees", ledger.Amount{Minor: 1000, Currency: "JPY"}, ledger.LangRU, bob
	must(t, s.Circles.PutCircle(ctx, c1))
	list, err = s.Circles.Circles(ctx)
	must(t, err)
	eq(t, "circles by ID", list, []*ledger.Circle{c2, c3, c1})
}

func testCircleMembers(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const c1, c2 ledger.CircleID = "!c1:x", "!C2:x"
	must(t, s.Circles.SetCircleMember(ctx, c1, bob, true, at(0)))
	must(t, s.Circles.SetCircleMember(ctx, c1, alice, true, at(0)))
	must(t, s.Circles.SetCircleMember(ctx, c1, zed, true, at(0)))
	must(t, s.Circles.SetCircleMember(ctx, c1, carol, true, at(0)))
	must(t, s.Circles.SetCircleMember(ctx, c1, carol, false, at(1)))
	must(t, s.Circles.SetCircleMember(ctx, c2, alice, true, at(1)))
	must(t, s.Circles.SetCircleMember(ctx, c2, alice, true, at(2))) // repeated join

	members, err := s.Circles.CircleMembers(ctx, c1)
	must(t, err)
	eq(t, "members of c1", ids(members), ids([]ledger.UserID{zed, alice, bob}))
	circles, err := s.Circles.CirclesOf(ctx, alice)
	must(t, err)
	eq(t, "circles of alice", ids(circles), ids([]ledger.CircleID{c2, c1}))
	circles, err = s.Circles.CirclesOf(ctx, carol)
	must(t, err)
	eq(t, "circles of carol (left)", len(circles), 0)

	must(t, s.Circles.SetCircleMember(ctx, c1, carol, true, at(3))) // rejoin
	members, err = s.Circles.CircleMembers(ctx, c1)
	must(t, err)
	eq(t, "members of c1 after rejoin", ids(members), ids([]ledger.UserID{zed, alice, bob, carol}))
	members, err = s.Circles.CircleMembers(ctx, "!none:x")
	must(t, err)
	eq(t, "members of unknown circle", len(members), 0)
}

func testInvitations(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Trust.GetInvitation(ctx, "$nope")
	wantNotFound(t, err, "invitation.not_found")
	_, err = s.Trust.InvitationByCode(ctx, "NOPE")
	wantNotFound(t, err, "invitation.not_found")
	_, err = s.Trust.InvitationByCode(ctx, "")
	wantNotFound(t, err, "invitation.not_found")
	_, err = s.Trust.InvitationByCard(ctx, "$nope")
	wantNotFound(t, err, "invitation.not_found")
	_, err = s.Trust.InvitationByCard(ctx, "")
	wantNotFound(t, err, "invitation.not_found")

	personal := &ledger.Invitation{ID: "$inv1", Circle: "!c:x", Inviter: alice, Invitee: bob,
		Pledge: eur(20_00), Card: "$card1", Status: ledger.InvitationPending,
		CreatedAt: at(0), ExpiresAt: at(60 * 24)}
	code := &ledger.Invitation{ID: "$inv2", Circle: "!c:x", Inviter: alice, Code: "K7QX-2M",
		Pledge: eur(5_00), Status: ledger.InvitationPending, CreatedAt: at(1)}
	must(t, s.Trust.PutInvitation(ctx, personal))
	must(t, s.Trust.PutInvitation(ctx, code))

	got, err := s.Trust.GetInvitation(ctx, personal.ID)
	must(t, err)
	eq(t, "personal invitation", got, personal)
	got, err = s.Trust.InvitationByCode(ctx, "K7QX-2M")
	must(t, err)
	eq(t, "by code", got, code)
	_, err = s.Trust.InvitationByCode(ctx, "k7qx-2m")
	wantNotFound(t, err, "invitation.not_found")
	got, err = s.Trust.InvitationByCard(ctx, "$card1")
	must(t, err)
	eq(t, "by card", got, personal)

	// Resolve the code invitation: replaced in place.
	code.Invitee, code.Status, code.ResolvedBy, code.ResolvedAt = carol, ledger.InvitationAccepted, "$accept", at(3)
	code.Card = "$card2"
	must(t, s.Trust.PutInvitation(ctx, code))
	got, err = s.Trust.InvitationByCard(ctx, "$card2")
	must(t, err)
	eq(t, "resolved code invitation", got, code)

	dup := &ledger.Invitation{ID: "$inv3", Circle: "!c:x", Inviter: bob, Code: "K7QX-2M",
		Pledge: eur(5_00), Status: ledger.InvitationPending, CreatedAt: at(4)}
	if err := s.Trust.PutInvitation(ctx, dup); err == nil {
		t.Error("PutInvitation with a code already used succeeded")
	}
}

func testPendingInvitations(t *testing.T, s *store.Store) {
	ctx := context.Background()
	inv := func(id ledger.InvitationID, c ledger.CircleID, invitee ledger.UserID, code string,
		status ledger.InvitationStatus, minute int) *ledger.Invitation {
		i := &ledger.Invitation{ID: id, Circle: c, Inviter: alice, Invitee: invitee, Code: code,
			Pledge: eur(10_00), Status: status, CreatedAt: at(minute), ExpiresAt: at(minute + 60)}
		must(t, s.Trust.PutInvitation(ctx, i))
		return i
	}
	old := inv("$1", "!c1", bob, "", ledger.InvitationPending, 0)
	newer := inv("$2", "!c1", bob, "", ledger.InvitationPending, 10)
	other := inv("$3", "!c2", bob, "", ledger.InvitationPending, 5)
	inv("$4", "!c1", bob, "", ledger.InvitationDeclined, 20)
	inv("$5", "!c1", bob, "USED", ledger.InvitationPending, 30) // a code, not personal
	inv("$6", "!c1", carol, "", ledger.InvitationPending, 40)

	got, err := s.Trust.PendingInvitations(ctx, "!c1", bob)
	must(t, err)
	eq(t, "pending in c1", got, []*ledger.Invitation{newer, old})
	got, err = s.Trust.PendingInvitations(ctx, "", bob)
	must(t, err)
	eq(t, "pending anywhere", got, []*ledger.Invitation{newer, other, old})
	got, err = s.Trust.PendingInvitations(ctx, "!c1", zed)
	must(t, err)
	eq(t, "pending for nobody", len(got), 0)
}

func testGuarantees(t *testing.T, s *store.Store) {
	ctx := context.Background()
	g1 := ledger.NewGuarantee(bob, alice, "!c1", eur(100_00), "$a1", at(0))
	g2 := ledger.NewGuarantee(alice, zed, "!c1", eur(50_00), "$a2", at(1))
	g3 := ledger.NewGuarantee(alice, carol, "!c2", ledger.Amount{Minor: 9000, Currency: "JPY"}, "$a3", at(2))
	g4 := ledger.NewGuarantee(bob, carol, "!c2", eur(1), "$a4", at(3))
	for _, g := range []ledger.Guarantee{g1, g2, g3, g4} {
		added, err := s.Trust.AddGuarantee(ctx, g)
		must(t, err)
		eq(t, "added "+string(g.A)+"-"+string(g.B), added, true)
	}
	dup := ledger.NewGuarantee(alice, bob, "!c9", eur(1), "$dup", at(9))
	added, err := s.Trust.AddGuarantee(ctx, dup)
	must(t, err)
	eq(t, "duplicate added", added, false)
	reversed := ledger.Guarantee{A: bob, B: alice, Circle: "!c9", Pledge: eur(1), CreatedBy: "$rev", CreatedAt: at(9)}
	added, err = s.Trust.AddGuarantee(ctx, reversed)
	must(t, err)
	eq(t, "reversed duplicate added", added, false)

	list, err := s.Trust.Guarantees(ctx)
	must(t, err)
	// Ordered by (A, B) in byte order: Zed-alice, alice-bob, alice-carol, bob-carol.
	eq(t, "guarantees", list, []ledger.Guarantee{g2, g1, g3, g4})
	var scanned []ledger.Guarantee
	must(t, s.Trust.ScanGuarantees(ctx, func(a, b ledger.UserID, p ledger.Amount) {
		scanned = append(scanned, ledger.Guarantee{A: a, B: b, Pledge: p})
	}))
	eq(t, "scanned guarantees", scanned, []ledger.Guarantee{
		{A: g2.A, B: g2.B, Pledge: g2.Pledge}, {A: g1.A, B: g1.B, Pledge: g1.Pledge},
		{A: g3.A, B: g3.B, Pledge: g3.Pledge}, {A: g4.A, B: g4.B, Pledge: g4.Pledge}})

	must(t, s.Trust.DeleteGuaranteesOf(ctx, carol))
	list, err = s.Trust.Guarantees(ctx)
	must(t, err)
	eq(t, "guarantees without carol", list, []ledger.Guarantee{g2, g1})
	must(t, s.Trust.DeleteGuaranteesOf(ctx, alice))
	list, err = s.Trust.Guarantees(ctx)
	must(t, err)
	eq(t, "guarantees without alice", len(list), 0)
}

func testBlocks(t *testing.T, s *store.Store) {
	ctx := context.Background()
	b1 := ledger.Block{Blocker: bob, Blocked: alice, CreatedBy: "$b1", CreatedAt: at(0)}
	b2 := ledger.Block{Blocker: alice, Blocked: bob, CreatedBy: "$b2", CreatedAt: at(1)}
	b3 := ledger.Block{Blocker: alice, Blocked: zed, CreatedBy: "$b3", CreatedAt: at(2)}
	for _, b := range []ledger.Block{b1, b2, b3} {
		must(t, s.Trust.PutBlock(ctx, b))
	}
	again := b1
	again.CreatedBy, again.CreatedAt = "$again", at(5)
	must(t, s.Trust.PutBlock(ctx, again)) // kept as it was

	list, err := s.Trust.Blocks(ctx)
	must(t, err)
	eq(t, "blocks", list, []ledger.Block{b3, b2, b1})

	must(t, s.Trust.DeleteBlock(ctx, alice, bob))
	must(t, s.Trust.DeleteBlock(ctx, carol, bob)) // none: no error
	list, err = s.Trust.Blocks(ctx)
	must(t, err)
	eq(t, "blocks after delete", list, []ledger.Block{b3, b1})
}

func testActions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	for _, m := range []int{0, 10, 20, 30} {
		must(t, s.RecordAction(ctx, alice, "invite", at(m)))
	}
	must(t, s.RecordAction(ctx, alice, "sos", at(30)))
	must(t, s.RecordAction(ctx, bob, "invite", at(30)))
	must(t, s.RecordAction(ctx, alice, "invite", at(30))) // same instant twice

	for _, c := range []struct {
		since time.Time
		want  int
	}{
		{time.Time{}, 5}, {at(-1), 5}, {at(0), 5}, {at(0).Add(time.Millisecond), 4},
		{at(20), 3}, {at(30), 2}, {at(31), 0},
	} {
		n, err := s.CountActions(ctx, alice, "invite", c.since)
		must(t, err)
		eq(t, "invites since "+c.since.String(), n, c.want)
	}
	n, err := s.CountActions(ctx, alice, "sos", at(0))
	must(t, err)
	eq(t, "sos", n, 1)
	n, err = s.CountActions(ctx, carol, "invite", time.Time{})
	must(t, err)
	eq(t, "nobody's invites", n, 0)
}

func testAidOps(t *testing.T, s *store.Store) {
	ctx := context.Background()
	ops, err := s.Aid.Ops(ctx)
	must(t, err)
	eq(t, "no ops", len(ops), 0)

	status := ledger.Op{Kind: ledger.OpStatus, Event: "$b", Actor: alice, At: at(5),
		Status: ledger.StatusRed, Amount: eur(250_00), Days: 7}
	first := ledger.Op{Kind: ledger.OpIntend, Event: "$z", Actor: bob, At: at(0),
		Need: "$n1", Default: eur(100_00), Reaction: "$heart"}
	commit := ledger.Op{Kind: ledger.OpCommit, Event: "$A", Actor: zed, At: at(5),
		Need: "$n1", Amount: ledger.Amount{Minor: 1500, Currency: "JPY"}}
	got := ledger.Op{Kind: ledger.OpGot, Event: "$Zed", Actor: carol, At: at(5), Need: "$n«1»", Giver: zed}
	unreact := ledger.Op{Kind: ledger.OpUnreact, Event: "$y", Actor: bob, At: at(9), Need: "$n1", Target: "$heart"}
	leave := ledger.Op{Kind: ledger.OpLeave, Event: "$a", Actor: alice, At: at(5).Add(time.Millisecond)}
	for _, op := range []ledger.Op{status, first, commit, got, unreact, leave} {
		must(t, s.Aid.AppendOp(ctx, op))
	}
	if err := s.Aid.AppendOp(ctx, ledger.Op{Kind: ledger.OpLeave, Event: "$b", Actor: bob, At: at(20)}); err == nil {
		t.Error("AppendOp of an event recorded before succeeded")
	}
	ops, err = s.Aid.Ops(ctx)
	must(t, err)
	// By time, then by event ID in byte order: "$A" < "$Zed" < "$b".
	eq(t, "ops in canonical order", ops, []ledger.Op{first, commit, got, status, leave, unreact})
	for i := 1; i < len(ops); i++ {
		if ops[i].Before(&ops[i-1]) {
			t.Errorf("op %s listed after %s", ops[i].Event, ops[i-1].Event)
		}
	}
}

func testProfiles(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Members.GetProfile(ctx, alice)
	wantNotFound(t, err, "profile.not_found")

	p := &ledger.Profile{Member: alice, About: "Помогаю «всем» ✓",
		Requisites: []ledger.Requisite{{Text: "IBAN DE00 1234"}, {Text: "PayPal a@b.c", Default: true}},
		Muted:      []ledger.NoticeKind{ledger.NoticeIntention, ledger.NoticeStatus}, TimeZone: "Europe/Belgrade"}
	must(t, s.Members.PutProfile(ctx, p))
	got, err := s.Members.GetProfile(ctx, alice)
	must(t, err)
	eq(t, "profile", got, p)

	empty := &ledger.Profile{Member: bob}
	must(t, s.Members.PutProfile(ctx, empty))
	got, err = s.Members.GetProfile(ctx, bob)
	must(t, err)
	eq(t, "empty profile about", got.About, "")
	eq(t, "empty profile requisites", len(got.Requisites), 0)
	eq(t, "empty profile muted", len(got.Muted), 0)

	p.About, p.Requisites, p.Muted = "", p.Requisites[1:], nil
	must(t, s.Members.PutProfile(ctx, p))
	got, err = s.Members.GetProfile(ctx, alice)
	must(t, err)
	eq(t, "replaced requisites", got.Requisites, p.Requisites)
	eq(t, "replaced about", got.About, "")
	eq(t, "replaced muted", len(got.Muted), 0)

	must(t, s.Members.DeleteProfile(ctx, alice))
	_, err = s.Members.GetProfile(ctx, alice)
	wantNotFound(t, err, "profile.not_found")
	must(t, s.Members.DeleteProfile(ctx, alice)) // nothing to delete: no error
	_, err = s.Members.GetProfile(ctx, bob)
	must(t, err)
}

func testCards(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Aid.CardByEvent(ctx, "$nope")
	wantNotFound(t, err, "card.not_found")

	c1 := ledger.Card{Event: "$c1", Room: "!b:x", Kind: ledger.CardNeed, Circle: "!b:x", Need: "$n1"}
	c2 := ledger.Card{Event: "$c2", Room: "!Z:x", Kind: ledger.CardNeed, Circle: "!Z:x", Need: "$n1"}
	c3 := ledger.Card{Event: "$C0", Room: "!b:x", Kind: ledger.CardSent, Need: "$n1", Promise: "$p1"}
	c4 := ledger.Card{Event: "$c4", Room: "!dm:x", Kind: ledger.CardCommitment, Need: "$n2", Promise: "$p2"}
	for _, c := range []ledger.Card{c1, c2, c3, c4} {
		must(t, s.Aid.PutCard(ctx, c))
	}
	changed := c1
	changed.Room, changed.Need = "!other:x", "$n9"
	must(t, s.Aid.PutCard(ctx, changed)) // kept as it was

	got, err := s.Aid.CardByEvent(ctx, "$c1")
	must(t, err)
	eq(t, "card", *got, c1)
	got, err = s.Aid.CardByEvent(ctx, "$c4")
	must(t, err)
	eq(t, "notice card", *got, c4)

	list, err := s.Aid.CardsOf(ctx, "$n1")
	must(t, err)
	// By room, then event, in byte order: "!Z:x" < "!b:x", "$C0" < "$c1".
	eq(t, "cards of n1", list, []ledger.Card{c2, c3, c1})
	list, err = s.Aid.CardsOf(ctx, "$none")
	must(t, err)
	eq(t, "cards of no need", len(list), 0)
}

func testOpenCardRooms(t *testing.T, s *store.Store) {
	ctx := context.Background()
	open1 := &ledger.Need{ID: "$o1", Kind: ledger.NeedOrange, Owner: alice, Target: eur(100), State: ledger.NeedOpen, OpenedAt: at(5)}
	open2 := &ledger.Need{ID: "$o2", Kind: ledger.NeedRed, Owner: bob, Target: eur(100), State: ledger.NeedOpen, OpenedAt: at(2)}
	closed := &ledger.Need{ID: "$c", Kind: ledger.NeedRed, Owner: zed, Target: eur(100), State: ledger.NeedClosed, OpenedAt: at(1)}
	must(t, s.Aid.SaveAid(ctx, []*ledger.Need{open1, open2, closed}, nil, nil))
	for _, c := range []ledger.Card{
		{Event: "$k1", Room: "!r1:x", Kind: ledger.CardNeed, Need: open1.ID},
		{Event: "$k2", Room: "!r1:x", Kind: ledger.CardNeed, Need: open2.ID},
		{Event: "$k3", Room: "!r2:x", Kind: ledger.CardNeed, Need: closed.ID}, // closed: not read again
		{Event: "$k4", Room: "!dm:x", Kind: ledger.CardSent, Need: open1.ID},  // a notice, not a card in a circle
		{Event: "$k5", Room: "!r3:x", Kind: ledger.CardNeed, Need: open1.ID},
	} {
		must(t, s.Aid.PutCard(ctx, c))
	}
	rooms, err := s.Aid.OpenCardRooms(ctx)
	must(t, err)
	want := []ledger.CardRoom{{Room: "!r1:x", Since: at(2)}, {Room: "!r3:x", Since: at(5)}}
	eq(t, "rooms", len(rooms), len(want))
	for i := range want {
		eq(t, "room", rooms[i].Room, want[i].Room)
		eq(t, "since", rooms[i].Since.Equal(want[i].Since), true)
	}
}
