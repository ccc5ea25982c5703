package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot/e2ee"
)

// keysUsage is the usage of `exodus keys`.
const keysUsage = `Usage:
  exodus keys show [-c config.yaml]                   print the bot's recovery key (keep it safe, away from the database)
  exodus keys restore [-c config.yaml] [recovery key] restore the bot's keys into a new database with the recovery key
                                                      (read from standard input when not given), then rebuild
`

// keysMain runs `exodus keys show|restore`: the recovery key opens the
// bot's cross-signing keys and its key backup (docs/encryption.md).
func keysMain(cfgPath string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fmt.Fprint(stdout, keysUsage)
		return 0
	}
	if len(args) == 0 || (args[0] != "show" && args[0] != "restore") {
		fmt.Fprint(stderr, keysUsage)
		return 2
	}
	what := args[0]
	fs := flag.NewFlagSet("exodus keys "+what, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("c", cfgPath, "path to the configuration file")
	if err := fs.Parse(args[1:]); err != nil {
		return parseStatus(err)
	}
	if fs.NArg() > 1 || (what == "show" && fs.NArg() > 0) {
		fmt.Fprintf(stderr, "exodus keys %s: unexpected argument\n%s", what, keysUsage)
		return 2
	}
	cfg, err := LoadConfig(*path)
	if err != nil {
		fmt.Fprintln(stderr, "exodus:", err)
		return 2
	}
	if !cfg.encrypts() {
		fmt.Fprintln(stderr, "exodus keys: encryption.pickle_key is not set: the bot has no encryption keys (docs/encryption.md)")
		return 2
	}
	stderr = secretsRedacted(stderr, cfg)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	log := newLoggerTo(cfg, stderr)
	ctx = log.WithContext(ctx)
	if what == "show" {
		err = showRecoveryKey(ctx, cfg, stdout)
	} else {
		err = restoreKeys(ctx, cfg, fs.Arg(0), stdin, stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "exodus keys %s: %v\n", what, err)
		return 1
	}
	return 0
}

// showRecoveryKey prints the bot's recovery key from its database.
func showRecoveryKey(ctx context.Context, cfg *Config, out io.Writer) error {
	st, err := openStore(ctx, cfg, *zerolog.Ctx(ctx))
	if err != nil {
		return err
	}
	defer st.Close()
	key, err := e2ee.RecoveryKey(ctx, st.DB(), id.NewUserID(cfg.AppService.BotLocalpart, cfg.Homeserver.Domain), []byte(cfg.Encryption.PickleKey))
	switch {
	case errors.Is(err, e2ee.ErrPickleKey):
		return errors.New("encryption.pickle_key: it does not open the keys in the database; set it back to the key the database was made with")
	case errors.Is(err, e2ee.ErrNoRecoveryKey):
		return errors.New("the database holds no recovery key: the bot has not started with encryption yet, or this is a new " +
			"database for an old bot (restore it with `exodus keys restore`)")
	case err != nil:
		return err
	}
	fmt.Fprintf(out, "The bot's recovery key (keep it safe, apart from the database and the config; with it, "+
		"`exodus keys restore` restores the bot's identity and room keys into a new database):\n%s\n", key)
	return nil
}

// restoreKeys restores the bot's keys into its database with the recovery
// key (given, or read from in), then says what comes next.
func restoreKeys(ctx context.Context, cfg *Config, recovery string, in io.Reader, out io.Writer) error {
	if recovery == "" {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && line == "" {
			return errors.New("no recovery key: give it as the argument or on standard input")
		}
		recovery = line
	}
	recovery = strings.TrimSpace(recovery)
	log := zerolog.Ctx(ctx)
	if err := checkHomeserver(ctx, log, cfg, defaultRegistration(cfg.path), &http.Client{Timeout: 30 * time.Second}, 2*time.Minute); err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, *log)
	if err != nil {
		return err
	}
	defer st.Close()
	w, err := wire(ctx, cfg, st, nil)
	if err != nil {
		return err
	}
	cli, err := mautrix.NewClient(cfg.Homeserver.Address, w.intent.UserID, cfg.AppService.ASToken)
	if err != nil {
		return fmt.Errorf("failed to set up the encryption device's client: %w", err)
	}
	cli.Log = log.With().Str("component", "e2ee_client").Logger()
	r, err := e2ee.Restore(ctx, st.DB(), cli, w.stateStore, e2ee.Config{PickleKey: []byte(cfg.Encryption.PickleKey),
		DeviceName: cfg.AppService.BotDisplayname}, recovery)
	switch {
	case errors.Is(err, e2ee.ErrPickleKey):
		return errors.New("encryption.pickle_key: it does not open the keys in the database; set it back to the key the database was made with")
	case errors.Is(err, e2ee.ErrRecoveryKey):
		return errors.New("the recovery key does not open the bot's secret storage: check it against what `exodus keys show` printed")
	case err != nil && r == nil:
		return err
	}
	fmt.Fprintf(out, "Restored the bot's keys: device %s, signed by the bot's cross-signing key %s (members see the same identity); "+
		"%d room keys from the key backup.\n", r.Device, r.MasterKey, r.RoomKeys)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Now start exodus: an empty ledger is rebuilt from the rooms (or run `exodus rebuild` first).")
	return nil
}
