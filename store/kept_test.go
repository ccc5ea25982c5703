package store

import (
	"fmt"
	"testing"
)

// keptInts is a kept of ints by name, copied as they are.
func keptInts() *kept[string, *int] {
	return newKept[string](func(v *int) *int {
		if v == nil {
			return nil
		}
		cp := *v
		return &cp
	})
}

// held returns k's row in c ("absent", "none" for a known absence, or
// the number).
func held(c *kept[string, *int], k string) string {
	v, ok := c.get(k)
	switch {
	case !ok:
		return "absent"
	case v == nil:
		return "none"
	}
	return fmt.Sprint(*v)
}

func ptr(v int) *int { return &v }

// TestKeptOrdersWritesAndReads: each case drives a kept through writes,
// ends and offers, and checks the row it holds.
func TestKeptOrdersWritesAndReads(t *testing.T) {
	cases := []struct {
		name string
		run  func(c *kept[string, *int])
		want string
	}{
		{"a read offered is held", func(c *kept[string, *int]) { c.offer("k", ptr(1), c.clock()) }, "1"},
		{"an absence offered is held", func(c *kept[string, *int]) { c.offer("k", nil, c.clock()) }, "none"},
		{"a write drops the row", func(c *kept[string, *int]) {
			c.offer("k", ptr(1), c.clock())
			c.write("k")
		}, "absent"},
		{"a committed write is held", func(c *kept[string, *int]) {
			c.ended("k", c.write("k"), ptr(2), true)
		}, "2"},
		{"a write taken back is dropped", func(c *kept[string, *int]) {
			c.offer("k", ptr(1), c.clock())
			c.ended("k", c.write("k"), ptr(2), false)
		}, "absent"},
		{"a read from before a write is refused", func(c *kept[string, *int]) {
			at := c.clock()
			c.ended("k", c.write("k"), ptr(2), true)
			c.offer("k", ptr(1), at)
		}, "2"},
		{"a read from during a write, offered after its end, is refused", func(c *kept[string, *int]) {
			w := c.write("k")
			at := c.clock()
			c.ended("k", w, ptr(2), true)
			c.offer("k", ptr(1), at)
		}, "2"},
		{"an older write's end after a newer write's is ignored", func(c *kept[string, *int]) {
			w1 := c.write("k")
			w2 := c.write("k")
			c.ended("k", w2, ptr(2), true)
			c.ended("k", w1, ptr(1), true)
		}, "2"},
		{"an older write's end while a newer is pending holds nothing", func(c *kept[string, *int]) {
			w1 := c.write("k")
			c.write("k")
			c.ended("k", w1, ptr(1), true)
		}, "absent"},
		{"another key's write changes nothing", func(c *kept[string, *int]) {
			at := c.clock()
			c.ended("j", c.write("j"), ptr(5), true)
			c.offer("k", ptr(1), at)
		}, "1"},
		{"a read from before a clear is refused", func(c *kept[string, *int]) {
			at := c.clock()
			c.clear()
			c.offer("k", ptr(1), at)
		}, "absent"},
		{"a clear drops every row", func(c *kept[string, *int]) {
			c.offer("k", ptr(1), c.clock())
			c.clear()
		}, "absent"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := keptInts()
			tc.run(c)
			if got := held(c, "k"); got != tc.want {
				t.Fatalf("k = %s, want %s", got, tc.want)
			}
		})
	}
}

// TestKeptIsBounded: no more than keptMax rows, nor keys written, are
// held.
func TestKeptIsBounded(t *testing.T) {
	c := keptInts()
	for i := range 3 * keptMax {
		k := fmt.Sprint(i)
		c.offer(k, ptr(i), c.clock())
		c.ended(k, c.write(k), ptr(i), true)
	}
	if len(c.entries) > keptMax || len(c.last) > keptMax {
		t.Fatalf("%d rows, %d keys written held; at most %d", len(c.entries), len(c.last), keptMax)
	}
}

// TestKeptHandsOutCopies: changing what get returned, or what was offered,
// does not change the row held.
func TestKeptHandsOutCopies(t *testing.T) {
	c := keptInts()
	v := ptr(1)
	c.offer("k", v, c.clock())
	*v = 9
	got, _ := c.get("k")
	*got = 8
	if h := held(c, "k"); h != "1" {
		t.Fatalf("k = %s, want 1", h)
	}
}
