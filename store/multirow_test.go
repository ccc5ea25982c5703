package store

import "testing"

// TestMultiRowTexts: the statement texts built once are those of each
// chunk size, numbered as the statements' arguments are, and every size
// chunkOf gives is among them.
func TestMultiRowTexts(t *testing.T) {
	if 1<<(multiRowSizes-1) != enqueueChunk {
		t.Fatalf("multiRowSizes %d does not reach enqueueChunk %d", multiRowSizes, enqueueChunk)
	}
	values := newMultiRow(`INSERT INTO t (a, b) VALUES `, 2, 1, true, ` ON CONFLICT DO NOTHING`)
	if got, want := values.text(2), `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING`; got != want {
		t.Errorf("values of 2 rows:\n got %s\nwant %s", got, want)
	}
	in := newMultiRow(`UPDATE t SET a = $1 WHERE b IN (`, 1, 2, false, `)`)
	if got, want := in.text(4), `UPDATE t SET a = $1 WHERE b IN ($2, $3, $4, $5)`; got != want {
		t.Errorf("list of 4:\n got %s\nwant %s", got, want)
	}
	if got, want := in.text(3), `UPDATE t SET a = $1 WHERE b IN ($2, $3, $4)`; got != want {
		t.Errorf("list of 3 (no chunk size):\n got %s\nwant %s", got, want)
	}
	for n := 1; n <= 200; n++ {
		c := chunkOf(n)
		if got, want := values.text(c), values.build(c); got != want {
			t.Fatalf("chunk of %d rows: %s, want %s", c, got, want)
		}
	}
}
