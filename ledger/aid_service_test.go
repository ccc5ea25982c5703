package ledger_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/exodus-matrix/exodus/ledger"
)

// do applies an op of u now through the service, with a fresh event.
func (w *aidWorld) do(op ledger.Op) (*ledger.Outcome, error) {
	act := w.act(op.Actor)
	op.Event, op.At = act.Event, act.At
	w.clock.Advance(time.Minute)
	return w.svc.Aid.Do(w.ctx, op)
}

// must applies an op and fails the test if it is refused.
func (w *aidWorld) must(op ledger.Op) *ledger.Outcome {
	w.t.Helper()
	out, err := w.do(op)
	if err != nil {
		w.t.Fatalf("%+v: %v", op, err)
	}
	return out
}

// status makes u orange or red (days > 0) for euros, and returns the need.
func (w *aidWorld) status(u ledger.UserID, euros int64, days int) ledger.NeedID {
	w.t.Helper()
	st := ledger.StatusOrange
	if days > 0 {
		st = ledger.StatusRed
	}
	return w.must(ledger.Op{Kind: ledger.OpStatus, Actor: u, Status: st, Amount: mEUR(euros), Days: days}).Need.ID
}

func (w *aidWorld) promise(id ledger.PromiseID) *ledger.Promise {
	w.t.Helper()
	var p *ledger.Promise
	if err := w.svc.Aid.View(w.ctx, func(b *ledger.Book) error {
		p, _ = b.Promise(id)
		return nil
	}); err != nil {
		w.t.Fatal(err)
	}
	if p == nil {
		w.t.Fatalf("no promise %s", id)
	}
	return p
}

const (
	sAnn  ledger.UserID = "@ann:t"
	sBen  ledger.UserID = "@ben:t"
	sCid  ledger.UserID = "@cid:t"
	sDora ledger.UserID = "@dora:t"
)

func TestAidDoIsIdempotent(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen)
	need := w.status(sAnn, 200, 5)
	com := ledger.Op{Kind: ledger.OpCommit, Event: "$commit", Actor: sBen, Need: need, Amount: mEUR(50), At: w.clock.Now()}
	if _, err := w.svc.Aid.Do(w.ctx, com); err != nil {
		t.Fatal(err)
	}
	refused := ledger.Op{Kind: ledger.OpSent, Event: "$sent-of-nothing", Actor: sAnn, Need: need, At: w.clock.Now()}
	if _, err := w.svc.Aid.Do(w.ctx, refused); key(err) != "promise.none_open" {
		t.Fatalf("sent by the beneficiary: %v", err)
	}
	book, table := viewFlat(t, w.svc), projection(t, w.st)
	ops, err := w.st.Aid.Ops(w.ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The same events again, even changed, even later: nothing changes.
	again := com
	again.Amount, again.At = mEUR(90), com.At.Add(time.Hour)
	for _, op := range []ledger.Op{com, again, refused} {
		if _, err := w.svc.Aid.Do(w.ctx, op); !ledger.IsDuplicate(err) {
			t.Errorf("%s again: %v, want ErrAlreadyApplied", op.Event, err)
		}
	}
	if got := viewFlat(t, w.svc); !reflect.DeepEqual(got, book) {
		t.Errorf("book changed:\n got %+v\nwant %+v", got, book)
	}
	if got := projection(t, w.st); !reflect.DeepEqual(got, table) {
		t.Errorf("projection changed:\n got %+v\nwant %+v", got, table)
	}
	if got, _ := w.st.Aid.Ops(w.ctx); len(got) != len(ops) {
		t.Errorf("%d ops recorded, want %d", len(got), len(ops))
	}
}

