package ledger

import (
	"context"
	"fmt"
	"slices"
)

// CircleHealth returns the health of circle c for asker, who must be one
// of its members (EForbidden otherwise): the figures of the commitments
// toward the circle's needs (its members' own, and the initiatives and
// claims posted in it, as CircleLedger holds them), against the pool of
// its members' pledges.
func (s *Service) CircleHealth(ctx context.Context, asker UserID, c CircleID) (*Health, error) {
	l, err := s.Aid.CircleLedger(ctx, c)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(l.Members, asker) {
		return nil, Errorf(EForbidden, "health.not_member")
	}
	g, err := s.Trust.Graph(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to read the trust graph: %w", err)
	}
	sums := map[Currency]int64{}
	for _, m := range l.Members {
		for _, a := range g.PledgeOf(m) {
			sums[a.Currency] += a.Minor
		}
	}
	ps := make([]*Promise, len(l.Promises))
	for i := range l.Promises {
		ps[i] = &l.Promises[i]
	}
	h := HealthOf(ps, sortedAmounts(sums), s.clock.Now(), s.cfg.Cycle.loc())
	return &h, nil
}

// MemberHealth returns the health of member u's own commitments (those u
// gave) for asker: u themself, or a member who shares a circle with u
// (EForbidden otherwise, as a circle mate's needs are seen and no one
// else's). The pool is u's own pledge.
func (s *Service) MemberHealth(ctx context.Context, asker, u UserID) (*Health, error) {
	if asker != u {
		if err := s.Aid.checkSharedCircle(ctx, asker, u); err != nil {
			if AsError(err) != nil {
				return nil, Errorf(EForbidden, "health.not_shared", u)
			}
			return nil, err
		}
	}
	g, err := s.Trust.Graph(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to read the trust graph: %w", err)
	}
	var h Health
	err = s.Aid.View(ctx, func(b *Book) error {
		h = HealthOf(b.PromisesBy(u), g.PledgeOf(u), s.clock.Now(), s.cfg.Cycle.loc())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("failed to read the member's promises: %w", err)
	}
	return &h, nil
}
