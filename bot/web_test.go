package bot_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

const webURL = "https://exodus.example"

// webAccess is the access service over the world's store, as the bot's.
func (w *aidWorld) webAccess() *access.Service { return access.New(w.store.Ledger(), w.svc) }

// newWebWorld is the aid world with a bot whose web organizer is at url
// ("" turns it off).
func newWebWorld(t *testing.T, url string) *aidWorld {
	t.Helper()
	w := newAidWorld(t)
	w.bot = bot.New(bot.Config{UserID: "@exodus:test", Prefix: "!ex", CommandsPerMinute: 1000, WebURL: url,
		BotUsers: []*regexp.Regexp{regexp.MustCompile(`^@exodus:`)}}, w.cli, w.svc, access.New(w.store.Ledger(), w.svc), w.store)
	hook(w.bot, w.cli)
	w.intake = bot.NewIntake(w.store, hsToken, w.bot, nil, w.svc, nil)
	return w
}

var (
	linkRe  = regexp.MustCompile(regexp.QuoteMeta(webURL) + `/login\?t=(exl_[A-Za-z0-9_-]+)`)
	tokenRe = regexp.MustCompile(`ext_[A-Za-z0-9_-]{20,}`)
)

// raw is everything a sent message holds, as text.
func raw(m sentMessage) string {
	b, _ := json.Marshal(m.Content)
	return string(b)
}

// holding are the msgs whose content contains s anywhere.
func holding(msgs []sentMessage, s string) []sentMessage {
	var out []sentMessage
	for _, m := range msgs {
		if strings.Contains(raw(m), s) {
			out = append(out, m)
		}
	}
	return out
}

func TestWebLinkInDirectChat(t *testing.T) {
	w := newWebWorld(t, webURL+"/")
	k := w.sentCount()
	cmd := w.say(dm(bob), bob, "web")
	sent := w.sentSince(k)
	if len(sent) != 1 || sent[0].Room != id.RoomID(dm(bob)) || !repliesTo(sent[0], cmd) {
		t.Fatalf("sent %v; want one reply in bob's direct chat", sent)
	}
	if typ, _ := ns(sent[0]); typ != "web_link" {
		t.Errorf("type %q; want web_link", typ)
	}
	m := linkRe.FindStringSubmatch(body(sent[0]))
	if m == nil {
		t.Fatalf("no %s/login?t=exl_… link in %q", webURL, body(sent[0]))
	}
	if !strings.Contains(body(sent[0]), "10 minutes") {
		t.Errorf("the link's life is not told: %q", body(sent[0]))
	}
	// The HTML body links to the same URL: the secret is not mangled by
	// Markdown.
	if html, _ := sent[0].Content["formatted_body"].(string); !strings.Contains(html, `href="`+m[0]+`"`) {
		t.Errorf("formatted body %q does not link to %s", html, m[0])
	}
	// The link works now, on the bot's clock, and logs bob in.
	_, sess, err := w.webAccess().UseLoginLink(w.ctx, m[1])
	if err != nil || sess.Member != bob {
		t.Fatalf("UseLoginLink = %+v, %v; want bob's session", sess, err)
	}

	// In Russian, with веб.
	k = w.sentCount()
	w.say(dm(carol), carol, "веб")
	if got := w.sentSince(k); len(got) != 1 || !linkRe.MatchString(body(got[0])) || !strings.Contains(body(got[0]), "одноразовая") {
		t.Errorf("веб answered %v", got)
	}
}

func TestWebLinkAskedInCircleGoesToDirectChat(t *testing.T) {
	w := newWebWorld(t, webURL)
	k := w.sentCount()
	cmd := w.say(w.circle, bob, "!ex web")
	sent := w.sentSince(k)
	direct, here := inRoom(sent, dm(bob)), inRoom(sent, w.circle)
	if len(sent) != 2 || len(direct) != 1 || len(here) != 1 {
		t.Fatalf("sent %v; want one message in bob's direct chat and one in the circle", sent)
	}
	if !linkRe.MatchString(body(direct[0])) {
		t.Errorf("no link in the direct chat: %q", body(direct[0]))
	}
	if !repliesTo(here[0], cmd) || !strings.Contains(body(here[0]), "direct chat") {
		t.Errorf("in the circle: %q; want a pointer to the direct chat, replying to the command", body(here[0]))
	}
	if leaked := holding(inRoom(w.cli.messages(), w.circle), "exl_"); len(leaked) != 0 {
		t.Errorf("the circle room holds a link secret: %v", leaked)
	}
}

func TestWebOff(t *testing.T) {
	w := newWebWorld(t, "")
	k := w.sentCount()
	w.say(dm(bob), bob, "web")
	w.say(dm(bob), bob, "token new ci")
	sent := w.sentSince(k)
	if len(sent) != 2 {
		t.Fatalf("sent %v; want two answers", sent)
	}
	for _, m := range sent {
		if !strings.Contains(body(m), "not set up") || strings.Contains(raw(m), "exl_") || strings.Contains(raw(m), "ext_") {
			t.Errorf("answer %q; want web.off", body(m))
		}
	}
	if ts, _ := w.webAccess().Tokens(w.ctx, bob); len(ts) != 0 {
		t.Errorf("a token was made with the web off: %v", ts)
	}
}

