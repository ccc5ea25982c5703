package ledger

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// TestGraphPatchPastReindex adds more members one guarantee at a time
// than a chain of copies numbers outside the frozen ID index, so the ID
// index is built anew on the way, and checks the copies against NewGraph.
func TestGraphPatchPastReindex(t *testing.T) {
	t.Parallel()
	id := func(i int) UserID { return UserID(fmt.Sprintf("@m%d:x", (i*7919)%(maxAdded+200))) }
	eur := Amount{Minor: 5, Currency: "EUR"}
	gs := []Guarantee{NewGuarantee(id(0), id(1), "!c:x", eur, "$e", time.Time{})}
	g := NewGraph(gs, nil)
	for i := 2; i < maxAdded+200; i++ {
		p := Amount{Minor: int64(i % 13), Currency: "EUR"}
		gs = append(gs, NewGuarantee(id(i/2), id(i), "!c:x", p, "$e", time.Time{}))
		if g = g.withGuarantee(id(i/2), id(i), p); g == nil {
			t.Fatal("withGuarantee gave up on a known currency")
		}
	}
	if len(g.added) >= maxAdded {
		t.Fatalf("%d members numbered outside the index, want the index built anew", len(g.added))
	}
	want := NewGraph(gs, nil)
	if g.Members() != want.Members() {
		t.Fatalf("Members() = %d, want %d", g.Members(), want.Members())
	}
	for i := range maxAdded + 200 {
		u := id(i)
		if g.TrustSize(u) != want.TrustSize(u) || !slices.Equal(g.Direct(u), want.Direct(u)) ||
			!slices.Equal(g.Pool(u), want.Pool(u)) || !slices.Equal(g.PledgeOf(u), want.PledgeOf(u)) {
			t.Fatalf("%s: size %+v pool %v, want %+v pool %v", u, g.TrustSize(u), g.Pool(u), want.TrustSize(u), want.Pool(u))
		}
	}
}

// TestChangeGraphOutOfOrder checks that a patch reaching the graph after
// another change that came since its transaction began drops the graph
// rather than apply what its transaction saw over a newer state.
func TestChangeGraphOutOfOrder(t *testing.T) {
	t.Parallel()
	a, b, c := UserID("@a:x"), UserID("@b:x"), UserID("@c:x")
	eur := Amount{Minor: 5, Currency: "EUR"}
	tr := &Trust{graph: NewGraph([]Guarantee{NewGuarantee(a, b, "!c:x", eur, "$e", time.Time{})}, nil)}
	vouch := func(gr *Graph) *Graph { return gr.withGuarantee(b, c, eur) }
	keep := func(gr *Graph) *Graph { return gr }

	since := tr.generation()
	tr.changeGraph(since, vouch)
	if tr.graph == nil || tr.graph.TrustSize(a).Count() != 2 {
		t.Fatalf("a patch in order: graph %v, want a's list of 2", tr.graph)
	}
	since = tr.generation()
	tr.changeGraph(tr.generation(), keep) // another change reaches the graph first
	tr.changeGraph(since, vouch)
	if tr.graph != nil {
		t.Fatal("a patch after another change since its transaction began was applied; want the graph dropped")
	}
}
