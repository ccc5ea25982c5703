-- v2 -> v3: Web and API access: personal API tokens, one-time login links, web sessions
-- Only SHA-256 hashes of the secrets are stored.
CREATE TABLE api_tokens (
	token_hash TEXT    PRIMARY KEY,
	user_id    id_text NOT NULL,
	name       id_text NOT NULL,
	scope      TEXT    NOT NULL,
	created_at BIGINT  NOT NULL,
	UNIQUE (user_id, name)
);

CREATE TABLE login_links (
	link_hash  TEXT    PRIMARY KEY,
	user_id    id_text NOT NULL,
	expires_at BIGINT  NOT NULL,
	used_at    BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX login_links_user_idx ON login_links (user_id);

CREATE TABLE web_sessions (
	session_hash TEXT    PRIMARY KEY,
	user_id      id_text NOT NULL,
	created_at   BIGINT  NOT NULL,
	expires_at   BIGINT  NOT NULL
);
CREATE INDEX web_sessions_user_idx ON web_sessions (user_id);
