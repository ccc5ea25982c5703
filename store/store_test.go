package store_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// postgresEnv names the environment variable holding the URI of a Postgres
// database the tests may use (scripts/with-postgres.sh sets it). The user
// should be allowed to create databases; each test then gets a database of
// its own. Otherwise every test empties the database's current schema.
const postgresEnv = "EXODUS_TEST_POSTGRES_URI"

// TestSQLite runs the suite against real SQLite files.
func TestSQLite(t *testing.T) {
	runSuite(t, func(t *testing.T) *store.Store { return openSQLite(t) })
}

// TestPostgres runs the suite against Postgres when postgresEnv is set.
func TestPostgres(t *testing.T) {
	uri := os.Getenv(postgresEnv)
	if uri == "" {
		t.Skipf("%s not set; run through scripts/with-postgres.sh", postgresEnv)
	}
	runSuite(t, func(t *testing.T) *store.Store { return openPostgres(t, uri) })
	t.Run("SchemaLatestEqualsNumbered", func(t *testing.T) {
		testSchemaLatestEqualsNumbered(t, store.TypePostgres, func(t *testing.T) string { return freshPostgres(t, uri) })
	})
}

// TestSQLiteReopen checks that opening an up-to-date database again keeps
// its data and does not re-run migrations.
func TestSQLiteReopen(t *testing.T) {
	ctx := context.Background()
	cfg := sqliteConfig(t)
	s1, err := store.Open(ctx, cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if fresh, err := s1.MarkApplied(ctx, "$e1", at(0)); err != nil || !fresh {
		t.Fatalf("MarkApplied = %v, %v", fresh, err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := store.Open(ctx, cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if fresh, err := s2.MarkApplied(ctx, "$e1", at(0)); err != nil || fresh {
		t.Fatalf("MarkApplied after reopen = %v, %v; want false, nil", fresh, err)
	}
}

// TestClosed checks that a closed store fails cleanly.
func TestClosed(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, sqliteConfig(t), zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err = s.InTx(ctx, func(context.Context) error { return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "failed to run transaction") {
		t.Errorf("InTx on a closed store = %v", err)
	}
	_, err = s.Members.GetMember(ctx, alice)
	if err == nil || ledger.ErrorCode(err) != ledger.EInternal {
		t.Errorf("GetMember on a closed store = %v; want an internal error", err)
	}
}

// TestOpenErrors checks that bad configurations fail cleanly.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := store.Open(ctx, store.Config{}, zerolog.Nop()); err == nil {
		t.Error("Open with no URI succeeded")
	}
	if _, err := store.Open(ctx, store.Config{Type: "oracle", URI: "x"}, zerolog.Nop()); err == nil {
		t.Error("Open with an unknown type succeeded")
	}
}

// sqliteConfig returns the configuration of a new SQLite file in a
// temporary directory.
func sqliteConfig(tb testing.TB) store.Config {
	path := filepath.Join(tb.TempDir(), "exodus.db")
	return store.Config{Type: store.TypeSQLite, URI: "file:" + path + "?_txlock=immediate"}
}

// openSQLite opens a store on a new SQLite file, closed at cleanup.
func openSQLite(tb testing.TB) *store.Store {
	tb.Helper()
	s, err := store.Open(context.Background(), sqliteConfig(tb), zerolog.Nop())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// openPostgres opens a store on a fresh Postgres database (or a freshly
// emptied schema), closed and dropped at cleanup.
func openPostgres(tb testing.TB, uri string) *store.Store {
	tb.Helper()
	testURI := freshPostgres(tb, uri)
	s, err := store.Open(context.Background(), store.Config{Type: store.TypePostgres, URI: testURI}, zerolog.Nop())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() }) // runs before the database is dropped
	return s
}

// pgMode remembers, across tests, how fresh databases are made.
var pgMode struct {
	sync.Mutex
	logged   bool
	noCreate bool // the user may not create databases: empty the schema instead
}

// freshPostgres returns the URI of an empty database: a new one created
// through uri (with an ICU en-US collation where the server supports it, so
// that the byte-order collation of IDs is really exercised), or, if the user
// may not create databases, uri itself after emptying its current schema.
func freshPostgres(tb testing.TB, uri string) string {
	tb.Helper()
	admin, err := sql.Open("postgres", uri)
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	pgMode.Lock()
	defer pgMode.Unlock()
	if pgMode.noCreate {
		emptySchema(tb, admin)
		return uri
	}
	name := "exodus_t_" + randomHex(8)
	collation, err := createDatabase(admin, name)
	if err != nil {
		tb.Logf("cannot create a database per test (%v); emptying the schema instead", err)
		pgMode.noCreate = true
		emptySchema(tb, admin)
		return uri
	}
	if !pgMode.logged {
		tb.Logf("one Postgres database per test, default collation %s", collation)
		pgMode.logged = true
	}
	tb.Cleanup(func() { dropDatabase(tb, uri, name) })
	u, err := url.Parse(uri)
	if err != nil {
		tb.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// createDatabase creates database name, preferring an ICU en-US default
// collation; it says which collation the database got.
func createDatabase(admin *sql.DB, name string) (string, error) {
	ctx := context.Background()
	_, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+
		` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`)
	if err == nil {
		return "ICU en-US", nil
	}
	if _, err = admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		return "", err
	}
	return "of the template", nil
}

// dropDatabase drops a test database, forcing off leftover connections.
func dropDatabase(tb testing.TB, uri, name string) {
	admin, err := sql.Open("postgres", uri)
	if err != nil {
		tb.Error(err)
		return
	}
	defer admin.Close()
	ctx := context.Background()
	if _, err = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
		if _, err = admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name); err != nil {
			tb.Errorf("failed to drop test database %s: %v", name, err)
		}
	}
}

