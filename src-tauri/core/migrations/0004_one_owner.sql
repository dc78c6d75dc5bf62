-- Derived data has one owner (src/derived.rs) that every write goes through
-- in the same transaction: the triggers that kept the dashboard's tallies
-- and the reminder agenda fresh are replaced by it.
DROP TRIGGER touch_tallies_ai;
DROP TRIGGER touch_tallies_ad;
DROP TRIGGER touch_tallies_au;
DROP TRIGGER purchase_tallies_ai;
DROP TRIGGER purchase_tallies_ad;
DROP TRIGGER purchase_tallies_au;
DROP TRIGGER customers_agenda_ai;
DROP TRIGGER customers_agenda_au;
DROP TRIGGER customers_agenda_ad;
DROP TRIGGER family_members_agenda_ai;
DROP TRIGGER family_members_agenda_au;
DROP TRIGGER family_members_agenda_ad;
DROP TRIGGER important_dates_agenda_ai;
DROP TRIGGER important_dates_agenda_au;
DROP TRIGGER important_dates_agenda_ad;
DROP TRIGGER purchases_agenda_ai;
DROP TRIGGER purchases_agenda_au;
DROP TRIGGER purchases_agenda_ad;
DROP TRIGGER referrals_agenda_ai;
DROP TRIGGER referrals_agenda_au;
DROP TRIGGER referrals_agenda_ad;
DROP TRIGGER custom_reminders_agenda_ai;
DROP TRIGGER custom_reminders_agenda_au;
DROP TRIGGER custom_reminders_agenda_ad;
DROP TRIGGER reminder_states_agenda_ai;
DROP TRIGGER reminder_states_agenda_au;
DROP TRIGGER reminder_states_agenda_ad;
DROP TRIGGER settings_agenda_ai;
DROP TRIGGER settings_agenda_au;
DROP TRIGGER settings_agenda_ad;
DROP TRIGGER follow_up_plans_agenda_ai;
DROP TRIGGER follow_up_plans_agenda_au;
DROP TRIGGER follow_up_plans_agenda_ad;
DROP TRIGGER follow_up_steps_agenda_ai;
DROP TRIGGER follow_up_steps_agenda_au;
DROP TRIGGER follow_up_steps_agenda_ad;

-- When each recurring date became known (Unix seconds; NULL: when the
-- customer was added). No occasion is reminded of as if it had been known
-- before it was entered.
ALTER TABLE customers ADD COLUMN birthday_known_at INTEGER;
ALTER TABLE important_dates ADD COLUMN known_at INTEGER;
ALTER TABLE family_members ADD COLUMN known_at INTEGER;

-- The last day a dated card (a birthday, a belated greeting) is offered.
ALTER TABLE reminder_agenda ADD COLUMN expires_on INTEGER;
UPDATE reminder_agenda_meta SET built_for = NULL;

-- What each undoable action changed, so that undo restores the very rows
-- it removed or changed (same ids), or refuses when they changed since.
CREATE TABLE undo_log (
    -- The order the actions were taken in (the oldest go first).
    seq         INTEGER PRIMARY KEY,
    -- What the interface holds: drawn at random, never naming another
    -- action (see src/store/undo_log.rs).
    id          INTEGER NOT NULL UNIQUE,
    -- What was done ('delete_purchase', 'reminder_done'…), for logs.
    action      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    -- The rows, before and after (JSON; see src/store/undo_log.rs).
    changes     TEXT    NOT NULL
);

-- Follow-up steps stay until done, so every purchase with a plan is read
-- when the agenda is rebuilt; the index covers that read, including when
-- the purchase was recorded (nothing is reminded of before it was known).
DROP INDEX purchases_follow_up;
DROP INDEX purchases_reorder;
CREATE INDEX purchases_follow_up
    ON purchases (follow_up_plan_id, purchased_at, customer_id, reorder_after_days, created_at)
    WHERE follow_up_plan_id IS NOT NULL AND amount_minor > 0;

-- Acting on a reminder first checks that the agenda shows it.
CREATE INDEX reminder_agenda_key ON reminder_agenda (occurrence_key);

-- How far an introduction came: the salesperson's word (status_set) is
-- kept apart from the status shown, which the owner of derived data works
-- out from it and the facts — so a purchase deleted takes its "bought"
-- away again, and a meeting set by hand stays. What was set is taken from
-- the earlier release's rows in 0004_from_earlier_release.sql.
ALTER TABLE referrals ADD COLUMN status_set TEXT NOT NULL DEFAULT 'introduced'
    CHECK (status_set IN ('introduced', 'met', 'bought'));
-- The dashboard's two 12-month windows, per customer, for the months
-- ending with the current one: purchases in the earlier and in the later
-- window, and in which of the later window's months they bought again (a
-- bit each). Kept by the owner of derived data like the agenda — rebuilt
-- when the month or the time zone changes, else only for the customers
-- whose purchases changed — so the dashboard sums a narrow table instead
-- of walking two years of purchases.
CREATE TABLE customer_months (
    customer_id    INTEGER PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
    bought_before  INTEGER NOT NULL,
    bought_current INTEGER NOT NULL,
    repeat_months  INTEGER NOT NULL
);
CREATE TABLE customer_months_meta (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    -- '2026-12|Asia/Tokyo|1'; NULL asks for a rebuild.
    built_for TEXT
);
INSERT INTO customer_months_meta (id, built_for) VALUES (1, NULL);
CREATE TABLE customer_months_dirty (
    customer_id INTEGER PRIMARY KEY
);

-- The funnel counts active customers by stage from this narrow index.
CREATE INDEX customers_active_stage ON customers (stage) WHERE archived = 0;
