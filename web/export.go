package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
)

// Exports of the ledger, for the API and the pages: a member's own ledger
// and a circle's, as JSON (the API's shapes) or as CSV (RFC 4180: a header
// row, then one row per need and one per promise, the "record" column
// saying which).

// The export formats.
const (
	formatJSON = "json"
	formatCSV  = "csv"
)

// memberExport is a member's own ledger as JSON.
type memberExport struct {
	Member   ledger.UserID `json:"member"`
	Status   *statusJSON   `json:"status"`
	Needs    []needJSON    `json:"needs"`
	Given    []promiseJSON `json:"given"`
	Received []promiseJSON `json:"received"`
}

// circleExport is a circle's ledger as JSON, with its digest.
type circleExport struct {
	Circle   ledger.CircleID `json:"circle"`
	Version  string          `json:"version"`
	Digest   string          `json:"digest"`
	Members  []ledger.UserID `json:"members"`
	Statuses []*statusJSON   `json:"statuses"`
	Needs    []needJSON      `json:"needs"`
	Promises []promiseJSON   `json:"promises"`
}

// writeMemberExport answers a member's own ledger as a file in format
// ("json" or "csv").
func writeMemberExport(w http.ResponseWriter, l *ledger.MemberLedger, format string) {
	name := "exodus-member-" + fileSlug(string(l.Member))
	if format == formatCSV {
		var rows [][]string
		rows = append(rows, needRows(l.Needs)...)
		rows = append(rows, promiseRows(l.Given)...)
		rows = append(rows, promiseRows(l.Received)...)
		writeCSV(w, name, rows)
		return
	}
	if format != formatJSON {
		writeBadFormat(w, format)
		return
	}
	st := l.Status
	st.Member = l.Member
	out := memberExport{Member: l.Member, Status: statusOfMember(st), Needs: needValues(l.Needs),
		Given: promiseValues(l.Given), Received: promiseValues(l.Received)}
	attach(w, name+".json")
	writeJSON(w, http.StatusOK, out)
}

// writeCircleExport answers a circle's ledger as a file in format ("json"
// or "csv").
func writeCircleExport(w http.ResponseWriter, l *ledger.CircleLedger, format string) {
	name := "exodus-circle-" + fileSlug(string(l.Circle))
	if format == formatCSV {
		writeCSV(w, name, append(needRows(l.Needs), promiseRows(l.Promises)...))
		return
	}
	if format != formatJSON {
		writeBadFormat(w, format)
		return
	}
	out := circleExport{Circle: l.Circle, Version: ledger.DigestVersion, Digest: l.Digest(),
		Members: usersOf(l.Members), Statuses: []*statusJSON{}, Needs: needValues(l.Needs), Promises: promiseValues(l.Promises)}
	for i, st := range l.Statuses {
		if st.Member == "" && i < len(l.Members) {
			st.Member = l.Members[i]
		}
		out.Statuses = append(out.Statuses, statusOfMember(st))
	}
	attach(w, name+".json")
	writeJSON(w, http.StatusOK, out)
}

// writeBadFormat refuses an export format that is neither JSON nor CSV.
func writeBadFormat(w http.ResponseWriter, format string) {
	writeJSON(w, http.StatusBadRequest, apiError{Error: apiErrorBody{Code: string(ledger.EInvalid), Key: "api.bad_format",
		Message: trf(ledger.LangEN, "api.bad_format", format)}})
}

func needValues(ns []ledger.Need) []needJSON {
	out := make([]needJSON, len(ns))
	for i := range ns {
		out[i] = needOf(&ns[i])
	}
	return out
}

func promiseValues(ps []ledger.Promise) []promiseJSON {
	out := make([]promiseJSON, len(ps))
	for i := range ps {
		out[i] = promiseOf(&ps[i])
	}
	return out
}

// csvHeader names the columns of a CSV export.
var csvHeader = []string{
	"record", "id", "need", "kind", "state", "owner", "giver", "beneficiary", "amount", "currency", "amount_minor",
	"title", "circle", "report", "deadline", "created_at", "updated_at", "overdue", "period", "cleared",
}

// needRows are the CSV rows of needs: the owner, the target as the amount,
// opened and closed as created and updated.
func needRows(ns []ledger.Need) [][]string {
	rows := make([][]string, len(ns))
	for i, n := range ns {
		rows[i] = []string{"need", string(n.ID), "", string(n.Kind), string(n.State), string(n.Owner), "", "",
			decimal(n.Target), string(n.Target.Currency), strconv.FormatInt(n.Target.Minor, 10),
			n.Title, string(n.Circle), n.Report, timeText(n.Deadline), timeText(n.OpenedAt), timeText(n.ClosedAt),
			"", "", ""}
	}
	return rows
}

