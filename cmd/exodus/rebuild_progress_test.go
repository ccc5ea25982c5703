package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/bot/replica"
)

// exodus rebuild tells its progress on one line rewritten in place on a
// terminal (ended by the last), a line each time elsewhere.
func TestRebuildProgressLine(t *testing.T) {
	steps := []replica.Progress{
		{Rooms: 3, RoomsDone: 1, Read: 1200, Applied: 1000, Elapsed: 4 * time.Second, Rate: 250, Left: 90 * time.Second},
		{Rooms: 3, RoomsDone: 3, Read: 5000, Applied: 5000, Elapsed: 20 * time.Second, Rate: 250, Done: true},
	}
	var tty, file bytes.Buffer
	for _, p := range steps {
		progressLine(&tty, true)(p)
		progressLine(&file, false)(p)
	}
	first := "Rebuilding: rooms 1/3, events read 1200, applied 1000, 250 events/s, 4s elapsed, about 1m30s left"
	last := "Rebuilding: rooms 3/3, events read 5000, applied 5000, 250 events/s, 20s elapsed, done"
	if want := "\r\033[K" + first + "\r\033[K" + last + "\n"; tty.String() != want {
		t.Errorf("terminal:\n%q\nwant\n%q", tty.String(), want)
	}
	if want := first + "\n" + last + "\n"; file.String() != want {
		t.Errorf("file:\n%q\nwant\n%q", file.String(), want)
	}
}
