package web_test

import (
	"encoding/csv"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

var wantHeader = "record,id,need,kind,state,owner,giver,beneficiary,amount,currency,amount_minor,title,circle,report,deadline,created_at,updated_at,overdue,period,cleared"

// readCSV parses an export and returns its rows by column name.
func readCSV(t *testing.T, r *response) []map[string]string {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Fatalf("content type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="exodus-`) || !strings.HasSuffix(cd, `.csv"`) {
		t.Fatalf("content disposition %q", cd)
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v\n%s", err, r.Body)
	}
	if strings.Join(recs[0], ",") != wantHeader {
		t.Fatalf("header %v", recs[0])
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, col := range recs[0] {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

func TestExportMemberCSV(t *testing.T) {
	h := newHarness(t)
	h.do(ledger.Op{Kind: ledger.OpIntend, Actor: alice, Need: h.need, Amount: eur(20)})
	r := h.expect("GET", "/api/v1/export.csv", h.token(carol, ledger.ScopeRead), "", 200)
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="exodus-member-carol_test.csv"` {
		t.Fatalf("content disposition %q", cd)
	}
	rows := readCSV(t, r)
	if len(rows) != 3 {
		t.Fatalf("rows: %v", rows)
	}
	need := rows[0]
	if need["record"] != "need" || need["id"] != string(h.need) || need["kind"] != "orange" || need["state"] != "open" ||
		need["owner"] != "'@carol:test" || need["amount"] != "150.00" || need["currency"] != "EUR" || need["amount_minor"] != "15000" {
		t.Fatalf("need row: %v", need)
	}
	byGiver := map[string]map[string]string{}
	for _, row := range rows[1:] {
		if row["record"] != "promise" || row["need"] != string(h.need) || row["beneficiary"] != "'@carol:test" || row["state"] != "intention" {
			t.Fatalf("promise row: %v", row)
		}
		byGiver[row["giver"]] = row
	}
	if byGiver["'@bob:test"]["amount"] != "100.00" || byGiver["'@alice:test"]["amount"] != "20.00" || byGiver["'@alice:test"]["overdue"] != "false" {
		t.Fatalf("promise rows: %v", byGiver)
	}
	// Alice's own ledger holds only the promise she gave.
	rows = readCSV(t, h.expect("GET", "/api/v1/export.csv", h.token(alice, ledger.ScopeRead), "", 200))
	if len(rows) != 1 || rows[0]["giver"] != "'@alice:test" || rows[0]["amount_minor"] != "2000" {
		t.Fatalf("alice's rows: %v", rows)
	}
}

func TestExportCircleCSVGuardsFormulas(t *testing.T) {
	h := newHarness(t)
	h.do(ledger.Op{Kind: ledger.OpClaim, Actor: bob, Amount: eur(30), Text: `=HYPERLINK("http://evil")`, Circle: circle})
	rows := readCSV(t, h.expect("GET", circlePath(circle, "/export.csv"), h.token(alice, ledger.ScopeRead), "", 200))
	l, err := h.svc.Aid.CircleLedger(h.ctx, circle)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(l.Needs)+len(l.Promises) || len(l.Needs) != 2 || len(l.Promises) != 1 {
		t.Fatalf("rows %d, ledger %d needs %d promises", len(rows), len(l.Needs), len(l.Promises))
	}
	var titles []string
	for _, row := range rows {
		if row["record"] == "need" && row["kind"] == "claim" {
			titles = append(titles, row["title"])
		}
		for col, v := range row {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
				t.Errorf("column %s starts a formula: %q", col, v)
			}
		}
	}
	if len(titles) != 1 || titles[0] != `'=HYPERLINK("http://evil")` {
		t.Fatalf("claim titles: %q", titles)
	}
}

// memberExportT is a member's export as a client reads it.
type memberExportT struct {
	Member   string
	Status   statusT
	Needs    []needT
	Given    []promiseT
	Received []promiseT
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	if s == "" {
		return time.Time{}
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return v.UTC()
}

func amountBack(a amountT) ledger.Amount {
	return ledger.Amount{Minor: a.Minor, Currency: ledger.Currency(a.Currency)}
}

// needBack and promiseBack rebuild ledger values from an export.
func needBack(t *testing.T, n needT) ledger.Need {
	return ledger.Need{ID: ledger.NeedID(n.ID), Kind: ledger.NeedKind(n.Kind), Owner: ledger.UserID(n.Owner), Target: amountBack(n.Target),
		Deadline: parseTime(t, n.Deadline), State: ledger.NeedState(n.State), OpenedAt: parseTime(t, n.OpenedAt),
		ClosedAt: parseTime(t, n.ClosedAt), ClosedBy: ledger.EventID(n.ClosedBy), Title: n.Title, Circle: ledger.CircleID(n.Circle),
		Report: n.Report, ReachedAt: parseTime(t, n.ReachedAt), FundedAt: parseTime(t, n.FundedAt)}
}

func promiseBack(t *testing.T, p promiseT) ledger.Promise {
	return ledger.Promise{ID: ledger.PromiseID(p.ID), Need: ledger.NeedID(p.Need), Giver: ledger.UserID(p.Giver),
		Beneficiary: ledger.UserID(p.Beneficiary), Amount: amountBack(p.Amount), State: ledger.PromiseState(p.State),
		CreatedAt: parseTime(t, p.CreatedAt), UpdatedAt: parseTime(t, p.UpdatedAt), CommittedAt: parseTime(t, p.CommittedAt), Overdue: p.Overdue, Period: p.Period,
		Renewed: p.Renewed, Cleared: p.Cleared, SentMinor: amountBack(p.Sent).Minor, GotMinor: amountBack(p.Confirmed).Minor}
}

// inUTC is a need with its times in UTC, as an export writes them.
func inUTC(n ledger.Need) ledger.Need {
	for _, tp := range []*time.Time{&n.Deadline, &n.OpenedAt, &n.ClosedAt, &n.ReachedAt, &n.FundedAt} {
		if !tp.IsZero() {
			*tp = tp.UTC()
		}
	}
	return n
}

// exported is a promise as an export holds it: without the event that
// last changed it and the reaction that set it, times in UTC.
func exported(p ledger.Promise) ledger.Promise {
	p.Reaction, p.UpdatedBy = "", ""
	p.SentMinor, p.GotMinor = p.SentSoFar().Minor, p.Delivered().Minor // exported as what they mean
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	if !p.CommittedAt.IsZero() {
		p.CommittedAt = p.CommittedAt.UTC()
	}
	return p
}

func TestExportMemberJSONRoundTrips(t *testing.T) {
	h := newHarness(t)
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: h.need})
	h.do(ledger.Op{Kind: ledger.OpIntend, Actor: alice, Need: h.need, Amount: eur(20)})
	h.do(ledger.Op{Kind: ledger.OpSent, Actor: bob, Need: h.need})
	h.do(ledger.Op{Kind: ledger.OpKassa, Actor: carol, Circle: circle, Amount: eur(15)})
	r := h.expect("GET", "/api/v1/export.json", h.token(carol, ledger.ScopeRead), "", 200)
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="exodus-member-carol_test.json"` {
		t.Fatalf("content disposition %q", cd)
	}
	got := decodeAs[memberExportT](t, r)
	want, err := h.svc.Aid.MemberLedger(h.ctx, carol)
	if err != nil {
		t.Fatal(err)
	}
	back := ledger.MemberLedger{Member: ledger.UserID(got.Member), Status: ledger.MemberStatus{Member: ledger.UserID(got.Status.Member),
		Status: ledger.Status(got.Status.Status), Previous: ledger.Status(got.Status.Previous), Need: ledger.NeedID(got.Status.Need),
		ChangedAt: parseTime(t, got.Status.ChangedAt)}}
	for _, k := range got.Status.KassaMaxima {
		back.Status.Kassa = append(back.Status.Kassa, ledger.KassaMax{Circle: ledger.CircleID(k.Circle), Max: amountBack(k.Max)})
	}
	for _, n := range got.Needs {
		back.Needs = append(back.Needs, needBack(t, n))
	}
	for _, p := range got.Given {
		back.Given = append(back.Given, promiseBack(t, p))
	}
	for _, p := range got.Received {
		back.Received = append(back.Received, promiseBack(t, p))
	}
	norm := *want
	norm.Status.ChangedAt = norm.Status.ChangedAt.UTC()
	norm.Needs, norm.Received = nil, nil
	for _, n := range want.Needs {
		norm.Needs = append(norm.Needs, inUTC(n))
	}
	for _, p := range want.Received {
		norm.Received = append(norm.Received, exported(p))
	}
	if !reflect.DeepEqual(back, norm) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", back, norm)
	}
	if len(back.Received) != 2 || len(back.Status.Kassa) != 1 || back.Status.Kassa[0] != (ledger.KassaMax{Circle: circle, Max: eur(15)}) ||
		back.Received[0].State == back.Received[1].State {
		t.Fatalf("carol's ledger: %+v", back)
	}
}

func TestExportCircleJSONCarriesTheDigest(t *testing.T) {
	h := newHarness(t)
	r := h.expect("GET", circlePath(circle, "/export.json"), h.token(bob, ledger.ScopeRead), "", 200)
	got := decodeAs[struct {
		Circle   string
		Version  string
		Digest   string
		Members  []string
		Statuses []statusT
		Needs    []needT
		Promises []promiseT
	}](t, r)
	l, err := h.svc.Aid.CircleLedger(h.ctx, circle)
	if err != nil {
		t.Fatal(err)
	}
	if got.Circle != string(circle) || got.Version != ledger.DigestVersion || got.Digest != l.Digest() ||
		len(got.Members) != 3 || len(got.Statuses) != 3 || got.Statuses[2].Status != "orange" {
		t.Fatalf("circle export: %+v", got)
	}
	for i, n := range got.Needs {
		if !reflect.DeepEqual(needBack(t, n), inUTC(l.Needs[i])) {
			t.Fatalf("need %d: %+v", i, n)
		}
	}
	for i, p := range got.Promises {
		if !reflect.DeepEqual(promiseBack(t, p), exported(l.Promises[i])) {
			t.Fatalf("promise %d: %+v", i, p)
		}
	}
}

func TestDigestAgreesAndChanges(t *testing.T) {
	h := newHarness(t)
	type digestT struct {
		Circle, Version, Digest  string
		Members, Needs, Promises int
	}
	path := circlePath(circle, "/digest")
	at, bt := h.token(alice, ledger.ScopeRead), h.token(bob, ledger.ScopeRead)
	first := decodeAs[digestT](t, h.expect("GET", path, at, "", 200))
	want := digestT{Circle: string(circle), Version: ledger.DigestVersion, Members: 3, Needs: 1, Promises: 1}
	l, err := h.svc.Aid.CircleLedger(h.ctx, circle)
	if err != nil {
		t.Fatal(err)
	}
	want.Digest = l.Digest()
	if first != want || !strings.HasPrefix(first.Digest, "sha256:") || len(first.Digest) != len("sha256:")+64 {
		t.Fatalf("digest %+v, want %+v", first, want)
	}
	if again := decodeAs[digestT](t, h.expect("GET", path, bt, "", 200)); again != first {
		t.Fatalf("the same state gave %+v, then %+v", first, again)
	}
	h.do(ledger.Op{Kind: ledger.OpIntend, Actor: alice, Need: h.need, Amount: eur(20)})
	changed := decodeAs[digestT](t, h.expect("GET", path, at, "", 200))
	if changed.Digest == first.Digest || changed.Promises != 2 {
		t.Fatalf("after a change: %+v", changed)
	}
	h.expectError("GET", path, h.token(dave, ledger.ScopeRead), "", 403, "api.not_member")
}
