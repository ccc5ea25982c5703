package access_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/store"
)

const (
	sAnn ledger.UserID = "@ann:t"
	sBen ledger.UserID = "@ben:t"
)

// world is a store with the ledger's service, for Leave, and the access
// service over it.
type world struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	svc   *ledger.Service
	acc   *access.Service
	clock *ledger.ManualClock
	n     int
}

// newWorld opens a fresh store and puts members in one circle.
func newWorld(t *testing.T, members ...ledger.UserID) *world {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, store.Config{URI: "file:" + filepath.Join(t.TempDir(), "access.db") + "?_txlock=immediate"}, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	clock := ledger.NewManualClock(time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC))
	w := &world{t: t, ctx: ctx, st: st, svc: ledger.NewService(st.Ledger(), clock, ledger.DefaultConfig()),
		acc: access.New(st.Ledger(), clock), clock: clock}
	const circle ledger.CircleID = "!access:test"
	if _, err := w.svc.Circles.Create(ctx, w.act("@founder:t"), ledger.CircleSpec{ID: circle, Name: "Access"}); err != nil {
		t.Fatal(err)
	}
	for _, u := range members {
		if err := w.svc.Circles.SetMembership(ctx, circle, u, true); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// act is an action of u with a fresh event.
func (w *world) act(u ledger.UserID) ledger.Action {
	w.n++
	return ledger.Action{Event: ledger.EventID(fmt.Sprintf("$w%d", w.n)), Actor: u, At: w.clock.Now()}
}

// wantErr fails the test unless err is a ledger error of code and key.
func wantErr(t *testing.T, what string, err error, code ledger.Code, key string) {
	t.Helper()
	e := ledger.AsError(err)
	if e == nil || e.Code != code || e.Key != key {
		t.Errorf("%s: error %v; want %s %s", what, err, code, key)
	}
}

// count runs a COUNT(*) query on the world's database.
func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.st.DB().QueryRow(w.ctx, query, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// newToken makes a token of u and fails the test if it is refused.
func (w *world) newToken(u ledger.UserID, name string, scope ledger.TokenScope) (string, *ledger.Token) {
	w.t.Helper()
	secret, tok, err := w.acc.NewToken(w.ctx, w.act(u), name, scope)
	if err != nil {
		w.t.Fatalf("NewToken(%s, %q): %v", u, name, err)
	}
	return secret, tok
}

func tokenNames(ts []ledger.Token) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name + ":" + string(t.Scope)
	}
	return strings.Join(names, " ")
}

func TestTokenIsStoredOnlyHashed(t *testing.T) {
	w := newWorld(t, sAnn)
	secret, tok := w.newToken(sAnn, "ci", ledger.ScopeWrite)
	if !strings.HasPrefix(secret, "ext_") || len(secret) < 40 {
		t.Fatalf("secret %q: want ext_ and 256 random bits", secret)
	}
	if tok.Hash != access.HashSecret(secret) || tok.Member != sAnn || tok.Name != "ci" || tok.Scope != ledger.ScopeWrite {
		t.Errorf("token %+v", tok)
	}
	var hash string
	if err := w.st.DB().QueryRow(w.ctx, `SELECT token_hash FROM api_tokens WHERE user_id = $1 AND name = 'ci'`, string(sAnn)).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if hash != access.HashSecret(secret) || hash == secret {
		t.Errorf("stored hash %q; want HashSecret(secret) %q", hash, access.HashSecret(secret))
	}
	if n := w.count(`SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 OR name = $1 OR scope = $1`, secret); n != 0 {
		t.Errorf("the secret itself is stored in %d rows", n)
	}
	got, err := w.acc.TokenBySecret(w.ctx, secret)
	if err != nil || got.Member != sAnn || got.Name != "ci" || got.Scope != ledger.ScopeWrite || !got.CreatedAt.Equal(tok.CreatedAt) {
		t.Errorf("TokenBySecret = %+v, %v", got, err)
	}
	if other, _ := w.newToken(sAnn, "other", ledger.ScopeRead); other == secret || access.HashSecret(other) == access.HashSecret(secret) {
		t.Error("two tokens share a secret")
	}
	if !access.SameSecret(secret, secret) || access.SameSecret(secret, secret+"x") || access.SameSecret(secret, "") {
		t.Error("SameSecret compares wrongly")
	}
}

