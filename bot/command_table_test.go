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
	}
}

func TestHelpListsEveryVerbOnce(t *testing.T) {
	s := newCommandSet("!ex")
	for _, l := range ledger.Langs {
		full := s.helpText(l, "")
		for _, v := range grammar.AllVerbs() {
			if n := strings.Count(full, "`!ex "+verbWord(v, l)+" ") + strings.Count(full, "`!ex "+verbWord(v, l)+"`"); n != 1 {
				t.Errorf("help %s lists %q %d times, want 1", l, v, n)
			}
		}
	}
}
