package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

func cents(n int64) ledger.Amount { return ledger.Amount{Minor: n, Currency: "EUR"} }

// pageOfNeed is the page of a need.
func pageOfNeed(n ledger.NeedID) string { return "/needs/" + url.PathEscape(string(n)) }

// circlePageURL is the page of the harness's circle.
var circlePageURL = "/circles/" + url.PathEscape(string(circle))

// pagePaths are the pages every member of the circle may open.
func pagePaths(h *harness) []string {
	return []string{"/", "/my", "/tome", "/pending", "/archive", "/calendar", "/calendar?month=2026-12",
		"/kassa", "/profile", "/network", pageOfNeed(h.need), circlePageURL}
}

// lastAct is the last request the actor got (failing if none).
func (h *harness) lastAct() ledger.Request {
	h.t.Helper()
	reqs := h.actor.requests()
	if len(reqs) == 0 {
		h.t.Fatal("the actor got no request")
	}
	return reqs[len(reqs)-1]
}

// mustShow fails unless the page holds every one of wants.
func mustShow(t *testing.T, what string, r *response, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(r.Body, w) {
			t.Errorf("%s: no %q in the page (status %d):\n%s", what, w, r.StatusCode, r.Body)
		}
	}
}

func TestEveryPageRenders(t *testing.T) {
	h := newHarness(t)
	for _, u := range []ledger.UserID{alice, bob, carol} {
		b := h.login(u)
		for _, p := range pagePaths(h) {
			r := b.get(p)
			if r.StatusCode != http.StatusOK {
				t.Errorf("%s %s: status %d\n%s", u, p, r.StatusCode, r.Body)
				continue
			}
			if ct := r.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("%s %s: content type %q", u, p, ct)
			}
			mustShow(t, p, r, `<nav class="main"`, `href="/kassa"`, `href="/network"`, `href="/calendar"`,
				`name="viewport"`, string(u))
		}
	}
	// A member in no circle still has every page of their own.
	b := h.login(dave)
	for _, p := range []string{"/", "/my", "/tome", "/pending", "/archive", "/calendar", "/kassa", "/profile", "/network"} {
		if r := b.get(p); r.StatusCode != http.StatusOK {
			t.Errorf("dave %s: status %d\n%s", p, r.StatusCode, r.Body)
		}
	}
}

func TestDashboardShowsTheRealNumbers(t *testing.T) {
	h := newHarness(t)
	page := h.login(alice).get("/")
	mustShow(t, "alice's dashboard", page,
		`id="trust-size">2<`,                  // bob and carol
		"€200",                                // the pool: their two pledges
		"€0 of €150 committed",                // carol's need: the progress is commitments
		`class="percent">0%<`,                 // as the chat card's bar says
		"intended €100 (66% with intentions)", // intentions beside it, not in it
		"missing €150",                        // what still needs a commitment
		`href="`+pageOfNeed(h.need)+`"`,       // its page
		`class="seg committed w0"`,            // nothing committed yet
		`class="seg intended w65"`,            // 100 of 150 intended: 66% in 5% steps
		"Friends",                             // the circle
		"monthly support",                     // carol's need's kind
	)
	// bob's trust list is alice directly and carol through her.
	mustShow(t, "bob's dashboard", h.login(bob).get("/"), `id="trust-size">2<`, "1 direct")
	// dave sees no need: carol shares no circle with him.
	dave := h.login(dave).get("/")
	mustShow(t, "dave's dashboard", dave, `id="trust-size">0<`, "Nobody in your circles needs help")
	if strings.Contains(dave.Body, pageOfNeed(h.need)) {
		t.Errorf("dave sees carol's need:\n%s", dave.Body)
	}
}

