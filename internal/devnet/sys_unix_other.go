//go:build unix && !linux

package devnet

import "syscall"

func setPdeathsig(*syscall.SysProcAttr) {}
