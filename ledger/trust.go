package ledger

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Trust is the trust network: invitations, guarantees, blocks, and the
// graph they make, kept in memory until a change invalidates it.
type Trust struct {
	store   TrustStore
	circles CircleReader
	actions ActionStore
	members *Members
	ap      Applier
	cfg     Config

	mu      sync.Mutex // guards graph, gen and loading
	graph   *Graph     // nil when it must be rebuilt
	gen     uint64     // counts invalidations
	loading *graphLoad // the load in progress, if any
}

// graphLoad is one load of the graph, which callers arriving meanwhile
// wait for; g and err are set before done is closed.
type graphLoad struct {
	gen  uint64 // the generation it began in
	done chan struct{}
	g    *Graph
	err  error
}

// applyGraph is apply for a change of the graph: once the change is
// saved, patch (if not nil) makes it to the graph in memory, else the
// graph is dropped to be loaded anew. Should the caller's transaction that
// the change joined roll back later, Service.Forget drops the graph.
func (s *Trust) applyGraph(ctx context.Context, act Action, fn func(ctx context.Context) error, patch func(*Graph) *Graph) error {
	since := s.generation()
	err := s.ap.Apply(ctx, act, fn)
	if err == nil {
		s.changeGraph(since, patch)
	}
	return err
}

// generation returns the count of the graph's changes so far, to pass to
// changeGraph.
func (s *Trust) generation() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// changeGraph makes a saved change to the graph in memory with patch,
// which returns the changed copy of the graph it is given, or nil if it
// cannot make the change. The graph is dropped, to be loaded anew, when
// there is no patch or no graph, or when another change came since the
// generation since, read before the change's transaction began: the order
// in which concurrent changes reach the graph need not be the order of
// their transactions, and a patch knows only what its transaction saw. A
// load in progress is not kept.
func (s *Trust) changeGraph(since uint64, patch func(*Graph) *Graph) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.graph != nil && patch != nil && s.gen == since {
		s.graph = patch(s.graph)
	} else {
		s.graph = nil
	}
	s.gen++
}

func (s *Trust) invalidateGraph() { s.changeGraph(0, nil) }

// Graph returns the current trust network, loading it if a change
// invalidated it. One load runs at a time: callers arriving meanwhile wait
// for it (or for their context to end) rather than load a copy each. A
// caller who arrived after a change the load may have missed, or whose
// load failed, waits for it to end and tries again.
func (s *Trust) Graph(ctx context.Context) (*Graph, error) {
	for {
		s.mu.Lock()
		g, l, gen := s.graph, s.loading, s.gen
		mine := g == nil && l == nil
		if mine {
			l = &graphLoad{gen: gen, done: make(chan struct{})}
			s.loading = l
		}
		s.mu.Unlock()
		switch {
		case g != nil:
			return g, nil
		case mine:
			return s.load(ctx, l)
		}
		select {
		case <-l.done:
			if l.err == nil && l.gen == gen {
				return l.g, nil
			}
		case <-ctx.Done():
			return nil, fmt.Errorf("failed to wait for the trust graph: %w", ctx.Err())
		}
	}
}

// load runs l, keeping the graph unless a change came since l began.
// Waiters are released however the load ends, a panic included.
func (s *Trust) load(ctx context.Context, l *graphLoad) (*Graph, error) {
	l.err = fmt.Errorf("the trust graph's load did not finish")
	defer func() {
		s.mu.Lock()
		s.loading = nil
		if l.err == nil && s.gen == l.gen {
			s.graph = l.g
		}
		s.mu.Unlock()
		close(l.done)
	}()
	l.g, l.err = LoadGraph(ctx, s.store)
	return l.g, l.err
}

// TrustListOf returns a member's trust list.
func (s *Trust) TrustListOf(ctx context.Context, u UserID) (TrustList, error) {
	g, err := s.Graph(ctx)
	if err != nil {
		return TrustList{}, err
	}
	return g.TrustList(u), nil
}

// TrustSizeOf returns how many members a member's trust list holds, in
// constant time once the graph is loaded.
func (s *Trust) TrustSizeOf(ctx context.Context, u UserID) (TrustSize, error) {
	g, err := s.Graph(ctx)
	if err != nil {
		return TrustSize{}, err
	}
	return g.TrustSize(u), nil
}

// DirectOf returns a member's direct guarantors, sorted by ID, without
// searching further.
func (s *Trust) DirectOf(ctx context.Context, u UserID) ([]UserID, error) {
	g, err := s.Graph(ctx)
	if err != nil {
		return nil, err
	}
	return g.Direct(u), nil
}

// TrustListHeadOf returns the first n members of each part of a member's
// trust list, and the size of the whole list (Graph.TrustListHead).
func (s *Trust) TrustListHeadOf(ctx context.Context, u UserID, n int) (TrustList, TrustSize, error) {
	g, err := s.Graph(ctx)
	if err != nil {
		return TrustList{}, TrustSize{}, err
	}
	t, size := g.TrustListHead(u, n)
	return t, size, nil
}

// Chain returns the shortest chain of guarantees from one member to another,
// both ends included.
func (s *Trust) Chain(ctx context.Context, from, to UserID) ([]UserID, error) {
	if from == to {
		return nil, Errorf(EInvalid, "chain.self")
	}
	g, err := s.Graph(ctx)
	if err != nil {
		return nil, err
	}
	c := g.Chain(from, to)
	if c == nil {
		return nil, Errorf(ENotFound, "chain.none", to)
	}
	return c, nil
}

// PoolReport is the pool of a member's trust list now and when they last asked.
type PoolReport struct {
	Count     int
	Current   []Amount
	Previous  []Amount // nil if the member never asked before
	PrevCount int
	PrevAt    time.Time // zero if never
}