func TestTokenRules(t *testing.T) {
	w := newWorld(t, sAnn, sBen)
	w.newToken(sAnn, "zeta", ledger.ScopeRead)
	w.newToken(sAnn, "Alpha", ledger.ScopeWrite)
	w.newToken(sAnn, "ключ-1.x_y", ledger.ScopeRead)
	w.newToken(sBen, "zeta", ledger.ScopeRead) // names are per member

	ts, err := w.acc.Tokens(w.ctx, sAnn)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := tokenNames(ts), "Alpha:write zeta:read ключ-1.x_y:read"; got != want {
		t.Errorf("Tokens = %s; want %s (by name, byte order)", got, want)
	}

	_, _, err = w.acc.NewToken(w.ctx, w.act(sAnn), "ZETA", ledger.ScopeRead)
	wantErr(t, "same name in other case", err, ledger.EConflict, "token.exists")
	for _, name := range []string{"", "a b", "a/b", "semi;colon", "émoji🙂", strings.Repeat("x", ledger.MaxTokenNameRunes+1)} {
		_, _, err = w.acc.NewToken(w.ctx, w.act(sAnn), name, ledger.ScopeRead)
		wantErr(t, fmt.Sprintf("name %q", name), err, ledger.EInvalid, "token.bad_name")
	}
	if _, _, err = w.acc.NewToken(w.ctx, w.act(sAnn), strings.Repeat("я", ledger.MaxTokenNameRunes), ledger.ScopeRead); err != nil {
		t.Errorf("a name of MaxTokenNameRunes runes: %v", err)
	}
	_, _, err = w.acc.NewToken(w.ctx, w.act(sAnn), "admin", "admin")
	wantErr(t, "scope admin", err, ledger.EInvalid, "token.bad_scope")

	for i := 4; i < access.MaxTokens; i++ {
		w.newToken(sAnn, fmt.Sprintf("t%d", i), ledger.ScopeRead)
	}
	_, _, err = w.acc.NewToken(w.ctx, w.act(sAnn), "one-too-many", ledger.ScopeRead)
	wantErr(t, "token past MaxTokens", err, ledger.EConflict, "token.too_many")
	if ts, _ := w.acc.Tokens(w.ctx, sAnn); len(ts) != access.MaxTokens {
		t.Errorf("%d tokens; want MaxTokens %d", len(ts), access.MaxTokens)
	}
}

func TestRevokeToken(t *testing.T) {
	w := newWorld(t, sAnn, sBen)
	secret, _ := w.newToken(sAnn, "ci", ledger.ScopeWrite)
	benSecret, _ := w.newToken(sBen, "ci", ledger.ScopeRead)

	wantErr(t, "revoke unknown", w.acc.RevokeToken(w.ctx, w.act(sAnn), "cd"), ledger.ENotFound, "token.unknown")
	if err := w.acc.RevokeToken(w.ctx, w.act(sAnn), "CI"); err != nil { // names compare without case, as NewToken's
		t.Fatalf("revoke: %v", err)
	}
	_, err := w.acc.TokenBySecret(w.ctx, secret)
	wantErr(t, "revoked token", err, ledger.EUnauthorized, "auth.bad_token")
	wantErr(t, "revoke twice", w.acc.RevokeToken(w.ctx, w.act(sAnn), "ci"), ledger.ENotFound, "token.unknown")
	if got, err := w.acc.TokenBySecret(w.ctx, benSecret); err != nil || got.Member != sBen {
		t.Errorf("another member's token of the same name: %+v, %v", got, err)
	}
	for _, bad := range []string{"", "nope", "ext_", "ext_unknown", "exl_" + secret[4:], "ext_" + strings.Repeat("a", 200)} {
		_, err := w.acc.TokenBySecret(w.ctx, bad)
		wantErr(t, fmt.Sprintf("secret %.20q", bad), err, ledger.EUnauthorized, "auth.bad_token")
	}
}

func TestTokenEventAppliedOnce(t *testing.T) {
	w := newWorld(t, sAnn)
	act := w.act(sAnn)
	if _, _, err := w.acc.NewToken(w.ctx, act, "ci", ledger.ScopeRead); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.acc.NewToken(w.ctx, act, "other", ledger.ScopeRead); !ledger.IsDuplicate(err) {
		t.Errorf("NewToken with the same event: %v; want ErrAlreadyApplied", err)
	}
	revoke := w.act(sAnn)
	if err := w.acc.RevokeToken(w.ctx, revoke, "ci"); err != nil {
		t.Fatal(err)
	}
	if err := w.acc.RevokeToken(w.ctx, revoke, "ci"); !ledger.IsDuplicate(err) {
		t.Errorf("RevokeToken with the same event: %v; want ErrAlreadyApplied", err)
	}
	if ts, _ := w.acc.Tokens(w.ctx, sAnn); len(ts) != 0 {
		t.Errorf("tokens %s; want none", tokenNames(ts))
	}
}

// link makes a login link of u and fails the test if it is refused.
func (w *world) link(u ledger.UserID) string {
	w.t.Helper()
	secret, l, err := w.acc.NewLoginLink(w.ctx, w.act(u))
	if err != nil {
		w.t.Fatalf("NewLoginLink(%s): %v", u, err)
	}
	if !strings.HasPrefix(secret, "exl_") || l.Hash != access.HashSecret(secret) || l.Member != u ||
		!l.ExpiresAt.Equal(w.clock.Now().Add(access.LoginLinkTTL)) || !l.UsedAt.IsZero() {
		w.t.Fatalf("login link %q %+v", secret, l)
	}
	return secret
}

