package main

import (
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus"
	"github.com/exodus-matrix/exodus/internal/devnet"
)

func TestFromEnvironmentSetsOnlyTheListedKeys(t *testing.T) {
	env := map[string]string{
		"EXODUS_APPSERVICE_HOSTNAME": "0.0.0.0",
		"EXODUS_WEB_LISTEN":          "0.0.0.0:8009",
		"EXODUS_HOMESERVER_DOMAIN":   "example.org",
		"EXODUS_APPSERVICE_AS_TOKEN": "not-from-the-environment",
		"EXODUS_WEB_PUBLIC_URL":      "",
	}
	out := fromEnvironment(exodus.ExampleConfig, func(k string) string { return env[k] })
	text := string(out)
	for _, want := range []string{"    hostname: 0.0.0.0\n", "    listen: 0.0.0.0:8009\n", "    domain: example.org\n",
		"    public_url: http://localhost:8009\n", `    as_token: "generate"`, "# The web organizer"} {
		if !strings.Contains(text, want) {
			t.Errorf("the config lacks %q", want)
		}
	}
	if got := fromEnvironment(exodus.ExampleConfig, func(string) string { return "" }); string(got) != string(exodus.ExampleConfig) {
		t.Error("with nothing set, the example changed")
	}
	if envName("web.public_url") != "EXODUS_WEB_PUBLIC_URL" {
		t.Errorf("envName: %s", envName("web.public_url"))
	}
}

// TestGenerateTakesTheEnvironmentOnlyForANewConfig: -g fills a new config
// from the environment; an existing config keeps its values.
func TestGenerateTakesTheEnvironmentOnlyForANewConfig(t *testing.T) {
	t.Setenv("EXODUS_APPSERVICE_HOSTNAME", "0.0.0.0")
	cfgPath, regPath := generateTwice(t)
	cfg, err := LoadConfig(cfgPath)
	if err != nil || cfg.AppService.Hostname != "0.0.0.0" {
		t.Fatalf("new config: %v, hostname %q", err, cfg.AppService.Hostname)
	}
	t.Setenv("EXODUS_APPSERVICE_HOSTNAME", "10.1.2.3")
	if _, err := generateRegistration(cfgPath, regPath); err != nil {
		t.Fatal(err)
	}
	if cfg, err = LoadConfig(cfgPath); err != nil || cfg.AppService.Hostname != "0.0.0.0" {
		t.Fatalf("existing config: %v, hostname %q", err, cfg.AppService.Hostname)
	}
}

// TestContainerFilesAgree reads the Dockerfile and docker-compose.yml,
// generates the config as exodus-setup does in its container (the image's
// environment and the service's), and checks that the ports, addresses,
// volumes and paths of the three agree.
func TestContainerFilesAgree(t *testing.T) {
	img := parseDockerfile(t, string(repoFile(t, "Dockerfile")))
	compose := parseCompose(t, string(repoFile(t, "docker-compose.yml")))
	setup, bot := compose.Services["exodus-setup"], compose.Services["exodus"]
	dendrite, dsetup := compose.Services["dendrite"], compose.Services["dendrite-setup"]
	for _, s := range []composeService{setup, bot} {
		if s.Build != "." || s.Image == "" || s.Image != bot.Image {
			t.Errorf("the bot's services build the Dockerfile into one image: build %q, image %q", s.Build, s.Image)
		}
	}
	const dendriteImage = "matrixdotorg/dendrite-monolith:v0.15.2"
	if dendrite.Image != dendriteImage || dsetup.Image != dendriteImage {
		t.Errorf("Dendrite images: %q, %q", dendrite.Image, dsetup.Image)
	}

	cfg, setupArgs := generateAsSetup(t, img, setup)
	checkListening(t, cfg, img, bot)
	checkAddresses(t, cfg, compose, dendrite, bot)
	checkPaths(t, cfg, img, setupArgs, setup, bot, dendrite, dsetup)
	checkOrder(t, dendrite, bot)
}

// generateAsSetup runs `exodus -g` as exodus-setup's command does, with
// the image's and the service's environment, in a temporary directory in
// place of the volumes. It returns the config and the -g command's words.
func generateAsSetup(t *testing.T, img dockerfile, setup composeService) (*Config, []string) {
	t.Helper()
	if len(setup.Command) != 1 {
		t.Fatalf("exodus-setup: command %q, want one shell line", setup.Command)
	}
	_, gen, ok := strings.Cut(setup.Command[0], "exec exodus ")
	args := strings.Fields(gen)
	if !ok || !slices.Contains(args, "-g") || flagValue(args, "-c") == "" || flagValue(args, "-r") == "" {
		t.Fatalf("exodus-setup: command %q does not run exodus -g -c … -r …", setup.Command[0])
	}
	for _, key := range envKeys {
		t.Setenv(envName(key), "")
	}
	for k, v := range img.env {
		t.Setenv(k, v)
	}
	for k, v := range setup.Environment {
		t.Setenv(k, v)
	}
	cfgPath, _ := generateTwice(t)
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, args
}

