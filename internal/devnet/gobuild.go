package devnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// Builds can take many minutes on a cold machine (no build cache, modules
// to download), so they get no deadline of their own: they end when they
// are done, fail, or when the caller's context is cancelled (Ctrl-C). While
// they run they say what they do.

// HeartbeatEvery is how often a build that printed nothing meanwhile says it
// is still running.
const HeartbeatEvery = 30 * time.Second

// PackagesPerLine is how many compiled packages make one progress line.
const PackagesPerLine = 100

// ModulesPerLine is how many downloaded modules make one progress line
// (the first one has a line of its own).
const ModulesPerLine = 50

// tailLines is how many of the last lines of a failed build's output its
// error carries.
const tailLines = 20

// GoBuild runs `go build -v args...` in dir with the extra environment env,
// named what in its progress lines and errors (see RunReported).
func GoBuild(ctx context.Context, what, dir string, env []string, progress io.Writer, args ...string) error {
	goBin, err := goTool()
	if err != nil {
		return err
	}
	cmd := CommandInGroup(ctx, goBin, append([]string{"build", "-v"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	return RunReported(ctx, what, cmd, progress)
}

// RunReported runs cmd (made with CommandInGroup, so that cancelling ctx
// kills it and its children) and reports on progress (nil: nothing): every
// PackagesPerLine lines of `go build -v` (one a compiled package), the first
// and every ModulesPerLine-th module downloaded, a heartbeat with the elapsed time when nothing was
// said for HeartbeatEvery, and the time it took. A failure names the
// command, its directory, its exit status and its last lines of output; a
// cancelled run says it was interrupted.
func RunReported(ctx context.Context, what string, cmd *exec.Cmd, progress io.Writer) error {
	r := newReport(what, progress, time.Now)
	cmd.Stdout, cmd.Stderr = r, r
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("building %s: %s: %w", what, commandLine(cmd), err)
	}
	done := make(chan struct{})
	go r.heartbeats(done, HeartbeatEvery)
	err := cmd.Wait()
	close(done)
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("building %s: interrupted after %s: %w", what, r.elapsed(), ctx.Err())
	case err != nil:
		return r.failure(cmd, err)
	}
	r.finished()
	return nil
}

// commandLine is cmd as one would type it.
func commandLine(cmd *exec.Cmd) string {
	return strings.Join(cmd.Args, " ")
}

// report follows a build's output: it counts what go build -v prints,
// keeps the last lines for an error, and writes progress lines.
type report struct {
	what  string
	out   io.Writer // nil: count and keep the tail, print nothing
	now   func() time.Time
	start time.Time
	tail  *tailBuffer

	mu        sync.Mutex
	partial   []byte
	packages  int
	downloads int
	last      string // the last package compiled
	said      bool   // something was printed since the last heartbeat
}

func newReport(what string, out io.Writer, now func() time.Time) *report {
	return &report{what: what, out: out, now: now, start: now(), tail: &tailBuffer{max: tailLines}}
}

// Write takes the build's output (stdout and stderr both).
func (r *report) Write(p []byte) (int, error) {
	_, _ = r.tail.Write(p)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.partial = append(r.partial, p...)
	for {
		i := bytes.IndexByte(r.partial, '\n')
		if i < 0 {
			break
		}
		r.line(strings.TrimSpace(string(r.partial[:i])))
		r.partial = r.partial[i+1:]
	}
	return len(p), nil
}

// line counts one line of output: a module download ("go: downloading m
// v1"), a compiled package (an import path alone on its line), or anything
// else (a compiler's message, kept for the error only).
func (r *report) line(s string) {
	switch {
	case strings.HasPrefix(s, "go: downloading "):
		r.downloads++
		module := strings.TrimPrefix(s, "go: downloading ")
		switch {
		case r.downloads == 1:
			r.say("downloading modules, first %s", module)
		case r.downloads%ModulesPerLine == 0:
			r.say("%d modules downloaded, last %s", r.downloads, module)
		}
	case isPackagePath(s):
		r.packages++
		r.last = s
		if r.packages%PackagesPerLine == 0 {
			r.say("%d packages compiled, last %s", r.packages, s)
		}
	}
}

// isPackagePath tells an import path, as go build -v prints one, from the
// other lines of its output (which have spaces, or start with "#").
func isPackagePath(s string) bool {
	return s != "" && !strings.ContainsAny(s, " \t#:")
}

// say writes one progress line with the elapsed time; r.mu is held.
func (r *report) say(format string, args ...any) {
	r.said = true
	if r.out != nil {
		fmt.Fprintf(r.out, "  %s: %s (%s)\n", r.what, fmt.Sprintf(format, args...), r.elapsed())
	}
}

// heartbeat says the build is still running unless something was said
// since the last heartbeat.
func (r *report) heartbeat() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.said {
		r.said = false
		return
	}
	switch {
	case r.packages == 0 && r.downloads == 0:
		r.say("still working")
	case r.packages == 0:
		r.say("still working, %d modules downloaded", r.downloads)
	default:
		r.say("still working, %d packages compiled (then the link, which prints nothing)", r.packages)
	}
	r.said = false
}

// heartbeats calls heartbeat every interval until done is closed.
func (r *report) heartbeats(done <-chan struct{}, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			r.heartbeat()
		}
	}
}

// finished says how long the build took.
func (r *report) finished() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.say("built, %d packages compiled", r.packages)
}

// failure is the error of a build that ended badly: the command, where it
// ran, how it ended and its last lines of output.
func (r *report) failure(cmd *exec.Cmd, err error) error {
	status := err.Error()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		status = exit.ProcessState.String()
	}
	tail := r.tail.String()
	if tail == "" {
		tail = "(none)"
	}
	return fmt.Errorf("building %s failed after %s: `%s` in %s ended with %s; its last lines of output:\n%s",
		r.what, r.elapsed(), commandLine(cmd), cmd.Dir, status, indent(tail))
}

// elapsed is the time since the build started, rounded to the second.
func (r *report) elapsed() time.Duration {
	return r.now().Sub(r.start).Round(time.Second)
}

// indent prefixes each line of s with four spaces.
func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}
