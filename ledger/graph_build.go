package ledger

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// NewGraph builds the trust network from the guarantees and blocks.
//
// An edge A-B counts only if neither A blocked B nor B blocked A
// (Block{Blocker, Blocked}). Duplicate guarantees for the same pair are one
// edge. A guarantee whose two ends are the same member is ignored entirely.
// The ends of a guarantee need not be ordered. Blocks naming a member who
// appears in no guarantee have no effect. Building takes O(E + V log V)
// time for E guarantees between V members.
func NewGraph(guarantees []Guarantee, blocks []Block) *Graph {
	b := newGraphBuilder(len(guarantees))
	for _, gu := range guarantees {
		b.Add(gu.A, gu.B, gu.Pledge)
	}
	return b.Build(blocks)
}

// GraphSource is what LoadGraph reads the trust network from.
type GraphSource interface {
	// ScanGuarantees calls fn with the ends and the pledge of every
	// guarantee.
	ScanGuarantees(ctx context.Context, fn func(a, b UserID, pledge Amount)) error
	// Blocks lists every block.
	Blocks(ctx context.Context) ([]Block, error)
}

// LoadGraph builds the trust network from src as NewGraph would, without
// holding the guarantees in memory: each is reduced to its two member
// numbers and its pledge as it is read. Reading (in the caller's goroutine)
// and numbering (in another) overlap, a few thousand guarantees at a time.
func LoadGraph(ctx context.Context, src GraphSource) (*Graph, error) {
	b := newGraphBuilder(0)
	const batch, inFlight = 4096, 4
	full, free := make(chan []scannedGuarantee, inFlight), make(chan []scannedGuarantee, inFlight)
	for range inFlight {
		free <- make([]scannedGuarantee, 0, batch)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for gs := range full {
			for _, gu := range gs {
				b.Add(gu.a, gu.b, gu.pledge)
			}
			free <- gs[:0]
		}
	}()
	gs := <-free
	err := src.ScanGuarantees(ctx, func(x, y UserID, pledge Amount) {
		if gs = append(gs, scannedGuarantee{x, y, pledge}); len(gs) == batch {
			full <- gs
			gs = <-free
		}
	})
	full <- gs
	close(full)
	<-done
	if err != nil {
		return nil, fmt.Errorf("failed to load guarantees: %w", err)
	}
	bs, err := src.Blocks(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to load blocks: %w", err)
	}
	return b.Build(bs), nil
}

// scannedGuarantee is what LoadGraph reads of a guarantee.
type scannedGuarantee struct {
	a, b   UserID
	pledge Amount
}

// graphBuilder collects guarantees one at a time for a Graph, keeping of
// each only what the graph needs: its ends as member numbers (each ID
// stored once) and its pledge. The zero value is not ready; use
// newGraphBuilder.
type graphBuilder struct {
	ids      *idIndex // ID -> number, in order of first appearance
	ends     []uint64 // per guarantee: edgeKey of its ends, or inactive
	minor    []int64  // per guarantee: its pledge
	cur      []int32  // per guarantee: its pledge's currency, -1 if none
	curIndex map[Currency]int32
	curs     []Currency // number -> currency, in order of first appearance
	lastX    UserID     // the first end of the guarantee added last
	lastNum  int32      // their number
}

// newGraphBuilder returns an empty builder with room for about hint
// guarantees.
func newGraphBuilder(hint int) *graphBuilder {
	return &graphBuilder{
		ids: newIDIndex(), curIndex: map[Currency]int32{},
		ends: make([]uint64, 0, hint), minor: make([]int64, 0, hint), cur: make([]int32, 0, hint),
	}
}

// Add records a guarantee between x and y (in either order) with its
// pledge. A guarantee of a member with themself counts for nothing, and
// neither does a pledge without a currency.
func (b *graphBuilder) Add(x, y UserID, pledge Amount) {
	key, c := uint64(inactive), int32(-1)
	if x != y {
		key = edgeKey(b.firstEnd(x), b.member(y))
		if pledge.Currency != "" {
			c = b.currency(pledge.Currency)
		}
	}
	b.ends = append(b.ends, key)
	b.minor = append(b.minor, pledge.Minor)
	b.cur = append(b.cur, c)
}

// firstEnd returns the number of x, the first end of a guarantee.
// Guarantees read in (A, B) order come with the same A several times in a
// row, so the last one is remembered.
func (b *graphBuilder) firstEnd(x UserID) int32 {
	if x != b.lastX || b.ids.n == 0 {
		b.lastX, b.lastNum = x, b.member(x)
	}
	return b.lastNum
}

// member returns u's number, numbering u if it is new.
func (b *graphBuilder) member(u UserID) int32 { return b.ids.intern(u) }

// currency returns c's number, numbering c if it is new.
func (b *graphBuilder) currency(c Currency) int32 {
	if n := len(b.curs); n > 0 && b.curs[n-1] == c {
		return int32(n - 1)
	}
	if len(b.curs) > 0 && b.curs[0] == c {
		return 0
	}
	i, ok := b.curIndex[c]
	if !ok {
		i = int32(len(b.curs))
		b.curIndex[c] = i
		b.curs = append(b.curs, c)
	}
	return i
}

// Build returns the graph of the guarantees added, with blocks applied as
// NewGraph describes. The builder must not be used afterwards.
func (b *graphBuilder) Build(blocks []Block) *Graph {
	g := &Graph{}
	b.renumber(g)
	n := len(g.ids)
	g.dropBlocked(b.ends, blocks)
	g.buildEdges(n, b.ends, b.cur, b.minor)
	*b = graphBuilder{} // free the working arrays before the components
	g.buildComponents(n)
	g.setScratch()
	return g
}

// renumber moves the members and currencies into g, numbered in ID and
// code order, and rewrites the builder's edge keys and currencies to match.
func (b *graphBuilder) renumber(g *Graph) {
	g.ids = b.ids.freeze()
	slices.Sort(g.ids)
	rank := make([]int32, len(g.ids)) // number -> index
	for r, u := range g.ids {
		t, _ := b.ids.number(u)
		rank[t] = int32(r)
	}
	g.index, g.rank, b.ids = b.ids, rank, nil
	for i, k := range b.ends {
		if k != inactive {
			x, y := edgeEnds(k)
			b.ends[i] = edgeKey(rank[x], rank[y])
		}
	}
	g.curs = slices.Sorted(slices.Values(b.curs))
	crank := make([]int32, len(b.curs))
	for i, c := range b.curs {
		crank[i] = int32(slices.Index(g.curs, c))
	}
	for i, c := range b.cur {
		if c >= 0 {
			b.cur[i] = crank[c]
		}
	}
}

// inactive marks a self-guarantee or a blocked one in the edge keys the
// builder works with.
const inactive = math.MaxUint64

// edgeKey packs an unordered pair of member indices into one key.
func edgeKey(a, b int32) uint64 { return uint64(min(a, b))<<32 | uint64(uint32(max(a, b))) }

// edgeEnds unpacks an edge key.
func edgeEnds(k uint64) (a, b int32) { return int32(k >> 32), int32(uint32(k)) }
