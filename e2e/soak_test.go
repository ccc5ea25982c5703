package e2e_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// The crash soak's shape: four members, this many rounds of one command
// each after their statuses (4 + 4*14 = 60 commands), this many kills of
// the bot, and one restart of Dendrite halfway.
const (
	soakRounds = 14
	soakKills  = 15
)

// soakCmd is one command of the soak.
type soakCmd struct {
	by   int    // the member who types it
	card int    // the member whose need card it replies to; -1 for none
	body string // what is typed
	evt  id.EventID
}

// soak drives TestCrashSoak: the members type commands in their circle
// while a killer goroutine kills and restarts the bot.
type soak struct {
	c        *crashNet
	circle   id.RoomID
	members  []*devnet.User
	cards    []id.EventID // each member's need card
	cmds     []*soakCmd
	progress atomic.Int32 // commands typed so far
	kills    atomic.Int32
	dropped  atomic.Int32 // sends held at a kill: committed, never sent by the process killed
	seed     uint64
	// anywhere lets the kills land inside Dendrite's handling of a send
	// too (EXODUS_SOAK_KILL_ANYWHERE=1), where Dendrite may post a
	// message twice (docs/reliability.md).
	anywhere bool
	// disrupt lets one disruption happen at a time: a kill of the bot or
	// the restart of Dendrite.
	disrupt sync.Mutex
}

// soakPlan is the soak's commands: each member goes orange, then in each
// round replies to the need card of one of the three others, each in
// turn: an intention, then a new one (a bare amount), then a commitment;
// in the last rounds the members ask for the pool and the list.
func soakPlan(members int) []*soakCmd {
	var cmds []*soakCmd
	for i := range members {
		cmds = append(cmds, &soakCmd{by: i, card: -1, body: fmt.Sprintf("!ex status orange %d", 400+100*i)})
	}
	for r := range soakRounds {
		for i := range members {
			cmd := &soakCmd{by: i, card: (i + 1 + r%3) % members}
			switch r / 3 {
			case 0:
				cmd.body = fmt.Sprintf("intend %d", 10+r+i)
			case 1:
				cmd.body = fmt.Sprint(20 + r + i)
			case 2:
				cmd.body = fmt.Sprintf("commit %d", 5+r+i)
			default:
				cmd.card, cmd.body = -1, []string{"!ex pool", "!ex list"}[r%2]
			}
			cmds = append(cmds, cmd)
		}
	}
	return cmds
}

