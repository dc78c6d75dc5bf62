-- The season's greetings and gifts (年賀状, 寒中見舞い, 暑中見舞い, 残暑見舞い,
-- お中元, お歳暮, a holiday card): one campaign per kind and year.
CREATE TABLE campaigns (
    id         INTEGER PRIMARY KEY,
    kind       TEXT    NOT NULL,
    year       INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (kind, year)
);

-- Who a campaign is for, and who sent the salesperson one.
CREATE TABLE campaign_recipients (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    customer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    -- 1: on the list to send to; 0: not on it, but their card came.
    listed        INTEGER NOT NULL DEFAULT 1,
    -- When the card or gift went (a give touchpoint was logged then).
    sent_at       INTEGER,
    touchpoint_id INTEGER REFERENCES touchpoints (id) ON DELETE SET NULL,
    -- The day their card to the salesperson arrived.
    received_on   TEXT,
    UNIQUE (campaign_id, customer_id)
);
CREATE INDEX campaign_recipients_customer ON campaign_recipients (customer_id);

-- 喪中: a customer (or their family) in mourning, from the 喪中はがき they
-- sent; no New Year card for `year` (a 寒中見舞い after 松の内 instead).
CREATE TABLE mourning (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    year        INTEGER NOT NULL,
    noted_on    TEXT    NOT NULL,
    -- Who died, as the card says (「父 一郎」), if the salesperson notes it.
    who         TEXT    NOT NULL DEFAULT '',
    UNIQUE (customer_id, year)
);
