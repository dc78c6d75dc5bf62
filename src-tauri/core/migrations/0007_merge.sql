-- What a customer merged into another was known by: their vCard UID and
-- e-mail addresses. An import or a phone sync that brings them again
-- updates the customer they were merged into instead of adding them anew.
-- Gone with that customer.
CREATE TABLE customer_aliases (
    kind        TEXT    NOT NULL CHECK (kind IN ('uid', 'email')),
    value       TEXT    NOT NULL,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    merged_at   INTEGER NOT NULL,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX customer_aliases_customer ON customer_aliases (customer_id);

-- Pairs an import could not tell apart (a contact matching several
-- customers, or one only weakly): added as new, and offered by the
-- duplicate finder until merged or told apart. Lower id first; gone with
-- either customer.
CREATE TABLE duplicate_leads (
    first_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    second_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    found_at  INTEGER NOT NULL,
    PRIMARY KEY (first_id, second_id),
    CHECK (first_id < second_id)
) WITHOUT ROWID;
CREATE INDEX duplicate_leads_second ON duplicate_leads (second_id);
