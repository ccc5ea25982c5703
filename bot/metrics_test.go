package bot_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// recordedMetrics keeps every call the bot makes to its Metrics.
type recordedMetrics struct {
	mu       sync.Mutex
	received []string
	handled  []string
	failed   []string
	ops      []string
	sends    []bot.SendResult
	decrypts []bot.DecryptResult
}

func (m *recordedMetrics) MessageSent(result bot.SendResult, _ time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sends = append(m.sends, result)
}

func (m *recordedMetrics) EventDecrypted(result bot.DecryptResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.decrypts = append(m.decrypts, result)
}

func (m *recordedMetrics) EventsReceived(types []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.received = append(m.received, types...)
}

func (m *recordedMetrics) EventHandled(typ string, waited, took time.Duration, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.handled = append(m.handled, typ)
	if err != nil {
		m.failed = append(m.failed, typ)
	}
}

func (m *recordedMetrics) LedgerOp(kind ledger.OpKind, result bot.OpResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ops = append(m.ops, string(kind)+"/"+string(result))
}

// The intake counts what it receives and handles, under the types the bot
// handles or "other"; the bot counts each op with what became of it.
func TestMetricsCountEventsAndOps(t *testing.T) {
	m := &recordedMetrics{}
	w := newAidWorld(t, func(c *bot.Config) { c.Metrics = m })
	w.say(w.circle, alice, "!ex status orange 300")
	_, custom := w.event("com.example.anything", w.circle, bob, map[string]any{"x": 1}, nil)
	w.deliver(custom)
	w.say(w.circle, bob, "!ex got")

	want := []string{"m.room.message", bot.OtherEventType, "m.room.message"}
	if !slices.Equal(m.received, want) || !slices.Equal(m.handled, want) {
		t.Fatalf("received %v, handled %v; want %v for both", m.received, m.handled, want)
	}
	if len(m.failed) != 0 {
		t.Fatalf("failed handlers: %v", m.failed)
	}
	if !slices.Equal(m.ops, []string{"status/applied", "got/refused"}) {
		t.Fatalf("ops: %v", m.ops)
	}
	// The answer and the need's card to each circle, the refusal: each
	// accepted at the first attempt.
	if len(m.sends) != 4 || slices.ContainsFunc(m.sends, func(r bot.SendResult) bool { return r != bot.SendAccepted }) {
		t.Fatalf("sends: %v", m.sends)
	}
}

// The intake tells when the last transaction was recorded: never before
// the first, and not for a transaction it refused.
func TestLastTransaction(t *testing.T) {
	h := newHarness(t)
	if got := h.intake.LastTransaction(); !got.IsZero() {
		t.Fatalf("last transaction before any: %v", got)
	}
	h.put(t, "wrong-token", "txn0", message("$m0", string(h.circle), "@alice:test", "hello"))
	if got := h.intake.LastTransaction(); !got.IsZero() {
		t.Fatalf("last transaction after a refused one: %v", got)
	}
	h.put(t, hsToken, "txn1", message("$m1", string(h.circle), "@alice:test", "hello"))
	if got, want := h.intake.LastTransaction(), h.svc.Now().Truncate(time.Millisecond); !got.Equal(want) {
		t.Fatalf("last transaction %v, want %v", got, want)
	}
}
