package ledger

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"time"
)

// BookSnapshotVersion is the version of the book's snapshot encoding. Bump
// it whenever the encoding changes, or the rules change what a replay of
// the same ops builds: a snapshot of another version is not decoded, and
// the book is replayed from every op instead.
const BookSnapshotVersion = 2 // 2: a promise's SentMinor and GotMinor (partial fulfilment)

// bookMagic opens every encoded snapshot.
const bookMagic = "EXBOOK"

// BookSnapshot is a saved image of the mutual-aid book after the first Ops
// recorded ops in canonical order, the last of them At and Event: a restart
// decodes it and replays only the ops after that position. Epoch is the
// store's count of invalidations, read with the snapshot: a snapshot built
// from it is written only if nothing invalidated it meanwhile.
type BookSnapshot struct {
	At    time.Time
	Event EventID
	Ops   int
	Data  []byte // nil: there is no snapshot
	Epoch int64
}

// after reports whether op sorts after the snapshot's position.
func (s *BookSnapshot) after(op *Op) bool {
	pos := Op{At: s.At, Event: s.Event}
	return pos.Before(op)
}

// encodeBook encodes everything a replay builds in b (needs, promises,
// statuses, their indexes, the month, the clearing agreements and the last
// op applied) after ops recorded ops. The journal is not kept: a book
// decoded fills it from the ops replayed after it.
func encodeBook(b *Book, ops int) []byte {
	e := &bookEncoder{ids: make(map[string]uint64)}
	e.body = binary.AppendUvarint(e.body, uint64(ops))
	e.op(b.last)
	e.str(b.rec.period)
	e.needs(b.rec)
	e.promises(b.rec)
	e.statuses(b.rec)
	e.index(len(b.rec.byNeed), func(f func(string, []string)) {
		for k, ids := range b.rec.byNeed {
			f(string(k), idStrings(ids))
		}
	})
	e.index(len(b.rec.byGiver), func(f func(string, []string)) {
		for k, ids := range b.rec.byGiver {
			f(string(k), idStrings(ids))
		}
	})
	e.index(len(b.rec.byOwner), func(f func(string, []string)) {
		for k, ids := range b.rec.byOwner {
			f(string(k), idStrings(ids))
		}
	})
	e.uint(len(b.rec.byReaction))
	for evt, id := range b.rec.byReaction {
		e.str(string(evt))
		e.str(string(id))
	}
	e.index(len(b.rec.agreements), func(f func(string, []string)) {
		for id, users := range b.rec.agreements {
			f(id, idStrings(sortedUsers(users, "")))
		}
	})
	return e.finish()
}

// idStrings turns a list of IDs into strings.
func idStrings[T ~string](ids []T) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// bookEncoder writes a snapshot: every string once, in a table, and the
// records as varints referring to it.
type bookEncoder struct {
	strs []string
	ids  map[string]uint64
	body []byte
}

func (e *bookEncoder) uint(n int) { e.body = binary.AppendUvarint(e.body, uint64(n)) }

func (e *bookEncoder) str(s string) {
	id, ok := e.ids[s]
	if !ok {
		id = uint64(len(e.strs))
		e.ids[s] = id
		e.strs = append(e.strs, s)
	}
	e.body = binary.AppendUvarint(e.body, id)
}

func (e *bookEncoder) time(t time.Time) {
	e.body = binary.AppendVarint(e.body, t.Unix())
	e.body = binary.AppendUvarint(e.body, uint64(t.Nanosecond()))
}

func (e *bookEncoder) amount(a Amount) {
	e.body = binary.AppendVarint(e.body, a.Minor)
	e.str(string(a.Currency))
}

func (e *bookEncoder) bool(v bool) {
	if v {
		e.body = append(e.body, 1)
	} else {
		e.body = append(e.body, 0)
	}
}

// list writes a list that may be nil: 0 for nil, else its length plus one.
func (e *bookEncoder) list(isNil bool, n int) {
	if isNil {
		e.uint(0)
	} else {
		e.uint(n + 1)
	}
}

// op writes an op whole, as the store records it (JSON): only the last op
// applied is kept.
func (e *bookEncoder) op(o Op) {
	data, err := json.Marshal(o)
	if err != nil {
		data = []byte("{}") // an Op always encodes
	}
	e.uint(len(data))
	e.body = append(e.body, data...)
}

func (e *bookEncoder) needs(r *records) {
	e.uint(len(r.needs))
	for _, n := range r.needs {
		e.str(string(n.ID))
		e.str(string(n.Kind))
		e.str(string(n.Owner))
		e.amount(n.Target)
		e.time(n.Deadline)
		e.str(string(n.State))
		e.time(n.OpenedAt)
		e.time(n.ClosedAt)
		e.str(string(n.ClosedBy))
		e.str(n.Title)
		e.str(string(n.Circle))
		e.str(n.Report)
		e.time(n.ReachedAt)
		e.time(n.FundedAt)
		e.list(n.eligible == nil, len(n.eligible))
		for _, u := range n.eligible {
			e.str(string(u))
		}
	}
}

