// Command exodus runs the Exodus appservice: a Matrix bot for mutual aid
// between people who know each other.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	// Time zone data for cycle.time_zone on machines without it.
	_ "time/tzdata"
)

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the flags of `exodus [run]`.
type options struct {
	cfgPath, regPath  string
	generate, version bool
}

// newFlags defines the flags of `exodus [run]` into opt.
func newFlags(opt *options, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("exodus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opt.cfgPath, "c", "config.yaml", "the configuration file")
	fs.StringVar(&opt.regPath, "r", "", "the registration file: where -g writes it; at start, checked against the config (default: registration.yaml beside the config)")
	fs.BoolVar(&opt.generate, "g", false, "with no config, write one from the example and stop; with a config, write the registration from it (fresh tokens where they are \"generate\")")
	fs.BoolVar(&opt.version, "version", false, "print the version and the commit, then exit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage:
  exodus [run] [-c config.yaml] [-r registration.yaml]     start the bot (the default command)
  exodus -g [-c config.yaml] [-r registration.yaml]        write the config from the example, or the registration from the config
  exodus rebuild [-c config.yaml] [-force] [-max-events N] rebuild the ledger from the rooms (with the bot stopped; -h for more)
  exodus keys show|restore [-c config.yaml]                the bot's recovery key: print it, or restore the bot's keys with it (-h for more)
  exodus version                                           print the version and the commit (also: exodus --version)

Flags:
`)
		fs.PrintDefaults()
	}
	return fs
}

// cli runs the command line args and returns the exit status: 0, 1 for a
// failure, 2 for a wrong command line or config.
func cli(args []string, stdout, stderr io.Writer) int {
	var opt options
	fs := newFlags(&opt, stderr)
	if err := fs.Parse(args); err != nil {
		return parseStatus(err)
	}
	cmd, rest := "run", []string(nil)
	if fs.NArg() > 0 {
		cmd, rest = fs.Arg(0), fs.Args()[1:]
	}
	switch cmd {
	case "rebuild":
		if !opt.version {
			return rebuildMain(opt.cfgPath, rest)
		}
	case "keys":
		if !opt.version {
			return keysMain(opt.cfgPath, rest, os.Stdin, stdout, stderr)
		}
	case "version":
		opt.version = true
		if err := fs.Parse(rest); err != nil {
			return parseStatus(err)
		}
	case "run":
		if err := fs.Parse(rest); err != nil {
			return parseStatus(err)
		}
	default:
		fmt.Fprintf(stderr, "exodus: unknown command %q\n", cmd)
		fs.Usage()
		return 2
	}
	if fs.NArg() > 0 && cmd != "rebuild" && cmd != "keys" {
		fmt.Fprintf(stderr, "exodus: unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return 2
	}
	if opt.version {
		fmt.Fprintln(stdout, versionLine())
		return 0
	}
	if opt.regPath == "" {
		opt.regPath = defaultRegistration(opt.cfgPath)
	}
	if opt.generate {
		return generateMain(opt.cfgPath, opt.regPath, stdout, stderr)
	}
	return runMain(opt.cfgPath, opt.regPath, stderr)
}

// checkAppService asks the homeserver whom the appservice's token is
// (checkHomeserver); in mode: bot there is none, and the login at start
// (login.go) checks the homeserver and the account instead.
func checkAppService(ctx context.Context, log *zerolog.Logger, cfg *Config, regPath string) error {
	if cfg.botMode() {
		return nil
	}
	return checkHomeserver(ctx, log, cfg, regPath, &http.Client{Timeout: 30 * time.Second}, 2*time.Minute)
}

// parseStatus is the exit status of a command line the flags refused: 0
// for -h, which printed the usage.
func parseStatus(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// generateMain runs `exodus -g` and tells the operator what comes next.
func generateMain(cfgPath, regPath string, stdout, stderr io.Writer) int {
	res, err := generateRegistration(cfgPath, regPath)
	if err != nil {
		fmt.Fprintln(stderr, "exodus:", err)
		return 1
	}
	if res.createdConfig {
		fmt.Fprintf(stdout, "Wrote %s from the example, with fresh tokens. Edit homeserver.address, homeserver.domain and appservice.address in it, then run `exodus -g -c %s -r %s` again to write the registration.\n",
			cfgPath, cfgPath, regPath)
		return 0
	}
	if res.botMode {
		secrets := ""
		if res.newTokens {
			secrets = "; put fresh secrets into it"
		}
		fmt.Fprintf(stdout, "%s is of mode: bot (%s logs in as an ordinary account): no registration to write%s. Start exodus with `exodus -c %s`.\n",
			cfgPath, res.bot, secrets, cfgPath)
		return 0
	}
	tokens := ""
	if res.newTokens {
		tokens = " (and put fresh tokens into " + cfgPath + ")"
	}
	fmt.Fprintf(stdout, "Wrote %s from %s%s: the homeserver will push to %s for %s. Give it to the homeserver (Dendrite: app_service_api.config_files) and restart the homeserver, then start exodus with `exodus -c %s -r %s`.\n",
		regPath, cfgPath, tokens, res.url, res.bot, cfgPath, regPath)
	return 0
}

// runMain loads the config, checks the registration file and the
// homeserver against it, and runs the bot until SIGINT or SIGTERM.
func runMain(cfgPath, regPath string, stderr io.Writer) int {
	cfg, err := LoadConfig(cfgPath)
	if err != nil {
		fmt.Fprintln(stderr, "exodus:", err)
		return 2
	}
	stderr = secretsRedacted(stderr, cfg) // an error may quote a database URI
	warning := ""
	if !cfg.botMode() { // an ordinary account has no registration
		if warning, err = checkRegistration(cfg, regPath); err != nil { // needs no network: first
			fmt.Fprintln(stderr, "exodus:", err)
			return 2
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg)
	if warning != "" {
		log.Warn().Msg(warning)
	}
	if err := checkAppService(ctx, &log, cfg, regPath); err != nil {
		if ctx.Err() == nil {
			fmt.Fprintln(stderr, "exodus:", err)
		}
		return 1
	}
	if err := run(ctx, cfg, regPath); err != nil {
		fmt.Fprintln(stderr, "exodus:", err)
		return 1
	}
	return 0
}
