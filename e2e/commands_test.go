package e2e_test

import (
	"testing"
)

// TestBadCommandsGetClearAnswers checks that malformed and unknown commands
// are answered with what was understood and what to type, in the member's
// language.
func TestBadCommandsGetClearAnswers(t *testing.T) {
	alice := member(t, "alice")
	dm := openDM(t, alice)
	cases := []struct{ say, want string }{
		{"frobnicate", "don't know the command `frobnicate`"},
		{"chain bob", "is not a Matrix user ID"},
		{"chain bob", "`chain @user:server`"}, // no prefix in a direct chat
		{"lang klingon", "choose ru, en or sr"},
		{"circle here", "direct chat cannot be a circle"},
		{"invite @bob:localhost", "not a circle"},
		{"accept NOPE-CODE", "is unknown"},
		{"chain " + alice.ID.String(), "That is you"},
		{"sos help me", "trust list is empty"},
	}
	for _, c := range cases {
		mustContain(t, say(t, alice, dm, c.say), c.want)
	}
	// Russian words get Russian answers until the member chooses a
	// language with `lang`; from then on that language wins.
	mustContain(t, say(t, alice, dm, "цепочка кто-то"), "не идентификатор пользователя Matrix", "`цепочка @user:server`")
	mustContain(t, say(t, alice, dm, "список"), "трастовый список пуст")
	mustContain(t, say(t, alice, dm, "?"), "Команды")
	mustContain(t, say(t, alice, dm, "lang en"), "English")
	mustContain(t, say(t, alice, dm, "помощь"), "Commands")
	mustContain(t, say(t, alice, dm, "язык ru"), "по-русски")
	mustContain(t, say(t, alice, dm, "list"), "трастовый список пуст")
}