func TestAidGate(t *testing.T) {
	const stranger ledger.UserID = "@stranger:t"
	w := newAidWorld(t, sAnn, sBen)
	need := w.status(sAnn, 300, 0)

	// A member who shares no circle with the owner may not promise; the
	// event is not recorded, so it counts once they share one.
	op := ledger.Op{Kind: ledger.OpIntend, Event: "$stranger-heart", Actor: stranger, Need: need, Default: mEUR(100), At: w.clock.Now()}
	if _, err := w.svc.Aid.Do(w.ctx, op); key(err) != "need.not_in_circle" || ledger.ErrorCode(err) != ledger.EForbidden {
		t.Fatalf("stranger intends: %v", err)
	}
	op.Kind = ledger.OpCommit
	if _, err := w.svc.Aid.Do(w.ctx, op); key(err) != "need.not_in_circle" {
		t.Fatalf("stranger commits: %v", err)
	}
	w.join(stranger)
	if _, err := w.svc.Aid.Do(w.ctx, op); err != nil {
		t.Fatalf("after joining: %v", err)
	}
	if p := w.promise("$stranger-heart"); p.State != ledger.PromiseCommitment || p.Amount != mEUR(100) {
		t.Errorf("promise %+v", p)
	}

	for _, c := range []struct {
		name string
		op   ledger.Op
		want string
	}{
		{"promise toward no need", ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: "$nope", Amount: mEUR(5)}, "need.not_found"},
		{"owner promises to themself", ledger.Op{Kind: ledger.OpCommit, Actor: sAnn, Need: need, Amount: mEUR(5)}, "promise.self"},
		{"withdraw without a card", ledger.Op{Kind: ledger.OpWithdraw, Actor: sBen}, "need.reply_to_card"},
		{"unreact without a card", ledger.Op{Kind: ledger.OpUnreact, Actor: sBen, Target: "$r"}, "need.reply_to_card"},
		{"forgive nobody", ledger.Op{Kind: ledger.OpForgive, Actor: sAnn}, "cmd.usage"},
		{"member shares the circle", ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: need, Amount: mEUR(5)}, ""},
	} {
		if _, err := w.do(c.op); key(err) != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := w.svc.Aid.Do(w.ctx, ledger.Op{Kind: ledger.OpLeave, Actor: sBen}); ledger.ErrorCode(err) != ledger.EInternal {
		t.Errorf("op without an event: %v", err)
	}
}

// TestAidSentWithoutNeed checks how `sent` typed without a need finds it:
// the actor's only commitment not yet sent.
func TestAidSentWithoutNeed(t *testing.T) {
	cases := []struct {
		name  string
		setup func(w *aidWorld, ann, cid ledger.NeedID)
		want  string
		need  string // "ann" or "cid": the need resolved
	}{
		{"nothing promised", func(w *aidWorld, ann, cid ledger.NeedID) {}, "promise.none_open", ""},
		{"only an intention", func(w *aidWorld, ann, cid ledger.NeedID) {
			w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: cid, Amount: mEUR(10)})
		}, "promise.none_open", ""},
		{"one commitment", func(w *aidWorld, ann, cid ledger.NeedID) {
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: ann, Amount: mEUR(10)})
			w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: cid, Amount: mEUR(10)})
		}, "", "ann"},
		{"one sent, one not", func(w *aidWorld, ann, cid ledger.NeedID) {
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: ann, Amount: mEUR(10)})
			w.must(ledger.Op{Kind: ledger.OpSent, Actor: sBen, Need: ann})
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: cid, Amount: mEUR(10)})
		}, "", "cid"},
		{"two commitments", func(w *aidWorld, ann, cid ledger.NeedID) {
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: ann, Amount: mEUR(10)})
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: cid, Amount: mEUR(10)})
		}, "promise.which_need", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newAidWorld(t, sAnn, sBen, sCid)
			ann, cid := w.status(sAnn, 100, 3), w.status(sCid, 100, 0)
			c.setup(w, ann, cid)
			out, err := w.do(ledger.Op{Kind: ledger.OpSent, Actor: sBen})
			if key(err) != c.want {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if err != nil {
				return
			}
			want := map[string]ledger.NeedID{"ann": ann, "cid": cid}[c.need]
			if out.Op.Need != want || out.Promise.Need != want || out.Promise.State != ledger.PromiseSent {
				t.Errorf("resolved %s, promise %+v; want sent toward %s", out.Op.Need, out.Promise, want)
			}
		})
	}
}

