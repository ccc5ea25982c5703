package web

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func TestLimiterCountsOnlyTheHitsRecorded(t *testing.T) {
	l := newLimiter(3, time.Minute)
	steps := []struct {
		at      time.Duration // after t0
		hit     bool          // record a hit first
		blocked bool
		wait    time.Duration
	}{
		{0, false, false, 0},
		{0, true, false, 0},
		{10 * time.Second, true, false, 0},
		{20 * time.Second, true, true, 40 * time.Second}, // the first hit leaves at 60 s
		{30 * time.Second, false, true, 30 * time.Second},
		{60 * time.Second, false, false, 0},               // the first hit has left
		{60 * time.Second, true, true, 10 * time.Second},  // the second leaves at 70 s
		{200 * time.Second, false, false, 0},              // all have left
		{200 * time.Second, true, false, 0},               // a fresh window
		{200 * time.Second, true, false, 0},               // two at once
		{200 * time.Second, true, true, 60 * time.Second}, // three: blocked
	}
	for i, s := range steps {
		now := t0.Add(s.at)
		if s.hit {
			l.hit("a", now)
		}
		wait, blocked := l.blocked("a", now)
		if blocked != s.blocked || wait != s.wait {
			t.Errorf("step %d at %v: blocked %v wait %v, want %v %v", i, s.at, blocked, wait, s.blocked, s.wait)
		}
		if _, other := l.blocked("b", now); other {
			t.Errorf("step %d: another key is blocked", i)
		}
	}
}

func TestLimiterMemoryIsBounded(t *testing.T) {
	l := newLimiter(3, time.Minute)
	l.max = 4
	// A key keeps at most n times, however often it is hit.
	for i := range 100 {
		l.hit("busy", t0.Add(time.Duration(i)*time.Millisecond))
	}
	if n := len(l.hits["busy"]); n != 3 {
		t.Fatalf("busy key keeps %d times, want 3", n)
	}
	// Past max keys, the ones with no hit in the window go first, then the
	// one hit least recently.
	for i := range 3 {
		l.hit(fmt.Sprint("old", i), t0.Add(-2*time.Minute))
	}
	l.hit("new", t0.Add(time.Second))
	if _, ok := l.hits["new"]; !ok || len(l.hits) != 2 {
		t.Fatalf("after a prune: %d keys %v", len(l.hits), keys(l))
	}
	for i := range 10 {
		l.hit(fmt.Sprint("k", i), t0.Add(time.Duration(2+i)*time.Second))
		if len(l.hits) > l.max {
			t.Fatalf("%d keys, at most %d", len(l.hits), l.max)
		}
	}
	if _, ok := l.hits["busy"]; ok {
		t.Errorf("the key hit least recently is kept: %v", keys(l))
	}
	if _, ok := l.hits["k9"]; !ok {
		t.Errorf("the latest key is forgotten: %v", keys(l))
	}
	// A key whose hits have all left the window is forgotten when read.
	l.blocked("k9", t0.Add(time.Hour))
	if _, ok := l.hits["k9"]; ok {
		t.Error("an expired key is kept")
	}
}

func TestLimiterAllowCountsEveryRequest(t *testing.T) {
	l := newLimiter(2, time.Minute)
	for i, want := range []bool{true, true, false, false} {
		if got := l.allow("a", t0); got != want {
			t.Errorf("request %d: %v, want %v", i+1, got, want)
		}
	}
	if !l.allow("a", t0.Add(time.Minute)) {
		t.Error("refused after the window")
	}
}

func keys(l *limiter) []string {
	var ks []string
	for k := range l.hits {
		ks = append(ks, k)
	}
	return ks
}
