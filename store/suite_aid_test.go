package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// aidRows reads the needs, promises and statuses tables, one line a row,
// in byte order of the key; the kassa maxima follow the statuses.
func aidRows(t *testing.T, s *store.Store) (needs, promises, statuses []string) {
	t.Helper()
	ctx := context.Background()
	read := func(q string, n int) []string {
		rows, err := s.DB().Query(ctx, q)
		must(t, err)
		defer rows.Close()
		var out []string
		for rows.Next() {
			vals := make([]any, n)
			ptrs := make([]any, n)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			must(t, rows.Scan(ptrs...))
			line := make([]string, n)
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				line[i] = fmt.Sprint(v)
			}
			out = append(out, strings.Join(line, "|"))
		}
		must(t, rows.Err())
		sort.Strings(out)
		return out
	}
	needs = read(`SELECT need_id, kind, owner, target_minor, target_currency, deadline, state,
		opened_at, closed_at, closed_by FROM needs`, 10)
	promises = read(`SELECT promise_id, need_id, giver, beneficiary, amount_minor, currency, state,
		reaction, CASE WHEN overdue THEN 1 ELSE 0 END, created_at, updated_at, updated_by FROM promises`, 12)
	statuses = read(`SELECT user_id, status, previous, need_id, changed_at FROM statuses`, 5)
	kassa := read(`SELECT 'kassa', user_id, circle_id, max_minor, currency FROM kassa_maxima`, 5)
	return needs, promises, append(statuses, kassa...)
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func needRow(n *ledger.Need) string {
	return fmt.Sprintf("%s|%s|%s|%d|%s|%d|%s|%d|%d|%s", n.ID, n.Kind, n.Owner, n.Target.Minor, n.Target.Currency,
		ms(n.Deadline), n.State, ms(n.OpenedAt), ms(n.ClosedAt), n.ClosedBy)
}

func promiseRow(p *ledger.Promise) string {
	overdue := 0
	if p.Overdue {
		overdue = 1
	}
	return fmt.Sprintf("%s|%s|%s|%s|%d|%s|%s|%s|%d|%d|%d|%s", p.ID, p.Need, p.Giver, p.Beneficiary, p.Amount.Minor,
		p.Amount.Currency, p.State, p.Reaction, overdue, ms(p.CreatedAt), ms(p.UpdatedAt), p.UpdatedBy)
}

func statusRow(st *ledger.MemberStatus) string {
	return fmt.Sprintf("%s|%s|%s|%s|%d", st.Member, st.Status, st.Previous, st.Need, ms(st.ChangedAt))
}

// kassaRows are the rows of a status's kassa maxima, as aidRows reads them.
func kassaRows(st *ledger.MemberStatus) []string {
	var rows []string
	for _, k := range st.Kassa {
		rows = append(rows, fmt.Sprintf("kassa|%s|%s|%d|%s", st.Member, k.Circle, k.Max.Minor, k.Max.Currency))
	}
	return rows
}

