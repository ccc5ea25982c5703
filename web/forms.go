package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
)

// The forms of the pages: each action goes to the actor, as the chat's
// command would, and returns to the page it was posted from; a refused one
// shows that page again with the refusal and the form's values.

// note is a refused form's message, status and values, and the field the
// refusal is about ("" if not known: see invalidField).
type note struct {
	msg    string
	err    bool
	status int
	form   url.Values
	field  string
}

// typedFields are the fields a member types or picks, in the order a
// refusal that names none is taken to be about the first one posted.
var typedFields = []string{"amount", "days", "reason", "text", "about", "report", "giver", "circle"}

// invalidField is the field of a refused form to mark invalid and focus:
// the one the refusal named, else the first typed field it posted.
func invalidField(form url.Values, named string) string {
	if named != "" {
		return named
	}
	for _, f := range typedFields {
		if form.Has(f) {
			return f
		}
	}
	return ""
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
func (f *forms) again(w http.ResponseWriter, r *http.Request, c *caller, back, msg string, status int) {
	f.againAt(w, r, c, back, "", msg, status)
}

// againAt is again with the field the refusal is about. The page is served
// by a copy of the pages that holds the refusal as its note.
func (f *forms) againAt(w http.ResponseWriter, r *http.Request, c *caller, back, field, msg string, status int) {
	u, err := url.Parse(back)
	if err != nil {
		u = &url.URL{Path: "/"}
	}
	shown := *f.pages
	shown.note = &note{msg: msg, err: true, status: status, form: r.PostForm, field: invalidField(r.PostForm, field)}
	views := shown.viewMux(c)
	r2 := r.Clone(r.Context())
	r2.Method, r2.URL, r2.RequestURI, r2.Body = http.MethodGet, u, u.RequestURI(), http.NoBody
	if _, pattern := views.Handler(r2); pattern == "" {
		f.view.render(w, r, "error", &pageData{Title: "error.title", Flash: msg, Error: true, Status: status})
		return
	}
	views.ServeHTTP(w, r2)
}

// refuse shows the form's page again with the explanation of err.
func (f *forms) refuse(w http.ResponseWriter, r *http.Request, c *caller, back string, err error) {
	f.refuseAt(w, r, c, back, "", err)
}

// refuseAt is refuse for a refusal about the form's field named field.
func (f *forms) refuseAt(w http.ResponseWriter, r *http.Request, c *caller, back, field string, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		logOf(r).Error().Err(err).Str("path", r.URL.Path).Msg("Failed to carry out a form")
	}
	f.againAt(w, r, c, back, field, f.errs.errorMessage(c.Lang, err), status)
}

