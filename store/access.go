package store

import (
	"context"
	"fmt"
	"time"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// Access keeps API tokens, login links and web sessions:
// ledger.AccessStore.
type Access struct{ db *dbutil.Database }

var _ ledger.AccessStore = (*Access)(nil)

// PutToken inserts an API token.
func (s *Access) PutToken(ctx context.Context, t ledger.Token) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO api_tokens (token_hash, user_id, name, scope, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.Hash, string(t.Member), t.Name, string(t.Scope), toMS(t.CreatedAt))
	if err != nil {
		return fmt.Errorf("failed to insert token: %w", err)
	}
	return nil
}

const tokenColumns = `token_hash, user_id, name, scope, created_at`

func scanToken(row dbutil.Scannable) (ledger.Token, error) {
	var t ledger.Token
	var u, scope string
	var at int64
	if err := row.Scan(&t.Hash, &u, &t.Name, &scope, &at); err != nil {
		return t, err
	}
	t.Member, t.Scope, t.CreatedAt = ledger.UserID(u), ledger.TokenScope(scope), fromMS(at)
	return t, nil
}

// TokensOf lists a member's API tokens, by name.
func (s *Access) TokensOf(ctx context.Context, u ledger.UserID) ([]ledger.Token, error) {
	return queryList(ctx, s.db, scanToken, "tokens",
		`SELECT `+tokenColumns+` FROM api_tokens WHERE user_id = $1 ORDER BY name`, string(u))
}

// TokenByHash finds a token by the hash of its secret.
func (s *Access) TokenByHash(ctx context.Context, hash string) (*ledger.Token, error) {
	t, err := scanToken(s.db.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = $1`, hash))
	if err != nil {
		return nil, notFound(err, "token.not_found", "get token")
	}
	return &t, nil
}

// DeleteToken deletes a member's token by name; false if there was none.
func (s *Access) DeleteToken(ctx context.Context, u ledger.UserID, name string) (bool, error) {
	res, err := s.db.Exec(ctx, `DELETE FROM api_tokens WHERE user_id = $1 AND name = $2`, string(u), name)
	if err != nil {
		return false, fmt.Errorf("failed to delete token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("failed to count deleted tokens: %w", err)
	}
	return n > 0, nil
}

// PutLoginLink inserts a login link.
func (s *Access) PutLoginLink(ctx context.Context, l ledger.LoginLink) error {
	_, err := s.db.Exec(ctx, `INSERT INTO login_links (link_hash, user_id, expires_at, used_at) VALUES ($1, $2, $3, $4)`,
		l.Hash, string(l.Member), toMS(l.ExpiresAt), toMS(l.UsedAt))
	if err != nil {
		return fmt.Errorf("failed to insert login link: %w", err)
	}
	return nil
}

// LoginLink finds a login link by the hash of its secret.
func (s *Access) LoginLink(ctx context.Context, hash string) (*ledger.LoginLink, error) {
	l := &ledger.LoginLink{Hash: hash}
	var u string
	var exp, used int64
	err := s.db.QueryRow(ctx, `SELECT user_id, expires_at, used_at FROM login_links WHERE link_hash = $1`, hash).
		Scan(&u, &exp, &used)
	if err != nil {
		return nil, notFound(err, "link.not_found", "get login link")
	}
	l.Member, l.ExpiresAt, l.UsedAt = ledger.UserID(u), fromMS(exp), fromMS(used)
	return l, nil
}

// UseLoginLink marks a login link used.
func (s *Access) UseLoginLink(ctx context.Context, hash string, at time.Time) error {
	if _, err := s.db.Exec(ctx, `UPDATE login_links SET used_at = $2 WHERE link_hash = $1`, hash, toMS(at)); err != nil {
		return fmt.Errorf("failed to mark login link used: %w", err)
	}
	return nil
}

// PutSession inserts a web session.
func (s *Access) PutSession(ctx context.Context, sess ledger.Session) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO web_sessions (session_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		sess.Hash, string(sess.Member), toMS(sess.CreatedAt), toMS(sess.ExpiresAt))
	if err != nil {
		return fmt.Errorf("failed to insert session: %w", err)
	}
	return nil
}

// SessionByHash finds a session by the hash of its secret.
func (s *Access) SessionByHash(ctx context.Context, hash string) (*ledger.Session, error) {
	sess := &ledger.Session{Hash: hash}
	var u string
	var created, exp int64
	err := s.db.QueryRow(ctx, `SELECT user_id, created_at, expires_at FROM web_sessions WHERE session_hash = $1`, hash).
		Scan(&u, &created, &exp)
	if err != nil {
		return nil, notFound(err, "session.not_found", "get session")
	}
	sess.Member, sess.CreatedAt, sess.ExpiresAt = ledger.UserID(u), fromMS(created), fromMS(exp)
	return sess, nil
}

// DeleteSession deletes a session.
func (s *Access) DeleteSession(ctx context.Context, hash string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM web_sessions WHERE session_hash = $1`, hash); err != nil {
		return fmt.Errorf("failed to delete session: %w", err)
	}
	return nil
}

// DeleteAccessOf deletes a member's tokens, login links and sessions.
func (s *Access) DeleteAccessOf(ctx context.Context, u ledger.UserID) error {
	for _, table := range []string{"api_tokens", "login_links", "web_sessions"} {
		if _, err := s.db.Exec(ctx, `DELETE FROM `+table+` WHERE user_id = $1`, string(u)); err != nil {
			return fmt.Errorf("failed to delete from %s: %w", table, err)
		}
	}
	return nil
}
