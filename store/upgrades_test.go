package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
)

// testdataFS holds the v1 schema as it shipped (00-latest.sql before it
// became the whole latest schema), the start of a database created the
// old way.
//
//go:embed testdata/v1.sql
var testdataFS embed.FS

// numberedUpgrades is the migration table of a database created the old
// way: the v1 schema of testdata/v1.sql, then every numbered file. Its first
// n entries build a database of version n.
func numberedUpgrades() dbutil.UpgradeTable {
	v1 := dbutil.BuildUpgradeTable().WithFSPath(testdataFS, "testdata").Finish()
	return append(v1[:1:1], upgrades[1:]...)
}

// latestHeader is the header of 00-latest.sql.
var latestHeader = regexp.MustCompile(`^-- v0 -> v(\d+):`)

// TestLatestSchemaIsOneStep: 00-latest.sql takes a fresh database straight
// to the latest version, so a new numbered file with no update of
// 00-latest.sql fails here.
func TestLatestSchemaIsOneStep(t *testing.T) {
	data, err := upgradesFS.ReadFile("upgrades/00-latest.sql")
	if err != nil {
		t.Fatal(err)
	}
	m := latestHeader.FindSubmatch(data)
	if m == nil {
		t.Fatalf("00-latest.sql does not start with %q", latestHeader)
	}
	if v, _ := strconv.Atoi(string(m[1])); v != len(upgrades) {
		t.Errorf("00-latest.sql goes from v0 to v%d; the numbered files reach v%d: "+
			"write the new migration into 00-latest.sql and raise its version", v, len(upgrades))
	}
}

// SchemaOf creates a database of type typ at uri (which must be empty),
// either fresh from 00-latest.sql (fromLatest) or the old way (v1, then
// every numbered upgrade), and returns a dump of its schema, one line per
// column, index, constraint and the like. Exported for the tests of
// store_test.
func SchemaOf(tb testing.TB, typ, uri string, fromLatest bool) string {
	tb.Helper()
	ctx := context.Background()
	db, err := dbutil.NewFromConfig(owner, dbutil.Config{PoolConfig: dbutil.PoolConfig{
		Type: typ, URI: uri, MaxOpenConns: 1, MaxIdleConns: 1,
	}}, dbutil.ZeroLogger(zerolog.Nop()))
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	db.UpgradeTable = upgrades
	if !fromLatest {
		db.UpgradeTable = numberedUpgrades()
	}
	if err := db.Upgrade(ctx); err != nil {
		tb.Fatal(err)
	}
	var dump []string
	if db.Dialect == dbutil.Postgres {
		dump, err = postgresSchema(ctx, db)
	} else {
		dump, err = sqliteSchema(ctx, db)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Join(dump, "\n")
}

// queryLines runs q and renders each row as a line: prefix, then the
// columns separated by "|" (NULL as "NULL").
func queryLines(ctx context.Context, db *dbutil.Database, prefix, q string, args ...any) ([]string, error) {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("failed to query %s: %w", prefix, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var lines []string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = "NULL"
			if v.Valid {
				parts[i] = v.String
			}
		}
		lines = append(lines, prefix+" "+strings.Join(parts, "|"))
	}
	return lines, rows.Err()
}

// sqliteComment matches an SQL line comment.
var sqliteComment = regexp.MustCompile(`--[^\n]*`)

// sqliteSpace matches white space, and white space around punctuation.
var (
	sqliteSpace = regexp.MustCompile(`\s+`)
	sqlitePunct = regexp.MustCompile(` ?([(),]) ?`)
)

// normalizeSQL strips comments and layout from a CREATE statement, so that
// a table created whole and one altered into the same shape compare equal
// (SQLite keeps the altered statement's text, comments included).
func normalizeSQL(s string) string {
	s = sqliteComment.ReplaceAllString(s, "")
	s = sqliteSpace.ReplaceAllString(s, " ")
	return strings.TrimSpace(sqlitePunct.ReplaceAllString(s, "$1"))
}

// sqliteSchema dumps the schema of a SQLite database: each object's
// normalized statement, each table's columns, indexes and foreign keys,
// and the schema version.
func sqliteSchema(ctx context.Context, db *dbutil.Database) ([]string, error) {
	type object struct{ typ, name, sql string }
	var objects []object
	rows, err := db.Query(ctx, `SELECT type, name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		return nil, fmt.Errorf("failed to list the schema: %w", err)
	}
	for rows.Next() {
		var o object
		if err := rows.Scan(&o.typ, &o.name, &o.sql); err != nil {
			rows.Close()
			return nil, err
		}
		objects = append(objects, o)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	dump, err := queryLines(ctx, db, "version", `SELECT version, compat FROM version`)
	if err != nil {
		return nil, err
	}
	for _, o := range objects {
		dump = append(dump, o.typ+" "+o.name+": "+normalizeSQL(o.sql))
		var q []string
		switch o.typ {
		case "table":
			q = []string{
				`SELECT type, ncol, wr, strict FROM pragma_table_list(?1)`,
				`SELECT cid, name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?1)`,
				`SELECT seq, name, "unique", origin, partial FROM pragma_index_list(?1)`,
				`SELECT * FROM pragma_foreign_key_list(?1)`,
			}
		case "index":
			q = []string{`SELECT seqno, cid, name, "desc", coll, "key" FROM pragma_index_xinfo(?1)`}
		}
		for _, q := range q {
			lines, err := queryLines(ctx, db, "  "+o.name, q, o.name)
			if err != nil {
				return nil, err
			}
			dump = append(dump, lines...)
		}
	}
	return dump, nil
}

// postgresQueries dump the current schema of a Postgres database. Columns
// are listed in order but without their number: a dropped column leaves a
// gap in the numbers.
var postgresQueries = []struct{ prefix, q string }{
	{"version", `SELECT version, compat FROM version`},
	{"table", `SELECT table_name, table_type FROM information_schema.tables
		WHERE table_schema = current_schema() ORDER BY table_name`},
	{"column", `SELECT table_name, column_name, data_type, domain_name, collation_name,
			column_default, is_nullable, is_identity
		FROM information_schema.columns WHERE table_schema = current_schema()
		ORDER BY table_name, ordinal_position`},
	{"constraint", `SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid)
		FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid
		WHERE cl.relnamespace = current_schema()::regnamespace ORDER BY cl.relname, co.conname`},
	{"index", `SELECT tablename, indexname, indexdef FROM pg_indexes
		WHERE schemaname = current_schema() ORDER BY tablename, indexname`},
	{"domain", `SELECT domain_name, data_type, collation_name, domain_default
		FROM information_schema.domains WHERE domain_schema = current_schema() ORDER BY domain_name`},
	{"sequence", `SELECT sequence_name, data_type, start_value, minimum_value, maximum_value, increment
		FROM information_schema.sequences WHERE sequence_schema = current_schema() ORDER BY sequence_name`},
}

// postgresSchema dumps the current schema of a Postgres database.
func postgresSchema(ctx context.Context, db *dbutil.Database) ([]string, error) {
	var dump []string
	for _, q := range postgresQueries {
		lines, err := queryLines(ctx, db, q.prefix, q.q)
		if err != nil {
			return nil, err
		}
		dump = append(dump, lines...)
	}
	return dump, nil
}
