// Package access is the web and API access of members: personal API
// tokens, one-time login links and web sessions. Its Service keeps them in
// the ledger's AccessStore; only their hashes are kept (HashSecret).
package access

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

	"github.com/exodus-matrix/exodus/ledger"
)

// Bounds of the web and API access.
const (
	// MaxTokens is how many API tokens a member may hold at once.
	MaxTokens = 10
	// LoginLinkTTL is how long a login link stays usable.
	LoginLinkTTL = 10 * time.Minute
	// LoginLinksPerHour bounds how many login links a member may ask for.
	LoginLinksPerHour = 10
	// SessionTTL is how long a web session lasts.
	SessionTTL = 7 * 24 * time.Hour
)

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

// Service is the web and API access of members: API tokens, login links
// and web sessions.
type Service struct {
	store   ledger.AccessStore
	actions ledger.ActionStore
	tx      ledger.TxStore
	ap      ledger.Applier
	clock   ledger.Clock
}

// New returns the access service over the stores (Access, Actions and Tx),
// reading time from clock.
func New(st ledger.Stores, clock ledger.Clock) *Service {
	return &Service{store: st.Access, actions: st.Actions, tx: st.Tx, ap: ledger.NewApplier(st.Tx, clock), clock: clock}
}

// NewToken makes a personal API token for the actor and returns its secret,
// which is not kept and cannot be shown again.
func (s *Service) NewToken(ctx context.Context, act ledger.Action, name string, scope ledger.TokenScope) (string, *ledger.Token, error) {
	if !ledger.ValidTokenName(name) {
		return "", nil, ledger.Errorf(ledger.EInvalid, "token.bad_name", ledger.MaxTokenNameRunes)
	}
	if scope != ledger.ScopeRead && scope != ledger.ScopeWrite {
		return "", nil, ledger.Errorf(ledger.EInvalid, "token.bad_scope")
	}
	secret, hash, err := newSecret(tokenPrefix)
	if err != nil {
		return "", nil, err
	}
	t := &ledger.Token{Member: act.Actor, Name: name, Scope: scope, Hash: hash, CreatedAt: s.ap.At(act)}
	err = s.ap.Apply(ctx, act, func(ctx context.Context) error {
		have, err := s.store.TokensOf(ctx, act.Actor)
		if err != nil {
			return fmt.Errorf("failed to list tokens: %w", err)
		}
		for _, h := range have {
			if strings.EqualFold(h.Name, name) {
				return ledger.Errorf(ledger.EConflict, "token.exists", name)
			}
		}
		if len(have) >= MaxTokens {
			return ledger.Errorf(ledger.EConflict, "token.too_many", MaxTokens)
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
func (s *Service) RevokeToken(ctx context.Context, act ledger.Action, name string) error {
	return s.ap.Apply(ctx, act, func(ctx context.Context) error {
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
			return ledger.Errorf(ledger.ENotFound, "token.unknown", name)
		}
		return nil
	})
}

// Tokens lists a member's tokens, by name (in byte order, whatever the
// database's collation).
func (s *Service) Tokens(ctx context.Context, u ledger.UserID) ([]ledger.Token, error) {
	ts, err := s.store.TokensOf(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("failed to list tokens: %w", err)
	}
	slices.SortFunc(ts, func(a, b ledger.Token) int { return strings.Compare(a.Name, b.Name) })
	return ts, nil
}

// TokenBySecret returns the token a secret stands for; an unknown secret is
// an EUnauthorized error.
func (s *Service) TokenBySecret(ctx context.Context, secret string) (*ledger.Token, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return nil, ledger.Errorf(ledger.EUnauthorized, "auth.bad_token")
	}
	t, err := s.store.TokenByHash(ctx, HashSecret(secret))
	if ledger.ErrorCode(err) == ledger.ENotFound {
		return nil, ledger.Errorf(ledger.EUnauthorized, "auth.bad_token")
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
func (s *Service) NewLoginLink(ctx context.Context, act ledger.Action) (string, *ledger.LoginLink, error) {
	secret, hash, err := newSecret(linkPrefix)
	if err != nil {
		return "", nil, err
	}
	now := s.clock.Now()
	l := &ledger.LoginLink{Hash: hash, Member: act.Actor, ExpiresAt: now.Add(LoginLinkTTL)}
	err = s.ap.Apply(ctx, act, func(ctx context.Context) error {
		n, err := s.actions.CountActions(ctx, act.Actor, "web_link", now.Add(-time.Hour))
		if err != nil {
			return fmt.Errorf("failed to count login links: %w", err)
		}
		if n >= LoginLinksPerHour {
			return ledger.Errorf(ledger.ERateLimited, "web.too_many_links", LoginLinksPerHour)
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
func (s *Service) UseLoginLink(ctx context.Context, secret string) (string, *ledger.Session, error) {
	if !strings.HasPrefix(secret, linkPrefix) || len(secret) > 100 {
		return "", nil, ledger.Errorf(ledger.EUnauthorized, "auth.bad_link")
	}
	sessSecret, sessHash, err := newSecret(sessionPrefix)
	if err != nil {
		return "", nil, err
	}
	now := s.clock.Now()
	var sess *ledger.Session
	err = s.tx.InTx(ctx, func(ctx context.Context) error {
		l, err := s.store.LoginLink(ctx, HashSecret(secret))
		if ledger.ErrorCode(err) == ledger.ENotFound {
			return ledger.Errorf(ledger.EUnauthorized, "auth.bad_link")
		}
		if err != nil {
			return fmt.Errorf("failed to find login link: %w", err)
		}
		if !l.UsedAt.IsZero() {
			return ledger.Errorf(ledger.EUnauthorized, "auth.used_link")
		}
		if !now.Before(l.ExpiresAt) {
			return ledger.Errorf(ledger.EUnauthorized, "auth.expired_link")
		}
		// Two uses at once both read the link unused; only one may spend
		// it. The insert of the same key waits for the other transaction
		// and then finds it there (Postgres reads committed rows only).
		fresh, err := s.tx.MarkApplied(ctx, ledger.EventID("login-link:"+l.Hash), now)
		if err != nil {
			return fmt.Errorf("failed to spend login link: %w", err)
		}
		if !fresh {
			return ledger.Errorf(ledger.EUnauthorized, "auth.used_link")
		}
		if err := s.store.UseLoginLink(ctx, l.Hash, now); err != nil {
			return fmt.Errorf("failed to spend login link: %w", err)
		}
		sess = &ledger.Session{Hash: sessHash, Member: l.Member, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
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
func (s *Service) SessionBySecret(ctx context.Context, secret string) (*ledger.Session, error) {
	if !strings.HasPrefix(secret, sessionPrefix) || len(secret) > 100 {
		return nil, ledger.Errorf(ledger.EUnauthorized, "auth.no_session")
	}
	sess, err := s.store.SessionByHash(ctx, HashSecret(secret))
	if ledger.ErrorCode(err) == ledger.ENotFound {
		return nil, ledger.Errorf(ledger.EUnauthorized, "auth.no_session")
	}
	if err != nil {
		return nil, fmt.Errorf("failed to find session: %w", err)
	}
	if !s.clock.Now().Before(sess.ExpiresAt) {
		return nil, ledger.Errorf(ledger.EUnauthorized, "auth.no_session")
	}
	return sess, nil
}

// EndSession logs a session out.
func (s *Service) EndSession(ctx context.Context, secret string) error {
	if err := s.store.DeleteSession(ctx, HashSecret(secret)); err != nil {
		return fmt.Errorf("failed to delete session: %w", err)
	}
	return nil
}

// SameSecret compares two secrets in constant time.
func SameSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// OpenSession opens a session for member, as a login link does (the same
// rights, SessionTTL), for a proof of identity that may be spent once:
// proof is a secret its issuer vouched for (a widget's OpenID token), and
// a second use of it is refused with EUnauthorized. The caller has
// verified the proof and that member is one of the ledger's.
func (s *Service) OpenSession(ctx context.Context, member ledger.UserID, proof string) (string, *ledger.Session, error) {
	sessSecret, sessHash, err := newSecret(sessionPrefix)
	if err != nil {
		return "", nil, err
	}
	now := s.clock.Now()
	sess := &ledger.Session{Hash: sessHash, Member: member, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	err = s.tx.InTx(ctx, func(ctx context.Context) error {
		fresh, err := s.tx.MarkApplied(ctx, ledger.EventID("openid:"+HashSecret(proof)), now)
		if err != nil {
			return fmt.Errorf("failed to spend the proof of identity: %w", err)
		}
		if !fresh {
			return ledger.Errorf(ledger.EUnauthorized, "auth.used_openid")
		}
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
