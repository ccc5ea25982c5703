package ledger_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// checkError fails t unless err is an *ledger.Error with a key.
func checkError(t *testing.T, in string, err error) {
	t.Helper()
	e := ledger.AsError(err)
	if e == nil {
		t.Fatalf("%q: error %v (%T) is not a *ledger.Error", in, err, err)
	}
	if e.Key == "" || e.Code != ledger.EInvalid {
		t.Fatalf("%q: error %+v has no key or code %q", in, e, e.Code)
	}
}

// hostileTexts is the corpus of hostile member texts (Markdown, HTML,
// @room, bidi and zero-width characters, a 10,000-character word...) the
// bot's tests show literally; here they seed the parsers' fuzzers.
func hostileTexts(f *testing.F) []string {
	f.Helper()
	data, err := os.ReadFile("testdata/hostile.json")
	if err != nil {
		f.Fatal(err)
	}
	var texts []string
	if err := json.Unmarshal(data, &texts); err != nil {
		f.Fatal(err)
	}
	return texts
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{
		"100", "100 EUR", "100eur", "EUR 100", "€100", "100€", "$5", "12,50", "12.5",
		"₽500", "500 руб.", "100 долларов", "-5", "0", "1,000", "1.5 JPY", "12.345",
		"10000000.01", "99999999999999999999", "100 XYZ", "", "€-5", "\xff",
	} {
		f.Add(s, "EUR")
	}
	for _, s := range hostileTexts(f) {
		f.Add(s, "EUR")
	}
	f.Add("100", "JPY")
	f.Add("1", "")
	f.Fuzz(func(t *testing.T, s, def string) {
		a, err := ledger.ParseAmount(s, ledger.Currency(def))
		if err != nil {
			checkError(t, s, err)
			return
		}
		info, ok := ledger.Currencies[a.Currency]
		if !ok {
			t.Fatalf("%q: unknown currency %q", s, a.Currency)
		}
		if a.Minor <= 0 || a.Minor > ledger.MaxMinor(info.Code) {
			t.Fatalf("%q: minor %d out of range", s, a.Minor)
		}
		again, err := ledger.ParseAmount(a.String(), "XYZ")
		if err != nil || again != a {
			t.Fatalf("%q: %+v renders as %q, which parses as %+v, %v", s, a, a.String(), again, err)
		}
	})
}

func FuzzParseUserID(f *testing.F) {
	for _, s := range []string{
		"@alice:example.org", "@alice:example.org:8448", "@a:127.0.0.1:8448", "@a:[::1]:8448",
		"https://matrix.to/#/%40alice%3Aexample.org?via=x", "matrix:u/bob:x.y", "<@a:b>",
		"@a:b:0", "@:x", "@a:[fe80::1%eth0]", "@a:1.2.3", "@a:b..c", "",
		"@room:evil.example", "@[x](https://evil.example):b", "@a\u202e:b",
	} {
		f.Add(s)
	}
	for _, s := range hostileTexts(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ledger.ParseUserID(s)
		if err != nil {
			checkError(t, s, err)
			return
		}
		id := string(u)
		if !strings.HasPrefix(id, "@") || !strings.Contains(id, ":") || len(id) > ledger.MaxUserIDBytes {
			t.Fatalf("%q: bad user ID %q", s, id)
		}
		if u.Localpart() == "" || u.Server() == "" {
			t.Fatalf("%q: %q lacks a localpart or server", s, id)
		}
		again, err := ledger.ParseUserID(id)
		if err != nil || again != u {
			t.Fatalf("%q: %q re-parses as %q, %v", s, id, again, err)
		}
	})
}
