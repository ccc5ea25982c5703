package ledger_test

import "github.com/exodus-matrix/exodus/ledger"

// The reference model of partial fulfilment (book_partial.go).

// doSent marks all that is left of p sent, or the amount typed of it.
func (m *refModel) doSent(p *ledger.Promise, op ledger.Op) string {
	rest := p.Amount.Minor - p.SentMinor
	a := rest
	if !op.Amount.IsZero() {
		switch {
		case op.Amount.Currency != p.Amount.Currency:
			return "promise.currency"
		case op.Amount.Minor <= 0:
			return "amount.zero"
		case op.Amount.Minor > rest:
			return "promise.over_sent"
		}
		a = op.Amount.Minor
	}
	p.SentMinor += a
	touch(p, partState(p), op)
	return ""
}

// partState is the state of a commitment by what of it was sent and
// confirmed.
func partState(p *ledger.Promise) ledger.PromiseState {
	switch {
	case p.GotMinor >= p.Amount.Minor:
		return ledger.PromiseFulfilled
	case p.SentMinor >= p.Amount.Minor:
		return ledger.PromiseSent
	}
	return ledger.PromiseCommitment
}
