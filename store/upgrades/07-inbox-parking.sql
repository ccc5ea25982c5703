-- v7 -> v8: Encrypted events parked until their room key arrives
-- wait_session is the megolm session an encrypted event waits for (NULL:
-- not waiting); wait_since is when it first waited (unix ms; NULL: never),
-- kept when it is woken and parked again, so that the wait is bounded.
ALTER TABLE inbox ADD COLUMN wait_session TEXT;
ALTER TABLE inbox ADD COLUMN wait_since BIGINT;
DROP INDEX inbox_pending_idx;
CREATE INDEX inbox_pending_idx ON inbox (seq) WHERE done_at IS NULL AND wait_session IS NULL;
CREATE INDEX inbox_parked_idx ON inbox (wait_session) WHERE wait_session IS NOT NULL;