func (e *bookEncoder) promises(r *records) {
	e.uint(len(r.promises))
	for _, p := range r.promises {
		e.str(string(p.ID))
		e.str(string(p.Need))
		e.str(string(p.Giver))
		e.str(string(p.Beneficiary))
		e.amount(p.Amount)
		e.str(string(p.State))
		e.str(string(p.Reaction))
		e.time(p.CreatedAt)
		e.time(p.UpdatedAt)
		e.str(string(p.UpdatedBy))
		e.bool(p.Overdue)
		e.str(p.Period)
		e.bool(p.Renewed)
		e.bool(p.Cleared)
		e.time(p.CommittedAt)
		e.body = binary.AppendVarint(e.body, p.SentMinor)
		e.body = binary.AppendVarint(e.body, p.GotMinor)
	}
}

func (e *bookEncoder) statuses(r *records) {
	e.uint(len(r.statuses))
	for _, s := range r.statuses {
		e.str(string(s.Member))
		e.str(string(s.Status))
		e.str(string(s.Previous))
		e.str(string(s.Need))
		e.time(s.ChangedAt)
		e.list(s.Kassa == nil, len(s.Kassa))
		for _, k := range s.Kassa {
			e.str(string(k.Circle))
			e.amount(k.Max)
		}
	}
}

// index writes a map of lists of strings, n entries, which each calls f.
func (e *bookEncoder) index(n int, each func(f func(key string, list []string))) {
	e.uint(n)
	each(func(key string, list []string) {
		e.str(key)
		e.list(list == nil, len(list))
		for _, s := range list {
			e.str(s)
		}
	})
}

// finish lays the snapshot out: the magic, the version, the string table
// (the lengths, then the bytes), the body, and a CRC-32C of all before it.
func (e *bookEncoder) finish() []byte {
	total := 0
	for _, s := range e.strs {
		total += len(s)
	}
	out := make([]byte, 0, len(bookMagic)+16+len(e.strs)*2+total+len(e.body)+4)
	out = append(out, bookMagic...)
	out = binary.AppendUvarint(out, BookSnapshotVersion)
	out = binary.AppendUvarint(out, uint64(len(e.strs)))
	for _, s := range e.strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
	}
	for _, s := range e.strs {
		out = append(out, s...)
	}
	out = append(out, e.body...)
	return binary.BigEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Why a snapshot could not be decoded.
var (
	errSnapshotTorn    = errors.New("the snapshot is torn (its checksum does not match)")
	errSnapshotVersion = errors.New("the snapshot is of another version")
	errSnapshotCorrupt = errors.New("the snapshot does not decode")
)

// decodeBook decodes a snapshot made by encodeBook into a fresh book (its
// journal empty) and the number of ops it holds.
func decodeBook(data []byte) (*Book, int, error) {
	if len(data) < len(bookMagic)+4 || string(data[:len(bookMagic)]) != bookMagic {
		return nil, 0, errSnapshotCorrupt
	}
	body, sum := data[:len(data)-4], binary.BigEndian.Uint32(data[len(data)-4:])
	d := &bookDecoder{data: body, off: len(bookMagic)}
	if v := d.uvarint(); d.err == nil && v != BookSnapshotVersion {
		return nil, 0, fmt.Errorf("%w: %d, this bot reads %d", errSnapshotVersion, v, BookSnapshotVersion)
	}
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, 0, errSnapshotTorn
	}
	d.table()
	ops := d.count()
	b := NewBook()
	b.last = d.op()
	b.rec.period = d.str()
	d.needs(b.rec)
	d.promises(b.rec)
	d.statuses(b.rec)
	decodeIndex(d, b.rec.byNeed, func(s string) PromiseID { return PromiseID(s) })
	decodeIndex(d, b.rec.byGiver, func(s string) PromiseID { return PromiseID(s) })
	decodeIndex(d, b.rec.byOwner, func(s string) NeedID { return NeedID(s) })
	for range d.count() {
		b.rec.byReaction[EventID(d.str())] = PromiseID(d.str())
	}
	d.agreements(b.rec)
	if d.err == nil && d.off != len(d.data) {
		d.err = errSnapshotCorrupt
	}
	if d.err != nil {
		return nil, 0, d.err
	}
	return b, ops, nil
}

// bookDecoder reads a snapshot; its first error sticks, and every read
// after it returns zero values.
type bookDecoder struct {
	data []byte
	off  int
	strs []string
	err  error
}

func (d *bookDecoder) fail() { d.err = errSnapshotCorrupt }

func (d *bookDecoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.off:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.off += n
	return v
}

func (d *bookDecoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data[d.off:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.off += n
	return v
}

// count reads a number of things that follow: each takes a byte at
// least, so a count beyond the bytes left is corrupt.
func (d *bookDecoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.data)-d.off) {
		d.fail()
		return 0
	}
	return int(n)
}

