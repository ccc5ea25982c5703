package store_test

import (
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/store"
)

// TestSchemaLatestEqualsNumbered: a SQLite database created fresh from
// 00-latest.sql has the schema of one created the old way, from the v1
// schema through every numbered upgrade (TestPostgres checks the same on
// Postgres).
func TestSchemaLatestEqualsNumbered(t *testing.T) {
	testSchemaLatestEqualsNumbered(t, store.TypeSQLite, func(t *testing.T) string { return sqliteConfig(t).URI })
}

// testSchemaLatestEqualsNumbered compares the schema of a database created
// from 00-latest.sql with one created the old way, each in an empty
// database from newURI (asked for the second only once the first is
// dumped and closed, as it may empty the same database).
func testSchemaLatestEqualsNumbered(t *testing.T, typ string, newURI func(t *testing.T) string) {
	latest := store.SchemaOf(t, typ, newURI(t), true)
	numbered := store.SchemaOf(t, typ, newURI(t), false)
	if latest == numbered {
		return
	}
	ll, nl := strings.Split(latest, "\n"), strings.Split(numbered, "\n")
	for i := 0; i < max(len(ll), len(nl)); i++ {
		var l, n string
		if i < len(ll) {
			l = ll[i]
		}
		if i < len(nl) {
			n = nl[i]
		}
		if l != n {
			t.Fatalf("schemas differ from line %d on:\n00-latest.sql: %s\nnumbered:      %s", i+1, l, n)
		}
	}
}
