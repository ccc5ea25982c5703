package devnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
)

// StartTimeout bounds how long Start waits for /_matrix/client/versions.
const StartTimeout = 60 * time.Second

// StopTimeout is how long Stop waits after SIGTERM before killing Dendrite.
const StopTimeout = 10 * time.Second

// Options configures Start.
type Options struct {
	// Dir is the working directory for dendrite.yaml, the signing key, the
	// SQLite databases, media and the log. Required. Reusing a Dir keeps the
	// databases and the key (a restarted server sees the same users/rooms).
	Dir string
	// ServerName is the Matrix server name; user IDs look like
	// @alice:<ServerName>. Default "localhost".
	ServerName string
	// Port is the plain-HTTP port (client and federation API) on 127.0.0.1;
	// 0 picks a free one.
	Port int
	// Registrations are appservice registration YAML files, loaded via
	// app_service_api.config_files (relative paths are made absolute).
	Registrations []string
	// LogOutput receives Dendrite's stdout and stderr. Default: the file
	// Dir/dendrite.log.
	LogOutput io.Writer
	// LogLevel is Dendrite's log level (trace, debug, info, warn, error).
	// Default "info" (Dendrite always logs info to stdout anyway).
	LogLevel string
}

// Homeserver is a running Dendrite process started by Start.
type Homeserver struct {
	// URL is the client-server API base URL, e.g. http://127.0.0.1:34567.
	URL string
	// ServerName is the Matrix server name (the part after ':' in user IDs).
	ServerName string
	// Dir is the working directory (absolute).
	Dir string
	// Port is the TCP port Dendrite listens on (127.0.0.1 only).
	Port int
	// ConfigPath is the generated dendrite.yaml.
	ConfigPath string
	// LogPath is Dir/dendrite.log when Options.LogOutput was nil, else "".
	LogPath string

	cmd      *exec.Cmd
	done     chan struct{} // closed once the process has exited
	waitErr  error         // set before done is closed
	tail     *tailBuffer
	logFile  *os.File
	stopOnce sync.Once
	stopErr  error
}

// Start generates a signing key (once per Dir) and a dendrite.yaml
// (generate-config -ci, then patched: SQLite files under Dir, appservice
// registrations, open registration without captcha, rate limiting off,
// federation disabled, logging to stdout), launches
// `dendrite -config dendrite.yaml -http-bind-address 127.0.0.1:PORT
// -really-enable-open-registration` and waits until GET
// /_matrix/client/versions answers 200 (at most StartTimeout, or until ctx
// ends). If Dendrite exits early, the error contains the last 40 lines of its
// log. ctx only bounds the start-up; the process runs until Stop. The
// binaries are built first if needed (BuildTools).
func Start(ctx context.Context, opt Options) (*Homeserver, error) {
	if opt.Dir == "" {
		return nil, errors.New("devnet: Options.Dir is required")
	}
	if opt.ServerName == "" {
		opt.ServerName = "localhost"
	}
	if opt.LogLevel == "" {
		opt.LogLevel = "info"
	}
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	regs := make([]string, 0, len(opt.Registrations))
	for _, r := range opt.Registrations {
		abs, err := filepath.Abs(r)
		if err != nil {
			return nil, fmt.Errorf("devnet: %w", err)
		}
		if _, err := os.Stat(abs); err != nil {
			return nil, fmt.Errorf("devnet: appservice registration: %w", err)
		}
		regs = append(regs, abs)
	}
	binDir, err := BuildTools(ctx)
	if err != nil {
		return nil, err
	}
	configPath, err := writeConfig(ctx, binDir, dir, opt.ServerName, opt.LogLevel, regs)
	if err != nil {
		return nil, err
	}

	// With a random port, another process may grab it between our probe and
	// Dendrite's bind: retry a few times on "address already in use".
	attempts := 1
	if opt.Port == 0 {
		attempts = 3
	}
	for i := 1; ; i++ {
		port := opt.Port
		if port == 0 {
			if port, err = freePort(); err != nil {
				return nil, err
			}
		}
		hs, err := launch(ctx, binDir, dir, configPath, opt, port)
		if err == nil {
			return hs, nil
		}
		if i >= attempts || !strings.Contains(err.Error(), "address already in use") {
			return nil, err
		}
	}
}

