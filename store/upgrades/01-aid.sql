-- v1 -> v2: Mutual aid: ops, needs, promises, statuses, profiles, cards
-- aid_ops is the source of truth of the mutual-aid ledger: every op, keyed
-- by the event that caused it, its fields in JSON. needs, promises and
-- statuses are its projection (the result of applying every op in order of
-- (at, event_id)), rewritten whole after a rebuild.
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
	updated_by   id_text NOT NULL
);
CREATE INDEX promises_need_idx ON promises (need_id);
CREATE INDEX promises_giver_idx ON promises (giver);
CREATE INDEX promises_beneficiary_idx ON promises (beneficiary);

CREATE TABLE statuses (
	user_id    id_text PRIMARY KEY,
	status     TEXT    NOT NULL,
	previous   TEXT    NOT NULL,
	need_id    id_text NOT NULL,
	changed_at BIGINT  NOT NULL,
	kassa_minor    BIGINT NOT NULL DEFAULT 0, -- the declared monthly maximum
	kassa_currency TEXT   NOT NULL DEFAULT ''
);

CREATE TABLE profiles (
	user_id    id_text PRIMARY KEY,
	about      TEXT    NOT NULL,
	requisites TEXT    NOT NULL, -- JSON array of {text, default}
	muted      TEXT    NOT NULL  -- JSON array of notice kinds
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
