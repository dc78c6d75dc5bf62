//! Finding customers by what an address book identifies a contact with: a
//! vCard UID, an e-mail address, a phone number's digits, or a full name.
//! Each lookup takes a whole file's values at once.

use std::rc::Rc;

use rusqlite::Connection;
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;

use crate::error::Result;

/// A customer found by a value: `(the value, id, family, given, company)`.
pub(crate) type Found = (String, i64, String, String, String);

fn array(values: &[String]) -> Array {
    Rc::new(values.iter().cloned().map(Value::from).collect())
}

fn found(r: &rusqlite::Row<'_>) -> rusqlite::Result<Found> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

/// `(uid, id)` of the customers holding these UIDs, or holding them as
/// aliases of a record merged into theirs.
pub(crate) fn by_uid(conn: &Connection, uids: &[String]) -> Result<Vec<(String, i64)>> {
    if uids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(conn
        .prepare_cached(
            "SELECT c.uid, c.id FROM rarray(?1) k CROSS JOIN customers c ON c.uid = k.value
             UNION ALL
             SELECT a.value, a.customer_id FROM rarray(?1) k
              CROSS JOIN customer_aliases a ON a.kind = 'uid' AND a.value = k.value",
        )?
        .query_map([array(uids)], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// `(address in lower case, id)` of the customers these e-mail addresses
/// lead to as aliases of a record merged into theirs.
pub(crate) fn by_email_alias(
    conn: &Connection,
    addresses: &[String],
) -> Result<Vec<(String, i64)>> {
    if addresses.is_empty() {
        return Ok(Vec::new());
    }
    let lowered: Vec<String> = addresses.iter().map(|a| a.trim().to_lowercase()).collect();
    Ok(conn
        .prepare_cached(
            "SELECT a.value, a.customer_id FROM rarray(?1) k
              CROSS JOIN customer_aliases a ON a.kind = 'email' AND a.value = k.value",
        )?
        .query_map([array(&lowered)], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Customers with these e-mail addresses (any case), by id.
pub(crate) fn by_email(conn: &Connection, addresses: &[String]) -> Result<Vec<Found>> {
    if addresses.is_empty() {
        return Ok(Vec::new());
    }
    Ok(conn
        .prepare_cached(
            "SELECT e.address, c.id, c.family_name, c.given_name, c.company
               FROM rarray(?1) k
               CROSS JOIN customer_emails e ON e.address = k.value COLLATE NOCASE
               JOIN customers c ON c.id = e.customer_id
              ORDER BY c.id",
        )?
        .query_map([array(addresses)], found)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Customers with phone numbers of these digits, by id.
pub(crate) fn by_phone(conn: &Connection, digits: &[String]) -> Result<Vec<Found>> {
    if digits.is_empty() {
        return Ok(Vec::new());
    }
    Ok(conn
        .prepare_cached(
            "SELECT ph.digits, c.id, c.family_name, c.given_name, c.company
               FROM rarray(?1) k
               CROSS JOIN customer_phones ph ON ph.digits = k.value
               JOIN customers c ON c.id = ph.customer_id
              ORDER BY c.id",
        )?
        .query_map([array(digits)], found)?
        .collect::<rusqlite::Result<_>>()?)
}

/// Every customer's family, given and company names, joined by U+001F:
/// `(joined name, id)`, in the order they were added. No index serves the
/// joined name, so one read of them all is the cheapest way to find many.
pub(crate) fn full_names(conn: &Connection) -> Result<Vec<(String, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT family_name || char(31) || given_name || char(31) || company, id
               FROM customers ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}