// optCount reads the length of a list that may be nil (-1).
func (d *bookDecoder) optCount() int {
	n := d.uvarint()
	if n > uint64(len(d.data)-d.off)+1 {
		d.fail()
		return -1
	}
	return int(n) - 1
}

// table reads the string table: every string is a slice of one string
// made of all their bytes, one allocation for them all.
func (d *bookDecoder) table() {
	n := d.count()
	lens := make([]int, n)
	total := 0
	for i := range lens {
		lens[i] = d.count()
		total += lens[i]
	}
	if d.err != nil || total > len(d.data)-d.off {
		d.fail()
		return
	}
	all := string(d.data[d.off : d.off+total])
	d.off += total
	d.strs = make([]string, n)
	at := 0
	for i, l := range lens {
		d.strs[i] = all[at : at+l]
		at += l
	}
}

func (d *bookDecoder) str() string {
	i := d.uvarint()
	if d.err != nil {
		return ""
	}
	if i >= uint64(len(d.strs)) {
		d.fail()
		return ""
	}
	return d.strs[i]
}

// The seconds a snapshot's time may hold: from the zero time to far
// beyond any event's.
const (
	zeroUnix = -62135596800 // time.Time{}.Unix()
	maxUnix  = 1 << 40
)

func (d *bookDecoder) time() time.Time {
	sec, nsec := d.varint(), d.uvarint()
	if d.err != nil || nsec >= 1e9 || sec < zeroUnix || sec > maxUnix {
		d.fail()
		return time.Time{}
	}
	return time.Unix(sec, int64(nsec)).UTC()
}

func (d *bookDecoder) amount() Amount {
	return Amount{Minor: d.varint(), Currency: Currency(d.str())}
}

func (d *bookDecoder) bool() bool {
	switch d.uvarint() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

func (d *bookDecoder) op() Op {
	n := d.count()
	if d.err != nil {
		return Op{}
	}
	var o Op
	if err := json.Unmarshal(d.data[d.off:d.off+n], &o); err != nil {
		d.fail()
	}
	d.off += n
	return o
}

func (d *bookDecoder) needs(r *records) {
	n := d.count()
	r.needs = make(map[NeedID]*Need, n)
	for range n {
		x := &Need{ID: NeedID(d.str()), Kind: NeedKind(d.str()), Owner: UserID(d.str()), Target: d.amount(),
			Deadline: d.time(), State: NeedState(d.str()), OpenedAt: d.time(), ClosedAt: d.time(),
			ClosedBy: EventID(d.str()), Title: d.str(), Circle: CircleID(d.str()), Report: d.str(),
			ReachedAt: d.time(), FundedAt: d.time()}
		if k := d.optCount(); k >= 0 {
			x.eligible = make([]UserID, k)
			for i := range x.eligible {
				x.eligible[i] = UserID(d.str())
			}
		}
		r.needs[x.ID] = x
	}
}

func (d *bookDecoder) promises(r *records) {
	n := d.count()
	r.promises = make(map[PromiseID]*Promise, n)
	for range n {
		p := &Promise{ID: PromiseID(d.str()), Need: NeedID(d.str()), Giver: UserID(d.str()),
			Beneficiary: UserID(d.str()), Amount: d.amount(), State: PromiseState(d.str()),
			Reaction: EventID(d.str()), CreatedAt: d.time(), UpdatedAt: d.time(), UpdatedBy: EventID(d.str()),
			Overdue: d.bool(), Period: d.str(), Renewed: d.bool(), Cleared: d.bool(), CommittedAt: d.time(),
			SentMinor: d.varint(), GotMinor: d.varint()}
		r.promises[p.ID] = p
	}
}

func (d *bookDecoder) statuses(r *records) {
	n := d.count()
	r.statuses = make(map[UserID]*MemberStatus, n)
	for range n {
		s := &MemberStatus{Member: UserID(d.str()), Status: Status(d.str()), Previous: Status(d.str()),
			Need: NeedID(d.str()), ChangedAt: d.time()}
		if k := d.optCount(); k >= 0 {
			s.Kassa = make([]KassaMax, k)
			for i := range s.Kassa {
				s.Kassa[i] = KassaMax{Circle: CircleID(d.str()), Max: d.amount()}
			}
		}
		r.statuses[s.Member] = s
	}
}

// decodeIndex reads an index written by bookEncoder.index into m.
func decodeIndex[K ~string, V ~string](d *bookDecoder, m map[K][]V, conv func(string) V) {
	for range d.count() {
		k := K(d.str())
		n := d.optCount()
		if n < 0 {
			m[k] = nil
			continue
		}
		list := make([]V, n)
		for i := range list {
			list[i] = conv(d.str())
		}
		m[k] = list
	}
}

func (d *bookDecoder) agreements(r *records) {
	for range d.count() {
		id := d.str()
		n := d.optCount()
		set := make(map[UserID]bool, max(n, 0))
		for range n {
			set[UserID(d.str())] = true
		}
		r.agreements[id] = set
	}
}