// writeConfig creates the signing key if absent and (re)writes dendrite.yaml.
func writeConfig(ctx context.Context, binDir, dir, serverName, logLevel string, regs []string) (string, error) {
	keyPath := filepath.Join(dir, "matrix_key.pem")
	if _, err := os.Stat(keyPath); err != nil {
		if out, err := runTool(ctx, binDir, dir, "generate-keys", "--private-key", keyPath); err != nil {
			return "", fmt.Errorf("devnet: generate-keys: %w\n%s", err, out)
		}
	}
	raw, err := runTool(ctx, binDir, dir, "generate-config", "-ci", "-dir", dir, "-server", serverName)
	if err != nil {
		return "", fmt.Errorf("devnet: generate-config: %w\n%s", err, raw)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return "", fmt.Errorf("devnet: parsing generated dendrite.yaml: %w", err)
	}
	if regs == nil {
		regs = []string{}
	}
	patches := []struct {
		path  string
		value any
	}{
		{"global.server_name", serverName},
		{"global.private_key", keyPath},
		// No outbound federation (it would try to reach other servers, and
		// there are none on a loopback test network).
		{"global.disable_federation", true},
		{"global.trusted_third_party_id_servers", []string{}},
		{"global.report_stats.enabled", false},
		{"global.jetstream.storage_path", dir},
		{"global.jetstream.in_memory", true},
		{"app_service_api.config_files", regs},
		{"client_api.registration_disabled", false},
		{"client_api.registration_requires_token", false},
		{"client_api.enable_registration_captcha", false},
		{"client_api.rate_limiting.enabled", false},
		{"federation_api.key_perspectives", []string{}},
		{"logging", []map[string]any{{"type": "std", "level": logLevel}}},
	}
	for _, p := range patches {
		if err := setPath(&doc, p.path, p.value); err != nil {
			return "", fmt.Errorf("devnet: patching dendrite.yaml %s: %w", p.path, err)
		}
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		return "", fmt.Errorf("devnet: %w", err)
	}
	configPath := filepath.Join(dir, "dendrite.yaml")
	if err := os.WriteFile(configPath, out, 0o644); err != nil {
		return "", fmt.Errorf("devnet: %w", err)
	}
	return configPath, nil
}

// setPath sets a dotted key path in a YAML document, creating mappings as
// needed and keeping the order of the other keys.
func setPath(doc *yaml.Node, path string, value any) error {
	node := doc
	if node.Kind == yaml.DocumentNode {
		if len(node.Content) == 0 {
			node.Content = []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}
		}
		node = node.Content[0]
	}
	keys := strings.Split(path, ".")
	for i, key := range keys {
		if node.Kind != yaml.MappingNode {
			return fmt.Errorf("%s is not a mapping", strings.Join(keys[:i], "."))
		}
		var next *yaml.Node
		for j := 0; j+1 < len(node.Content); j += 2 {
			if node.Content[j].Value == key {
				next = node.Content[j+1]
				break
			}
		}
		if next == nil {
			next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, next)
		}
		if i == len(keys)-1 {
			var enc yaml.Node
			if err := enc.Encode(value); err != nil {
				return err
			}
			*next = enc
		}
		node = next
	}
	return nil
}

func runTool(ctx context.Context, binDir, dir, name string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, name+exeSuffix()), args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return append(out, stderr.Bytes()...), err
	}
	return out, nil
}

