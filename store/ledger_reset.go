package store

import (
	"context"
	"fmt"
)

// ledgerTables are the tables a rebuild from the rooms' history makes
// again (`exodus rebuild`, replica.Replica.Rebuild): everything the
// bot derived from Matrix events. Circles and their members, invitations,
// guarantees and blocks; members' records (language, direct chat),
// profiles and the rate-limit history (actions); the mutual-aid ops and
// their projection (needs, promises, statuses, kassa maxima); the cards (learnt again
// from the bot's own messages); the events applied and the inbox (the
// rebuild records the history it replays there, so the homeserver's
// later pushes and reconciliation do not handle an event twice).
//
// The web's secrets go too (API tokens, login links, sessions): only their
// hashes are kept and the rooms do not hold them, so a ledger rebuilt
// from the rooms cannot vouch for them (members log in again and make new
// tokens). Kept: the schema's version and mautrix's Matrix state store,
// which are not the ledger.
var ledgerTables = []string{
	"applied_events", "inbox",
	"circles", "circle_members", "members", "invitations", "guarantees", "blocks", "actions",
	"aid_ops", "needs", "promises", "statuses", "kassa_maxima", "profiles", "cards",
	"api_tokens", "login_links", "web_sessions",
}

// derivedTables are cleared with the ledger but do not make it non-empty:
// the book's snapshot (aid_snapshot), whose row may stay to count its
// invalidations.
var derivedTables = []string{"aid_snapshot"}

// LedgerEmpty reports whether the ledger holds nothing: no row in any of
// the tables ClearLedger empties (a fresh database, or one just cleared).
func (s *Store) LedgerEmpty(ctx context.Context) (bool, error) {
	for _, table := range ledgerTables {
		var found bool
		err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+table+`)`).Scan(&found)
		if err != nil {
			return false, fmt.Errorf("failed to look into %s: %w", table, err)
		}
		if found {
			return false, nil
		}
	}
	return true, nil
}

// ClearLedger deletes, in one transaction, every row of the ledger's
// tables (ledgerTables), so that the ledger can be rebuilt from the rooms.
// The caller drops what it keeps in memory (a new ledger.Service).
func (s *Store) ClearLedger(ctx context.Context) error {
	return s.InTx(ctx, func(ctx context.Context) error {
		cache := cacheOf(ctx, s.db)
		cache.reset()
		cache.applied = appliedTx{}                                        // the marks held go with the table
		cache.keptMembers.cleared, cache.keptProfiles.cleared = true, true // cleared again at its end
		s.Members.members.clear()
		s.Members.profiles.clear()
		for _, table := range append(ledgerTables, derivedTables...) {
			if _, err := s.db.Exec(ctx, `DELETE FROM `+table); err != nil {
				return fmt.Errorf("failed to clear %s: %w", table, err)
			}
		}
		return nil
	})
}