// TestCrashSoak has four members act in one circle (orange statuses with
// need cards, intentions and commitments by replying to the cards, pool
// and list questions: 60 commands) while the bot is killed with SIGKILL 15
// times, at spread and random points, and started again at once, and
// Dendrite is restarted once halfway. At the end every command has
// exactly one answer, the homeserver holds no message of the bot's twice,
// each need card was posted once and its latest edit shows the ledger's
// figures, and the bot's live digest of the circle equals a rebuild's
// from the rooms.
//
// A kill never lands while Dendrite is handling one of the bot's sends
// (the proxy holds new sends and the kill waits for those out to come
// back): Dendrite ties such a send to the request and, the request gone,
// may post the event without remembering its transaction ID, so the
// bot's retry posts it again. docs/reliability.md tells that limit.
func TestCrashSoak(t *testing.T) {
	start := time.Now()
	s, token := newSoak(t)
	setup := time.Since(start)
	t.Logf("seed %d; setup took %s", s.seed, setup.Round(time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	killed := make(chan error, 1)
	go func() { killed <- s.killer(ctx) }()
	killerDone := sync.OnceValue(func() error { return <-killed })
	defer func() { cancel(); _ = killerDone() }() // no kill or start after the test
	s.drive(ctx, t)
	if err := killerDone(); err != nil {
		t.Fatalf("after %d kills: %v", s.kills.Load(), err)
	}
	all := s.settle(ctx, t)
	f := s.check(t, all, token)
	f.wall, f.setup = time.Since(start), setup
	t.Log(f)
	if f.duplicates != 0 || f.lost != 0 || f.twice != 0 {
		t.Fatalf("%d duplicated answers, %d commands without an answer, %d messages posted twice", f.duplicates, f.lost, f.twice)
	}
}

// newSoak registers the members, makes their circle (with a direct chat
// of the first member's, who makes an API token) and plans the commands.
func newSoak(t *testing.T) (*soak, string) {
	t.Helper()
	c := crashStack(t, "soak", nil)
	s := &soak{c: c, seed: uint64(time.Now().UnixNano()), anywhere: os.Getenv("EXODUS_SOAK_KILL_ANYWHERE") == "1"}
	for _, name := range []string{"anna", "boris", "clara", "denis"} {
		s.members = append(s.members, fedMember(t, c.Stack, name))
	}
	dm := dmWith(t, s.members[0], c.BotID)
	s.circle = fedCircle(t, c.Stack, "Soak", s.members[0], dm, s.members[1:]...)
	s.cmds = soakPlan(len(s.members))
	return s, tokenOf(t, s.members[0], dm, c.BotID)
}

// soakFigures are what the soak counted.
type soakFigures struct {
	commands, kills, answers, duplicates, lost, twice, edits int
	sends, resent, dropped, rehandled, messages              int
	wall, setup                                              time.Duration
}

// String is the figures' line in the test's log.
func (f soakFigures) String() string {
	return fmt.Sprintf("commands %d, kills %d, Dendrite restarts 1, answers %d, duplicates %d, lost %d, "+
		"messages posted twice %d, card edits %d, bot messages in the circle %d; at the kills: %d commands "+
		"handled again, %d sends committed and not sent; sends reaching Dendrite %d, %d of them again with a "+
		"transaction ID it had taken; wall time %s (setup %s)", f.commands, f.kills, f.answers, f.duplicates,
		f.lost, f.twice, f.edits, f.messages, f.rehandled, f.dropped, f.sends, f.resent,
		f.wall.Round(time.Second), f.setup.Round(time.Second))
}

// check counts and checks what the soak left: the answers, the messages
// posted twice, the cards against the ledger, and the live digest against
// a rebuild's (which stops the bot).
func (s *soak) check(t *testing.T, all []*event.Event, token string) soakFigures {
	t.Helper()
	f := soakFigures{commands: len(s.cmds), kills: int(s.kills.Load()), messages: botMessages(all, s.c.BotID),
		dropped: int(s.dropped.Load()), rehandled: handledAgain(t, s.c.dir)}
	f.answers, f.duplicates, f.lost = s.count(t, all)
	for txn, n := range postedTwice(t, s.c.Stack) {
		t.Errorf("transaction %s posted %d times", txn, n)
		f.twice += n - 1
	}
	f.edits = s.checkCards(t, all, token)
	for _, n := range s.c.proxy.SendCounts() {
		f.sends, f.resent = f.sends+n, f.resent+n-1
	}
	live, _ := digestOf(t, s.c.Stack, token, s.circle)
	s.c.StopBot()
	if rebuilt := rebuiltDigest(t, s.c.Stack, s.circle); rebuilt != live {
		t.Errorf("the live digest is %s, a rebuild from the rooms gives %s", live, rebuilt)
	}
	return f
}

// drive types the commands, a moment apart, waiting only for the need
// cards it must reply to; halfway it restarts Dendrite.
func (s *soak) drive(ctx context.Context, t *testing.T) {
	t.Helper()
	rng := rand.New(rand.NewPCG(s.seed, 1))
	statuses := map[int]id.EventID{}
	for i, cmd := range s.cmds {
		if i == len(s.cmds)/2 {
			s.restartHomeserver(ctx, t)
		}
		if cmd.card >= 0 && s.cards == nil {
			s.cards = s.waitCards(ctx, t, statuses)
		}
		u := s.members[cmd.by]
		if cmd.card < 0 {
			cmd.evt = sent(t, u, s.circle, cmd.body)
		} else {
			cmd.evt = replied(t, u, s.circle, s.cards[cmd.card], cmd.body)
		}
		if strings.HasPrefix(cmd.body, "!ex status") {
			statuses[cmd.by] = cmd.evt
		}
		s.progress.Add(1)
		time.Sleep(time.Duration(200+rng.IntN(400)) * time.Millisecond)
	}
}

// waitCards waits for each member's need card, posted after their status.
func (s *soak) waitCards(ctx context.Context, t *testing.T, statuses map[int]id.EventID) []id.EventID {
	t.Helper()
	cards := make([]id.EventID, len(s.members))
	for i, m := range s.members {
		card, err := s.members[0].WaitMessageAfter(ctx, s.circle, statuses[i], s.c.BotID, func(e *event.Event) bool {
			ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
			d, _ := ns["data"].(map[string]any)
			return ns["type"] == "need" && d["owner"] == m.ID.String() && e.Content.Raw["m.relates_to"] == nil
		})
		if err != nil {
			t.Fatalf("the need card of %s: %v", m.ID, err)
		}
		cards[i] = card.ID
	}
	return cards
}

// killer kills the bot soakKills times, spread over the commands (each
// time a random moment after a share of them was typed), starting it
// again at once.
func (s *soak) killer(ctx context.Context) error {
	rng := rand.New(rand.NewPCG(s.seed, 2))
	for k := 1; k <= soakKills; k++ {
		due := int32(k*len(s.cmds)/soakKills - 2)
		for s.progress.Load() < due {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
		// A third of the kills come a moment after a command, while the
		// bot is likely at work on it; a third after its sends were held
		// for a while; a third anywhere in the next second.
		var before, held time.Duration
		switch k % 3 {
		case 0:
			before = time.Duration(rng.IntN(60)) * time.Millisecond
		case 1:
			held = time.Duration(rng.IntN(300)) * time.Millisecond
		default:
			before = time.Duration(rng.IntN(900)) * time.Millisecond
		}
		if err := s.kill(ctx, before, held); err != nil {
			return err
		}
		if err := s.c.StartBot(ctx); err != nil {
			return err
		}
	}
	return nil
}

// kill kills the bot with SIGKILL after the time before, at a moment
// when Dendrite handles none of its sends (unless s.anywhere). For the
// time held before the kill, the bot's sends are held, as by a homeserver
// slow to take them; the sends held are dropped once the bot is dead
// (they never reach Dendrite, but the bot had committed them).
func (s *soak) kill(ctx context.Context, before, held time.Duration) error {
	time.Sleep(before)
	s.disrupt.Lock()
	defer s.disrupt.Unlock()
	if s.anywhere {
		time.Sleep(held)
		s.c.KillBot()
		s.kills.Add(1)
		return nil
	}
	p := s.c.proxy
	p.SetMode(stack.ProxyHoldSends)
	time.Sleep(held)
	if err := p.WaitIdle(ctx); err != nil {
		return err
	}
	s.c.KillBot()
	s.kills.Add(1)
	p.SetMode(stack.ProxyPass)
	s.dropped.Add(int32(p.Release()))
	return nil
}

// restartHomeserver restarts Dendrite once the bot has handled every
// command typed so far and sent all it had to: Dendrite forgets, when
// restarted, the transaction IDs it took (a send retried after that would
// be posted again) and the events it has not pushed to the bot yet.
func (s *soak) restartHomeserver(ctx context.Context, t *testing.T) {
	t.Helper()
	s.disrupt.Lock()
	defer s.disrupt.Unlock()
	db := openRO(t, s.c.DBPath)
	var typed []id.EventID
	for _, cmd := range s.cmds[:s.progress.Load()] {
		typed = append(typed, cmd.evt)
	}
	for {
		ok, err := quiet(ctx, db, typed)
		if ok {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the bot did not settle before the restart of Dendrite: %v %v", err, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := s.c.RestartHomeserver(ctx); err != nil {
		t.Fatalf("restarting Dendrite: %v", err)
	}
}

// settle waits until every command has an answer (at most two minutes),
// then for the answer to a marker, and returns the circle's timeline.
func (s *soak) settle(ctx context.Context, t *testing.T) []*event.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	reader := s.members[0]
	for {
		all, err := reader.Messages(ctx, s.circle)
		if err == nil && s.unanswered(all) == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Logf("%d commands still without an answer", s.unanswered(all))
			return all
		case <-time.After(time.Second):
		}
	}
	return settled(t, s.c.BotID, reader, s.circle, "!ex pool", time.Minute)
}

// unanswered counts the commands without an answer in the timeline.
func (s *soak) unanswered(all []*event.Event) int {
	n := 0
	for _, cmd := range s.cmds {
		if len(answersTo(all, s.c.BotID, cmd.evt)) == 0 {
			n++
		}
	}
	return n
}

// count counts the answers to the commands, the duplicates (answers
// beyond the first) and the commands lost (without an answer), and logs
// each of the last two.
func (s *soak) count(t *testing.T, all []*event.Event) (answers, duplicates, lost int) {
	t.Helper()
	for _, cmd := range s.cmds {
		got := answersTo(all, s.c.BotID, cmd.evt)
		answers += len(got)
		switch {
		case len(got) == 0:
			lost++
			t.Errorf("no answer to %q by %s (%s)", cmd.body, s.members[cmd.by].ID, cmd.evt)
		case len(got) > 1:
			duplicates += len(got) - 1
			t.Errorf("%d answers to %q by %s (%s): %q", len(got), cmd.body, s.members[cmd.by].ID, cmd.evt, devnet.Body(got[0]))
		}
	}
	return answers, duplicates, lost
}

// checkCards checks that each need card was posted once and that its
// latest edit shows the ledger's figures; it returns how many edits the
// cards had.
func (s *soak) checkCards(t *testing.T, all []*event.Event, token string) (edits int) {
	t.Helper()
	posted := map[string]int{}
	for _, e := range all {
		ns, _ := e.Content.Raw["org.exodus"].(map[string]any)
		if e.Sender == s.c.BotID && ns["type"] == "need" && e.Content.Raw["m.relates_to"] == nil {
			d, _ := ns["data"].(map[string]any)
			posted[fmt.Sprint(d["owner"])]++
		}
	}
	for i, card := range s.cards {
		owner := s.members[i].ID.String()
		if posted[owner] != 1 {
			t.Errorf("the need card of %s was posted %d times", owner, posted[owner])
		}
		evt := eventIn(all, card)
		if evt == nil {
			t.Errorf("the need card of %s is not in the timeline", owner)
			continue
		}
		later := editsOf(all, s.c.BotID, card)
		edits += len(later)
		latest := cardData(evt)
		if len(later) > 0 {
			latest = editData(later[len(later)-1])
		}
		need := needOf(t, s.c.Stack, token, fmt.Sprint(cardData(evt)["need"]))
		if diff := figuresDiffer(latest, need); diff != "" {
			t.Errorf("the need card of %s (%d edits) differs from the ledger: %s", owner, len(later), diff)
		}
	}
	return edits
}

// eventIn finds an event in a timeline (nil if it is not there).
func eventIn(all []*event.Event, evt id.EventID) *event.Event {
	for _, e := range all {
		if e.ID == evt {
			return e
		}
	}
	return nil
}

// botMessages counts the bot's messages in a timeline.
func botMessages(all []*event.Event, bot id.UserID) int {
	n := 0
	for _, e := range all {
		if e.Sender == bot && e.Type == event.EventMessage {
			n++
		}
	}
	return n
}

// handledAgain counts, in the bot's log, the commands it began to handle
// more than once: a kill came before the handling was committed.
func handledAgain(t *testing.T, dir string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	seen, again := map[string]bool{}, 0
	for _, line := range strings.Split(string(data), "\n") {
		if !strings.Contains(line, "Handling a command") {
			continue
		}
		if m := eventIDRe.FindStringSubmatch(line); m != nil {
			if seen[m[1]] {
				again++
			}
			seen[m[1]] = true
		}
	}
	return again
}

// eventIDRe finds the event ID in a line of the bot's log.
var eventIDRe = regexp.MustCompile(`event_id=\S*?(\$[A-Za-z0-9_-]+)`)
