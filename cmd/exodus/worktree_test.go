package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// TestGeneratedFilesAreIgnored: the files `exodus -g` and a start write at
// the repository's root as the README runs them (the config and the
// registration with live tokens, the database) are ignored by git, and the
// tracked registration is only an example with no token in it.
func TestGeneratedFilesAreIgnored(t *testing.T) {
	root, err := devnet.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Fatalf("not a git checkout (%v): the ignore rules cannot be checked", err)
	}
	files := []string{"config.yaml", "registration.yaml", "exodus.db", "exodus.db-wal", ".demo/config.yaml", "bin/exodus"}
	for _, f := range files {
		cmd := exec.Command("git", "-C", root, "check-ignore", "--no-index", "-q", "--", f)
		if err = cmd.Run(); err != nil {
			t.Errorf("git does not ignore %s (%v)", f, err)
		}
	}
	example := string(repoFile(t, "registration.example.yaml"))
	for _, line := range strings.Split(example, "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if v := strings.Trim(strings.TrimSpace(value), `"'`); ok && strings.HasSuffix(key, "_token") && !strings.HasPrefix(v, "<") {
			t.Errorf("registration.example.yaml holds a token: %q", line)
		}
	}
}

// TestDocsStayInTheRepository: what members and operators read links only
// to files of the repository, never to the workspace around it.
func TestDocsStayInTheRepository(t *testing.T) {
	root, err := devnet.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	for _, f := range append(docs, filepath.Join(root, "README.md")) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "../shared") {
			t.Errorf("%s refers to ../shared, outside the repository", filepath.Base(f))
		}
	}
}
