package ledger_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

func TestParseUserIDValid(t *testing.T) {
	cases := []struct{ in, want string }{
		{"@alice:example.org", "@alice:example.org"},
		{"  @alice:example.org\n", "@alice:example.org"},
		{"@alice:example.org:8448", "@alice:example.org:8448"},
		{"@alice:localhost", "@alice:localhost"},
		{"@alice:localhost:1", "@alice:localhost:1"},
		{"@alice:localhost:65535", "@alice:localhost:65535"},
		{"@alice:127.0.0.1", "@alice:127.0.0.1"},
		{"@alice:127.0.0.1:8448", "@alice:127.0.0.1:8448"},
		{"@alice:[::1]", "@alice:[::1]"},
		{"@alice:[::1]:8448", "@alice:[::1]:8448"},
		{"@alice:[2001:db8::ff00:42:8329]:443", "@alice:[2001:db8::ff00:42:8329]:443"},
		{"@alice:[::ffff:192.0.2.1]", "@alice:[::ffff:192.0.2.1]"},
		{"@Alice:Example.ORG", "@Alice:Example.ORG"},
		{"@a.b_c=d-e/f+g:my-server.example", "@a.b_c=d-e/f+g:my-server.example"},
		{"@!hist~oric@al\"'*:x.y", "@!hist~oric@al\"'*:x.y"},
		{"@1:a", "@1:a"},
		{"https://matrix.to/#/@alice:example.org", "@alice:example.org"},
		{"HTTPS://Matrix.To/#/@alice:example.org", "@alice:example.org"},
		{"http://matrix.to/#/@alice:example.org", "@alice:example.org"},
		{"matrix.to/#/@alice:example.org", "@alice:example.org"},
		{"https://matrix.to/#/%40alice%3Aexample.org", "@alice:example.org"},
		{"https://matrix.to/#/%40alice:example.org?via=example.org&via=x.y", "@alice:example.org"},
		{"https://matrix.to/#/@alice:example.org:8448?via=example.org", "@alice:example.org:8448"},
		{"<https://matrix.to/#/@alice:example.org>", "@alice:example.org"},
		{"<@alice:example.org>", "@alice:example.org"},
		{"matrix:u/alice:example.org", "@alice:example.org"},
		{"matrix:u/alice:example.org?action=chat", "@alice:example.org"},
		{"@" + strings.Repeat("a", 242) + ":example.org", "@" + strings.Repeat("a", 242) + ":example.org"},
	}
	for _, c := range cases {
		got, err := ledger.ParseUserID(c.in)
		if err != nil || string(got) != c.want {
			t.Errorf("ParseUserID(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestParseUserIDInvalid(t *testing.T) {
	malformed := []string{
		"",
		"alice",
		"alice:example.org",
		"@alice",
		"@:example.org",
		"@alice:",
		"@alice:example.org:",
		"@alice:example.org:0",
		"@alice:example.org:65536",
		"@alice:example.org:123456",
		"@alice:example.org:-1",
		"@alice:example.org:84a8",
		"@alice:example.org:8448:1",
		"@alice:exa mple.org",
		"@al ice:example.org",
		"@alice:example_org",
		"@alice:example..org",
		"@alice:.example.org",
		"@alice:example.org.",
		"@alice:1.2.3.256",
		"@alice:1.2.3",
		"@alice:[::1",
		"@alice:[::1]x",
		"@alice:[::1]:",
		"@alice:[1.2.3.4]",
		"@alice:[fe80::1%eth0]",
		"@alice:[zz::1]",
		"@alice:::1",
		"@алиса:example.org",
		"@alice:пример.рф",
		"@ali\x00ce:example.org",
		"@ali\x7fce:example.org",
		"#room:example.org",
		"!room:example.org",
		"https://matrix.to/#/#room:example.org",
		"https://matrix.to/#/%4",
		"https://matrix.to/#/%zz",
		"https://matrix.to/#/%40alice%3Aexample.org%2",
		"https://example.com/#/@alice:example.org",
		"matrix:u/",
		"matrix:r/room:example.org",
	}
	for _, in := range malformed {
		u, err := ledger.ParseUserID(in)
		e := ledger.AsError(err)
		if e == nil || e.Code != ledger.EInvalid || e.Key != "user.malformed" {
			t.Errorf("ParseUserID(%q) = %q, %v; want user.malformed", in, u, err)
			continue
		}
		if len(e.Args) != 1 || e.Args[0] != strings.TrimSpace(in) && !strings.ContainsRune(in, '\x00') {
			t.Errorf("ParseUserID(%q) args = %v", in, e.Args)
		}
	}

	tooLong := []string{
		"@" + strings.Repeat("a", 243) + ":example.org",
		"@alice:" + strings.Repeat("a", 300),
		"https://matrix.to/#/@" + strings.Repeat("a", 300) + ":x",
	}
	for _, in := range tooLong {
		u, err := ledger.ParseUserID(in)
		e := ledger.AsError(err)
		if e == nil || e.Key != "user.too_long" || fmt.Sprint(e.Args) != fmt.Sprint([]any{ledger.MaxUserIDBytes}) {
			t.Errorf("ParseUserID(%.30q...) = %q, %v; want user.too_long", in, u, err)
		}
	}
}

func TestParseUserIDEchoIsClipped(t *testing.T) {
	_, err := ledger.ParseUserID(strings.Repeat("x", 1000))
	e := ledger.AsError(err)
	if e == nil || e.Key != "user.malformed" {
		t.Fatalf("err = %v", err)
	}
	if s := e.Args[0].(string); len(s) > 100 || !strings.HasSuffix(s, "…") {
		t.Errorf("echoed text not clipped: %q", s)
	}
}

func TestUserIDParts(t *testing.T) {
	u, err := ledger.ParseUserID("https://matrix.to/#/@bob:[::1]:8448")
	if err != nil {
		t.Fatal(err)
	}
	if u.Localpart() != "bob" || u.Server() != "[::1]:8448" {
		t.Errorf("parts of %s: %q %q", u, u.Localpart(), u.Server())
	}
}
