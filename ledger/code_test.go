package ledger_test

import (
	"context"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/memstore"
)

// codeOf makes a one-time code with event evt on a fresh service with key
// (nil: none) and returns it.
func codeOf(t *testing.T, key []byte, evt ledger.EventID) string {
	t.Helper()
	ctx := context.Background()
	cfg := ledger.DefaultConfig()
	cfg.CodeKey = key
	svc := ledger.NewService(memstore.New().Stores(), ledger.NewManualClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)), cfg)
	inv, err := svc.Trust.CreateCode(ctx, ledger.Action{Event: evt, Actor: "@a:t"}, "")
	if err != nil {
		t.Fatal(err)
	}
	return inv.Code
}

// With a key, the code an event makes is the same on every replay (a
// rebuild from the rooms finds it again), differs between events and
// between keys, and has the code's shape; without one it is random.
func TestInvitationCodesFromTheEvent(t *testing.T) {
	key := []byte("secret")
	first := codeOf(t, key, "$invite1")
	if again := codeOf(t, key, "$invite1"); again != first {
		t.Errorf("the same event made %s, then %s", first, again)
	}
	if other := codeOf(t, key, "$invite2"); other == first {
		t.Errorf("two events made the same code %s", first)
	}
	if otherKey := codeOf(t, []byte("another"), "$invite1"); otherKey == first {
		t.Errorf("two keys made the same code %s", first)
	}
	if len(first) != 9 || first[4] != '-' {
		t.Errorf("code %q is not XXXX-XXXX", first)
	}
	if a, b := codeOf(t, nil, "$invite1"), codeOf(t, nil, "$invite1"); a == b {
		t.Errorf("without a key, the same event made the same code %s twice", a)
	}
}
