package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// This file holds the write routes of the mutual-aid ledger. Every write
// goes to the Actor as the command the member would type in chat, on
// behalf of the token's member and nobody else: the bot checks it by the
// same rules, posts it into the room and applies it. Input is checked here
// first, so that malformed input is a 400 with the reason.

// apiPerform hands a command to the actor for the caller and answers with the
// bot's answer, where it was posted, and what fresh fills in. A refusal is
// answered with the status of its code and the bot's explanation.
func (api *apiWrites) apiPerform(w http.ResponseWriter, r *http.Request, req ledger.Request, status int,
	fresh func(ctx context.Context, reply *ledger.Reply, out *actionJSON) error) {
	req.Member = callerOf(r.Context()).Member // only ever the token's member
	reply, err := api.actor.Act(r.Context(), req)
	if reply == nil {
		reply = &ledger.Reply{}
	}
	if err != nil {
		api.errs.writeError(w, r, err, reply.Text)
		return
	}
	out := &actionJSON{Message: reply.Text, Room: reply.Room, Event: reply.Event}
	if fresh != nil {
		if err := fresh(r.Context(), reply, out); err != nil {
			// The action was done: answer it, without the fresh state.
			logOf(r).Error().Err(err).Str("path", r.URL.Path).Msg("Failed to read the state after an action")
		}
	}
	writeJSON(w, status, out)
}

// apiFreshNeed fills in need id with its figures and promises.
func (api *apiWrites) apiFreshNeed(id ledger.NeedID) func(context.Context, *ledger.Reply, *actionJSON) error {
	return func(ctx context.Context, _ *ledger.Reply, out *actionJSON) error {
		v, err := api.aid.Need(ctx, id)
		if err != nil {
			return err
		}
		out.Need = needViewOf(v)
		return nil
	}
}

// apiFreshStatus fills in the caller's status and their open need, if any.
func (api *apiWrites) apiFreshStatus(u ledger.UserID) func(context.Context, *ledger.Reply, *actionJSON) error {
	return func(ctx context.Context, _ *ledger.Reply, out *actionJSON) error {
		st, err := api.aid.StatusOf(ctx, u)
		if err != nil {
			return err
		}
		out.Status = statusOfMember(st)
		if st.Need == "" {
			return nil
		}
		return api.apiFreshNeed(st.Need)(ctx, nil, out)
	}
}

// apiFreshCreated fills in the need an action created: its ID is the event
// the action was posted as.
func (api *apiWrites) apiFreshCreated(ctx context.Context, reply *ledger.Reply, out *actionJSON) error {
	if reply.Event == "" {
		return nil
	}
	return api.apiFreshNeed(ledger.NeedID(reply.Event))(ctx, reply, out)
}

