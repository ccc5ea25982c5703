package ledger_test

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
)

func kEUR(m int64) ledger.Amount { return ledger.Amount{Minor: m, Currency: "EUR"} }

func kPledge(member string, a ledger.Amount) ledger.KassaPledge {
	return ledger.KassaPledge{Member: ledger.UserID(member), Max: a}
}

// render writes shares as "@a=3 @b=2" for compact comparison.
func kRender(shares []ledger.Share) string {
	s := ""
	for i, sh := range shares {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%s=%d", sh.Member, sh.Amount.Minor)
	}
	return s
}

func TestSplitClaimKassaTable(t *testing.T) {
	jpy := func(m int64) ledger.Amount { return ledger.Amount{Minor: m, Currency: "JPY"} }
	tests := []struct {
		name    string
		claim   ledger.Amount
		pledges []ledger.KassaPledge
		want    string
		missing int64
	}{
		{"even split", kEUR(300), []ledger.KassaPledge{kPledge("@c", kEUR(500)), kPledge("@a", kEUR(500)), kPledge("@b", kEUR(500))}, "@a=100 @b=100 @c=100", 0},
		{"remainder tie to smallest ID", kEUR(100), []ledger.KassaPledge{kPledge("@c", kEUR(500)), kPledge("@b", kEUR(500)), kPledge("@a", kEUR(500))}, "@a=34 @b=33 @c=33", 0},
		{"two-way tie", kEUR(102), []ledger.KassaPledge{kPledge("@b", kEUR(100)), kPledge("@a", kEUR(100)), kPledge("@c", kEUR(200))}, "@a=26 @b=25 @c=51", 0},
		{"largest remainder wins", kEUR(5), []ledger.KassaPledge{kPledge("@a", kEUR(1)), kPledge("@b", kEUR(2)), kPledge("@c", kEUR(4))}, "@a=1 @b=1 @c=3", 0},
		{"zero shares omitted", kEUR(1), []ledger.KassaPledge{kPledge("@a", kEUR(1)), kPledge("@b", kEUR(1)), kPledge("@c", kEUR(1))}, "@a=1", 0},
		{"claim equals sum", kEUR(700), []ledger.KassaPledge{kPledge("@a", kEUR(200)), kPledge("@b", kEUR(500))}, "@a=200 @b=500", 0},
		{"claim above sum", kEUR(1000), []ledger.KassaPledge{kPledge("@a", kEUR(200)), kPledge("@b", kEUR(500))}, "@a=200 @b=500", 300},
		{"single member", kEUR(4999), []ledger.KassaPledge{kPledge("@a", kEUR(5000))}, "@a=4999", 0},
		{"single member capped", kEUR(6000), []ledger.KassaPledge{kPledge("@a", kEUR(5000))}, "@a=5000", 1000},
		{"one huge max", kEUR(1000), []ledger.KassaPledge{kPledge("@a", kEUR(1)), kPledge("@b", kEUR(1)), kPledge("@z", kEUR(ledger.MaxMinor("EUR")))}, "@z=1000", 0},
		{"JPY exponent 0", jpy(10000), []ledger.KassaPledge{kPledge("@a", jpy(3000)), kPledge("@b", jpy(3000)), kPledge("@c", jpy(3000))}, "@a=3000 @b=3000 @c=3000", 1000},
		{"JPY under sum", jpy(1000), []ledger.KassaPledge{kPledge("@a", jpy(3000)), kPledge("@b", jpy(3000)), kPledge("@c", jpy(3000))}, "@a=334 @b=333 @c=333", 0},
		{"skips other currency and non-positive", kEUR(15), []ledger.KassaPledge{kPledge("@a", kEUR(10)), kPledge("@b", jpy(1000)), kPledge("@c", kEUR(0)), kPledge("@d", kEUR(-5)), kPledge("@e", kEUR(20))}, "@a=5 @e=10", 0},
		{"no pledges", kEUR(90), nil, "", 90},
		{"sum beyond 2^64", kEUR(10), []ledger.KassaPledge{kPledge("@a", kEUR(math.MaxInt64)), kPledge("@b", kEUR(math.MaxInt64)), kPledge("@c", kEUR(math.MaxInt64))}, "@a=4 @b=3 @c=3", 0},
		{"sum beyond 2^64, claim at max", kEUR(math.MaxInt64), []ledger.KassaPledge{kPledge("@a", kEUR(math.MaxInt64)), kPledge("@b", kEUR(math.MaxInt64)), kPledge("@c", kEUR(math.MaxInt64))}, "@a=3074457345618258603 @b=3074457345618258602 @c=3074457345618258602", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shares, missing, err := ledger.SplitClaim(tt.claim, tt.pledges)
			if err != nil {
				t.Fatal(err)
			}
			if got := kRender(shares); got != tt.want || missing.Minor != tt.missing || missing.Currency != tt.claim.Currency {
				t.Errorf("got %q missing %v; want %q missing %d", got, missing, tt.want, tt.missing)
			}
		})
	}
}