// promiseRows are the CSV rows of promises.
func promiseRows(ps []ledger.Promise) [][]string {
	rows := make([][]string, len(ps))
	for i, p := range ps {
		rows[i] = []string{"promise", string(p.ID), string(p.Need), "", string(p.State), "", string(p.Giver), string(p.Beneficiary),
			decimal(p.Amount), string(p.Amount.Currency), strconv.FormatInt(p.Amount.Minor, 10),
			"", "", "", "", timeText(p.CreatedAt), timeText(p.UpdatedAt),
			strconv.FormatBool(p.Overdue), p.Period, strconv.FormatBool(p.Cleared)}
	}
	return rows
}

// decimal renders an amount's number with all its currency's decimals
// ("150.00"), as spreadsheets read it.
func decimal(a ledger.Amount) string {
	exp := a.Exponent()
	sign, m := "", a.Minor
	if m < 0 {
		sign, m = "-", -m
	}
	s := strconv.FormatInt(m, 10)
	if exp == 0 {
		return sign + s
	}
	if len(s) <= exp {
		s = strings.Repeat("0", exp-len(s)+1) + s
	}
	return sign + s[:len(s)-exp] + "." + s[len(s)-exp:]
}

// writeCSV answers rows under the exports' header as a CSV attachment.
func writeCSV(w http.ResponseWriter, name string, rows [][]string) {
	writeCSVTable(w, name, csvHeader, rows)
}

// writeCSVTable answers rows under header as a CSV attachment.
func writeCSVTable(w http.ResponseWriter, name string, header []string, rows [][]string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	attach(w, name+".csv")
	w.WriteHeader(http.StatusOK)
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	for _, row := range rows {
		for i := range row {
			row[i] = csvCell(row[i])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}

// csvCell guards a cell against formula injection: a cell a spreadsheet
// would read as a formula (starting with =, +, -, @, a tab or a carriage
// return) gets a leading apostrophe. Member IDs start with @, so they all
// carry it.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// attach marks an answer as a file to save under name.
func attach(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

// fileSlug makes an ID safe in a file name: letters, digits, '.', '_'
// and '-' kept, anything else '_', leading sigils dropped.
func fileSlug(id string) string {
	id = strings.TrimLeft(id, "@!$#+")
	var sb strings.Builder
	for _, r := range id {
		ok := r == '.' || r == '_' || r == '-' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			r = '_'
		}
		sb.WriteRune(r)
	}
	if sb.Len() == 0 || sb.Len() > 100 {
		return "ledger"
	}
	return sb.String()
}

// apiCircleExport answers a circle's ledger as a file in format.
func (x *exports) apiCircleExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, l, err := x.vis.circleLedger(r)
		if err != nil {
			x.errs.writeError(w, r, err, "")
			return
		}
		writeCircleExport(w, l, format)
	}
}

// apiExport answers the member's own ledger as a file in format.
func (x *exports) apiExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerOf(r.Context())
		l, err := x.aid.MemberLedger(r.Context(), c.Member)
		if err != nil {
			x.errs.writeError(w, r, err, "")
			return
		}
		writeMemberExport(w, l, format)
	}
}

// exportFormat is the format an export's path asks for.
func exportFormat(path string) string {
	if strings.HasSuffix(path, ".json") {
		return "json"
	}
	return "csv"
}

// pageMemberExport serves the member's own ledger as CSV or JSON.
func (x *exports) pageMemberExport(w http.ResponseWriter, r *http.Request, c *caller) {
	l, err := x.aid.MemberLedger(r.Context(), c.Member)
	if err != nil {
		x.view.pageError(w, r, c, err)
		return
	}
	writeMemberExport(w, l, exportFormat(r.URL.Path))
}

// pageCircleExport serves a circle's ledger as CSV or JSON, to its members.
func (x *exports) pageCircleExport(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	circle, err := x.vis.ownCircle(ctx, c.Member, ledger.CircleID(r.PathValue("id")))
	if err != nil {
		x.view.pageError(w, r, c, err)
		return
	}
	l, err := x.aid.CircleLedger(ctx, circle.ID)
	if err != nil {
		x.view.pageError(w, r, c, err)
		return
	}
	writeCircleExport(w, l, exportFormat(r.URL.Path))
}
