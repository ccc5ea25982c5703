package ledger

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DigestVersion names the canonical form a digest hashes; it changes when
// the form does, so digests of different versions are never compared.
//
// v2: kassa maxima are per circle, one "kassa" line each (member, circle,
// maximum) after the status lines, the status line without them.
const DigestVersion = "exodus-ledger-v2"

// CircleLedger is a circle's part of the mutual-aid ledger: its members,
// their statuses (with only the kassa maxima that apply in this circle:
// declared for it, or the circle-less one of old), the needs of its
// members and the initiatives and claims posted in it, and every promise
// toward those needs.
type CircleLedger struct {
	Circle   CircleID
	Members  []UserID
	Statuses []MemberStatus
	Needs    []Need
	Promises []Promise
}

// CircleLedger returns a circle's part of the ledger, in canonical order
// (members, needs and promises by ID).
func (s *Aid) CircleLedger(ctx context.Context, c CircleID) (*CircleLedger, error) {
	if _, err := s.circles.GetCircle(ctx, c); err != nil {
		return nil, fmt.Errorf("failed to get the circle: %w", err)
	}
	members, err := s.circles.CircleMembers(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("failed to list the circle's members: %w", err)
	}
	l := &CircleLedger{Circle: c, Members: members}
	in := make(map[UserID]bool, len(members))
	for _, m := range members {
		in[m] = true
	}
	err = s.View(ctx, func(b *Book) error {
		for _, m := range members {
			l.Statuses = append(l.Statuses, kassaOnlyIn(b.StatusOf(m), c))
		}
		for _, n := range b.rec.needs {
			// An initiative or a claim belongs to the circle it was posted
			// in (its card is only there), even when its owner is in
			// others; a member's own need belongs to each of their circles.
			if n.Circle == c || (n.Circle == "" && in[n.Owner]) {
				l.Needs = append(l.Needs, *n)
			}
		}
		slices.SortFunc(l.Needs, func(a, b Need) int { return strings.Compare(string(a.ID), string(b.ID)) })
		for _, n := range l.Needs {
			for _, p := range b.PromisesToward(n.ID) {
				l.Promises = append(l.Promises, *p)
			}
		}
		slices.SortFunc(l.Promises, func(a, b Promise) int { return strings.Compare(string(a.ID), string(b.ID)) })
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// kassaOnlyIn keeps, of a member's kassa maxima, those that apply in
// circle c: another circle's are not this circle's part of the ledger.
func kassaOnlyIn(st MemberStatus, c CircleID) MemberStatus {
	var ks []KassaMax
	for _, k := range st.Kassa {
		if k.Circle == c || k.Circle == "" {
			ks = append(ks, k)
		}
	}
	st.Kassa = ks
	return st
}

// Canonical is the circle's ledger as text, one line per fact, fields
// separated by tabs, texts quoted: the form Digest hashes. Two bots that
// applied the same events write the same bytes.
func (l *CircleLedger) Canonical() []byte {
	var buf bytes.Buffer
	l.writeCanonical(bufio.NewWriter(&buf))
	return buf.Bytes()
}

// writeCanonical writes the canonical form to w and flushes it.
func (l *CircleLedger) writeCanonical(sb *bufio.Writer) {
	sb.WriteString(DigestVersion + "\n")
	line(sb, "circle", string(l.Circle))
	for _, m := range l.Members {
		line(sb, "member", string(m))
	}
	for _, st := range l.Statuses {
		line(sb, "status", string(st.Member), string(st.Status), string(st.Previous), string(st.Need))
	}
	for _, st := range l.Statuses {
		for _, k := range st.Kassa {
			line(sb, "kassa", string(st.Member), string(k.Circle), k.Max.String())
		}
	}
	for _, n := range l.Needs {
		line(sb, "need", string(n.ID), string(n.Kind), string(n.Owner), n.Target.String(), string(n.State),
			ms(n.Deadline), strconv.Quote(n.Title), string(n.Circle), strconv.Quote(n.Report))
	}
	for _, p := range l.Promises {
		line(sb, "promise", string(p.ID), string(p.Need), string(p.Giver), string(p.Beneficiary), p.Amount.String(),
			string(p.State), strconv.FormatBool(p.Overdue), p.Period, strconv.FormatBool(p.Cleared))
	}
	_ = sb.Flush() // the writers below never fail
}

// Digest is the SHA-256 of the canonical form, as "sha256:<hex>".
func (l *CircleLedger) Digest() string {
	h := sha256.New()
	l.writeCanonical(bufio.NewWriterSize(h, 64<<10))
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func line(w *bufio.Writer, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			_ = w.WriteByte('\t')
		}
		_, _ = w.WriteString(f)
	}
	_ = w.WriteByte('\n')
}

func ms(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

// MemberLedger is one member's own part of the ledger: their status, their
// needs, the promises they gave and the promises toward them.
type MemberLedger struct {
	Member   UserID
	Status   MemberStatus
	Needs    []Need
	Given    []Promise
	Received []Promise
}

// MemberLedger returns a member's own ledger, needs and promises by ID.
func (s *Aid) MemberLedger(ctx context.Context, u UserID) (*MemberLedger, error) {
	l := &MemberLedger{Member: u}
	err := s.View(ctx, func(b *Book) error {
		l.Status = b.StatusOf(u)
		for _, n := range b.NeedsOf(u) {
			l.Needs = append(l.Needs, *n)
		}
		for _, p := range b.PromisesBy(u) {
			l.Given = append(l.Given, *p)
		}
		for _, p := range b.PromisesTo(u) {
			l.Received = append(l.Received, *p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("failed to read the member's ledger: %w", err)
	}
	byNeed := func(a, b Need) int { return strings.Compare(string(a.ID), string(b.ID)) }
	byPromise := func(a, b Promise) int { return strings.Compare(string(a.ID), string(b.ID)) }
	slices.SortFunc(l.Needs, byNeed)
	slices.SortFunc(l.Given, byPromise)
	slices.SortFunc(l.Received, byPromise)
	return l, nil
}
