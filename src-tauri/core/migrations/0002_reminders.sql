-- The reminder engine derives each day's reminders from the data; these
-- indexes let it read only the rows whose dates fall in the window it looks
-- at, instead of every customer, purchase and date.

-- When the customer was last in touch: a touchpoint, a purchase, or being
-- added. Keep-in-touch reminders count their cadence from here.
ALTER TABLE customers ADD COLUMN last_contact_at INTEGER
    GENERATED ALWAYS AS (max(created_at, coalesce(last_touch_at, created_at),
                             coalesce(last_purchase_at, created_at))) VIRTUAL;

CREATE INDEX customers_keep_in_touch ON customers (stage, last_contact_at)
    WHERE archived = 0 AND do_not_contact = 0 AND cadence_days IS NULL;
CREATE INDEX customers_own_cadence ON customers (last_contact_at + cadence_days * 86400)
    WHERE archived = 0 AND do_not_contact = 0 AND cadence_days IS NOT NULL;
CREATE INDEX customers_birthday ON customers (birthday_month, birthday_day)
    WHERE birthday_month IS NOT NULL;
CREATE INDEX customers_first_purchase ON customers (first_purchase_at)
    WHERE first_purchase_at IS NOT NULL;
CREATE INDEX family_members_birthday ON family_members (birthday_month, birthday_day)
    WHERE birthday_month IS NOT NULL;
CREATE INDEX important_dates_day ON important_dates (month, day);
-- Both cover what the follow-up queries read, so no purchase row is visited.
CREATE INDEX purchases_follow_up
    ON purchases (follow_up_plan_id, purchased_at, customer_id, reorder_after_days)
    WHERE follow_up_plan_id IS NOT NULL AND amount_minor > 0;
CREATE INDEX purchases_reorder
    ON purchases (purchased_at + reorder_after_days * 86400, follow_up_plan_id, customer_id,
                  purchased_at, reorder_after_days)
    WHERE reorder_after_days IS NOT NULL AND amount_minor > 0;
CREATE INDEX reminder_states_snoozed ON reminder_states (snoozed_until)
    WHERE status = 'snoozed';

-- The plan every new purchase follows unless another is chosen. Its name is
-- empty so the interface shows it in the user's language; the user can
-- rename, edit or replace it.
INSERT INTO follow_up_plans (id, name, is_default, position) VALUES (1, '', 1, 0);
INSERT INTO follow_up_steps (plan_id, position, kind, label, offset_days) VALUES
    (1, 0, 'thank_you', '', 1),
    (1, 1, 'check_in', '', 7),
    (1, 2, 'satisfaction', '', 30),
    (1, 3, 'reorder', '', 90);

-- The few customers whose wishes rule reminders out, read in one step.
CREATE INDEX customers_wishes ON customers (id)
    WHERE archived = 1 OR do_not_contact = 1 OR quiet_until IS NOT NULL;
