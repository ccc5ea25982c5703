package e2e_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// readmeSection returns the README's "Running it for real" section: its
// shell commands in order (a comment line is a step for the operator,
// kept as "# ..."), and the config keys its text says to edit (the list
// after "Edit these keys", one key first on each bullet).
func readmeSection(t *testing.T, root string) (commands []string, keys []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "## Running it for real")
	if start < 0 {
		t.Fatal(`the README has no "## Running it for real" section`)
	}
	text = text[start+3:]
	if end := strings.Index(text, "\n## "); end >= 0 {
		text = text[:end]
	}
	inBlock, editing := false, false
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "```"):
			inBlock = !inBlock
		case inBlock && strings.HasPrefix(line, "#"):
			commands = append(commands, line)
		case inBlock && line != "":
			if i := strings.Index(line, " #"); i >= 0 {
				line = strings.TrimSpace(line[:i])
			}
			commands = append(commands, line)
		case !inBlock && strings.HasPrefix(line, "Edit these keys"):
			editing = true
		case editing && strings.HasPrefix(line, "- `"): // one key a bullet, named first
			if m := regexp.MustCompile("^- `([a-z_]+\\.[a-z_]+)`").FindStringSubmatch(line); m != nil {
				keys = append(keys, m[1])
			}
		case editing && line == "" && len(keys) > 0: // the list ends
			editing = false
		}
	}
	return commands, keys
}

// TestRunningItForRealFromTheREADME follows the README's "Running it for
// real" as an operator would, in order: each command as written (make in
// the repository's root, the others in the operator's directory, where
// bin/ is the repository's), the edits the text names (to point the bot at
// a real Dendrite), the registration given to the homeserver and the
// homeserver restarted, the bot started; then a member opens a direct chat
// with the bot and it answers.
func TestRunningItForRealFromTheREADME(t *testing.T) {
	root, err := devnet.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	commands, keys := readmeSection(t, root)
	if len(commands) < 4 || len(keys) < 3 {
		t.Fatalf("the README's section is not what this test follows: commands %q, keys %q", commands, keys)
	}
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(root, "bin"), filepath.Join(dir, "bin")); err != nil {
		t.Fatal(err)
	}
	hsDir := filepath.Join(dir, "homeserver")
	hs, err := devnet.Start(testCtx(t), devnet.Options{Dir: hsDir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hs.Stop() })

	generated := 0
	for _, c := range commands {
		switch {
		case strings.HasPrefix(c, "#"): // give the registration to the homeserver, restart it
			if !strings.Contains(c, "registration.yaml") || !strings.Contains(c, "restart") {
				t.Fatalf("a step this test does not know: %q", c)
			}
			_ = hs.Stop()
			hs, err = devnet.Start(testCtx(t), devnet.Options{Dir: hsDir, Port: hs.Port,
				Registrations: []string{filepath.Join(dir, "registration.yaml")}})
			if err != nil {
				t.Fatalf("restarting the homeserver with the registration: %v", err)
			}
		case strings.HasPrefix(c, "make "):
			runStep(t, root, c)
		case strings.Contains(c, " -g "):
			runStep(t, dir, c)
			if generated++; generated == 1 {
				editConfig(t, filepath.Join(dir, "config.yaml"), keys, hs)
			}
		default:
			startBot(t, dir, c)
		}
	}
	if generated != 2 {
		t.Fatalf("the README ran exodus -g %d times; this test expects the write-edit-write order", generated)
	}
	botID := id.NewUserID("exodus", hs.ServerName)
	u, err := hs.Register(testCtx(t), "operator", "password-operator")
	if err != nil {
		t.Fatal(err)
	}
	room, err := u.CreateDM(testCtx(t), botID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.WaitMessage(testCtx(t), room, botID, devnet.BodyContains("Exodus")); err != nil {
		t.Fatalf("no greeting from the bot: %v", err)
	}
	sent, err := u.Send(testCtx(t), room, "help")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.WaitMessageAfter(testCtx(t), room, sent, botID, devnet.BodyContains("circle")); err != nil {
		t.Fatalf("no answer to help: %v", err)
	}
}

// runStep runs one command of the README in dir and fails on an error.
func runStep(t *testing.T, dir, command string) {
	t.Helper()
	cmd := exec.CommandContext(testCtx(t), "sh", "-c", command)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out)
	}
	t.Logf("$ %s\n%s", command, out)
}

// editConfig makes the edits the README names: each key gets the value
// that points the bot at hs and hs at the bot (appservice.address on the
// port the config listens on).
func editConfig(t *testing.T, path string, keys []string, hs *devnet.Homeserver) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	var cfg struct {
		AppService struct {
			Port int `yaml:"port"`
		} `yaml:"appservice"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil || yaml.Unmarshal(data, &cfg) != nil {
		t.Fatalf("config.yaml: %v", err)
	}
	values := map[string]any{
		"homeserver.address": hs.URL,
		"homeserver.domain":  hs.ServerName,
		"appservice.address": "http://127.0.0.1:" + strconv.Itoa(cfg.AppService.Port),
	}
	for _, k := range keys {
		v, ok := values[k]
		if !ok {
			t.Fatalf("the README names %s, which this test does not know how to set", k)
		}
		if err := devnet.SetYAMLPath(&doc, k, v); err != nil {
			t.Fatal(err)
		}
	}
	out, err := yaml.Marshal(&doc)
	if err == nil {
		err = os.WriteFile(path, out, 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// startBot starts the README's last command and stops it when the test ends.
func startBot(t *testing.T, dir, command string) {
	t.Helper()
	cmd := exec.Command("sh", "-c", "exec "+command)
	cmd.Dir = dir
	logf, err := os.Create(filepath.Join(dir, "exodus.out"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			out, _ := os.ReadFile(filepath.Join(dir, "exodus.out"))
			t.Logf("the bot's output:\n%s", out)
		}
	})
}
