package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// readyLine is what the demo prints once everything is up.
const readyLine = "Exodus is running."

// terminal collects what the demo prints and tells when it is ready.
type terminal struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

func (t *terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if strings.Contains(t.buf.String(), readyLine) {
		t.once.Do(func() { close(t.ready) })
	}
	return len(p), nil
}

func (t *terminal) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}

// secretShapes are what must never reach the terminal or a file but
// config.yaml and registration.yaml: a login link, an API token.
var secretShapes = regexp.MustCompile(`/login\?t=|ex[tls]_[A-Za-z0-9_-]{16,}`)

// TestDemoRunsAndStopsEverything runs the whole demo (on free ports, in a
// temporary directory) up to its welcome, then cancels it as Ctrl-C does:
// it returns with every process it started gone. Neither its terminal nor
// any file it wrote, but those that hold them by nature (the bot's config
// and registration, Dendrite's databases), carries the appservice tokens, a
// login link or an API token; its directory is private; the bot logs at
// info, and finds its registration private (no warning about it).
func TestDemoRunsAndStopsEverything(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	// Where make demo runs it (the children inherit the working directory).
	root, err := devnet.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	term := &terminal{ready: make(chan struct{})}
	ended := make(chan error, 1)
	go func() { ended <- run(ctx, term, ports{dir: dir}) }()
	select {
	case <-term.ready:
	case err := <-ended:
		t.Fatalf("the demo ended before it was ready: %v\n%s\nlogs kept in %s", err, term, keepLogs(dir))
	}
	if procs := processesMentioning(dir); len(procs) < 2 {
		t.Errorf("running: %v, want the bot and Dendrite", procs)
	}
	checkNoSecrets(t, dir, term.String())

	cancel()
	if err := <-ended; err != nil {
		t.Fatalf("stopping: %v", err)
	}
	if procs := processesMentioning(dir); len(procs) > 0 {
		t.Fatalf("left running after the demo returned: %v", procs)
	}
	if !strings.HasSuffix(term.String(), "Stopped.\n") {
		t.Fatalf("the demo's last words: %q", term.String()[max(0, len(term.String())-200):])
	}
}

// checkNoSecrets reads the appservice tokens from the demo's config and
// looks for them, and for the shapes of other secrets, everywhere else.
func checkNoSecrets(t *testing.T, dir, terminal string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		AppService struct {
			ASToken string `yaml:"as_token"`
			HSToken string `yaml:"hs_token"`
		} `yaml:"appservice"`
		Logging struct {
			MinLevel string `yaml:"min_level"`
		} `yaml:"logging"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil || len(cfg.AppService.ASToken) < 16 || len(cfg.AppService.HSToken) < 16 {
		t.Fatalf("config: %v %+v", err, cfg.AppService)
	}
	if cfg.Logging.MinLevel != "info" {
		t.Errorf("the bot logs at %q, want info", cfg.Logging.MinLevel)
	}
	secrets := []string{cfg.AppService.ASToken, cfg.AppService.HSToken}
	look := func(where string, data []byte) {
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("an appservice token is in %s", where)
			}
		}
		if m := secretShapes.Find(data); m != nil {
			t.Errorf("%s holds %q", where, m)
		}
	}
	look("the terminal", []byte(terminal))
	if log, err := os.ReadFile(filepath.Join(dir, "exodus.log")); err != nil || bytes.Contains(log, []byte("readable by other users")) {
		t.Errorf("the bot's log: %v, or it warns that a file is readable by others", err)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("%s: %v, mode %v, want 0700", dir, err, st.Mode())
	}
	if err := scanFiles(t, dir, look); err != nil {
		t.Fatal(err)
	}
}

// scanFiles looks into every file under dir but those that hold the
// tokens by nature, which it checks are 0600 (the bot's) or leaves alone
// (Dendrite's databases: the homeserver's own record of the appservice's
// token, in a directory only the owner reads).
func scanFiles(t *testing.T, dir string, look func(where string, data []byte)) error {
	t.Helper()
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // a file gone while we walk: a database's journal, deleted when its transaction ends
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		switch {
		case rel == "config.yaml" || rel == "registration.yaml":
			if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v, mode %v, want 0600", rel, err, st.Mode())
			}
			return nil
		case strings.HasPrefix(rel, "dendrite"+string(filepath.Separator)) && strings.HasSuffix(rel, ".db"):
			return nil
		}
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // gone since it was listed (a journal, as above)
		}
		if err != nil {
			return err
		}
		look(rel, data)
		return nil
	})
}

// processesMentioning lists the command lines of running processes that
// name dir (the bot's and Dendrite's name their config files there). It
// sees processes only where /proc lists them (Linux).
func processesMentioning(dir string) []string {
	if runtime.GOOS != "linux" {
		return nil
	}
	entries, _ := os.ReadDir("/proc")
	var found []string
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte(dir)) {
			found = append(found, e.Name()+": "+string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
		}
	}
	return found
}

// keepLogs copies the demo's logs out of the test's temporary directory
// (removed when the test ends) into one that stays, and returns it.
func keepLogs(dir string) string {
	kept, err := os.MkdirTemp("", "exodus-demo-failed-")
	if err != nil {
		return err.Error()
	}
	for _, name := range []string{"exodus.log", filepath.Join("dendrite", "dendrite.log")} {
		if data, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			_ = os.WriteFile(filepath.Join(kept, filepath.Base(name)), data, 0o600)
		}
	}
	return kept
}
