package memstore

import (
	"cmp"
	"context"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

func tokens(st *state) map[string]ledger.Token { return st.tokens }

// PutToken inserts an API token.
func (s *Store) PutToken(ctx context.Context, t ledger.Token) error {
	s.with(ctx, func(st *state) { st.tokens[t.Hash] = t })
	return nil
}

// TokensOf lists a member's API tokens, by name.
func (s *Store) TokensOf(ctx context.Context, u ledger.UserID) ([]ledger.Token, error) {
	return sorted(ctx, s, tokens, func(t ledger.Token) bool { return t.Member == u },
		func(a, b ledger.Token) int { return cmp.Compare(a.Name, b.Name) }), nil
}

// TokenByHash finds a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*ledger.Token, error) {
	return get(ctx, s, tokens, hash, same, "token.not_found")
}

// DeleteToken deletes a member's token by name; false if none.
func (s *Store) DeleteToken(ctx context.Context, u ledger.UserID, name string) (gone bool, err error) {
	s.with(ctx, func(st *state) {
		for h, t := range st.tokens {
			if t.Member == u && t.Name == name {
				delete(st.tokens, h)
				gone = true
			}
		}
	})
	return gone, nil
}

// PutLoginLink inserts a login link.
func (s *Store) PutLoginLink(ctx context.Context, l ledger.LoginLink) error {
	s.with(ctx, func(st *state) { st.links[l.Hash] = l })
	return nil
}

// LoginLink finds a login link by the hash of its secret.
func (s *Store) LoginLink(ctx context.Context, hash string) (*ledger.LoginLink, error) {
	return get(ctx, s, func(st *state) map[string]ledger.LoginLink { return st.links }, hash, same, "link.not_found")
}

// UseLoginLink marks a login link used.
func (s *Store) UseLoginLink(ctx context.Context, hash string, at time.Time) error {
	s.with(ctx, func(st *state) {
		if l, ok := st.links[hash]; ok {
			l.UsedAt = at
			st.links[hash] = l
		}
	})
	return nil
}

// PutSession inserts a web session.
func (s *Store) PutSession(ctx context.Context, sess ledger.Session) error {
	s.with(ctx, func(st *state) { st.sessions[sess.Hash] = sess })
	return nil
}

// SessionByHash finds a session by the hash of its secret.
func (s *Store) SessionByHash(ctx context.Context, hash string) (*ledger.Session, error) {
	return get(ctx, s, func(st *state) map[string]ledger.Session { return st.sessions }, hash, same, "session.not_found")
}

// DeleteSession deletes a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	s.with(ctx, func(st *state) { delete(st.sessions, hash) })
	return nil
}

// DeleteAccessOf deletes a member's tokens, login links and sessions.
func (s *Store) DeleteAccessOf(ctx context.Context, u ledger.UserID) error {
	s.with(ctx, func(st *state) {
		for h, t := range st.tokens {
			if t.Member == u {
				delete(st.tokens, h)
			}
		}
		for h, l := range st.links {
			if l.Member == u {
				delete(st.links, h)
			}
		}
		for h, x := range st.sessions {
			if x.Member == u {
				delete(st.sessions, h)
			}
		}
	})
	return nil
}
