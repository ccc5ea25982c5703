package bot_test

// This test reads the web server too (test-only, as the bot's tests open
// a real store): the chat card, the web page and the API must show the
// same figures and dates of a need, the ledger's Progress.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
	"github.com/exodus-matrix/exodus/web"
)

// shownNumbers are a need's percent, missing amount and last day as one
// rendering shows them.
type shownNumbers struct {
	Percent, PercentPromised int
	Missing                  int64
	LastDay                  string
}

// latestCard is the text and data of card as last sent (its latest edit).
func latestCard(msgs []sentMessage, card id.EventID) (string, map[string]any) {
	var text string
	var data map[string]any
	for _, m := range msgs {
		content := m.Content
		if m.ID != card {
			rel, _ := m.Content["m.relates_to"].(map[string]any)
			fresh, _ := m.Content["m.new_content"].(map[string]any)
			if rel["rel_type"] != "m.replace" || rel["event_id"] != string(card) || fresh == nil {
				continue
			}
			content = fresh
		}
		text, _ = content["body"].(string)
		n, _ := content[botNamespace].(map[string]any)
		data, _ = n["data"].(map[string]any)
	}
	return text, data
}

const botNamespace = "org.exodus"

// chatNumbers reads the numbers off a need card: its data, checked
// against what its text says.
func chatNumbers(t *testing.T, text string, data map[string]any, kind ledger.NeedKind) shownNumbers {
	t.Helper()
	pct, _ := data["percent"].(float64)
	promised, _ := data["percent_promised"].(float64)
	last, _ := data["last_day"].(string)
	n := shownNumbers{Percent: int(pct), PercentPromised: int(promised), Missing: int64(minor(data, "missing")), LastDay: last}
	missing := ledger.Amount{Minor: n.Missing, Currency: "EUR"}
	wants := []string{fmt.Sprintf("` %d%%", n.Percent), "missing " + locale.Amount(ledger.LangEN, missing)}
	if kind == ledger.NeedInitiative {
		wants = append(wants, fmt.Sprintf("` %d%%", n.PercentPromised))
	}
	if last != "" {
		day, err := time.Parse("2006-01-02", last)
		if err != nil {
			t.Fatalf("last day %q: %v", last, err)
		}
		wants = append(wants, "by "+locale.Date(ledger.LangEN, day))
	}
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("the chat card lacks %q:\n%s", w, text)
		}
	}
	return n
}

var (
	pagePercentRe  = regexp.MustCompile(`class="percent">(\d+)%<`)
	pagePromisedRe = regexp.MustCompile(`\((\d+)% with intentions\)`)
	pageMissingRe  = regexp.MustCompile(`id="fig-missing">€([\d,]+)(?:\.(\d\d))?<`)
	pageDeadlineRe = regexp.MustCompile(`id="fig-deadline">([A-Z][a-z]+ \d+, \d{4})`)
	pageDueRe      = regexp.MustCompile(`class="due">by ([A-Z][a-z]+ \d+, \d{4})`)
)

// pageNumbers reads the numbers off a need's web page.
func pageNumbers(t *testing.T, page string) shownNumbers {
	t.Helper()
	var n shownNumbers
	if m := pagePercentRe.FindStringSubmatch(page); m != nil {
		fmt.Sscan(m[1], &n.Percent)
	} else {
		t.Errorf("no percent on the page:\n%s", page)
	}
	if m := pagePromisedRe.FindStringSubmatch(page); m != nil {
		fmt.Sscan(m[1], &n.PercentPromised)
	}
	if m := pageMissingRe.FindStringSubmatch(page); m != nil {
		var whole, cents int64
		fmt.Sscan(strings.ReplaceAll(m[1], ",", ""), &whole)
		if m[2] != "" {
			fmt.Sscan(m[2], &cents)
		}
		n.Missing = whole*100 + cents
	} else {
		t.Errorf("no missing amount on the page:\n%s", page)
	}
	dl, due := pageDeadlineRe.FindStringSubmatch(page), pageDueRe.FindStringSubmatch(page)
	if (dl == nil) != (due == nil) || (dl != nil && dl[1] != due[1]) {
		t.Errorf("the page shows deadline %v in its figures and %v under its bar", dl, due)
	}
	if dl != nil {
		day, err := time.Parse("January 2, 2006", dl[1])
		if err != nil {
			t.Fatalf("deadline %q: %v", dl[1], err)
		}
		n.LastDay = day.Format("2006-01-02")
	}
	return n
}

