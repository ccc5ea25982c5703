-- v3 -> v4: The bot that answers in a circle (several bots may follow one circle)
ALTER TABLE circles ADD COLUMN answering_bot id_text NOT NULL DEFAULT '';
