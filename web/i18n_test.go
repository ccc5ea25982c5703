package web

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/locale"
)

// placeholder matches a fmt verb of a message: %[1]v, %[2]q, %v...
var placeholder = regexp.MustCompile(`%(\[[0-9]+\])?[a-z]`)

// placeholders lists a message's verbs, sorted.
func placeholders(m string) []string {
	ps := placeholder.FindAllString(m, -1)
	sort.Strings(ps)
	return ps
}

func TestCataloguesMatch(t *testing.T) {
	for _, l := range ledger.Langs {
		if _, ok := catalogues[l]; !ok {
			t.Errorf("the language %q has no words", l)
		}
	}
	for l, words := range catalogues {
		for k, en := range wordsEN {
			tr, ok := words[k]
			if !ok {
				t.Errorf("%q has no %s", k, l)
				continue
			}
			if pe, pt := placeholders(en), placeholders(tr); !slices.Equal(pe, pt) {
				t.Errorf("%q: placeholders %v in English, %v in %s", k, pe, pt, l)
			}
			if tr == "" {
				t.Errorf("%s %q is empty", l, k)
			}
		}
		for k := range words {
			if _, ok := wordsEN[k]; !ok {
				t.Errorf("%s %q has no English", l, k)
			}
		}
	}
}

// TestSerbianIsTranslated: the Serbian words are not the English ones
// copied, save for the few that are the same in both (a name, a symbol, a
// placeholder alone).
func TestSerbianIsTranslated(t *testing.T) {
	same := 0
	for k, en := range wordsEN {
		if wordsSR[k] == en {
			same++
			if words := placeholder.ReplaceAllString(en, ""); !strings.ContainsAny(words, "aeiou") || len([]rune(words)) <= 7 {
				continue // "Exodus", "Status", "🔴", "%[1]v min", "Bot: %[1]v"
			}
			t.Errorf("%q is the English text in Serbian: %q", k, en)
		}
	}
	if same > 20 {
		t.Errorf("%d Serbian words are the English ones", same)
	}
}

// templateKey matches a literal key of the t function in a template:
// {{t .Lang "key"}}, (t $L "key" ...).
var templateKey = regexp.MustCompile(`\bt \$?[A-Za-z.]*\s+"([^"]+)"`)

// templatePrefix matches a key built in a template: (print "state." .State).
var templatePrefix = regexp.MustCompile(`\(print "([a-z_]+\.)`)

func TestEveryTemplateWordExists(t *testing.T) {
	names, err := fs.Glob(templatesFS, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("templates: %v %v", names, err)
	}
	used, prefixes := 0, map[string]bool{}
	for _, n := range names {
		b, err := templatesFS.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			used++
			for l, words := range catalogues {
				if _, ok := words[m[1]]; !ok {
					t.Errorf("%s: %q is not in the %s words", n, m[1], l)
				}
			}
		}
		for _, m := range templatePrefix.FindAllStringSubmatch(string(b), -1) {
			prefixes[m[1]] = true
		}
	}
	if used < 100 {
		t.Errorf("only %d words found in the templates: is the pattern right?", used)
	}
	// The keys templates build: each family must be whole.
	families := map[string][]string{"month.": {}, "wd.": {}}
	for i := 1; i <= 12; i++ {
		families["month."] = append(families["month."], fmt.Sprint(i))
	}
	for i := 1; i <= 7; i++ {
		families["wd."] = append(families["wd."], fmt.Sprint(i))
	}
	for _, s := range []ledger.PromiseState{ledger.PromiseIntention, ledger.PromiseCommitment, ledger.PromiseSent,
		ledger.PromiseFulfilled, ledger.PromiseWithdrawn, ledger.PromiseForgiven, ledger.PromiseReleased,
		ledger.PromiseSetAside, ledger.PromiseExpired} {
		families["state."] = append(families["state."], string(s))
	}
	for _, k := range []ledger.NeedKind{ledger.NeedOrange, ledger.NeedRed, ledger.NeedInitiative, ledger.NeedClaim} {
		families["kind."] = append(families["kind."], string(k))
	}
	for _, s := range []ledger.NeedState{ledger.NeedOpen, ledger.NeedClosed, ledger.NeedArchived, ledger.NeedExpired,
		ledger.NeedDone, ledger.NeedProposed, ledger.NeedSuspended} {
		families["need_state."] = append(families["need_state."], string(s))
	}
	for _, s := range []ledger.Status{ledger.StatusGreen, ledger.StatusOrange, ledger.StatusRed} {
		families["light."] = append(families["light."], string(s))
	}
	for _, k := range ledger.NoticeKinds {
		families["notice."] = append(families["notice."], string(k))
	}
	for _, k := range []string{"red", "initiative", "commitment", "reminder"} {
		families["calendar."] = append(families["calendar."], k)
		families["calendar.short_"] = append(families["calendar.short_"], k)
	}
	for p := range prefixes {
		if _, ok := families[p]; !ok && p != "calendar.short_" {
			t.Errorf("templates build keys %q… that no family lists", p)
		}
	}
	// What the handlers name: page titles and intros, sections, flashes.
	for _, nav := range []string{"my", "tome", "pending", "archive"} {
		families[nav+"."] = []string{"title", "intro"}
	}
	for _, k := range byState {
		families["section."] = append(families["section."], k.key[len("section."):])
	}
	families["section."] = append(families["section."], "awaiting", "given", "received", "owed_by", "owed_to")
	for action := range needActions {
		families["done."] = append(families["done."], action)
	}
	families["done."] = append(families["done."], "status", "kassa", "claim", "about", "requisites_add",
		"requisites_default", "requisites_remove", "lang", "mute", "unmute")
	families["network."] = []string{"picture", "legend_me", "legend_direct", "legend_indirect", "more"}
	for _, title := range []string{"dashboard", "need", "circle", "kassa", "profile", "calendar", "network", "error", "welcome", "login"} {
		families[title+"."] = append(families[title+"."], "title")
	}
	for p, ks := range families {
		for _, k := range ks {
			for l, words := range catalogues {
				if _, ok := words[p+k]; !ok {
					t.Errorf("%q is not in the %s words", p+k, l)
				}
			}
		}
	}
}

