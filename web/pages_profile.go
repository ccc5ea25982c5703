package web

import (
	"net/http"
	"slices"

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

// aboutAction sets what the member tells about themself: `about <text>`.
func (s *forms) aboutAction(w http.ResponseWriter, r *http.Request, c *caller) {
	text, err := formText(r, "about", ledger.MaxAboutRunes, true)
	if err != nil {
		s.refuse(w, r, c, "/profile", err)
		return
	}
	s.act(w, r, c, "/profile", "about", ledger.Request{Command: ledger.Command{Verb: ledger.VerbAbout, Text: text}})
}

// requisitesAction adds a requisite, makes one the default or removes
// one: `requisites <text>`, `requisites default <n>`, `requisites remove <n>`.
func (s *forms) requisitesAction(w http.ResponseWriter, r *http.Request, c *caller) {
	cmd := ledger.Command{Verb: ledger.VerbRequisites, Requisites: ledger.RequisiteAction(r.PostForm.Get("op"))}
	var err error
	switch cmd.Requisites {
	case ledger.RequisitesAdd:
		cmd.Text, err = formText(r, "text", ledger.MaxRequisiteRunes, true)
	case ledger.RequisitesDefault, ledger.RequisitesRemove:
		cmd.Index, err = formIndex(r, "n", ledger.MaxRequisites)
	default:
		err = ledger.Errorf(ledger.EInvalid, "api.bad_form")
	}
	if err != nil {
		s.refuse(w, r, c, "/profile", err)
		return
	}
	s.act(w, r, c, "/profile", "requisites_"+string(cmd.Requisites), ledger.Request{Command: cmd})
}

// langAction sets the member's language: the bot's (`lang ru|en`) and the
// pages'.
func (s *forms) langAction(w http.ResponseWriter, r *http.Request, c *caller) {
	l := ledger.Lang(r.PostForm.Get("lang"))
	if !slices.Contains(ledger.Langs, l) {
		s.refuse(w, r, c, "/profile", ledger.Errorf(ledger.EInvalid, "cmd.bad_lang", string(l)))
		return
	}
	req := ledger.Request{Member: c.Member, Lang: l, Command: ledger.Command{Verb: ledger.VerbLang, Target: l}}
	reply, err := s.actor.Act(r.Context(), req)
	if err != nil {
		if reply != nil && reply.Text != "" && statusOf(err) != http.StatusInternalServerError {
			s.again(w, r, c, "/profile", reply.Text, statusOf(err))
			return
		}
		s.refuse(w, r, c, "/profile", err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, withDone("/profile", "lang"), http.StatusSeeOther)
}

// noticeAction mutes or unmutes one kind of notification: `mute <kind>`,
// `unmute <kind>`.
func (s *forms) noticeAction(w http.ResponseWriter, r *http.Request, c *caller) {
	k := ledger.NoticeKind(r.PostForm.Get("kind"))
	if !slices.Contains(ledger.NoticeKinds, k) {
		s.refuse(w, r, c, "/profile", ledger.Errorf(ledger.EInvalid, "cmd.bad_notice", string(k)))
		return
	}
	verb := ledger.VerbUnmute
	if r.PostForm.Get("mute") == "1" {
		verb = ledger.VerbMute
	}
	s.act(w, r, c, "/profile", string(verb), ledger.Request{Command: ledger.Command{Verb: verb, Notice: k}})
}