func testSaveAid(t *testing.T, s *store.Store) {
	ctx := context.Background()
	red := &ledger.Need{ID: "$red", Kind: ledger.NeedRed, Owner: alice, Target: eur(300_00), Deadline: at(60 * 24 * 5),
		State: ledger.NeedClosed, OpenedAt: at(0), ClosedAt: at(30), ClosedBy: "$got"}
	orange := &ledger.Need{ID: "$Orange", Kind: ledger.NeedOrange, Owner: bob, Target: ledger.Amount{Minor: 5000, Currency: "JPY"},
		State: ledger.NeedOpen, OpenedAt: at(1)}
	p1 := &ledger.Promise{ID: "$p1", Need: red.ID, Giver: bob, Beneficiary: alice, Amount: eur(120_00),
		State: ledger.PromiseFulfilled, Reaction: "$r1", CreatedAt: at(2), UpdatedAt: at(30), UpdatedBy: "$got", Overdue: true}
	p2 := &ledger.Promise{ID: "$P2", Need: orange.ID, Giver: zed, Beneficiary: bob, Amount: ledger.Amount{Minor: 700, Currency: "JPY"},
		State: ledger.PromiseIntention, CreatedAt: at(3), UpdatedAt: at(3), UpdatedBy: "$P2"}
	s1 := &ledger.MemberStatus{Member: alice, Status: ledger.StatusGreen, ChangedAt: at(30)}
	s2 := &ledger.MemberStatus{Member: bob, Status: ledger.StatusRed, Previous: ledger.StatusOrange, Need: "$bobred", ChangedAt: at(4),
		Kassa: []ledger.KassaMax{{Circle: "", Max: eur(20_00)}, {Circle: "!c:x", Max: eur(50_00)}}}

	must(t, s.Aid.SaveAid(ctx, nil, nil, nil))
	must(t, s.Aid.SaveAid(ctx, []*ledger.Need{red, orange}, []*ledger.Promise{p1, p2}, []*ledger.MemberStatus{s1, s2}))
	rowsOf := func() []string {
		n, p, st := aidRows(t, s)
		return append(append(n, p...), st...)
	}
	want := func(ns []*ledger.Need, ps []*ledger.Promise, ss []*ledger.MemberStatus) []string {
		var n, p, st []string
		for _, x := range ns {
			n = append(n, needRow(x))
		}
		for _, x := range ps {
			p = append(p, promiseRow(x))
		}
		var kassa []string
		for _, x := range ss {
			st = append(st, statusRow(x))
			kassa = append(kassa, kassaRows(x)...)
		}
		sort.Strings(n)
		sort.Strings(p)
		sort.Strings(st)
		sort.Strings(kassa)
		return append(append(append(n, p...), st...), kassa...)
	}
	eq(t, "saved", rowsOf(), want([]*ledger.Need{red, orange}, []*ledger.Promise{p1, p2}, []*ledger.MemberStatus{s1, s2}))

	// Saving again replaces in place, whatever changed.
	orange.State, orange.Target, orange.ClosedAt, orange.ClosedBy = ledger.NeedArchived, eur(1), at(40), "$green"
	p2.State, p2.Amount, p2.Reaction, p2.UpdatedAt, p2.UpdatedBy, p2.Overdue = ledger.PromiseReleased, eur(1), "$r2", at(40), "$green", true
	s2.Status, s2.Previous, s2.Need, s2.ChangedAt = ledger.StatusGreen, "", "", at(40)
	s2.Kassa = []ledger.KassaMax{{Circle: "!c:x", Max: eur(70_00)}, {Circle: "!d:x", Max: ledger.Amount{Minor: 900, Currency: "JPY"}}}
	must(t, s.Aid.SaveAid(ctx, []*ledger.Need{orange}, []*ledger.Promise{p2}, []*ledger.MemberStatus{s2}))
	eq(t, "upserted", rowsOf(), want([]*ledger.Need{red, orange}, []*ledger.Promise{p1, p2}, []*ledger.MemberStatus{s1, s2}))
	s1.Kassa = []ledger.KassaMax{{Circle: "!c:x", Max: eur(10_00)}}
	must(t, s.Aid.SaveAid(ctx, nil, nil, []*ledger.MemberStatus{s1}))
	eq(t, "a status's maxima", rowsOf(), want([]*ledger.Need{red, orange}, []*ledger.Promise{p1, p2}, []*ledger.MemberStatus{s1, s2}))

	// Taking an op back removes what it created; unknown IDs are no error.
	must(t, s.Aid.DeleteAid(ctx, []ledger.NeedID{orange.ID, "$nothing"}, []ledger.PromiseID{p2.ID}, []ledger.UserID{bob}))
	eq(t, "deleted", rowsOf(), want([]*ledger.Need{red}, []*ledger.Promise{p1}, []*ledger.MemberStatus{s1}))
	must(t, s.Aid.DeleteAid(ctx, nil, nil, nil))

	must(t, s.Aid.ClearAid(ctx))
	eq(t, "cleared", len(rowsOf()), 0)
	must(t, s.Aid.ClearAid(ctx))

	// A rebuild: clear and save in one transaction; a failure keeps the old.
	must(t, s.Aid.SaveAid(ctx, []*ledger.Need{red}, nil, nil))
	boom := errors.New("boom")
	err := s.InTx(ctx, func(ctx context.Context) error {
		must(t, s.Aid.ClearAid(ctx))
		must(t, s.Aid.SaveAid(ctx, []*ledger.Need{orange}, nil, nil))
		return boom
	})
	eq(t, "rolled back error", errors.Is(err, boom), true)
	eq(t, "after rollback", rowsOf(), want([]*ledger.Need{red}, nil, nil))
}
