-- The reminder agenda: the reminders the engine derived for one day (the
-- window around it), after what the user did to them, so that the Today
-- view, the tray's count and the scheduler read an index instead of deriving
-- every occurrence again. A busy book has some 100,000 occurrences in the
-- window, most of them already done; deriving and checking each costs far
-- more than the 20 ms a view may take. See reminder/agenda.rs.
--
-- The agenda is rebuilt whole when the day, the zone or a setting or plan
-- changes (`built_for`), and otherwise only for the customers the triggers
-- below mark as changed, so no write path can forget to refresh it.

CREATE TABLE reminder_agenda (
    id             INTEGER PRIMARY KEY,
    occurrence_key TEXT    NOT NULL,
    -- NULL for a reminder of the user's own that names no customer.
    customer_id    INTEGER REFERENCES customers (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL,
    follow_up      TEXT,
    -- Local days as days since 1 January of year 1 (chrono's num_days_from_ce).
    due_on         INTEGER NOT NULL,
    occasion_on    INTEGER NOT NULL,
    -- When it falls due (Unix seconds).
    due_at         INTEGER NOT NULL,
    years          INTEGER,
    subject        TEXT    NOT NULL,
    purchase_id    INTEGER,
    -- Back from a snooze…
    snoozed        INTEGER NOT NULL,
    -- …or still snoozed until this instant, later today: not shown before.
    hidden_until   INTEGER
);
-- Sections are ranges of due_on, ordered by due_at; the index also covers
-- counting them.
CREATE INDEX reminder_agenda_due ON reminder_agenda (due_on, due_at, occurrence_key, hidden_until);
CREATE INDEX reminder_agenda_customer ON reminder_agenda (customer_id);

-- What the agenda was built for ('2026-11-27|Asia/Tokyo|1'); NULL asks for a
-- rebuild.
CREATE TABLE reminder_agenda_meta (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    built_for TEXT
);
INSERT INTO reminder_agenda_meta (id, built_for) VALUES (1, NULL);

-- Customers whose reminders must be derived again; 0 stands for the
-- reminders that name no customer. Repeats are allowed (and read once):
-- `INSERT OR IGNORE` in a trigger takes the conflict policy of the statement
-- that fired it, which for a foreign key's ON DELETE SET NULL is to abort.
CREATE TABLE reminder_agenda_dirty (
    customer_id INTEGER NOT NULL
);

CREATE TRIGGER customers_agenda_ai AFTER INSERT ON customers BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (new.id);
END;
-- Also the one who introduced them: their thank-you names this customer and
-- follows their first purchase.
CREATE TRIGGER customers_agenda_au AFTER UPDATE ON customers BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (new.id);
    INSERT INTO reminder_agenda_dirty (customer_id)
        SELECT referrer_id FROM referrals WHERE referred_id = new.id;
END;
CREATE TRIGGER customers_agenda_ad AFTER DELETE ON customers BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (old.id);
END;

CREATE TRIGGER family_members_agenda_ai AFTER INSERT ON family_members BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (new.customer_id);
END;
CREATE TRIGGER family_members_agenda_au AFTER UPDATE ON family_members BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (old.customer_id), (new.customer_id);
END;
CREATE TRIGGER family_members_agenda_ad AFTER DELETE ON family_members BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (old.customer_id);
END;

CREATE TRIGGER important_dates_agenda_ai AFTER INSERT ON important_dates BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (new.customer_id);
END;
CREATE TRIGGER important_dates_agenda_au AFTER UPDATE ON important_dates BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (old.customer_id), (new.customer_id);
END;
CREATE TRIGGER important_dates_agenda_ad AFTER DELETE ON important_dates BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (old.customer_id);
END;

CREATE TRIGGER purchases_agenda_ai AFTER INSERT ON purchases BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (new.customer_id);
END;
CREATE TRIGGER purchases_agenda_au AFTER UPDATE ON purchases BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (old.customer_id), (new.customer_id);
END;
CREATE TRIGGER purchases_agenda_ad AFTER DELETE ON purchases BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (old.customer_id);
END;

CREATE TRIGGER referrals_agenda_ai AFTER INSERT ON referrals BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (new.referrer_id), (new.referred_id);
END;
CREATE TRIGGER referrals_agenda_au AFTER UPDATE ON referrals BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id)
        VALUES (old.referrer_id), (old.referred_id), (new.referrer_id), (new.referred_id);
END;
CREATE TRIGGER referrals_agenda_ad AFTER DELETE ON referrals BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (old.referrer_id), (old.referred_id);
END;

CREATE TRIGGER custom_reminders_agenda_ai AFTER INSERT ON custom_reminders BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (coalesce(new.customer_id, 0));
END;
CREATE TRIGGER custom_reminders_agenda_au AFTER UPDATE ON custom_reminders BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id)
        VALUES (coalesce(old.customer_id, 0)), (coalesce(new.customer_id, 0));
END;
CREATE TRIGGER custom_reminders_agenda_ad AFTER DELETE ON custom_reminders BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (coalesce(old.customer_id, 0));
END;

CREATE TRIGGER reminder_states_agenda_ai AFTER INSERT ON reminder_states BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (coalesce(new.customer_id, 0));
END;
CREATE TRIGGER reminder_states_agenda_au AFTER UPDATE ON reminder_states BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id)
        VALUES (coalesce(old.customer_id, 0)), (coalesce(new.customer_id, 0));
END;
CREATE TRIGGER reminder_states_agenda_ad AFTER DELETE ON reminder_states BEGIN
    INSERT INTO reminder_agenda_dirty (customer_id) VALUES (coalesce(old.customer_id, 0));
END;

-- Settings (lead days, reminder time, cadences) and plans change what every
-- customer is reminded of.
CREATE TRIGGER settings_agenda_ai AFTER INSERT ON settings BEGIN
    UPDATE reminder_agenda_meta SET built_for = NULL;
END;
CREATE TRIGGER settings_agenda_au AFTER UPDATE ON settings WHEN old.value IS NOT new.value BEGIN
    UPDATE reminder_agenda_meta SET built_for = NULL;
END;
CREATE TRIGGER settings_agenda_ad AFTER DELETE ON settings BEGIN
    UPDATE reminder_agenda_meta SET built_for = NULL;
END;
CREATE TRIGGER follow_up_plans_agenda_ai AFTER INSERT ON follow_up_plans BEGIN
    UPDATE reminder_agenda_meta SET built_for = NULL;
END;
CREATE TRIGGER follow_up_plans_agenda_au AFTER UPDATE ON follow_up_plans BEGIN
    UPDATE reminder_agenda_meta SET built_for = NULL;
END;
CREATE TRIGGER follow_up_plans_agenda_ad AFTER DELETE ON follow_up_plans BEGIN
    UPDATE reminder_agenda_meta SET built_for = NULL;
END;
CREATE TRIGGER follow_up_steps_agenda_ai AFTER INSERT ON follow_up_steps BEGIN
    UPDATE reminder_agenda_meta SET built_for = NULL;
END;
CREATE TRIGGER follow_up_steps_agenda_au AFTER UPDATE ON follow_up_steps BEGIN
    UPDATE reminder_agenda_meta SET built_for = NULL;
END;
CREATE TRIGGER follow_up_steps_agenda_ad AFTER DELETE ON follow_up_steps BEGIN
    UPDATE reminder_agenda_meta SET built_for = NULL;
END;
