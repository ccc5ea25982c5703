//go:build !unix

package devnet

import (
	"context"
	"os"
	"os/exec"
)

// lockFile does no locking on platforms without flock.
func lockFile(context.Context, string) (func(), error) { return func() {}, nil }

// terminate kills the process: there is no SIGTERM here.
func terminate(p *os.Process) error { return p.Kill() }

// OwnProcessGroup does nothing: there are no process groups here.
func OwnProcessGroup(*exec.Cmd) {}

// KillGroup kills the process of a started cmd.
func KillGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}
