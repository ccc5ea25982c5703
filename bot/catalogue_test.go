package bot

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// placeholderRe matches a fmt verb, with or without an explicit argument
// index ("%[1]v", "%v", "%5.2f", "%%").
var placeholderRe = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]`)

// placeholders returns the sorted set of the placeholders of a message,
// without "%%".
func placeholders(s string) []string {
	set := map[string]bool{}
	for _, p := range placeholderRe.FindAllString(s, -1) {
		if p != "%%" {
			set[p] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func TestCatalogueKeysMatch(t *testing.T) {
	for k := range messagesEN {
		if _, ok := messagesRU[k]; !ok {
			t.Errorf("key %q is in messagesEN but not in messagesRU", k)
		}
	}
	for k := range messagesRU {
		if _, ok := messagesEN[k]; !ok {
			t.Errorf("key %q is in messagesRU but not in messagesEN", k)
		}
	}
}

func TestCataloguePlaceholdersMatch(t *testing.T) {
	indexed := regexp.MustCompile(`^%\[\d+\]`)
	for k, en := range messagesEN {
		ru, ok := messagesRU[k]
		if !ok {
			continue // reported by TestCatalogueKeysMatch
		}
		pe, pr := placeholders(en), placeholders(ru)
		if !slices.Equal(pe, pr) {
			t.Errorf("key %q: placeholders differ: en %v, ru %v", k, pe, pr)
		}
		// Translations reorder words, so every placeholder names its argument.
		for _, p := range append(pe, pr...) {
			if !indexed.MatchString(p) {
				t.Errorf("key %q: placeholder %q has no explicit argument index", k, p)
			}
		}
	}
}

func TestCatalogueNotEmpty(t *testing.T) {
	for _, cat := range []map[string]string{messagesEN, messagesRU} {
		for k, v := range cat {
			if strings.TrimSpace(v) == "" {
				t.Errorf("key %q has an empty message", k)
			}
		}
	}
}

// internalKeys are error keys of the ledger that never reach a member in
// their own words, so the catalogues need not have them.
var internalKeys = map[string]string{
	"action.incomplete":     "EInternal: explain answers error.internal",
	"circle.no_room":        "EInternal: explain answers error.internal",
	"event.already_applied": "a replayed event is dropped silently, never answered",
	"profile.not_found":     "a member without a profile gets an empty one",
	"card.not_found":        "a reaction to a message that is no card is ignored",
	"op.clock_only":         "only the scheduler makes clock ops; its refusals are logged",
	"cycle.month_done":      "a month rolled over already: the scheduler logs it",
	"cycle.deadline_moot":   "a deadline moved or the collection ended: the scheduler logs it",
	"web.post_failed":       "EInternal: explain answers error.internal",
	"auth.bad_token":        "web only: the web's catalogue answers it",
	"auth.bad_link":         "web only: the web's catalogue answers it",
	"auth.used_link":        "web only: the web's catalogue answers it",
	"auth.expired_link":     "web only: the web's catalogue answers it",
	"auth.no_session":       "web only: the web's catalogue answers it",
	"auth.used_openid":      "web only: the web's catalogue answers it",
	"token.not_found":       "the store's lookup; the ledger answers auth.bad_token",
	"link.not_found":        "the store's lookup; the ledger answers auth.bad_link",
	"session.not_found":     "the store's lookup; the ledger answers auth.no_session",
}

// ledgerErrorRe and ledgerKeyRe find the message keys of the errors a
// package makes.
var (
	ledgerErrorRe = regexp.MustCompile(`Errorf\((?:ledger\.)?(E[A-Za-z]+), "([a-z_.]+)"`)
	ledgerKeyRe   = regexp.MustCompile(`Key:\s*"([a-z_.]+)"`)
)

// sourceFiles returns the non-test Go sources of a directory.
func sourceFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	return files
}

func TestCatalogueHasLedgerErrors(t *testing.T) {
	found := 0
	for _, dir := range []string{"../ledger", "."} {
		for name, src := range sourceFiles(t, dir) {
			var keys []string
			for _, m := range ledgerErrorRe.FindAllStringSubmatch(src, -1) {
				keys = append(keys, m[2])
			}
			for _, m := range ledgerKeyRe.FindAllStringSubmatch(src, -1) {
				keys = append(keys, m[1])
			}
			for _, k := range keys {
				found++
				if _, ok := internalKeys[k]; ok {
					continue
				}
				for l, cat := range map[string]map[string]string{"en": messagesEN, "ru": messagesRU} {
					if _, ok := cat[k]; !ok {
						t.Errorf("%s/%s: error key %q is missing from the %s catalogue", dir, name, k, l)
					}
				}
			}
		}
	}
	if found < 50 {
		t.Fatalf("found only %d error keys in the sources; has the Errorf pattern changed?", found)
	}
}

// botKeyRe finds the literal message keys the bot renders.
var botKeyRe = regexp.MustCompile(`\b(?:text|replyText|notice|tell|tellConnected|do)\([^"\n]*"([a-z_]+\.[a-z_.]*[a-z])"`)

func TestCatalogueHasBotKeys(t *testing.T) {
	keys := map[string]bool{}
	for _, src := range sourceFiles(t, ".") {
		for _, m := range botKeyRe.FindAllStringSubmatch(src, -1) {
			keys[m[1]] = true
		}
	}
	if len(keys) < 50 {
		t.Fatalf("found only %d message keys in the bot sources; has the pattern changed?", len(keys))
	}
	// The keys the bot builds from a prefix and a value.
	for _, v := range []ledger.Verb{ledger.VerbMy, ledger.VerbToMe, ledger.VerbPending, ledger.VerbArchive, ledger.VerbOverdue} {
		keys["view."+string(v)] = true
	}
	for _, s := range []ledger.Status{ledger.StatusGreen, ledger.StatusOrange, ledger.StatusRed} {
		keys["light."+string(s)] = true
		keys["notify.status_"+string(s)] = true
	}
	for _, l := range []ledger.Lang{ledger.LangEN, ledger.LangRU} {
		keys["lang."+string(l)] = true
	}
	for k := range keys {
		for l, cat := range map[string]map[string]string{"en": messagesEN, "ru": messagesRU} {
			if _, ok := cat[k]; !ok {
				t.Errorf("message key %q is missing from the %s catalogue", k, l)
			}
		}
	}
}
