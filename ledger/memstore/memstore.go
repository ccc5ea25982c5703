// Package memstore keeps the ledger in memory: every store interface of
// package ledger, for tests of the ledger that need no SQL. It behaves as
// the SQL store does (the same orders, the same ENotFound errors, nested
// transactions that take back only what their own function wrote), but
// keeps nothing once the process ends. Standard library only.
package memstore

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// Store is the in-memory store. It is safe for concurrent use:
// transactions run one at a time, as SQLite's do.
type Store struct {
	mu sync.Mutex
	st state
}

// state is everything the store holds. Values are kept, never pointers, and
// slices inside them are cloned on the way in and out, so a copy of the
// maps is a snapshot.
type state struct {
	applied       map[ledger.EventID]time.Time
	actions       []action
	members       map[ledger.UserID]ledger.Member
	profiles      map[ledger.UserID]ledger.Profile
	circles       map[ledger.CircleID]ledger.Circle
	circleMembers map[membership]bool
	circleRoles   map[membership]ledger.CircleRole
	invitations   map[ledger.InvitationID]ledger.Invitation
	guarantees    map[[2]ledger.UserID]ledger.Guarantee
	blocks        map[[2]ledger.UserID]ledger.Block
	ops           map[ledger.EventID]ledger.Op
	needs         map[ledger.NeedID]ledger.Need
	promises      map[ledger.PromiseID]ledger.Promise
	statuses      map[ledger.UserID]ledger.MemberStatus
	cards         map[ledger.EventID]ledger.Card
	tokens        map[string]ledger.Token
	links         map[string]ledger.LoginLink
	sessions      map[string]ledger.Session
}

type action struct {
	user ledger.UserID
	kind string
	at   time.Time
}

type membership struct {
	circle ledger.CircleID
	user   ledger.UserID
}

// New returns an empty store.
func New() *Store {
	return &Store{st: state{
		applied:       map[ledger.EventID]time.Time{},
		members:       map[ledger.UserID]ledger.Member{},
		profiles:      map[ledger.UserID]ledger.Profile{},
		circles:       map[ledger.CircleID]ledger.Circle{},
		circleMembers: map[membership]bool{},
		circleRoles:   map[membership]ledger.CircleRole{},
		invitations:   map[ledger.InvitationID]ledger.Invitation{},
		guarantees:    map[[2]ledger.UserID]ledger.Guarantee{},
		blocks:        map[[2]ledger.UserID]ledger.Block{},
		ops:           map[ledger.EventID]ledger.Op{},
		needs:         map[ledger.NeedID]ledger.Need{},
		promises:      map[ledger.PromiseID]ledger.Promise{},
		statuses:      map[ledger.UserID]ledger.MemberStatus{},
		cards:         map[ledger.EventID]ledger.Card{},
		tokens:        map[string]ledger.Token{},
		links:         map[string]ledger.LoginLink{},
		sessions:      map[string]ledger.Session{},
	}}
}

// Stores returns the store in every role, for ledger.NewService.
func (s *Store) Stores() ledger.Stores {
	return ledger.Stores{Tx: s, Actions: s, Members: s, Circles: s, Trust: s, Aid: s, Access: s}
}

// snapshot copies the state; the values in it are never changed in place.
func (st state) snapshot() state {
	return state{
		applied: maps.Clone(st.applied), actions: slices.Clone(st.actions),
		members: maps.Clone(st.members), profiles: maps.Clone(st.profiles),
		circles: maps.Clone(st.circles), circleMembers: maps.Clone(st.circleMembers),
		circleRoles: maps.Clone(st.circleRoles),
		invitations: maps.Clone(st.invitations), guarantees: maps.Clone(st.guarantees),
		blocks: maps.Clone(st.blocks), ops: maps.Clone(st.ops), needs: maps.Clone(st.needs),
		promises: maps.Clone(st.promises), statuses: maps.Clone(st.statuses),
		cards: maps.Clone(st.cards), tokens: maps.Clone(st.tokens), links: maps.Clone(st.links),
		sessions: maps.Clone(st.sessions),
	}
}

// txKey marks a context that holds this store's transaction.
type txKey struct{ s *Store }

// InTx runs fn in one transaction: the store's lock is held throughout, and
// fn's error takes back what fn wrote (a nested call's only its own).
func (s *Store) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if ctx.Value(txKey{s}) == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		ctx = context.WithValue(ctx, txKey{s}, true)
	}
	before := s.st.snapshot()
	if err := fn(ctx); err != nil {
		s.st = before
		return err
	}
	return nil
}

// InTxWritingLast runs fn as InTx does.
func (s *Store) InTxWritingLast(ctx context.Context, fn func(ctx context.Context) error) error {
	return s.InTx(ctx, fn)
}

// with runs fn with the state, under the lock unless ctx holds the
// store's transaction (which holds it already).
func (s *Store) with(ctx context.Context, fn func(st *state)) {
	if ctx.Value(txKey{s}) == nil {
		s.mu.Lock()
		defer s.mu.Unlock()
	}
	fn(&s.st)
}

// MarkApplied records that the event was applied; fresh is false if it had
// been before.
func (s *Store) MarkApplied(ctx context.Context, evt ledger.EventID, at time.Time) (fresh bool, err error) {
	s.with(ctx, func(st *state) {
		if _, ok := st.applied[evt]; !ok {
			st.applied[evt], fresh = at, true
		}
	})
	return fresh, nil
}

// Flush does nothing: memory keeps no log.
func (s *Store) Flush(context.Context) error { return nil }

// CountActions counts the actions of kind by u at or after since.
func (s *Store) CountActions(ctx context.Context, u ledger.UserID, kind string, since time.Time) (n int, err error) {
	s.with(ctx, func(st *state) {
		for _, a := range st.actions {
			if a.user == u && a.kind == kind && !a.at.Before(since) {
				n++
			}
		}
	})
	return n, nil
}

// RecordAction records one action of kind by u at time at.
func (s *Store) RecordAction(ctx context.Context, u ledger.UserID, kind string, at time.Time) error {
	s.with(ctx, func(st *state) { st.actions = append(st.actions, action{u, kind, at}) })
	return nil
}

// get returns a copy of the value under k, or an ENotFound error with key.
func get[K comparable, V any](ctx context.Context, s *Store, m func(*state) map[K]V, k K, clone func(V) V, key string) (*V, error) {
	var v V
	var ok bool
	s.with(ctx, func(st *state) { v, ok = m(st)[k] })
	if !ok {
		return nil, ledger.Errorf(ledger.ENotFound, key)
	}
	v = clone(v)
	return &v, nil
}

// sorted returns copies of the values of m that keep says to, sorted by cmp.
func sorted[K comparable, V any](ctx context.Context, s *Store, m func(*state) map[K]V, keep func(V) bool, cmp func(a, b V) int) []V {
	var out []V
	s.with(ctx, func(st *state) {
		for _, v := range m(st) {
			if keep == nil || keep(v) {
				out = append(out, v)
			}
		}
	})
	slices.SortFunc(out, cmp)
	return out
}

func same[V any](v V) V { return v }
