// Package stack runs the whole system locally: a real Dendrite homeserver
// and the exodus binary as its appservice. The end-to-end tests and the demo
// use it.
package stack

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"gopkg.in/yaml.v3"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus"
	"github.com/exodus-matrix/exodus/internal/devnet"
)

// Options configure Start.
type Options struct {
	// Dir holds the homeserver's and the bot's files. Required.
	Dir string
	// ServerName is the homeserver's name; default "localhost", or with
	// Federate "<Host>:<FederationPort>" (the only value allowed then).
	ServerName string
	// Federate makes the homeserver federate with other devnet servers on
	// loopback (see devnet.Options.Federate): two stacks with different
	// Hosts, each Dendrite with its own bot, see each other's users.
	Federate bool
	// Host is the loopback IP the homeserver listens on; default
	// "127.0.0.1". Federating stacks need distinct ones (127.0.0.2, ...).
	// The bot and the web organizer stay on 127.0.0.1.
	Host string
	// FederationPort is the homeserver's HTTPS (federation) port with
	// Federate; 0 picks a free one.
	FederationPort int
	// HSPort, BotPort and WebPort are the loopback ports; 0 picks free
	// ones.
	HSPort, BotPort, WebPort int
	// BotLog receives the bot's log; default Dir/exodus.log.
	BotLog io.Writer
	// LogLevel is the bot's logging.min_level; default "debug" (the
	// tests read the log; the demo asks for "info").
	LogLevel string
	// Settings are extra config values for the bot, by dotted key
	// (e.g. "ledger.sos_limit": 1).
	Settings map[string]any
	// Account runs the bot in mode: bot: an ordinary account (@exodus,
	// registered with a password on the homeserver) reading its own
	// /sync, instead of the homeserver's appservice. Its readiness is the
	// web organizer's /health.
	Account bool
	// Proxy, when set, stands between the bot and the homeserver: the
	// bot's homeserver.address is the proxy's, and Start points the
	// proxy at Dendrite. Dendrite still pushes transactions straight to
	// the bot, and members talk to Dendrite directly.
	Proxy *Proxy
}

// accountPassword is the password of the bot's account with
// Options.Account.
const accountPassword = AccountPassword

// AccountPassword is the password of the bot's account with
// Options.Account (a test checks it is nowhere but in the config).
const AccountPassword = "exodus-account-password"

// Stack is a running homeserver with the bot attached.
type Stack struct {
	HS *devnet.Homeserver
	// BotID is the bot's Matrix user.
	BotID id.UserID
	// BotURL is where the bot listens for the homeserver.
	BotURL string
	// WebURL is the web organizer and the API.
	WebURL string
	// ConfigPath, RegistrationPath and DBPath are the bot's files.
	ConfigPath, RegistrationPath, DBPath string
	// HSToken is the token the homeserver presents to the bot.
	HSToken string
	// Account is set when the bot is an ordinary account (mode: bot).
	Account bool

	binary string
	botLog io.Writer
	mu     sync.Mutex
	bot    *exec.Cmd
	botEnd chan struct{}
}

var buildOnce struct {
	sync.Mutex
	path string
}

// BuildExodus builds the exodus binary quietly; see BuildExodusTo.
func BuildExodus(ctx context.Context) (string, error) {
	return BuildExodusTo(ctx, nil)
}

// BuildExodusTo builds the exodus binary once per process into <repo>/bin,
// reporting on progress (nil: nothing; see devnet.RunReported). The build
// has no deadline of its own; cancelling ctx stops it, compilers and all.
func BuildExodusTo(ctx context.Context, progress io.Writer) (string, error) {
	buildOnce.Lock()
	defer buildOnce.Unlock()
	if buildOnce.path != "" {
		return buildOnce.path, nil
	}
	root, err := devnet.RepoRoot()
	if err != nil {
		return "", err
	}
	out := filepath.Join(root, "bin", "exodus")
	if progress != nil {
		fmt.Fprintf(progress, "Building the bot into %s (seconds with a warm Go build cache, minutes with a cold one).\n", out)
	}
	// -tags goolm: the bot's encryption uses pure-Go olm (bot/e2ee), whatever GOFLAGS says.
	if err := devnet.GoBuild(ctx, "the bot", root, nil, progress, "-tags", "goolm", "-o", out, "./cmd/exodus"); err != nil {
		return "", fmt.Errorf("stack: %w", err)
	}
	buildOnce.path = out
	return out, nil
}

// Build builds everything Start runs: the bot, then Dendrite if it is
// missing, reporting on progress (nil: nothing). Builds have no deadline;
// call it before giving Start one, so that the deadline covers only
// starting the services.
func Build(ctx context.Context, progress io.Writer) error {
	if _, err := BuildExodusTo(ctx, progress); err != nil {
		return err
	}
	_, err := devnet.BuildToolsTo(ctx, progress)
	return err
}

