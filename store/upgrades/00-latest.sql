-- v0 -> v14: Latest schema
-- This file is the whole latest schema: a fresh database is created from it
-- in one step (dbutil runs the upgrade "v0 -> vN" and lands at vN), while a
-- database at an older version goes through the numbered files from its own
-- version on (NN-name.sql upgrades vNN to vNN+1). A shipped numbered file is
-- never edited. A new migration is two changes: add NN-name.sql (the next
-- number, "-- vNN -> vNN+1: ...") AND write its effect here, raising the
-- header's target version to NN+1. TestSchemaLatestEqualsNumbered (SQLite,
-- and Postgres in TestPostgres) compares a database created from this file
-- with one created from testdata/v1.sql and every numbered file, and fails
-- on a forgotten one.
--
-- Amounts are BIGINT minor units plus a TEXT currency; times are BIGINT unix
-- milliseconds (0 when unset); optional IDs under a unique constraint or an
-- index (invitation code and card) are NULL when empty.
--
-- Matrix IDs and codes have type id_text, which sorts in byte order ("C"
-- collation), as Go compares strings: on SQLite any type name containing
-- "TEXT" has text affinity and the default collation is binary; on Postgres
-- the domain below fixes the collation whatever the database locale.
-- only: postgres
CREATE DOMAIN id_text AS TEXT COLLATE "C";

CREATE TABLE applied_events (
	event_id   id_text PRIMARY KEY,
	applied_at BIGINT  NOT NULL
);

CREATE TABLE members (
	user_id         id_text PRIMARY KEY,
	lang            TEXT    NOT NULL DEFAULT '',
	-- true once the member chose the language with `lang`
	lang_chosen     BOOLEAN NOT NULL DEFAULT false,
	direct_room     id_text NOT NULL DEFAULT '',
	-- JSON array of amounts: [{"minor":1250,"currency":"EUR"}]
	pool_seen       TEXT    NOT NULL DEFAULT '[]',
	pool_seen_count INTEGER NOT NULL DEFAULT 0,
	pool_seen_at    BIGINT  NOT NULL DEFAULT 0,
	created_at      BIGINT  NOT NULL
);

CREATE TABLE circles (
	circle_id       id_text PRIMARY KEY,
	name            TEXT    NOT NULL,
	pledge_minor    BIGINT  NOT NULL,
	pledge_currency TEXT    NOT NULL,
	lang            TEXT    NOT NULL DEFAULT '',
	owner           id_text NOT NULL,
	created_at      BIGINT  NOT NULL,
	created_by      id_text NOT NULL,
	-- the bot that answers in the circle (several bots may follow one circle)
	answering_bot   id_text NOT NULL DEFAULT ''
);

CREATE TABLE circle_members (
	circle_id  id_text NOT NULL,
	user_id    id_text NOT NULL,
	joined     BOOLEAN NOT NULL,
	changed_at BIGINT  NOT NULL,
	role       TEXT    NOT NULL DEFAULT '', -- '', 'co_owner', 'removed'
	PRIMARY KEY (circle_id, user_id)
);
CREATE INDEX circle_members_user_idx ON circle_members (user_id, circle_id);
CREATE INDEX circle_members_role_idx ON circle_members (circle_id, user_id) WHERE role <> '';

CREATE TABLE invitations (
	invitation_id   id_text PRIMARY KEY,
	circle_id       id_text NOT NULL,
	inviter         id_text NOT NULL,
	invitee         id_text NOT NULL DEFAULT '',
	code            id_text UNIQUE, -- NULL for a personal invitation
	pledge_minor    BIGINT  NOT NULL,
	pledge_currency TEXT    NOT NULL,
	card            id_text,        -- NULL until the bot posts a card
	status          TEXT    NOT NULL,
	created_at      BIGINT  NOT NULL,
	expires_at      BIGINT  NOT NULL DEFAULT 0,
	resolved_by     id_text NOT NULL DEFAULT '',
	resolved_at     BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX invitations_card_idx ON invitations (card);
CREATE INDEX invitations_invitee_idx ON invitations (invitee, status, created_at);

CREATE TABLE guarantees (
	a               id_text NOT NULL,
	b               id_text NOT NULL,
	circle_id       id_text NOT NULL,
	pledge_minor    BIGINT  NOT NULL,
	pledge_currency TEXT    NOT NULL,
	created_by      id_text NOT NULL,
	created_at      BIGINT  NOT NULL,
	PRIMARY KEY (a, b)
-- only: postgres
);
-- only: sqlite
) WITHOUT ROWID; -- stored in (a, b) order: Guarantees reads it as is
CREATE INDEX guarantees_b_idx ON guarantees (b);

