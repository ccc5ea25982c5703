package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// hsAnswer is what one request to the homeserver came to.
type hsAnswer struct {
	// status is the HTTP status, 0 when the homeserver did not answer.
	status int
	// errcode is the Matrix errcode of an error answer ("" if none).
	errcode string
}

// knownErrcodes are the errcodes of the client-server API counted as they
// are; any other error answer (a remote server's errcode passed through,
// say) is counted by its HTTP status, so the label set stays bounded.
var knownErrcodes = map[string]bool{
	"M_FORBIDDEN": true, "M_UNKNOWN_TOKEN": true, "M_MISSING_TOKEN": true, "M_BAD_JSON": true, "M_NOT_JSON": true,
	"M_NOT_FOUND": true, "M_LIMIT_EXCEEDED": true, "M_UNKNOWN": true, "M_UNRECOGNIZED": true, "M_UNAUTHORIZED": true,
	"M_USER_DEACTIVATED": true, "M_USER_IN_USE": true, "M_INVALID_USERNAME": true, "M_ROOM_IN_USE": true,
	"M_INVALID_ROOM_STATE": true, "M_EXCLUSIVE": true, "M_GUEST_ACCESS_FORBIDDEN": true, "M_INVALID_PARAM": true,
	"M_TOO_LARGE": true, "M_UNSUPPORTED_ROOM_VERSION": true, "M_INCOMPATIBLE_ROOM_VERSION": true,
	"M_BAD_STATE": true, "M_MISSING_PARAM": true, "M_RESOURCE_LIMIT_EXCEEDED": true, "M_CANNOT_LEAVE_SERVER_NOTICE_ROOM": true,
}

// kind is the label of a failed request in the metrics ("" for a
// success): "unreachable", the errcode, or "http_<status>".
func (a hsAnswer) kind() string {
	switch {
	case a.status == 0:
		return "unreachable"
	case a.status < 400:
		return ""
	case knownErrcodes[a.errcode]:
		return a.errcode
	}
	return fmt.Sprintf("http_%d", a.status)
}

// probe is what the answer tells the health checks: whether the
// homeserver answers, and whether it refused the as_token.
func (a hsAnswer) probe(at time.Time) probe {
	p := probe{at: at}
	switch {
	case a.status == 0 || a.status == http.StatusBadGateway || a.status == http.StatusServiceUnavailable || a.status == http.StatusGatewayTimeout:
		p.reachable, p.detail = no(), "no answer"
	case a.errcode == "M_UNKNOWN_TOKEN":
		p.reachable, p.tokenOK, p.detail = yes(), no(), a.errcode
	default:
		p.reachable = yes()
	}
	return p
}

// observedTransport passes every request to the homeserver to base and
// tells observe what each came to. A request the bot cancelled tells
// nothing. The body of an error answer is read to learn its errcode, and
// handed on whole.
type observedTransport struct {
	base    http.RoundTripper
	observe func(hsAnswer)
}

// maxErrorPeek bounds how much of an error answer is read for its
// errcode.
const maxErrorPeek = 64 << 10

// RoundTrip implements http.RoundTripper.
func (t observedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			t.observe(hsAnswer{})
		}
		return resp, err
	}
	a := hsAnswer{status: resp.StatusCode}
	if resp.StatusCode >= 400 && resp.Body != nil {
		peeked, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorPeek))
		var body struct {
			ErrCode string `json:"errcode"`
		}
		_ = json.Unmarshal(peeked, &body)
		a.errcode = body.ErrCode
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(peeked), resp.Body), resp.Body}
	}
	t.observe(a)
	return resp, nil
}

// observeHomeserver makes the client's transport tell observe about every
// request (see observedTransport). It must be called before the client
// makes its first request.
func observeHomeserver(cli *http.Client, observe func(hsAnswer)) {
	base := cli.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cli.Transport = observedTransport{base: base, observe: observe}
}