func TestLoginLinkIsSingleUseAndBoundToItsMember(t *testing.T) {
	w := newWorld(t, sAnn, sBen)
	secret := w.link(sBen)
	if n := w.count(`SELECT COUNT(*) FROM login_links WHERE link_hash = $1 AND user_id = $2`, access.HashSecret(secret), string(sBen)); n != 1 {
		t.Fatalf("%d login_links rows hold the link's hash", n)
	}
	if n := w.count(`SELECT COUNT(*) FROM login_links WHERE link_hash = $1`, secret); n != 0 {
		t.Errorf("the link's secret itself is stored")
	}
	sessSecret, sess, err := w.acc.UseLoginLink(w.ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sessSecret, "exs_") || sess.Member != sBen || sess.Hash != access.HashSecret(sessSecret) ||
		!sess.CreatedAt.Equal(w.clock.Now()) || !sess.ExpiresAt.Equal(w.clock.Now().Add(access.SessionTTL)) {
		t.Errorf("session %q %+v", sessSecret, sess)
	}
	if got, err := w.acc.SessionBySecret(w.ctx, sessSecret); err != nil || got.Member != sBen {
		t.Errorf("SessionBySecret = %+v, %v; want ben's session", got, err)
	}
	if n := w.count(`SELECT COUNT(*) FROM web_sessions WHERE session_hash = $1`, sessSecret); n != 0 {
		t.Errorf("the session's secret itself is stored")
	}
	_, _, err = w.acc.UseLoginLink(w.ctx, secret)
	wantErr(t, "second use", err, ledger.EUnauthorized, "auth.used_link")

	for _, bad := range []string{"", "exl_unknown", "ext_" + secret[4:], sessSecret, "exl_" + strings.Repeat("a", 200)} {
		_, _, err := w.acc.UseLoginLink(w.ctx, bad)
		wantErr(t, fmt.Sprintf("link %.20q", bad), err, ledger.EUnauthorized, "auth.bad_link")
	}
}

func TestLoginLinkUsedAtOnceOpensOneSession(t *testing.T) {
	w := newWorld(t, sAnn)
	secret := w.link(sAnn)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { _, _, errs[i] = w.acc.UseLoginLink(w.ctx, secret) })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case ledger.AsError(err) == nil || ledger.AsError(err).Key != "auth.used_link":
			t.Errorf("use: %v", err)
		}
	}
	if ok != 1 || w.count(`SELECT COUNT(*) FROM web_sessions`) != 1 {
		t.Errorf("%d uses succeeded, %d sessions; want 1 and 1", ok, w.count(`SELECT COUNT(*) FROM web_sessions`))
	}
}

func TestLoginLinkExpires(t *testing.T) {
	w := newWorld(t, sAnn)
	early := w.link(sAnn)
	late := w.link(sAnn)
	w.clock.Advance(access.LoginLinkTTL - time.Millisecond)
	if _, _, err := w.acc.UseLoginLink(w.ctx, early); err != nil {
		t.Errorf("use just before LoginLinkTTL: %v", err)
	}
	w.clock.Advance(time.Millisecond)
	_, _, err := w.acc.UseLoginLink(w.ctx, late)
	wantErr(t, "use at LoginLinkTTL", err, ledger.EUnauthorized, "auth.expired_link")
}

// The link's life runs on the service's clock, not on the timestamp of the
// event that asked for it: a late event gets a link of full life, an event
// stamped ahead no longer one.
func TestLoginLinkLivesOnTheServiceClock(t *testing.T) {
	w := newWorld(t, sAnn)
	for _, at := range []time.Time{w.clock.Now().Add(-time.Hour), w.clock.Now().Add(24 * time.Hour)} {
		act := w.act(sAnn)
		act.At = at
		secret, l, err := w.acc.NewLoginLink(w.ctx, act)
		if err != nil {
			t.Fatal(err)
		}
		if !l.ExpiresAt.Equal(w.clock.Now().Add(access.LoginLinkTTL)) {
			t.Errorf("event at %s: link expires %s; want now + LoginLinkTTL", at, l.ExpiresAt)
		}
		if _, _, err := w.acc.UseLoginLink(w.ctx, secret); err != nil {
			t.Errorf("event at %s: use now: %v", at, err)
		}
	}
}

