package ledger

import (
	"context"
	"fmt"
)

// KassaFund is the kassa of one circle as one member sees it: the maxima
// its members declared in the circle's currency, and the member's own.
type KassaFund struct {
	Circle *Circle
	// Members counts the circle's members whose maximum there is in the
	// circle's pledge currency; Total is those maxima together.
	Members int
	Total   Amount
	// Mine is the member's maximum there (zero if none); Legacy is set
	// when it is the circle-less one of old, declared before maxima were
	// per circle.
	Mine   Amount
	Legacy bool
	// Asked is what the member was asked this month on the circle's
	// claims, and Left what is left of Mine (both in Mine's currency).
	Asked, Left Amount
}

// KassaFunds returns the kassa of each of u's circles, in the order of
// CirclesOf; only, if not empty, keeps that circle's alone (it must be one
// of theirs).
func (s *Aid) KassaFunds(ctx context.Context, u UserID, only CircleID) ([]KassaFund, error) {
	ids, err := s.circles.CirclesOf(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("failed to list circles: %w", err)
	}
	var funds []KassaFund
	members := map[CircleID][]UserID{}
	for _, id := range ids {
		if only != "" && id != only {
			continue
		}
		c, err := s.circles.GetCircle(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("failed to get circle: %w", err)
		}
		if members[id], err = s.circles.CircleMembers(ctx, id); err != nil {
			return nil, fmt.Errorf("failed to list the circle's members: %w", err)
		}
		funds = append(funds, KassaFund{Circle: c})
	}
	err = s.View(ctx, func(b *Book) error {
		for i := range funds {
			b.fillFund(&funds[i], members[funds[i].Circle.ID], u)
		}
		return nil
	})
	return funds, err
}

// fillFund computes a circle's kassa figures from its members' maxima.
func (b *Book) fillFund(f *KassaFund, members []UserID, u UserID) {
	c, cur := f.Circle.ID, f.Circle.Pledge.Currency
	f.Total = Amount{Currency: cur}
	for _, m := range members {
		st, ok := b.rec.statuses[m]
		if !ok {
			continue
		}
		if limit, _ := st.KassaIn(c); limit.Minor > 0 && limit.Currency == cur {
			f.Members++
			f.Total.Minor += limit.Minor
		}
	}
	if st, ok := b.rec.statuses[u]; ok {
		f.Mine, f.Legacy = st.KassaIn(c)
	}
	if f.Mine.Minor > 0 {
		f.Asked = b.KassaAsked(u, c)
		f.Left = Amount{max(0, f.Mine.Minor-f.Asked.Minor), f.Mine.Currency}
	}
}
