package store

import (
	"context"
	"fmt"
	"time"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// Circles keeps circles and their members: ledger.CircleStore.
type Circles struct{ db *dbutil.Database }

var _ ledger.CircleStore = (*Circles)(nil)

const circleColumns = `circle_id, name, pledge_minor, pledge_currency, lang, owner, created_at, created_by, answering_bot`

// scanCircle reads one row of circleColumns.
func scanCircle(row dbutil.Scannable) (*ledger.Circle, error) {
	var (
		c                                        ledger.Circle
		id, currency, lang, owner, by, answering string
		createdAt                                int64
	)
	err := row.Scan(&id, &c.Name, &c.Pledge.Minor, &currency, &lang, &owner, &createdAt, &by, &answering)
	if err != nil {
		return nil, err
	}
	c.ID, c.Pledge.Currency, c.Lang = ledger.CircleID(id), ledger.Currency(currency), ledger.Lang(lang)
	c.Owner, c.CreatedAt, c.CreatedBy = ledger.UserID(owner), fromMS(createdAt), ledger.EventID(by)
	c.AnsweringBot = ledger.UserID(answering)
	return &c, nil
}

// GetCircle returns the circle with the given ID, or an ENotFound error
// "circle.not_found".
// Within a transaction a circle is read once (txCache).
func (s *Circles) GetCircle(ctx context.Context, id ledger.CircleID) (*ledger.Circle, error) {
	cache := cacheOf(ctx, s.db)
	if c, ok := cache.circle(id); ok {
		return c, nil
	}
	c, err := scanCircle(s.db.QueryRow(ctx,
		`SELECT `+circleColumns+` FROM circles WHERE circle_id = $1`, string(id)))
	if err != nil {
		return nil, notFound(err, "circle.not_found", "get circle")
	}
	cache.putCircle(c)
	return c, nil
}

// PutCircle inserts or replaces a circle.
func (s *Circles) PutCircle(ctx context.Context, c *ledger.Circle) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO circles (`+circleColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (circle_id) DO UPDATE SET
			name = excluded.name, pledge_minor = excluded.pledge_minor,
			pledge_currency = excluded.pledge_currency, lang = excluded.lang,
			owner = excluded.owner, created_at = excluded.created_at,
			created_by = excluded.created_by, answering_bot = excluded.answering_bot`,
		string(c.ID), c.Name, c.Pledge.Minor, string(c.Pledge.Currency), string(c.Lang),
		string(c.Owner), toMS(c.CreatedAt), string(c.CreatedBy), string(c.AnsweringBot))
	if err != nil {
		return fmt.Errorf("failed to put circle: %w", err)
	}
	cacheOf(ctx, s.db).putCircle(c)
	return nil
}

// Circles lists every circle, ordered by ID.
func (s *Circles) Circles(ctx context.Context) ([]*ledger.Circle, error) {
	return queryList(ctx, s.db, scanCircle, "circles",
		`SELECT `+circleColumns+` FROM circles ORDER BY circle_id`)
}

// SetCircleMember records that u is (joined=true) or is no longer
// (joined=false) a member of the circle's room, as of at.
func (s *Circles) SetCircleMember(ctx context.Context, c ledger.CircleID, u ledger.UserID, joined bool, at time.Time) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO circle_members (circle_id, user_id, joined, changed_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (circle_id, user_id) DO UPDATE SET
			joined = excluded.joined, changed_at = excluded.changed_at`,
		string(c), string(u), joined, toMS(at))
	if err != nil {
		return fmt.Errorf("failed to set circle member: %w", err)
	}
	return nil
}

// CircleMembers lists the joined members of a circle, ordered by ID.
func (s *Circles) CircleMembers(ctx context.Context, c ledger.CircleID) ([]ledger.UserID, error) {
	return queryList(ctx, s.db, dbutil.ScanSingleColumn[ledger.UserID], "circle members", `
		SELECT user_id FROM circle_members WHERE circle_id = $1 AND joined = $2
		ORDER BY user_id`, string(c), true)
}

// CirclesOf lists the circles u is a joined member of, ordered by ID.
func (s *Circles) CirclesOf(ctx context.Context, u ledger.UserID) ([]ledger.CircleID, error) {
	return queryList(ctx, s.db, dbutil.ScanSingleColumn[ledger.CircleID], "circles of member", `
		SELECT circle_id FROM circle_members WHERE user_id = $1 AND joined = $2
		ORDER BY circle_id`, string(u), true)
}

// CircleRoles lists the members of a circle with a role, ordered by ID.
func (s *Circles) CircleRoles(ctx context.Context, c ledger.CircleID) ([]ledger.MemberRole, error) {
	return queryList(ctx, s.db, scanMemberRole, "circle roles", `
		SELECT user_id, role FROM circle_members WHERE circle_id = $1 AND role <> ''
		ORDER BY user_id`, string(c))
}

// scanMemberRole reads one row of user_id, role.
func scanMemberRole(row dbutil.Scannable) (ledger.MemberRole, error) {
	var u, r string
	err := row.Scan(&u, &r)
	return ledger.MemberRole{Member: ledger.UserID(u), Role: ledger.CircleRole(r)}, err
}

// SetCircleRole records a member's role in a circle; a member not yet
// recorded is recorded as not joined.
func (s *Circles) SetCircleRole(ctx context.Context, c ledger.CircleID, u ledger.UserID, r ledger.CircleRole) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO circle_members (circle_id, user_id, joined, changed_at, role) VALUES ($1, $2, $3, 0, $4)
		ON CONFLICT (circle_id, user_id) DO UPDATE SET role = excluded.role`,
		string(c), string(u), false, string(r))
	if err != nil {
		return fmt.Errorf("failed to set circle role: %w", err)
	}
	return nil
}
