-- v0 -> v1: Initial schema
-- Test data, never edited: the v1 schema as it shipped in
-- store/upgrades/00-latest.sql up to commit 5bca811 (only this note is
-- added), before that file became the whole latest schema. A database
-- created from it and then every numbered upgrade is the "old way" the
-- schema tests compare with.
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
	created_by      id_text NOT NULL
);

CREATE TABLE circle_members (
	circle_id  id_text NOT NULL,
	user_id    id_text NOT NULL,
	joined     BOOLEAN NOT NULL,
	changed_at BIGINT  NOT NULL,
	PRIMARY KEY (circle_id, user_id)
);
CREATE INDEX circle_members_user_idx ON circle_members (user_id, circle_id);

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
	error       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX inbox_pending_idx ON inbox (seq) WHERE done_at IS NULL;
