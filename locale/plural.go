package locale

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"

	"github.com/exodus-matrix/exodus/ledger"
)

// forms are the plural categories a language's messages give forms for, in
// the order a plural selector lists them. They are the CLDR categories of
// whole numbers: English one|other ("1 member", "2 members"), Russian
// one|few|many ("1 участник", "2 участника", "5 участников"). Russian's
// "other" is for fractions only and takes the "few" form. Serbian
// one|few|other ("1 član", "2 člana", "5 članova").
var forms = map[ledger.Lang][]plural.Form{
	ledger.LangEN: {plural.One, plural.Other},
	ledger.LangRU: {plural.One, plural.Few, plural.Many},
	ledger.LangSR: {plural.One, plural.Few, plural.Other},
}

// Forms is how many forms a plural selector gives in language l.
func Forms(l ledger.Lang) int { return len(forms[lang(l)]) }

// lang is l, or English for a language without a catalogue.
func lang(l ledger.Lang) ledger.Lang {
	if _, ok := forms[l]; ok {
		return l
	}
	return ledger.LangEN
}

// Form is the index, among the forms of language l, of the form a count n
// takes, by the CLDR plural rules of l.
func Form(l ledger.Lang, n int64) int {
	l = lang(l)
	if n < 0 {
		n = -n
	}
	// MatchPlural takes the integer digits as an int; the counts of
	// members, steps and rooms are far below its range.
	f := plural.Cardinal.MatchPlural(tag(l), int(n%1_000_000_000), 0, 0, 0, 0)
	fs := forms[l]
	for i, g := range fs {
		if g == f {
			return i
		}
	}
	if f == plural.Other && len(fs) > 1 {
		return 1 // Russian: "other" (fractions) reads as "few"
	}
	return len(fs) - 1
}

// Select picks the form a count n takes among forms, given in the order of
// Forms (the last one when fewer are given).
func Select(l ledger.Lang, n int64, choices ...string) string {
	if len(choices) == 0 {
		return ""
	}
	return choices[min(Form(l, n), len(choices)-1)]
}

// Plurals resolves the plural selectors of a catalogue message: each
// "{N:form|form|…}" becomes the form that argument N (1-based, an integer)
// takes in language l. "{2:member|members}" with 2 as the second argument
// reads "members". Braces that are no selector stay as they are.
func Plurals(l ledger.Lang, tmpl string, args []any) string {
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var sb strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			break
		}
		sel, ok := selector(l, tmpl[i+1:i+j], args)
		sb.WriteString(tmpl[:i])
		if ok {
			sb.WriteString(sel)
		} else {
			sb.WriteString(tmpl[i : i+j+1])
		}
		tmpl = tmpl[i+j+1:]
	}
	sb.WriteString(tmpl)
	return sb.String()
}

// selector renders the inside of one "{N:form|…}"; ok is false for
// anything else.
func selector(l ledger.Lang, s string, args []any) (string, bool) {
	k := strings.IndexByte(s, ':')
	if k < 1 {
		return "", false
	}
	idx, err := strconv.Atoi(s[:k])
	if err != nil || idx < 1 {
		return "", false
	}
	if idx > len(args) {
		return fmt.Sprintf("%%!(NOARG %d)", idx), true
	}
	n, ok := Count(args[idx-1])
	if !ok {
		return fmt.Sprintf("%%!(NOCOUNT %v)", args[idx-1]), true
	}
	return Select(l, n, strings.Split(s[k+1:], "|")...), true
}

// Selectors lists the form counts of the plural selectors of a template,
// for the catalogues' tests.
func Selectors(tmpl string) [][]string {
	var out [][]string
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(tmpl[i:], '}')
		if j < 0 {
			return out
		}
		s := tmpl[i+1 : i+j]
		if k := strings.IndexByte(s, ':'); k > 0 {
			if _, err := strconv.Atoi(s[:k]); err == nil {
				out = append(out, strings.Split(s[k+1:], "|"))
			}
		}
		tmpl = tmpl[i+j+1:]
	}
}

// Count is the integer value of a count argument.
func Count(a any) (int64, bool) {
	switch v := a.(type) {
	case int:
		return int64(v), true
	case int64:
		return v, true
	case int32:
		return int64(v), true
	case uint:
		return int64(v), true
	case uint64:
		return int64(v), true
	case Number:
		return int64(v), true
	}
	return 0, false
}
