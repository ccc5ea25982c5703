package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// rebuildMain runs `exodus rebuild [-c config.yaml] [-force] [-max-events N]`:
// it rebuilds the ledger from the history of the rooms the bot is in and
// prints each circle's digest. Exodus must not be running on the same
// database meanwhile.
func rebuildMain(cfgPath string, args []string) int {
	fs := flag.NewFlagSet("exodus rebuild", flag.ContinueOnError)
	path := fs.String("c", cfgPath, "path to the configuration file")
	force := fs.Bool("force", false, "clear a ledger that is not empty first (everything the rooms make again, the web's sessions and API tokens too)")
	maxEvents := fs.Int("max-events", 0, "the most events read from one room's history: every room is then read whole first, and a room with more fails the rebuild before anything is changed (0: no limit; histories are streamed)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "exodus rebuild: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	cfg, err := LoadConfig(*path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exodus:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := newLogger(cfg)
	if err := checkAppService(ctx, &log, cfg, defaultRegistration(*path)); err != nil {
		fmt.Fprintln(os.Stderr, "exodus rebuild:", err)
		return 1
	}
	if err := rebuildCommand(ctx, cfg, *force, *maxEvents, os.Stdout, newProgressLine(os.Stderr)); err != nil {
		fmt.Fprintln(os.Stderr, "exodus rebuild:", err)
		return 1
	}
	return 0
}

// rebuildCommand opens the database, clears the ledger if force (or
// refuses a ledger that is not empty), connects to the homeserver as the
// appservice's bot, rebuilds the ledger from the rooms and writes a
// summary to out. progress (nil: none) is told the progress every few
// seconds.
func rebuildCommand(ctx context.Context, cfg *Config, force bool, maxEvents int, out io.Writer, progress func(replica.Progress)) error {
	log := newLogger(cfg)
	ctx = log.WithContext(ctx)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	empty, err := st.LedgerEmpty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		if !force {
			return errors.New("the ledger is not empty; stop exodus and run `exodus rebuild -force` to clear it and rebuild it from the rooms")
		}
		if err := st.ClearLedger(ctx); err != nil {
			return err
		}
		log.Warn().Msg("Cleared the ledger to rebuild it from the rooms")
	}
	w, err := wire(ctx, cfg, st, nil)
	if err != nil {
		return err
	}
	clock, svc, rep := w.clock, w.svc, w.replica
	if _, err := connect(ctx, cfg, st, w, ""); err != nil {
		return err
	}
	dev, err := openHistoryDevice(ctx, cfg, st, w)
	if err != nil {
		return err
	}
	if dev != nil {
		readHistoryEncrypted(cfg, dev, w)
	}
	report, err := rep.Rebuild(ctx, replica.Options{MaxEventsPerRoom: maxEvents, TickEvery: cfg.tick, Clock: clock, Progress: progress})
	if err != nil {
		return err
	}
	return printRebuild(ctx, out, svc, report)
}

// printRebuild writes what a rebuild did and each circle's digest, the
// figure to compare with another bot's (GET /api/v1/circles/{id}/digest).
func printRebuild(ctx context.Context, out io.Writer, svc *ledger.Service, r *replica.Report) error {
	fmt.Fprintf(out, "Rebuilt the ledger from %d rooms: %d events replayed, %d skipped (before the bot joined), %d failed, %d undecryptable, %d clock ops.\n",
		len(r.Rooms), r.Events, r.Skipped, r.Failed, r.Undecryptable, r.ClockOps)
	for _, c := range r.Circles {
		l, err := svc.Aid.CircleLedger(ctx, c)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s\tmembers %d\tneeds %d\tpromises %d\t%s\n", c, len(l.Members), len(l.Needs), len(l.Promises), l.Digest())
	}
	if r.Failed > 0 {
		fmt.Fprintln(out, "Some events failed; their errors are in the inbox table (column error).")
	}
	if r.Undecryptable > 0 {
		fmt.Fprintln(out, "Some encrypted events could not be read (no room key, or a key not proven to be the sender's); "+
			"the reason of each is in the inbox table (column error). docs/encryption.md says what a rebuild reads.")
	}
	return nil
}

// rebuildOnStart rebuilds an empty ledger from the rooms the bot is
// already in, before the bot serves: a start with a lost or new database
// recomputes the ledger instead of beginning a new one; its progress is
// logged every few seconds. The bot must be registered (registerBot).
func rebuildOnStart(ctx context.Context, cfg *Config, st *store.Store, rep *replica.Replica, clock *replica.ReplayClock) error {
	log := zerolog.Ctx(ctx)
	empty, err := st.LedgerEmpty(ctx)
	if err != nil || !empty {
		return err
	}
	report, err := rep.Rebuild(ctx, replica.Options{TickEvery: cfg.tick, Clock: clock})
	if err != nil {
		return fmt.Errorf("failed to rebuild the empty ledger from the rooms: %w", err)
	}
	if len(report.Rooms) > 0 {
		log.Info().Int("rooms", len(report.Rooms)).Int("circles", len(report.Circles)).Int("events", report.Events).
			Int("undecryptable", report.Undecryptable).Msg("The ledger was empty: rebuilt it from the rooms the bot is in")
	}
	return nil
}
