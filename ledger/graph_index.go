package ledger

import "hash/maphash"

// idIndex numbers member IDs in order of first appearance. It is an
// open-addressing hash table over an arena that holds each ID's bytes
// once; neither holds a pointer, so the garbage collector never scans the
// million entries of a large network, and a lookup touches two places in
// memory (the slot, the ID's bytes) rather than a map's three or four.
type idIndex struct {
	seed  maphash.Seed
	slots []idSlot // a power of two, at most half full
	arena []byte   // the IDs' bytes, until freeze
	str   string   // the same bytes, after freeze
	n     uint32   // IDs numbered
	done  bool     // frozen
}

// idSlot is one entry of idIndex: the ID numbered num, whose bytes are
// arena[off:off+ln]; fp is a fingerprint of its hash, never 0 (0 marks an
// empty slot).
type idSlot struct{ fp, num, off, ln uint32 }

// newIDIndex returns an empty index.
func newIDIndex() *idIndex {
	return &idIndex{seed: maphash.MakeSeed(), slots: make([]idSlot, 1<<10)}
}

// find returns the position of u's slot, or of the empty slot where u
// would go, and u's fingerprint.
func (x *idIndex) find(u UserID) (int, uint32) {
	h := maphash.String(x.seed, string(u))
	fp := uint32(h>>32) | 1
	mask := uint64(len(x.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s.fp == 0 || (s.fp == fp && x.holds(s, u)) {
			return int(i), fp
		}
	}
}

// holds reports whether s is u's slot.
func (x *idIndex) holds(s idSlot, u UserID) bool {
	if x.done {
		return x.str[s.off:s.off+s.ln] == string(u)
	}
	return string(x.arena[s.off:s.off+s.ln]) == string(u)
}

// number returns u's number, false if u has none.
func (x *idIndex) number(u UserID) (int32, bool) {
	i, _ := x.find(u)
	s := x.slots[i]
	return int32(s.num), s.fp != 0
}

// intern returns u's number, numbering u if it is new. It must not be
// called after freeze.
func (x *idIndex) intern(u UserID) int32 {
	i, fp := x.find(u)
	if s := x.slots[i]; s.fp != 0 {
		return int32(s.num)
	}
	x.slots[i] = idSlot{fp: fp, num: x.n, off: uint32(len(x.arena)), ln: uint32(len(u))}
	x.arena = append(x.arena, u...)
	x.n++
	if 2*x.n > uint32(len(x.slots)) {
		x.grow()
	}
	return int32(x.n - 1)
}

// grow doubles the table.
func (x *idIndex) grow() {
	old := x.slots
	x.slots = make([]idSlot, 2*len(old))
	mask := uint64(len(x.slots) - 1)
	for _, s := range old {
		if s.fp == 0 {
			continue
		}
		i := maphash.Bytes(x.seed, x.arena[s.off:s.off+s.ln]) & mask
		for x.slots[i].fp != 0 {
			i = (i + 1) & mask
		}
		x.slots[i] = s
	}
}

// freeze ends the numbering and returns the IDs by number; they share the
// index's one copy of their bytes.
func (x *idIndex) freeze() []UserID {
	if !x.done {
		x.str, x.arena, x.done = string(x.arena), nil, true
	}
	ids := make([]UserID, x.n)
	for _, s := range x.slots {
		if s.fp != 0 {
			ids[s.num] = UserID(x.str[s.off : s.off+s.ln])
		}
	}
	return ids
}
