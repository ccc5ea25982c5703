package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"
)

// TokenScope is what a personal API token may do.
type TokenScope string

// The token scopes.
const (
	ScopeRead  TokenScope = "read"
	ScopeWrite TokenScope = "write"
)

// Bounds of the web and API access.
const (
	// MaxTokens is how many API tokens a member may hold at once.
	MaxTokens = 10
	// MaxTokenNameRunes bounds a token's name.
	MaxTokenNameRunes = 32
	// LoginLinkTTL is how long a login link stays usable.
	LoginLinkTTL = 10 * time.Minute
	// LoginLinksPerHour bounds how many login links a member may ask for.
	LoginLinksPerHour = 10
	// SessionTTL is how long a web session lasts.
	SessionTTL = 7 * 24 * time.Hour
)

// Token is a member's personal API token. Only its hash is kept: the
// secret is shown once, when it is made.
type Token struct {
	Member    UserID
	Name      string
	Scope     TokenScope
	Hash      string
	CreatedAt time.Time
}

// LoginLink is a one-time link that logs a member into the web organizer.
type LoginLink struct {
	Hash      string
	Member    UserID
	ExpiresAt time.Time
	UsedAt    time.Time // zero until used
}

// Session is a member logged into the web organizer.
type Session struct {
	Hash      string
	Member    UserID
	CreatedAt time.Time
	ExpiresAt time.Time
}

// secretPrefixes start the secrets the service hands out, so that a leaked
// one is recognisable.
const (
	tokenPrefix   = "ext_"
	linkPrefix    = "exl_"
	sessionPrefix = "exs_"
)

// newSecret returns a random secret with a prefix, and its hash.
func newSecret(prefix string) (secret, hash string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", fmt.Errorf("failed to read random bytes: %w", err)
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b[:])
	return secret, HashSecret(secret), nil
}

// HashSecret is how a secret (token, link, session) is stored: the hex
// SHA-256 of it. Secrets are 256 random bits, so no salt is needed.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// ValidTokenName reports whether a token name is 1..MaxTokenNameRunes of
// letters, digits, '-', '_' and '.'.
func ValidTokenName(name string) bool {
	if name == "" || len([]rune(name)) > MaxTokenNameRunes {
		return false
	}
	for _, r := range name {
		ok := r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= 'а' && r <= 'я') || (r >= 'А' && r <= 'Я') || r == 'ё' || r == 'Ё'
		if !ok {
			return false
		}
	}
	return true
}

// Access is the web and API access of members: API tokens, login links
// and web sessions.
type Access struct {
	store   AccessStore
	actions ActionStore
	ap      applier
	clock   Clock
}

