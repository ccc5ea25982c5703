package main

import (
	"context"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/ledger"
)

// checkpointEvery is how often the bot asks whether the mutual-aid book's
// snapshot is due (ledger.Aid.Checkpoint writes one only once enough ops
// followed the last).
const checkpointEvery = time.Minute

// runCheckpoints loads the mutual-aid book at start, logging how (from its
// snapshot, or from every op and why), then checks at once and every
// `every` whether a new snapshot is due and writes it, logging what it did; a failure is
// logged and tried again at the next tick. It returns when ctx ends.
func runCheckpoints(ctx context.Context, aid *ledger.Aid, every time.Duration) error {
	log := zerolog.Ctx(ctx)
	if loaded, err := aid.Load(ctx); err != nil {
		log.Err(err).Msg("Failed to load the mutual-aid book")
	} else {
		logLoaded(log, loaded)
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		checkpointOnce(ctx, aid) // at once first: the load may have replayed many ops
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
	}
}

// checkpointOnce writes the book's snapshot if it is due, and logs what it
// did.
func checkpointOnce(ctx context.Context, aid *ledger.Aid) {
	log := zerolog.Ctx(ctx)
	c, err := aid.Checkpoint(ctx)
	switch {
	case err != nil:
		log.Err(err).Msg("Failed to write the mutual-aid book's snapshot")
	case c.Wrote:
		log.Info().Int("ops", c.Ops).Int("applied", c.Applied).Bool("from_load", c.FromLoad).
			Str("rebuilt_because", c.Why).Dur("took", c.Took).Msg("Wrote the mutual-aid book's snapshot")
	case c.Lost:
		log.Info().Int("ops", c.Ops).Msg("Did not write the mutual-aid book's snapshot: ops came before it meanwhile")
	}
}

// logLoaded logs once how the mutual-aid book was loaded.
func logLoaded(log *zerolog.Logger, l ledger.Loaded) {
	if l.FromSnapshot {
		log.Info().Int("snapshot_ops", l.SnapshotOps).Int("replayed", l.Replayed).Dur("took", l.Took).
			Msg("Loaded the mutual-aid book from its snapshot")
		return
	}
	log.Info().Int("replayed", l.Replayed).Str("why", l.Why).Dur("took", l.Took).
		Msg("Loaded the mutual-aid book by replaying every op")
}
