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

func prepareCmd(*exec.Cmd) {}
