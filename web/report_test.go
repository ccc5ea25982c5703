package web_test

import (
	"encoding/csv"
	"net/url"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// figuresT are a report's figures as a client reads them.
type figuresT struct {
	Commitments, Fulfilled, Overdue int
	Values                          []struct {
		Committed, Confirmed amountT
		Percent              int
	}
}

// reportT is a monthly report as a client reads it.
type reportT struct {
	Month, Member, Circle string
	Given, Received       figuresT
	Members               []struct {
		Member          string
		Given, Received figuresT
	}
}

// TestAPIReportOfAMember: bob gave one commitment of 100, fulfilled;
// carol received two, one fulfilled, 100 of 150 confirmed; a month before
// has nothing; a month to come or malformed is refused.
func TestAPIReportOfAMember(t *testing.T) {
	h := newHarness(t)
	healthHistory(h)
	bobs := decodeAs[reportT](t, h.expect("GET", "/api/v1/report", h.token(bob, ledger.ScopeRead), "", 200))
	if bobs.Month != "2026-11" || bobs.Member != string(bob) || bobs.Given.Commitments != 1 || bobs.Given.Fulfilled != 1 ||
		len(bobs.Given.Values) != 1 || bobs.Given.Values[0].Confirmed.Minor != 10000 || bobs.Received.Commitments != 0 {
		t.Errorf("bob's report %+v", bobs)
	}
	tok := h.token(carol, ledger.ScopeRead)
	carols := decodeAs[reportT](t, h.expect("GET", "/api/v1/report?month=2026-11", tok, "", 200))
	if carols.Received.Commitments != 2 || carols.Received.Fulfilled != 1 || carols.Received.Overdue != 0 ||
		carols.Received.Values[0].Committed.Minor != 15000 || carols.Received.Values[0].Confirmed.Minor != 10000 {
		t.Errorf("carol's report %+v", carols)
	}
	if oct := decodeAs[reportT](t, h.expect("GET", "/api/v1/report?month=2026-10", tok, "", 200)); oct.Received.Commitments != 0 || len(oct.Received.Values) != 0 {
		t.Errorf("October %+v", oct)
	}
	for _, bad := range []string{"2026-12", "2026-13", "november", strings.Repeat("9", 500)} {
		r := h.expect("GET", "/api/v1/report?month="+url.QueryEscape(bad), tok, "", 400)
		if !strings.Contains(r.Body, `"report.`) {
			t.Errorf("month %q: %s", bad, r.Body)
		}
	}
}

// TestAPIReportOfACircle: the circle's total and a line per member; a
// member of another circle is refused.
func TestAPIReportOfACircle(t *testing.T) {
	h := newHarness(t)
	healthHistory(h)
	got := decodeAs[reportT](t, h.expect("GET", circlePath(circle, "/report"), h.token(alice, ledger.ScopeRead), "", 200))
	if got.Circle != string(circle) || got.Given.Commitments != 2 || got.Given.Fulfilled != 1 {
		t.Fatalf("the circle's report %+v", got)
	}
	rows := map[string]int{}
	for _, m := range got.Members {
		rows[m.Member+" gave"], rows[m.Member+" received"] = m.Given.Commitments, m.Received.Commitments
	}
	if rows[string(bob)+" gave"] != 1 || rows[string(alice)+" gave"] != 1 || rows[string(carol)+" received"] != 2 || rows[string(bob)+" received"] != 0 {
		t.Errorf("the members' lines %v", rows)
	}
	if r := h.expect("GET", circlePath(circle, "/report"), h.token(dave, ledger.ScopeRead), "", 403); strings.Contains(r.Body, `"members"`) {
		t.Errorf("dave, not a member, got the circle's report: %d %s", r.StatusCode, r.Body)
	}
}

// TestReportCSV: a row per member, direction and currency, the amounts as
// spreadsheets read them, member IDs guarded against formulas.
func TestReportCSV(t *testing.T) {
	h := newHarness(t)
	healthHistory(h)
	r := h.expect("GET", circlePath(circle, "/report.csv"), h.token(alice, ledger.ScopeRead), "", 200)
	if ct, cd := r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || !strings.HasPrefix(cd, `attachment; filename="exodus-report-2026-11-`) {
		t.Fatalf("content type %q, disposition %q", ct, cd)
	}
	recs, err := csv.NewReader(strings.NewReader(r.Body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0], ","); got != "month,circle,member,direction,commitments,fulfilled,overdue,currency,committed,confirmed" {
		t.Fatalf("header %s", got)
	}
	lines := map[string]string{}
	for _, rec := range recs[1:] {
		lines[rec[2]+" "+rec[3]] = strings.Join(rec[4:], ",")
	}
	for key, want := range map[string]string{
		" circle":               "2,1,0,EUR,150.00,100.00",
		"'@bob:test given":      "1,1,0,EUR,100.00,100.00",
		"'@carol:test received": "2,1,0,EUR,150.00,100.00",
		"'@alice:test received": "0,0,0,,,",
	} {
		if lines[key] != want {
			t.Errorf("%q: %q, want %q (all: %v)", key, lines[key], want, lines)
		}
	}
}

// TestReportPageShowsTheFigures: a member's page shows what they gave and
// received, in their language; a circle's page a line per member; the
// page's JSON export holds the same.
func TestReportPageShowsTheFigures(t *testing.T) {
	h := newHarness(t)
	healthHistory(h)
	p := h.login(bob).get("/report")
	for _, want := range []string{"My report for 2026-11", `<tr id="report-given" data-direction="given"><th scope="row">Given</th><td class="num">1</td><td class="num">1</td><td class="num">0</td><td>€100 of €100</td></tr>`,
		`<tr id="report-received" data-direction="received"><th scope="row">Received</th><td class="num">0</td><td class="num">0</td><td class="num">0</td><td>—</td></tr>`,
		`href="/report.csv?month=2026-11"`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("bob's page lacks %q:\n%s", want, p.Body)
		}
	}
	ru := h.login(carol)
	ru.get("/lang?lang=ru")
	if p := ru.get("/report?month=2026-11"); !strings.Contains(p.Body, "Мой отчёт за 2026-11") || !strings.Contains(p.Body, "<td>100\u00a0€ из 150\u00a0€</td>") {
		t.Errorf("carol's page in Russian:\n%s", p.Body)
	}
	c := h.login(alice).get("/circles/" + url.PathEscape(string(circle)) + "/report")
	for _, want := range []string{`data-member="@bob:test" data-direction="given"><th scope="row">@bob:test gave</th><td class="num">1</td><td class="num">1</td>`,
		`data-member="@carol:test" data-direction="received"><th scope="row">@carol:test received</th><td class="num">2</td><td class="num">1</td><td class="num">0</td><td>€100 of €150</td>`} {
		if !strings.Contains(c.Body, want) {
			t.Errorf("the circle's page lacks %q:\n%s", want, c.Body)
		}
	}
	if circ := h.login(alice).get("/circles/" + url.PathEscape(string(circle))); !strings.Contains(circ.Body, `id="circle-report">This month&#39;s report</a>`) {
		t.Errorf("the circle's page does not link to its report:\n%s", circ.Body)
	}
	if strings.Contains(c.Body, `data-member="@dave:test"`) {
		t.Errorf("dave has a line on a circle he is not in")
	}
	if j := h.login(bob).get("/report.json?month=2026-11"); !strings.Contains(j.Body, `"fulfilled": 1`) || !strings.Contains(j.Body, `"month": "2026-11"`) {
		t.Errorf("the page's JSON export: %d %s", j.StatusCode, j.Body)
	}
	if p := h.login(bob).get("/report?month=2027-01"); p.StatusCode != 400 || !strings.Contains(p.Body, "report.future") {
		t.Errorf("a month to come: %d\n%s", p.StatusCode, p.Body)
	}
}