// emptySchema drops every table and domain of the connection's current
// schema.
func emptySchema(tb testing.TB, db *sql.DB) {
	tb.Helper()
	ctx := context.Background()
	var drops []string
	rows, err := db.QueryContext(ctx, `
		SELECT 'DROP TABLE IF EXISTS ' || quote_ident(tablename) || ' CASCADE'
		FROM pg_tables WHERE schemaname = current_schema()
		UNION ALL
		SELECT 'DROP DOMAIN IF EXISTS ' || quote_ident(domain_name) || ' CASCADE'
		FROM information_schema.domains WHERE domain_schema = current_schema()`)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var q string
		if err := rows.Scan(&q); err != nil {
			tb.Fatal(err)
		}
		drops = append(drops, q)
	}
	if err := rows.Close(); err != nil {
		tb.Fatal(err)
	}
	// Tables first, then domains (the UNION lists them in that order).
	for _, q := range drops {
		if _, err := db.ExecContext(ctx, q); err != nil {
			tb.Fatalf("%s: %v", q, err)
		}
	}
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// suiteCase is one test of the suite, run on a fresh store.
type suiteCase struct {
	name string
	fn   func(t *testing.T, s *store.Store)
}

// runSuite runs every case of the suite, each on its own fresh store from
// open.
func runSuite(t *testing.T, open func(t *testing.T) *store.Store) {
	cases := []suiteCase{
		{"MarkApplied", testMarkApplied},
		{"Members", testMembers},
		{"Circles", testCircles},
		{"CircleMembers", testCircleMembers},
		{"Invitations", testInvitations},
		{"PendingInvitations", testPendingInvitations},
		{"Guarantees", testGuarantees},
		{"Blocks", testBlocks},
		{"Actions", testActions},
		{"InTxRollback", testInTxRollback},
		{"InTxNested", testInTxNested},
		{"InTxConcurrent", testInTxConcurrent},
		{"Inbox", testInbox},
		{"InboxInTx", testInboxInTx},
		{"InboxLargeBatch", testInboxLargeBatch},
		{"InboxPrune", testInboxPrune},
		{"InboxPark", testInboxPark},
		{"InboxRecordHandled", testInboxRecordHandled},
		{"StateStoreSharesDB", testStateStoreSharesDB},
		{"AidOps", testAidOps},
		{"AidOpsPage", testAidOpsPage},
		{"SaveAid", testSaveAid},
		{"Profiles", testProfiles},
		{"Cards", testCards},
		{"OpenCardRooms", testOpenCardRooms},
	}
	cases = append(cases, accessCases...)     // suite_access_test.go
	cases = append(cases, resetCases...)      // suite_reset_test.go
	cases = append(cases, healthCases...)     // suite_health_test.go
	cases = append(cases, outboxCases...)     // suite_outbox_test.go
	cases = append(cases, keptCases...)       // suite_kept_test.go
	cases = append(cases, snapshotCases...)   // suite_snapshot_test.go
	cases = append(cases, appliedCases...)    // suite_applied_test.go
	cases = append(cases, scopeCases...)      // suite_scope_test.go
	cases = append(cases, outboxHeldCases...) // suite_outbox_held_test.go
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open(t)) })
	}
}

// ids joins IDs for messages.
func ids[T ~string](list []T) string {
	s := make([]string, len(list))
	for i, v := range list {
		s[i] = string(v)
	}
	return "[" + strings.Join(s, " ") + "]"
}

// must fails the test on an error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// eq fails the test if got and want are not deeply equal.
func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %s\nwant %s", what, show(got), show(want))
	}
}

// show renders a value for a failure message, following pointers.
func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%+v", v)
	}
	return string(b)
}
