package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/exodus-matrix/exodus/ledger"
)

// This file checks the input of the write routes before anything goes to
// the actor: every refusal here is a 400 with the reason.

// decodeOptional reads a JSON body into v like decode, but an empty body
// is fine (the route's fields are all optional).
func decodeOptional(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return ledger.Errorf(ledger.EInvalid, "api.too_large", maxBody)
	}
	return errBadJSON(err)
}

// apiRequired refuses an empty field.
func apiRequired(field, value string) error {
	if strings.TrimSpace(value) == "" {
		return ledger.Errorf(ledger.EInvalid, "api.required", field)
	}
	return nil
}

// apiAmount reads an amount sent as a string ("12.50", "12.50 EUR",
// "€12.50") the way the chat reads it; without a currency it is in def.
func apiAmount(field, s string, def ledger.Currency) (ledger.Amount, error) {
	if err := apiRequired(field, s); err != nil {
		return ledger.Amount{}, err
	}
	return ledger.ParseAmount(s, def)
}

// apiUser reads a member's Matrix ID.
func apiUser(field, s string) (ledger.UserID, error) {
	if err := apiRequired(field, s); err != nil {
		return "", err
	}
	return ledger.ParseUserID(strings.TrimSpace(s))
}

// apiCheckText refuses a free text (about, requisites, reports, reasons) with
// control characters other than tabs and line breaks, or bidi overrides,
// or longer than max runes: the chat's rule.
func apiCheckText(s string, max int) error {
	if !utf8.ValidString(s) || strings.IndexFunc(s, apiBadRune) >= 0 {
		return ledger.Errorf(ledger.EInvalid, "cmd.bad_text")
	}
	if utf8.RuneCountInString(s) > max {
		return ledger.Errorf(ledger.EInvalid, "cmd.text_too_long", max)
	}
	return nil
}

// apiCheckName is apiCheckText for a one-line text (an initiative's title): no
// line breaks or tabs either.
func apiCheckName(s string, max int) error {
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return ledger.Errorf(ledger.EInvalid, "cmd.bad_text")
	}
	return apiCheckText(s, max)
}

// apiBadRune reports whether r may not appear in a free text: a control
// character other than a tab or a line break, or a bidi embedding,
// override or isolate (which could disguise payment details).
func apiBadRune(r rune) bool {
	if r == '\n' || r == '\r' || r == '\t' {
		return false
	}
	return unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// apiIndex reads the 1-based number of a requisite in the path.
func apiIndex(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > ledger.MaxRequisites {
		return 0, ledger.Errorf(ledger.EInvalid, "api.bad_index", s, ledger.MaxRequisites)
	}
	return n, nil
}

// apiDeadline reads an initiative's deadline: a date (YYYY-MM-DD; the
// initiative ends when that day ends in the member's time zone, loc) or
// an RFC 3339 moment (it ends then, to the minute). It returns the fields
// of a Command: the date (with the time of day, in loc, written on UTC)
// and whether a time of day was given; the bot reads them in the same
// zone.
func apiDeadline(s string, loc *time.Location) (time.Time, bool, error) {
	bad := ledger.Errorf(ledger.EInvalid, "api.bad_date", s)
	if loc == nil {
		loc = time.UTC
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if d.Year() < 1000 {
			return time.Time{}, false, bad
		}
		return d, false, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false, bad
	}
	t = t.In(loc)
	if t.Year() < 1000 {
		return time.Time{}, false, bad
	}
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC), true, nil
}

// apiCycleID reads a clearing cycle's ID: hexadecimal, as the proposal
// shows it, upper-cased.
func apiCycleID(s string) (string, error) {
	ok := s != "" && len(s) <= 32 && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= '0' && r <= '9') && !(r >= 'a' && r <= 'f') && !(r >= 'A' && r <= 'F')
	}) < 0
	if !ok {
		return "", ledger.Errorf(ledger.EInvalid, "api.bad_cycle", s)
	}
	return strings.ToUpper(s), nil
}