// act carries out a member's action through the actor, as the chat
// would, then returns to back: with done's message if it was done, or
// with the form and the refusal if not.
func (f *forms) act(w http.ResponseWriter, r *http.Request, c *caller, back, done string, req ledger.Request) {
	req.Member, req.Lang = c.Member, c.Lang
	reply, err := f.actor.Act(r.Context(), req)
	if err == nil {
		logOf(r).Debug().Str("member", string(c.Member)).Str("verb", string(req.Command.Verb)).Msg("Carried out a web action")
		http.Redirect(w, r, withDone(back, done), http.StatusSeeOther)
		return
	}
	status := statusOf(err)
	if status == http.StatusInternalServerError || reply == nil || reply.Text == "" {
		f.refuse(w, r, c, back, err)
		return
	}
	f.again(w, r, c, back, reply.Text, status)
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

// statusAction sets the member's traffic light: green, orange <amount> or
// red <amount> <days>.
func (f *forms) statusAction(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	back := backOf(r, "/profile")
	rc, err := f.vis.viewerOf(ctx, c.Member)
	if err != nil {
		f.refuse(w, r, c, back, err)
		return
	}
	cmd := ledger.Command{Verb: ledger.VerbStatus, Status: ledger.Status(r.PostForm.Get("status"))}
	switch cmd.Status {
	case ledger.StatusGreen:
	case ledger.StatusOrange, ledger.StatusRed:
		if field, err := f.statusAmount(r, f.vis.typedCurrency(ctx, rc), &cmd); err != nil {
			f.refuseAt(w, r, c, back, field, err)
			return
		}
		if cmd.Status == ledger.StatusRed {
			days, err := formIndex(r, "days", ledger.MaxRedDays)
			if err != nil {
				f.refuseAt(w, r, c, back, "days", ledger.Errorf(ledger.EInvalid, "cmd.bad_days", r.PostForm.Get("days"), ledger.MaxRedDays))
				return
			}
			cmd.Days = days
		}
	default:
		f.refuse(w, r, c, back, ledger.Errorf(ledger.EInvalid, "cmd.bad_status", r.PostForm.Get("status")))
		return
	}
	f.act(w, r, c, back, "status", ledger.Request{Command: cmd})
}

// statusAmount reads what an orange or red status asks for: the thing or
// service in kind ("thing"), else the amount (in def unless written). It
// returns the field at fault with the refusal.
func (f *forms) statusAmount(r *http.Request, def ledger.Currency, cmd *ledger.Command) (string, error) {
	if thing := strings.TrimSpace(r.PostForm.Get("thing")); thing != "" {
		return "thing", statusThing(cmd, r.PostForm.Get("amount"), thing)
	}
	a, err := formAmount(r, "amount", def, true)
	cmd.Amount = a
	return "amount", err
}

// needActions are the actions of a need's page, by the path's last part.
var needActions = map[string]ledger.Verb{
	"intend": ledger.VerbIntend, "withdraw": ledger.VerbWithdraw, "commit": ledger.VerbCommit,
	"sent": ledger.VerbSent, "got": ledger.VerbGot, "forgive": ledger.VerbForgive,
	"done": ledger.VerbDone, "approve": ledger.VerbApprove,
}

// needAction carries out an action on a need: the command a reply to its
// card would be.
func (f *forms) needAction(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	action := r.PathValue("action")
	verb, ok := needActions[action]
	rc, err := f.vis.viewerOf(ctx, c.Member)
	if err != nil {
		f.view.pageError(w, r, c, err)
		return
	}
	if !ok {
		f.view.pageError(w, r, c, ledger.Errorf(ledger.ENotFound, "page.no_action"))
		return
	}
	v, err := f.vis.openableNeed(ctx, rc, ledger.NeedID(r.PathValue("id")))
	if err != nil {
		f.view.pageError(w, r, c, err)
		return
	}
	n := v.Need
	back := backOf(r, needHref(n.ID, n.Kind))
	req := ledger.Request{Need: n.ID, Command: ledger.Command{Verb: verb}}
	cmd := &req.Command
	switch verb {
	case ledger.VerbIntend, ledger.VerbCommit, ledger.VerbSent, ledger.VerbGot: // sent, got: a part, or empty
		if cmd.Amount, err = formAmount(r, "amount", n.Target.Currency, false); err != nil {
			f.refuseAt(w, r, c, back, "amount", err)
			return
		}
	}
	switch verb {
	case ledger.VerbGot, ledger.VerbForgive:
		giver := ledger.UserID(strings.TrimSpace(r.PostForm.Get("giver")))
		if giver == "" && verb == ledger.VerbForgive {
			f.refuse(w, r, c, back, ledger.Errorf(ledger.EInvalid, "form.giver_missing"))
			return
		}
		if giver != "" && !slices.ContainsFunc(v.Promises, func(p *ledger.Promise) bool { return p.Giver == giver }) {
			f.refuse(w, r, c, back, ledger.Errorf(ledger.EInvalid, "form.bad_giver"))
			return
		}
		cmd.User = giver
	case ledger.VerbDone:
		if cmd.Text, err = formText(r, "report", ledger.MaxInitiativeReportRunes, false); err != nil {
			f.refuseAt(w, r, c, back, "report", err)
			return
		}
	case ledger.VerbApprove:
		req.Circle = n.Circle
	}
	f.act(w, r, c, back, action, req)
}

// kassaDeclare declares the most the member would give the kassa of one
// of their circles in a month: `kassa <amount>` typed in that circle's
// room.
func (f *forms) kassaDeclare(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	circle, err := f.vis.kassaCircle(ctx, c.Member, ledger.CircleID(r.PostForm.Get("circle")))
	if err != nil {
		f.refuseAt(w, r, c, "/kassa", "circle", err)
		return
	}
	a, err := formAmount(r, "amount", circle.Pledge.Currency, true)
	if err != nil {
		f.refuseAt(w, r, c, "/kassa", "amount", err)
		return
	}
	f.act(w, r, c, "/kassa", "kassa", ledger.Request{Circle: circle.ID, Command: ledger.Command{Verb: ledger.VerbKassa, Amount: a}})
}

// kassaClaim claims from the kassa in one of the member's circles:
// `claim <amount> <reason>` typed in that circle's room.
func (f *forms) kassaClaim(w http.ResponseWriter, r *http.Request, c *caller) {
	ctx := r.Context()
	rc, err := f.vis.viewerOf(ctx, c.Member)
	if err != nil {
		f.refuse(w, r, c, "/kassa", err)
		return
	}
	id := ledger.CircleID(r.PostForm.Get("circle"))
	if !rc.in(id) {
		f.refuseAt(w, r, c, "/kassa", "circle", ledger.Errorf(ledger.EForbidden, "page.not_member"))
		return
	}
	circle, err := f.circles.Get(ctx, id)
	if err != nil {
		f.refuse(w, r, c, "/kassa", err)
		return
	}
	a, err := formAmount(r, "amount", circle.Pledge.Currency, true)
	if err != nil {
		f.refuseAt(w, r, c, "/kassa", "amount", err)
		return
	}
	reason, err := formText(r, "reason", ledger.MaxClaimReasonRunes, true)
	if err != nil {
		f.refuseAt(w, r, c, "/kassa", "reason", err)
		return
	}
	f.act(w, r, c, "/kassa", "claim", ledger.Request{Circle: id,
		Command: ledger.Command{Verb: ledger.VerbClaim, Amount: a, Text: reason}})
}

// aboutAction sets what the member tells about themself: `about <text>`.
func (f *forms) aboutAction(w http.ResponseWriter, r *http.Request, c *caller) {
	text, err := formText(r, "about", ledger.MaxAboutRunes, true)
	if err != nil {
		f.refuseAt(w, r, c, "/profile", "about", err)
		return
	}
	f.act(w, r, c, "/profile", "about", ledger.Request{Command: ledger.Command{Verb: ledger.VerbAbout, Text: text}})
}

// requisitesAction adds a requisite, makes one the default or removes
// one: `requisites <text>`, `requisites default <n>`, `requisites remove <n>`.
func (f *forms) requisitesAction(w http.ResponseWriter, r *http.Request, c *caller) {
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
		f.refuse(w, r, c, "/profile", err)
		return
	}
	f.act(w, r, c, "/profile", "requisites_"+string(cmd.Requisites), ledger.Request{Command: cmd})
}

