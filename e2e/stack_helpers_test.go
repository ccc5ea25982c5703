package e2e_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/internal/stack"
)

// ownStack starts a homeserver and a bot of the test's own, with opt
// (files in a temporary directory named from prefix, kept when the test
// fails).
func ownStack(t *testing.T, prefix string, opt stack.Options) *stack.Stack {
	t.Helper()
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	opt.Dir = dir
	s, err := stack.Start(ctx, opt)
	if err != nil {
		t.Fatalf("files kept in %s: %v", dir, err)
	}
	t.Cleanup(func() {
		s.Stop()
		if t.Failed() || os.Getenv("EXODUS_E2E_KEEP") == "1" {
			t.Logf("files of the stack kept in %s (exodus.log, dendrite/dendrite.log)", dir)
		} else {
			_ = os.RemoveAll(dir)
		}
	})
	return s
}
