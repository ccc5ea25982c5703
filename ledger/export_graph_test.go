package ledger

import "context"

// AddGuaranteeForTest saves g as an accepted invitation does, in act's
// event, and makes the same change to the graph in memory.
func (s *Trust) AddGuaranteeForTest(ctx context.Context, act Action, g Guarantee) error {
	var patch func(*Graph) *Graph
	return s.applyGraph(ctx, act, func(ctx context.Context) error {
		_, err := s.addGuarantee(ctx, g, &patch)
		return err
	}, func(gr *Graph) *Graph { return patch(gr) })
}

// WithGuaranteeForTest is withGuarantee, for the benchmarks.
func (g *Graph) WithGuaranteeForTest(a, b UserID, pledge Amount) *Graph {
	return g.withGuarantee(a, b, pledge)
}
