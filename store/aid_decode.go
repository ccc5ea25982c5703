package store

import (
	"encoding/json"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
)

// decodeOp decodes an op's JSON body (as AppendOp wrote it) into op,
// exactly as encoding/json would. A replay reads every op recorded, and
// encoding/json's reflection was most of its work and of its allocations:
// the fields AppendOp writes for the common ops are read here by hand,
// and the kinds, statuses and currencies that are the package's constants
// share their strings. Anything else (a string with an escape or not
// valid UTF-8, a key in other case or unknown, a cycle, a chain, members,
// null, a number in another form, bytes after the object) is left to
// encoding/json, on a zero op.
func decodeOp(body []byte, op *ledger.Op) error {
	*op = ledger.Op{}
	d := opDecoder{b: body}
	if d.object(op) && d.end() {
		return nil
	}
	*op = ledger.Op{}
	return json.Unmarshal(body, op)
}

// opDecoder reads the body b from position i; each method reports false
// when the body is not of the form it reads by hand.
type opDecoder struct {
	b []byte
	i int
}

// object reads the op's object, one known key after the other.
func (d *opDecoder) object(op *ledger.Op) bool {
	return d.members(func(key []byte) bool { return d.field(op, key) })
}

// members reads an object whose every key field reads the value of: false
// when a key is not one it reads, or the object is not of the hand-read
// form.
func (d *opDecoder) members(field func(key []byte) bool) bool {
	if !d.byte('{') {
		return false
	}
	if d.peek() == '}' {
		d.i++
		return true
	}
	for {
		key, ok := d.raw()
		if !ok || !d.byte(':') || !field(key) {
			return false
		}
		switch d.next() {
		case ',':
		case '}':
			return true
		default:
			return false
		}
	}
}

// field reads the value of one key into op.
func (d *opDecoder) field(op *ledger.Op, key []byte) bool {
	switch string(key) {
	case "kind":
		return d.str((*string)(&op.Kind), kinds)
	case "event":
		return d.str((*string)(&op.Event), nil)
	case "actor":
		return d.str((*string)(&op.Actor), nil)
	case "at":
		return d.time(&op.At)
	case "need":
		return d.str((*string)(&op.Need), nil)
	case "status":
		return d.str((*string)(&op.Status), statuses)
	case "amount":
		return d.amount(&op.Amount)
	case "days":
		return d.int(&op.Days)
	case "default":
		return d.amount(&op.Default)
	case "giver":
		return d.str((*string)(&op.Giver), nil)
	case "reaction":
		return d.str((*string)(&op.Reaction), nil)
	case "target":
		return d.str((*string)(&op.Target), nil)
	case "month":
		return d.str(&op.Month, nil)
	case "text":
		return d.str(&op.Text, nil)
	case "until":
		return d.time(&op.Until)
	case "circle":
		return d.str((*string)(&op.Circle), nil)
	case "poll":
		return d.bool(&op.Poll)
	}
	return false // cycle, chain, members, or a key encoding/json matches otherwise
}

// amount reads an Amount's object into a (in place, as encoding/json does).
func (d *opDecoder) amount(a *ledger.Amount) bool {
	return d.members(func(key []byte) bool {
		switch string(key) {
		case "Minor":
			return d.int64(&a.Minor)
		case "Currency":
			return d.str((*string)(&a.Currency), currencies)
		}
		return false
	})
}

// raw reads a string with no escape, no control character and valid
// UTF-8 (which encoding/json takes as it is), and returns its bytes (the
// body's).
func (d *opDecoder) raw() ([]byte, bool) {
	if !d.byte('"') {
		return nil, false
	}
	start, ascii := d.i, true
	for ; d.i < len(d.b); d.i++ {
		switch c := d.b[d.i]; {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			return s, ascii || utf8.Valid(s)
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, false
}

// str reads a string into s, shared with its equal in known if there is one.
func (d *opDecoder) str(s *string, known map[string]string) bool {
	b, ok := d.raw()
	if !ok {
		return false
	}
	if k, found := known[string(b)]; found {
		*s = k
	} else {
		*s = string(b)
	}
	return true
}

// time reads a time as encoding/json does (time.Time's strict RFC 3339).
func (d *opDecoder) time(t *time.Time) bool {
	b, ok := d.raw()
	return ok && t.UnmarshalText(b) == nil
}

// int64 reads an integer in JSON's form (no fraction, no exponent, no
// leading zero) that fits.
func (d *opDecoder) int64(n *int64) bool {
	start := d.i
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	digits := d.i
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	if d.i == digits || (d.b[digits] == '0' && d.i > digits+1) {
		return false
	}
	if d.i < len(d.b) && (d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		return false
	}
	v, err := strconv.ParseInt(string(d.b[start:d.i]), 10, 64)
	*n = v
	return err == nil
}

// int reads an integer that fits an int.
func (d *opDecoder) int(n *int) bool {
	var v int64
	if !d.int64(&v) || int64(int(v)) != v {
		return false
	}
	*n = int(v)
	return true
}

// bool reads true or false.
func (d *opDecoder) bool(v *bool) bool {
	rest := d.b[d.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		*v, d.i = true, d.i+4
	case len(rest) >= 5 && string(rest[:5]) == "false":
		*v, d.i = false, d.i+5
	default:
		return false
	}
	return !d.letterNext()
}

// letterNext reports whether a letter follows (true or false then was not
// the whole literal).
func (d *opDecoder) letterNext() bool {
	if d.i >= len(d.b) {
		return false
	}
	c := d.b[d.i] | 0x20
	return c >= 'a' && c <= 'z'
}

// byte skips spaces and reads c.
func (d *opDecoder) byte(c byte) bool {
	if d.peek() != c {
		return false
	}
	d.i++
	return true
}

// next skips spaces and reads a byte (0 at the end).
func (d *opDecoder) next() byte {
	c := d.peek()
	if d.i < len(d.b) {
		d.i++
	}
	return c
}

// peek skips spaces and returns the next byte (0 at the end).
func (d *opDecoder) peek() byte {
	for d.i < len(d.b) {
		switch c := d.b[d.i]; c {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return c
		}
	}
	return 0
}

// end reports whether only spaces are left.
func (d *opDecoder) end() bool { return d.peek() == 0 && d.i == len(d.b) }

// The strings most ops repeat, each shared by every op that holds it.
var (
	kinds = shared(ledger.OpStatus, ledger.OpIntend, ledger.OpWithdraw, ledger.OpUnreact, ledger.OpCommit,
		ledger.OpSent, ledger.OpGot, ledger.OpForgive, ledger.OpLeave, ledger.OpInitiative, ledger.OpDone,
		ledger.OpKassa, ledger.OpClaim, ledger.OpApprove, ledger.OpAgree, ledger.OpLeaveCircle,
		ledger.OpRollover, ledger.OpDeadline)
	statuses   = shared(ledger.StatusGreen, ledger.StatusOrange, ledger.StatusRed)
	currencies = shared("EUR", "USD", "RSD", "GBP", "CHF", "RUB", "UAH", ledger.Hours, ledger.Items)
)

func shared[S ~string](list ...S) map[string]string {
	m := make(map[string]string, len(list))
	for _, s := range list {
		m[string(s)] = string(s)
	}
	return m
}
