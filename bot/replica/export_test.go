package replica

// OneByOne returns opt replaying each event alone, in transactions of its
// services' own, as the rebuild did before it grouped the events at hand:
// the baseline of the benchmarks.
func OneByOne(opt Options) Options {
	opt.oneByOne = true
	return opt
}