func TestSplitClaimKassaErrors(t *testing.T) {
	for _, c := range []int64{0, -1} {
		_, _, err := ledger.SplitClaim(kEUR(c), []ledger.KassaPledge{kPledge("@a", kEUR(10))})
		if e := ledger.AsError(err); e == nil || e.Code != ledger.EInvalid || e.Key != "kassa.claim_not_positive" {
			t.Errorf("claim %d: err = %v", c, err)
		}
	}
	_, _, err := ledger.SplitClaim(kEUR(5), []ledger.KassaPledge{kPledge("@a", kEUR(10)), kPledge("@a", kEUR(20))})
	if e := ledger.AsError(err); e == nil || e.Key != "kassa.duplicate_pledge" {
		t.Errorf("duplicate: err = %v", err)
	}
	committed := map[ledger.UserID]ledger.Amount{"@a": kEUR(6), "@b": kEUR(6)}
	_, _, err = ledger.Redistribute(kEUR(10), []ledger.KassaPledge{kPledge("@c", kEUR(10))}, committed, nil)
	if e := ledger.AsError(err); e == nil || e.Key != "kassa.overcommitted" {
		t.Errorf("overcommitted: err = %v", err)
	}
	committed = map[ledger.UserID]ledger.Amount{"@a": {Minor: 6, Currency: "USD"}}
	_, _, err = ledger.Redistribute(kEUR(10), nil, committed, nil)
	if e := ledger.AsError(err); e == nil || e.Key != "kassa.bad_commitment" {
		t.Errorf("bad commitment: err = %v", err)
	}
}

func TestRedistributeKassaTable(t *testing.T) {
	pledges := []ledger.KassaPledge{kPledge("@a", kEUR(100)), kPledge("@b", kEUR(100)), kPledge("@c", kEUR(100)), kPledge("@d", kEUR(50))}
	committed := map[ledger.UserID]ledger.Amount{"@a": kEUR(40), "@z": kEUR(10)}
	declined := map[ledger.UserID]bool{"@b": true}
	shares, missing, err := ledger.Redistribute(kEUR(200), pledges, committed, declined)
	if err != nil {
		t.Fatal(err)
	}
	// Remainder 150 over @c (100) and @d (50): both capped, nothing missing.
	if got := kRender(shares); got != "@a=40 @c=100 @d=50 @z=10" || missing.Minor != 0 {
		t.Errorf("got %q missing %v", got, missing)
	}
	shares, missing, _ = ledger.Redistribute(kEUR(300), pledges, committed, declined)
	if got := kRender(shares); got != "@a=40 @c=100 @d=50 @z=10" || missing.Minor != 100 {
		t.Errorf("got %q missing %v", got, missing)
	}
}

// checkSplit asserts the invariants of a split of claim among the eligible
// pledges ps (unique members, positive maxima in the claim's currency).
func kassaCheckSplit(t *testing.T, claim int64, ps []ledger.KassaPledge, shares []ledger.Share, missing int64) {
	t.Helper()
	maxOf := map[ledger.UserID]int64{}
	var sum big.Int
	for _, p := range ps {
		maxOf[p.Member] = p.Max.Minor
		sum.Add(&sum, big.NewInt(p.Max.Minor))
	}
	total := missing
	bound := !sum.IsInt64() || claim <= sum.Int64() // no cap binds
	for i, s := range shares {
		if i > 0 && shares[i-1].Member >= s.Member {
			t.Fatalf("shares not sorted by member: %v", shares)
		}
		m, ok := maxOf[s.Member]
		if !ok || s.Amount.Minor <= 0 || s.Amount.Minor > m || s.Amount.Currency != "EUR" {
			t.Fatalf("share %v outside (0, %d]", s, m)
		}
		total += s.Amount.Minor
		if bound { // |share·Σmax − claim·max| < Σmax
			d := new(big.Int).Mul(big.NewInt(s.Amount.Minor), &sum)
			d.Sub(d, new(big.Int).Mul(big.NewInt(claim), big.NewInt(m)))
			if d.Abs(d).Cmp(&sum) >= 0 {
				t.Fatalf("share %v off the exact %d·%d/%v by a unit or more", s, claim, m, &sum)
			}
		}
	}
	if total != claim {
		t.Fatalf("Σshares + missing = %d, want %d", total, claim)
	}
	wantMissing := int64(0)
	if !bound {
		wantMissing = claim - sum.Int64()
	}
	if missing != wantMissing {
		t.Fatalf("missing %d, want %d (Σmax %v)", missing, wantMissing, &sum)
	}
}

