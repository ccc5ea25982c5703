package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestUpgradeMovesKassaMaximaToTheirTable: a database of v4, where a
// status held the one kassa maximum, upgraded to the latest keeps that
// maximum as a circle-less one (as the ledger replays the op of old).
func TestUpgradeMovesKassaMaximaToTheirTable(t *testing.T) {
	ctx := context.Background()
	db, err := dbutil.NewFromConfig(owner, dbutil.Config{PoolConfig: dbutil.PoolConfig{
		Type: TypeSQLite, URI: "file:" + filepath.Join(t.TempDir(), "v4.db") + "?_txlock=immediate", MaxOpenConns: 1, MaxIdleConns: 1,
	}}, dbutil.ZeroLogger(zerolog.Nop()))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.UpgradeTable = numberedUpgrades()[:4] // v1 as shipped, then 01..03
	if err := db.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(ctx, `INSERT INTO statuses (user_id, status, previous, need_id, changed_at, kassa_minor, kassa_currency)
		VALUES ('@a:x', 'green', '', '', 0, 5000, 'EUR'), ('@b:x', 'orange', '', '$n', 1, 0, '')`)
	if err != nil {
		t.Fatal(err)
	}
	db.UpgradeTable = upgrades
	if err := db.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	var user, circle, cur string
	var minor int64
	if err := db.QueryRow(ctx, `SELECT user_id, circle_id, max_minor, currency FROM kassa_maxima`).Scan(&user, &circle, &minor, &cur); err != nil {
		t.Fatal(err)
	}
	if user != "@a:x" || circle != "" || minor != 5000 || cur != "EUR" {
		t.Fatalf("kassa maximum %s %q %d %s; want @a:x's circle-less 50 EUR", user, circle, minor, cur)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM kassa_maxima`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d maxima (%v); want one", n, err)
	}
	s := &Aid{db: db}
	st := &ledger.MemberStatus{Member: "@b:x", Status: ledger.StatusGreen, Kassa: []ledger.KassaMax{{Circle: "!c:x", Max: ledger.Amount{Minor: 100, Currency: "EUR"}}}}
	if err := s.SaveAid(ctx, nil, nil, []*ledger.MemberStatus{st}); err != nil {
		t.Fatalf("saving a status after the upgrade: %v", err)
	}
}
