package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
)

// funcs are the template functions.
var funcs = template.FuncMap{
	"t":          func(l ledger.Lang, key string, args ...any) string { return trf(l, key, args...) },
	"money":      money,
	"moneys":     moneys,
	"who":        func(u ledger.UserID) string { return u.Localpart() },
	"needHref":   needHref,
	"circleHref": circleHref,
	"icon":       promiseIcon,
	"light":      lightIcon,
	"dict":       dict,
}

// dict makes a map of its arguments, key then value, for a shared
// template part that needs more than one.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict needs pairs, got %d arguments", len(kv))
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict key %v is no string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// Kept is a field's value of a refused form named form, to fill it again
// ("" for any other form).
func (d *pageData) Kept(form, field string) string {
	if d.Form == nil || d.Form.Get("form") != form {
		return ""
	}
	return d.Form.Get(field)
}

// note is a refused form's message, status and values.
type note struct {
	msg    string
	err    bool
	status int
	form   url.Values
}

// localPath returns p if it is a path of this site, else fallback: a form's
// "back" field or the language switch's must not send the member
// elsewhere. Browsers read a backslash as a slash and drop tabs and line
// breaks ("/\t/evil" is "//evil"), so any of these is refused too.
func localPath(p, fallback string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") ||
		strings.IndexFunc(p, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }) >= 0 {
		return fallback
	}
	return p
}

// backOf is where a form returns to: its "back" field if local, else
// fallback.
func backOf(r *http.Request, fallback string) string {
	return localPath(r.PostForm.Get("back"), fallback)
}

// withDone adds ?done=key to a path: the page then says what was done.
func withDone(p, key string) string {
	u, err := url.Parse(p)
	if err != nil {
		return p
	}
	q := u.Query()
	q.Set("done", key)
	u.RawQuery = q.Encode()
	return u.RequestURI()
}

// again shows the page at back once more, with the form's values and a
// refusal: nothing changed.
func (s *forms) again(w http.ResponseWriter, r *http.Request, c *caller, back, msg string, status int) {
	u, err := url.Parse(back)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	shown := *s.pages
	shown.note = &note{msg: msg, err: true, status: status, form: r.PostForm}
	views := shown.viewMux()
	r2 := r.Clone(r.Context())
	r2.Method, r2.URL, r2.RequestURI, r2.Body = http.MethodGet, u, u.RequestURI(), http.NoBody
	if _, pattern := views.Handler(r2); pattern == "" {
		s.view.render(w, r, "error", &pageData{Title: "error.title", Flash: msg, Error: true, Status: status})
		return
	}
	views.ServeHTTP(w, r2)
}

// refuse shows the form's page again with the explanation of err.
func (s *forms) refuse(w http.ResponseWriter, r *http.Request, c *caller, back string, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		logOf(r).Error().Err(err).Str("path", r.URL.Path).Msg("Failed to carry out a form")
	}
	s.again(w, r, c, back, s.errs.errorMessage(c.Lang, err), status)
}

// act carries out a member's action through the actor, as the chat
// would, then returns to back: with done's message if it was done, or
// with the form and the refusal if not.
func (s *forms) act(w http.ResponseWriter, r *http.Request, c *caller, back, done string, req ledger.Request) {
	req.Member, req.Lang = c.Member, c.Lang
	reply, err := s.actor.Act(r.Context(), req)
	if err == nil {
		logOf(r).Debug().Str("member", string(c.Member)).Str("verb", string(req.Command.Verb)).Msg("Carried out a web action")
		http.Redirect(w, r, withDone(back, done), http.StatusSeeOther)
		return
	}
	status := statusOf(err)
	if status == http.StatusInternalServerError || reply == nil || reply.Text == "" {
		s.refuse(w, r, c, back, err)
		return
	}
	s.again(w, r, c, back, reply.Text, status)
}

// formAmount reads an amount field; empty is the zero amount unless the
// field is required.
func formAmount(r *http.Request, field string, def ledger.Currency, required bool) (ledger.Amount, error) {
	text := strings.TrimSpace(r.PostForm.Get(field))
	if text == "" {
		if required {
			return ledger.Amount{}, ledger.Errorf(ledger.EInvalid, "form.amount_missing")
		}
		return ledger.Amount{}, nil
	}
	return ledger.ParseAmount(text, def)
}