// apiNumbers reads the numbers off the API's need.
func apiNumbers(t *testing.T, body []byte) shownNumbers {
	t.Helper()
	var j struct {
		Progress struct {
			Missing         struct{ Minor int64 } `json:"missing"`
			Percent         int                   `json:"percent"`
			PercentPromised int                   `json:"percent_promised"`
			LastDay         string                `json:"last_day"`
		} `json:"progress"`
	}
	if err := json.Unmarshal(body, &j); err != nil {
		t.Fatalf("API: %v: %s", err, body)
	}
	p := j.Progress
	return shownNumbers{Percent: p.Percent, PercentPromised: p.PercentPromised, Missing: p.Missing.Minor, LastDay: p.LastDay}
}

// webReader reads the web organizer over the same ledger as a member.
type webReader struct {
	t      *testing.T
	srv    *httptest.Server
	client *http.Client
	token  string
}

func newWebReader(w *aidWorld, u ledger.UserID) *webReader {
	t := w.t
	s, err := web.New(web.Config{BotUserID: "@exodus:test", RequestsPerMinute: 1000, FailedAuthLimit: 1000}, w.svc, w.webAccess(), w.bot.WebActor())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	act := func(n string) ledger.Action {
		return ledger.Action{Event: ledger.EventID("$web-" + n), Actor: u, At: w.svc.Now()}
	}
	link, _, err := w.webAccess().NewLoginLink(w.ctx, act("link"))
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := w.webAccess().NewToken(w.ctx, act("token"), "numbers", ledger.ScopeRead)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	r := &webReader{t: t, srv: srv, client: &http.Client{Jar: jar}, token: token}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{"t": {link}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	r.read(req)
	return r
}

func (r *webReader) read(req *http.Request) []byte {
	r.t.Helper()
	resp, err := r.client.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		r.t.Fatalf("%s %s: %d\n%s", req.Method, req.URL, resp.StatusCode, body)
	}
	return body
}

func (r *webReader) page(need ledger.NeedID, kind ledger.NeedKind) string {
	path := "/needs/"
	if kind == ledger.NeedInitiative {
		path = "/initiatives/"
	}
	req, _ := http.NewRequest(http.MethodGet, r.srv.URL+path+url.PathEscape(string(need)), nil)
	return string(r.read(req))
}

func (r *webReader) api(need ledger.NeedID) []byte {
	req, _ := http.NewRequest(http.MethodGet, r.srv.URL+"/api/v1/needs/"+url.PathEscape(string(need)), nil)
	req.Header.Set("Authorization", "Bearer "+r.token)
	return r.read(req)
}

