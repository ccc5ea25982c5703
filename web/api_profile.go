package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// This file holds the writes of a member's profile and settings, and the
// general command route that reaches every chat command.

// apiFreshProfile fills in the caller's profile.
func (api *apiWrites) apiFreshProfile(u ledger.UserID) func(context.Context, *ledger.Reply, *actionJSON) error {
	return func(ctx context.Context, _ *ledger.Reply, out *actionJSON) error {
		p, err := api.members.Profile(ctx, u)
		if err != nil {
			return err
		}
		out.Profile = profileOf(p, api.members.LangOf(ctx, u))
		return nil
	}
}

// apiProfileAction hands a profile command to the actor and answers with the
// fresh profile.
func (api *apiWrites) apiProfileAction(w http.ResponseWriter, r *http.Request, cmd ledger.Command, status int) {
	api.apiPerform(w, r, ledger.Request{Command: cmd}, status, api.apiFreshProfile(callerOf(r.Context()).Member))
}

// apiAbout sets what the member tells about themself.
func (api *apiWrites) apiAbout(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text string `json:"text"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	if err := apiTextField("text", body.Text, ledger.MaxAboutRunes); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiProfileAction(w, r, ledger.Command{Verb: ledger.VerbAbout, Text: body.Text}, http.StatusOK)
}

// apiTextField refuses an empty or malformed free text.
func apiTextField(field, s string, max int) error {
	if err := apiRequired(field, s); err != nil {
		return err
	}
	return apiCheckText(s, max)
}

// apiAddRequisite adds payment details; the first become the default.
func (api *apiWrites) apiAddRequisite(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Text string `json:"text"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	if err := apiTextField("text", body.Text, ledger.MaxRequisiteRunes); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	cmd := ledger.Command{Verb: ledger.VerbRequisites, Requisites: ledger.RequisitesAdd, Text: body.Text}
	api.apiProfileAction(w, r, cmd, http.StatusCreated)
}

// apiRequisite is the route of an action on the n-th requisite in the
// path: make it the default, or remove it.
func (api *apiWrites) apiRequisite(action ledger.RequisiteAction) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		n, err := apiIndex(r.PathValue("n"))
		if err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
		if err := decodeOptional(r, &struct{}{}); err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
		api.apiProfileAction(w, r, ledger.Command{Verb: ledger.VerbRequisites, Requisites: action, Index: n}, http.StatusOK)
	}
}

// apiLang sets the language the bot speaks to the member.
func (api *apiWrites) apiLang(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Lang string `json:"lang"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	l, ok := ledger.ParseLang(body.Lang)
	if !ok {
		api.errs.writeError(w, r, ledger.Errorf(ledger.EInvalid, "api.bad_lang", body.Lang), "")
		return
	}
	api.apiProfileAction(w, r, ledger.Command{Verb: ledger.VerbLang, Target: l}, http.StatusOK)
}

// apiZone sets the time zone the member reads times in ("" for the
// cycle's).
func (api *apiWrites) apiZone(w http.ResponseWriter, r *http.Request) {
	var body struct {
		TimeZone string `json:"timezone"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiProfileAction(w, r, zoneCommand(body.TimeZone), http.StatusOK)
}

// zoneCommand is `timezone <zone>`, or `timezone default` for "".
func zoneCommand(zone string) ledger.Command {
	zone = strings.TrimSpace(zone)
	return ledger.Command{Verb: ledger.VerbZone, Zone: zone, ZoneReset: zone == ""}
}

// apiNotice mutes or unmutes one kind of notification.
func (api *apiWrites) apiNotice(w http.ResponseWriter, r *http.Request) {
	k, ok := ledger.ParseNoticeKind(r.PathValue("kind"))
	if !ok {
		api.errs.writeError(w, r, ledger.Errorf(ledger.EInvalid, "api.bad_notice", r.PathValue("kind")), "")
		return
	}
	var body struct {
		Muted *bool `json:"muted"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	if body.Muted == nil {
		api.errs.writeError(w, r, ledger.Errorf(ledger.EInvalid, "api.required", "muted"), "")
		return
	}
	verb := ledger.VerbUnmute
	if *body.Muted {
		verb = ledger.VerbMute
	}
	api.apiProfileAction(w, r, ledger.Command{Verb: verb, Notice: k}, http.StatusOK)
}

// apiChatOnly are the verbs the API does not take: help is this document,
// login links and tokens are made in the direct chat only.
var apiChatOnly = map[ledger.Verb]bool{ledger.VerbHelp: true, ledger.VerbWeb: true, ledger.VerbToken: true}

// apiCommand carries out any chat command, typed as in the direct chat
// with the bot (the prefix may be left out): optionally in one of the
// member's circles, and about a need the member sees, as a reply to its
// card would be.
func (api *apiWrites) apiCommand(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	var body struct {
		Command string          `json:"command"`
		Circle  ledger.CircleID `json:"circle"`
		Need    ledger.NeedID   `json:"need"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	req, err := api.apiCommandRequest(r.Context(), c.Member, body.Command, body.Circle, body.Need)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiPerform(w, r, req, http.StatusOK, func(ctx context.Context, reply *ledger.Reply, out *actionJSON) error {
		out.Command = &req.Command.Verb
		if req.Need != "" {
			return api.apiFreshNeed(req.Need)(ctx, reply, out)
		}
		return nil
	})
}

// apiCommandRequest checks a typed command, its circle and its need, and makes
// the request the actor gets.
func (api *apiWrites) apiCommandRequest(ctx context.Context, u ledger.UserID, text string, c ledger.CircleID, n ledger.NeedID) (ledger.Request, error) {
	req := ledger.Request{Circle: c, Need: n}
	if err := apiRequired("command", text); err != nil {
		return req, err
	}
	if c != "" {
		if _, err := api.vis.memberCircle(ctx, u, c); err != nil {
			return req, err
		}
	}
	cur := api.vis.apiCurrency(ctx, u, c)
	if n != "" {
		v, err := api.vis.visibleNeed(ctx, u, n)
		if err != nil {
			return req, err
		}
		cur = v.Need.Target.Currency
	}
	// About a need, it is read as a reply to its card: a bare amount is an
	// intention, as in chat.
	cmd, addressed, err := grammar.Parse(text, grammar.Options{Prefix: api.prefix, Direct: true,
		ReplyToBot: n != "", DefaultCurrency: cur})
	switch {
	case err != nil:
		return req, err
	case !addressed:
		return req, ledger.Errorf(ledger.EInvalid, "api.required", "command")
	case apiChatOnly[cmd.Verb]:
		return req, ledger.Errorf(ledger.EInvalid, "api.chat_only", string(cmd.Verb))
	}
	req.Command = cmd
	return req, nil
}