// formText reads a free text field as the chat's parser checks one: no
// control characters but line breaks and tabs, no bidi overrides, at most
// max characters.
func formText(r *http.Request, field string, max int, required bool) (string, error) {
	text := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get(field), "\r\n", "\n"))
	switch {
	case text == "" && required:
		return "", ledger.Errorf(ledger.EInvalid, "form.text_missing")
	case !utf8.ValidString(text) || strings.IndexFunc(text, formBadRune) >= 0:
		return "", ledger.Errorf(ledger.EInvalid, "cmd.bad_text")
	case utf8.RuneCountInString(text) > max:
		return "", ledger.Errorf(ledger.EInvalid, "cmd.text_too_long", max)
	}
	return text, nil
}

// formBadRune is a character a free text may not hold (as in chat).
func formBadRune(r rune) bool {
	if r == '\n' || r == '\r' || r == '\t' {
		return false
	}
	return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// formIndex reads a 1-based number field from 1 to max.
func formIndex(r *http.Request, field string, max int) (int, error) {
	text := strings.TrimSpace(r.PostForm.Get(field))
	n, err := strconv.Atoi(text)
	if err != nil || n < 1 || n > max {
		return 0, ledger.Errorf(ledger.EInvalid, "cmd.bad_index", text, max)
	}
	return n, nil
}

// money renders an amount with all its decimals: "100.00 EUR".
func money(a ledger.Amount) string {
	if a.Currency == "" {
		return "—"
	}
	exp := a.Exponent()
	sign, m := "", a.Minor
	if m < 0 {
		sign, m = "-", -m
	}
	if exp == 0 {
		return fmt.Sprintf("%s%d %s", sign, m, a.Currency)
	}
	div := int64(1)
	for range exp {
		div *= 10
	}
	return fmt.Sprintf("%s%d.%0*d %s", sign, m/div, exp, m%div, a.Currency)
}

// moneys renders amounts in several currencies: "100.00 EUR + 5.00 USD".
func moneys(as []ledger.Amount) string {
	if len(as) == 0 {
		return "—"
	}
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = money(a)
	}
	return strings.Join(parts, " + ")
}

// sum adds up the amounts of promises per currency, in order of
// appearance.
func sum(ps []*ledger.Promise) []ledger.Amount {
	var out []ledger.Amount
	for _, p := range ps {
		i := slices.IndexFunc(out, func(a ledger.Amount) bool { return a.Currency == p.Amount.Currency })
		if i < 0 {
			out = append(out, ledger.Amount{Currency: p.Amount.Currency})
			i = len(out) - 1
		}
		out[i].Minor += p.Amount.Minor
	}
	return out
}

// needHref is the page of a need (initiatives have their own).
func needHref(id ledger.NeedID, k ledger.NeedKind) string {
	if k == ledger.NeedInitiative {
		return "/initiatives/" + url.PathEscape(string(id))
	}
	return "/needs/" + url.PathEscape(string(id))
}

// circleHref is the page of a circle.
func circleHref(id ledger.CircleID) string {
	return "/circles/" + url.PathEscape(string(id))
}

// promiseIcon is the symbol of a promise state, as in chat.
func promiseIcon(s ledger.PromiseState) string {
	switch s {
	case ledger.PromiseIntention:
		return "❤️"
	case ledger.PromiseCommitment:
		return "🤝"
	case ledger.PromiseSent:
		return "📤"
	case ledger.PromiseFulfilled:
		return "👍"
	case ledger.PromiseForgiven:
		return "🕊"
	}
	return "·"
}

// lightIcon is the traffic light of a status or need kind.
func lightIcon(s string) string {
	switch s {
	case string(ledger.StatusOrange):
		return "🟠"
	case string(ledger.StatusRed):
		return "🔴"
	case string(ledger.NeedInitiative):
		return "💡"
	case string(ledger.NeedClaim):
		return "🏦"
	}
	return "🟢"
}

// step5 is part of whole in percent, rounded down to a multiple of 5, from
// 0 to 100: the width class of a bar.
func step5(part, whole int64) int {
	if whole <= 0 || part <= 0 {
		return 0
	}
	if part >= whole {
		return 100
	}
	return int(part*100/whole) / 5 * 5
}

