//! Reading customers out in bulk, for exports: one query per table for
//! every customer (or the chosen ones, or a slice of ids), not ten per
//! customer, so 100,000 customers are read in well under a second.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::vtab::array::Array;

use super::Store;
use super::customers::{CUSTOMER_COLUMNS, customer_from_row};
use crate::domain::calendar;
use crate::domain::customer::{
    Address, CustomerProfile, Email, FamilyMember, ImportantDate, Phone,
};
use crate::error::Result;

/// A customer as an export writes them.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportCustomer {
    pub id: i64,
    pub uid: String,
    pub profile: CustomerProfile,
    /// The UID of whoever introduced them.
    pub referred_by_uid: Option<String>,
}

/// Which customers to read: everyone, a range of ids (an export reads the
/// book a slice at a time), or the chosen ones.
#[derive(Clone, Copy)]
enum Which<'a> {
    All,
    Range(i64, i64),
    Chosen(&'a Array),
}

impl Which<'_> {
    /// `sql` with its `/*which*/` marker replaced by the condition on
    /// `column`, run with the matching parameters.
    fn each_row<T>(
        self,
        store: &Store,
        sql: &str,
        column: &str,
        mut row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<(i64, T)>,
        mut take: impl FnMut(i64, T),
    ) -> Result<()> {
        let condition = match self {
            Which::All => String::new(),
            Which::Range(..) => format!("AND {column} BETWEEN ?1 AND ?2"),
            Which::Chosen(_) => format!("AND {column} IN rarray(?1)"),
        };
        let mut stmt = store
            .conn()
            .prepare_cached(&sql.replace("/*which*/", &condition))?;
        let mut rows = match self {
            Which::All => stmt.query([])?,
            Which::Range(from, to) => stmt.query([from, to])?,
            Which::Chosen(ids) => stmt.query([ids])?,
        };
        while let Some(r) = rows.next()? {
            let (id, value) = row(r)?;
            take(id, value);
        }
        Ok(())
    }
}

/// The most phones, e-mails and addresses any one customer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WidestLists {
    pub phones: usize,
    pub emails: usize,
    pub addresses: usize,
}

/// How many customers an export reads at a time: memory stays small and
/// each slice's rows sit close together on disk.
const SLICE: usize = 4096;

impl Store {
    /// Every customer (archived ones too), or the chosen ones, in the order
    /// they were added, with everything an export writes.
    pub fn export_profiles(&self, ids: Option<&[i64]>) -> Result<Vec<ExportCustomer>> {
        match ids {
            None => self.profiles(Which::All),
            Some(ids) => {
                let chosen: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
                self.profiles(Which::Chosen(&chosen))
            }
        }
    }

