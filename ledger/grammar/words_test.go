package grammar

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

// TestGrammarHasEveryVerb: each Verb constant of ledger/command.go has one syntax
// in the grammar, with words in each language, normalised, and no word
// names two verbs.
func TestGrammarHasEveryVerb(t *testing.T) {
	declared := verbConstants(t)
	if len(declared) != len(syntaxes) {
		t.Errorf("ledger/command.go declares %d verbs, the grammar has %d", len(declared), len(syntaxes))
	}
	seen := map[ledger.Verb]bool{}
	words := map[string]ledger.Verb{}
	for _, e := range syntaxes {
		if !declared[e.verb] {
			t.Errorf("the grammar's verb %q is no constant of ledger/command.go", e.verb)
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
			t.Errorf("the verb %q has no syntax in the grammar (words.go)", v)
		}
	}
}

// verbConstants reads the Verb constants declared in ledger/command.go.
func verbConstants(t *testing.T) map[ledger.Verb]bool {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../command.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[ledger.Verb]bool{}
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
					t.Fatalf("a ledger.Verb constant that is no literal: %T", val)
				}
				v, _ := strconv.Unquote(lit.Value)
				out[ledger.Verb(v)] = true
			}
		}
	}
	return out
}
