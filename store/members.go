package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"go.mau.fi/util/dbutil"

	"github.com/exodus-matrix/exodus/ledger"
)

// Members keeps member records and profiles: ledger.MemberStore. Both
// are kept in memory between transactions too (kept).
type Members struct {
	db       *dbutil.Database
	members  *kept[ledger.UserID, *ledger.Member]
	profiles *kept[ledger.UserID, *ledger.Profile]
}

var _ ledger.MemberStore = (*Members)(nil)

// amountJSON is how one Amount of Member.PoolSeen is stored in JSON.
type amountJSON struct {
	Minor    int64  `json:"minor"`
	Currency string `json:"currency"`
}

// encodeAmounts renders amounts as a JSON array.
func encodeAmounts(amounts []ledger.Amount) (string, error) {
	list := make([]amountJSON, len(amounts))
	for i, a := range amounts {
		list[i] = amountJSON{Minor: a.Minor, Currency: string(a.Currency)}
	}
	b, err := json.Marshal(list)
	if err != nil {
		return "", fmt.Errorf("failed to encode amounts: %w", err)
	}
	return string(b), nil
}

// decodeAmounts parses a JSON array of amounts; an empty array gives nil.
func decodeAmounts(text string) ([]ledger.Amount, error) {
	var list []amountJSON
	if text != "" {
		if err := json.Unmarshal([]byte(text), &list); err != nil {
			return nil, fmt.Errorf("failed to decode amounts: %w", err)
		}
	}
	if len(list) == 0 {
		return nil, nil
	}
	amounts := make([]ledger.Amount, len(list))
	for i, a := range list {
		amounts[i] = ledger.Amount{Minor: a.Minor, Currency: ledger.Currency(a.Currency)}
	}
	return amounts, nil
}

const memberColumns = `user_id, lang, lang_chosen, direct_room, pool_seen, pool_seen_count, pool_seen_at, created_at`

// scanMember reads one row of memberColumns.
func scanMember(row dbutil.Scannable) (*ledger.Member, error) {
	var (
		m                  ledger.Member
		id, lang, room     string
		poolSeen           string
		poolSeenAt, create int64
	)
	err := row.Scan(&id, &lang, &m.LangChosen, &room, &poolSeen, &m.PoolSeenCount, &poolSeenAt, &create)
	if err != nil {
		return nil, err
	}
	if m.PoolSeen, err = decodeAmounts(poolSeen); err != nil {
		return nil, err
	}
	m.ID, m.Lang, m.DirectRoom = ledger.UserID(id), ledger.Lang(lang), ledger.RoomID(room)
	m.PoolSeenAt, m.CreatedAt = fromMS(poolSeenAt), fromMS(create)
	return &m, nil
}

// GetMember returns the member with the given ID, or an ENotFound error
// "member.not_found". Within a transaction a record is read once
// (txCache); between transactions it is kept in memory (kept), except for
// a transaction that wrote it, which reads the table.
func (s *Members) GetMember(ctx context.Context, id ledger.UserID) (*ledger.Member, error) {
	cache := cacheOf(ctx, s.db)
	if m, ok := cache.member(id); ok {
		return m, nil
	}
	at, shared := s.members.clock(), true
	if cache != nil {
		at, shared = cache.keptMembers.start, !cache.keptMembers.wrote(id)
	}
	if m, ok := s.members.get(id); ok && shared {
		return memberOrNotFound(cache, m)
	}
	m, err := scanMember(s.db.QueryRow(ctx,
		`SELECT `+memberColumns+` FROM members WHERE user_id = $1`, string(id)))
	if err != nil {
		err = notFound(err, "member.not_found", "get member")
		if shared && ledger.ErrorCode(err) == ledger.ENotFound {
			s.members.offer(id, nil, at)
		}
		return nil, err
	}
	cache.putMember(m)
	if shared {
		s.members.offer(id, m, at)
	}
	return m, nil
}

// memberOrNotFound returns m, cached in the transaction's cache, or an
// ENotFound error "member.not_found" when m is nil.
func memberOrNotFound(cache *txCache, m *ledger.Member) (*ledger.Member, error) {
	if m == nil {
		return nil, ledger.Errorf(ledger.ENotFound, "member.not_found")
	}
	cache.putMember(m)
	return m, nil
}

// copyMember returns a copy of m that shares nothing with it (nil for
// nil).
func copyMember(m *ledger.Member) *ledger.Member {
	if m == nil {
		return nil
	}
	cp := *m
	cp.PoolSeen = slices.Clone(m.PoolSeen)
	return &cp
}