// freePort asks the kernel for an unused TCP port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("devnet: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// launch starts Dendrite on port and waits for it to answer.
func launch(ctx context.Context, binDir, dir, configPath string, opt Options, port int) (*Homeserver, error) {
	hs := &Homeserver{
		URL:        "http://127.0.0.1:" + strconv.Itoa(port),
		ServerName: opt.ServerName,
		Dir:        dir,
		Port:       port,
		ConfigPath: configPath,
		done:       make(chan struct{}),
		tail:       &tailBuffer{max: 40},
	}
	out := opt.LogOutput
	if out == nil {
		hs.LogPath = filepath.Join(dir, "dendrite.log")
		f, err := os.OpenFile(hs.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, fmt.Errorf("devnet: %w", err)
		}
		hs.logFile = f
		out = f
	}
	w := io.MultiWriter(out, hs.tail)
	hs.cmd = exec.Command(filepath.Join(binDir, "dendrite"+exeSuffix()),
		"-config", configPath,
		"-http-bind-address", "127.0.0.1:"+strconv.Itoa(port),
		// Never served without -tls-cert/-tls-key, but must parse.
		"-https-bind-address", "127.0.0.1:0",
		"-really-enable-open-registration",
	)
	hs.cmd.Dir = dir
	hs.cmd.Stdout = w
	hs.cmd.Stderr = w
	prepareCmd(hs.cmd)
	if err := hs.cmd.Start(); err != nil {
		hs.closeLog()
		return nil, fmt.Errorf("devnet: starting dendrite: %w", err)
	}
	go func() {
		hs.waitErr = hs.cmd.Wait()
		hs.closeLog()
		close(hs.done)
	}()

	if err := hs.waitReady(ctx); err != nil {
		_ = hs.Stop()
		return nil, err
	}
	return hs, nil
}

func (h *Homeserver) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	url := h.URL + "/_matrix/client/versions"
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-h.done:
			return fmt.Errorf("devnet: dendrite exited during start-up (%v); last log lines:\n%s", h.waitErr, h.tail.String())
		case <-ctx.Done():
			return fmt.Errorf("devnet: dendrite did not answer %s: %w; last log lines:\n%s", url, ctx.Err(), h.tail.String())
		case <-tick.C:
		}
	}
}

// Stop sends SIGTERM, waits up to StopTimeout for Dendrite to exit, then
// kills it. It is safe to call more than once (later calls return the first
// result). An exit caused by the signal itself is not reported as an error.
func (h *Homeserver) Stop() error {
	h.stopOnce.Do(func() {
		select {
		case <-h.done:
		default:
			_ = terminate(h.cmd.Process)
			select {
			case <-h.done:
			case <-time.After(StopTimeout):
				_ = h.cmd.Process.Kill()
				<-h.done
				h.stopErr = fmt.Errorf("devnet: dendrite ignored SIGTERM for %s and was killed", StopTimeout)
				return
			}
		}
		var exitErr *exec.ExitError
		if h.waitErr != nil && !errors.As(h.waitErr, &exitErr) {
			h.stopErr = fmt.Errorf("devnet: dendrite: %w", h.waitErr)
		}
	})
	return h.stopErr
}

// Done returns a channel closed when the Dendrite process has exited (after
// Stop or on its own).
func (h *Homeserver) Done() <-chan struct{} { return h.done }

// LogTail returns the last lines (up to 40) Dendrite wrote.
func (h *Homeserver) LogTail() string { return h.tail.String() }

func (h *Homeserver) closeLog() {
	if h.logFile != nil {
		_ = h.logFile.Close()
	}
}

// tailBuffer is an io.Writer remembering the last max lines written.
type tailBuffer struct {
	mu      sync.Mutex
	max     int
	lines   []string
	partial []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.partial = append(t.partial, p...)
	for {
		i := bytes.IndexByte(t.partial, '\n')
		if i < 0 {
			break
		}
		t.lines = append(t.lines, string(t.partial[:i]))
		t.partial = t.partial[i+1:]
	}
	if len(t.partial) > 64<<10 { // an absurdly long line: keep it bounded
		t.lines = append(t.lines, string(t.partial))
		t.partial = nil
	}
	if len(t.lines) > t.max {
		t.lines = append([]string(nil), t.lines[len(t.lines)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.Join(t.lines, "\n")
	if len(t.partial) > 0 {
		s += "\n" + string(t.partial)
	}
	return s
}
