package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/exodus-matrix/exodus/bot/replica"
)

// newProgressLine tells a rebuild's progress on w: on a terminal one line
// rewritten in place, elsewhere (a file, a pipe) a line each time.
func newProgressLine(w *os.File) func(replica.Progress) {
	fi, err := w.Stat()
	tty := err == nil && fi.Mode()&os.ModeCharDevice != 0
	return progressLine(w, tty)
}

// progressLine writes each progress as a line on w; with inPlace the line
// is rewritten (a carriage return, the line cleared) until the last one.
func progressLine(w io.Writer, inPlace bool) func(replica.Progress) {
	return func(p replica.Progress) {
		line := formatProgress(p)
		switch {
		case !inPlace:
			fmt.Fprintln(w, line)
		case p.Done:
			fmt.Fprintf(w, "\r\033[K%s\n", line)
		default:
			fmt.Fprintf(w, "\r\033[K%s", line)
		}
	}
}

// formatProgress is one line of a rebuild's progress: rooms done of all,
// events read and applied, the rate, and the time left when known.
func formatProgress(p replica.Progress) string {
	line := fmt.Sprintf("Rebuilding: rooms %d/%d, events read %d, applied %d, %.0f events/s, %s elapsed",
		p.RoomsDone, p.Rooms, p.Read, p.Applied, p.Rate, p.Elapsed.Round(time.Second))
	switch {
	case p.Done:
		line += ", done"
	case p.Left > 0:
		line += fmt.Sprintf(", about %s left", p.Left.Round(time.Second))
	}
	return line
}
