package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"
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

// Service applies the rules of the trust network to the store. It is safe
// for concurrent use.
type Service struct {
	store Store
	clock Clock
	cfg   Config

	mu    sync.Mutex
	graph *Graph // nil when it must be rebuilt

	aidMu sync.Mutex // serialises the mutual-aid ledger
	book  *Book      // nil until loaded, or when it must be reloaded
}

// NewService returns a Service over store, reading time from clock.
func NewService(store Store, clock Clock, cfg Config) *Service {
	return &Service{store: store, clock: clock, cfg: cfg}
}

// Config returns the service's configuration.
func (s *Service) Config() Config { return s.cfg }

// Now returns the service clock's time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// apply runs fn in one transaction after recording act's event as applied;
// an event applied before changes nothing and yields ErrAlreadyApplied.
func (s *Service) apply(ctx context.Context, act Action, graphChanges bool, fn func(ctx context.Context) error) error {
	if act.Event == "" || act.Actor == "" {
		return fmt.Errorf("failed to apply action: %w", Errorf(EInternal, "action.incomplete"))
	}
	err := s.store.InTx(ctx, func(ctx context.Context) error {
		fresh, err := s.store.MarkApplied(ctx, act.Event, s.at(act))
		if err != nil {
			return fmt.Errorf("failed to mark event applied: %w", err)
		}
		if !fresh {
			return ErrAlreadyApplied
		}
		return fn(ctx)
	})
	if err == nil && graphChanges {
		s.invalidateGraph()
	}
	return err
}

// at is the time of an action: its event's time, or now if it has none.
func (s *Service) at(act Action) time.Time {
	if act.At.IsZero() {
		return s.clock.Now()
	}
	return act.At
}

func (s *Service) invalidateGraph() {
	s.mu.Lock()
	s.graph = nil
	s.mu.Unlock()
}

// Graph returns the current trust network.
func (s *Service) Graph(ctx context.Context) (*Graph, error) {
	s.mu.Lock()
	g := s.graph
	s.mu.Unlock()
	if g != nil {
		return g, nil
	}
	gs, err := s.store.Guarantees(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to load guarantees: %w", err)
	}
	bs, err := s.store.Blocks(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to load blocks: %w", err)
	}
	g = NewGraph(gs, bs)
	s.mu.Lock()
	s.graph = g
	s.mu.Unlock()
	return g, nil
}

// Member returns the member, creating a record with defaults for a user the
// bot has not seen before.
func (s *Service) Member(ctx context.Context, u UserID) (*Member, error) {
	m, err := s.store.GetMember(ctx, u)
	if err == nil {
		return m, nil
	}
	if ErrorCode(err) != ENotFound {
		return nil, fmt.Errorf("failed to get member: %w", err)
	}
	m = &Member{ID: u, CreatedAt: s.clock.Now()}
	if err := s.store.PutMember(ctx, m); err != nil {
		return nil, fmt.Errorf("failed to create member: %w", err)
	}
	return m, nil
}

// LangOf returns the member's language, or the default if they chose none.
func (s *Service) LangOf(ctx context.Context, u UserID) Lang {
	m, err := s.store.GetMember(ctx, u)
	if err != nil || m.Lang == "" {
		return s.cfg.DefaultLang
	}
	return m.Lang
}

// SetLang sets the language a member reads in.
func (s *Service) SetLang(ctx context.Context, act Action, l Lang) error {
	if _, ok := ParseLang(string(l)); !ok {
		return Errorf(EInvalid, "cmd.bad_lang", string(l))
	}
	return s.apply(ctx, act, false, func(ctx context.Context) error {
		m, err := s.Member(ctx, act.Actor)
		if err != nil {
			return err
		}
		m.Lang, m.LangChosen = l, true
		return s.store.PutMember(ctx, m)
	})
}

// InferLang sets the member's language to that of the words they type,
// unless they chose one with `lang`.
func (s *Service) InferLang(ctx context.Context, u UserID, l Lang) error {
	m, err := s.Member(ctx, u)
	if err != nil || m.LangChosen || m.Lang == l || l == "" {
		return err
	}
	m.Lang = l
	return s.store.PutMember(ctx, m)
}

// DirectRoomOf returns the bot's direct chat with a member, or "" (it does
// not create a member record).
func (s *Service) DirectRoomOf(ctx context.Context, u UserID) RoomID {
	m, err := s.store.GetMember(ctx, u)
	if err != nil {
		return ""
	}
	return m.DirectRoom
}

// SetDirectRoom records the bot's direct chat with a member.
func (s *Service) SetDirectRoom(ctx context.Context, u UserID, room RoomID) error {
	return s.store.InTx(ctx, func(ctx context.Context) error {
		m, err := s.Member(ctx, u)
		if err != nil {
			return err
		}
		m.DirectRoom = room
		return s.store.PutMember(ctx, m)
	})
}

// IsDuplicate reports whether err says the event was applied before.
func IsDuplicate(err error) bool { return errors.Is(err, ErrAlreadyApplied) }
