package grammar_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/grammar"
)

func TestParseToken(t *testing.T) {
	en, ru := ledger.LangEN, ledger.LangRU
	long := strings.Repeat("n", ledger.MaxTokenNameRunes+1)
	cases := []struct {
		body   string
		opt    grammar.Options
		lang   ledger.Lang
		action ledger.TokenAction
		name   string
		scope  ledger.TokenScope
		key    string // the refusal, if any
	}{
		// list
		{"!ex token", room, en, "", "", "", ""},
		{"token", direct, en, "", "", "", ""},
		{"токен", direct, ru, "", "", "", ""},
		// new: read unless write is asked for
		{"!ex token new ci", room, en, ledger.TokenNew, "ci", ledger.ScopeRead, ""},
		{"token new ci read", direct, en, ledger.TokenNew, "ci", ledger.ScopeRead, ""},
		{"token new ci write", direct, en, ledger.TokenNew, "ci", ledger.ScopeWrite, ""},
		{"token NEW Ci.bot-2_x WRITE", direct, en, ledger.TokenNew, "Ci.bot-2_x", ledger.ScopeWrite, ""},
		{"token create ci read-write", direct, en, ledger.TokenNew, "ci", ledger.ScopeWrite, ""},
		{"token new ci readonly", direct, en, ledger.TokenNew, "ci", ledger.ScopeRead, ""},
		{"токен новый бот", direct, ru, ledger.TokenNew, "бот", ledger.ScopeRead, ""},
		{"токен новый бот запись", direct, ru, ledger.TokenNew, "бот", ledger.ScopeWrite, ""},
		{"токен создать бот чтение", direct, ru, ledger.TokenNew, "бот", ledger.ScopeRead, ""},
		{"Токен Новый Ёж ЗАПИСЬ", direct, ru, ledger.TokenNew, "Ёж", ledger.ScopeWrite, ""},
		{"token new " + strings.Repeat("я", ledger.MaxTokenNameRunes), direct, en, ledger.TokenNew, strings.Repeat("я", ledger.MaxTokenNameRunes), ledger.ScopeRead, ""},
		// revoke
		{"token revoke ci", direct, en, ledger.TokenRevoke, "ci", "", ""},
		{"!ex token delete ci", room, en, ledger.TokenRevoke, "ci", "", ""},
		{"токен отозвать бот", direct, ru, ledger.TokenRevoke, "бот", "", ""},
		{"токен удалить бот", direct, ru, ledger.TokenRevoke, "бот", "", ""},
		// refused
		{"token new", direct, en, "", "", "", "cmd.usage"},
		{"token revoke", direct, en, "", "", "", "cmd.usage"},
		{"токен новый", direct, ru, "", "", "", "cmd.usage"},
		{"токен отозвать", direct, ru, "", "", "", "cmd.usage"},
		{"token list", direct, en, "", "", "", "cmd.usage"},
		{"token ci", direct, en, "", "", "", "cmd.usage"},
		{"token new ci admin", direct, en, "", "", "", "cmd.usage"},
		{"token new ci write now", direct, en, "", "", "", "cmd.usage"},
		{"token new ci read write", direct, en, "", "", "", "cmd.usage"},
		{"token revoke ci write", direct, en, "", "", "", "cmd.usage"},
		{"token revoke ci extra", direct, en, "", "", "", "cmd.usage"},
		{"токен отозвать бот запись", direct, ru, "", "", "", "cmd.usage"},
		{"token new a/b", direct, en, "", "", "", "token.bad_name"},
		{"token new émile", direct, en, "", "", "", "token.bad_name"},
		{"token new " + long, direct, en, "", "", "", "token.bad_name"},
		{"token revoke a:b", direct, en, "", "", "", "token.bad_name"},
		{"токен новый бот?", direct, ru, "", "", "", "token.bad_name"},
	}
	for _, c := range cases {
		cmd, addressed, err := grammar.Parse(c.body, c.opt)
		if !addressed || cmd.Verb != ledger.VerbToken || cmd.Lang != c.lang {
			t.Errorf("Parse(%.40q) = %+v, addressed %v; want verb token in %s", c.body, cmd, addressed, c.lang)
			continue
		}
		if c.key != "" {
			e := ledger.AsError(err)
			if e == nil || e.Code != ledger.EInvalid || e.Key != c.key {
				t.Errorf("Parse(%.40q) error %v; want %s", c.body, err, c.key)
			}
			if c.key == "cmd.usage" && (e == nil || fmt.Sprint(e.Args) != fmt.Sprint([]any{ledger.VerbToken})) {
				t.Errorf("Parse(%.40q) usage args %v; want the verb", c.body, err)
			}
			if cmd.TokenAction != "" || cmd.Name != "" || cmd.Scope != "" {
				t.Errorf("Parse(%.40q) refused but set %q %q %q", c.body, cmd.TokenAction, cmd.Name, cmd.Scope)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%.40q): %v", c.body, err)
			continue
		}
		if cmd.TokenAction != c.action || cmd.Name != c.name || cmd.Scope != c.scope {
			t.Errorf("Parse(%.40q) = action %q name %q scope %q; want %q %q %q",
				c.body, cmd.TokenAction, cmd.Name, cmd.Scope, c.action, c.name, c.scope)
		}
	}
}

func TestParseWeb(t *testing.T) {
	for body, lang := range map[string]ledger.Lang{"web": ledger.LangEN, "!ex WEB": ledger.LangEN, "веб": ledger.LangRU, "сайт": ledger.LangRU} {
		opt := direct
		if strings.HasPrefix(body, "!ex") {
			opt = room
		}
		cmd, addressed, err := grammar.Parse(body, opt)
		if err != nil || !addressed || cmd.Verb != ledger.VerbWeb || cmd.Lang != lang {
			t.Errorf("Parse(%q) = %+v, %v, %v; want verb web in %s", body, cmd, addressed, err, lang)
		}
	}
}
