package bot_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// inboxBodies is every raw body the inbox holds, joined.
func (h *harness) inboxBodies(t *testing.T) string {
	t.Helper()
	rows, err := h.store.DB().Query(context.Background(), `SELECT raw FROM inbox`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var all strings.Builder
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		all.Write(raw)
		all.WriteByte('\n')
	}
	return all.String()
}

// The bot's own messages (which carry login links and API tokens to
// members) are recorded without their content, and a member's message
// keeps its body only until it is handled.
func TestInboxKeepsNoSecretsNorHandledBodies(t *testing.T) {
	h := newHarness(t)
	own := message("$own", "!dm:test", "@exodus:test", "Your token: ext_SECRETSECRETSECRET, login: http://web/login/LINKSECRET")
	mine := message("$mine", "!dm:test", "@a:test", "requisites IBAN DE00 1234 5678")
	if code := h.put(t, hsToken, "t1", own, mine); code != http.StatusOK {
		t.Fatalf("transaction: %d", code)
	}
	before := h.inboxBodies(t)
	if strings.Contains(before, "SECRET") {
		t.Fatalf("the bot's own message was recorded with its content: %s", before)
	}
	if !strings.Contains(before, "IBAN") || !strings.Contains(before, `"$own"`) {
		t.Fatalf("pending events are not recorded as received: %s", before)
	}
	h.drain(t)
	if after := h.inboxBodies(t); strings.Contains(after, "IBAN") || strings.Contains(after, "SECRET") {
		t.Fatalf("handled events keep their bodies: %s", after)
	}
	// Both are still known: a redelivery adds nothing.
	if code := h.put(t, hsToken, "t2", own, mine); code != http.StatusOK {
		t.Fatalf("transaction: %d", code)
	}
	if pending, _ := h.store.Pending(h.ctx, 10); len(pending) != 0 {
		t.Fatalf("a redelivered event is pending again: %v", pending)
	}
}