// TestAidGotWithoutNeed checks how `got` typed without a need finds it: the
// oldest open commitment of the giver named, else the only one sent.
func TestAidGotWithoutNeed(t *testing.T) {
	cases := []struct {
		name  string
		setup func(w *aidWorld, orange, red ledger.NeedID)
		giver ledger.UserID
		want  string
		need  string // "orange" or "red": the need resolved
		from  ledger.UserID
	}{
		{"nothing sent", func(w *aidWorld, orange, red ledger.NeedID) {}, "", "promise.nothing_to_confirm", "", ""},
		{"two open, none sent", func(w *aidWorld, orange, red ledger.NeedID) {
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: red, Amount: mEUR(10)})
		}, "", "promise.nothing_to_confirm", "", ""},
		{"the only one sent", func(w *aidWorld, orange, red ledger.NeedID) {
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: red, Amount: mEUR(10)})
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: red, Amount: mEUR(10)})
			w.must(ledger.Op{Kind: ledger.OpSent, Actor: sCid, Need: red})
		}, "", "", "red", sCid},
		{"two sent", func(w *aidWorld, orange, red ledger.NeedID) {
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: red, Amount: mEUR(10)})
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: red, Amount: mEUR(10)})
			w.must(ledger.Op{Kind: ledger.OpSent, Actor: sBen, Need: red})
			w.must(ledger.Op{Kind: ledger.OpSent, Actor: sCid, Need: red})
		}, "", "promise.which_giver", "", ""},
		{"giver named: the oldest open", func(w *aidWorld, orange, red ledger.NeedID) {
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: red, Amount: mEUR(10)})
		}, sBen, "", "orange", sBen},
		{"giver named with nothing", func(w *aidWorld, orange, red ledger.NeedID) {}, sCid, "promise.none_from", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newAidWorld(t, sAnn, sBen, sCid)
			orange := w.status(sAnn, 100, 0)
			// Ben committed to Ann's orange need before she went red.
			w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: orange, Amount: mEUR(20)})
			red := w.status(sAnn, 200, 5)
			c.setup(w, orange, red)
			out, err := w.do(ledger.Op{Kind: ledger.OpGot, Actor: sAnn, Giver: c.giver})
			if key(err) != c.want {
				t.Fatalf("got %v, want %q", err, c.want)
			}
			if err != nil {
				return
			}
			want := map[string]ledger.NeedID{"orange": orange, "red": red}[c.need]
			p := out.Promise
			if out.Op.Need != want || p.Need != want || p.Giver != c.from || p.State != ledger.PromiseFulfilled {
				t.Errorf("resolved %s, promise %+v; want %s's fulfilled toward %s", out.Op.Need, p, c.from, want)
			}
		})
	}
}

func TestProfileTimeZone(t *testing.T) {
	w := newAidWorld(t, sAnn)
	p, err := w.svc.Members.SetTimeZone(w.ctx, w.act(sAnn), "europe/belgrade")
	if err != nil || p.TimeZone != "Europe/Belgrade" {
		t.Fatalf("zone set: %+v %v", p, err)
	}
	if loc := p.Zone(time.UTC); loc.String() != "Europe/Belgrade" {
		t.Errorf("zone %v", loc)
	}
	for _, bad := range []string{"Mars/Olympus", "Local", "../../etc/passwd", "Europe/"} {
		if _, err := w.svc.Members.SetTimeZone(w.ctx, w.act(sAnn), bad); key(err) != "profile.bad_zone" {
			t.Errorf("zone %q: %v", bad, err)
		}
	}
	if p, err = w.svc.Members.SetTimeZone(w.ctx, w.act(sAnn), ""); err != nil || p.TimeZone != "" || p.Zone(time.UTC) != time.UTC {
		t.Errorf("zone reset: %+v %v", p, err)
	}
}

