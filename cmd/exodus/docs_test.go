package main

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// codeSpan is a Markdown code span: `…`.
var codeSpan = regexp.MustCompile("`([^`\n]+)`")

// repoPath is a span that may name a file or a folder of the repository:
// a Go or SQL file (bare, as `follow.go`, or with its folder, as
// `bot/scheduler.go`; `*` stands for any part of a name, as in
// `pages_*.go`), or a folder (`bot/replica`, `store/upgrades/`).
var repoPath = regexp.MustCompile(`^[\w.*-]+(/[\w.*-]+)*/?$`)

// TestArchitectureNamesFilesThatExist: every file and folder of the code
// docs/architecture.md names in a code span exists, so a refactor that
// moves or renames one also brings the map of the code up to date. A path
// with a folder is checked from the repository's root (only if its first
// folder is one of the root's, so API routes such as `profile/about` are
// not taken for paths); a bare file name must exist in some folder.
func TestArchitectureNamesFilesThatExist(t *testing.T) {
	root, err := devnet.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := fileNames(t, root)
	checked := 0
	for _, m := range codeSpan.FindAllStringSubmatch(string(doc), -1) {
		span := strings.TrimSpace(m[1])
		if !repoPath.MatchString(span) {
			continue
		}
		isFile := strings.HasSuffix(span, ".go") || strings.HasSuffix(span, ".sql")
		first, _, nested := strings.Cut(strings.TrimSuffix(span, "/"), "/")
		switch {
		case nested:
			if fi, err := os.Stat(filepath.Join(root, first)); err != nil || !fi.IsDir() {
				continue // not a path of the repository (an API route)
			}
			found, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(strings.TrimSuffix(span, "/"))))
			if len(found) == 0 {
				t.Errorf("docs/architecture.md names %s, which does not exist", span)
			}
		case isFile:
			if !anyMatch(names, span) {
				t.Errorf("docs/architecture.md names %s, which is in no folder of the repository", span)
			}
		default:
			continue
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("only %d paths checked in docs/architecture.md: is the test still reading it right?", checked)
	}
}

// fileNames are the names of the files in the repository (.git left out).
func fileNames(t *testing.T, root string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			names = append(names, d.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// anyMatch reports whether a name matches the pattern (path.Match).
func anyMatch(names []string, pattern string) bool {
	for _, n := range names {
		if ok, _ := path.Match(pattern, n); ok {
			return true
		}
	}
	return false
}
