package bot

import (
	"slices"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// TestEveryVerbIsACommand ties the ledger's grammar to the bot's commands:
// every verb the parser knows is declared once, with a handler, words and
// help in each language; every command is a verb of the grammar.
func TestEveryVerbIsACommand(t *testing.T) {
	s := newCommandSet("!ex")
	declared := map[ledger.Verb]int{}
	for _, sec := range s.sections {
		if sec.en == "" || sec.ru == "" {
			t.Errorf("a help section lacks a title: %q / %q", sec.en, sec.ru)
		}
		if sectionsSR[sec.en] == "" {
			t.Errorf("the help section %q has no Serbian title (bot/help_sr.go)", sec.en)
		}
		for _, c := range sec.commands {
			declared[c.verb]++
			if !slices.Contains(grammar.AllVerbs(), c.verb) {
				t.Errorf("the command %q is no verb of the ledger's grammar", c.verb)
			}
		}
	}
	for _, v := range grammar.AllVerbs() {
		if declared[v] != 1 {
			t.Errorf("the verb %q is declared as a command %d times, want 1 (bot/command_table.go)", v, declared[v])
			continue
		}
		c := s.byVerb[v]
		if c.run == nil {
			t.Errorf("the command %q has no handler", v)
		}
		for _, l := range ledger.Langs {
			if len(grammar.VerbWords(v, l)) == 0 {
				t.Errorf("the verb %q has no word in %s", v, l)
			}
			if c.help(l).what == "" {
				t.Errorf("the command %q has no help in %s", v, l)
			}
		}
		if sr, ok := helpSR[v]; !ok || sr.what == "" || sr.what == c.en.what {
			t.Errorf("the command %q has no Serbian help (bot/help_sr.go): %q", v, sr.what)
		}
	}
	for v := range helpSR {
		if declared[v] != 1 {
			t.Errorf("helpSR has the verb %q, which is not a command", v)
		}
	}
}

func TestHelpListsEveryVerbOnce(t *testing.T) {
	s := newCommandSet("!ex")
	for _, l := range ledger.Langs {
		full := s.helpText(l, "", true, false)
		for _, v := range grammar.AllVerbs() {
			if n := strings.Count(full, "`!ex "+verbWord(v, l)+" ") + strings.Count(full, "`!ex "+verbWord(v, l)+"`"); n != 1 {
				t.Errorf("help %s lists %q %d times, want 1", l, v, n)
			}
		}
	}
}

func TestHelpFirstScreenAndDirectChat(t *testing.T) {
	s := newCommandSet("!ex")
	for _, l := range ledger.Langs {
		first := s.helpText(l, "", false, false)
		if n := strings.Count(first, "\n- "); n != 10 {
			t.Errorf("help %s shows %d commands first, want 10:\n%s", l, n, first)
		}
		if !strings.Contains(first, "`!ex "+verbWord(ledger.VerbHelp, l)+" "+text(l, "help.all_word")+"`") {
			t.Errorf("help %s does not say how to see every command:\n%s", l, first)
		}
		for _, h := range []string{first, s.helpText(l, "", true, true), s.helpText(l, ledger.VerbStatus, false, true)} {
			if h == first {
				continue
			}
			if strings.Contains(h, "!ex") {
				t.Errorf("help %s in a direct chat shows the prefix:\n%s", l, h)
			}
		}
	}
}

func TestDidYouMean(t *testing.T) {
	s := newCommandSet("!ex")
	for _, c := range []struct {
		l    ledger.Lang
		word string
		want ledger.Verb
	}{
		{ledger.LangEN, "stauts", ledger.VerbStatus},
		{ledger.LangEN, "comit", ledger.VerbCommit},
		{ledger.LangEN, "invte", ledger.VerbInvite},
		{ledger.LangRU, "статс", ledger.VerbStatus},
		{ledger.LangRU, "спсок", ledger.VerbList},
		{ledger.LangRU, "stauts", ledger.VerbStatus}, // the other language's word
		{ledger.LangEN, "hello", ledger.VerbHelp},    // two edits from a five-letter word
		{ledger.LangEN, "banana", ""},
		{ledger.LangEN, "x", ""},
	} {
		v, ok := s.nearest(c.l, c.word)
		if v != c.want || ok != (c.want != "") {
			t.Errorf("%s %q: %q %v, want %q", c.l, c.word, v, ok, c.want)
		}
	}
	err := ledger.Errorf(ledger.EInvalid, "cmd.unknown", "stauts")
	if got := s.explainIn(ledger.LangEN, err, "", true); !strings.Contains(got, "Did you mean `status ") || strings.Contains(got, "!ex") {
		t.Errorf("explained in a direct chat: %q", got)
	}
	if got := s.explainIn(ledger.LangRU, ledger.Errorf(ledger.EInvalid, "cmd.unknown", "статс"), "", false); !strings.Contains(got, "имели в виду `!ex статус ") {
		t.Errorf("explained in a room: %q", got)
	}
}
