package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// Bounds of the OpenID token exchange of the widget.
const (
	// maxOpenIDToken bounds the token a widget sends (homeservers make
	// short ones).
	maxOpenIDToken = 512
	// maxOpenIDAnswer bounds the homeserver's answer read: {"sub": …}.
	maxOpenIDAnswer = 4 << 10
	// defaultOpenIDTimeout bounds the question to the homeserver.
	defaultOpenIDTimeout = 5 * time.Second
)

// openID verifies the OpenID token a widget got from the member's client,
// by asking the homeserver that issued it who it stands for. The server
// name comes from the client, so only the servers of the configuration are
// ever asked, at the address configured for each (no discovery, no
// redirects), with a timeout and a bound on the answer.
type openID struct {
	// servers maps a server name to its homeserver's base URL.
	servers map[string]string
	client  *http.Client
	circles circleReader
}

// newOpenID returns the verifier asking servers (server name → base URL),
// each question bounded by timeout (defaultOpenIDTimeout if zero).
func newOpenID(servers map[string]string, timeout time.Duration, circles circleReader) *openID {
	if timeout <= 0 {
		timeout = defaultOpenIDTimeout
	}
	known := make(map[string]string, len(servers))
	for name, base := range servers {
		known[strings.ToLower(name)] = strings.TrimRight(base, "/")
	}
	client := &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // a redirect is an answer, refused below
	}}
	return &openID{servers: known, client: client, circles: circles}
}

// verify returns the member an OpenID token of server stands for. It is
// refused (EUnauthorized) when the server is not one of the configured,
// the token is malformed, the homeserver does not vouch for it, names a
// user of another server, or a user in none of the ledger's circles.
func (o *openID) verify(ctx context.Context, token, server string) (ledger.UserID, error) {
	base, ok := o.servers[strings.ToLower(server)]
	if !ok || server == "" {
		return "", ledger.Errorf(ledger.EUnauthorized, "auth.openid_server", ledger.Clip(server))
	}
	if token == "" || len(token) > maxOpenIDToken || strings.ContainsFunc(token, func(r rune) bool { return r <= ' ' || r > '~' }) {
		return "", ledger.Errorf(ledger.EUnauthorized, "auth.openid_refused")
	}
	sub, err := o.ask(ctx, base, token)
	if err != nil {
		return "", err
	}
	u, err := ledger.ParseUserID(sub)
	if err != nil || !strings.EqualFold(u.Server(), server) {
		return "", fmt.Errorf("%s vouched for %q: %w", server, ledger.Clip(sub), ledger.Errorf(ledger.EUnauthorized, "auth.openid_refused"))
	}
	circles, err := o.circles.Of(ctx, u)
	if err != nil {
		return "", fmt.Errorf("failed to read the circles of %s: %w", u, err)
	}
	if len(circles) == 0 {
		return "", ledger.Errorf(ledger.EUnauthorized, "auth.openid_unknown", u)
	}
	return u, nil
}

// ask asks the homeserver at base who token stands for: its sub.
func (o *openID) ask(ctx context.Context, base, token string) (string, error) {
	refused := ledger.Errorf(ledger.EUnauthorized, "auth.openid_refused")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		base+"/_matrix/federation/v1/openid/userinfo?access_token="+url.QueryEscape(token), nil)
	if err != nil {
		return "", fmt.Errorf("failed to make the userinfo request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := o.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("failed to ask %s for the token's user: %v: %w", base, err, refused)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOpenIDAnswer+1))
	if err != nil {
		return "", fmt.Errorf("failed to read the userinfo of %s: %v: %w", base, err, refused)
	}
	if len(body) > maxOpenIDAnswer {
		return "", fmt.Errorf("the userinfo of %s is over %d bytes: %w", base, maxOpenIDAnswer, refused)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s answered %d to the token: %w", base, resp.StatusCode, refused)
	}
	var info struct {
		Sub string `json:"sub"`
	}
	if err := json.Unmarshal(body, &info); err != nil || info.Sub == "" {
		return "", fmt.Errorf("the userinfo of %s is no {sub}: %w", base, refused)
	}
	return info.Sub, nil
}
