-- v9 -> v10: When each promise first became a commitment (the health figures)
-- 0 for a promise that never did; rows written before this version keep 0
-- until the projection is written again (the book replays it from aid_ops).
ALTER TABLE promises ADD COLUMN committed_at BIGINT NOT NULL DEFAULT 0;
