package e2e_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// TestTokenTheHomeserverDoesNotKnow starts exodus with fresh tokens whose
// registration the homeserver never loaded: it stops at once, saying in
// one line what it means and how to fix it.
func TestTokenTheHomeserverDoesNotKnow(t *testing.T) {
	ctx := testCtx(t)
	bin, err := stack.BuildExodus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	port, err := devnet.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	writeConfig(t, cfgPath, map[string]any{"appservice.port": port, "web.listen": "",
		"database.uri": "file:" + filepath.Join(dir, "exodus.db") + "?_txlock=immediate"})
	if out, err := exec.CommandContext(ctx, bin, "-g", "-c", cfgPath, "-r", regPath).CombinedOutput(); err != nil {
		t.Fatalf("exodus -g: %v\n%s", err, out)
	}
	// ctx bounds the run well below the two minutes an unreachable
	// homeserver is retried: the refusal must end it at once.
	out, err := exec.CommandContext(ctx, bin, "-c", cfgPath, "-r", regPath).CombinedOutput()
	if _, ok := err.(*exec.ExitError); !ok || ctx.Err() != nil {
		t.Fatalf("exodus did not exit with an error: %v\n%s", err, out)
	}
	want := "exodus: the homeserver at " + env.HS.URL + " refuses the as_token (M_UNKNOWN_TOKEN): it has not loaded this bot's registration, " +
		"or loaded an older one with other tokens; give it " + regPath + " (Dendrite: add it to app_service_api.config_files in dendrite.yaml; " +
		"Synapse: to app_service_config_files in homeserver.yaml) and restart the homeserver"
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if lines[len(lines)-1] != want {
		t.Fatalf("last line:\n%s\nwant:\n%s\nwhole output:\n%s", lines[len(lines)-1], want, out)
	}
	if strings.Contains(string(out), "retrying") {
		t.Fatalf("exodus retried a refused token:\n%s", out)
	}
}

// writeConfig writes env's config with the given keys changed.
func writeConfig(t *testing.T, path string, settings map[string]any) {
	t.Helper()
	data, err := os.ReadFile(env.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for k, v := range settings {
		if err := devnet.SetYAMLPath(&doc, k, v); err != nil {
			t.Fatal(err)
		}
	}
	if data, err = yaml.Marshal(&doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
