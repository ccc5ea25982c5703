-- v6 -> v7: A member's time zone
-- The IANA name of the time zone a member reads times in ("Europe/Belgrade");
-- '' for the cycle's.
ALTER TABLE profiles ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
