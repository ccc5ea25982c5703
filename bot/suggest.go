package bot

import (
	"strings"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

// nearest is the verb whose word, in language l (else in the other
// language), is closest to a mistyped word: at most one edit away for a
// word of up to four letters, two for a longer one. ok is false when no
// word is that close, or two verbs are equally close.
func (s *commandSet) nearest(l ledger.Lang, word string) (ledger.Verb, bool) {
	w := []rune(strings.ReplaceAll(strings.ToLower(word), "ё", "е"))
	if len(w) < 2 {
		return "", false
	}
	limit := 2
	if len(w) <= 4 {
		limit = 1
	}
	for _, lang := range []ledger.Lang{l, other(l)} {
		best, bestD, tie := ledger.Verb(""), limit+1, false
		for _, sec := range s.sections {
			for _, c := range sec.commands {
				for _, cand := range grammar.VerbWords(c.verb, lang) {
					d := editDistance(w, []rune(cand))
					switch {
					case d < bestD:
						best, bestD, tie = c.verb, d, false
					case d == bestD && c.verb != best:
						tie = true
					}
				}
			}
		}
		if best != "" && !tie {
			return best, true
		}
	}
	return "", false
}

// editDistance is the Levenshtein distance of two words, with a swap of
// two neighbouring letters counted as one edit ("stauts" → "status").
func editDistance(a, b []rune) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