// loc is the time zone of the cycle: dates are shown in it.
func (s *pages) loc() *time.Location {
	if l := s.svc.Config().Cycle.Location; l != nil {
		return l
	}
	return time.UTC
}

// day renders a time's date in the cycle's time zone ("" if zero).
func (s *pages) day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.loc()).Format("2006-01-02")
}

// viewer is what a member may see, on the pages and in the API alike:
// their circles and the members who share one with them.
//
// The visibility rule of needs: a member sees their own needs, the
// personal needs of their circle mates, the initiatives and claims posted
// in their circles (not those a circle mate posted in a circle they are
// not in: its card is only in that room), and any need they hold a
// promise toward. Any other need is answered as not found, as if it did
// not exist.
type viewer struct {
	me      ledger.UserID
	circles []ledger.CircleID
	peers   map[ledger.UserID]bool
	members map[ledger.CircleID][]ledger.UserID
}

// viewerOf returns what u may see.
func (s *visibility) viewerOf(ctx context.Context, u ledger.UserID) (*viewer, error) {
	cs, err := s.svc.CirclesOf(ctx, u)
	if err != nil {
		return nil, err
	}
	rc := &viewer{me: u, circles: cs, peers: map[ledger.UserID]bool{u: true}, members: map[ledger.CircleID][]ledger.UserID{}}
	for _, c := range cs {
		ms, err := s.svc.CircleMembers(ctx, c)
		if err != nil {
			return nil, err
		}
		rc.members[c] = ms
		for _, m := range ms {
			rc.peers[m] = true
		}
	}
	return rc, nil
}

// in reports whether the member is in circle c.
func (rc *viewer) in(c ledger.CircleID) bool { return c != "" && slices.Contains(rc.circles, c) }

// sees reports whether the member may open need n: their own, a personal
// need of a member who shares a circle with them, or an initiative or
// claim posted in their circle (one posted in another circle is that
// circle's only, as its card is).
func (rc *viewer) sees(n *ledger.Need) bool {
	return n.Owner == rc.me || (n.Circle == "" && rc.peers[n.Owner]) || rc.in(n.Circle)
}

// seesAny reports whether the member may see need n by the whole rule:
// sees, or they hold a promise toward it.
func (rc *viewer) seesAny(b *ledger.Book, n *ledger.Need) bool {
	if rc.sees(n) {
		return true
	}
	for _, p := range b.PromisesToward(n.ID) {
		if p.Giver == rc.me {
			return true
		}
	}
	return false
}

// needCard is a need as a list shows it: its figures and a bar.
type needCard struct {
	ID     ledger.NeedID
	Href   string
	Kind   ledger.NeedKind
	State  ledger.NeedState
	Owner  ledger.UserID
	Mine   bool
	Title  string
	Circle ledger.CircleID
	ledger.Totals
	// Promised is what intentions and commitments together promise.
	Promised ledger.Amount
	Deadline string
	// DaysLeft is the whole days until the deadline (initiatives, red).
	DaysLeft int
	// CommittedW and IntendedW are the widths of the bar's parts, in
	// steps of 5%; Percent is what is promised, of the target.
	CommittedW, IntendedW, Percent int
}

// cardOf builds the card of need n from the book.
func (s *pages) cardOf(b *ledger.Book, n *ledger.Need, me ledger.UserID) needCard {
	t := b.TotalsOf(n.ID)
	promised := ledger.Amount{Minor: t.Intended.Minor + t.Committed.Minor, Currency: n.Target.Currency}
	nc := needCard{ID: n.ID, Href: needHref(n.ID, n.Kind), Kind: n.Kind, State: n.State, Owner: n.Owner,
		Mine: n.Owner == me, Title: n.Title, Circle: n.Circle, Totals: t, Promised: promised, Deadline: s.day(n.Deadline)}
	if !n.Deadline.IsZero() {
		if left := n.Deadline.Sub(s.svc.Now()); left > 0 {
			nc.DaysLeft = int((left + 24*time.Hour - 1) / (24 * time.Hour))
		}
	}
	nc.CommittedW = step5(t.Committed.Minor, t.Target.Minor)
	nc.IntendedW = step5(promised.Minor, t.Target.Minor) - nc.CommittedW
	if t.Target.Minor > 0 {
		nc.Percent = int(promised.Minor * 100 / t.Target.Minor)
	}
	return nc
}
