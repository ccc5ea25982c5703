-- v8 -> v9: The state of the bot's own /sync (mode: bot)
-- name is what is kept: the device ID of the bot's login, and the sync
-- token (next_batch) of the last batch recorded in the inbox, written in
-- the same transaction as the batch's events.
CREATE TABLE sync_state (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
