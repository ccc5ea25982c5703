package devnet

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// composeServices is what this test reads of docker-compose.yml.
type composeServices struct {
	Services map[string]struct {
		Command []string `yaml:"command"`
		Volumes []string `yaml:"volumes"`
	} `yaml:"services"`
}

// TestComposeDendriteSetup runs the script of docker-compose.yml's
// dendrite-setup service, as compose would hand it to the official image's
// shell, with this repository's build of the same Dendrite tools and a
// temporary directory in place of the /etc/dendrite volume. It writes a key
// and a config loading the bot's registration from the path Dendrite mounts
// it at, with a registration shared secret, and every path of the config in
// the volumes Dendrite mounts; run again, it changes nothing.
func TestComposeDendriteSetup(t *testing.T) {
	binDir, err := BuildTools(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	// Compose's interpolation with no variable set.
	text := regexp.MustCompile(`\$\{[A-Z_]+:-([^}]*)\}`).ReplaceAllString(string(raw), "$1")
	text = strings.ReplaceAll(text, "$$", "$")
	var c composeServices
	if err := yaml.Unmarshal([]byte(text), &c); err != nil {
		t.Fatal(err)
	}
	setup, dendrite := c.Services["dendrite-setup"], c.Services["dendrite"]
	if len(setup.Command) != 1 || !strings.Contains(setup.Command[0], "cd /etc/dendrite\n") {
		t.Fatalf("dendrite-setup's command: %q", setup.Command)
	}
	confDir := t.TempDir()
	script := strings.ReplaceAll(setup.Command[0], "/etc/dendrite", confDir)
	runScript := func() {
		t.Helper()
		cmd := exec.Command("sh", "-c", script)
		cmd.Env = append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("the script: %v\n%s", err, out)
		}
	}
	runScript()
	first, err := os.ReadFile(filepath.Join(confDir, "dendrite.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	checkDendriteConfig(t, first, confDir, dendrite.Volumes)
	runScript()
	if again, err := os.ReadFile(filepath.Join(confDir, "dendrite.yaml")); err != nil || string(again) != string(first) {
		t.Fatalf("a second run changed dendrite.yaml (%v)", err)
	}
}

// checkDendriteConfig checks the generated config against the mounts of the
// dendrite service ("volume:/path[:ro]").
func checkDendriteConfig(t *testing.T, data []byte, confDir string, volumes []string) {
	t.Helper()
	var cfg struct {
		Global struct {
			ServerName string `yaml:"server_name"`
			PrivateKey string `yaml:"private_key"`
		} `yaml:"global"`
		AppService struct {
			ConfigFiles []string `yaml:"config_files"`
		} `yaml:"app_service_api"`
		ClientAPI struct {
			SharedSecret string `yaml:"registration_shared_secret"`
		} `yaml:"client_api"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	var mounts []string
	for _, v := range volumes {
		if parts := strings.Split(v, ":"); len(parts) >= 2 {
			mounts = append(mounts, parts[1])
		}
	}
	mounted := func(path string) bool {
		for _, m := range mounts {
			if strings.HasPrefix(path, m+"/") || path == m {
				return true
			}
		}
		return false
	}
	if cfg.Global.ServerName != "localhost" || len(cfg.ClientAPI.SharedSecret) != 32 {
		t.Errorf("server name %q, shared secret of %d characters", cfg.Global.ServerName, len(cfg.ClientAPI.SharedSecret))
	}
	if _, err := os.Stat(filepath.Join(confDir, cfg.Global.PrivateKey)); err != nil || !mounted("/etc/dendrite") {
		t.Errorf("the signing key %q is not in the config volume: %v", cfg.Global.PrivateKey, err)
	}
	if len(cfg.AppService.ConfigFiles) != 1 || !mounted(cfg.AppService.ConfigFiles[0]) {
		t.Errorf("config_files %q: not one registration in a volume Dendrite mounts (%v)", cfg.AppService.ConfigFiles, mounts)
	}
	// Databases, media, the search index, JetStream: all in volumes.
	for _, path := range regexp.MustCompile(`(?m)(?:file:|: )(/[^\s"]*)`).FindAllStringSubmatch(string(data), -1) {
		if !mounted(strings.TrimSuffix(path[1], "/")) {
			t.Errorf("%s is in no volume: lost when the container is recreated", path[1])
		}
	}
}
