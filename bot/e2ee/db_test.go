//go:build goolm

package e2ee

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.mau.fi/util/dbutil"
	_ "go.mau.fi/util/dbutil/litestream" // the sqlite3-fk-wal driver
)

// openDB opens the database a test's device lives in: a fresh SQLite file,
// or a fresh Postgres database under TestPostgres.
var openDB = openSQLite

// openSQLite opens a fresh SQLite database in a temporary directory.
func openSQLite(tb testing.TB) *dbutil.Database {
	tb.Helper()
	db, err := dbutil.NewWithDialect("file:"+filepath.Join(tb.TempDir(), "bot.db")+"?_txlock=immediate", "sqlite3-fk-wal")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// TestPostgres runs the device's tests on Postgres (the crypto store, the
// Matrix state store's members, the key backup's marks); `make test` runs
// it through scripts/with-postgres.sh, which sets EXODUS_TEST_POSTGRES_URI.
func TestPostgres(t *testing.T) {
	uri := os.Getenv("EXODUS_TEST_POSTGRES_URI")
	if uri == "" {
		t.Skip("EXODUS_TEST_POSTGRES_URI not set; run through scripts/with-postgres.sh")
	}
	openDB = func(tb testing.TB) *dbutil.Database { return openPostgres(tb, uri) }
	defer func() { openDB = openSQLite }()
	for name, test := range map[string]func(*testing.T){
		"MembersFromTheStore":            TestMembersFromTheStore,
		"MembersArrived":                 TestMembersArrived,
		"EncryptAsksOnce":                TestEncryptAsksOnce,
		"NewSessionBackedUp":             TestNewSessionBackedUp,
		"DecryptHistoryChecksBackupKeys": TestDecryptHistoryChecksBackupKeys,
		"SyncStatus":                     TestSyncStatus,
	} {
		t.Run(name, test)
	}
}

// openPostgres creates an empty database on the server of uri, dropped at
// cleanup, and opens it.
func openPostgres(tb testing.TB, uri string) *dbutil.Database {
	tb.Helper()
	admin, err := sql.Open("postgres", uri)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = admin.Close() })
	name := "exodus_e2ee_" + strings.ToLower(strings.NewReplacer("/", "_", "-", "_").Replace(tb.Name()))
	_, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name)
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`) })
	i := strings.LastIndex(uri, "/")
	dbURI := uri[:i+1] + name
	if q := strings.Index(uri[i:], "?"); q >= 0 {
		dbURI += uri[i+q:]
	}
	db, err := dbutil.NewWithDialect(dbURI, "postgres")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}