func TestAidProfileAbout(t *testing.T) {
	w := newAidWorld(t, sAnn)
	long := strings.Repeat("ж", ledger.MaxAboutRunes) // more bytes than runes
	p, err := w.svc.Members.SetAbout(w.ctx, w.act(sAnn), long)
	if err != nil || p.About != long {
		t.Fatalf("about of %d runes: %v", ledger.MaxAboutRunes, err)
	}
	if _, err := w.svc.Members.SetAbout(w.ctx, w.act(sAnn), long+"ж"); key(err) != "cmd.text_too_long" {
		t.Errorf("about too long: %v", err)
	}
	act := w.act(sAnn)
	if _, err := w.svc.Members.SetAbout(w.ctx, act, "hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Members.SetAbout(w.ctx, act, "again"); !ledger.IsDuplicate(err) {
		t.Errorf("same event twice: %v", err)
	}
	if p, err := w.svc.Members.Profile(w.ctx, sAnn); err != nil || p.About != "hello" {
		t.Errorf("profile %+v %v", p, err)
	}
	if p, err := w.svc.Members.Profile(w.ctx, sBen); err != nil || p.Member != sBen || p.About != "" || len(p.Requisites) != 0 {
		t.Errorf("empty profile %+v %v", p, err)
	}
}

func TestAidRequisites(t *testing.T) {
	w := newAidWorld(t, sAnn)
	texts := func(p *ledger.Profile) string {
		var s []string
		for _, r := range p.Requisites {
			if r.Default {
				s = append(s, "*"+r.Text)
			} else {
				s = append(s, r.Text)
			}
		}
		return strings.Join(s, " ")
	}
	steps := []struct {
		name string
		do   func() (*ledger.Profile, error)
		want string // the requisites after, the default starred
		err  string
	}{
		{"first is the default", func() (*ledger.Profile, error) { return w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), "r1") }, "*r1", ""},
		{"empty", func() (*ledger.Profile, error) { return w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), "") }, "*r1", "cmd.usage"},
		{"too long", func() (*ledger.Profile, error) {
			return w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), strings.Repeat("x", ledger.MaxRequisiteRunes+1))
		}, "*r1", "cmd.text_too_long"},
		{"second", func() (*ledger.Profile, error) { return w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), "r2") }, "*r1 r2", ""},
		{"third", func() (*ledger.Profile, error) { return w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), "r3") }, "*r1 r2 r3", ""},
		{"fourth", func() (*ledger.Profile, error) { return w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), "r4") }, "*r1 r2 r3 r4", ""},
		{"fifth", func() (*ledger.Profile, error) { return w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), "r5") }, "*r1 r2 r3 r4 r5", ""},
		{"one too many", func() (*ledger.Profile, error) { return w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), "r6") }, "*r1 r2 r3 r4 r5", "requisites.full"},
		{"default the third", func() (*ledger.Profile, error) { return w.svc.Members.SetDefaultRequisite(w.ctx, w.act(sAnn), 3) }, "r1 r2 *r3 r4 r5", ""},
		{"default of none", func() (*ledger.Profile, error) { return w.svc.Members.SetDefaultRequisite(w.ctx, w.act(sAnn), 6) }, "r1 r2 *r3 r4 r5", "requisites.no_such"},
		{"default zero", func() (*ledger.Profile, error) { return w.svc.Members.SetDefaultRequisite(w.ctx, w.act(sAnn), 0) }, "r1 r2 *r3 r4 r5", "requisites.no_such"},
		{"remove one not default", func() (*ledger.Profile, error) { return w.svc.Members.RemoveRequisite(w.ctx, w.act(sAnn), 1) }, "r2 *r3 r4 r5", ""},
		{"remove the default", func() (*ledger.Profile, error) { return w.svc.Members.RemoveRequisite(w.ctx, w.act(sAnn), 2) }, "*r2 r4 r5", ""},
		{"remove none", func() (*ledger.Profile, error) { return w.svc.Members.RemoveRequisite(w.ctx, w.act(sAnn), 4) }, "*r2 r4 r5", "requisites.no_such"},
		{"remove the first default", func() (*ledger.Profile, error) { return w.svc.Members.RemoveRequisite(w.ctx, w.act(sAnn), 1) }, "*r4 r5", ""},
		{"remove the last but one", func() (*ledger.Profile, error) { return w.svc.Members.RemoveRequisite(w.ctx, w.act(sAnn), 2) }, "*r4", ""},
		{"remove the last", func() (*ledger.Profile, error) { return w.svc.Members.RemoveRequisite(w.ctx, w.act(sAnn), 1) }, "", ""},
		{"first again is the default", func() (*ledger.Profile, error) {
			return w.svc.Members.AddRequisite(w.ctx, w.act(sAnn), "IBAN DE00 ✓")
		}, "*IBAN DE00 ✓", ""},
	}
	for _, s := range steps {
		p, err := s.do()
		if key(err) != s.err {
			t.Fatalf("%s: %v, want %q", s.name, err, s.err)
		}
		if err == nil && texts(p) != s.want {
			t.Errorf("%s: returned %q, want %q", s.name, texts(p), s.want)
		}
		stored, err := w.svc.Members.Profile(w.ctx, sAnn)
		if err != nil {
			t.Fatal(err)
		}
		if texts(stored) != s.want {
			t.Errorf("%s: stored %q, want %q", s.name, texts(stored), s.want)
		}
	}
	if p, _ := w.svc.Members.Profile(w.ctx, sAnn); p.DefaultRequisite() != "IBAN DE00 ✓" {
		t.Errorf("default requisite %q", p.DefaultRequisite())
	}
}

