-- 0002: what was answered, and the student's own accepted answers.
-- The wrong option picked on a choice question (for confusion statistics).
ALTER TABLE review_log ADD COLUMN picked TEXT;

-- "I was right": a typed answer the student accepted for a card.
CREATE TABLE answer_alias (
    deck_id    TEXT NOT NULL,
    card_id    TEXT NOT NULL,
    alias      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (deck_id, card_id, alias)
) WITHOUT ROWID;
