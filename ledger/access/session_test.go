package access_test

import (
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
)

func TestOpenSessionSpendsItsProofOnce(t *testing.T) {
	w := newWorld(t, sAnn)
	secret, sess, err := w.acc.OpenSession(w.ctx, sAnn, "openid-token-1")
	if err != nil {
		t.Fatal(err)
	}
	if sess.Member != sAnn || !sess.ExpiresAt.Equal(w.clock.Now().Add(access.SessionTTL)) {
		t.Errorf("session %+v; want ann's for SessionTTL", sess)
	}
	if got, err := w.acc.SessionBySecret(w.ctx, secret); err != nil || got.Member != sAnn {
		t.Errorf("the session opened: %+v, %v", got, err)
	}
	_, _, err = w.acc.OpenSession(w.ctx, sAnn, "openid-token-1")
	wantErr(t, "the same proof again", err, ledger.EUnauthorized, "auth.used_openid")
	if n := w.count(`SELECT COUNT(*) FROM web_sessions`); n != 1 {
		t.Errorf("%d sessions after a replay; want 1", n)
	}
	if _, _, err := w.acc.OpenSession(w.ctx, sAnn, "openid-token-2"); err != nil {
		t.Errorf("another proof: %v", err)
	}
}