func TestPagesInRussian(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	sw := b.get("/lang?lang=ru&back=/my")
	if sw.StatusCode != http.StatusSeeOther || sw.Header.Get("Location") != "/my" {
		t.Fatalf("switch: %d %q", sw.StatusCode, sw.Header.Get("Location"))
	}
	mustShow(t, "dashboard in Russian", b.get("/"), `lang="ru"`, "Главная", "Трастовый список",
		"обязательства: 0\u00a0€ из 150\u00a0€", "намерения 100\u00a0€ (66% вместе с намерениями)", "Нужды в вашей сети", "Выйти")
	mustShow(t, "need in Russian", b.get(pageOfNeed(h.need)), "Намерение", "Обязаться")
	mustShow(t, "calendar in Russian", b.get("/calendar"), "Ноябрь 2026", "Пн")
	mustShow(t, "profile in Russian", b.get("/profile"), "Реквизиты", "Уведомления")
	// An action from a Russian page is answered in Russian.
	if r := b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {"5"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("intend: %d", r.StatusCode)
	}
	if req := h.lastAct(); req.Lang != ledger.LangRU {
		t.Errorf("request language %q", req.Lang)
	}
	mustShow(t, "flash in Russian", b.get(pageOfNeed(h.need)+"?done=intend"), "Ваше намерение записано")
	// And back to English.
	b.get("/lang?lang=en&back=/")
	mustShow(t, "dashboard in English", b.get("/"), `lang="en"`, "Dashboard", "Trust list")
}

func TestLanguageFollowsTheChat(t *testing.T) {
	h := newHarness(t)
	if err := h.svc.Members.SetLang(h.ctx, h.act(bob), ledger.LangRU); err != nil {
		t.Fatal(err)
	}
	mustShow(t, "bob's dashboard", h.login(bob).get("/"), `lang="ru"`, "Главная")
}

func TestPagesNeedASession(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	for _, p := range append(pagePaths(h), "/network.svg", "/export.csv", circlePageURL+"/export.json") {
		r := b.get(p)
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s without a session: status %d", p, r.StatusCode)
			continue
		}
		mustShow(t, p, r, "To log in, write `web` to the bot @exodus:test")
	}
	r := b.post(pageOfNeed(h.need)+"/intend", url.Values{"amount": {"20"}})
	if r.StatusCode != http.StatusUnauthorized {
		t.Errorf("a post without a session: %d", r.StatusCode)
	}
	if n := len(h.actor.requests()); n != 0 {
		t.Errorf("the actor got %d requests", n)
	}
}

func TestCirclePage(t *testing.T) {
	h := newHarness(t)
	page := h.login(alice).get(circlePageURL)
	mustShow(t, "circle page", page, "Friends", "€100", string(bob), string(carol),
		"your guarantor", circlePageURL+"/export.csv", circlePageURL+"/export.json", "€0 of €150 committed")
	l, err := h.svc.Aid.CircleLedger(h.ctx, circle)
	if err != nil {
		t.Fatal(err)
	}
	mustShow(t, "circle page", page, l.Digest())
	// The room ID and the digest are for the curious: in a section folded
	// away ("advanced"), nowhere else but in links.
	start := strings.Index(page.Body, `<details class="panel advanced"`)
	end := strings.Index(page.Body[max(start, 0):], `</details>`) + max(start, 0)
	if start < 0 || end < start {
		t.Fatalf("no advanced section on the circle page:\n%s", page.Body)
	}
	advanced := page.Body[start:end]
	if strings.Contains(page.Body[start:strings.Index(page.Body[start:], ">")+start], " open") {
		t.Error("the advanced section is open by default")
	}
	outside := regexp.MustCompile(`href="[^"]*"`).ReplaceAllString(page.Body[:start]+page.Body[end:], "")
	for _, v := range []string{string(circle), l.Digest()} {
		if !strings.Contains(advanced, v) || strings.Contains(outside, v) {
			t.Errorf("%s should show in the advanced section only:\n%s", v, page.Body)
		}
	}
	// bob's direct guarantor is alice, not carol.
	bobs := h.login(bob).get(circlePageURL)
	if strings.Count(bobs.Body, `class="tag direct"`) != 1 {
		t.Errorf("bob should see one direct guarantor:\n%s", bobs.Body)
	}
}