// TestChatWebAndAPIShowTheSameNumbers makes an orange need with intentions
// and a commitment, a red collection and an initiative "by 2026-12-20"
// through the bot, and reads each one's chat card, web page and API
// answer: the percent (commitments of the target), the percent with
// intentions, what is missing and the last day are the same in all three,
// and are what the ledger's definition says.
func TestChatWebAndAPIShowTheSameNumbers(t *testing.T) {
	w := newAidWorld(t)
	k := w.sentCount()
	w.say(w.circle, alice, "!ex status orange 300")
	orangeCard, orange := w.cardOf(w.circle, "need", k)
	w.reply(w.circle, bob, orangeCard, "200")
	w.reply(w.circle, carol, orangeCard, "!ex commit 60")

	k = w.sentCount()
	w.say(w.circle, dave, "!ex status red 100 7")
	redCard, red := w.cardOf(w.circle, "need", k)
	w.reply(w.circle, bob, redCard, "!ex commit 25")

	k = w.sentCount()
	w.say(w.circle, carol, `!ex initiative "Roof" 500 by 2026-12-20`)
	initCard, initiative := w.cardOf(w.circle, "initiative", k)
	w.reply(w.circle, bob, initCard, "100")

	redDay := func() string {
		v, err := w.svc.Aid.Need(w.ctx, red)
		if err != nil {
			t.Fatal(err)
		}
		return v.Need.Deadline.UTC().Format("2006-01-02") // days from a time of day: that day
	}()
	reader := newWebReader(w, bob)
	for _, c := range []struct {
		name string
		need ledger.NeedID
		card id.EventID
		kind ledger.NeedKind
		want shownNumbers
	}{
		// 60 of 300 committed: 20%; with bob's 200 intended, 86%; 240 missing.
		{"orange", orange, orangeCard, ledger.NeedOrange, shownNumbers{20, 86, 24000, ""}},
		{"red", red, redCard, ledger.NeedRed, shownNumbers{25, 25, 7500, redDay}},
		// only intentions: 0% funded, 20% voted, the whole price missing,
		// and the day typed, not the 21st.
		{"initiative", initiative, initCard, ledger.NeedInitiative, shownNumbers{0, 20, 50000, "2026-12-20"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			text, data := latestCard(w.cli.messages(), c.card)
			chat := chatNumbers(t, text, data, c.kind)
			page := pageNumbers(t, reader.page(c.need, c.kind))
			api := apiNumbers(t, reader.api(c.need))
			if chat != c.want || page != c.want || api != c.want {
				t.Errorf("want %+v\nchat %+v\nweb  %+v\nAPI  %+v", c.want, chat, page, api)
			}
		})
	}
}

var pageDeadlineAtRe = regexp.MustCompile(`id="fig-deadline">([A-Z][a-z]+ \d+, \d{4}, \d+:\d\d\x{202f}[AP]M)`)

// TestChatAndWebShowAMembersDeadlineInTheirZone has carol, whose time
// zone is Pacific/Auckland (the cycle's is UTC), open an initiative "by
// 2026-12-21 08:00": her time, which is 19:00 UTC on December 20. The
// chat's answer to her and her web page show the same day and time, her
// own (December 21, 8:00 AM); the circle's card, read by everyone, shows
// it in the cycle's zone (December 20, 7:00 PM), as does the API's
// last_day (documented so).
func TestChatAndWebShowAMembersDeadlineInTheirZone(t *testing.T) {
	w := newAidWorld(t)
	w.say(dm(carol), carol, "!ex timezone Pacific/Auckland")
	k := w.sentCount()
	w.say(w.circle, carol, `!ex initiative "Boat" 500 by 2026-12-21 08:00`)
	initCard, initiative := w.cardOf(w.circle, "initiative", k)
	v, err := w.svc.Aid.Need(w.ctx, initiative)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 20, 19, 0, 0, 0, time.UTC); !v.Need.Deadline.Equal(want) {
		t.Fatalf("deadline %v, want %v (08:00 in Auckland)", v.Need.Deadline, want)
	}
	const herDue = "December 21, 8:00\u202fAM"
	var reply string
	for _, m := range w.cli.messages()[k:] {
		if body, _ := m.Content["body"].(string); strings.Contains(body, "Boat") && strings.Contains(body, "is open") {
			reply = body
		}
	}
	if !strings.Contains(reply, "by "+herDue) {
		t.Errorf("the chat's answer to carol lacks %q:\n%s", "by "+herDue, reply)
	}
	card, _ := latestCard(w.cli.messages(), initCard)
	if !strings.Contains(card, "by December 20, 7:00\u202fPM") {
		t.Errorf("the circle's card does not show the cycle's day and time:\n%s", card)
	}
	reader := newWebReader(w, carol)
	page := reader.page(initiative, ledger.NeedInitiative)
	m := pageDeadlineAtRe.FindStringSubmatch(page)
	if m == nil || m[1] != "December 21, 2026, "+strings.TrimPrefix(herDue, "December 21, ") {
		t.Errorf("carol's web page shows deadline %v, want her day and time %q:\n%s", m, herDue, page)
	}
	if api := apiNumbers(t, reader.api(initiative)); api.LastDay != "2026-12-20" {
		t.Errorf("API last_day %q, want the cycle's 2026-12-20", api.LastDay)
	}
}