func TestWebErrorsAreExplained(t *testing.T) {
	// The web's own refusals have words; an input error of the ledger too,
	// with its arguments filled in.
	s := &explainer{}
	for _, err := range []error{
		ledger.Errorf(ledger.EInvalid, "amount.malformed", "abc"),
		ledger.Errorf(ledger.EInvalid, "cmd.bad_days", "99", ledger.MaxRedDays),
		ledger.Errorf(ledger.ENotFound, "page.no_need"),
		ledger.Errorf(ledger.EForbidden, "page.not_member"),
		ledger.Errorf(ledger.EInvalid, "calendar.bad_month", "x"),
		ledger.Errorf(ledger.EInvalid, "form.amount_missing"),
	} {
		for _, l := range ledger.Langs {
			m := s.errorMessage(l, err)
			if m == "" || placeholder.MatchString(m) || regexp.MustCompile(`%!`).MatchString(m) {
				t.Errorf("%s %v: %q", l, err, m)
			}
		}
	}
}

// TestPluralSelectors: every plural selector of the pages' catalogues
// gives the forms of its language's CLDR categories, and renders a count.
func TestPluralSelectors(t *testing.T) {
	for l, cat := range catalogues {
		for k, m := range cat {
			for _, sel := range locale.Selectors(m) {
				if len(sel) != locale.Forms(l) {
					t.Errorf("%s %q: selector %v has %d forms, want %d", l, k, sel, len(sel), locale.Forms(l))
				}
			}
		}
	}
	for _, c := range []struct {
		l    ledger.Lang
		key  string
		n    int
		want string
	}{
		{ledger.LangRU, "kassa.members", 21, "21 участник"},
		{ledger.LangRU, "kassa.members", 3, "3 участника"},
		{ledger.LangRU, "card.days_left", 5, "осталось 5 дней"},
		{ledger.LangRU, "card.days_left", 1, "остался 1 день"},
		{ledger.LangEN, "card.days_left", 1, "1 day left"},
		{ledger.LangEN, "kassa.members", 2, "2 members"},
		{ledger.LangSR, "kassa.members", 1, "1 član"},
		{ledger.LangSR, "kassa.members", 21, "21 član"},
		{ledger.LangSR, "kassa.members", 3, "3 člana"},
		{ledger.LangSR, "kassa.members", 12, "12 članova"},
		{ledger.LangSR, "kassa.members", 5, "5 članova"},
		{ledger.LangSR, "card.days_left", 1, "još 1 dan"},
		{ledger.LangSR, "card.days_left", 1234, "još 1.234 dana"},
	} {
		if got := trf(c.l, c.key, c.n); got != c.want {
			t.Errorf("%s %s %d: %q, want %q", c.l, c.key, c.n, got, c.want)
		}
	}
}

// Counts on the pages are grouped as in the chat ("1,234"; "1 234"), in
// messages (plural forms still chosen by the number) and by num.
func TestCountsAreGrouped(t *testing.T) {
	if got, want := trf(ledger.LangEN, "api.too_large", 1048576), "The request body is too large (at most 1,048,576 bytes)."; got != want {
		t.Errorf("EN: %q, want %q", got, want)
	}
	if got := trf(ledger.LangRU, "card.days_left", 1234); !strings.Contains(got, "1\u00a0234") {
		t.Errorf("RU: %q lacks a grouped 1 234", got)
	}
	if got := trf(ledger.LangEN, "card.days_left", 1); got != "1 day left" {
		t.Errorf("EN singular: %q", got)
	}
	if got := num(ledger.LangEN, 12345); got != "12,345" {
		t.Errorf("num: %q", got)
	}
}

// TestBrowserAsksForSerbian: a visitor whose browser asks for Serbian (in
// either script) reads the pages in Serbian before logging in.
func TestBrowserAsksForSerbian(t *testing.T) {
	for header, want := range map[string]ledger.Lang{
		"sr-Latn-RS,sr;q=0.9": ledger.LangSR, "sr": ledger.LangSR, "ru-RU": ledger.LangRU, "de": ledger.LangEN,
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Language", header)
		if l := browserLang(req); l != want {
			t.Errorf("Accept-Language %q: %q, want %q", header, l, want)
		}
	}
}
