package replica

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"maunium.net/go/mautrix"
)

// The page of a mautrix client is read as the homeserver's bytes of each
// event, byte for byte (a field mautrix does not know kept, nothing
// encoded again), with the token after it.
func TestRawMessagesKeepsTheHomeserversBytes(t *testing.T) {
	const evt = `{"type":"m.room.message","x_unknown":{"k": 1},"event_id":"$e","sender":"@a:test","origin_server_ts":5,"content":{"body":"hi","msgtype":"m.text"}}`
	var query string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.Path + "?" + r.URL.RawQuery
		_, _ = w.Write([]byte(`{"chunk":[` + evt + `],"end":"t9"}`))
	}))
	defer srv.Close()
	cli, err := mautrix.NewClient(srv.URL, "@exodus:test", "token")
	if err != nil {
		t.Fatal(err)
	}
	chunk, end, err := (&Replica{cli: cli}).rawMessages(context.Background(), "!r:test", "t0_0", mautrix.DirectionForward, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunk) != 1 || string(chunk[0]) != evt || end != "t9" {
		t.Fatalf("chunk %q, end %q", chunk, end)
	}
	if want := "/_matrix/client/v3/rooms/!r:test/messages?dir=f&from=t0_0&limit=100"; query != want {
		t.Errorf("asked %s, want %s", query, want)
	}
}
