//go:build goolm

package e2ee

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// BenchmarkEncryptRoom measures the device encrypting a message into an
// encrypted room of 20 members whose room key it shared already: each op
// finds the members, checks the session covers them, and encrypts (megolm,
// the session's next index saved in the SQLite crypto store).
// "homeserver" asks the homeserver for the room's members before every
// message (a real HTTP round trip to a server on the loopback interface);
// "state-store" reads them from the Matrix state store in the same
// database, after the first message's one question.
func BenchmarkEncryptRoom(b *testing.B) {
	for _, withStore := range []bool{false, true} {
		name := "homeserver"
		if withStore {
			name = "state-store"
		}
		b.Run(name, func(b *testing.B) { benchEncrypt(b, withStore) })
	}
}

func benchEncrypt(b *testing.B, withStore bool) {
	ctx := zerolog.Nop().WithContext(context.Background())
	hs := &fakeRoomServer{members: []id.UserID{testBot}}
	for i := 0; i < 19; i++ {
		hs.members = append(hs.members, id.NewUserID("member"+string(rune('a'+i)), "test"))
	}
	srv := httptest.NewServer(hs)
	defer srv.Close()
	d := roomDevice(b, ctx, srv.URL, withStore)
	content := json.RawMessage(`{"msgtype":"m.notice","body":"Your intention: €50","m.mentions":{}}`)
	if _, err := d.Encrypt(ctx, testRoom, event.EventMessage, content); err != nil {
		b.Fatal(err)
	}
	asked := d.asked.Load()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := d.Encrypt(ctx, testRoom, event.EventMessage, content); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(d.asked.Load()-asked)/float64(b.N), "asks/op")
}