func TestAidMuted(t *testing.T) {
	w := newAidWorld(t, sAnn)
	for _, k := range ledger.NoticeKinds {
		if !w.svc.Members.Wants(w.ctx, sAnn, k) {
			t.Errorf("a new member does not want %s", k)
		}
	}
	mute := func(k ledger.NoticeKind, on bool) []ledger.NoticeKind {
		t.Helper()
		p, err := w.svc.Members.SetMuted(w.ctx, w.act(sAnn), k, on)
		if err != nil {
			t.Fatalf("mute %s %v: %v", k, on, err)
		}
		return p.Muted
	}
	mute(ledger.NoticeStatus, true)
	if got := mute(ledger.NoticeIntention, true); !reflect.DeepEqual(got, []ledger.NoticeKind{ledger.NoticeIntention, ledger.NoticeStatus}) {
		t.Errorf("muted %v", got)
	}
	if got := mute(ledger.NoticeStatus, true); len(got) != 2 {
		t.Errorf("muted twice: %v", got)
	}
	for _, k := range ledger.NoticeKinds {
		want := k != ledger.NoticeStatus && k != ledger.NoticeIntention
		if got := w.svc.Members.Wants(w.ctx, sAnn, k); got != want {
			t.Errorf("wants %s = %v, want %v", k, got, want)
		}
	}
	if got := mute(ledger.NoticeStatus, false); !reflect.DeepEqual(got, []ledger.NoticeKind{ledger.NoticeIntention}) {
		t.Errorf("after unmuting: %v", got)
	}
	if !w.svc.Members.Wants(w.ctx, sAnn, ledger.NoticeStatus) || w.svc.Members.Wants(w.ctx, sAnn, ledger.NoticeIntention) {
		t.Error("unmuting status changed the wrong kind")
	}
	if !w.svc.Members.Wants(w.ctx, sBen, ledger.NoticeIntention) {
		t.Error("another member's mute applies to ben")
	}
	if _, err := w.svc.Members.SetMuted(w.ctx, w.act(sAnn), "gossip", true); key(err) != "cmd.bad_notice" {
		t.Errorf("unknown kind: %v", err)
	}
}

