package store_test

import (
	"context"
	"sort"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// accessCases are the suite's cases of web and API access (api_tokens,
// login_links, web_sessions).
var accessCases = []suiteCase{
	{"Tokens", testTokens},
	{"LoginLinks", testLoginLinks},
	{"Sessions", testSessions},
	{"DeleteAccessOf", testDeleteAccessOf},
}

func testTokens(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Access.TokenByHash(ctx, "h-none")
	wantNotFound(t, err, "token.not_found")
	list, err := s.Access.TokensOf(ctx, alice)
	must(t, err)
	eq(t, "no tokens", len(list), 0)

	ci := ledger.Token{Member: alice, Name: "ci", Scope: ledger.ScopeWrite, Hash: "h-ci", CreatedAt: at(1)}
	zed := ledger.Token{Member: alice, Name: "Zed", Scope: ledger.ScopeRead, Hash: "h-zed", CreatedAt: at(2)}
	ru := ledger.Token{Member: alice, Name: "ключ", Scope: ledger.ScopeRead, Hash: "h-ru", CreatedAt: at(3)}
	bobs := ledger.Token{Member: bob, Name: "ci", Scope: ledger.ScopeRead, Hash: "h-bob", CreatedAt: at(4)}
	for _, tok := range []ledger.Token{ci, zed, ru, bobs} {
		must(t, s.Access.PutToken(ctx, tok))
	}
	got, err := s.Access.TokenByHash(ctx, "h-ci")
	must(t, err)
	eq(t, "token by hash", got, &ci)

	// The same name twice for one member, or the same hash, is refused.
	if err := s.Access.PutToken(ctx, ledger.Token{Member: alice, Name: "ci", Scope: ledger.ScopeRead, Hash: "h-other", CreatedAt: at(5)}); err == nil {
		t.Error("a second token named ci for alice was stored")
	}
	if err := s.Access.PutToken(ctx, ledger.Token{Member: carol, Name: "x", Scope: ledger.ScopeRead, Hash: "h-ci", CreatedAt: at(5)}); err == nil {
		t.Error("a second token with the same hash was stored")
	}

	// By name; the ledger sorts them in byte order itself, since a
	// Postgres database may collate TEXT by its locale.
	list, err = s.Access.TokensOf(ctx, alice)
	must(t, err)
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	eq(t, "alice's tokens", list, []ledger.Token{zed, ci, ru})

	gone, err := s.Access.DeleteToken(ctx, alice, "ci")
	must(t, err)
	eq(t, "deleted ci", gone, true)
	gone, err = s.Access.DeleteToken(ctx, alice, "ci")
	must(t, err)
	eq(t, "deleted ci again", gone, false)
	gone, err = s.Access.DeleteToken(ctx, alice, "ZED") // names are exact here
	must(t, err)
	eq(t, "deleted ZED", gone, false)
	_, err = s.Access.TokenByHash(ctx, "h-ci")
	wantNotFound(t, err, "token.not_found")
	got, err = s.Access.TokenByHash(ctx, "h-bob")
	must(t, err)
	eq(t, "bob's token of the same name", got, &bobs)
}

func testLoginLinks(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Access.LoginLink(ctx, "l-none")
	wantNotFound(t, err, "link.not_found")

	l := ledger.LoginLink{Hash: "l-1", Member: alice, ExpiresAt: at(10)}
	must(t, s.Access.PutLoginLink(ctx, l))
	must(t, s.Access.PutLoginLink(ctx, ledger.LoginLink{Hash: "l-2", Member: alice, ExpiresAt: at(11)}))
	if err := s.Access.PutLoginLink(ctx, ledger.LoginLink{Hash: "l-1", Member: bob, ExpiresAt: at(12)}); err == nil {
		t.Error("a second link with the same hash was stored")
	}
	got, err := s.Access.LoginLink(ctx, "l-1")
	must(t, err)
	eq(t, "unused link", got, &l)

	must(t, s.Access.UseLoginLink(ctx, "l-1", at(3)))
	l.UsedAt = at(3)
	got, err = s.Access.LoginLink(ctx, "l-1")
	must(t, err)
	eq(t, "used link", got, &l)
	got, err = s.Access.LoginLink(ctx, "l-2")
	must(t, err)
	eq(t, "the other link stays unused", got.UsedAt.IsZero(), true)
	must(t, s.Access.UseLoginLink(ctx, "l-none", at(3))) // none: no error
}

func testSessions(t *testing.T, s *store.Store) {
	ctx := context.Background()
	_, err := s.Access.SessionByHash(ctx, "s-none")
	wantNotFound(t, err, "session.not_found")

	a := ledger.Session{Hash: "s-1", Member: alice, CreatedAt: at(0), ExpiresAt: at(60)}
	b := ledger.Session{Hash: "s-2", Member: alice, CreatedAt: at(1), ExpiresAt: at(61)}
	must(t, s.Access.PutSession(ctx, a))
	must(t, s.Access.PutSession(ctx, b))
	got, err := s.Access.SessionByHash(ctx, "s-1")
	must(t, err)
	eq(t, "session", got, &a)

	must(t, s.Access.DeleteSession(ctx, "s-1"))
	must(t, s.Access.DeleteSession(ctx, "s-1")) // none: no error
	_, err = s.Access.SessionByHash(ctx, "s-1")
	wantNotFound(t, err, "session.not_found")
	got, err = s.Access.SessionByHash(ctx, "s-2")
	must(t, err)
	eq(t, "the other session", got, &b)
}

func testDeleteAccessOf(t *testing.T, s *store.Store) {
	ctx := context.Background()
	for _, u := range []ledger.UserID{alice, bob} {
		must(t, s.Access.PutToken(ctx, ledger.Token{Member: u, Name: "ci", Scope: ledger.ScopeRead, Hash: "t-" + string(u), CreatedAt: at(0)}))
		must(t, s.Access.PutLoginLink(ctx, ledger.LoginLink{Hash: "l-" + string(u), Member: u, ExpiresAt: at(10)}))
		must(t, s.Access.PutSession(ctx, ledger.Session{Hash: "s-" + string(u), Member: u, CreatedAt: at(0), ExpiresAt: at(60)}))
	}
	must(t, s.InTx(ctx, func(ctx context.Context) error { return s.Access.DeleteAccessOf(ctx, alice) }))
	must(t, s.Access.DeleteAccessOf(ctx, carol)) // nothing to delete: no error

	list, err := s.Access.TokensOf(ctx, alice)
	must(t, err)
	eq(t, "alice's tokens", len(list), 0)
	_, err = s.Access.TokenByHash(ctx, "t-"+string(alice))
	wantNotFound(t, err, "token.not_found")
	_, err = s.Access.LoginLink(ctx, "l-"+string(alice))
	wantNotFound(t, err, "link.not_found")
	_, err = s.Access.SessionByHash(ctx, "s-"+string(alice))
	wantNotFound(t, err, "session.not_found")

	list, err = s.Access.TokensOf(ctx, bob)
	must(t, err)
	eq(t, "bob's tokens", len(list), 1)
	_, err = s.Access.LoginLink(ctx, "l-"+string(bob))
	must(t, err)
	_, err = s.Access.SessionByHash(ctx, "s-"+string(bob))
	must(t, err)
}
