package web

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// Failed authentications are counted per client address: an unknown,
// revoked or missing API token, and a bad, used or expired login link. An
// address with FailedAuthLimit of them within FailedAuthWindow is locked
// out: every API request needing a token and every login from it is
// refused with 429 and Retry-After, before the secret is looked at, so a
// valid one is refused too until the window has room again. Successful
// requests do not count. The API and the login share one count.

// lockedOut returns the client address of a request and, if the address
// is locked out, the refusal to answer with; it then sets Retry-After.
func (lo *lockout) lockedOut(w http.ResponseWriter, r *http.Request) (string, error) {
	addr := lo.clientAddr(r)
	wait, locked := lo.failures.blocked(addr, lo.clock.Now())
	if !locked {
		return addr, nil
	}
	secs := ceilSeconds(wait)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return addr, ledger.Errorf(ledger.ERateLimited, "auth.locked_out", lo.limit, ceilSeconds(lo.window), secs)
}

// failedAuth counts err against addr if it is a failed authentication;
// the address reaching the limit is logged.
func (lo *lockout) failedAuth(r *http.Request, addr string, err error) {
	if ledger.ErrorCode(err) != ledger.EUnauthorized {
		return
	}
	if lo.failures.hit(addr, lo.clock.Now()) {
		logOf(r).Warn().Str("address", addr).Int("failures", lo.limit).
			Dur("window", lo.window).Msg("Locked out an address after failed authentications")
	}
}

// ceilSeconds is a duration in whole seconds, rounded up, at least 1.
func ceilSeconds(d time.Duration) int {
	return max(1, int((d+time.Second-1)/time.Second))
}

// clientAddr is the address a request's failed authentications count
// against: the connection's IP; if that is a trusted proxy, the nearest
// address in X-Forwarded-For that is not one. An IPv6 address counts by
// its /64, the block one host usually holds.
func (lo *lockout) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	addr = addr.Unmap().WithZone("")
	if lo.trusted(addr) {
		addr = lo.forwardedFor(r, addr)
	}
	if addr.Is6() {
		return netip.PrefixFrom(addr, 64).Masked().String()
	}
	return addr.String()
}

// trusted reports whether an address is one of the trusted proxies.
func (lo *lockout) trusted(a netip.Addr) bool {
	for _, p := range lo.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor reads X-Forwarded-For from the right (the hop nearest to
// us) and returns the first address that is not a trusted proxy; if every
// one is, the leftmost; an entry that is no address ends the walk.
func (lo *lockout) forwardedFor(r *http.Request, peer netip.Addr) netip.Addr {
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		addr = a.Unmap().WithZone("")
		if !lo.trusted(addr) {
			break
		}
	}
	return addr
}