// NewToken makes a personal API token for the actor and returns its secret,
// which is not kept and cannot be shown again.
func (s *Access) NewToken(ctx context.Context, act Action, name string, scope TokenScope) (string, *Token, error) {
	if !ValidTokenName(name) {
		return "", nil, Errorf(EInvalid, "token.bad_name", MaxTokenNameRunes)
	}
	if scope != ScopeRead && scope != ScopeWrite {
		return "", nil, Errorf(EInvalid, "token.bad_scope")
	}
	secret, hash, err := newSecret(tokenPrefix)
	if err != nil {
		return "", nil, err
	}
	t := &Token{Member: act.Actor, Name: name, Scope: scope, Hash: hash, CreatedAt: s.ap.at(act)}
	err = s.ap.apply(ctx, act, func(ctx context.Context) error {
		have, err := s.store.TokensOf(ctx, act.Actor)
		if err != nil {
			return fmt.Errorf("failed to list tokens: %w", err)
		}
		for _, h := range have {
			if strings.EqualFold(h.Name, name) {
				return Errorf(EConflict, "token.exists", name)
			}
		}
		if len(have) >= MaxTokens {
			return Errorf(EConflict, "token.too_many", MaxTokens)
		}
		if err := s.store.PutToken(ctx, *t); err != nil {
			return fmt.Errorf("failed to save token: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// RevokeToken deletes the actor's token of that name. Names compare as
// NewToken compares them, without regard to case.
func (s *Access) RevokeToken(ctx context.Context, act Action, name string) error {
	return s.ap.apply(ctx, act, func(ctx context.Context) error {
		have, err := s.store.TokensOf(ctx, act.Actor)
		if err != nil {
			return fmt.Errorf("failed to list tokens: %w", err)
		}
		for _, h := range have {
			if strings.EqualFold(h.Name, name) {
				name = h.Name
				break
			}
		}
		gone, err := s.store.DeleteToken(ctx, act.Actor, name)
		if err != nil {
			return fmt.Errorf("failed to delete token: %w", err)
		}
		if !gone {
			return Errorf(ENotFound, "token.unknown", name)
		}
		return nil
	})
}

// Tokens lists a member's tokens, by name (in byte order, whatever the
// database's collation).
func (s *Access) Tokens(ctx context.Context, u UserID) ([]Token, error) {
	ts, err := s.store.TokensOf(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("failed to list tokens: %w", err)
	}
	slices.SortFunc(ts, func(a, b Token) int { return strings.Compare(a.Name, b.Name) })
	return ts, nil
}

// TokenBySecret returns the token a secret stands for; an unknown secret is
// an EUnauthorized error.
func (s *Access) TokenBySecret(ctx context.Context, secret string) (*Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, Errorf(EUnauthorized, "auth.bad_token")
	}
	t, err := s.store.TokenByHash(ctx, HashSecret(secret))
	if ErrorCode(err) == ENotFound {
		return nil, Errorf(EUnauthorized, "auth.bad_token")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to find token: %w", err)
	}
	return t, nil
}

// NewLoginLink makes a one-time login secret for the actor, usable once
// within LoginLinkTTL. The link's life and the rate limit run on the
// service's clock, as UseLoginLink's check does, not on the event's
// timestamp: a delayed event must not give a link already expired, nor a
// homeserver's clock a link that lives longer or escapes the limit.
func (s *Access) NewLoginLink(ctx context.Context, act Action) (string, *LoginLink, error) {
	secret, hash, err := newSecret(linkPrefix)
	if err != nil {
		return "", nil, err
	}
	now := s.clock.Now()
	l := &LoginLink{Hash: hash, Member: act.Actor, ExpiresAt: now.Add(LoginLinkTTL)}
	err = s.ap.apply(ctx, act, func(ctx context.Context) error {
		n, err := s.actions.CountActions(ctx, act.Actor, "web_link", now.Add(-time.Hour))
		if err != nil {
			return fmt.Errorf("failed to count login links: %w", err)
		}
		if n >= LoginLinksPerHour {
			return Errorf(ERateLimited, "web.too_many_links", LoginLinksPerHour)
		}
		if err := s.actions.RecordAction(ctx, act.Actor, "web_link", now); err != nil {
			return fmt.Errorf("failed to record login link: %w", err)
		}
		if err := s.store.PutLoginLink(ctx, *l); err != nil {
			return fmt.Errorf("failed to save login link: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return secret, l, nil
}

// UseLoginLink spends a login link and opens a session for its member; it
// returns the session's secret. A link used before, expired or unknown is
// refused with EUnauthorized.
func (s *Access) UseLoginLink(ctx context.Context, secret string) (string, *Session, error) {
	if !strings.HasPrefix(secret, linkPrefix) || len(secret) > 100 {
		return "", nil, Errorf(EUnauthorized, "auth.bad_link")
	}
	sessSecret, sessHash, err := newSecret(sessionPrefix)
	if err != nil {
		return "", nil, err
	}
	now := s.clock.Now()
	var sess *Session
	err = s.ap.tx.InTx(ctx, func(ctx context.Context) error {
		l, err := s.store.LoginLink(ctx, HashSecret(secret))
		if ErrorCode(err) == ENotFound {
			return Errorf(EUnauthorized, "auth.bad_link")
		}
		if err != nil {
			return fmt.Errorf("failed to find login link: %w", err)
		}
		if !l.UsedAt.IsZero() {
			return Errorf(EUnauthorized, "auth.used_link")
		}
		if !now.Before(l.ExpiresAt) {
			return Errorf(EUnauthorized, "auth.expired_link")
		}
		// Two uses at once both read the link unused; only one may spend
		// it. The insert of the same key waits for the other transaction
		// and then finds it there (Postgres reads committed rows only).
		fresh, err := s.ap.tx.MarkApplied(ctx, EventID("login-link:"+l.Hash), now)
		if err != nil {
			return fmt.Errorf("failed to spend login link: %w", err)
		}
		if !fresh {
			return Errorf(EUnauthorized, "auth.used_link")
		}
		if err := s.store.UseLoginLink(ctx, l.Hash, now); err != nil {
			return fmt.Errorf("failed to spend login link: %w", err)
		}
		sess = &Session{Hash: sessHash, Member: l.Member, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
		if err := s.store.PutSession(ctx, *sess); err != nil {
			return fmt.Errorf("failed to save session: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	return sessSecret, sess, nil
}

// SessionBySecret returns the live session a secret stands for.
func (s *Access) SessionBySecret(ctx context.Context, secret string) (*Session, error) {
	if !strings.HasPrefix(secret, sessionPrefix) || len(secret) > 100 {
		return nil, Errorf(EUnauthorized, "auth.no_session")
	}
	sess, err := s.store.SessionByHash(ctx, HashSecret(secret))
	if ErrorCode(err) == ENotFound {
		return nil, Errorf(EUnauthorized, "auth.no_session")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to find session: %w", err)
	}
	if !s.clock.Now().Before(sess.ExpiresAt) {
		return nil, Errorf(EUnauthorized, "auth.no_session")
	}
	return sess, nil
}

// EndSession logs a session out.
func (s *Access) EndSession(ctx context.Context, secret string) error {
	if err := s.store.DeleteSession(ctx, HashSecret(secret)); err != nil {
		return fmt.Errorf("failed to delete session: %w", err)
	}
	return nil
}

// SameSecret compares two secrets in constant time.
func SameSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
