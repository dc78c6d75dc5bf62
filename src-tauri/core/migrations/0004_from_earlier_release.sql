-- What a store, or a JSON export, of the previous release (schema 3) needs
-- to mean the same under the rules that came with schema 4. Run as the end
-- of migration 4, and after restoring an export of the previous release.

-- A status above what the facts showed can only have been set by hand.
UPDATE referrals SET status_set = status
 WHERE status <> 'introduced'
   AND NOT EXISTS (SELECT 1 FROM purchases p
                    WHERE p.customer_id = referrals.referred_id AND p.amount_minor > 0)
   AND (status = 'bought'
        OR NOT EXISTS (SELECT 1 FROM touchpoints t WHERE t.customer_id = referrals.referred_id));
UPDATE referrals SET status = 'met'
 WHERE status = 'introduced'
   AND EXISTS (SELECT 1 FROM touchpoints t WHERE t.customer_id = referrals.referred_id);
UPDATE referrals SET status = 'bought'
 WHERE status <> 'bought'
   AND EXISTS (SELECT 1 FROM purchases p
                WHERE p.customer_id = referrals.referred_id AND p.amount_minor > 0);

-- The previous release let a follow-up or a thank-you drop out of view 30
-- days after it fell due; from now on nothing leaves until it is dealt
-- with. So that an upgrade does not bring years of those back at once, what
-- had already dropped out is recorded as skipped: for each purchase, its
-- latest step due more than 30 days ago (it supersedes the steps before
-- it), each thank-you due more than 30 days ago, and each of those snoozed
-- with the snooze over for more than 30 days. (A day more is kept rather
-- than one lost: the previous release counted local days.)
UPDATE reminder_states SET status = 'skipped', snoozed_until = NULL
 WHERE status = 'snoozed'
   AND snoozed_until < unixepoch() - 31 * 86400
   AND ((occurrence_key >= 'followup:' AND occurrence_key < 'followup;')
        OR (occurrence_key >= 'thanks-' AND occurrence_key < 'thanks.'));
INSERT INTO reminder_states (occurrence_key, customer_id, status, snoozed_until, acted_at)
SELECT 'followup:' || id || ':' || step, customer_id, 'skipped', NULL, unixepoch()
  FROM (SELECT p.id, p.customer_id,
               (SELECT s.id FROM follow_up_steps s
                 WHERE s.plan_id = p.follow_up_plan_id
                   AND p.purchased_at + 86400 *
                       CASE WHEN s.kind = 'reorder' AND p.reorder_after_days IS NOT NULL
                            THEN p.reorder_after_days ELSE s.offset_days END
                       < unixepoch() - 31 * 86400
                 ORDER BY CASE WHEN s.kind = 'reorder' AND p.reorder_after_days IS NOT NULL
                               THEN p.reorder_after_days ELSE s.offset_days END DESC,
                          s.position DESC
                 LIMIT 1) AS step
          FROM purchases p
         WHERE p.follow_up_plan_id IS NOT NULL AND p.amount_minor > 0)
 WHERE step IS NOT NULL
    ON CONFLICT DO NOTHING;
INSERT INTO reminder_states (occurrence_key, customer_id, status, snoozed_until, acted_at)
SELECT 'thanks-introduced:' || r.id, r.referrer_id, 'skipped', NULL, unixepoch()
  FROM referrals r
 WHERE r.thanked_at IS NULL
   AND r.introduced_at < unixepoch() - 31 * 86400
   AND NOT EXISTS (SELECT 1 FROM purchases p
                    WHERE p.customer_id = r.referred_id AND p.amount_minor > 0)
    ON CONFLICT DO NOTHING;
INSERT INTO reminder_states (occurrence_key, customer_id, status, snoozed_until, acted_at)
SELECT 'thanks-bought:' || id, referrer_id, 'skipped', NULL, unixepoch()
  FROM (SELECT r.id, r.referrer_id, r.thanked_at,
               max(r.introduced_at, (SELECT min(p.purchased_at) FROM purchases p
                                      WHERE p.customer_id = r.referred_id
                                        AND p.amount_minor > 0)) AS due_at,
               (SELECT min(p.purchased_at) FROM purchases p
                 WHERE p.customer_id = r.referred_id AND p.amount_minor > 0) AS bought_at
          FROM referrals r)
 WHERE bought_at IS NOT NULL
   AND (thanked_at IS NULL OR thanked_at < bought_at)
   AND due_at < unixepoch() - 31 * 86400
    ON CONFLICT DO NOTHING;
