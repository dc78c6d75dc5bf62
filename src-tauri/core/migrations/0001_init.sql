-- Kizuna schema 1: the whole domain of the product brief, so that later
-- features add behaviour rather than rewrite tables.
--
-- Conventions:
--   * instants are INTEGER Unix seconds (UTC); the core converts them to the
--     user's time zone, so month boundaries follow the salesperson's calendar;
--   * calendar dates that recur (birthdays, anniversaries) are month + day with
--     an optional year: yearless dates are normal and 29 February must survive;
--   * plain calendar days (met on, quiet until) are ISO 'YYYY-MM-DD' text;
--   * money is INTEGER minor units (yen have none), never floating point.

CREATE TABLE customers (
    id                  INTEGER PRIMARY KEY,
    -- Stable identity for vCard UID and iCalendar UIDs; survives export/import.
    uid                 TEXT    NOT NULL UNIQUE,
    family_name         TEXT    NOT NULL DEFAULT '',
    given_name          TEXT    NOT NULL DEFAULT '',
    family_name_reading TEXT    NOT NULL DEFAULT '',
    given_name_reading  TEXT    NOT NULL DEFAULT '',
    company             TEXT    NOT NULL DEFAULT '',
    title               TEXT    NOT NULL DEFAULT '',
    birthday_year       INTEGER,
    birthday_month      INTEGER CHECK (birthday_month BETWEEN 1 AND 12),
    birthday_day        INTEGER CHECK (birthday_day BETWEEN 1 AND 31),
    likes               TEXT    NOT NULL DEFAULT '',
    notes               TEXT    NOT NULL DEFAULT '',
    met_how             TEXT    NOT NULL DEFAULT '',
    met_on              TEXT,
    source              TEXT    NOT NULL DEFAULT 'other'
                        CHECK (source IN ('walk_in', 'referral', 'event', 'other')),
    preferred_channel   TEXT    NOT NULL DEFAULT 'any'
                        CHECK (preferred_channel IN ('any', 'phone', 'email', 'message', 'letter', 'visit')),
    do_not_contact      INTEGER NOT NULL DEFAULT 0 CHECK (do_not_contact IN (0, 1)),
    -- A quiet period the customer asked for: no touch reminders before this day.
    quiet_until         TEXT,
    -- Keep-in-touch cadence override in days; NULL follows the stage's default.
    cadence_days        INTEGER CHECK (cadence_days > 0),
    -- Honorific for message drafts; '' means the language's default (様 / Mr/Ms).
    honorific           TEXT    NOT NULL DEFAULT '',
    stage               INTEGER NOT NULL DEFAULT 0 CHECK (stage BETWEEN 0 AND 5),
    -- Precomputed 五十音 sort key (see kana.rs): readings cannot be derived
    -- from kanji, so the list sorts by what the user typed as the reading.
    sort_key            TEXT    NOT NULL,
    -- Imported properties Kizuna has no field for (JSON), kept rather than dropped.
    extras              TEXT    NOT NULL DEFAULT '{}',
    archived            INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    archived_at         INTEGER,
    -- Activity derived from touchpoints and purchases, kept in step by the
    -- core on every write to them (see activity.rs), so that the at-risk
    -- list and keep-in-touch reminders never scan every touchpoint.
    -- Purchases count only when positive (refunds are not a purchase).
    purchase_count      INTEGER NOT NULL DEFAULT 0,
    first_purchase_at   INTEGER,
    last_purchase_at    INTEGER,
    touch_count         INTEGER NOT NULL DEFAULT 0,
    first_touch_at      INTEGER,
    last_touch_at       INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX customers_list ON customers (archived, sort_key, id);
CREATE INDEX customers_stage_list ON customers (archived, stage, sort_key, id);
-- Covers the at-risk measure, which reads every existing customer's rhythm.
CREATE INDEX customers_activity ON customers (
    archived, do_not_contact, purchase_count, first_purchase_at, last_purchase_at,
    touch_count, first_touch_at, last_touch_at, stage);

CREATE TABLE customer_phones (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    label       TEXT    NOT NULL DEFAULT '',
    -- Kept exactly as typed; `digits` is what matching uses.
    number      TEXT    NOT NULL,
    digits      TEXT    NOT NULL
);
CREATE INDEX customer_phones_customer ON customer_phones (customer_id, position);
CREATE INDEX customer_phones_digits ON customer_phones (digits);

CREATE TABLE customer_emails (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    label       TEXT    NOT NULL DEFAULT '',
    address     TEXT    NOT NULL
);
CREATE INDEX customer_emails_customer ON customer_emails (customer_id, position);
CREATE INDEX customer_emails_address ON customer_emails (address COLLATE NOCASE);

CREATE TABLE customer_addresses (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    label       TEXT    NOT NULL DEFAULT '',
    postal_code TEXT    NOT NULL DEFAULT '',
    region      TEXT    NOT NULL DEFAULT '',  -- 都道府県 / state
    locality    TEXT    NOT NULL DEFAULT '',  -- 市区町村 / city
    street      TEXT    NOT NULL DEFAULT '',  -- 町名・番地
    extended    TEXT    NOT NULL DEFAULT '',  -- 建物名・部屋番号
    country     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX customer_addresses_customer ON customer_addresses (customer_id, position);

CREATE TABLE important_dates (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('anniversary', 'custom')),
    label       TEXT    NOT NULL DEFAULT '',
    year        INTEGER,
    month       INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
    day         INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31)
);
CREATE INDEX important_dates_customer ON important_dates (customer_id, position);