// PutMember inserts or replaces a member.
func (s *Members) PutMember(ctx context.Context, m *ledger.Member) error {
	poolSeen, err := encodeAmounts(m.PoolSeen)
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `
		INSERT INTO members (`+memberColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (user_id) DO UPDATE SET
			lang = excluded.lang, lang_chosen = excluded.lang_chosen, direct_room = excluded.direct_room,
			pool_seen = excluded.pool_seen, pool_seen_count = excluded.pool_seen_count,
			pool_seen_at = excluded.pool_seen_at, created_at = excluded.created_at`,
		string(m.ID), string(m.Lang), m.LangChosen, string(m.DirectRoom), poolSeen,
		m.PoolSeenCount, toMS(m.PoolSeenAt), toMS(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("failed to put member: %w", err)
	}
	cache := cacheOf(ctx, s.db)
	cache.putMember(m)
	num := s.members.write(m.ID)
	if cache == nil {
		s.members.ended(m.ID, num, m, true) // committed
		return nil
	}
	cache.keptMembers.writes = append(cache.keptMembers.writes,
		keptWrite[ledger.UserID, *ledger.Member]{key: m.ID, num: num, val: copyMember(m), put: true})
	return nil
}

// GetProfile returns a member's profile, or an ENotFound error
// "profile.not_found". Within a transaction a profile (or its absence) is
// read once (txCache); between transactions it is kept in memory (kept),
// except for a transaction that wrote it, which reads the table.
func (s *Members) GetProfile(ctx context.Context, u ledger.UserID) (*ledger.Profile, error) {
	cache := cacheOf(ctx, s.db)
	if p, ok := cache.profile(u); ok {
		return profileOrNotFound(p)
	}
	at, shared := s.profiles.clock(), true
	if cache != nil {
		at, shared = cache.keptProfiles.start, !cache.keptProfiles.wrote(u)
	}
	if p, ok := s.profiles.get(u); ok && shared {
		cache.putProfile(u, p)
		return profileOrNotFound(p)
	}
	p, err := s.readProfile(ctx, u)
	if err == nil || ledger.ErrorCode(err) == ledger.ENotFound {
		cache.putProfile(u, p)
		if shared {
			s.profiles.offer(u, p, at)
		}
	}
	return p, err
}

// profileOrNotFound returns p, or an ENotFound error "profile.not_found"
// when p is nil.
func profileOrNotFound(p *ledger.Profile) (*ledger.Profile, error) {
	if p == nil {
		return nil, ledger.Errorf(ledger.ENotFound, "profile.not_found")
	}
	return p, nil
}

// copyProfile returns a copy of p that shares nothing with it (nil for
// nil).
func copyProfile(p *ledger.Profile) *ledger.Profile {
	if p == nil {
		return nil
	}
	cp := *p
	cp.Requisites, cp.Muted = slices.Clone(p.Requisites), slices.Clone(p.Muted)
	return &cp
}

// readProfile reads a member's profile from the database.
func (s *Members) readProfile(ctx context.Context, u ledger.UserID) (*ledger.Profile, error) {
	var about, reqs, muted, zone string
	err := s.db.QueryRow(ctx, `SELECT about, requisites, muted, timezone FROM profiles WHERE user_id = $1`,
		string(u)).Scan(&about, &reqs, &muted, &zone)
	if err != nil {
		return nil, notFound(err, "profile.not_found", "get profile")
	}
	p := &ledger.Profile{Member: u, About: about, TimeZone: zone}
	if err := json.Unmarshal([]byte(reqs), &p.Requisites); err != nil {
		return nil, fmt.Errorf("failed to decode requisites: %w", err)
	}
	if err := json.Unmarshal([]byte(muted), &p.Muted); err != nil {
		return nil, fmt.Errorf("failed to decode muted kinds: %w", err)
	}
	return p, nil
}

// PutProfile inserts or replaces a profile.
func (s *Members) PutProfile(ctx context.Context, p *ledger.Profile) error {
	reqs, err := json.Marshal(nonNil(p.Requisites))
	if err != nil {
		return fmt.Errorf("failed to encode requisites: %w", err)
	}
	muted, err := json.Marshal(nonNil(p.Muted))
	if err != nil {
		return fmt.Errorf("failed to encode muted kinds: %w", err)
	}
	_, err = s.db.Exec(ctx, `
		INSERT INTO profiles (user_id, about, requisites, muted, timezone) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (user_id) DO UPDATE SET about = excluded.about,
			requisites = excluded.requisites, muted = excluded.muted, timezone = excluded.timezone`,
		string(p.Member), p.About, string(reqs), string(muted), p.TimeZone)
	if err != nil {
		return fmt.Errorf("failed to save profile: %w", err)
	}
	s.wrote(ctx, p.Member, p)
	return nil
}

// wrote notes that u's profile was written (p, nil when deleted): in the
// transaction's cache, and for the profiles kept between transactions
// (dropped now, put when the transaction commits).
func (s *Members) wrote(ctx context.Context, u ledger.UserID, p *ledger.Profile) {
	cache := cacheOf(ctx, s.db)
	cache.putProfile(u, p)
	num := s.profiles.write(u)
	if cache == nil {
		s.profiles.ended(u, num, p, true) // committed
		return
	}
	cache.keptProfiles.writes = append(cache.keptProfiles.writes,
		keptWrite[ledger.UserID, *ledger.Profile]{key: u, num: num, val: copyProfile(p), put: true})
}

// nonNil turns a nil slice into an empty one, so it encodes as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// DeleteProfile erases a member's profile.
func (s *Members) DeleteProfile(ctx context.Context, u ledger.UserID) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM profiles WHERE user_id = $1`, string(u)); err != nil {
		return fmt.Errorf("failed to delete profile: %w", err)
	}
	s.wrote(ctx, u, nil)
	return nil
}
