package ledger_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// dumpDB is every value of every table of the world's SQLite database, as
// text: what a scan of the database would find.
func (w *aidWorld) dumpDB() string {
	w.t.Helper()
	tables, err := w.st.DB().Query(w.ctx, `SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		w.t.Fatal(err)
	}
	var names []string
	for tables.Next() {
		var n string
		if err := tables.Scan(&n); err != nil {
			w.t.Fatal(err)
		}
		names = append(names, n)
	}
	_ = tables.Close()
	var all strings.Builder
	for _, name := range names {
		rows, err := w.st.DB().Query(w.ctx, `SELECT * FROM "`+name+`"`)
		if err != nil {
			w.t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				w.t.Fatal(err)
			}
			for _, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&all, "%s: %v\n", name, v)
			}
		}
		_ = rows.Close()
	}
	return all.String()
}

// dbFiles are the world's SQLite database file and its write-ahead log.
func (w *aidWorld) dbFiles() []string {
	w.t.Helper()
	var seq int
	var name, file string
	if err := w.st.DB().QueryRow(w.ctx, `PRAGMA database_list`).Scan(&seq, &name, &file); err != nil || file == "" {
		w.t.Fatalf("the database's file: %q, %v", file, err)
	}
	return []string{file, file + "-wal"}
}

// After leaving, nothing a member wrote about themself is left in the
// database: their about text, payment details, the reasons of their
// claims, their tokens and sessions. What the others' ledger needs (the
// claim itself, its amounts and states) stays, under the member's ID.
func TestLeaveErasesEverythingPersonal(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid)
	const about, iban, reason = "Gardener-ABOUT-TEXT", "IBAN-DE-SECRET-0000", "chemotherapy-REASON"
	if _, err := w.svc.Members.SetAbout(w.ctx, w.act(sAnn), about); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), iban); err != nil {
		t.Fatal(err)
	}
	w.must(ledger.Op{Kind: ledger.OpKassa, Actor: sBen, Amount: mEUR(50), Circle: aidCircle})
	claim := w.must(ledger.Op{Kind: ledger.OpClaim, Actor: sAnn, Amount: mEUR(30), Text: reason, Circle: aidCircle}).Need.ID
	w.must(ledger.Op{Kind: ledger.OpApprove, Actor: sCid, Need: claim})
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: claim})
	token, _, err := access.New(w.st.Ledger(), w.clock).NewToken(w.ctx, w.act(sAnn), "ci", ledger.ScopeWrite)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{about, iban, reason} {
		if !strings.Contains(w.dumpDB(), s) {
			t.Fatalf("%q is not in the database before leaving: the scan sees nothing", s)
		}
	}

	if _, err := w.svc.Leave(w.ctx, w.act(sAnn)); err != nil {
		t.Fatal(err)
	}
	dump := w.dumpDB()
	for _, s := range []string{about, iban, reason, token, access.HashSecret(token)} {
		if strings.Contains(dump, s) {
			t.Errorf("%q is still in the database after leaving", s)
		}
	}
	// Nor in the files, the write-ahead log included, while the store is
	// open: leaving checkpoints it into the file, where secure_delete
	// zeroed what was erased.
	for _, f := range w.dbFiles() {
		data, err := os.ReadFile(f)
		if err != nil {
			continue // no -wal file at all: nothing in it
		}
		for _, s := range []string{about, iban, reason} {
			if strings.Contains(string(data), s) {
				t.Errorf("%q is still in %s after leaving", s, filepath.Base(f))
			}
		}
	}
	v := w.need(claim)
	if v.Need.Owner != sAnn || v.Need.Target != mEUR(30) || v.Need.Title != "" || len(v.Promises) == 0 {
		t.Fatalf("the claim after ann left: %+v %+v", v.Need, v.Promises)
	}
	// Nobody is left to confirm ben's commitment: it is released.
	if p := v.Promises[0]; p.Giver != sBen || p.Amount != mEUR(30) || p.State != ledger.PromiseReleased {
		t.Fatalf("ben's commitment after ann left: %+v", p)
	}
	// A replay of the recorded ops gives the same erased ledger.
	fresh := w.reopen()
	if got, err := fresh.Aid.Need(w.ctx, claim); err != nil || got.Need.Title != "" {
		t.Fatalf("the claim after a replay: %+v, %v", got, err)
	}
}
