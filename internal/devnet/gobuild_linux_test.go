package devnet

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCancelKillsTheWholeGroup runs a child that starts two long-running
// children of its own (as go build starts compilers) and cancels: the run
// ends as interrupted and none of the three processes is left.
func TestCancelKillsTheWholeGroup(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "pids")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := CommandInGroup(ctx, "sh", "-c", `sleep 1000 & a=$!; sleep 1000 & b=$!; echo "$$ $a $b" > "$1"; wait`, "sh", fifo)
	ended := make(chan error, 1)
	go func() { ended <- RunReported(ctx, "sleepers", cmd, nil) }()

	// Opening the FIFO waits for the shell to write the pids.
	data, err := os.ReadFile(fifo)
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("pids %q: %v", data, err)
		}
		pids = append(pids, pid)
	}
	if len(pids) != 3 {
		t.Fatalf("pids %q", data)
	}
	for _, pid := range pids {
		if !alive(pid) {
			t.Fatalf("process %d is not running before the cancel", pid)
		}
	}
	cancel()
	err = <-ended
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "building sleepers: interrupted") {
		t.Fatalf("error: %v", err)
	}
	// SIGKILL is delivered asynchronously: wait for each to be gone (the
	// test's own timeout bounds this).
	for _, pid := range pids {
		for alive(pid) {
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// alive reports whether pid is a running process (not gone, not a zombie).
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	i := strings.LastIndexByte(string(stat), ')')
	return i < 0 || i+2 >= len(stat) || (stat[i+2] != 'Z' && stat[i+2] != 'X')
}
