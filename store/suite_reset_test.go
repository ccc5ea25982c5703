package store_test

import (
	"context"
	"testing"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/sqlstatestore"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// resetCases are the suite's cases of clearing the ledger for a rebuild
// from the rooms (ledger_reset.go).
var resetCases = []suiteCase{
	{"ClearLedger", testClearLedger},
}

// ledgerFillers each put one row into one of the ledger's tables.
var ledgerFillers = map[string]func(ctx context.Context, s *store.Store) error{
	"applied_events": func(ctx context.Context, s *store.Store) error {
		_, err := s.MarkApplied(ctx, "$applied", at(0))
		return err
	},
	"inbox": func(ctx context.Context, s *store.Store) error {
		_, err := s.Enqueue(ctx, []ledger.InboxEvent{{ID: "$in", Room: "!c:x", Raw: []byte(`{}`), ReceivedAt: at(0)}})
		return err
	},
	"circles": func(ctx context.Context, s *store.Store) error {
		return s.Circles.PutCircle(ctx, &ledger.Circle{ID: "!c:x", Name: "C", Pledge: eur(1000), Lang: ledger.LangEN, Owner: alice,
			CreatedAt: at(0), CreatedBy: "$create", AnsweringBot: "@exodus:x"})
	},
	"circle_members": func(ctx context.Context, s *store.Store) error {
		return s.Circles.SetCircleMember(ctx, "!c:x", alice, true, at(0))
	},
	"members": func(ctx context.Context, s *store.Store) error {
		return s.Members.PutMember(ctx, &ledger.Member{ID: bob, Lang: ledger.LangRU, DirectRoom: "!dm:x", CreatedAt: at(0)})
	},
	"invitations": func(ctx context.Context, s *store.Store) error {
		return s.Trust.PutInvitation(ctx, &ledger.Invitation{ID: "$inv", Circle: "!c:x", Inviter: alice, Code: "K7Q2-M9XD",
			Pledge: eur(1000), Status: ledger.InvitationPending, CreatedAt: at(0), ExpiresAt: at(60)})
	},
	"guarantees": func(ctx context.Context, s *store.Store) error {
		_, err := s.Trust.AddGuarantee(ctx, ledger.NewGuarantee(alice, bob, "!c:x", eur(1000), "$acc", at(1)))
		return err
	},
	"blocks": func(ctx context.Context, s *store.Store) error {
		return s.Trust.PutBlock(ctx, ledger.Block{Blocker: alice, Blocked: zed, CreatedBy: "$block", CreatedAt: at(1)})
	},
	"actions": func(ctx context.Context, s *store.Store) error {
		return s.RecordAction(ctx, alice, "sos", at(1))
	},
	"aid_ops": func(ctx context.Context, s *store.Store) error {
		return s.Aid.AppendOp(ctx, ledger.Op{Kind: ledger.OpStatus, Event: "$st", Actor: alice, At: at(2), Status: ledger.StatusOrange})
	},
	"needs, promises, statuses": func(ctx context.Context, s *store.Store) error {
		n := &ledger.Need{ID: "$st", Kind: ledger.NeedOrange, Owner: alice, Target: eur(300_00), State: ledger.NeedOpen, OpenedAt: at(2)}
		p := &ledger.Promise{ID: "$heart", Need: n.ID, Giver: bob, Beneficiary: alice, Amount: eur(1000),
			State: ledger.PromiseIntention, Reaction: "$heart", CreatedAt: at(3), UpdatedAt: at(3), UpdatedBy: "$heart"}
		st := &ledger.MemberStatus{Member: alice, Status: ledger.StatusOrange, Need: n.ID, ChangedAt: at(2),
			Kassa: []ledger.KassaMax{{Circle: "!c:x", Max: eur(5000)}}}
		return s.Aid.SaveAid(ctx, []*ledger.Need{n}, []*ledger.Promise{p}, []*ledger.MemberStatus{st})
	},
	"profiles": func(ctx context.Context, s *store.Store) error {
		return s.Members.PutProfile(ctx, &ledger.Profile{Member: alice, About: "hi", Requisites: []ledger.Requisite{{Text: "IBAN", Default: true}}})
	},
	"cards": func(ctx context.Context, s *store.Store) error {
		return s.Aid.PutCard(ctx, ledger.Card{Event: "$card", Room: "!c:x", Kind: ledger.CardNeed, Circle: "!c:x", Need: "$st"})
	},
	"api_tokens": func(ctx context.Context, s *store.Store) error {
		return s.Access.PutToken(ctx, ledger.Token{Member: alice, Name: "ci", Scope: ledger.ScopeRead, Hash: "h-ci", CreatedAt: at(4)})
	},
	"login_links": func(ctx context.Context, s *store.Store) error {
		return s.Access.PutLoginLink(ctx, ledger.LoginLink{Hash: "h-link", Member: alice, ExpiresAt: at(14)})
	},
	"web_sessions": func(ctx context.Context, s *store.Store) error {
		return s.Access.PutSession(ctx, ledger.Session{Hash: "h-sess", Member: alice, CreatedAt: at(4), ExpiresAt: at(600)})
	},
}

// testClearLedger: a row in any of the ledger's tables makes it not empty;
// ClearLedger empties every one of them and keeps the Matrix state store.
func testClearLedger(t *testing.T, s *store.Store) {
	ctx := context.Background()
	empty := func(what string, want bool) {
		t.Helper()
		got, err := s.LedgerEmpty(ctx)
		must(t, err)
		eq(t, what, got, want)
	}
	empty("a fresh database is empty", true)
	for name, fill := range ledgerFillers {
		must(t, fill(ctx, s))
		empty("empty with a row in "+name, false)
		must(t, s.ClearLedger(ctx))
		empty("empty after clearing "+name, true)
	}

	ss := sqlstatestore.NewSQLStateStore(s.DB(), dbutil.ZeroLogger(zerolog.Nop()), false)
	must(t, ss.Upgrade(ctx))
	must(t, ss.SetMembership(ctx, "!c:x", id.UserID(alice), "join"))
	for _, fill := range ledgerFillers {
		must(t, fill(ctx, s))
	}
	empty("empty when full", false)
	must(t, s.ClearLedger(ctx))
	empty("empty after clearing everything", true)

	// Nothing is left to read, and the tables take rows again.
	_, err := s.Circles.GetCircle(ctx, "!c:x")
	wantNotFound(t, err, "circle.not_found")
	_, err = s.Members.GetMember(ctx, bob)
	wantNotFound(t, err, "member.not_found")
	ops, err := s.Aid.Ops(ctx)
	must(t, err)
	eq(t, "ops after clearing", len(ops), 0)
	cards, err := s.Aid.CardsOf(ctx, "$st")
	must(t, err)
	eq(t, "cards after clearing", len(cards), 0)
	pending, err := s.Pending(ctx, 10)
	must(t, err)
	eq(t, "inbox after clearing", len(pending), 0)
	fresh, err := s.MarkApplied(ctx, "$applied", at(9))
	must(t, err)
	eq(t, "an event applied before the clearing is fresh", fresh, true)
	_, err = s.Access.TokenByHash(ctx, "h-ci")
	wantNotFound(t, err, "token.not_found")
	for _, fill := range ledgerFillers {
		must(t, fill(ctx, s))
	}
	eq(t, "state store kept", ss.IsInRoom(ctx, "!c:x", id.UserID(alice)), true)
}
