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
	ChatLang               ledger.Lang
	MaxAbout, MaxRequisite int
	CanAddRequisite        bool
	Circles                []circleLink
}

// profilePage shows the member's profile and its forms.
func (s *pages) profilePage(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := s.vis.viewerOf(ctx, c.Member)
	if err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	prof, err := s.svc.Profile(ctx, c.Member)
	if err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	st, err := s.svc.StatusOf(ctx, c.Member)
	if err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	p := &profilePage{Status: st, Currency: s.vis.typedCurrency(ctx, rc), About: prof.About, ChatLang: s.svc.LangOf(ctx, c.Member),
		MaxAbout: ledger.MaxAboutRunes, MaxRequisite: ledger.MaxRequisiteRunes, CanAddRequisite: len(prof.Requisites) < ledger.MaxRequisites}
	for i, q := range prof.Requisites {
		p.Requisites = append(p.Requisites, requisiteRow{N: i + 1, Requisite: q})
	}
	for _, k := range ledger.NoticeKinds {
		p.Notices = append(p.Notices, noticeRow{Kind: k, Muted: prof.IsMuted(k)})
	}
	if p.Circles, err = s.vis.circlesOf(ctx, rc); err != nil {
		s.view.pageError(w, r, c, err)
		return
	}
	s.render(w, r, "profile", &pageData{Title: "profile.title", Nav: "profile", Page: p})
}