    fn profiles(&self, which: Which<'_>) -> Result<Vec<ExportCustomer>> {
        let mut out: Vec<ExportCustomer> = Vec::new();
        which.each_row(
            self,
            &format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE 1 /*which*/ ORDER BY id"),
            "id",
            |r| Ok((0, customer_from_row(r)?)),
            |_, c| {
                out.push(ExportCustomer {
                    id: c.id,
                    uid: c.uid,
                    profile: c.profile,
                    referred_by_uid: None,
                });
            },
        )?;
        let at: HashMap<i64, usize> = out.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        macro_rules! attach {
            ($sql:expr, $row:expr, $field:ident) => {
                which.each_row(self, $sql, "customer_id", $row, |id, value| {
                    if let Some(&i) = at.get(&id) {
                        out[i].profile.$field.push(value);
                    }
                })?;
            };
        }
        attach!(
            "SELECT customer_id, label, number FROM customer_phones WHERE 1 /*which*/
              ORDER BY customer_id, position",
            |r| Ok((
                r.get(0)?,
                Phone {
                    label: r.get(1)?,
                    number: r.get(2)?
                }
            )),
            phones
        );
        attach!(
            "SELECT customer_id, label, address FROM customer_emails WHERE 1 /*which*/
              ORDER BY customer_id, position",
            |r| Ok((
                r.get(0)?,
                Email {
                    label: r.get(1)?,
                    address: r.get(2)?
                }
            )),
            emails
        );
        attach!(
            "SELECT customer_id, label, postal_code, region, locality, street, extended, country
               FROM customer_addresses WHERE 1 /*which*/ ORDER BY customer_id, position",
            |r| Ok((
                r.get(0)?,
                Address {
                    label: r.get(1)?,
                    postal_code: r.get(2)?,
                    region: r.get(3)?,
                    locality: r.get(4)?,
                    street: r.get(5)?,
                    extended: r.get(6)?,
                    country: r.get(7)?,
                },
            )),
            addresses
        );
        attach!(
            "SELECT customer_id, kind, label, year, month, day FROM important_dates
              WHERE 1 /*which*/ ORDER BY customer_id, position",
            |r| Ok((
                r.get(0)?,
                ImportantDate {
                    kind: r.get(1)?,
                    label: r.get(2)?,
                    date: calendar::PartialDate::new(r.get(3)?, r.get(4)?, r.get(5)?),
                },
            )),
            important_dates
        );
        attach!(
            "SELECT customer_id, name, reading, relation, birthday_year, birthday_month,
                    birthday_day, notes
               FROM family_members WHERE 1 /*which*/ ORDER BY customer_id, position",
            |r| Ok((
                r.get(0)?,
                FamilyMember {
                    name: r.get(1)?,
                    reading: r.get(2)?,
                    relation: r.get(3)?,
                    birthday: calendar::from_columns(r.get(4)?, r.get(5)?, r.get(6)?),
                    notes: r.get(7)?,
                },
            )),
            family_members
        );
        attach!(
            "SELECT ct.customer_id, t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
              WHERE 1 /*which*/ ORDER BY ct.customer_id, t.name COLLATE NOCASE",
            |r| Ok((r.get(0)?, r.get::<_, String>(1)?)),
            tags
        );
        which.each_row(
            self,
            "SELECT r.referred_id, c.id, c.uid
               FROM referrals r JOIN customers c ON c.id = r.referrer_id WHERE 1 /*which*/",
            "r.referred_id",
            |r| Ok((r.get(0)?, (r.get::<_, i64>(1)?, r.get::<_, String>(2)?))),
            |id, (referrer, uid)| {
                if let Some(&i) = at.get(&id) {
                    out[i].profile.referred_by = Some(referrer);
                    out[i].referred_by_uid = Some(uid);
                }
            },
        )?;
        Ok(out)
    }

    /// The most phones, e-mails and addresses any one of the customers
    /// (all, or the chosen ones) has: how wide a CSV export is, counted
    /// without reading anyone's details.
    pub(crate) fn widest_lists(&self, ids: Option<&[i64]>) -> Result<WidestLists> {
        let chosen: Array;
        let which = match ids {
            None => Which::All,
            Some(ids) => {
                chosen = Rc::new(ids.iter().copied().map(Value::from).collect());
                Which::Chosen(&chosen)
            }
        };
        let mut most = [0usize; 3];
        for (slot, table) in ["customer_phones", "customer_emails", "customer_addresses"]
            .into_iter()
            .enumerate()
        {
            which.each_row(
                self,
                &format!(
                    "SELECT 0, coalesce(max(n), 0) FROM
                       (SELECT count(*) AS n FROM {table} WHERE 1 /*which*/ GROUP BY customer_id)"
                ),
                "customer_id",
                |r| Ok((r.get(0)?, r.get::<_, i64>(1)?)),
                |_, n| most[slot] = usize::try_from(n).unwrap_or(0),
            )?;
        }
        Ok(WidestLists {
            phones: most[0],
            emails: most[1],
            addresses: most[2],
        })
    }

    /// The customers a slice at a time, in the order they were added.
    pub(crate) fn each_slice(
        &self,
        ids: Option<&[i64]>,
        mut take: impl FnMut(Vec<ExportCustomer>, u64, u64) -> Result<()>,
    ) -> Result<()> {
        match ids {
            Some(ids) => {
                let total = ids.len() as u64;
                let mut done = 0u64;
                for slice in ids.chunks(SLICE) {
                    let chosen: Array = Rc::new(slice.iter().copied().map(Value::from).collect());
                    done += slice.len() as u64;
                    take(self.profiles(Which::Chosen(&chosen))?, done, total)?;
                }
            }
            None => {
                let (last, total): (i64, i64) = self.conn().query_row(
                    "SELECT coalesce(max(id), 0), count(*) FROM customers",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?;
                let total = u64::try_from(total).unwrap_or(0);
                let mut done = 0u64;
                let mut from = 1i64;
                while from <= last {
                    let to = from + SLICE as i64 - 1;
                    let slice = self.profiles(Which::Range(from, to))?;
                    done += slice.len() as u64;
                    take(slice, done, total)?;
                    from = to + 1;
                }
            }
        }
        Ok(())
    }
}
