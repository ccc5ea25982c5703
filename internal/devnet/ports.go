package devnet

import (
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

// portsFrom is the lowest port FreePortOn picks by itself.
const portsFrom = 10_000

// ephemeralLow is the lowest port the kernel gives outgoing connections
// (Linux: net.ipv4.ip_local_port_range; 32768 where it cannot be read).
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32_768
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 32_768
	}
	lo, err := strconv.Atoi(fields[0])
	if err != nil {
		return 32_768
	}
	return lo
}

// listenablePortBelow tries random ports in [portsFrom, below) on host
// and returns the first one it could listen on (false when there is no
// such range or every try failed).
func listenablePortBelow(host string, below int) (int, bool) {
	if below-portsFrom < 1_000 {
		return 0, false
	}
	for range 64 {
		p := portsFrom + rand.IntN(below-portsFrom)
		l, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err == nil {
			l.Close()
			return p, true
		}
	}
	return 0, false
}