// checkListening: the bot and the web organizer listen on every interface
// of the container, on ports the image exposes; the web port is published.
func checkListening(t *testing.T, cfg *Config, img dockerfile, bot composeService) {
	t.Helper()
	botPort := strconv.Itoa(int(cfg.AppService.Port))
	webHost, webPort, err := net.SplitHostPort(cfg.Web.Listen)
	if err != nil {
		t.Fatalf("web.listen %q: %v", cfg.Web.Listen, err)
	}
	if cfg.AppService.Hostname != "0.0.0.0" || webHost != "0.0.0.0" {
		t.Errorf("in the container the bot listens on %q and the web organizer on %q: a published port reaches neither",
			cfg.AppService.Hostname, cfg.Web.Listen)
	}
	for _, port := range []string{botPort, webPort} {
		if !slices.Contains(img.expose, port) {
			t.Errorf("the Dockerfile exposes %v, not %s", img.expose, port)
		}
	}
	hostPort, ok := bot.published(t)[webPort]
	if !ok {
		t.Fatalf("exodus publishes %v, not the web port %s", bot.Ports, webPort)
	}
	public, err := url.Parse(cfg.Web.PublicURL)
	if err != nil || public.Port() != hostPort {
		t.Errorf("web.public_url %q is not on the published port %s", cfg.Web.PublicURL, hostPort)
	}
}

// checkAddresses: the bot reaches Dendrite by its service name and port,
// Dendrite reaches the bot by its own, and the server names agree.
func checkAddresses(t *testing.T, cfg *Config, compose composeFile, dendrite, bot composeService) {
	t.Helper()
	hs, _ := url.Parse(cfg.Homeserver.Address)
	_, hsPort, _ := net.SplitHostPort(flagValue(dendrite.Command, "-http-bind-address"))
	if _, ok := compose.Services[hs.Hostname()]; !ok || hs.Hostname() != "dendrite" || hs.Port() != hsPort || hsPort == "" {
		t.Errorf("homeserver.address %q, Dendrite listens on %q", cfg.Homeserver.Address, hsPort)
	}
	if _, ok := dendrite.published(t)[hsPort]; !ok {
		t.Errorf("Dendrite publishes %v, not its port %s", dendrite.Ports, hsPort)
	}
	if health := strings.Join(dendrite.Healthcheck.Test, " "); !strings.Contains(health, "localhost:"+hsPort+"/") {
		t.Errorf("Dendrite's healthcheck %q is not on its port %s", health, hsPort)
	}
	as, _ := url.Parse(cfg.AppService.Address)
	if as.Hostname() != "exodus" || as.Port() != strconv.Itoa(int(cfg.AppService.Port)) {
		t.Errorf("appservice.address %q: Dendrite reaches the bot at the service exodus, port %d", cfg.AppService.Address, cfg.AppService.Port)
	}
	script := strings.Join(compose.Services["dendrite-setup"].Command, "\n")
	if !strings.Contains(script, "-server "+cfg.Homeserver.Domain+"\n") && !strings.Contains(script, "-server "+cfg.Homeserver.Domain+" ") {
		t.Errorf("homeserver.domain %q is not the server name dendrite-setup gives Dendrite", cfg.Homeserver.Domain)
	}
}

// checkPaths: the config and the registration are where the services look
// for them, in volumes shared as needed, and the database lands in a volume.
func checkPaths(t *testing.T, cfg *Config, img dockerfile, setupArgs []string, setup, bot, dendrite, dsetup composeService) {
	t.Helper()
	cfgPath, regPath := flagValue(setupArgs, "-c"), flagValue(setupArgs, "-r")
	if flagValue(bot.Command, "-c") != cfgPath || flagValue(bot.Command, "-r") != regPath {
		t.Errorf("exodus runs with %q; exodus-setup wrote -c %s -r %s", bot.Command, cfgPath, regPath)
	}
	for _, path := range []string{cfgPath, regPath} {
		if v := setup.volumeAt(t, path); v == "" || bot.volumeAt(t, path) != v {
			t.Errorf("%s is not in one volume of both exodus-setup and exodus", path)
		}
	}
	if v := dendrite.volumeAt(t, regPath); v == "" || v != setup.volumeAt(t, regPath) {
		t.Errorf("Dendrite does not see the registration at %s", regPath)
	}
	if v := setup.volumeAt(t, cfgPath); v == dendrite.volumeAt(t, filepath.Dir(regPath)) {
		t.Errorf("the config (with the tokens and the database) is in the volume Dendrite mounts")
	}
	if script := strings.Join(dsetup.Command, "\n"); !strings.Contains(script, "config_files: ["+regPath+"]") {
		t.Errorf("dendrite-setup does not load the registration %s", regPath)
	}
	if !strings.HasPrefix(cfg.Database.URI, "file:") || strings.HasPrefix(strings.TrimPrefix(cfg.Database.URI, "file:"), "/") {
		t.Errorf("database.uri %q: expected a file relative to the working directory", cfg.Database.URI)
	}
	if !slices.Contains(img.volumes, img.workdir) || bot.volumeAt(t, img.workdir+"/exodus.db") == "" {
		t.Errorf("the working directory %s (where exodus.db lands) is not a volume", img.workdir)
	}
	if c := flagValue(img.cmd, "-c"); !strings.HasPrefix(c, img.workdir+"/") || img.user == "" || img.user == "root" {
		t.Errorf("the image runs %q as %q", img.cmd, img.user)
	}
	// The directories the bot writes are the user's in the image, so new
	// volumes mounted there are too.
	for _, dir := range []string{filepath.Dir(cfgPath), filepath.Dir(regPath)} {
		if !ownedInImage(img, dir) {
			t.Errorf("the Dockerfile does not make %s (a volume the bot writes) %s's", dir, img.user)
		}
	}
}

