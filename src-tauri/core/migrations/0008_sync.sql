-- The sync's memory: what the last sync left on the salesperson's server,
-- card by card. Not part of what the user recorded (a restore or a JSON
-- import does not bring it back; the next sync compares anew).
CREATE TABLE sync_items (
    collection  TEXT    NOT NULL,
    href        TEXT    NOT NULL,
    -- The customer the card is; NULL once the customer is deleted.
    customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    etag        TEXT    NOT NULL,
    -- The card as last written or read: what a later change on either side
    -- is told by.
    card        TEXT    NOT NULL,
    synced_at   INTEGER NOT NULL,
    PRIMARY KEY (collection, href)
) WITHOUT ROWID;
CREATE INDEX sync_items_customer ON sync_items (customer_id);

-- What syncing did and met, for the settings' sync log; the newest kept.
CREATE TABLE sync_log (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    event       TEXT    NOT NULL,
    detail      TEXT    NOT NULL DEFAULT '',
    customer_id INTEGER REFERENCES customers (id) ON DELETE SET NULL
);
