-- v5 -> v6: Outbox of what the bot must say
-- Written in the same transaction as the change that called for it and
-- deleted once the homeserver accepted it. room_id is '' for a message to
-- a member (to_user) whose direct chat is opened when it is sent; msg_key,
-- when not '', names what the message shows (a card): a newer text replaces
-- a pending one in place and raises version.
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
