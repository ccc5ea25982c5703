package web

import (
	"net/http"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// promiseRow is a promise as the organizer's lists show it, with what the
// member may do about it there.
type promiseRow struct {
	*ledger.Promise
	// Other is the other side: the beneficiary of my promise, the giver of
	// one to me.
	Other     ledger.UserID
	Mine      bool
	NeedHref  string
	NeedKind  ledger.NeedKind
	NeedTitle string
	Date      string
	// Late is set on a promise still owed past its time.
	Late bool
	// The actions offered on the row.
	CanCommit, CanWithdraw, CanSent, CanGot bool
}

// section is one list of promises under a heading, with its total.
type section struct {
	Key   string
	Rows  []promiseRow
	Total []ledger.Amount
}

// promisesPage is the page of a list of promises: my, tome, pending,
// archive and overdue.
type promisesPage struct {
	Heading, Intro string
	Sections       []section
	// Back is the page's path, where its forms return.
	Back string
}

// overdue reports whether p is still owed past its time: its month ended
// or its deadline passed, or its need is no longer open (as the chat's
// overdue view reads it).
func overdue(b *ledger.Book, p *ledger.Promise, now time.Time) bool {
	if !p.State.Open() {
		return false
	}
	n, ok := b.Need(p.Need)
	return p.Overdue || !ok || (n.State != ledger.NeedOpen && n.State != ledger.NeedSuspended) ||
		(!n.Deadline.IsZero() && now.After(n.Deadline))
}

// rowOf builds the row of promise p for member c, its date in c's zone.
func (pg *pages) rowOf(b *ledger.Book, p *ledger.Promise, c *caller, now time.Time) promiseRow {
	me := c.Member
	row := promiseRow{Promise: p, Mine: p.Giver == me, Other: p.Giver, Date: day(p.CreatedAt, c.zone()), Late: overdue(b, p, now)}
	if row.Mine {
		row.Other = p.Beneficiary
	}
	n, ok := b.Need(p.Need)
	if !ok {
		return row
	}
	row.NeedHref, row.NeedKind, row.NeedTitle = needHref(n.ID, n.Kind), n.Kind, n.Title
	open := n.State == ledger.NeedOpen
	if row.Mine {
		row.CanCommit = open && p.State == ledger.PromiseIntention
		row.CanWithdraw = p.State == ledger.PromiseIntention
		row.CanSent = p.State == ledger.PromiseCommitment
	} else {
		row.CanGot = p.State == ledger.PromiseSent || p.State == ledger.PromiseCommitment
	}
	return row
}

// sectionOf lists the promises matching keep under a heading.
func (pg *pages) sectionOf(b *ledger.Book, key string, ps []*ledger.Promise, c *caller, now time.Time,
	keep func(*ledger.Promise) bool) section {
	sec := section{Key: key}
	var kept []*ledger.Promise
	for _, p := range ps {
		if keep(p) {
			kept = append(kept, p)
			sec.Rows = append(sec.Rows, pg.rowOf(b, p, c, now))
		}
	}
	sec.Total = sum(kept)
	return sec
}

func stateIs(st ledger.PromiseState) func(*ledger.Promise) bool {
	return func(p *ledger.Promise) bool { return p.State == st }
}

// byState are the sections of my and tome, by state, as in chat.
var byState = []struct {
	key   string
	state ledger.PromiseState
}{
	{"section.intentions", ledger.PromiseIntention},
	{"section.set_aside", ledger.PromiseSetAside},
	{"section.commitments", ledger.PromiseCommitment},
	{"section.sent", ledger.PromiseSent},
	{"section.fulfilled", ledger.PromiseFulfilled},
}

// promisesView renders a list page whose sections fn builds.
func (pg *pages) promisesView(w http.ResponseWriter, r *http.Request, c *caller, nav string,
	fn func(b *ledger.Book, now time.Time) []section) {
	p := &promisesPage{Heading: nav + ".title", Intro: nav + ".intro", Back: r.URL.Path}
	now := pg.clock.Now()
	err := pg.aid.View(r.Context(), func(b *ledger.Book) error {
		for _, sec := range fn(b, now) {
			if len(sec.Rows) > 0 {
				p.Sections = append(p.Sections, sec)
			}
		}
		return nil
	})
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	pg.render(w, r, "promises", &pageData{Title: p.Heading, Nav: nav, Page: p})
}

// myPage lists what the member promised, by state.
func (pg *pages) myPage(w http.ResponseWriter, r *http.Request, c *caller) {
	pg.promisesView(w, r, c, "my", func(b *ledger.Book, now time.Time) []section {
		ps := b.PromisesBy(c.Member)
		var out []section
		for _, st := range byState {
			out = append(out, pg.sectionOf(b, st.key, ps, c, now, stateIs(st.state)))
		}
		return out
	})
}

// toMePage lists what others promised the member, by state.
func (pg *pages) toMePage(w http.ResponseWriter, r *http.Request, c *caller) {
	pg.promisesView(w, r, c, "tome", func(b *ledger.Book, now time.Time) []section {
		ps := b.PromisesTo(c.Member)
		var out []section
		for _, st := range byState {
			out = append(out, pg.sectionOf(b, st.key, ps, c, now, stateIs(st.state)))
		}
		return out
	})
}

// pendingPage lists what givers marked sent to the member, awaiting
// their confirmation.
func (pg *pages) pendingPage(w http.ResponseWriter, r *http.Request, c *caller) {
	pg.promisesView(w, r, c, "pending", func(b *ledger.Book, now time.Time) []section {
		return []section{pg.sectionOf(b, "section.awaiting", b.PromisesTo(c.Member), c, now, (*ledger.Promise).AwaitsConfirmation)}
	})
}

// archivePage lists what was fulfilled or forgiven, and what is overdue,
// both ways.
func (pg *pages) archivePage(w http.ResponseWriter, r *http.Request, c *caller) {
	pg.promisesView(w, r, c, "archive", func(b *ledger.Book, now time.Time) []section {
		by, to := b.PromisesBy(c.Member), b.PromisesTo(c.Member)
		done := func(p *ledger.Promise) bool {
			return p.State == ledger.PromiseFulfilled || p.State == ledger.PromiseForgiven
		}
		late := func(p *ledger.Promise) bool { return overdue(b, p, now) }
		return []section{
			pg.sectionOf(b, "section.owed_by", by, c, now, late),
			pg.sectionOf(b, "section.owed_to", to, c, now, late),
			pg.sectionOf(b, "section.given", by, c, now, done),
			pg.sectionOf(b, "section.received", to, c, now, done),
		}
	})
}
