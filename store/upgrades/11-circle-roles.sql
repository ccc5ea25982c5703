-- v11 -> v12: Circle roles: co-owners and members removed
-- '' a plain member, 'co_owner', 'removed' (not a member until invited again).
ALTER TABLE circle_members ADD COLUMN role TEXT NOT NULL DEFAULT '';
