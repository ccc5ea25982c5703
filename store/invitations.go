package store

import (
	"context"
	"database/sql"
	"fmt"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// Trust keeps the trust network (invitations here, guarantees and blocks
// in network.go): ledger.TrustStore.
type Trust struct{ db *dbutil.Database }

var _ ledger.TrustStore = (*Trust)(nil)

const invitationColumns = `invitation_id, circle_id, inviter, invitee, code, pledge_minor,
	pledge_currency, card, status, created_at, expires_at, resolved_by, resolved_at`

// scanInvitation reads one row of invitationColumns.
func scanInvitation(row dbutil.Scannable) (*ledger.Invitation, error) {
	var (
		inv                              ledger.Invitation
		id, circle, inviter, invitee     string
		currency, status, resolvedBy     string
		code, card                       sql.NullString
		createdAt, expiresAt, resolvedAt int64
	)
	err := row.Scan(&id, &circle, &inviter, &invitee, &code, &inv.Pledge.Minor,
		&currency, &card, &status, &createdAt, &expiresAt, &resolvedBy, &resolvedAt)
	if err != nil {
		return nil, err
	}
	inv.ID, inv.Circle = ledger.InvitationID(id), ledger.CircleID(circle)
	inv.Inviter, inv.Invitee = ledger.UserID(inviter), ledger.UserID(invitee)
	inv.Code, inv.Pledge.Currency = code.String, ledger.Currency(currency)
	inv.Card, inv.Status = ledger.EventID(card.String), ledger.InvitationStatus(status)
	inv.CreatedAt, inv.ExpiresAt = fromMS(createdAt), fromMS(expiresAt)
	inv.ResolvedBy, inv.ResolvedAt = ledger.EventID(resolvedBy), fromMS(resolvedAt)
	return &inv, nil
}

// getInvitation returns the single invitation matching where (a condition
// on $1), or an ENotFound error "invitation.not_found".
func (s *Trust) getInvitation(ctx context.Context, where string, arg any) (*ledger.Invitation, error) {
	if arg == "" {
		return nil, ledger.Errorf(ledger.ENotFound, "invitation.not_found")
	}
	inv, err := scanInvitation(s.db.QueryRow(ctx,
		`SELECT `+invitationColumns+` FROM invitations WHERE `+where, arg))
	if err != nil {
		return nil, notFound(err, "invitation.not_found", "get invitation")
	}
	return inv, nil
}

// GetInvitation returns the invitation with the given ID, or an ENotFound
// error "invitation.not_found".
func (s *Trust) GetInvitation(ctx context.Context, id ledger.InvitationID) (*ledger.Invitation, error) {
	return s.getInvitation(ctx, `invitation_id = $1`, string(id))
}

// InvitationByCode finds the invitation with a one-time code, compared
// exactly (codes are stored upper case), or returns an ENotFound error
// "invitation.not_found".
func (s *Trust) InvitationByCode(ctx context.Context, code string) (*ledger.Invitation, error) {
	return s.getInvitation(ctx, `code = $1`, code)
}

// InvitationByCard finds the invitation whose card is the given event, or
// returns an ENotFound error "invitation.not_found". Should several share a
// card, the oldest is returned.
func (s *Trust) InvitationByCard(ctx context.Context, card ledger.EventID) (*ledger.Invitation, error) {
	return s.getInvitation(ctx, `card = $1 ORDER BY created_at, invitation_id LIMIT 1`, string(card))
}

// PutInvitation inserts or replaces an invitation. A code already used by
// another invitation is refused with an error.
func (s *Trust) PutInvitation(ctx context.Context, inv *ledger.Invitation) error {
	_, err := s.db.Exec(ctx, `
		INSERT INTO invitations (`+invitationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (invitation_id) DO UPDATE SET
			circle_id = excluded.circle_id, inviter = excluded.inviter,
			invitee = excluded.invitee, code = excluded.code,
			pledge_minor = excluded.pledge_minor, pledge_currency = excluded.pledge_currency,
			card = excluded.card, status = excluded.status,
			created_at = excluded.created_at, expires_at = excluded.expires_at,
			resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at`,
		string(inv.ID), string(inv.Circle), string(inv.Inviter), string(inv.Invitee),
		nullString(inv.Code), inv.Pledge.Minor, string(inv.Pledge.Currency),
		nullString(string(inv.Card)), string(inv.Status), toMS(inv.CreatedAt),
		toMS(inv.ExpiresAt), string(inv.ResolvedBy), toMS(inv.ResolvedAt))
	if err != nil {
		return fmt.Errorf("failed to put invitation: %w", err)
	}
	return nil
}

// PendingInvitations lists the pending personal invitations (those without
// a code) to invitee in circle c, or in any circle if c is "", newest first.
// Expired invitations are included: the caller checks Expired.
func (s *Trust) PendingInvitations(ctx context.Context, c ledger.CircleID, invitee ledger.UserID) ([]*ledger.Invitation, error) {
	where := `invitee = $1 AND status = $2 AND code IS NULL`
	args := []any{string(invitee), string(ledger.InvitationPending)}
	if c != "" {
		where += ` AND circle_id = $3`
		args = append(args, string(c))
	}
	return queryList(ctx, s.db, scanInvitation, "pending invitations",
		`SELECT `+invitationColumns+` FROM invitations WHERE `+where+
			` ORDER BY created_at DESC, invitation_id DESC`, args...)
}
