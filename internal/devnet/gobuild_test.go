package devnet

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeClock advances only when told.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func TestReportSaysEveryHundredPackagesAndDownloads(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_000_000, 0)}
	var out bytes.Buffer
	r := newReport("Dendrite", &out, clock.now)
	for i := 1; i <= 2*ModulesPerLine; i++ {
		fmt.Fprintf(r, "go: downloading example.org/m%d v1.0.0\n", i)
	}
	clock.t = clock.t.Add(90 * time.Second)
	for i := 1; i <= 2*PackagesPerLine+5; i++ {
		// Written in pieces, as pipes deliver it.
		fmt.Fprintf(r, "example.org/m%d/", i)
		fmt.Fprintf(r, "pkg\n")
	}
	// A compiler's complaint is not a package.
	fmt.Fprint(r, "# example.org/bad\nbad/x.go:3:1: syntax error\n")
	want := "  Dendrite: downloading modules, first example.org/m1 v1.0.0 (0s)\n" +
		"  Dendrite: 50 modules downloaded, last example.org/m50 v1.0.0 (0s)\n" +
		"  Dendrite: 100 modules downloaded, last example.org/m100 v1.0.0 (0s)\n" +
		"  Dendrite: 100 packages compiled, last example.org/m100/pkg (1m30s)\n" +
		"  Dendrite: 200 packages compiled, last example.org/m200/pkg (1m30s)\n"
	if out.String() != want {
		t.Fatalf("progress:\n%s\nwant:\n%s", out.String(), want)
	}
	if r.packages != 2*PackagesPerLine+5 || r.downloads != 2*ModulesPerLine {
		t.Fatalf("counted %d packages, %d downloads", r.packages, r.downloads)
	}
}

func TestReportHeartbeatOnlyWhenSilent(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1_000_000, 0)}
	var out bytes.Buffer
	r := newReport("Dendrite", &out, clock.now)
	clock.t = clock.t.Add(30 * time.Second)
	r.heartbeat()
	for i := 1; i <= PackagesPerLine; i++ {
		fmt.Fprintf(r, "example.org/p%d\n", i)
	}
	clock.t = clock.t.Add(30 * time.Second)
	r.heartbeat() // a line was printed since the last one: nothing
	clock.t = clock.t.Add(30 * time.Second)
	r.heartbeat()
	clock.t = clock.t.Add(30 * time.Second)
	r.heartbeat() // still silent: said again
	r.finished()
	want := "  Dendrite: still working (30s)\n" +
		"  Dendrite: 100 packages compiled, last example.org/p100 (30s)\n" +
		"  Dendrite: still working, 100 packages compiled (then the link, which prints nothing) (1m30s)\n" +
		"  Dendrite: still working, 100 packages compiled (then the link, which prints nothing) (2m0s)\n" +
		"  Dendrite: built, 100 packages compiled (2m0s)\n"
	if out.String() != want {
		t.Fatalf("progress:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestRunReportedFailureSaysWhatFailed(t *testing.T) {
	ctx := context.Background()
	cmd := CommandInGroup(ctx, "sh", "-c", `for i in $(seq 1 30); do echo "line $i"; done; exit 3`)
	cmd.Dir = t.TempDir()
	err := RunReported(ctx, "the thing", cmd, nil)
	if err == nil {
		t.Fatal("a failing command reported no error")
	}
	msg := err.Error()
	for _, want := range []string{"building the thing failed", "`sh -c for i in", cmd.Dir, "exit status 3",
		"    line 11\n", "    line 30"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the error lacks %q:\n%s", want, msg)
		}
	}
	if strings.Contains(msg, "line 10\n") {
		t.Errorf("the error keeps more than the last %d lines:\n%s", tailLines, msg)
	}
}

// TestGoBuildReportsAndFails builds a tiny module for real: once it
// compiles and says so, once it does not and the error carries the
// compiler's message.
func TestGoBuildReportsAndFails(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.org/tiny\n\ngo 1.22\n")
	write("main.go", "package main\n\nfunc main() {}\n")
	var out bytes.Buffer
	env := []string{"GOWORK=off", "GOFLAGS=-buildvcs=false"}
	if err := GoBuild(context.Background(), "tiny", dir, env, &out, "-o", filepath.Join(dir, "tiny"), "."); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "  tiny: built, ") {
		t.Fatalf("progress: %q", out.String())
	}
	write("main.go", "package main\n\nfunc main() { undefinedThing() }\n")
	err := GoBuild(context.Background(), "tiny", dir, env, nil, "-o", filepath.Join(dir, "tiny"), ".")
	if err == nil || !strings.Contains(err.Error(), "exit status 1") || !strings.Contains(err.Error(), "undefinedThing") ||
		!strings.Contains(err.Error(), "build -v -o") {
		t.Fatalf("error: %v", err)
	}
}
