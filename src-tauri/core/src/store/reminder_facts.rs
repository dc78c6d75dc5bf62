//! The facts the reminder rules read (`domain/reminder/*`), for every
//! customer — through each kind's date index, only the window's rows — or
//! for a few customers whose data changed, through their ids. Both read the
//! same columns, so an agenda built either way is the same.

use std::collections::HashMap;
use std::rc::Rc;

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, params};

use super::changes::NO_CUSTOMER;
use crate::domain::calendar::PartialDate;
use crate::domain::clock::Clock;
use crate::domain::kana;
use crate::domain::ladder::Stage;
use crate::domain::reminder::dates::{DatedFact, month_day_ranges};
use crate::domain::reminder::draft::Addressee;
use crate::domain::reminder::follow_up::PurchaseFact;
use crate::domain::reminder::keep_in_touch::ContactFact;
use crate::domain::reminder::promise::PromiseFact;
use crate::domain::reminder::state::Wish;
use crate::domain::reminder::thanks::ReferralFact;
use crate::domain::reminder::window::Window;
use crate::domain::reminder::{DraftLanguage, ReminderCustomer, ReminderKind, add_days};
use crate::domain::settings::Settings;
use crate::error::Result;

/// Whose facts to read.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    Everyone,
    /// These customers; [`NO_CUSTOMER`] stands for reminders naming nobody.
    /// Their queries prefix other columns with `+`, which keeps SQLite from
    /// scanning a (partial) index on those instead of looking the few up.
    Customers(&'a [i64]),
}

impl Scope<'_> {
    fn ids(self) -> Option<Array> {
        match self {
            Scope::Everyone => None,
            Scope::Customers(ids) => Some(Rc::new(ids.iter().copied().map(Value::from).collect())),
        }
    }
}

/// Birthdays, family birthdays and other dates falling in the window.
pub(crate) fn dated(
    conn: &Connection,
    w: &Window,
    scope: Scope<'_>,
    clock: &Clock,
) -> Result<Vec<DatedFact>> {
    let ids = scope.ids();
    // (kind, columns and table, the month-and-day condition, the id condition)
    let sources: [(ReminderKind, &str, &str, &str); 3] = [
        (
            ReminderKind::Birthday,
            "SELECT c.id, '', c.birthday_year, c.birthday_month, c.birthday_day,
                    coalesce(c.birthday_known_at, c.created_at)
               FROM customers c",
            "c.birthday_month = ?1 AND c.birthday_day BETWEEN ?2 AND ?3",
            "c.id IN rarray(?1) AND +c.birthday_month IS NOT NULL",
        ),
        (
            ReminderKind::FamilyBirthday,
            "SELECT f.customer_id, trim(f.relation || ' ' || f.name), f.birthday_year,
                    f.birthday_month, f.birthday_day, coalesce(f.known_at, c.created_at)
               FROM family_members f JOIN customers c ON c.id = f.customer_id",
            "f.birthday_month = ?1 AND f.birthday_day BETWEEN ?2 AND ?3",
            "f.customer_id IN rarray(?1) AND +f.birthday_month IS NOT NULL",
        ),
        (
            ReminderKind::ImportantDate,
            "SELECT d.customer_id, d.label, d.year, d.month, d.day,
                    coalesce(d.known_at, c.created_at)
               FROM important_dates d JOIN customers c ON c.id = d.customer_id",
            "d.month = ?1 AND d.day BETWEEN ?2 AND ?3",
            "d.customer_id IN rarray(?1)",
        ),
    ];
    let mut out = Vec::new();
    for (kind, select, by_day, by_customer) in sources {
        let from_row = |r: &rusqlite::Row<'_>| {
            Ok(DatedFact {
                kind,
                customer_id: r.get(0)?,
                subject: r.get(1)?,
                date: PartialDate::new(r.get(2)?, r.get(3)?, r.get(4)?),
                known_on: clock.local_day(r.get(5)?),
            })
        };
        match &ids {
            None => {
                let mut stmt = conn.prepare_cached(&format!("{select} WHERE {by_day}"))?;
                for (month, first, last) in month_day_ranges(w.from, w.occasions_until()) {
                    for fact in stmt.query_map(params![month, first, last], from_row)? {
                        out.push(fact?);
                    }
                }
            }
            Some(ids) => {
                let mut stmt = conn.prepare_cached(&format!("{select} WHERE {by_customer}"))?;
                for fact in stmt.query_map([ids], from_row)? {
                    out.push(fact?);
                }
            }
        }
    }
    anniversaries(conn, w, scope, clock, &mut out)?;
    Ok(out)
}

