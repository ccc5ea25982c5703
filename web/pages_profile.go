package web

import (
	"net/http"

	"github.com/exodus-matrix/exodus/ledger"
)

// noticeRow is one kind of notification and whether it is muted.
type noticeRow struct {
	Kind  ledger.NoticeKind
	Muted bool
}

// requisiteRow is one of the member's payment details, numbered from 1.
type requisiteRow struct {
	N int
	ledger.Requisite
}

// profilePage is the member's profile.
type profilePage struct {
	Status     ledger.MemberStatus
	Currency   ledger.Currency
	About      string
	Requisites []requisiteRow
	Notices    []noticeRow
	// ChatLang is the language the bot writes to the member in.
	ChatLang ledger.Lang
	// Zone is the member's time zone ("" for the cycle's, CycleZone).
	Zone, CycleZone        string
	MaxAbout, MaxRequisite int
	CanAddRequisite        bool
	Circles                []circleLink
	// StatusNow is what the status form shows.
	StatusNow statusNow
}

// profilePage shows the member's profile and its forms.
func (pg *pages) profilePage(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := pg.vis.viewerOf(ctx, c.Member)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	prof, err := pg.members.Profile(ctx, c.Member)
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	var st ledger.MemberStatus
	var now statusNow
	typed := pg.vis.typedCurrency(ctx, rc)
	err = pg.aid.View(ctx, func(b *ledger.Book) error {
		st = b.StatusOf(c.Member)
		now = pg.statusNowOf(b, st, typed)
		return nil
	})
	if err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	p := &profilePage{Status: st, StatusNow: now, Currency: typed, About: prof.About, ChatLang: pg.members.LangOf(ctx, c.Member),
		Zone: prof.TimeZone, CycleZone: pg.loc().String(),
		MaxAbout: ledger.MaxAboutRunes, MaxRequisite: ledger.MaxRequisiteRunes, CanAddRequisite: len(prof.Requisites) < ledger.MaxRequisites}
	for i, q := range prof.Requisites {
		p.Requisites = append(p.Requisites, requisiteRow{N: i + 1, Requisite: q})
	}
	for _, k := range ledger.NoticeKinds {
		p.Notices = append(p.Notices, noticeRow{Kind: k, Muted: prof.IsMuted(k)})
	}
	if p.Circles, err = pg.vis.circlesOf(ctx, rc); err != nil {
		pg.view.pageError(w, r, c, err)
		return
	}
	pg.render(w, r, "profile", &pageData{Title: "profile.title", Nav: "profile", Page: p})
}