func TestAidRemind(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen)
	if _, err := w.svc.Aid.Remind(w.ctx, w.act(sAnn), sAnn); key(err) != "remind.self" {
		t.Errorf("remind self: %v", err)
	}
	if _, err := w.svc.Aid.Remind(w.ctx, w.act(sAnn), sBen); key(err) != "remind.nothing" || ledger.ErrorCode(err) != ledger.ENotFound {
		t.Fatalf("nothing to remind: %v", err)
	}
	need := w.status(sAnn, 100, 0)
	w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: need, Amount: mEUR(30)})
	r, err := w.svc.Aid.Remind(w.ctx, w.act(sAnn), sBen)
	if err != nil {
		t.Fatal(err)
	}
	if r.To != sBen || len(r.Convert) != 1 || r.Convert[0].Amount != mEUR(30) || len(r.Fulfil)+len(r.Confirm) != 0 {
		t.Errorf("reminder %+v", r)
	}
	w.clock.Advance(time.Hour)
	if _, err := w.svc.Aid.Remind(w.ctx, w.act(sAnn), sBen); key(err) != "remind.too_soon" || ledger.ErrorCode(err) != ledger.ERateLimited {
		t.Fatalf("second reminder within the interval: %v", err)
	}
	// The giver may remind the beneficiary all the same: another pair.
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sBen, Need: need})
	w.must(ledger.Op{Kind: ledger.OpSent, Actor: sBen, Need: need})
	if r, err := w.svc.Aid.Remind(w.ctx, w.act(sBen), sAnn); err != nil || len(r.Confirm) != 1 {
		t.Fatalf("giver reminds to confirm: %+v %v", r, err)
	}
	w.clock.Advance(w.svc.Config().RemindInterval)
	r, err = w.svc.Aid.Remind(w.ctx, w.act(sAnn), sBen)
	if err != nil {
		t.Fatalf("after the interval: %v", err)
	}
	if len(r.Fulfil) != 1 || len(r.Convert) != 0 {
		t.Errorf("reminder %+v", r)
	}
}

func TestAidLeave(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid, sDora)
	if _, err := w.svc.Trust.Invite(w.ctx, w.act(sAnn), aidCircle, sBen); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Trust.AcceptPending(w.ctx, w.act(sBen), aidCircle); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Members.SetAbout(w.ctx, w.act(sAnn), "about ann"); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Members.SetLang(w.ctx, w.act(sAnn), ledger.LangRU); err != nil {
		t.Fatal(err)
	}
	annNeed, benNeed, doraNeed := w.status(sAnn, 300, 0), w.status(sBen, 300, 0), w.status(sDora, 100, 7)
	benToAnn := w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: annNeed, Amount: mEUR(20)}).Promise.ID
	cidToAnn := w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: annNeed, Amount: mEUR(30)}).Promise.ID
	annToBen := w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sAnn, Need: benNeed, Amount: mEUR(40)}).Promise.ID
	annToDora := w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sAnn, Need: doraNeed, Amount: mEUR(50)}).Promise.ID

	out, err := w.svc.Leave(w.ctx, w.act(sAnn))
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[ledger.PromiseID]ledger.PromiseState{
		benToAnn:  ledger.PromiseReleased,   // toward her archived need
		cidToAnn:  ledger.PromiseReleased,   // nobody is left to confirm it
		annToBen:  ledger.PromiseWithdrawn,  // her own intention
		annToDora: ledger.PromiseCommitment, // her commitment stays owed
	} {
		if p := w.promise(id); p.State != want {
			t.Errorf("promise %s is %s, want %s", id, p.State, want)
		}
	}
	affected := map[ledger.PromiseID]bool{}
	if len(out.Guarantors) != 1 || out.Guarantors[0] != sBen {
		t.Errorf("guarantors %v: ben had a guarantee with her and must be told", out.Guarantors)
	}
	for _, p := range out.Affected {
		affected[p.ID] = true
	}
	if !affected[benToAnn] || !affected[cidToAnn] || !affected[annToBen] || affected[annToDora] {
		t.Errorf("affected %v: those affected must be told", affected)
	}
	if st, _ := w.svc.Aid.StatusOf(w.ctx, sAnn); st.Status != ledger.StatusGreen || st.Need != "" {
		t.Errorf("status %+v", st)
	}
	if v, _ := w.svc.Aid.Need(w.ctx, annNeed); v.Need.State != ledger.NeedArchived {
		t.Errorf("her need is %s", v.Need.State)
	}
	// Personal data is erased.
	if _, err := w.st.Members.GetProfile(w.ctx, sAnn); key(err) != "profile.not_found" {
		t.Errorf("profile: %v", err)
	}
	if m, err := w.st.Members.GetMember(w.ctx, sAnn); err != nil || m.Lang != "" || m.LangChosen || m.PoolSeenAt != (time.Time{}) {
		t.Errorf("member after leaving: %+v %v", m, err)
	}
	if gs, err := w.st.Trust.Guarantees(w.ctx); err != nil || len(gs) != 0 {
		t.Errorf("guarantees %+v %v", gs, err)
	}
	// She is still in the room: she stays a member of the circle.
	if cs, err := w.st.Circles.CirclesOf(w.ctx, sAnn); err != nil || len(cs) != 1 {
		t.Errorf("circles %v %v", cs, err)
	}
	if tl, _ := w.svc.Trust.TrustListOf(w.ctx, sBen); tl.Count() != 0 {
		t.Errorf("ben's trust list %+v", tl)
	}
}