CREATE TABLE blocks (
	blocker    id_text NOT NULL,
	blocked    id_text NOT NULL,
	created_by id_text NOT NULL,
	created_at BIGINT  NOT NULL,
	PRIMARY KEY (blocker, blocked)
);

CREATE TABLE actions (
	user_id id_text NOT NULL,
	kind    TEXT    NOT NULL,
	at      BIGINT  NOT NULL
);
CREATE INDEX actions_user_kind_at_idx ON actions (user_id, kind, at);

CREATE TABLE inbox (
	-- only: postgres
	seq         BIGSERIAL PRIMARY KEY,
	-- only: sqlite
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	event_id    id_text NOT NULL UNIQUE,
	room_id     id_text NOT NULL,
	-- only: postgres
	raw         BYTEA   NOT NULL,
	-- only: sqlite
	raw         BLOB    NOT NULL,
	received_at BIGINT  NOT NULL,
	done_at     BIGINT, -- NULL while pending
	error       TEXT    NOT NULL DEFAULT '',
	-- an encrypted event waiting for its room key: the megolm session it
	-- waits for (NULL: not waiting), and when it first waited (unix ms)
	wait_session TEXT,
	wait_since   BIGINT
);
CREATE INDEX inbox_pending_idx ON inbox (seq) WHERE done_at IS NULL AND wait_session IS NULL;
CREATE INDEX inbox_parked_idx ON inbox (wait_session) WHERE wait_session IS NOT NULL;

-- Mutual aid (ops, needs, promises, statuses, profiles, cards): aid_ops is
-- the source of truth of the mutual-aid ledger: every op, keyed by the
-- event that caused it, its fields in JSON. needs, promises, statuses and
-- kassa_maxima are its projection (the result of applying every op in
-- order of (at, event_id)), rewritten whole after a rebuild.
CREATE TABLE aid_ops (
	event_id id_text PRIMARY KEY,
	at       BIGINT  NOT NULL,
	actor    id_text NOT NULL,
	kind     TEXT    NOT NULL,
	body     TEXT    NOT NULL
);
CREATE INDEX aid_ops_order_idx ON aid_ops (at, event_id);