func TestLoginLinksAreRateLimited(t *testing.T) {
	w := newWorld(t, sAnn, sBen)
	for range access.LoginLinksPerHour {
		w.link(sAnn)
		w.clock.Advance(time.Minute)
	}
	_, _, err := w.acc.NewLoginLink(w.ctx, w.act(sAnn))
	wantErr(t, "link past LoginLinksPerHour", err, ledger.ERateLimited, "web.too_many_links")
	if e := ledger.AsError(err); e == nil || fmt.Sprint(e.Args) != fmt.Sprint([]any{access.LoginLinksPerHour}) {
		t.Errorf("args of the refusal: %v", err)
	}
	w.link(sBen) // the limit is per member

	// Exactly an hour after the first link, it still counts; just past the
	// hour, one more is allowed, and then the limit holds again.
	w.clock.Advance(time.Hour - time.Duration(access.LoginLinksPerHour)*time.Minute)
	_, _, err = w.acc.NewLoginLink(w.ctx, w.act(sAnn))
	wantErr(t, "link an hour after the first", err, ledger.ERateLimited, "web.too_many_links")
	w.clock.Advance(time.Millisecond)
	w.link(sAnn)
	_, _, err = w.acc.NewLoginLink(w.ctx, w.act(sAnn))
	wantErr(t, "link right after", err, ledger.ERateLimited, "web.too_many_links")
	w.clock.Advance(time.Hour + time.Millisecond)
	for range access.LoginLinksPerHour {
		w.link(sAnn)
	}
}

func TestSessions(t *testing.T) {
	w := newWorld(t, sAnn)
	open := func() string {
		t.Helper()
		s, _, err := w.acc.UseLoginLink(w.ctx, w.link(sAnn))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	first, second := open(), open()
	w.clock.Advance(access.SessionTTL - time.Millisecond)
	if got, err := w.acc.SessionBySecret(w.ctx, first); err != nil || got.Member != sAnn {
		t.Errorf("session just before SessionTTL: %+v, %v", got, err)
	}
	if err := w.acc.EndSession(w.ctx, second); err != nil {
		t.Fatal(err)
	}
	_, err := w.acc.SessionBySecret(w.ctx, second)
	wantErr(t, "ended session", err, ledger.EUnauthorized, "auth.no_session")
	if err := w.acc.EndSession(w.ctx, second); err != nil {
		t.Errorf("ending a session twice: %v", err)
	}
	w.clock.Advance(time.Millisecond)
	_, err = w.acc.SessionBySecret(w.ctx, first)
	wantErr(t, "session at SessionTTL", err, ledger.EUnauthorized, "auth.no_session")
	for _, bad := range []string{"", "exs_unknown", "ext_" + first[4:], "exs_" + strings.Repeat("a", 200)} {
		_, err := w.acc.SessionBySecret(w.ctx, bad)
		wantErr(t, fmt.Sprintf("session %.20q", bad), err, ledger.EUnauthorized, "auth.no_session")
	}
}

func TestLeaveErasesAccess(t *testing.T) {
	w := newWorld(t, sAnn, sBen)
	token, _ := w.newToken(sAnn, "ci", ledger.ScopeWrite)
	session, _, err := w.acc.UseLoginLink(w.ctx, w.link(sAnn))
	if err != nil {
		t.Fatal(err)
	}
	unused := w.link(sAnn)
	benToken, _ := w.newToken(sBen, "ci", ledger.ScopeRead)
	benSession, _, err := w.acc.UseLoginLink(w.ctx, w.link(sBen))
	if err != nil {
		t.Fatal(err)
	}

	if _, err := w.svc.Leave(w.ctx, w.act(sAnn)); err != nil {
		t.Fatal(err)
	}
	if ts, err := w.acc.Tokens(w.ctx, sAnn); err != nil || len(ts) != 0 {
		t.Errorf("tokens after leaving: %s, %v", tokenNames(ts), err)
	}
	_, err = w.acc.TokenBySecret(w.ctx, token)
	wantErr(t, "token after leaving", err, ledger.EUnauthorized, "auth.bad_token")
	_, err = w.acc.SessionBySecret(w.ctx, session)
	wantErr(t, "session after leaving", err, ledger.EUnauthorized, "auth.no_session")
	_, _, err = w.acc.UseLoginLink(w.ctx, unused)
	wantErr(t, "link after leaving", err, ledger.EUnauthorized, "auth.bad_link")
	for _, table := range []string{"api_tokens", "login_links", "web_sessions"} {
		if n := w.count(`SELECT COUNT(*) FROM `+table+` WHERE user_id = $1`, string(sAnn)); n != 0 {
			t.Errorf("%d rows of %s left", n, table)
		}
	}
	// Another member's access stays.
	if _, err := w.acc.TokenBySecret(w.ctx, benToken); err != nil {
		t.Errorf("ben's token: %v", err)
	}
	if _, err := w.acc.SessionBySecret(w.ctx, benSession); err != nil {
		t.Errorf("ben's session: %v", err)
	}
}
