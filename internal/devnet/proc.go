package devnet

import (
	"context"
	"os/exec"
	"time"
)

// CommandInGroup is exec.CommandContext for a child that may start
// children of its own (go build starts compilers and the linker): the child
// runs in its own process group (OwnProcessGroup), and when ctx ends the
// whole group is killed, not only the child, so nothing it started is left
// running.
func CommandInGroup(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	OwnProcessGroup(cmd)
	cmd.Cancel = func() error { return KillGroup(cmd) }
	// Once the group is killed its pipes close; this bounds the wait for
	// the output should anything else hold them open.
	cmd.WaitDelay = 10 * time.Second
	return cmd
}