func TestCirclePageRefusesANonMember(t *testing.T) {
	h := newHarness(t)
	b := h.login(dave)
	for _, p := range []string{circlePageURL, circlePageURL + "/export.csv", circlePageURL + "/export.json"} {
		r := b.get(p)
		if r.StatusCode != http.StatusForbidden {
			t.Errorf("%s for dave: status %d\n%s", p, r.StatusCode, r.Body)
		}
	}
	mustShow(t, "refusal", b.get(circlePageURL), "not a member of that circle")
	if r := b.get("/circles/" + url.PathEscape("!nowhere:test")); r.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown circle: status %d", r.StatusCode)
	}
	// Nor may dave open carol's need, or act on it.
	if r := b.get(pageOfNeed(h.need)); r.StatusCode != http.StatusNotFound {
		t.Errorf("carol's need for dave: status %d", r.StatusCode)
	}
	if r := b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {"5"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("dave intends on carol's need: status %d", r.StatusCode)
	}
	if n := len(h.actor.requests()); n != 0 {
		t.Errorf("the actor got %d requests", n)
	}
}

func TestExports(t *testing.T) {
	h := newHarness(t)
	b := h.login(bob)
	for _, p := range []string{"/export.csv", "/export.json", circlePageURL + "/export.csv", circlePageURL + "/export.json"} {
		r := b.get(p)
		if r.StatusCode != http.StatusOK || r.Body == "" {
			t.Errorf("%s: status %d\n%s", p, r.StatusCode, r.Body)
		}
	}
}

func TestIntendFromTheNeedPage(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	page := b.get(pageOfNeed(h.need))
	mustShow(t, "need page", page, `action="`+pageOfNeed(h.need)+`/intend"`, `name="amount"`, "Intend", "Commit",
		"€0 of €150 committed", "intended €100 (66% with intentions)", `id="fig-missing">€150<`)
	r := b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {"20"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("intend: status %d\n%s", r.StatusCode, r.Body)
	}
	if loc := r.Header.Get("Location"); loc != pageOfNeed(h.need)+"?done=intend" {
		t.Errorf("intend: back to %q", loc)
	}
	req := h.lastAct()
	want := ledger.Request{Member: alice, Need: h.need, Command: ledger.Command{Verb: ledger.VerbIntend, Amount: cents(2000)}}
	if req.Member != want.Member || req.Need != want.Need || req.Circle != "" || req.Command != want.Command || req.Lang != ledger.LangEN {
		t.Errorf("request %+v, want %+v", req, want)
	}
	after := b.get(r.Header.Get("Location"))
	mustShow(t, "need page after", after, "intended €120 (80% with intentions)", "Your intention is recorded",
		"Your promise: €20 (intention)")
	// An empty amount is the default: the fake's 100 EUR, capped at what is
	// missing.
	r = b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {""}})
	if r.StatusCode != http.StatusSeeOther || !h.lastAct().Command.Amount.IsZero() {
		t.Fatalf("intend the default: %d %+v", r.StatusCode, h.lastAct())
	}
}

func TestBadAmountIsRefusedOnThePage(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	for _, bad := range []string{"abc", "-5", "0", "12.345", "5 XYZ"} {
		r := b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {bad}, "form": {"intend"}})
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("amount %q: status %d", bad, r.StatusCode)
			continue
		}
		mustShow(t, "bad amount "+bad, r, `class="flash error"`, "€0 of €150 committed")
	}
	r := b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {"abc"}, "form": {"intend"}})
	mustShow(t, "bad amount", r, "“abc” is not an amount", `value="abc"`)
	if n := len(h.actor.requests()); n != 0 {
		t.Errorf("the actor got %d requests", n)
	}
}

