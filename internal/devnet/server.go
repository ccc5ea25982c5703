package devnet

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
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
	// @alice:<ServerName>. Default "localhost", or with Federate
	// "<Host>:<FederationPort>" (the only value allowed then).
	ServerName string
	// Host is the loopback IP Dendrite listens on. Default "127.0.0.1".
	// Federating servers need distinct names, so give each its own IP
	// (127.0.0.2, 127.0.0.3, ... are loopback addresses on Linux).
	Host string
	// Port is the plain-HTTP port (client API; with Federate also the
	// federation API) on Host; 0 picks a free one.
	Port int
	// Federate makes the server federate with other devnet servers on
	// loopback: the server name is "<Host>:<FederationPort>" (an IP literal
	// with an explicit port, so peers need no .well-known or SRV lookup),
	// Dendrite also serves HTTPS on that address with a self-signed
	// certificate from generate-keys (Dir/tls.crt, Dir/tls.key, made once
	// per Dir), and its federation client skips TLS validation and may
	// only dial loopback addresses. Without Federate, federation is
	// disabled and only plain HTTP is served.
	Federate bool
	// FederationPort is the HTTPS port on Host used with Federate; 0 picks
	// a free one. It is part of the server name, which the databases
	// remember: to restart a federating server on a reused Dir, pass the
	// same Host and FederationPort again.
	FederationPort int
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
	// Host is the loopback IP Dendrite listens on.
	Host string
	// Port is the plain-HTTP port Dendrite listens on (on Host).
	Port int
	// Federate tells whether federation is on (see Options.Federate).
	Federate bool
	// FederationURL is the HTTPS base URL peers use,
	// "https://<ServerName>"; "" without Federate.
	FederationURL string
	// FederationPort is the HTTPS port on Host; 0 without Federate.
	FederationPort int
	// ConfigPath is the generated dendrite.yaml.
	ConfigPath string
	// LogPath is Dir/dendrite.log when Options.LogOutput was nil, else "".
	LogPath string

	spec     launchSpec // how it was launched, for Restart
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
// federation disabled unless Options.Federate, logging to stdout), launches
// `dendrite -config dendrite.yaml -http-bind-address HOST:PORT
// -really-enable-open-registration` (with Federate also -https-bind-address
// HOST:FEDPORT -tls-cert -tls-key) and waits until GET
// /_matrix/client/versions answers 200 (and, with Federate, GET
// https://HOST:FEDPORT/_matrix/key/v2/server too), at most StartTimeout or
// until ctx ends. If Dendrite exits early, the error contains the last 40
// lines of its log. ctx only bounds the start-up; the process runs until
// Stop. The binaries are built first if needed (BuildTools).
//
// With Federate, servers started with distinct Hosts (say 127.0.0.1 and
// 127.0.0.2) federate: users of one can invite, join and message users of
// the other.
func Start(ctx context.Context, opt Options) (*Homeserver, error) {
	if opt.Dir == "" {
		return nil, errors.New("devnet: Options.Dir is required")
	}
	if opt.Host == "" {
		opt.Host = "127.0.0.1"
	}
	if ip := net.ParseIP(opt.Host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("devnet: Options.Host %q is not a loopback IP address", opt.Host)
	}
	fixedName := opt.ServerName
	if opt.Federate {
		if opt.ServerName != "" && (opt.FederationPort == 0 || opt.ServerName != FederationServerName(opt.Host, opt.FederationPort)) {
			return nil, fmt.Errorf("devnet: with Federate, ServerName must be empty or %s", FederationServerName(opt.Host, opt.FederationPort))
		}
	} else if opt.ServerName == "" {
		fixedName = "localhost"
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
	var tlsCert, tlsKey string
	if opt.Federate {
		if tlsCert, tlsKey, err = ensureTLS(ctx, binDir, dir); err != nil {
			return nil, err
		}
	}

	// With a random port, another process may grab it between our probe and
	// Dendrite's bind: retry a few times on "address already in use".
	attempts := 1
	if opt.Port == 0 || (opt.Federate && opt.FederationPort == 0) {
		attempts = 3
	}
	for i := 1; ; i++ {
		l := launchSpec{binDir: binDir, dir: dir, opt: opt, port: opt.Port, tlsCert: tlsCert, tlsKey: tlsKey}
		if l.port == 0 {
			if l.port, err = FreePortOn(opt.Host); err != nil {
				return nil, err
			}
		}
		if opt.Federate {
			l.fedPort = opt.FederationPort
			for l.fedPort == 0 || l.fedPort == l.port {
				if l.fedPort, err = FreePortOn(opt.Host); err != nil {
					return nil, err
				}
			}
		}
		l.serverName = fixedName
		if opt.Federate {
			l.serverName = FederationServerName(opt.Host, l.fedPort)
		}
		// The config depends on the server name, hence on the port.
		if l.configPath, err = writeConfig(ctx, binDir, dir, l.serverName, opt.LogLevel, regs, opt.Federate); err != nil {
			return nil, err
		}
		hs, err := launch(ctx, l)
		if err == nil {
			return hs, nil
		}
		if i >= attempts || !strings.Contains(err.Error(), "address already in use") {
			return nil, err
		}
	}
}

// FederationServerName is the server name of a federating devnet server:
// "<host>:<port>" (IPv6 hosts in brackets).
func FederationServerName(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// ensureTLS creates the self-signed TLS certificate and key for the HTTPS
// (federation) listener once per Dir. A 2048-bit RSA key keeps generation
// fast; peers do not check it (federation_api.disable_tls_validation).
func ensureTLS(ctx context.Context, binDir, dir string) (cert, key string, err error) {
	cert, key = filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	_, errC := os.Stat(cert)
	_, errK := os.Stat(key)
	if errC == nil && errK == nil {
		return cert, key, nil
	}
	_ = os.Remove(cert)
	_ = os.Remove(key)
	if out, err := runTool(ctx, binDir, dir, "generate-keys", "--tls-cert", cert, "--tls-key", key, "--keysize", "2048"); err != nil {
		return "", "", fmt.Errorf("devnet: generate-keys (TLS): %w\n%s", err, out)
	}
	return cert, key, nil
}

// writeConfig creates the signing key if absent and (re)writes dendrite.yaml.
func writeConfig(ctx context.Context, binDir, dir, serverName, logLevel string, regs []string, federate bool) (string, error) {
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
		// Without Federate: no outbound federation (it would try to reach
		// other servers, and there are none on a loopback test network).
		{"global.disable_federation", !federate},
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
	if federate {
		patches = append(patches, []struct {
			path  string
			value any
		}{
			// Peers present self-signed certificates for IP literals.
			{"federation_api.disable_tls_validation", true},
			// Server keys are fetched directly from the peer (no
			// perspectives, which would mean matrix.org).
			{"federation_api.prefer_direct_fetch", true},
			// Dendrite's defaults deny 127.0.0.0/8 (and other private
			// networks) to the federation client; on devnet the peers are
			// on loopback, and only there may it connect.
			{"federation_api.deny_networks", []string{}},
			{"federation_api.allow_networks", []string{"127.0.0.0/8", "::1/128"}},
			// Fail fast rather than back off for hours if a peer is down.
			{"federation_api.send_max_retries", 3},
		}...)
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
	cmd := CommandInGroup(ctx, filepath.Join(binDir, name+exeSuffix()), args...)
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
func freePort() (int, error) { return FreePortOn("127.0.0.1") }

// FreePortOn asks the kernel for an unused TCP port on the IP address host.
func FreePortOn(host string) (int, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("devnet: finding a free port on %s: %w", host, err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// launchSpec is one attempt at starting Dendrite.
type launchSpec struct {
	binDir, dir, configPath string
	opt                     Options
	serverName              string
	port, fedPort           int // fedPort is 0 without Federate
	tlsCert, tlsKey         string
}

// launch starts Dendrite and waits for it to answer.
func launch(ctx context.Context, l launchSpec) (*Homeserver, error) {
	opt := l.opt
	hs := &Homeserver{
		URL:        "http://" + net.JoinHostPort(opt.Host, strconv.Itoa(l.port)),
		ServerName: l.serverName,
		Dir:        l.dir,
		Host:       opt.Host,
		Port:       l.port,
		Federate:   opt.Federate,
		ConfigPath: l.configPath,
		spec:       l,
		tail:       &tailBuffer{max: 40},
	}
	if opt.Federate {
		hs.FederationPort = l.fedPort
		hs.FederationURL = "https://" + net.JoinHostPort(opt.Host, strconv.Itoa(l.fedPort))
	}
	if err := hs.run(ctx); err != nil {
		return nil, err
	}
	return hs, nil
}

// args are Dendrite's command-line arguments.
func (l launchSpec) args() []string {
	args := []string{
		"-config", l.configPath,
		"-http-bind-address", net.JoinHostPort(l.opt.Host, strconv.Itoa(l.port)),
	}
	if l.opt.Federate {
		args = append(args,
			"-https-bind-address", net.JoinHostPort(l.opt.Host, strconv.Itoa(l.fedPort)),
			"-tls-cert", l.tlsCert, "-tls-key", l.tlsKey)
	} else {
		// Never served without -tls-cert/-tls-key, but must parse.
		args = append(args, "-https-bind-address", "127.0.0.1:0")
	}
	return append(args, "-really-enable-open-registration")
}

// run starts the Dendrite process of h.spec and waits for it to answer;
// if it does not, the process is stopped.
func (h *Homeserver) run(ctx context.Context) error {
	l := h.spec
	h.done, h.waitErr, h.stopOnce, h.stopErr = make(chan struct{}), nil, sync.Once{}, nil
	out := l.opt.LogOutput
	h.logFile = nil
	if out == nil {
		h.LogPath = filepath.Join(l.dir, "dendrite.log")
		f, err := os.OpenFile(h.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("devnet: %w", err)
		}
		h.logFile = f
		out = f
	}
	w := io.MultiWriter(out, h.tail)
	h.cmd = exec.Command(filepath.Join(l.binDir, "dendrite"+exeSuffix()), l.args()...)
	h.cmd.Dir = l.dir
	h.cmd.Stdout = w
	h.cmd.Stderr = w
	OwnProcessGroup(h.cmd)
	if err := h.cmd.Start(); err != nil {
		h.closeLog()
		return fmt.Errorf("devnet: starting dendrite: %w", err)
	}
	cmd, done, logFile := h.cmd, h.done, h.logFile
	go func() {
		h.waitErr = cmd.Wait()
		if logFile != nil {
			_ = logFile.Close()
		}
		close(done)
	}()

	if err := h.waitReady(ctx); err != nil {
		_ = h.Stop()
		return err
	}
	return nil
}

func (h *Homeserver) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, StartTimeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		// The federation listener has a self-signed certificate.
		TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // loopback test server
	}}
	defer client.CloseIdleConnections()
	// Each probe answers true once its endpoint is up.
	type probe struct {
		url string
		ok  func(body []byte) bool
	}
	probes := []probe{{h.URL + "/_matrix/client/versions", func([]byte) bool { return true }}}
	if h.Federate {
		// The HTTPS listener starts separately (a failed bind ends the
		// process, noticed below). The server name in the key response
		// tells our Dendrite from another process that took the port.
		probes = append(probes, probe{h.FederationURL + "/_matrix/key/v2/server", func(body []byte) bool {
			var keys struct {
				ServerName string `json:"server_name"`
			}
			return json.Unmarshal(body, &keys) == nil && keys.ServerName == h.ServerName
		}})
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, probes[0].url, nil)
		if resp, err := client.Do(req); err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK && probes[0].ok(body) {
				if probes = probes[1:]; len(probes) == 0 {
					return nil
				}
				continue
			}
		}
		select {
		case <-h.done:
			return fmt.Errorf("devnet: dendrite exited during start-up (%v); last log lines:\n%s", h.waitErr, h.tail.String())
		case <-ctx.Done():
			return fmt.Errorf("devnet: dendrite did not answer %s: %w; last log lines:\n%s", probes[0].url, ctx.Err(), h.tail.String())
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
				_ = KillGroup(h.cmd)
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
