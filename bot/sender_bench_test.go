package bot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/sqlstatestore"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

// stateOverHTTP is a fake client whose room state requests go over HTTP,
// as to a homeserver (here one on the loopback interface).
type stateOverHTTP struct {
	*fakeClient
	hs *mautrix.Client
}

func (c stateOverHTTP) StateEvent(ctx context.Context, room id.RoomID, typ event.Type, key string, out any) error {
	return c.hs.StateEvent(ctx, room, typ, key, out)
}

// BenchmarkSenderUnencryptedRoom measures the sender of a bot with an
// encryption device sending messages into an unencrypted room: each op
// writes one message into the outbox and delivers it (read, decide whether
// to encrypt, send to a recording fake, record it sent). "homeserver" asks
// the homeserver for the room's m.room.encryption before every message (a
// real HTTP round trip to a server on the loopback interface that answers
// M_NOT_FOUND); "state-store" reads the Matrix state store in the same
// SQLite database, after the first message's one question.
func BenchmarkSenderUnencryptedRoom(b *testing.B) {
	for _, withStore := range []bool{false, true} {
		name := "homeserver"
		if withStore {
			name = "state-store"
		}
		b.Run(name, func(b *testing.B) { benchSenderUnencrypted(b, withStore) })
	}
}

func benchSenderUnencrypted(b *testing.B, withStore bool) {
	var asked atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		asked.Add(1)
		mautrix.MNotFound.WithMessage("Event not found.").Write(w)
	}))
	defer srv.Close()
	hs, err := mautrix.NewClient(srv.URL, "@exodus:test", "token")
	if err != nil {
		b.Fatal(err)
	}
	h := newHarness(b)
	cfg := bot.Config{UserID: "@exodus:test", Prefix: "!ex", CommandsPerMinute: 1000}
	h.bot = bot.New(cfg, stateOverHTTP{h.cli, hs}, h.svc, access.New(h.store.Ledger(), h.svc), h.store)
	h.bot.Sender().SetEncrypter(&sealer{})
	if withStore {
		states := sqlstatestore.NewSQLStateStore(h.store.DB(), dbutil.ZeroLogger(zerolog.Nop()), false)
		if err := states.Upgrade(h.ctx); err != nil {
			b.Fatal(err)
		}
		h.bot.Sender().SetEncryptionStates(states)
	}
	content := []byte(`{"msgtype":"m.notice","body":"Your intention: €50","m.mentions":{}}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := ledger.OutboxMessage{Room: ledger.RoomID(h.circle), EventType: "m.room.message", Content: content, CreatedAt: h.clock.Now()}
		if err := h.store.PutOutbox(h.ctx, m); err != nil {
			b.Fatal(err)
		}
		if _, err := h.bot.Sender().Flush(h.ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if h.cli.count() != b.N {
		b.Fatalf("sent %d messages, want %d", h.cli.count(), b.N)
	}
	b.ReportMetric(float64(asked.Load())/float64(b.N), "asks/op")
}