func TestRefusedActionShowsWhy(t *testing.T) {
	h := newHarness(t)
	b := h.login(carol)
	// carol may not promise toward her own need: the page offers no form,
	// and a forged post comes back refused, with the ledger's status.
	if own := b.get(pageOfNeed(h.need)); strings.Contains(own.Body, "/intend\"") {
		t.Errorf("carol is offered to intend on her own need:\n%s", own.Body)
	}
	r := b.postForm(pageOfNeed(h.need)+"/intend", url.Values{"amount": {"5"}})
	if r.StatusCode < 400 || r.StatusCode == http.StatusInternalServerError {
		t.Fatalf("carol intends on her own need: status %d\n%s", r.StatusCode, r.Body)
	}
	mustShow(t, "refusal", r, `class="flash error"`, "refused: en:")
	if v, _ := h.svc.Aid.Need(h.ctx, h.need); v.Totals.Intended != cents(10000) {
		t.Errorf("the need changed: %+v", v.Totals)
	}
}

func TestPromiseLifecycleFromThePages(t *testing.T) {
	h := newHarness(t)
	bb := h.login(bob)
	// bob commits his intention from his list, then marks it sent.
	mustShow(t, "bob's promises", bb.get("/my"), "Intentions", "€100", `action="`+pageOfNeed(h.need)+`/commit"`)
	r := bb.postForm(pageOfNeed(h.need)+"/commit", url.Values{"back": {"/my"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/my?done=commit" {
		t.Fatalf("commit: %d %q\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	if req := h.lastAct(); req.Command.Verb != ledger.VerbCommit || req.Need != h.need || !req.Command.Amount.IsZero() {
		t.Errorf("commit request %+v", req)
	}
	mustShow(t, "bob's promises", bb.get("/my"), "Commitments", `action="`+pageOfNeed(h.need)+`/sent"`)
	if r := bb.postForm(pageOfNeed(h.need)+"/sent", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("sent: %d\n%s", r.StatusCode, r.Body)
	}
	// carol sees it to confirm and confirms it, naming bob.
	cb := h.login(carol)
	mustShow(t, "carol's pending", cb.get("/pending"), "Marked sent to you", "bob", `name="giver" value="@bob:test"`)
	mustShow(t, "carol's tome", cb.get("/tome"), "Sent, awaiting confirmation")
	r = cb.postForm(pageOfNeed(h.need)+"/got", url.Values{"giver": {string(bob)}, "back": {"/pending"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("got: %d\n%s", r.StatusCode, r.Body)
	}
	if req := h.lastAct(); req.Member != carol || req.Command.Verb != ledger.VerbGot || req.Command.User != bob || req.Need != h.need {
		t.Errorf("got request %+v", req)
	}
	mustShow(t, "carol's pending after", cb.get("/pending?done=got"), "Receipt confirmed", "Nothing here.")
	mustShow(t, "bob's archive", bb.get("/archive"), "Given by you", "€100")
	// A giver who made no promise cannot be named.
	r = cb.postForm(pageOfNeed(h.need)+"/got", url.Values{"giver": {string(dave)}})
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("got from dave: %d", r.StatusCode)
	}
}

func TestStatusForm(t *testing.T) {
	h := newHarness(t)
	b := h.login(bob)
	r := b.postForm("/status", url.Values{"status": {"red"}, "amount": {"300"}, "days": {"7"}, "back": {"/"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/?done=status" {
		t.Fatalf("status red: %d %q\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	req := h.lastAct()
	if c := req.Command; c.Verb != ledger.VerbStatus || c.Status != ledger.StatusRed || c.Amount != cents(30000) || c.Days != 7 || req.Member != bob {
		t.Errorf("status request %+v", req)
	}
	mustShow(t, "bob's dashboard", b.get("/?done=status"), "Your status is changed", "red (I need emergency help)",
		"€0 of €300 committed")
	// Bad days or a missing amount are refused on the page.
	n := len(h.actor.requests())
	r = b.postForm("/status", url.Values{"status": {"red"}, "amount": {"300"}, "days": {"99"}, "back": {"/profile"}, "form": {"status"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("99 days: %d", r.StatusCode)
	}
	mustShow(t, "99 days", r, "not a number of days from 1 to 31", `value="99"`, "Profile")
	r = b.postForm("/status", url.Values{"status": {"orange"}, "back": {"/"}})
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("orange without an amount: %d", r.StatusCode)
	}
	mustShow(t, "orange without an amount", r, "Write an amount", "Needs in your network")
	if len(h.actor.requests()) != n {
		t.Error("a refused form reached the actor")
	}
	r = b.postForm("/status", url.Values{"status": {"green"}})
	if req := h.lastAct(); r.StatusCode != http.StatusSeeOther || req.Command.Status != ledger.StatusGreen || !req.Command.Amount.IsZero() {
		t.Errorf("green: %d %+v", r.StatusCode, req)
	}
}

func TestProfileForms(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	post := func(path string, form url.Values) ledger.Request {
		t.Helper()
		r := b.postForm(path, form)
		if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/profile?done=") {
			t.Fatalf("%s %v: %d %q\n%s", path, form, r.StatusCode, r.Header.Get("Location"), r.Body)
		}
		return h.lastAct()
	}
	if req := post("/profile/about", url.Values{"about": {"I bake bread"}}); req.Command.Verb != ledger.VerbAbout || req.Command.Text != "I bake bread" {
		t.Errorf("about: %+v", req)
	}
	req := post("/profile/requisites", url.Values{"op": {"add"}, "text": {"IBAN DE00 1234"}})
	if req.Command.Verb != ledger.VerbRequisites || req.Command.Requisites != ledger.RequisitesAdd || req.Command.Text != "IBAN DE00 1234" {
		t.Errorf("requisites add: %+v", req)
	}
	req = post("/profile/requisites", url.Values{"op": {"default"}, "n": {"2"}})
	if req.Command.Requisites != ledger.RequisitesDefault || req.Command.Index != 2 {
		t.Errorf("requisites default: %+v", req)
	}
	req = post("/profile/requisites", url.Values{"op": {"remove"}, "n": {"1"}})
	if req.Command.Requisites != ledger.RequisitesRemove || req.Command.Index != 1 {
		t.Errorf("requisites remove: %+v", req)
	}
	req = post("/profile/notices", url.Values{"kind": {"reminder"}, "mute": {"1"}})
	if req.Command.Verb != ledger.VerbMute || req.Command.Notice != ledger.NoticeReminder {
		t.Errorf("mute: %+v", req)
	}
	req = post("/profile/notices", url.Values{"kind": {"reminder"}, "mute": {"0"}})
	if req.Command.Verb != ledger.VerbUnmute || req.Command.Notice != ledger.NoticeReminder {
		t.Errorf("unmute: %+v", req)
	}
	req = post("/profile/timezone", url.Values{"timezone": {"Europe/Belgrade"}})
	if req.Command.Verb != ledger.VerbZone || req.Command.Zone != "Europe/Belgrade" || req.Command.ZoneReset {
		t.Errorf("timezone: %+v", req)
	}
	req = post("/profile/timezone", url.Values{"timezone": {""}})
	if req.Command.Verb != ledger.VerbZone || !req.Command.ZoneReset {
		t.Errorf("timezone reset: %+v", req)
	}
	mustShow(t, "profile after timezone", b.get("/profile?done=zone"), "Time zone changed", `name="timezone"`)
	req = post("/profile/lang", url.Values{"lang": {"ru"}})
	if req.Command.Verb != ledger.VerbLang || req.Command.Target != ledger.LangRU {
		t.Errorf("lang: %+v", req)
	}
	// The pages follow the language chosen.
	mustShow(t, "profile after lang", b.get("/profile?done=lang"), "Язык изменён", `lang="ru"`)

	// Bad input changes nothing.
	n := len(h.actor.requests())
	for _, bad := range []struct {
		path string
		form url.Values
	}{
		{"/profile/about", url.Values{"about": {strings.Repeat("x", ledger.MaxAboutRunes+1)}}},
		{"/profile/about", url.Values{"about": {"evil\u202Etext"}}},
		{"/profile/requisites", url.Values{"op": {"default"}, "n": {"9"}}},
		{"/profile/requisites", url.Values{"op": {"launch"}}},
		{"/profile/notices", url.Values{"kind": {"everything"}, "mute": {"1"}}},
		{"/profile/lang", url.Values{"lang": {"fr"}}},
	} {
		if r := b.postForm(bad.path, bad.form); r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s %v: status %d", bad.path, bad.form, r.StatusCode)
		}
	}
	if len(h.actor.requests()) != n {
		t.Error("bad input reached the actor")
	}
	page := b.get("/profile")
	mustShow(t, "profile", page, "reminder", "Реквизиты", `name="kind" value="digest"`)
}

func TestKassaPage(t *testing.T) {
	h := newHarness(t)
	b := h.login(alice)
	mustShow(t, "kassa", b.get("/kassa"), "Kassa", "nothing yet", `action="/kassa/declare"`, `action="/kassa/claim"`)
	mustShow(t, "kassa", b.get("/kassa"), `<select name="circle">`, `<option value="`+string(circle)+`"`)
	r := b.postForm("/kassa/declare", url.Values{"circle": {string(circle)}, "amount": {"50"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("declare: %d\n%s", r.StatusCode, r.Body)
	}
	if req := h.lastAct(); req.Command.Verb != ledger.VerbKassa || req.Command.Amount != cents(5000) || req.Circle != circle {
		t.Errorf("declare request %+v", req)
	}
	h.login(bob).postForm("/kassa/declare", url.Values{"amount": {"30"}}) // his only circle
	if req := h.lastAct(); req.Circle != circle {
		t.Errorf("bob's declare request %+v", req)
	}
	mustShow(t, "kassa after", b.get("/kassa"), "Friends, declared (EUR)", "€80", "2 members",
		"<strong>€50</strong>, asked this month €0, €50 left")
	// dave is in no circle: nothing to declare for.
	if r := h.login(dave).postForm("/kassa/declare", url.Values{"amount": {"30"}}); r.StatusCode != http.StatusConflict {
		t.Errorf("dave declares: %d", r.StatusCode)
	}

	// carol claims in the circle; alice approves it from the kassa page.
	cb := h.login(carol)
	r = cb.postForm("/kassa/claim", url.Values{"circle": {string(circle)}, "amount": {"40"}, "reason": {"rent"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim: %d\n%s", r.StatusCode, r.Body)
	}
	req := h.lastAct()
	if req.Circle != circle || req.Command.Verb != ledger.VerbClaim || req.Command.Amount != cents(4000) || req.Command.Text != "rent" {
		t.Errorf("claim request %+v", req)
	}
	mustShow(t, "carol's kassa", cb.get("/kassa"), "Your claims", "awaiting approval")
	page := b.get("/kassa")
	mustShow(t, "alice's kassa", page, "Claims awaiting approval", "/approve")
	var id ledger.NeedID
	_ = h.svc.Aid.View(h.ctx, func(bk *ledger.Book) error {
		for _, n := range bk.NeedsOf(carol) {
			if n.Kind == ledger.NeedClaim {
				id = n.ID
			}
		}
		return nil
	})
	r = b.postForm(pageOfNeed(id)+"/approve", url.Values{"back": {"/kassa"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/kassa?done=approve" {
		t.Fatalf("approve: %d %q\n%s", r.StatusCode, r.Header.Get("Location"), r.Body)
	}
	if req := h.lastAct(); req.Command.Verb != ledger.VerbApprove || req.Need != id || req.Circle != circle {
		t.Errorf("approve request %+v", req)
	}
	mustShow(t, "alice's kassa after", b.get("/kassa"), "Claims being shared", "asked this month €25, €25 left")
	// A claim in a circle one is not in is refused.
	r = h.login(dave).postForm("/kassa/claim", url.Values{"circle": {string(circle)}, "amount": {"40"}, "reason": {"rent"}})
	if r.StatusCode != http.StatusForbidden {
		t.Errorf("dave claims in the circle: %d", r.StatusCode)
	}
}

func TestInitiativePage(t *testing.T) {
	h := newHarness(t)
	out := h.do(ledger.Op{Kind: ledger.OpInitiative, Actor: bob, Amount: cents(50000), Text: "A new roof",
		Circle: circle, Until: time.Date(2026, 12, 10, 0, 0, 0, 0, time.UTC)})
	id := out.Need.ID
	path := "/initiatives/" + url.PathEscape(string(id))
	b := h.login(alice)
	mustShow(t, "dashboard", b.get("/"), "A new roof", path)
	page := b.get(path)
	mustShow(t, "initiative", page, "A new roof", "€500", "16 days left", "Not funded yet.", "Intend")
	if r := b.postForm(path+"/intend", url.Values{"amount": {"500"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("intend: %d\n%s", r.StatusCode, r.Body)
	}
	mustShow(t, "initiative after", b.get(path), "Intentions reached the price")
	// The calendar shows its deadline (the 9th, its last day).
	cal := b.get("/calendar?month=2026-12")
	mustShow(t, "calendar", cal, `data-day="2026-12-09"`, "A new roof · €500", "Initiative deadline")
	// Its initiator marks it done with a report.
	bb := h.login(bob)
	mustShow(t, "initiator's page", bb.get(path), `action="`+path+`/done"`)
	if r := bb.postForm(path+"/done", url.Values{"report": {"The roof is on."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("done: %d\n%s", r.StatusCode, r.Body)
	}
	if req := h.lastAct(); req.Command.Verb != ledger.VerbDone || req.Command.Text != "The roof is on." || req.Need != id {
		t.Errorf("done request %+v", req)
	}
	mustShow(t, "done initiative", bb.get(path), "The roof is on.", "Done on")
	// A need that is no initiative has no initiative page.
	if r := b.get("/initiatives/" + url.PathEscape(string(h.need))); r.StatusCode != http.StatusNotFound {
		t.Errorf("carol's need as an initiative: %d", r.StatusCode)
	}
}

func TestCalendar(t *testing.T) {
	h := newHarness(t)
	// bob commits: due at the end of November.
	h.do(ledger.Op{Kind: ledger.OpCommit, Actor: bob, Need: h.need, Default: cents(10000)})
	b := h.login(bob)
	page := b.get("/calendar")
	mustShow(t, "calendar", page, "November 2026", `href="/calendar?month=2026-10"`, `href="/calendar?month=2026-12"`,
		"Your commitment is due: ", "€100 → carol", "Monthly reminder", `day today" data-day="2026-11-24"`)
	// The commitment is on the 30th, the reminder 3 days before the month ends.
	i := strings.Index(page.Body, `data-day="2026-11-30"`)
	j := strings.Index(page.Body, `data-day="2026-12-01"`)
	if i < 0 || j < i || !strings.Contains(page.Body[i:j], "ev-commitment") {
		t.Errorf("no commitment on the 30th")
	}
	i = strings.Index(page.Body, `data-day="2026-11-28"`)
	j = strings.Index(page.Body, `data-day="2026-11-29"`)
	if i < 0 || j < i || !strings.Contains(page.Body[i:j], "ev-reminder") {
		t.Errorf("no reminder on the 28th")
	}
	for _, bad := range []string{"2026-13", "november", "2026-1", "0000-00", "2026-11-01"} {
		r := b.get("/calendar?month=" + url.QueryEscape(bad))
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("month %q: status %d", bad, r.StatusCode)
		}
	}
}

func TestNetworkPage(t *testing.T) {
	h := newHarness(t)
	b := h.login(bob)
	mustShow(t, "network", b.get("/network"), `<img src="/network.svg"`, "Direct (1)", "Indirect (1)",
		string(alice), string(carol), "Whom you help (1):")
	svg := b.get("/network.svg")
	if svg.StatusCode != http.StatusOK || svg.Header.Get("Content-Type") != "image/svg+xml; charset=utf-8" {
		t.Fatalf("svg: %d %q", svg.StatusCode, svg.Header.Get("Content-Type"))
	}
	mustShow(t, "svg", svg, `<svg xmlns="http://www.w3.org/2000/svg"`, `class="node me"`, `class="node direct" data-id="@alice:test"`,
		`class="node indirect" data-id="@carol:test"`, "direct (1)")
}
