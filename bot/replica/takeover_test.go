package replica

import (
	"testing"
	"time"
)

func TestTakeoverPollKeepsWithinAFewSeconds(t *testing.T) {
	for _, c := range []struct{ after, want time.Duration }{
		{time.Second, 250 * time.Millisecond},
		{4 * time.Second, 400 * time.Millisecond},
		{20 * time.Second, 2 * time.Second},
		{5 * time.Minute, 5 * time.Second},
		{24 * time.Hour, 5 * time.Second},
	} {
		if got := takeoverPoll(c.after); got != c.want {
			t.Errorf("takeoverPoll(%v) = %v; want %v", c.after, got, c.want)
		}
	}
}
