-- v10 -> v11: A snapshot of the mutual-aid book, for a fast restart
-- At most one row (id 1): the book encoded (ledger's BookSnapshot) after
-- the first ops recorded ops in canonical order, the last of them at
-- (at, event_id); data is NULL when there is no snapshot. epoch counts the
-- invalidations (a late op sorting before the position, an erasure, a
-- rebuild): a snapshot built meanwhile is not written.
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
