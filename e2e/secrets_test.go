package e2e_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestNoSecretOrErasedTextAtRest runs a member through everything that
// hands them a secret or stores what they wrote (an API token, a login
// link, their about text, payment details, a kassa claim's reason), then
// leaving; with the bot stopped, the bytes of its database files hold none
// of it, and its log (written at debug) holds no secret.
func TestNoSecretOrErasedTextAtRest(t *testing.T) {
	lena, mara := member(t, "lena"), member(t, "mara")
	circle := circleOf(t, "Vault", lena, mara)
	lenaDM := openDM(t, lena)
	tag := fmt.Sprint(time.Now().UnixNano())
	about, iban, reason := "ABOUT-"+tag, "IBAN-"+tag, "REASON-"+tag

	mustContain(t, say(t, lena, lenaDM, "about "+about), "Saved")
	mustContain(t, say(t, lena, lenaDM, "requisites "+iban), iban)
	token := tokenRe.FindString(devnet.Body(say(t, lena, lenaDM, "token new vault write")))
	link := loginLinkRe.FindString(devnet.Body(say(t, lena, lenaDM, "web")))
	if token == "" || link == "" {
		t.Fatalf("token %q, link %q", token, link)
	}
	mustContain(t, say(t, lena, circle, "!ex claim 20 "+reason), "€20")
	if !filesContain(t, env.DBPath+"*", iban) {
		t.Fatal("the payment details are not in the database files before leaving: the scan sees nothing")
	}
	mustContain(t, say(t, lena, lenaDM, "leave confirm"), "data is erased")

	env.StopBot()
	t.Cleanup(func() {
		if err := env.StartBot(testCtx(t)); err != nil {
			t.Errorf("restart the bot: %v", err)
		}
	})
	files, _ := filepath.Glob(env.DBPath + "*")
	if len(files) == 0 {
		t.Fatalf("no database files at %s", env.DBPath)
	}
	secret := link[len(link)-20:]
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range map[string]string{"the API token": token, "the login link": secret,
			"the about text": about, "the payment details": iban, "the claim's reason": reason} {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s is in %s after leaving", name, filepath.Base(f))
			}
		}
	}
	log, err := os.ReadFile(filepath.Join(filepath.Dir(env.ConfigPath), "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(log, []byte(token)) || bytes.Contains(log, []byte(secret)) {
		t.Error("a secret is in the bot's log")
	}
}

// filesContain reports whether any file matching pattern holds s.
func filesContain(t *testing.T, pattern, s string) bool {
	t.Helper()
	files, _ := filepath.Glob(pattern)
	for _, f := range files {
		if data, err := os.ReadFile(f); err == nil && bytes.Contains(data, []byte(s)) {
			return true
		}
	}
	return false
}
