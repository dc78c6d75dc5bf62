-- A customer the salesperson keeps off the phone: never written to the
-- address book, and their card removed from it.
ALTER TABLE customers ADD COLUMN keep_off_phone INTEGER NOT NULL DEFAULT 0;

-- The properties of a server's card Kizuna does not know (a photo, a URL,
-- the phone's labels…), written back with the card so that nothing the
-- phone keeps is lost.
ALTER TABLE sync_items ADD COLUMN extra TEXT NOT NULL DEFAULT '';
-- The card is to be deleted from the server at the next sync (its
-- customer was deleted, the user asking for the card to go too).
ALTER TABLE sync_items ADD COLUMN doomed INTEGER NOT NULL DEFAULT 0;

-- Where the last sync stopped in each collection (RFC 6578): the next one
-- asks only for what changed since.
CREATE TABLE sync_tokens (
    collection TEXT PRIMARY KEY,
    token      TEXT NOT NULL
) WITHOUT ROWID;