CREATE TABLE family_members (
    id             INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    name           TEXT    NOT NULL,
    reading        TEXT    NOT NULL DEFAULT '',
    relation       TEXT    NOT NULL DEFAULT '',
    birthday_year  INTEGER,
    birthday_month INTEGER CHECK (birthday_month BETWEEN 1 AND 12),
    birthday_day   INTEGER CHECK (birthday_day BETWEEN 1 AND 31),
    notes          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX family_members_customer ON family_members (customer_id, position);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    name TEXT    NOT NULL UNIQUE COLLATE NOCASE
);

CREATE TABLE customer_tags (
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (customer_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX customer_tags_tag ON customer_tags (tag_id, customer_id);

-- Search. Both documents are folded (NFKC, lower case, katakana to
-- hiragana) and newline-separated. `customer_search.doc` holds every
-- searchable field and feeds the trigram index, which answers terms of 3+
-- characters. Trigram cannot answer 1-2 character terms (林, 田中), so those
-- scan `customer_names.names` — names, readings, company and tags only —
-- kept in its own narrow table so that the scan reads a few megabytes even
-- at 100,000 customers. `names` also ranks name matches first.
CREATE TABLE customer_search (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    doc         TEXT NOT NULL
);
CREATE TABLE customer_names (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    names       TEXT NOT NULL
);
CREATE VIRTUAL TABLE customer_fts USING fts5 (
    doc,
    content = 'customer_search',
    content_rowid = 'customer_id',
    tokenize = 'trigram'
);
CREATE TRIGGER customer_search_ai AFTER INSERT ON customer_search BEGIN
    INSERT INTO customer_fts (rowid, doc) VALUES (new.customer_id, new.doc);
END;
CREATE TRIGGER customer_search_ad AFTER DELETE ON customer_search BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, doc) VALUES ('delete', old.customer_id, old.doc);
END;
CREATE TRIGGER customer_search_au AFTER UPDATE ON customer_search BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, doc) VALUES ('delete', old.customer_id, old.doc);
    INSERT INTO customer_fts (rowid, doc) VALUES (new.customer_id, new.doc);
END;

