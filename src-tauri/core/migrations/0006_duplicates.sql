-- Pairs of customers the user said are two people: the duplicate finder
-- never offers them again. Kept lower id first; gone with either customer.
CREATE TABLE duplicate_dismissals (
    first_id     INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    second_id    INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    dismissed_at INTEGER NOT NULL,
    PRIMARY KEY (first_id, second_id),
    CHECK (first_id < second_id)
) WITHOUT ROWID;
CREATE INDEX duplicate_dismissals_second ON duplicate_dismissals (second_id);
