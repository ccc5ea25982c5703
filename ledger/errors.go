package ledger

import (
	"errors"
	"fmt"
)

// Code classifies an Error. The edges (bot, web) map codes to answers and
// HTTP statuses.
type Code string

// The error codes of the ledger.
const (
	// EInvalid means the input was malformed or out of bounds.
	EInvalid Code = "invalid"
	// ENotFound means the thing asked for does not exist.
	ENotFound Code = "not_found"
	// EUnauthorized means the caller is not known: no, a bad or an expired
	// credential.
	EUnauthorized Code = "unauthorized"
	// EForbidden means the actor may not do this.
	EForbidden Code = "forbidden"
	// EConflict means the action contradicts the current state.
	EConflict Code = "conflict"
	// ERateLimited means the actor did this too often.
	ERateLimited Code = "rate_limited"
	// EInternal means something broke that the member cannot fix.
	EInternal Code = "internal"
)

// Error is the one error type of the domain. Key names the message in the
// member-facing catalogue (the bot and web render it in the member's
// language); Args fill its placeholders.
type Error struct {
	Code Code
	Key  string
	Args []any
}

// Error returns a plain English description, for logs.
func (e *Error) Error() string {
	if len(e.Args) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Key)
	}
	return fmt.Sprintf("%s: %s %v", e.Code, e.Key, e.Args)
}

// Errorf returns an *Error with the given code, message key and arguments.
func Errorf(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// ErrorCode returns the code of the first *Error in err's chain, EInternal
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// AsError returns the first *Error in err's chain, or nil.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}
