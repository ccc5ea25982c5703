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

// testStateStoreSharesDB checks that mautrix's SQL state store keeps its
// tables in the store's database next to the ledger's, as cmd/ sets it up,
// and that both work inside one transaction.
func testStateStoreSharesDB(t *testing.T, s *store.Store) {
	ctx := context.Background()
	ss := sqlstatestore.NewSQLStateStore(s.DB(), dbutil.ZeroLogger(zerolog.Nop()), false)
	must(t, ss.Upgrade(ctx))
	must(t, s.InTx(ctx, func(ctx context.Context) error {
		must(t, ss.SetMembership(ctx, "!room:x", id.UserID(alice), "join"))
		return s.Members.PutMember(ctx, &ledger.Member{ID: alice, CreatedAt: at(0)})
	}))
	eq(t, "state store membership", ss.IsInRoom(ctx, "!room:x", id.UserID(alice)), true)
	_, err := s.Members.GetMember(ctx, alice)
	must(t, err)
}
