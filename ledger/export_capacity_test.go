package ledger

// CapacityFlowForTest is Capacity with every path of the decomposition.
func (g *Graph) CapacityFlowForTest(u UserID, cur Currency, owed Owed) (Capacity, []FlowPath) {
	return g.capacityFlow(u, cur, owed)
}