func TestTokenCommands(t *testing.T) {
	w := newWebWorld(t, webURL)
	k := w.sentCount()
	w.say(dm(bob), bob, "token new ci write")
	sent := w.sentSince(k)
	if len(sent) != 1 || sent[0].Room != id.RoomID(dm(bob)) {
		t.Fatalf("sent %v; want one answer in bob's direct chat", sent)
	}
	secret := tokenRe.FindString(body(sent[0]))
	if secret == "" || !strings.Contains(body(sent[0]), webURL+"/api/v1") {
		t.Fatalf("no secret or API address in %q", body(sent[0]))
	}
	if typ, data := ns(sent[0]); typ != "token" || data["name"] != "ci" || data["scope"] != "write" || strings.Contains(raw(sentMessage{Content: data}), "ext_") {
		t.Errorf("machine-readable part %s %v", typ, data)
	}
	tok, err := w.webAccess().TokenBySecret(w.ctx, secret)
	if err != nil || tok.Member != bob || tok.Name != "ci" || tok.Scope != ledger.ScopeWrite {
		t.Fatalf("TokenBySecret = %+v, %v; want bob's write token ci", tok, err)
	}

	// The list names the tokens, never a secret.
	w.say(dm(bob), bob, "token new Reader")
	k = w.sentCount()
	w.say(dm(bob), bob, "token")
	list := w.sentSince(k)
	if len(list) != 1 || !strings.Contains(body(list[0]), "`Reader` — read-only") || !strings.Contains(body(list[0]), "`ci` — read and write") ||
		strings.Contains(raw(list[0]), "ext_") {
		t.Errorf("token list %v", list)
	}
	if got := holding(w.cli.messages(), secret); len(got) != 1 {
		t.Errorf("the secret was shown %d times; want once", len(got))
	}

	// Revoked, it no longer works.
	k = w.sentCount()
	w.say(dm(bob), bob, "token revoke ci")
	if got := w.sentSince(k); len(got) != 1 || !strings.Contains(body(got[0]), "revoked") {
		t.Errorf("revoke answered %v", got)
	}
	if _, err := w.webAccess().TokenBySecret(w.ctx, secret); ledger.ErrorCode(err) != ledger.EUnauthorized {
		t.Errorf("revoked token: %v", err)
	}
	k = w.sentCount()
	w.say(dm(bob), bob, "токен отозвать ci")
	if got := w.sentSince(k); len(got) != 1 || !strings.Contains(body(got[0]), "нет токена") {
		t.Errorf("revoking it again answered %v", got)
	}
}

func TestTokenNewInCircleShowsTheSecretOnlyInDirectChat(t *testing.T) {
	w := newWebWorld(t, webURL)
	k := w.sentCount()
	w.say(w.circle, bob, "!ex token new ci")
	sent := w.sentSince(k)
	direct, here := inRoom(sent, dm(bob)), inRoom(sent, w.circle)
	if len(sent) != 2 || len(direct) != 1 || len(here) != 1 {
		t.Fatalf("sent %v; want one message in bob's direct chat and one in the circle", sent)
	}
	secret := tokenRe.FindString(body(direct[0]))
	if tok, err := w.webAccess().TokenBySecret(w.ctx, secret); err != nil || tok.Member != bob || tok.Scope != ledger.ScopeRead {
		t.Fatalf("the secret in the direct chat: %+v, %v", tok, err)
	}
	if leaked := holding(inRoom(w.cli.messages(), w.circle), "ext_"); len(leaked) != 0 {
		t.Errorf("the circle room holds a token secret: %v", leaked)
	}
	if !strings.Contains(body(here[0]), "direct chat") {
		t.Errorf("in the circle: %q; want a pointer to the direct chat", body(here[0]))
	}
}

// A rebuild replays the rooms' history, the direct chats' too: a `token
// new` or `web` there made a secret nobody may see again, so it is not
// replayed (tokens and sessions are no part of the rooms' record).
func TestRebuildDoesNotReplaySecrets(t *testing.T) {
	w := newWebWorld(t, webURL)
	for _, body := range []string{"token new ci write", "web"} {
		_, raw := w.event("m.room.message", dm(bob), bob, map[string]any{"msgtype": "m.text", "body": body}, nil)
		evt, err := bot.ParseEvent(raw)
		if err != nil {
			t.Fatal(err)
		}
		k := w.sentCount()
		if err := w.bot.Replaying().Handle(w.ctx, evt); err != nil {
			t.Fatal(err)
		}
		if sent := w.sentSince(k); len(sent) != 0 {
			t.Errorf("%q replayed sent %v", body, sent)
		}
	}
	if ts, err := w.webAccess().Tokens(w.ctx, bob); err != nil || len(ts) != 0 {
		t.Errorf("tokens after the replay: %v, %v", ts, err)
	}
}