// Pool returns the pool of the actor's trust list and remembers it, so the
// next call can say how it changed. Asking twice with the same event changes
// nothing.
func (s *Trust) Pool(ctx context.Context, act Action) (*PoolReport, error) {
	g, err := s.Graph(ctx)
	if err != nil {
		return nil, err
	}
	rep := &PoolReport{Count: g.TrustSize(act.Actor).Count(), Current: g.Pool(act.Actor)}
	// Its one write is the member's record, last (the event's applied mark
	// aside): ApplyWritingLast.
	err = s.ap.ApplyWritingLast(ctx, act, func(ctx context.Context) error {
		m, _, err := s.members.memberOrNew(ctx, act.Actor)
		if err != nil {
			return err
		}
		if !m.PoolSeenAt.IsZero() {
			rep.Previous, rep.PrevCount, rep.PrevAt = m.PoolSeen, m.PoolSeenCount, m.PoolSeenAt
			if rep.Previous == nil {
				rep.Previous = []Amount{}
			}
		}
		m.PoolSeen, m.PoolSeenCount, m.PoolSeenAt = rep.Current, rep.Count, s.ap.At(act)
		return s.members.store.PutMember(ctx, m)
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// BlockResult says who a block or unblock concerns.
type BlockResult struct {
	// HadGuarantee is true when the two members had a guarantee that the
	// block cuts (or the unblock restores).
	HadGuarantee bool
	// Tell are the members directly connected to the actor (the target
	// included when they had a guarantee), to be told of the change.
	Tell []UserID
}

// Block cuts the actor's guarantee with target; target can no longer invite
// the actor directly.
func (s *Trust) Block(ctx context.Context, act Action, target UserID) (*BlockResult, error) {
	if target == act.Actor {
		return nil, Errorf(EInvalid, "block.self")
	}
	g, err := s.Graph(ctx)
	if err != nil {
		return nil, err
	}
	res := blockResult(g, act.Actor, target)
	err = s.applyGraph(ctx, act, func(ctx context.Context) error {
		if blocked, err := s.isBlocked(ctx, act.Actor, target); err != nil || blocked {
			if err == nil {
				err = Errorf(EConflict, "block.already", target)
			}
			return err
		}
		return s.store.PutBlock(ctx, Block{Blocker: act.Actor, Blocked: target, CreatedBy: act.Event, CreatedAt: s.ap.At(act)})
	}, func(gr *Graph) *Graph {
		if gr.linked(act.Actor, target) {
			return nil // it cuts an edge, which may split a component
		}
		return gr // it cuts nothing the graph counts
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Unblock lifts the actor's block of target, restoring their guarantee if
// they had one and target does not block the actor.
func (s *Trust) Unblock(ctx context.Context, act Action, target UserID) (*BlockResult, error) {
	err := s.applyGraph(ctx, act, func(ctx context.Context) error {
		blocked, err := s.isBlocked(ctx, act.Actor, target)
		if err != nil {
			return err
		}
		if !blocked {
			return Errorf(EConflict, "block.not_blocked", target)
		}
		return s.store.DeleteBlock(ctx, act.Actor, target)
	}, nil)
	if err != nil {
		return nil, err
	}
	g, err := s.Graph(ctx)
	if err != nil {
		return nil, err
	}
	return blockResult(g, act.Actor, target), nil
}

// blockResult lists the actor's direct guarantors in g and whether target
// is one of them.
func blockResult(g *Graph, actor, target UserID) *BlockResult {
	res := &BlockResult{Tell: g.Direct(actor)}
	for _, d := range res.Tell {
		if d == target {
			res.HadGuarantee = true
		}
	}
	return res
}

func (s *Trust) isBlocked(ctx context.Context, blocker, blocked UserID) (bool, error) {
	return s.anyBlock(ctx, func(b Block) bool { return b.Blocker == blocker && b.Blocked == blocked })
}

// blockedEither reports whether x blocks y or y blocks x.
func (s *Trust) blockedEither(ctx context.Context, x, y UserID) (bool, error) {
	return s.anyBlock(ctx, func(b Block) bool {
		return (b.Blocker == x && b.Blocked == y) || (b.Blocker == y && b.Blocked == x)
	})
}

// anyBlock reports whether some block is one that match accepts.
func (s *Trust) anyBlock(ctx context.Context, match func(Block) bool) (bool, error) {
	bs, err := s.store.Blocks(ctx)
	if err != nil {
		return false, fmt.Errorf("failed to load blocks: %w", err)
	}
	return slices.ContainsFunc(bs, match), nil
}

// SOS checks that the actor may send an sos message now, records it against
// their rate limit, and returns the trust list to send it to.
func (s *Trust) SOS(ctx context.Context, act Action) (TrustList, error) {
	g, err := s.Graph(ctx)
	if err != nil {
		return TrustList{}, err
	}
	if g.TrustSize(act.Actor).Count() == 0 {
		return TrustList{}, Errorf(EConflict, "sos.empty")
	}
	err = s.ap.Apply(ctx, act, func(ctx context.Context) error {
		since := s.ap.At(act).Add(-s.cfg.SOSWindow)
		n, err := s.actions.CountActions(ctx, act.Actor, "sos", since)
		if err != nil {
			return fmt.Errorf("failed to count sos messages: %w", err)
		}
		if n >= s.cfg.SOSLimit {
			return Errorf(ERateLimited, "sos.rate_limited", s.cfg.SOSLimit, int(s.cfg.SOSWindow.Hours()))
		}
		return s.actions.RecordAction(ctx, act.Actor, "sos", s.ap.At(act))
	})
	if err != nil {
		return TrustList{}, err
	}
	return g.TrustList(act.Actor), nil
}
