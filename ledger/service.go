package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrAlreadyApplied is returned by a change whose event was applied before:
// nothing changed, and the caller should not answer again.
var ErrAlreadyApplied = &Error{Code: EConflict, Key: "event.already_applied"}

// Config holds the rules' parameters.
type Config struct {
	// DefaultPledge is the pledge of a new circle and of a code given
	// outside any circle.
	DefaultPledge Amount
	// DefaultLang is the language of new members and circles.
	DefaultLang Lang
	// InviteTTL is how long a personal invitation stays open.
	InviteTTL time.Duration
	// CodeTTL is how long a one-time invitation code stays usable.
	CodeTTL time.Duration
	// SOSLimit is how many sos messages a member may send per SOSWindow.
	SOSLimit  int
	SOSWindow time.Duration
	// RemindInterval is how long a member waits before reminding the same
	// member again.
	RemindInterval time.Duration
	// Cycle says when months begin and when the monthly reminder goes out.
	Cycle CycleConfig
	// CodeKey, when set, derives each one-time invitation code from the
	// event that asked for it (HMAC-SHA256), so that a rebuild from the
	// rooms makes the same codes; keep it secret and stable (the bot uses
	// its appservice token). Without it codes are random.
	CodeKey []byte
	// AidJournalOps is how many recent ops the mutual-aid book can take
	// back to apply a late op in its place: 0 means DefaultJournalOps, a
	// negative number none (every late op is a full replay).
	AidJournalOps int
	// AidSnapshotEvery is how many ops beyond the journal's reach may
	// follow the book's snapshot before Aid.Checkpoint writes a new one: 0
	// means SnapshotEvery.
	AidSnapshotEvery int
}

// snapshotEvery is the checkpoint interval AidSnapshotEvery asks for.
func (c Config) snapshotEvery() int {
	if c.AidSnapshotEvery <= 0 {
		return SnapshotEvery
	}
	return c.AidSnapshotEvery
}

// journalOps is the journal size AidJournalOps asks for.
func (c Config) journalOps() int {
	switch {
	case c.AidJournalOps == 0:
		return DefaultJournalOps
	case c.AidJournalOps < 0:
		return 0
	}
	return c.AidJournalOps
}

// DefaultConfig returns the defaults: 100 EUR, English, invitations open for
// 14 days, codes for 7 days, 3 sos messages a day, one reminder to the same
// member per 12 hours.
func DefaultConfig() Config {
	return Config{
		DefaultPledge: Amount{Minor: 10000, Currency: "EUR"},
		DefaultLang:   LangEN,
		InviteTTL:     14 * 24 * time.Hour,
		CodeTTL:       7 * 24 * time.Hour,
		SOSLimit:      3,
		SOSWindow:     24 * time.Hour,

		RemindInterval: 12 * time.Hour,
		Cycle:          CycleConfig{Location: time.UTC, RemindDays: 3},
	}
}

// Service is the rules of the trust network over the stores, one service
// per role: callers name the role they use (svc.Trust.Invite, svc.Aid.Do).
// It is safe for concurrent use.
type Service struct {
	// Members keeps member records and profiles.
	Members *Members
	// Circles keeps circles and who is in them.
	Circles *Circles
	// Trust is the trust network: invitations, guarantees, blocks.
	Trust *Trust
	// Aid is the mutual-aid ledger: ops, needs, promises, cards.
	Aid *Aid
	// access is the web and API access that Leave erases; the access
	// service (ledger/access) keeps it.
	access AccessStore

	tx    TxStore
	clock Clock
	cfg   Config
}

// NewService returns a Service over the stores, reading time from clock.
func NewService(st Stores, clock Clock, cfg Config) *Service {
	ap := Applier{tx: st.Tx, clock: clock}
	members := &Members{store: st.Members, ap: ap, clock: clock, cfg: cfg}
	return &Service{
		Members: members,
		Circles: &Circles{store: st.Circles, members: members, ap: ap, clock: clock, cfg: cfg},
		Trust: &Trust{store: st.Trust, circles: st.Circles, actions: st.Actions, members: members,
			ap: ap, cfg: cfg},
		Aid:    &Aid{store: st.Aid, circles: st.Circles, actions: st.Actions, ap: ap, clock: clock, cfg: cfg, pace: newPacer()},
		access: st.Access,
		tx:     st.Tx, clock: clock, cfg: cfg,
	}
}

// Config returns the service's configuration.
func (s *Service) Config() Config { return s.cfg }

// Now returns the service clock's time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Forget drops what the service holds in memory (the mutual-aid book, the
// trust graph), to be read back from the store on next use: the caller's
// transaction that the service's changes joined was rolled back.
func (s *Service) Forget() {
	s.Aid.forget()
	s.Trust.invalidateGraph()
}

// Applier applies actions once each: what every role service shares, the
// ledger's and its sub-packages' (access).
type Applier struct {
	tx    TxStore
	clock Clock
}

// NewApplier returns an Applier recording events in tx, reading the time
// of an action without one from clock.
func NewApplier(tx TxStore, clock Clock) Applier { return Applier{tx: tx, clock: clock} }

// Apply runs fn in one transaction after recording act's event as applied;
// an event applied before changes nothing and yields ErrAlreadyApplied.
func (a Applier) Apply(ctx context.Context, act Action, fn func(ctx context.Context) error) error {
	if act.Event == "" || act.Actor == "" {
		return fmt.Errorf("failed to apply action: %w", Errorf(EInternal, "action.incomplete"))
	}
	return a.tx.InTx(ctx, a.marked(act, fn))
}

// ApplyWritingLast is Apply for an fn whose only write is its last call to
// a store (TxStore.InTxWritingLast): the same guarantees, and on SQLite, in
// the intake's run, no savepoint.
func (a Applier) ApplyWritingLast(ctx context.Context, act Action, fn func(ctx context.Context) error) error {
	if act.Event == "" || act.Actor == "" {
		return fmt.Errorf("failed to apply action: %w", Errorf(EInternal, "action.incomplete"))
	}
	return a.tx.InTxWritingLast(ctx, a.marked(act, fn))
}

// marked returns fn preceded by act's event marked applied.
func (a Applier) marked(act Action, fn func(ctx context.Context) error) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		fresh, err := a.tx.MarkApplied(ctx, act.Event, a.At(act))
		if err != nil {
			return fmt.Errorf("failed to mark event applied: %w", err)
		}
		if !fresh {
			return ErrAlreadyApplied
		}
		return fn(ctx)
	}
}

// At is the time of an action: its event's time, or now if it has none.
func (a Applier) At(act Action) time.Time {
	if act.At.IsZero() {
		return a.clock.Now()
	}
	return act.At
}

// IsDuplicate reports whether err says the event was applied before.
func IsDuplicate(err error) bool { return errors.Is(err, ErrAlreadyApplied) }