/// The first purchase of each customer whose anniversary falls in the
/// window: for each year back, the first purchases whose day falls in the
/// window then.
fn anniversaries(
    conn: &Connection,
    w: &Window,
    scope: Scope<'_>,
    clock: &Clock,
    out: &mut Vec<DatedFact>,
) -> Result<()> {
    // Known from when that purchase was recorded, or the customer added.
    const SELECT: &str = "SELECT c.id, c.first_purchase_at,
            max(c.created_at, coalesce((SELECT p.created_at FROM purchases p
                                         WHERE p.customer_id = c.id AND p.amount_minor > 0
                                         ORDER BY p.purchased_at, p.id LIMIT 1), 0))
       FROM customers c";
    let fact = |customer_id: i64, at: i64, known_at: i64| {
        let first = clock.local_day(at);
        DatedFact {
            kind: ReminderKind::PurchaseAnniversary,
            customer_id,
            subject: String::new(),
            date: PartialDate::new(Some(first.year()), first.month(), first.day()),
            known_on: clock.local_day(known_at),
        }
    };
    let from_row = |r: &rusqlite::Row<'_>| Ok(fact(r.get(0)?, r.get(1)?, r.get(2)?));
    if let Some(ids) = scope.ids() {
        let mut stmt = conn.prepare_cached(&format!(
            "{SELECT} WHERE c.id IN rarray(?1) AND +c.first_purchase_at IS NOT NULL"
        ))?;
        for f in stmt.query_map([ids], from_row)? {
            out.push(f?);
        }
        return Ok(());
    }
    let earliest: Option<i64> = conn
        .prepare_cached("SELECT min(first_purchase_at) FROM customers")?
        .query_row([], |r| r.get(0))?;
    let Some(earliest) = earliest else {
        return Ok(());
    };
    let earliest = clock.local_day(earliest);
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE c.first_purchase_at >= ?1 AND c.first_purchase_at < ?2"
    ))?;
    let (from, to) = (w.from, w.to);
    for years in 1..=200u32 {
        let back = Months::new(12 * years);
        let (Some(then_from), Some(then_to)) =
            (from.checked_sub_months(back), to.checked_sub_months(back))
        else {
            break;
        };
        if then_to < earliest {
            break;
        }
        // A day of slack each side for 29 February; the rule is exact.
        let rows = stmt.query_map(
            params![
                Window::start_of(add_days(then_from, -1), clock),
                Window::start_of(add_days(then_to, 2), clock)
            ],
            from_row,
        )?;
        for f in rows {
            out.push(f?);
        }
    }
    Ok(())
}

/// Purchases that follow a plan, with the plan's id. A step stays until
/// done, so every such purchase is read (through a covering index).
pub(crate) fn purchases(conn: &Connection, scope: Scope<'_>) -> Result<Vec<(i64, PurchaseFact)>> {
    let from_row = |r: &rusqlite::Row<'_>| {
        Ok((
            r.get::<_, i64>(4)?,
            PurchaseFact {
                purchase_id: r.get(0)?,
                customer_id: r.get(1)?,
                bought_at: r.get(2)?,
                known_at: r.get(3)?,
                reorder_after_days: r.get(5)?,
            },
        ))
    };
    const COLUMNS: &str =
        "id, customer_id, purchased_at, created_at, follow_up_plan_id, reorder_after_days";
    Ok(match scope.ids() {
        None => conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM purchases INDEXED BY purchases_follow_up
                  WHERE follow_up_plan_id IS NOT NULL AND amount_minor > 0"
            ))?
            .query_map([], from_row)?
            .collect::<rusqlite::Result<_>>()?,
        Some(ids) => conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM purchases
                  WHERE customer_id IN rarray(?1) AND +follow_up_plan_id IS NOT NULL
                    AND +amount_minor > 0"
            ))?
            .query_map([ids], from_row)?
            .collect::<rusqlite::Result<_>>()?,
    })
}