-- The relationship's story.
CREATE TABLE touchpoints (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL
                 CHECK (kind IN ('visit', 'call', 'email', 'message', 'letter', 'gift', 'event', 'other')),
    occurred_at  INTEGER NOT NULL,
    summary      TEXT    NOT NULL DEFAULT '',
    notes        TEXT    NOT NULL DEFAULT '',
    direction    TEXT    NOT NULL CHECK (direction IN ('give', 'ask', 'neutral')),
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX touchpoints_customer_time ON touchpoints (customer_id, occurred_at);
-- Covers the monthly give/ask and satisfaction measures without table reads.
CREATE INDEX touchpoints_time ON touchpoints (occurred_at, direction, satisfaction);

CREATE TABLE follow_up_plans (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    position   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE follow_up_steps (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES follow_up_plans (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('thank_you', 'check_in', 'satisfaction', 'reorder', 'custom')),
    label       TEXT    NOT NULL DEFAULT '',
    -- Days after the purchase; a 'reorder' step uses the purchase's own
    -- re-order interval when it has one.
    offset_days INTEGER NOT NULL CHECK (offset_days >= 0)
);
CREATE INDEX follow_up_steps_plan ON follow_up_steps (plan_id, position);

CREATE TABLE purchases (
    id                 INTEGER PRIMARY KEY,
    customer_id        INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    item               TEXT    NOT NULL,
    quantity           INTEGER NOT NULL DEFAULT 1,
    -- Negative amounts are refunds.
    amount_minor       INTEGER NOT NULL,
    currency           TEXT    NOT NULL DEFAULT 'JPY',
    purchased_at       INTEGER NOT NULL,
    satisfaction       INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    -- Derived by the core from the customer's purchase order and referral
    -- (new / repeat / referral), stored so measures need no window functions.
    channel            TEXT    NOT NULL DEFAULT 'repeat' CHECK (channel IN ('new', 'repeat', 'referral')),
    follow_up_plan_id  INTEGER REFERENCES follow_up_plans (id) ON DELETE SET NULL,
    reorder_after_days INTEGER CHECK (reorder_after_days > 0),
    notes              TEXT    NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX purchases_customer_time ON purchases (customer_id, purchased_at, amount_minor);
-- Covers the dashboard's one ordered pass over a period's purchases.
CREATE INDEX purchases_time ON purchases (purchased_at, customer_id, channel, amount_minor, satisfaction);

-- Who introduced whom. A customer has at most one referrer.
CREATE TABLE referrals (
    id            INTEGER PRIMARY KEY,
    referrer_id   INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    referred_id   INTEGER NOT NULL UNIQUE REFERENCES customers (id) ON DELETE CASCADE,
    introduced_at INTEGER NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'introduced' CHECK (status IN ('introduced', 'met', 'bought')),
    thanked_at    INTEGER,
    notes         TEXT    NOT NULL DEFAULT '',
    CHECK (referrer_id <> referred_id)
);
CREATE INDEX referrals_referrer ON referrals (referrer_id);

-- Quarter-hour tallies of touchpoints and purchases, kept by the triggers
-- below, so the dashboard sums a few thousand rows per month instead of
-- every touchpoint. A month begins on a quarter hour in every time zone in
-- use today; the measures fall back to the raw tables for any that does
-- not. bucket = floor(instant / 900).
CREATE TABLE touch_tallies (
    bucket             INTEGER PRIMARY KEY,
    give               INTEGER NOT NULL DEFAULT 0,
    ask                INTEGER NOT NULL DEFAULT 0,
    neutral            INTEGER NOT NULL DEFAULT 0,
    satisfaction_total INTEGER NOT NULL DEFAULT 0,
    satisfaction_count INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER touch_tallies_ai AFTER INSERT ON touchpoints BEGIN
    INSERT INTO touch_tallies (bucket, give, ask, neutral, satisfaction_total, satisfaction_count)
    VALUES ((new.occurred_at - ((new.occurred_at % 900) + 900) % 900) / 900,
            new.direction = 'give', new.direction = 'ask', new.direction = 'neutral',
            coalesce(new.satisfaction, 0), new.satisfaction IS NOT NULL)
    ON CONFLICT (bucket) DO UPDATE SET
        give = give + excluded.give, ask = ask + excluded.ask, neutral = neutral + excluded.neutral,
        satisfaction_total = satisfaction_total + excluded.satisfaction_total,
        satisfaction_count = satisfaction_count + excluded.satisfaction_count;
END;
CREATE TRIGGER touch_tallies_ad AFTER DELETE ON touchpoints BEGIN
    UPDATE touch_tallies SET
        give = give - (old.direction = 'give'), ask = ask - (old.direction = 'ask'),
        neutral = neutral - (old.direction = 'neutral'),
        satisfaction_total = satisfaction_total - coalesce(old.satisfaction, 0),
        satisfaction_count = satisfaction_count - (old.satisfaction IS NOT NULL)
     WHERE bucket = (old.occurred_at - ((old.occurred_at % 900) + 900) % 900) / 900;
END;
CREATE TRIGGER touch_tallies_au AFTER UPDATE OF occurred_at, direction, satisfaction ON touchpoints BEGIN
    UPDATE touch_tallies SET
        give = give - (old.direction = 'give'), ask = ask - (old.direction = 'ask'),
        neutral = neutral - (old.direction = 'neutral'),
        satisfaction_total = satisfaction_total - coalesce(old.satisfaction, 0),
        satisfaction_count = satisfaction_count - (old.satisfaction IS NOT NULL)
     WHERE bucket = (old.occurred_at - ((old.occurred_at % 900) + 900) % 900) / 900;
    INSERT INTO touch_tallies (bucket, give, ask, neutral, satisfaction_total, satisfaction_count)
    VALUES ((new.occurred_at - ((new.occurred_at % 900) + 900) % 900) / 900,
            new.direction = 'give', new.direction = 'ask', new.direction = 'neutral',
            coalesce(new.satisfaction, 0), new.satisfaction IS NOT NULL)
    ON CONFLICT (bucket) DO UPDATE SET
        give = give + excluded.give, ask = ask + excluded.ask, neutral = neutral + excluded.neutral,
        satisfaction_total = satisfaction_total + excluded.satisfaction_total,
        satisfaction_count = satisfaction_count + excluded.satisfaction_count;
END;

CREATE TABLE purchase_tallies (
    bucket             INTEGER NOT NULL,
    channel            TEXT    NOT NULL,
    amount_minor       INTEGER NOT NULL DEFAULT 0,
    -- Purchases with a positive amount (refunds are not purchases).
    purchases          INTEGER NOT NULL DEFAULT 0,
    satisfaction_total INTEGER NOT NULL DEFAULT 0,
    satisfaction_count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, channel)
) WITHOUT ROWID;
CREATE TRIGGER purchase_tallies_ai AFTER INSERT ON purchases BEGIN
    INSERT INTO purchase_tallies (bucket, channel, amount_minor, purchases, satisfaction_total, satisfaction_count)
    VALUES ((new.purchased_at - ((new.purchased_at % 900) + 900) % 900) / 900, new.channel,
            new.amount_minor, new.amount_minor > 0, coalesce(new.satisfaction, 0), new.satisfaction IS NOT NULL)
    ON CONFLICT (bucket, channel) DO UPDATE SET
        amount_minor = amount_minor + excluded.amount_minor, purchases = purchases + excluded.purchases,
        satisfaction_total = satisfaction_total + excluded.satisfaction_total,
        satisfaction_count = satisfaction_count + excluded.satisfaction_count;
END;
CREATE TRIGGER purchase_tallies_ad AFTER DELETE ON purchases BEGIN
    UPDATE purchase_tallies SET
        amount_minor = amount_minor - old.amount_minor, purchases = purchases - (old.amount_minor > 0),
        satisfaction_total = satisfaction_total - coalesce(old.satisfaction, 0),
        satisfaction_count = satisfaction_count - (old.satisfaction IS NOT NULL)
     WHERE bucket = (old.purchased_at - ((old.purchased_at % 900) + 900) % 900) / 900
       AND channel = old.channel;
END;
CREATE TRIGGER purchase_tallies_au AFTER UPDATE OF purchased_at, channel, amount_minor, satisfaction ON purchases BEGIN
    UPDATE purchase_tallies SET
        amount_minor = amount_minor - old.amount_minor, purchases = purchases - (old.amount_minor > 0),
        satisfaction_total = satisfaction_total - coalesce(old.satisfaction, 0),
        satisfaction_count = satisfaction_count - (old.satisfaction IS NOT NULL)
     WHERE bucket = (old.purchased_at - ((old.purchased_at % 900) + 900) % 900) / 900
       AND channel = old.channel;
    INSERT INTO purchase_tallies (bucket, channel, amount_minor, purchases, satisfaction_total, satisfaction_count)
    VALUES ((new.purchased_at - ((new.purchased_at % 900) + 900) % 900) / 900, new.channel,
            new.amount_minor, new.amount_minor > 0, coalesce(new.satisfaction, 0), new.satisfaction IS NOT NULL)
    ON CONFLICT (bucket, channel) DO UPDATE SET
        amount_minor = amount_minor + excluded.amount_minor, purchases = purchases + excluded.purchases,
        satisfaction_total = satisfaction_total + excluded.satisfaction_total,
        satisfaction_count = satisfaction_count + excluded.satisfaction_count;
END;

-- Every move on the loyalty ladder; from_stage is NULL for the first entry.
CREATE TABLE stage_changes (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    from_stage  INTEGER CHECK (from_stage BETWEEN 0 AND 5),
    to_stage    INTEGER NOT NULL CHECK (to_stage BETWEEN 0 AND 5),
    changed_at  INTEGER NOT NULL,
    reason      TEXT    NOT NULL DEFAULT '',
    -- The suggestion rule that was accepted, if any.
    rule        TEXT
);
CREATE INDEX stage_changes_customer ON stage_changes (customer_id, changed_at);
-- Covers counting promotions in a period (the first entries are not moves).
CREATE INDEX stage_changes_time ON stage_changes (changed_at, from_stage, to_stage)
    WHERE from_stage IS NOT NULL;

-- A dismissed promotion suggestion does not return for the same rule.
CREATE TABLE dismissed_suggestions (
    customer_id  INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    rule         TEXT    NOT NULL,
    dismissed_at INTEGER NOT NULL,
    PRIMARY KEY (customer_id, rule)
) WITHOUT ROWID;

-- Reminders are derived from the data above; only what the user did to an
-- occurrence (done, snoozed, skipped) and what was delivered is stored.
-- Reminders the user sets: a promise made at a visit ("bring the catalogue
-- next week"), or any dated task. Done/snoozed state is in reminder_states.
CREATE TABLE custom_reminders (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER REFERENCES customers (id) ON DELETE CASCADE,
    touchpoint_id INTEGER REFERENCES touchpoints (id) ON DELETE SET NULL,
    title         TEXT    NOT NULL,
    notes         TEXT    NOT NULL DEFAULT '',
    due_at        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX custom_reminders_due ON custom_reminders (due_at);
CREATE INDEX custom_reminders_customer ON custom_reminders (customer_id);

CREATE TABLE reminder_states (
    occurrence_key TEXT    PRIMARY KEY,
    customer_id    INTEGER REFERENCES customers (id) ON DELETE CASCADE,
    status         TEXT    NOT NULL CHECK (status IN ('done', 'snoozed', 'skipped')),
    snoozed_until  INTEGER,
    acted_at       INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX reminder_states_customer ON reminder_states (customer_id);

CREATE TABLE notification_deliveries (
    occurrence_key TEXT    PRIMARY KEY,
    delivered_at   INTEGER NOT NULL
) WITHOUT ROWID;

-- Settings are typed in the core; stored here as JSON values.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