CREATE TABLE needs (
	need_id         id_text PRIMARY KEY,
	kind            TEXT    NOT NULL,
	owner           id_text NOT NULL,
	target_minor    BIGINT  NOT NULL,
	target_currency TEXT    NOT NULL,
	deadline        BIGINT  NOT NULL,
	state           TEXT    NOT NULL,
	opened_at       BIGINT  NOT NULL,
	closed_at       BIGINT  NOT NULL,
	closed_by       id_text NOT NULL,
	-- initiatives only
	title           TEXT    NOT NULL DEFAULT '',
	circle_id       id_text NOT NULL DEFAULT '',
	report          TEXT    NOT NULL DEFAULT '',
	reached_at      BIGINT  NOT NULL DEFAULT 0,
	funded_at       BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX needs_owner_idx ON needs (owner);

CREATE TABLE promises (
	promise_id   id_text PRIMARY KEY,
	need_id      id_text NOT NULL,
	giver        id_text NOT NULL,
	beneficiary  id_text NOT NULL,
	amount_minor BIGINT  NOT NULL,
	currency     TEXT    NOT NULL,
	state        TEXT    NOT NULL,
	reaction     id_text NOT NULL,
	overdue      BOOLEAN NOT NULL DEFAULT false,
	period       TEXT    NOT NULL DEFAULT '', -- the month it belongs to
	renewed      BOOLEAN NOT NULL DEFAULT false,
	cleared      BOOLEAN NOT NULL DEFAULT false, -- fulfilled by clearing a cycle
	created_at   BIGINT  NOT NULL,
	updated_at   BIGINT  NOT NULL,
	updated_by   id_text NOT NULL,
	committed_at BIGINT  NOT NULL DEFAULT 0, -- when it first became a commitment (0: never)
	sent_minor   BIGINT  NOT NULL DEFAULT 0, -- how much of it was sent (partial fulfilment)
	got_minor    BIGINT  NOT NULL DEFAULT 0  -- how much of it was confirmed
);
CREATE INDEX promises_need_idx ON promises (need_id);
CREATE INDEX promises_giver_idx ON promises (giver);
CREATE INDEX promises_beneficiary_idx ON promises (beneficiary);

CREATE TABLE statuses (
	user_id    id_text PRIMARY KEY,
	status     TEXT    NOT NULL,
	previous   TEXT    NOT NULL,
	need_id    id_text NOT NULL,
	changed_at BIGINT  NOT NULL
);

CREATE TABLE profiles (
	user_id    id_text PRIMARY KEY,
	about      TEXT    NOT NULL,
	requisites TEXT    NOT NULL, -- JSON array of {text, default}
	muted      TEXT    NOT NULL, -- JSON array of notice kinds
	timezone   TEXT    NOT NULL DEFAULT '' -- IANA name; '' for the cycle's
);

CREATE TABLE cards (
	event_id   id_text PRIMARY KEY,
	room_id    id_text NOT NULL,
	kind       TEXT    NOT NULL,
	circle_id  id_text NOT NULL,
	need_id    id_text NOT NULL,
	promise_id id_text NOT NULL
);
CREATE INDEX cards_need_idx ON cards (need_id);

-- Web and API access (personal API tokens, one-time login links, web
-- sessions): only SHA-256 hashes of the secrets are stored.
CREATE TABLE api_tokens (
	token_hash TEXT    PRIMARY KEY,
	user_id    id_text NOT NULL,
	name       id_text NOT NULL,
	scope      TEXT    NOT NULL,
	created_at BIGINT  NOT NULL,
	UNIQUE (user_id, name)
);

CREATE TABLE login_links (
	link_hash  TEXT    PRIMARY KEY,
	user_id    id_text NOT NULL,
	expires_at BIGINT  NOT NULL,
	used_at    BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX login_links_user_idx ON login_links (user_id);

CREATE TABLE web_sessions (
	session_hash TEXT    PRIMARY KEY,
	user_id      id_text NOT NULL,
	created_at   BIGINT  NOT NULL,
	expires_at   BIGINT  NOT NULL
);
CREATE INDEX web_sessions_user_idx ON web_sessions (user_id);

-- A member's monthly maximum for the kassa is declared per circle;
-- circle_id is '' for a maximum declared before maxima were per circle (it
-- applies to every circle the member declared none for).
CREATE TABLE kassa_maxima (
	user_id   id_text NOT NULL,
	circle_id id_text NOT NULL,
	max_minor BIGINT  NOT NULL,
	currency  TEXT    NOT NULL,
	PRIMARY KEY (user_id, circle_id)
);

-- Outbox of what the bot must say: written in the same transaction as the
-- change that called for it and deleted once the homeserver accepted it.
-- room_id is '' for a message to a member (to_user) whose direct chat is
-- opened when it is sent; msg_key, when not '', names what the message
-- shows (a card): a newer text replaces a pending one in place and raises
-- version.
CREATE TABLE outbox (
	-- only: postgres
	id         BIGSERIAL PRIMARY KEY,
	-- only: sqlite
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	version    INTEGER NOT NULL DEFAULT 0,
	room_id    id_text NOT NULL,
	to_user    id_text NOT NULL,
	event_type TEXT    NOT NULL,
	-- only: postgres
	content    BYTEA   NOT NULL,
	-- only: sqlite
	content    BLOB    NOT NULL,
	edits      id_text NOT NULL,
	msg_key    TEXT    NOT NULL,
	-- only: postgres
	then_do    BYTEA   NOT NULL,
	-- only: sqlite
	then_do    BLOB    NOT NULL,
	cause      id_text NOT NULL,
	created_at BIGINT  NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	next_at    BIGINT  NOT NULL DEFAULT 0
);

CREATE INDEX outbox_key_idx ON outbox (msg_key) WHERE msg_key <> '';

-- The state of the bot's own /sync (mode: bot): the device ID of its login,
-- and the sync token of the last batch recorded in the inbox.
CREATE TABLE sync_state (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

-- A snapshot of the mutual-aid book (at most one row, id 1): the book
-- after the first ops recorded ops, the last of them at (at, event_id);
-- data is NULL when there is none; epoch counts its invalidations.
CREATE TABLE aid_snapshot (
	id       INTEGER PRIMARY KEY,
	epoch    BIGINT  NOT NULL,
	at       BIGINT  NOT NULL,
	event_id id_text NOT NULL,
	ops      BIGINT  NOT NULL,
	-- only: postgres
	data     BYTEA
	-- only: sqlite
	data     BLOB
);