// zoneAction sets the time zone the member reads times in: `timezone
// <zone>`, or the cycle's when the field is empty.
func (f *forms) zoneAction(w http.ResponseWriter, r *http.Request, c *caller) {
	zone, err := formText(r, "timezone", 64, false)
	if err != nil {
		f.refuse(w, r, c, "/profile", err)
		return
	}
	f.act(w, r, c, "/profile", "zone", ledger.Request{Command: zoneCommand(zone)})
}

// langAction sets the member's language: the bot's (`lang ru|en`) and the
// pages'.
func (f *forms) langAction(w http.ResponseWriter, r *http.Request, c *caller) {
	l := ledger.Lang(r.PostForm.Get("lang"))
	if !slices.Contains(ledger.Langs, l) {
		f.refuse(w, r, c, "/profile", ledger.Errorf(ledger.EInvalid, "cmd.bad_lang", string(l)))
		return
	}
	req := ledger.Request{Member: c.Member, Lang: l, Command: ledger.Command{Verb: ledger.VerbLang, Target: l}}
	reply, err := f.actor.Act(r.Context(), req)
	if err != nil {
		if reply != nil && reply.Text != "" && statusOf(err) != http.StatusInternalServerError {
			f.again(w, r, c, "/profile", reply.Text, statusOf(err))
			return
		}
		f.refuse(w, r, c, "/profile", err)
		return
	}
	http.SetCookie(w, langCookieOf(l, f.secure))
	http.Redirect(w, r, withDone("/profile", "lang"), http.StatusSeeOther)
}

// noticeAction mutes or unmutes one kind of notification: `mute <kind>`,
// `unmute <kind>`.
func (f *forms) noticeAction(w http.ResponseWriter, r *http.Request, c *caller) {
	k := ledger.NoticeKind(r.PostForm.Get("kind"))
	if !slices.Contains(ledger.NoticeKinds, k) {
		f.refuse(w, r, c, "/profile", ledger.Errorf(ledger.EInvalid, "cmd.bad_notice", string(k)))
		return
	}
	verb := ledger.VerbUnmute
	if r.PostForm.Get("mute") == "1" {
		verb = ledger.VerbMute
	}
	f.act(w, r, c, "/profile", string(verb), ledger.Request{Command: ledger.Command{Verb: verb, Notice: k}})
}
