-- v13 -> v14: The members of a circle with a role, found without reading every member
-- (ledger.Circles.isRemoved asks at each member's join: a rebuild replaying a
-- circle of n members read n rows n times).
CREATE INDEX circle_members_role_idx ON circle_members (circle_id, user_id) WHERE role <> '';
