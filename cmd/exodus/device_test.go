//go:build goolm

package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/crypto"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/sqlstatestore"

	"github.com/exodus-matrix/exodus/bot/e2ee"
	"github.com/exodus-matrix/exodus/store"
)

// TestCryptoStoreSQLite: the crypto store lives in the bot's own SQLite
// database beside the ledger and the Matrix state store.
func TestCryptoStoreSQLite(t *testing.T) {
	testCryptoStore(t, store.Config{Type: store.TypeSQLite, URI: "file:" + filepath.Join(t.TempDir(), "exodus.db") + "?_txlock=immediate"})
}

// TestPostgres runs the Postgres tests of this package; `make test` runs
// it through scripts/with-postgres.sh, which sets EXODUS_TEST_POSTGRES_URI.
func TestPostgres(t *testing.T) {
	uri := os.Getenv("EXODUS_TEST_POSTGRES_URI")
	if uri == "" {
		t.Skip("EXODUS_TEST_POSTGRES_URI not set; run through scripts/with-postgres.sh")
	}
	t.Run("CryptoStore", func(t *testing.T) {
		testCryptoStore(t, store.Config{Type: store.TypePostgres, URI: freshDatabase(t, uri)})
	})
}

// freshDatabase creates an empty database on the server of uri, dropped
// at cleanup, and returns its URI.
func freshDatabase(t *testing.T, uri string) string {
	admin, err := sql.Open("postgres", uri)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	name := "exodus_crypto_" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "_"))
	_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	i := strings.LastIndex(uri, "/")
	q := strings.Index(uri[i:], "?")
	if q < 0 {
		return uri[:i+1] + name
	}
	return uri[:i+1] + name + uri[i+q:]
}

// testCryptoStore opens the store, the Matrix state store and the crypto
// store on one database and checks that they live together: each with
// its own version table, the crypto writes inside the store's
// transactions, the secrets encrypted with the pickle key, and the
// crypto tables kept when the ledger is cleared for a rebuild.
func testCryptoStore(t *testing.T, cfg store.Config) {
	ctx := context.Background()
	st, err := store.Open(ctx, cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	states := sqlstatestore.NewSQLStateStore(st.DB(), dbutil.NoopLogger, false)
	if err := states.Upgrade(ctx); err != nil {
		t.Fatal(err)
	}
	const bot = id.UserID("@exodus:example.org")
	cs, err := e2ee.OpenStore(ctx, st.DB(), bot, []byte(testPickleKey))
	if err != nil {
		t.Fatal(err)
	}
	cs.DeviceID = "EXODUSDEV"
	if err := cs.PutAccount(ctx, crypto.NewOlmAccount()); err != nil {
		t.Fatal(err)
	}
	const recovery = "EsTc 1234 recovery key words"
	if err := cs.PutSecret(ctx, "org.exodus.recovery_key", recovery); err != nil {
		t.Fatal(err)
	}
	if err := cs.PutNextBatch(ctx, "s1"); err != nil {
		t.Fatal(err)
	}
	if err := cs.MarkTrackedUsersOutdated(ctx, []id.UserID{"@a:example.org"}); err != nil { // ANY($1) on Postgres
		t.Fatal(err)
	}
	if _, err := cs.FilterTrackedUsers(ctx, []id.UserID{"@a:example.org"}); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := st.InTx(ctx, func(ctx context.Context) error { _ = cs.PutNextBatch(ctx, "s2"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("InTx: %v", err)
	}
	var raw []byte
	if err := st.DB().QueryRow(ctx, "SELECT secret FROM crypto_secrets").Scan(&raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(recovery)) {
		t.Error("the recovery key rests in plaintext")
	}
	if err := st.ClearLedger(ctx); err != nil {
		t.Fatal(err)
	}
	var token string
	if err := st.DB().QueryRow(ctx, "SELECT sync_token FROM crypto_account").Scan(&token); err != nil || token != "s1" {
		t.Errorf("sync token after a rolled-back transaction and a cleared ledger: %q, %v", token, err)
	}
	again, err := e2ee.OpenStore(ctx, st.DB(), bot, []byte(testPickleKey))
	if err != nil {
		t.Fatal(err)
	}
	if dev, err := again.FindDeviceID(ctx); dev != "EXODUSDEV" || err != nil {
		t.Errorf("device ID reopened: %q, %v", dev, err)
	}
	if acc, err := again.GetAccount(ctx); acc == nil || err != nil {
		t.Errorf("account reopened: %v, %v", acc, err)
	}
	if got, err := again.GetSecret(ctx, "org.exodus.recovery_key"); got != recovery || err != nil {
		t.Errorf("recovery key reopened: %q, %v", got, err)
	}
	wrong, err := e2ee.OpenStore(ctx, st.DB(), bot, []byte("another-pickle-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := wrong.GetSecret(ctx, "org.exodus.recovery_key"); err == nil && got == recovery {
		t.Error("another pickle key opened the recovery key")
	}
	// Another pickle key is refused before the bot logs in (nothing listens at the homeserver's address).
	cli, err := mautrix.NewClient("http://127.0.0.1:9", bot, testASToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e2ee.Open(ctx, st.DB(), cli, states, e2ee.Config{PickleKey: []byte("another-pickle-key-0123456789abcdef")}); !errors.Is(err, e2ee.ErrPickleKey) {
		t.Errorf("opening the device with another pickle key: %v", err)
	}
	for _, table := range []string{"version", "mx_version", "crypto_version"} {
		var n int
		if err := st.DB().QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil || n != 1 {
			t.Errorf("version table %s: %d rows, %v", table, n, err)
		}
	}
}