/// Customers whose cadence (the stage's, or their own) ends by the
/// window's last day: everyone else cannot be due.
pub(crate) fn contacts(
    conn: &Connection,
    settings: &Settings,
    w: &Window,
    scope: Scope<'_>,
    clock: &Clock,
) -> Result<Vec<ContactFact>> {
    let horizon = Window::start_of(add_days(w.to, 1), clock);
    // `id, last_contact_at, stage, cadence_days`
    let contact = |r: &rusqlite::Row<'_>| {
        Ok(ContactFact {
            customer_id: r.get(0)?,
            last_contact_at: r.get(1)?,
            stage: r.get(2)?,
            own_cadence: r.get(3)?,
        })
    };
    let mut out = Vec::new();
    if let Some(ids) = scope.ids() {
        let mut stmt = conn.prepare_cached(
            "SELECT id, last_contact_at, stage, cadence_days FROM customers
              WHERE id IN rarray(?1) AND +archived = 0 AND +do_not_contact = 0",
        )?;
        for row in stmt.query_map([ids], contact)? {
            out.push(row?);
        }
        return Ok(out);
    }
    let mut by_stage = conn.prepare_cached(
        "SELECT id, last_contact_at FROM customers
          WHERE archived = 0 AND do_not_contact = 0 AND cadence_days IS NULL
            AND stage = ?1 AND last_contact_at < ?2",
    )?;
    for (stage, cadence) in Stage::ALL.iter().zip(settings.cadence_days) {
        if cadence == 0 {
            continue;
        }
        let rows =
            by_stage.query_map(params![stage, horizon - i64::from(cadence) * 86_400], |r| {
                Ok(ContactFact {
                    customer_id: r.get(0)?,
                    last_contact_at: r.get(1)?,
                    stage: *stage,
                    own_cadence: None,
                })
            })?;
        for row in rows {
            out.push(row?);
        }
    }
    let mut own = conn.prepare_cached(
        // Named, because the planner does not match the expression index
        // on its own and would compute every customer's last contact.
        "SELECT id, last_contact_at, stage, cadence_days FROM customers INDEXED BY customers_own_cadence
          WHERE archived = 0 AND do_not_contact = 0 AND cadence_days IS NOT NULL
            AND last_contact_at + cadence_days * 86400 < ?1",
    )?;
    for row in own.query_map([horizon], contact)? {
        out.push(row?);
    }
    Ok(out)
}

/// Introductions not thanked since they were made, or since the one
/// introduced first bought; `Customers` reads those the customers made.
pub(crate) fn referrals(conn: &Connection, scope: Scope<'_>) -> Result<Vec<ReferralFact>> {
    const SELECT: &str =
        "SELECT r.id, r.referrer_id, r.introduced_at, c.first_purchase_at, r.thanked_at,
                                 c.family_name, c.given_name, c.company
                            FROM referrals r JOIN customers c ON c.id = r.referred_id
                           WHERE (r.thanked_at IS NULL OR r.thanked_at < c.first_purchase_at)";
    let from_row = |r: &rusqlite::Row<'_>| {
        Ok(ReferralFact {
            referral_id: r.get(0)?,
            referrer_id: r.get(1)?,
            introduced_at: r.get(2)?,
            first_purchase_at: r.get(3)?,
            thanked_at: r.get(4)?,
            referred_name: kana::display_name(
                &r.get::<_, String>(5)?,
                &r.get::<_, String>(6)?,
                &r.get::<_, String>(7)?,
            ),
        })
    };
    Ok(match scope.ids() {
        None => conn
            .prepare_cached(SELECT)?
            .query_map([], from_row)?
            .collect::<rusqlite::Result<_>>()?,
        Some(ids) => conn
            .prepare_cached(&format!("{SELECT} AND r.referrer_id IN rarray(?1)"))?
            .query_map([ids], from_row)?
            .collect::<rusqlite::Result<_>>()?,
    })
}

