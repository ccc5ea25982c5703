-- v4 -> v5: Kassa maxima per circle
-- A member's monthly maximum for the kassa is declared per circle; circle_id
-- is '' for a maximum declared before maxima were per circle (it applies
-- to every circle the member declared none for). Like statuses, a
-- projection of aid_ops, rewritten whole after a rebuild.
CREATE TABLE kassa_maxima (
	user_id   id_text NOT NULL,
	circle_id id_text NOT NULL,
	max_minor BIGINT  NOT NULL,
	currency  TEXT    NOT NULL,
	PRIMARY KEY (user_id, circle_id)
);

INSERT INTO kassa_maxima (user_id, circle_id, max_minor, currency)
	SELECT user_id, '', kassa_minor, kassa_currency FROM statuses WHERE kassa_minor > 0;

ALTER TABLE statuses DROP COLUMN kassa_minor;
ALTER TABLE statuses DROP COLUMN kassa_currency;