// Start builds what is missing, writes the bot's config and registration
// (with `exodus -g`), starts Dendrite with the registration, then the bot,
// and waits until the bot is ready.
func Start(ctx context.Context, opt Options) (*Stack, error) {
	if opt.Dir == "" {
		return nil, errors.New("stack: Options.Dir is required")
	}
	if opt.Host == "" {
		opt.Host = "127.0.0.1"
	}
	var err error
	// The server name (the bot's domain) must be known before Dendrite
	// starts, so the ports are chosen here.
	if opt.HSPort, err = freePort(opt.Host, opt.HSPort); err != nil {
		return nil, err
	}
	if opt.Federate {
		if opt.FederationPort, err = freePort(opt.Host, opt.FederationPort, opt.HSPort); err != nil {
			return nil, err
		}
		name := devnet.FederationServerName(opt.Host, opt.FederationPort)
		if opt.ServerName != "" && opt.ServerName != name {
			return nil, fmt.Errorf("stack: with Federate, ServerName must be empty or %s", name)
		}
		opt.ServerName = name
	} else if opt.ServerName == "" {
		opt.ServerName = "localhost"
	}
	if opt.BotPort, err = freePort("127.0.0.1", opt.BotPort); err != nil {
		return nil, err
	}
	if opt.WebPort, err = freePort("127.0.0.1", opt.WebPort, opt.BotPort); err != nil {
		return nil, err
	}
	s := &Stack{botLog: opt.BotLog, Account: opt.Account}
	if s.binary, err = BuildExodus(ctx); err != nil {
		return nil, err
	}
	if err := s.configure(ctx, opt); err != nil {
		return nil, err
	}
	regs := []string{s.RegistrationPath}
	if opt.Account {
		regs = nil // an ordinary account: no appservice
	}
	s.HS, err = devnet.Start(ctx, devnet.Options{Dir: filepath.Join(opt.Dir, "dendrite"), ServerName: opt.ServerName,
		Host: opt.Host, Port: opt.HSPort, Federate: opt.Federate, FederationPort: opt.FederationPort,
		Registrations: regs})
	if err != nil {
		return nil, err
	}
	if opt.Account {
		u, err := s.HS.Register(ctx, s.BotID.Localpart(), accountPassword)
		if err == nil {
			_, err = u.Client.Logout(ctx) // the bot's login is its only device
		}
		if err != nil {
			s.Stop()
			return nil, fmt.Errorf("stack: register the bot's account: %w", err)
		}
	}
	if err := s.StartBot(ctx); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// freePort returns port if it is set, else a free port on host other than
// the ports taken (chosen earlier but not bound yet).
func freePort(host string, port int, taken ...int) (int, error) {
	for port == 0 || slices.Contains(taken, port) {
		p, err := devnet.FreePortOn(host)
		if err != nil {
			return 0, err
		}
		if !slices.Contains(taken, p) {
			port = p
		}
	}
	return port, nil
}

// configure writes config.yaml from the example and runs `exodus -g`.
func (s *Stack) configure(ctx context.Context, opt Options) error {
	if err := privateDir(opt.Dir); err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	dir, _ := filepath.Abs(opt.Dir)
	s.ConfigPath = filepath.Join(dir, "config.yaml")
	s.RegistrationPath = filepath.Join(dir, "registration.yaml")
	s.DBPath = filepath.Join(dir, "exodus.db")
	s.BotURL = "http://127.0.0.1:" + strconv.Itoa(opt.BotPort)
	s.BotID = id.NewUserID("exodus", opt.ServerName)
	s.WebURL = "http://127.0.0.1:" + strconv.Itoa(opt.WebPort)
	hsAddress := "http://" + net.JoinHostPort(opt.Host, strconv.Itoa(opt.HSPort))
	if opt.Proxy != nil {
		if err := opt.Proxy.SetTarget(hsAddress); err != nil {
			return err
		}
		hsAddress = opt.Proxy.URL
	}
	settings := map[string]any{
		"homeserver.address": hsAddress,
		"homeserver.domain":  opt.ServerName,
		"appservice.address": s.BotURL,
		"appservice.port":    opt.BotPort,
		"database.uri":       "file:" + s.DBPath + "?_txlock=immediate",
		"logging.min_level":  cmp.Or(opt.LogLevel, "debug"),
		"web.listen":         "127.0.0.1:" + strconv.Itoa(opt.WebPort),
		"web.public_url":     s.WebURL,
	}
	if opt.Account {
		settings["mode"] = "bot"
		settings["bot.user_id"] = s.BotID.String()
		settings["bot.password"] = accountPassword
	}
	for k, v := range opt.Settings {
		settings[k] = v
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(exodus.ExampleConfig, &doc); err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	for k, v := range settings {
		if err := devnet.SetYAMLPath(&doc, k, v); err != nil {
			return fmt.Errorf("stack: %s: %w", k, err)
		}
	}
	data, err := yaml.Marshal(&doc)
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	if err := os.WriteFile(s.ConfigPath, data, 0o600); err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	out, err := devnet.CommandInGroup(ctx, s.binary, "-g", "-c", s.ConfigPath, "-r", s.RegistrationPath).CombinedOutput()
	if err != nil {
		return fmt.Errorf("stack: exodus -g: %w\n%s", err, out)
	}
	var cfg struct {
		AppService struct {
			HSToken string `yaml:"hs_token"`
		} `yaml:"appservice"`
	}
	data, err = os.ReadFile(s.ConfigPath)
	if err == nil {
		err = yaml.Unmarshal(data, &cfg)
	}
	s.HSToken = cfg.AppService.HSToken
	return err
}

// SetAccountToken makes the bot of Options.Account log in with an
// access token instead of its password, from its next start.
func (s *Stack) SetAccountToken(token string) error {
	data, err := os.ReadFile(s.ConfigPath)
	if err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	for k, v := range map[string]any{"bot.password": "", "bot.access_token": token} {
		if err := devnet.SetYAMLPath(&doc, k, v); err != nil {
			return fmt.Errorf("stack: %s: %w", k, err)
		}
	}
	if data, err = yaml.Marshal(&doc); err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	if err := os.WriteFile(s.ConfigPath, data, 0o600); err != nil {
		return fmt.Errorf("stack: %w", err)
	}
	return nil
}

// privateDir makes dir, readable by its owner only: besides the bot's
// config and registration, Dendrite's databases under it hold the
// appservice's token.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

// StartBot starts the exodus process (again, after StopBot) and waits until
// it answers ready.
func (s *Stack) StartBot(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bot != nil {
		return errors.New("stack: the bot is running")
	}
	logw, logFile := s.botLog, (*os.File)(nil)
	if logw == nil {
		f, err := os.OpenFile(filepath.Join(filepath.Dir(s.ConfigPath), "exodus.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("stack: %w", err)
		}
		logw, logFile = f, f
	}
	cmd := exec.Command(s.binary, "-c", s.ConfigPath, "-r", s.RegistrationPath)
	cmd.Stdout, cmd.Stderr = logw, logw
	devnet.OwnProcessGroup(cmd) // Stop stops it, not a Ctrl-C aimed at us
	if err := cmd.Start(); err != nil {
		if logFile != nil {
			_ = logFile.Close()
		}
		return fmt.Errorf("stack: failed to start exodus: %w", err)
	}
	end := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		if logFile != nil {
			_ = logFile.Close()
		}
		close(end)
	}()
	s.bot, s.botEnd = cmd, end
	if s.Account {
		return waitReady(ctx, s.WebURL+"/health", end) // nothing listens for the homeserver
	}
	return waitReady(ctx, s.BotURL+"/_matrix/mau/ready", end)
}

// StopBot stops the exodus process (SIGTERM, then kill after 10 s).
func (s *Stack) StopBot() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bot == nil {
		return
	}
	_ = s.bot.Process.Signal(os.Interrupt)
	select {
	case <-s.botEnd:
	case <-time.After(10 * time.Second):
		_ = devnet.KillGroup(s.bot)
		<-s.botEnd
	}
	s.bot = nil
}

// KillBot kills the exodus process with SIGKILL, as a crash would (its
// whole process group), and waits until it is gone; StartBot starts it
// again on the same files.
func (s *Stack) KillBot() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bot == nil {
		return
	}
	_ = devnet.KillGroup(s.bot)
	<-s.botEnd
	s.bot = nil
}

// RestartHomeserver stops Dendrite and launches it again on the same
// directory, port and configuration (devnet.Homeserver.Restart), waiting
// until it answers; the bot keeps running, and its requests fail
// meanwhile.
func (s *Stack) RestartHomeserver(ctx context.Context) error {
	return s.HS.Restart(ctx)
}

// Stop stops the bot and the homeserver.
func (s *Stack) Stop() {
	s.StopBot()
	if s.HS != nil {
		_ = s.HS.Stop()
	}
}

func waitReady(ctx context.Context, url string, exited <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return errors.New("stack: exodus exited before it was ready (see exodus.log)")
		case <-ctx.Done():
			return fmt.Errorf("stack: exodus not ready: %w", ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}
