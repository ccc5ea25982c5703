package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// widgetType is the state event Element reads a room's widgets from.
var widgetType = event.Type{Type: "im.vector.modular.widgets", Class: event.StateEventType}

// TestWidget: the shared stack's web organizer lists no Element that may
// frame it, so the owner's `widget` is answered with what the operator
// must set, and the room gets no widget.
func TestWidget(t *testing.T) {
	alice := member(t, "alice")
	circle := circleOf(t, "Widgets", alice)
	mustContain(t, say(t, alice, circle, "!ex widget"), "web.frame_origins")
	var st map[string]any
	if err := alice.Client.StateEvent(testCtx(t), circle, widgetType, "org.exodus.organizer", &st); err == nil && len(st) != 0 {
		t.Errorf("an unframed widget was added: %v", st)
	}
}

// widgetState is the widget state event of the web organizer in room.
func widgetState(t *testing.T, u *devnet.User, room id.RoomID) map[string]any {
	t.Helper()
	var st map[string]any
	if err := u.Client.StateEvent(testCtx(t), room, widgetType, "org.exodus.organizer", &st); err != nil {
		t.Fatalf("reading the widget state: %v", err)
	}
	return st
}

// TestWidgetSignsInInsideTheFrame: alice, owner of a circle, types
// `widget`; the room's state then holds the web organizer's widget, read
// back through the client API, once however often she asks. A host page
// playing Element frames the widget she added, answers its widget API and hands it a real OpenID
// token from Dendrite: alice is signed in and sees her circle's page
// inside the frame. `виджет выкл` removes the widget. The homeserver federates here: Dendrite serves the
// federation API (and so /_matrix/federation/v1/openid/userinfo) only with
// federation on, which the shared stack has off.
func TestWidgetSignsInInsideTheFrame(t *testing.T) {
	hostPort, err := devnet.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	host := fmt.Sprintf("http://127.0.0.1:%d", hostPort)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	s, err := stack.Start(ctx, stack.Options{Dir: filepath.Join(dir, "widget"), Host: "127.0.0.1", Federate: true,
		Settings: map[string]any{"web.frame_origins": []string{host}}})
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	alice := fedMember(t, s, "alice")
	circle := fedCircle(t, s, "Widgets", alice, dmWith(t, alice, s.BotID))
	mustContain(t, sayTo(t, alice, circle, s.BotID, "!ex widget"), "now a widget of this room")
	st := widgetState(t, alice, circle)
	wantURL := s.WebURL + "/widget?room=$matrix_room_id&user=$matrix_user_id&lang=$org.matrix.msc2873.client_language&widgetId=$matrix_widget_id"
	if st["type"] != "m.custom" || st["url"] != wantURL || st["name"] != "Exodus" {
		t.Fatalf("widget state %v", st)
	}
	mustContain(t, sayTo(t, alice, circle, s.BotID, "!ex widget"), "already has the web organizer's widget")

	page := widgetHostPage(t, host, alice, circle, st["url"].(string))
	bctx := browser(t)
	run(t, bctx, "open the host page", chromedp.Navigate(page), chromedp.WaitVisible(`#widget`, chromedp.ByQuery))
	text := frameText(t, bctx, "Widgets")
	mustHave(t, "the widget's page", text, "Widgets", alice.ID.String())
	var log string
	run(t, bctx, "read the host", chromedp.Text(`#host-status`, &log, chromedp.ByQuery))
	mustHave(t, "the host's log", log, "answered:capabilities", "openid")
	screenshot(t, bctx, "widget")

	// A member who does not let the client confirm their ID is told so.
	blocked := browser(t)
	run(t, blocked, "open the host page, blocking", chromedp.Navigate(page+"?blocked"), chromedp.WaitVisible(`#widget`, chromedp.ByQuery))
	mustHave(t, "the blocked widget", frameText(t, blocked, "did not let Exodus confirm"), "you are not signed in")

	mustContain(t, sayTo(t, alice, circle, s.BotID, "!ex виджет выкл"), "Виджет веб-органайзера убран")
	if st := widgetState(t, alice, circle); len(st) != 0 {
		t.Errorf("after widget off the state is %v", st)
	}
}

// frameText waits until the widget's frame shows want in its main part,
// and returns that text (the frame navigates once signed in, so its
// document is looked up again each time).
func frameText(t *testing.T, ctx context.Context, want string) string {
	t.Helper()
	var last string
	for end := time.Now().Add(45 * time.Second); time.Now().Before(end); {
		var frames []*cdp.Node
		step, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := chromedp.Run(step, chromedp.Nodes(`#widget`, &frames, chromedp.ByQuery))
		if err == nil && len(frames) == 1 {
			err = chromedp.Run(step, chromedp.Text(`main`, &last, chromedp.ByQuery, chromedp.FromNode(frames[0])))
		}
		cancel()
		if err == nil && strings.Contains(last, want) {
			return strings.Join(strings.Fields(last), " ")
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("the widget's frame never showed %q; last: %s", want, last)
	return ""
}

// widgetHostPage serves, at widgetHost (an origin), a page playing Element's part: it
// frames the widget URL (its template variables filled in as Element
// does), asks the widget for its capabilities, and answers its get_openid
// with an OpenID token Dendrite issued to u
// (POST /_matrix/client/v3/user/{userId}/openid/request_token), or, opened
// with "?blocked", as a member who refused it.
func widgetHostPage(t *testing.T, widgetHost string, u *devnet.User, room id.RoomID, template string) string {
	t.Helper()
	tok, err := u.Client.RequestOpenIDToken(testCtx(t))
	if err != nil {
		t.Fatalf("requesting an OpenID token: %v", err)
	}
	src := strings.NewReplacer("$matrix_room_id", url.QueryEscape(room.String()), "$matrix_user_id", url.QueryEscape(u.ID.String()),
		"$org.matrix.msc2873.client_language", "en", "$matrix_widget_id", "org.exodus.organizer").Replace(template)
	src += "&parentUrl=" + url.QueryEscape(widgetHost+"/")
	token, _ := json.Marshal(tok)
	srcJSON, _ := json.Marshal(src)
	html := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>host</title></head><body>
<p id="host-status">host:</p>
<iframe id="widget" width="1100" height="800"></iframe>
<script>
const token = ` + string(token) + `;
const frame = document.getElementById("widget");
const src = ` + string(srcJSON) + `;
const origin = new URL(src).origin;
const log = (s) => { document.getElementById("host-status").textContent += " " + s; };
window.addEventListener("message", (ev) => {
  if (ev.source !== frame.contentWindow || ev.origin !== origin) return;
  const m = ev.data;
  if (m.api === "fromWidget" && !m.response) {
    let response = {};
    if (m.action === "get_openid" && location.search === "?blocked") { response = {state: "blocked"}; log("blocked"); }
    else if (m.action === "get_openid") { response = Object.assign({state: "allowed"}, token); log("openid"); }
    frame.contentWindow.postMessage(Object.assign({}, m, {response: response}), origin);
  } else if (m.api === "toWidget" && m.response) {
    log("answered:" + m.action);
  }
});
frame.addEventListener("load", () => {
  frame.contentWindow.postMessage({api: "toWidget", widgetId: "org.exodus.organizer", requestId: "cap1", action: "capabilities", data: {}}, origin);
}, {once: true});
frame.src = src;
</script></body></html>`
	ln, err := net.Listen("tcp", strings.TrimPrefix(widgetHost, "http://"))
	if err != nil {
		t.Fatalf("listening at %s: %v", widgetHost, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(html))
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return widgetHost + "/"
}
