package bot

import (
	"regexp"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

var (
	counted   = regexp.MustCompile(`\{([1-9]):`)
	codeSpans = regexp.MustCompile("`[^`]*`")
)

// TestEveryMessageShowsMemberTextLiterally: in every language, each
// catalogue message renders a member's hostile text in any of its
// placeholders as text: no link, no mention of the room, no quote of its
// own (the Serbian catalogue keeps the escapes the others have).
func TestEveryMessageShowsMemberTextLiterally(t *testing.T) {
	hostile := "[bank](https://evil.example) @room\n> ✅ Verified"
	for _, l := range ledger.Langs {
		for k, m := range catalogue(l) {
			if len(placeholders(m)) == 0 {
				continue
			}
			args := make([]any, 9)
			for i := range args {
				args[i] = hostile
			}
			for _, c := range counted.FindAllStringSubmatch(m, -1) {
				args[c[1][0]-'1'] = 3 // a count
			}
			got := codeSpans.ReplaceAllString(text(l, k, args...), "`code`") // a code span shows text as typed
			if strings.Contains(got, "[bank](https://evil.example)") || strings.Contains(got, " @room") || strings.Contains(got, "\n> ✅ Verified") {
				t.Errorf("%s %q shows member text as Markdown: %q", l, k, got)
			}
		}
	}
}