/// Promises falling due before the window ends.
pub(crate) fn promises(
    conn: &Connection,
    w: &Window,
    scope: Scope<'_>,
    clock: &Clock,
) -> Result<Vec<PromiseFact>> {
    const SELECT: &str = "SELECT id, customer_id, title, due_at, created_at FROM custom_reminders
                           WHERE due_at < ?1";
    let end = Window::start_of(add_days(w.to, 1), clock);
    let from_row = |r: &rusqlite::Row<'_>| {
        Ok(PromiseFact {
            id: r.get(0)?,
            customer_id: r.get(1)?,
            title: r.get(2)?,
            due_at: r.get(3)?,
            created_at: r.get(4)?,
        })
    };
    let mut out: Vec<PromiseFact> = Vec::new();
    match scope {
        Scope::Everyone => {
            for row in conn.prepare_cached(SELECT)?.query_map([end], from_row)? {
                out.push(row?);
            }
        }
        Scope::Customers(ids) => {
            let values: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
            let mut stmt = conn.prepare_cached(
                "SELECT id, customer_id, title, due_at, created_at FROM custom_reminders
                  WHERE customer_id IN rarray(?2) AND +due_at < ?1",
            )?;
            for row in stmt.query_map(params![end, values], from_row)? {
                out.push(row?);
            }
            if ids.contains(&NO_CUSTOMER) {
                let mut stmt = conn.prepare_cached(&format!("{SELECT} AND customer_id IS NULL"))?;
                for row in stmt.query_map([end], from_row)? {
                    out.push(row?);
                }
            }
        }
    }
    Ok(out)
}

/// Customers with a wish that rules reminders out: archived, do not
/// contact, or a quiet period. Few, and read through a partial index.
pub(crate) fn wishes(conn: &Connection, scope: Scope<'_>) -> Result<HashMap<i64, Wish>> {
    let from_row = |r: &rusqlite::Row<'_>| {
        Ok((
            r.get::<_, i64>(0)?,
            Wish {
                archived: r.get(1)?,
                do_not_contact: r.get(2)?,
                quiet_until: r
                    .get::<_, Option<String>>(3)?
                    .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
            },
        ))
    };
    Ok(match scope.ids() {
        None => conn
            .prepare_cached(
                "SELECT id, archived, do_not_contact, quiet_until FROM customers
                  WHERE archived = 1 OR do_not_contact = 1 OR quiet_until IS NOT NULL",
            )?
            .query_map([], from_row)?
            .collect::<rusqlite::Result<_>>()?,
        Some(ids) => conn
            .prepare_cached(
                "SELECT id, archived, do_not_contact, quiet_until FROM customers
                  WHERE id IN rarray(?1)
                    AND (+archived = 1 OR +do_not_contact = 1 OR +quiet_until IS NOT NULL)",
            )?
            .query_map([ids], from_row)?
            .collect::<rusqlite::Result<_>>()?,
    })
}

/// Who each reminder is about, as the Today view shows them, and as their
/// drafts address them in their own language.
pub(crate) fn addressees(
    conn: &Connection,
    ids: &[i64],
) -> Result<HashMap<i64, (ReminderCustomer, Addressee, DraftLanguage)>> {
    let values: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.family_name, c.given_name, c.company, c.stage, c.last_touch_at,
                (SELECT number FROM customer_phones p WHERE p.customer_id = c.id ORDER BY position LIMIT 1),
                (SELECT address FROM customer_emails e WHERE e.customer_id = c.id ORDER BY position LIMIT 1),
                c.honorific, c.topic, c.family_name_reading, c.given_name_reading,
                c.message_language
           FROM customers c WHERE c.id IN (SELECT DISTINCT value FROM rarray(?1))",
    )?;
    let rows = stmt.query_map([values], |r| {
        let family_name: String = r.get(1)?;
        let given_name: String = r.get(2)?;
        let company: String = r.get(3)?;
        let display_name = kana::display_name(&family_name, &given_name, &company);
        Ok((
            ReminderCustomer {
                id: r.get(0)?,
                display_name: display_name.clone(),
                stage: r.get(4)?,
                last_touch_at: r.get(5)?,
                phone: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                email: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
            },
            Addressee {
                display_name,
                family_name,
                given_name,
                family_reading: r.get(10)?,
                given_reading: r.get(11)?,
                honorific: r.get(8)?,
                topic: r.get(9)?,
            },
            r.get::<_, DraftLanguage>(12)?,
        ))
    })?;
    let mut out = HashMap::with_capacity(ids.len());
    for row in rows {
        let (customer, addressee, language) = row?;
        out.insert(customer.id, (customer, addressee, language));
    }
    Ok(out)
}
