package devnet

import (
	"net"
	"strconv"
	"testing"
)

// TestFreePortIsBelowTheEphemeralRange: the port FreePortOn picks is one
// no outgoing connection can take (below the kernel's ephemeral range) and
// one a process can listen on.
func TestFreePortIsBelowTheEphemeralRange(t *testing.T) {
	low := ephemeralLow()
	for range 20 {
		p, err := FreePortOn("127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if low-portsFrom >= 1_000 && (p < portsFrom || p >= low) {
			t.Fatalf("port %d is outside [%d, %d)", p, portsFrom, low)
		}
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(p)))
		if err != nil {
			t.Fatalf("port %d cannot be listened on: %v", p, err)
		}
		l.Close()
	}
}

// TestNoPortBelowATooSmallRange: with fewer than a thousand ports below
// the ephemeral range, FreePortOn leaves the choice to the kernel.
func TestNoPortBelowATooSmallRange(t *testing.T) {
	if _, ok := listenablePortBelow("127.0.0.1", portsFrom+999); ok {
		t.Fatal("a port was picked from a range of 999")
	}
}
