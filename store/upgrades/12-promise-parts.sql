-- v12 -> v13: What of each promise was sent and confirmed (partial fulfilment)
-- 0 for rows written before this version until the projection is written
-- again (the book replays it from aid_ops).
ALTER TABLE promises ADD COLUMN sent_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE promises ADD COLUMN got_minor BIGINT NOT NULL DEFAULT 0;
