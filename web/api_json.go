package web

import (
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// This file holds the JSON shapes of the API (described under
// components/schemas in openapi.json) and the functions that fill them
// from ledger values. Amounts are exact: integer minor units with their
// currency, plus the text the chat shows. Times are RFC 3339 in UTC,
// left out when zero.

// amountJSON is an amount of money.
type amountJSON struct {
	Minor    int64           `json:"minor"`
	Currency ledger.Currency `json:"currency"`
	Text     string          `json:"text"`
}

func amountOf(a ledger.Amount) amountJSON {
	return amountJSON{Minor: a.Minor, Currency: a.Currency, Text: a.String()}
}

// amountPtr is an amount, or nil when it is zero and has no currency.
func amountPtr(a ledger.Amount) *amountJSON {
	if a.IsZero() && a.Currency == "" {
		return nil
	}
	j := amountOf(a)
	return &j
}

// amountsOf renders a list of amounts; never nil, so it is [] in JSON.
func amountsOf(as []ledger.Amount) []amountJSON {
	out := make([]amountJSON, len(as))
	for i, a := range as {
		out[i] = amountOf(a)
	}
	return out
}

// timeText renders a time as RFC 3339 in UTC, "" when zero.
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// progressJSON is a need's progress as the ledger defines it
// (ledger.Progress), the same the chat card and the web pages show.
type progressJSON struct {
	Target          amountJSON `json:"target"`
	Intended        amountJSON `json:"intended"`
	Committed       amountJSON `json:"committed"`
	Confirmed       amountJSON `json:"confirmed"`
	Missing         amountJSON `json:"missing"`
	Givers          int        `json:"givers"`
	Percent         int        `json:"percent"`
	PercentPromised int        `json:"percent_promised"`
	LastDay         string     `json:"last_day,omitempty"`
}

func progressOf(p ledger.Progress) *progressJSON {
	j := &progressJSON{Target: amountOf(p.Target), Intended: amountOf(p.Intended), Committed: amountOf(p.Committed),
		Confirmed: amountOf(p.Confirmed), Missing: amountOf(p.Missing), Givers: p.Givers,
		Percent: p.Percent, PercentPromised: p.PercentPromised}
	if !p.LastDay.IsZero() {
		j.LastDay = p.LastDay.Format("2006-01-02")
	}
	return j
}

// needJSON is a need; Progress and Promises are set where the route says.
type needJSON struct {
	ID        ledger.NeedID    `json:"id"`
	Kind      ledger.NeedKind  `json:"kind"`
	Owner     ledger.UserID    `json:"owner"`
	State     ledger.NeedState `json:"state"`
	Target    amountJSON       `json:"target"`
	Title     string           `json:"title,omitempty"`
	Circle    ledger.CircleID  `json:"circle,omitempty"`
	Report    string           `json:"report,omitempty"`
	Deadline  string           `json:"deadline,omitempty"`
	OpenedAt  string           `json:"opened_at,omitempty"`
	ClosedAt  string           `json:"closed_at,omitempty"`
	ClosedBy  ledger.EventID   `json:"closed_by,omitempty"`
	ReachedAt string           `json:"reached_at,omitempty"`
	FundedAt  string           `json:"funded_at,omitempty"`
	Progress  *progressJSON    `json:"progress,omitempty"`
	Promises  []promiseJSON    `json:"promises,omitempty"`
}

func needOf(n *ledger.Need) needJSON {
	return needJSON{ID: n.ID, Kind: n.Kind, Owner: n.Owner, State: n.State, Target: amountOf(n.Target),
		Title: n.Title, Circle: n.Circle, Report: n.Report, Deadline: timeText(n.Deadline),
		OpenedAt: timeText(n.OpenedAt), ClosedAt: timeText(n.ClosedAt), ClosedBy: n.ClosedBy,
		ReachedAt: timeText(n.ReachedAt), FundedAt: timeText(n.FundedAt)}
}

// needViewOf is a need with its figures and its promises.
func needViewOf(v *ledger.NeedView) *needJSON {
	j := needOf(v.Need)
	j.Progress = progressOf(v.Progress)
	j.Promises = promisesOf(v.Promises)
	if j.Promises == nil {
		j.Promises = []promiseJSON{}
	}
	return &j
}

// promiseJSON is a promise.
type promiseJSON struct {
	ID          ledger.PromiseID    `json:"id"`
	Need        ledger.NeedID       `json:"need"`
	Giver       ledger.UserID       `json:"giver"`
	Beneficiary ledger.UserID       `json:"beneficiary"`
	Amount      amountJSON          `json:"amount"`
	State       ledger.PromiseState `json:"state"`
	Overdue     bool                `json:"overdue"`
	Period      string              `json:"period,omitempty"`
	Renewed     bool                `json:"renewed"`
	Cleared     bool                `json:"cleared"`
	CreatedAt   string              `json:"created_at,omitempty"`
	UpdatedAt   string              `json:"updated_at,omitempty"`
	// CommittedAt is when it first became a commitment (none if never).
	CommittedAt string `json:"committed_at,omitempty"`
	// Sent and Confirmed are what of it was sent and confirmed (a partial
	// fulfilment sends and confirms it in parts); Owed what is still owed.
	Sent      amountJSON `json:"sent"`
	Confirmed amountJSON `json:"confirmed"`
	Owed      amountJSON `json:"owed"`
}

func promiseOf(p *ledger.Promise) promiseJSON {
	return promiseJSON{ID: p.ID, Need: p.Need, Giver: p.Giver, Beneficiary: p.Beneficiary, Amount: amountOf(p.Amount),
		State: p.State, Overdue: p.Overdue, Period: p.Period, Renewed: p.Renewed, Cleared: p.Cleared,
		CreatedAt: timeText(p.CreatedAt), UpdatedAt: timeText(p.UpdatedAt), CommittedAt: timeText(p.CommittedAt),
		Sent: amountOf(p.SentSoFar()), Confirmed: amountOf(p.Delivered()), Owed: amountOf(p.Rest())}
}

// promisesOf renders promises; never nil.
func promisesOf(ps []*ledger.Promise) []promiseJSON {
	out := make([]promiseJSON, len(ps))
	for i, p := range ps {
		out[i] = promiseOf(p)
	}
	return out
}

// statusJSON is a member's traffic light.
type statusJSON struct {
	Member    ledger.UserID `json:"member"`
	Status    ledger.Status `json:"status"`
	Previous  ledger.Status `json:"previous,omitempty"`
	Need      ledger.NeedID `json:"need,omitempty"`
	ChangedAt string        `json:"changed_at,omitempty"`
	// KassaMaxima are the kassa maxima the member declared, by circle (in
	// a circle's listing, those that apply there only).
	KassaMaxima []kassaMaxJSON `json:"kassa_maxima,omitempty"`
}

// kassaMaxJSON is a monthly maximum declared for a circle's kassa; Circle
// is left out for one declared before maxima were per circle.
type kassaMaxJSON struct {
	Circle ledger.CircleID `json:"circle,omitempty"`
	Max    amountJSON      `json:"max"`
}

func statusOfMember(st ledger.MemberStatus) *statusJSON {
	if st.Status == "" {
		st.Status = ledger.StatusGreen
	}
	j := &statusJSON{Member: st.Member, Status: st.Status, Previous: st.Previous, Need: st.Need,
		ChangedAt: timeText(st.ChangedAt)}
	for _, k := range st.Kassa {
		j.KassaMaxima = append(j.KassaMaxima, kassaMaxJSON{Circle: k.Circle, Max: amountOf(k.Max)})
	}
	return j
}

// circleJSON is a circle; Members is set on the circle's own route.
type circleJSON struct {
	ID        ledger.CircleID `json:"id"`
	Name      string          `json:"name"`
	Pledge    amountJSON      `json:"pledge"`
	Lang      ledger.Lang     `json:"lang"`
	Owner     ledger.UserID   `json:"owner"`
	CoOwners  []ledger.UserID `json:"co_owners,omitempty"`
	CreatedAt string          `json:"created_at,omitempty"`
	Size      int             `json:"size"`
	Members   []*statusJSON   `json:"members,omitempty"`
}

func circleOf(c *ledger.Circle, size int) *circleJSON {
	return &circleJSON{ID: c.ID, Name: c.Name, Pledge: amountOf(c.Pledge), Lang: c.Lang, Owner: c.Owner,
		CreatedAt: timeText(c.CreatedAt), Size: size}
}

// requisiteJSON is one of a member's payment details.
type requisiteJSON struct {
	Index   int    `json:"index"`
	Text    string `json:"text"`
	Default bool   `json:"default"`
}

// profileJSON is what a member tells about themself, and their settings.
type profileJSON struct {
	Member     ledger.UserID       `json:"member"`
	About      string              `json:"about"`
	Lang       ledger.Lang         `json:"lang"`
	TimeZone   string              `json:"timezone"`
	Requisites []requisiteJSON     `json:"requisites"`
	Muted      []ledger.NoticeKind `json:"muted"`
	Notices    []ledger.NoticeKind `json:"notices"`
}

func profileOf(p *ledger.Profile, l ledger.Lang) *profileJSON {
	j := &profileJSON{Member: p.Member, About: p.About, Lang: l, TimeZone: p.TimeZone, Requisites: []requisiteJSON{},
		Muted: append([]ledger.NoticeKind{}, p.Muted...), Notices: ledger.NoticeKinds}
	for i, q := range p.Requisites {
		j.Requisites = append(j.Requisites, requisiteJSON{Index: i + 1, Text: q.Text, Default: q.Default})
	}
	return j
}

// actionJSON answers a write: the bot's answer, where it posted the
// action, and the fresh state of what changed.
type actionJSON struct {
	Message string           `json:"message"`
	Room    ledger.RoomID    `json:"room,omitempty"`
	Event   ledger.EventID   `json:"event,omitempty"`
	Need    *needJSON        `json:"need,omitempty"`
	Status  *statusJSON      `json:"status,omitempty"`
	Profile *profileJSON     `json:"profile,omitempty"`
	Blocked *bool            `json:"blocked,omitempty"`
	Command *ledger.Verb     `json:"command,omitempty"`
	Cycle   *clearingCycleID `json:"cycle,omitempty"`
}

// clearingCycleID names the cycle a clearing agreement was about, and
// who agreed to clear it so far.
type clearingCycleID struct {
	ID     string          `json:"id"`
	Agreed []ledger.UserID `json:"agreed"`
}

// usersOf is a list of members; never nil.
func usersOf(us []ledger.UserID) []ledger.UserID {
	if us == nil {
		return []ledger.UserID{}
	}
	return us
}