func kassaRandomPledges(r *rand.Rand) []ledger.KassaPledge {
	n := r.IntN(51)
	ps := make([]ledger.KassaPledge, n)
	for i := range ps {
		var m int64
		switch r.IntN(5) {
		case 0:
			m = 1 + r.Int64N(10)
		case 4:
			m = math.MaxInt64 - r.Int64N(1_000_000) // Σmax beyond 2⁶⁴: the math/big path
		case 1:
			m = 1 + r.Int64N(100_000)
		case 2:
			m = 1 + r.Int64N(ledger.MaxMinor("EUR"))
		default:
			m = 1 + r.Int64N(math.MaxInt64/64) // large enough for Σmax beyond 2⁶³
		}
		ps[i] = kPledge(fmt.Sprintf("@m%03d:x", r.IntN(1000)+i*1000), kEUR(m))
	}
	return ps
}

func kassaRandomClaim(r *rand.Rand, ps []ledger.KassaPledge) int64 {
	if r.IntN(3) == 0 || len(ps) == 0 {
		return 1 + r.Int64N(math.MaxInt64-1)
	}
	if m := ps[r.IntN(len(ps))].Max.Minor; m < math.MaxInt64/3 {
		return 1 + r.Int64N(m*3)
	}
	return 1 + r.Int64N(math.MaxInt64-1)
}

func TestSplitClaimKassaProperties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range sized(20_000, 3_000) {
		ps := kassaRandomPledges(r)
		claim := kassaRandomClaim(r, ps)
		shares, missing, err := ledger.SplitClaim(kEUR(claim), ps)
		if err != nil {
			t.Fatal(err)
		}
		kassaCheckSplit(t, claim, ps, shares, missing.Minor)
		shuffled := append([]ledger.KassaPledge(nil), ps...)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		again, missing2, _ := ledger.SplitClaim(kEUR(claim), shuffled)
		if !reflect.DeepEqual(shares, again) || missing != missing2 {
			t.Fatalf("order dependent: %v vs %v", shares, again)
		}
	}
}

func TestRedistributeKassaProperties(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range sized(20_000, 3_000) {
		ps := kassaRandomPledges(r)
		claim := kassaRandomClaim(r, ps)
		committed := map[ledger.UserID]ledger.Amount{}
		declined := map[ledger.UserID]bool{}
		var rest []ledger.KassaPledge
		left := claim
		for _, p := range ps {
			switch r.IntN(4) {
			case 0:
				declined[p.Member] = true
			case 1:
				c := min(left, r.Int64N(p.Max.Minor+1))
				committed[p.Member] = kEUR(c)
				left -= c
				if c == 0 {
					rest = append(rest, p)
				}
			default:
				rest = append(rest, p)
			}
		}
		shares, missing, err := ledger.Redistribute(kEUR(claim), ps, committed, declined)
		if err != nil {
			t.Fatal(err)
		}
		var others []ledger.Share
		for _, s := range shares {
			switch c, ok := committed[s.Member]; {
			case ok && c.Minor > 0:
				if s.Amount != c {
					t.Fatalf("committed %s changed: %v, want %v", s.Member, s.Amount, c)
				}
				delete(committed, s.Member)
			case declined[s.Member]:
				t.Fatalf("declined %s got %v", s.Member, s.Amount)
			default:
				others = append(others, s)
			}
		}
		for m, c := range committed {
			if c.Minor > 0 {
				t.Fatalf("committed %s missing from shares", m)
			}
		}
		if left == 0 {
			if len(others) != 0 || missing.Minor != 0 {
				t.Fatalf("nothing left, yet %v missing %v", others, missing)
			}
			continue
		}
		kassaCheckSplit(t, left, rest, others, missing.Minor)
	}
}

func BenchmarkSplitClaim(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	ps := make([]ledger.KassaPledge, 100_000)
	ids := r.Perm(len(ps))
	var sum int64
	for i := range ps {
		ps[i] = kPledge(fmt.Sprintf("@member%06d:example.org", ids[i]), kEUR(1+r.Int64N(ledger.MaxMinor("EUR"))))
		sum += ps[i].Max.Minor
	}
	claim := kEUR(sum/3 + 7)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ledger.SplitClaim(claim, ps); err != nil {
			b.Fatal(err)
		}
	}
}
