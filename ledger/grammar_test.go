package ledger

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"
)

// TestGrammarHasEveryVerb: each Verb constant of command.go has one syntax
// in the grammar, with words in each language, normalised, and no word
// names two verbs.
func TestGrammarHasEveryVerb(t *testing.T) {
	declared := verbConstants(t)
	if len(declared) != len(grammar) {
		t.Errorf("command.go declares %d verbs, the grammar has %d", len(declared), len(grammar))
	}
	seen := map[Verb]bool{}
	words := map[string]Verb{}
	for _, e := range grammar {
		if !declared[e.verb] {
			t.Errorf("the grammar's verb %q is no constant of command.go", e.verb)
		}
		if seen[e.verb] {
			t.Errorf("the verb %q has two syntaxes", e.verb)
		}
		seen[e.verb] = true
		if len(e.en) == 0 || len(e.ru) == 0 {
			t.Errorf("the verb %q lacks words in a language (en %v, ru %v)", e.verb, e.en, e.ru)
		}
		for _, w := range append(append([]string(nil), e.en...), e.ru...) {
			if normWord(w) != w {
				t.Errorf("the word %q of %q is not normalised", w, e.verb)
			}
			if v, ok := words[w]; ok {
				t.Errorf("the word %q names both %q and %q", w, v, e.verb)
			}
			words[w] = e.verb
		}
	}
	for v := range declared {
		if !seen[v] {
			t.Errorf("the verb %q has no syntax in the grammar (parse_words.go)", v)
		}
	}
}

// verbConstants reads the Verb constants declared in command.go.
func verbConstants(t *testing.T) map[Verb]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "command.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[Verb]bool{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Verb" {
				continue
			}
			for _, val := range vs.Values {
				lit, ok := val.(*ast.BasicLit)
				if !ok {
					t.Fatalf("a Verb constant that is no literal: %T", val)
				}
				v, _ := strconv.Unquote(lit.Value)
				out[Verb(v)] = true
			}
		}
	}
	return out
}