// ownedInImage reports whether a RUN line chowns dir to the image's user.
func ownedInImage(img dockerfile, dir string) bool {
	for _, run := range img.runs {
		_, rest, ok := strings.Cut(run, "chown "+img.user+" ")
		if ok && slices.Contains(strings.Fields(strings.Split(rest, "&&")[0]), dir) {
			return true
		}
	}
	return false
}

// checkOrder: Dendrite starts once both setups are done, the bot once
// Dendrite answers.
func checkOrder(t *testing.T, dendrite, bot composeService) {
	t.Helper()
	for _, s := range []string{"exodus-setup", "dendrite-setup"} {
		if dendrite.DependsOn[s].Condition != "service_completed_successfully" {
			t.Errorf("Dendrite does not wait for %s", s)
		}
	}
	if bot.DependsOn["dendrite"].Condition != "service_healthy" {
		t.Error("the bot does not wait for Dendrite to answer")
	}
}

// TestDockerignoreKeepsSecretsOut checks the build context: the secrets a
// working tree may hold stay out, everything the build needs goes in.
func TestDockerignoreKeepsSecretsOut(t *testing.T) {
	ignore := parseDockerignore(t, string(repoFile(t, ".dockerignore")))
	for _, path := range []string{
		".demo/config.yaml", ".demo/registration.yaml", ".demo/exodus.db", ".demo/dendrite/matrix_key.pem",
		"config.yaml", "registration.yaml", "registration-secret.yaml", "deploy/config.yaml", "x/registration.yaml",
		"exodus.db", "exodus.db-wal", "exodus.db-shm", "store/some.db", "exodus",
		"bin/exodus", "bin/exodus-demo", "tools/dendrite/bin/dendrite", "tmp/x", ".git/config", ".git",
		"node_modules/a/index.js", "web/node_modules/a/index.js",
	} {
		if !ignore.excludes(path) {
			t.Errorf("%s goes into the build context", path)
		}
	}
	for _, path := range append(buildInputs(t), "Dockerfile") {
		if ignore.excludes(path) {
			t.Errorf("%s, which the build needs, is left out of the build context", path)
		}
	}
	if ignore.excludes("registration.example.yaml") {
		t.Error("the example registration (no secret) is left out of the build context")
	}
}

// buildInputs lists the repository's files that go build ./cmd/exodus
// reads: go.mod, go.sum, and the Go, cgo and embedded files of the
// module's own packages.
func buildInputs(t *testing.T) []string {
	t.Helper()
	root, err := devnet.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "-f",
		`{{if .Module}}{{if .Module.Main}}{{.Dir}}{{range .GoFiles}} {{.}}{{end}}{{range .CgoFiles}} {{.}}{{end}}{{range .EmbedFiles}} {{.}}{{end}}{{end}}{{end}}`,
		"./cmd/exodus")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	files := []string{"go.mod", "go.sum"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		rel, err := filepath.Rel(root, fields[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields[1:] {
			files = append(files, filepath.ToSlash(filepath.Join(rel, f)))
		}
	}
	if len(files) < 20 {
		t.Fatalf("go list found only %v", files)
	}
	return files
}

// generateTwice runs -g twice in a fresh directory, as the README and
// exodus-setup do: the first writes the config, the second the
// registration from it. It returns their paths.
func generateTwice(t *testing.T) (cfgPath, regPath string) {
	t.Helper()
	dir := t.TempDir()
	cfgPath, regPath = filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	for range 2 {
		if _, err := generateRegistration(cfgPath, regPath); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(regPath); err != nil {
		t.Fatalf("-g twice wrote no registration: %v", err)
	}
	return cfgPath, regPath
}
