package ledger

import "time"

// TokenScope is what a personal API token may do.
type TokenScope string

// The token scopes.
const (
	ScopeRead  TokenScope = "read"
	ScopeWrite TokenScope = "write"
)

// MaxTokenNameRunes bounds a token's name.
const MaxTokenNameRunes = 32

// ValidTokenName reports whether a token name is 1..MaxTokenNameRunes of
// letters, digits, '-', '_' and '.'.
func ValidTokenName(name string) bool {
	if name == "" || len([]rune(name)) > MaxTokenNameRunes {
		return false
	}
	for _, r := range name {
		ok := r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= 'а' && r <= 'я') || (r >= 'А' && r <= 'Я') || r == 'ё' || r == 'Ё'
		if !ok {
			return false
		}
	}
	return true
}

// Token is a member's personal API token. Only its hash is kept: the
// secret is shown once, when it is made.
type Token struct {
	Member    UserID
	Name      string
	Scope     TokenScope
	Hash      string
	CreatedAt time.Time
}

// LoginLink is a one-time link that logs a member into the web organizer.
type LoginLink struct {
	Hash      string
	Member    UserID
	ExpiresAt time.Time
	UsedAt    time.Time // zero until used
}

// Session is a member logged into the web organizer.
type Session struct {
	Hash      string
	Member    UserID
	CreatedAt time.Time
	ExpiresAt time.Time
}