// apiStatus sets the member's traffic light: green; orange with a monthly
// amount; red with an amount and a number of days.
func (api *apiWrites) apiStatus(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	var body struct {
		Status string `json:"status"`
		Amount string `json:"amount"`
		Thing  string `json:"thing"`
		Days   int    `json:"days"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	cmd, err := apiStatusCommand(body.Status, body.Amount, body.Days, api.vis.apiCurrency(r.Context(), c.Member, ""))
	if err == nil {
		err = statusThing(&cmd, body.Amount, body.Thing)
	}
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiPerform(w, r, ledger.Request{Command: cmd}, http.StatusOK, api.apiFreshStatus(c.Member))
}

// apiStatusCommand checks the fields of a status change and makes its command.
func apiStatusCommand(status, amount string, days int, def ledger.Currency) (ledger.Command, error) {
	cmd := ledger.Command{Verb: ledger.VerbStatus, Status: ledger.Status(status)}
	switch cmd.Status {
	case ledger.StatusGreen:
		if amount != "" || days != 0 {
			return cmd, ledger.Errorf(ledger.EInvalid, "api.green_alone")
		}
		return cmd, nil
	case ledger.StatusOrange:
		if days != 0 {
			return cmd, ledger.Errorf(ledger.EInvalid, "api.orange_days")
		}
	case ledger.StatusRed:
		if days < 1 || days > ledger.MaxRedDays {
			return cmd, ledger.Errorf(ledger.EInvalid, "api.bad_days", ledger.MaxRedDays)
		}
	default:
		return cmd, ledger.Errorf(ledger.EInvalid, "api.bad_status", status)
	}
	if amount == "" {
		cmd.Days = days
		return cmd, nil // a thing, or the amount is refused by statusThing
	}
	a, err := apiAmount("amount", amount, def)
	if err != nil {
		return cmd, err
	}
	cmd.Amount, cmd.Days = a, days
	return cmd, nil
}

// statusThing puts the thing or service asked for in kind (the API's and
// the form's "thing") into a status command: one of it, named by the
// thing. Either an amount or a thing: both, or neither for orange or red,
// is refused.
func statusThing(cmd *ledger.Command, amount, thing string) error {
	thing = strings.TrimSpace(thing)
	switch {
	case cmd.Status == ledger.StatusGreen && thing == "":
		return nil
	case cmd.Status == ledger.StatusGreen:
		return ledger.Errorf(ledger.EInvalid, "api.green_alone")
	case thing == "":
		return apiRequired("amount", amount)
	case strings.TrimSpace(amount) != "":
		return ledger.Errorf(ledger.EInvalid, "api.thing_alone")
	}
	if err := apiCheckName(thing, ledger.MaxThingRunes); err != nil {
		return err
	}
	cmd.Amount, cmd.Text = ledger.One(ledger.Items), thing
	return nil
}

// apiNeedBody reads the body of an action on need n into cmd.
type apiNeedBody func(r *http.Request, n *ledger.Need, cmd *ledger.Command) error

// apiNeedAction is the route of an action on a need the member sees (any
// other is not found): intend, withdraw, commit, sent, got, done, approve.
func (api *apiWrites) apiNeedAction(verb ledger.Verb, read apiNeedBody) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callerOf(r.Context())
		v, err := api.vis.visibleNeed(r.Context(), c.Member, ledger.NeedID(r.PathValue("id")))
		if err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
		cmd := ledger.Command{Verb: verb}
		if err := read(r, v.Need, &cmd); err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
		api.apiPerform(w, r, ledger.Request{Need: v.Need.ID, Command: cmd}, http.StatusOK, api.apiFreshNeed(v.Need.ID))
	}
}

// apiNoBody reads an empty body (or {}).
func apiNoBody(r *http.Request, _ *ledger.Need, _ *ledger.Command) error {
	return decodeOptional(r, &struct{}{})
}

// apiAmountBody reads {"amount"?}, in the need's currency unless another is
// written; without it, the bot's default amount applies.
func apiAmountBody(r *http.Request, n *ledger.Need, cmd *ledger.Command) error {
	var body struct {
		Amount *string `json:"amount"`
	}
	if err := decodeOptional(r, &body); err != nil || body.Amount == nil {
		return err
	}
	a, err := apiAmount("amount", *body.Amount, n.Target.Currency)
	cmd.Amount = a
	return err
}

// apiGotBody reads {"giver"?, "amount"?}: whose sending the owner
// confirms, and how much of it arrived.
func apiGotBody(r *http.Request, n *ledger.Need, cmd *ledger.Command) error {
	var body struct {
		Giver  *string `json:"giver"`
		Amount *string `json:"amount"`
	}
	if err := decodeOptional(r, &body); err != nil {
		return err
	}
	if body.Amount != nil {
		a, err := apiAmount("amount", *body.Amount, n.Target.Currency)
		if err != nil {
			return err
		}
		cmd.Amount = a
	}
	if body.Giver == nil {
		return nil
	}
	u, err := apiUser("giver", *body.Giver)
	cmd.User = u
	return err
}

// apiReportBody reads {"report"?}: what an initiative's initiator reports.
func apiReportBody(r *http.Request, _ *ledger.Need, cmd *ledger.Command) error {
	var body struct {
		Report string `json:"report"`
	}
	if err := decodeOptional(r, &body); err != nil {
		return err
	}
	cmd.Text = body.Report
	return apiCheckText(body.Report, ledger.MaxInitiativeReportRunes)
}

// apiUserAction is the route of an action about another member, named in the
// body as {"user"}: forgive, remind, block.
func (api *apiWrites) apiUserAction(verb ledger.Verb) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := decodeUser(r)
		if err != nil {
			api.errs.writeError(w, r, err, "")
			return
		}
		api.apiPerform(w, r, ledger.Request{Command: ledger.Command{Verb: verb, User: u}}, http.StatusOK, apiFreshBlock(verb))
	}
}

// decodeUser reads a body {"user": "@someone:server"}.
func decodeUser(r *http.Request) (ledger.UserID, error) {
	var body struct {
		User string `json:"user"`
	}
	if err := decode(r, &body); err != nil {
		return "", err
	}
	return apiUser("user", body.User)
}

// apiFreshBlock says, after a block or unblock, whether the member now blocks
// the other.
func apiFreshBlock(verb ledger.Verb) func(context.Context, *ledger.Reply, *actionJSON) error {
	if verb != ledger.VerbBlock && verb != ledger.VerbUnblock {
		return nil
	}
	blocked := verb == ledger.VerbBlock
	return func(_ context.Context, _ *ledger.Reply, out *actionJSON) error {
		out.Blocked = &blocked
		return nil
	}
}

// apiUnblock lifts the member's block of the member in the path.
func (api *apiWrites) apiUnblock(w http.ResponseWriter, r *http.Request) {
	u, err := ledger.ParseUserID(r.PathValue("user"))
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiPerform(w, r, ledger.Request{Command: ledger.Command{Verb: ledger.VerbUnblock, User: u}}, http.StatusOK,
		apiFreshBlock(ledger.VerbUnblock))
}

// apiKassaDeclare declares the member's monthly maximum for the kassa of
// a circle of theirs (the one named; else their only one).
func (api *apiWrites) apiKassaDeclare(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	var body struct {
		Circle ledger.CircleID `json:"circle"`
		Amount string          `json:"amount"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	circle, err := api.vis.kassaCircle(r.Context(), c.Member, body.Circle)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	a, err := apiAmount("amount", body.Amount, circle.Pledge.Currency)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiPerform(w, r, ledger.Request{Circle: circle.ID, Command: ledger.Command{Verb: ledger.VerbKassa, Amount: a}},
		http.StatusOK, api.apiFreshStatus(c.Member))
}

// apiClaim asks the kassa of a circle of the member's for help; the claim
// waits for a second member's approval.
func (api *apiWrites) apiClaim(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	var body struct {
		Circle ledger.CircleID `json:"circle"`
		Amount string          `json:"amount"`
		Reason string          `json:"reason"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	cmd, circle, err := api.apiClaimCommand(r.Context(), c.Member, body.Circle, body.Amount, body.Reason)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiPerform(w, r, ledger.Request{Circle: circle, Command: cmd}, http.StatusCreated, api.apiFreshCreated)
}

// apiClaimCommand checks the fields of a claim and makes its command.
func (api *apiWrites) apiClaimCommand(ctx context.Context, u ledger.UserID, c ledger.CircleID, amount, reason string) (ledger.Command, ledger.CircleID, error) {
	cmd := ledger.Command{Verb: ledger.VerbClaim}
	if err := apiRequired("circle", string(c)); err != nil {
		return cmd, "", err
	}
	circle, err := api.vis.memberCircle(ctx, u, c)
	if err != nil {
		return cmd, "", err
	}
	if cmd.Amount, err = apiAmount("amount", amount, circle.Pledge.Currency); err != nil {
		return cmd, "", err
	}
	if err := apiRequired("reason", reason); err != nil {
		return cmd, "", err
	}
	cmd.Text = reason
	return cmd, circle.ID, apiCheckText(reason, ledger.MaxClaimReasonRunes)
}

// apiInitiative posts an initiative in a circle of the member's: a title,
// a price, and a deadline (a date, or an RFC 3339 moment).
func (api *apiWrites) apiInitiative(w http.ResponseWriter, r *http.Request) {
	c := callerOf(r.Context())
	var body struct {
		Circle   ledger.CircleID `json:"circle"`
		Title    string          `json:"title"`
		Price    string          `json:"price"`
		Deadline string          `json:"deadline"`
	}
	if err := decode(r, &body); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	if err := apiRequired("circle", string(body.Circle)); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	circle, err := api.vis.memberCircle(r.Context(), c.Member, body.Circle)
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	cmd, err := api.apiInitiativeCommand(circle, body.Title, body.Price, body.Deadline, c.zone())
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	api.apiPerform(w, r, ledger.Request{Circle: circle.ID, Command: cmd}, http.StatusCreated, api.apiFreshCreated)
}

// apiInitiativeCommand checks the fields of an initiative and makes its
// command; the price is in the circle's currency unless written, the
// deadline read in loc, the member's time zone (as the bot reads it).
func (api *apiWrites) apiInitiativeCommand(circle *ledger.Circle, title, price, deadline string, loc *time.Location) (ledger.Command, error) {
	cmd := ledger.Command{Verb: ledger.VerbInitiative}
	if err := apiRequired("title", title); err != nil {
		return cmd, err
	}
	if err := apiCheckName(title, ledger.MaxInitiativeTitleRunes); err != nil {
		return cmd, err
	}
	a, err := apiAmount("price", price, circle.Pledge.Currency)
	if err != nil {
		return cmd, err
	}
	if err := apiRequired("deadline", deadline); err != nil {
		return cmd, err
	}
	by, clock, err := apiDeadline(deadline, loc)
	if err != nil {
		return cmd, err
	}
	cmd.Text, cmd.Amount, cmd.ByDate, cmd.ByClock = title, a, by, clock
	return cmd, nil
}

// apiClearingAgree records the member's agreement to clear a cycle of the
// clearing proposal; the last agreement needed clears it.
func (api *apiWrites) apiClearingAgree(w http.ResponseWriter, r *http.Request) {
	id, err := apiCycleID(r.PathValue("cycle"))
	if err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	if err := decodeOptional(r, &struct{}{}); err != nil {
		api.errs.writeError(w, r, err, "")
		return
	}
	cmd := ledger.Command{Verb: ledger.VerbClearing, Confirm: true, Text: id}
	api.apiPerform(w, r, ledger.Request{Command: cmd}, http.StatusOK, func(ctx context.Context, _ *ledger.Reply, out *actionJSON) error {
		return api.aid.View(ctx, func(b *ledger.Book) error {
			out.Cycle = &clearingCycleID{ID: id, Agreed: usersOf(b.Agreed(id))}
			return nil
		})
	})
}