func TestAidRestartReplays(t *testing.T) {
	w := newAidWorld(t, sAnn, sBen, sCid)
	orange := w.status(sAnn, 100, 0)
	w.must(ledger.Op{Kind: ledger.OpIntend, Actor: sBen, Need: orange, Default: mEUR(100), Reaction: "$heart"})
	red := w.status(sAnn, 50, 3)
	w.must(ledger.Op{Kind: ledger.OpCommit, Actor: sCid, Need: red, Amount: mEUR(50)})
	w.must(ledger.Op{Kind: ledger.OpSent, Actor: sCid, Need: red})
	w.must(ledger.Op{Kind: ledger.OpGot, Actor: sAnn, Need: red}) // closes the collection
	before := viewFlat(t, w.svc)
	if st, _ := w.svc.Aid.StatusOf(w.ctx, sAnn); st.Status != ledger.StatusOrange || st.Need != orange {
		t.Fatalf("after the collection, status %+v", st)
	}
	if got := projection(t, w.st); !reflect.DeepEqual(got, before) {
		t.Errorf("projection differs from the book:\n got %+v\nwant %+v", got, before)
	}
	restarted := w.reopen()
	if got := viewFlat(t, restarted); !reflect.DeepEqual(got, before) {
		t.Errorf("after a restart:\n got %+v\nwant %+v", got, before)
	}
	// The restarted service goes on from the replayed book.
	if _, err := restarted.Aid.Do(w.ctx, ledger.Op{Kind: ledger.OpWithdraw, Event: "$bye", Actor: sBen, Need: orange, At: w.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	v, err := restarted.Aid.Need(w.ctx, orange)
	if err != nil || v.Totals.Intended.Minor != 0 || v.Totals.Givers != 0 {
		t.Errorf("orange need after withdrawal %+v %v", v, err)
	}
}

// An event stamped too far in the future is refused and not recorded; the
// same event with a sane time then applies.
func TestAidRefusesEventsFromTheFuture(t *testing.T) {
	w := newAidWorld(t, sAnn)
	op := ledger.Op{Kind: ledger.OpStatus, Event: "$ahead", Actor: sAnn, Status: ledger.StatusOrange,
		Amount: mEUR(100), At: w.clock.Now().Add(ledger.MaxClockSkew + time.Minute)}
	if _, err := w.svc.Aid.Do(w.ctx, op); key(err) != "event.future" {
		t.Fatalf("future event: %v, want event.future", err)
	}
	if ops, err := w.st.Aid.Ops(w.ctx); err != nil || len(ops) != 0 {
		t.Fatalf("recorded %v %v", ops, err)
	}
	op.At = w.clock.Now().Add(ledger.MaxClockSkew - time.Minute) // a clock a little ahead is fine
	if _, err := w.svc.Aid.Do(w.ctx, op); err != nil {
		t.Fatalf("the same event in time: %v", err)
	}
}
