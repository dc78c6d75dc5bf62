//! Finding customers from one search box: the folded documents each
//! customer is found by, and the queries over them. How a search text is
//! split into terms is the domain's (`domain/search.rs`).

use std::rc::Rc;

use memchr::memmem::Finder;
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, OptionalExtension};

use super::search_memory::{Candidate, SearchMemory, holds_any};
use super::{ListTotal, Store};
use crate::domain::customer::{CustomerPage, CustomerProfile, CustomerQuery, CustomerRow};
use crate::domain::kana;
use crate::domain::ladder::Stage;
use crate::domain::search::{MAX_PAGE, SearchPlan, documents, plan};
use crate::error::Result;

/// Writes (or rewrites) a customer's search documents.
pub(crate) fn index_customer(conn: &Connection, id: i64, p: &CustomerProfile) -> Result<()> {
    let (names, doc) = documents(p);
    conn.prepare_cached(
        "INSERT INTO customer_search (customer_id, doc) VALUES (?1, ?2)
         ON CONFLICT (customer_id) DO UPDATE SET doc = excluded.doc",
    )?
    .execute(rusqlite::params![id, doc])?;
    conn.prepare_cached(
        "INSERT INTO customer_names (customer_id, names) VALUES (?1, ?2)
         ON CONFLICT (customer_id) DO UPDATE SET names = excluded.names",
    )?
    .execute(rusqlite::params![id, names])?;
    Ok(())
}

/// Search documents collected while many customers are written (an
/// import, a restore) and written in two statements at the end: every
/// statement that writes to the FTS5 index flushes what it holds to disk
/// and merges segments, which for one statement per customer cost most of
/// an import's time.
#[derive(Default)]
pub(crate) struct DeferredIndex {
    entries: Vec<(i64, String, String)>,
}

impl DeferredIndex {
    pub fn add(&mut self, id: i64, p: &CustomerProfile) {
        let (names, doc) = documents(p);
        self.entries.push((id, names, doc));
    }

    /// Documents already worked out with [`documents`].
    pub fn push(&mut self, id: i64, names: String, doc: String) {
        self.entries.push((id, names, doc));
    }

    pub fn write(self, conn: &Connection) -> Result<()> {
        // `WHERE true` tells the parser the ON CONFLICT is the upsert's.
        let mut docs = conn.prepare(
            "INSERT INTO customer_search (customer_id, doc)
             SELECT value ->> 0, value ->> 1 FROM json_each(?1) WHERE true
             ON CONFLICT (customer_id) DO UPDATE SET doc = excluded.doc",
        )?;
        let mut names = conn.prepare(
            "INSERT INTO customer_names (customer_id, names)
             SELECT value ->> 0, value ->> 1 FROM json_each(?1) WHERE true
             ON CONFLICT (customer_id) DO UPDATE SET names = excluded.names",
        )?;
        // In batches: the documents of a whole import as one JSON text (and
        // its parse inside SQLite) were the peak of its memory.
        for batch in self.entries.chunks(INDEX_BATCH) {
            let json = |pick: fn(&(i64, String, String)) -> &str| {
                let rows: Vec<(i64, &str)> = batch.iter().map(|e| (e.0, pick(e))).collect();
                serde_json::to_string(&rows)
            };
            docs.execute([json(|e| &e.2)?])?;
            names.execute([json(|e| &e.1)?])?;
        }
        Ok(())
    }
}

/// Customers whose documents go to the index in one statement.
const INDEX_BATCH: usize = 10_000;

/// `contains(text, term)`: whether a folded document holds a term. It
/// replaces SQLite's `instr`, which compares the term at every byte of the
/// text: a search of one or two characters tests every customer's names,
/// and `instr` was most of its time at 100,000 customers.
pub(crate) fn register_contains(conn: &Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_scalar_function(
        "contains",
        2,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            // NULL in, NULL out, as `instr`; text is compared as its UTF-8 bytes.
            match (ctx.get_raw(0).as_bytes(), ctx.get_raw(1).as_bytes()) {
                (Ok(text), Ok(term)) => Ok(Some(memchr::memmem::find(text, term).is_some())),
                _ => Ok(None),
            }
        },
    )?;
    Ok(())
}

/// The columns a list row is built from, for `customers c`.
const ROW_COLUMNS: &str = "c.id, c.family_name, c.given_name, c.family_name_reading,
    c.given_name_reading, c.company, c.stage, c.archived,
    (SELECT group_concat(t.name, char(31)) FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
      WHERE ct.customer_id = c.id),
    (SELECT number FROM customer_phones WHERE customer_id = c.id ORDER BY position LIMIT 1),
    (SELECT address FROM customer_emails WHERE customer_id = c.id ORDER BY position LIMIT 1)";

fn row_from_columns(r: &rusqlite::Row<'_>) -> rusqlite::Result<CustomerRow> {
    let family: String = r.get(1)?;
    let given: String = r.get(2)?;
    let family_reading: String = r.get(3)?;
    let given_reading: String = r.get(4)?;
    let company: String = r.get(5)?;
    let tags: Option<String> = r.get(8)?;
    Ok(CustomerRow {
        id: r.get(0)?,
        display_name: kana::display_name(&family, &given, &company),
        display_reading: kana::display_reading(&family, &given, &family_reading, &given_reading),
        company,
        stage: r.get(6)?,
        archived: r.get(7)?,
        tags: tags.map(|t| split_tags(&t)).unwrap_or_default(),
        phone: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
        email: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
    })
}

/// Tags arrive joined by U+001F, a control character validation strips from
/// every field, and are shown in case-insensitive order.
fn split_tags(joined: &str) -> Vec<String> {
    let mut tags: Vec<String> = joined.split('\u{1f}').map(str::to_owned).collect();
    tags.sort_by_cached_key(|t| t.to_lowercase());
    tags
}

/// A matching customer before the window is cut: name match, place in
/// the book's order, id.
struct Match {
    name_match: bool,
    order: u32,
    id: i64,
}

/// The list's order when searching: name matches first, then 五十音.
fn list_order(a: &Match, b: &Match) -> std::cmp::Ordering {
    b.name_match.cmp(&a.name_match).then(a.order.cmp(&b.order))
}

impl Store {
    /// One window of the customer list in 五十音 order (name matches first
    /// when searching), with the total number of matches.
    /// Every customer a query matches (all pages), for an export of the
    /// list as it is filtered.
    pub fn matching_ids(&self, query: &CustomerQuery) -> Result<Vec<i64>> {
        let mut ids = Vec::new();
        let mut page = CustomerQuery {
            offset: 0,
            limit: MAX_PAGE,
            ..query.clone()
        };
        loop {
            let found = self.list_customers(&page)?;
            ids.extend(found.rows.iter().map(|r| r.id));
            if found.rows.is_empty() || ids.len() >= found.total as usize {
                return Ok(ids);
            }
            page.offset += MAX_PAGE;
        }
    }

    /// Where a customer stands in the list as `query` shows it (for
    /// scrolling to one opened from elsewhere); `None` when not listed.
    pub fn customer_position(&self, query: &CustomerQuery, id: i64) -> Result<Option<u32>> {
        let plan = plan(&query.text);
        let tag = query.tag.as_deref().filter(|t| !t.is_empty());
        if plan.rank.is_none() && tag.is_none() {
            // Counted on the sort index: what sorts before this customer.
            return Ok(self
                .conn
                .prepare_cached(
                    "SELECT (SELECT count(*) FROM customers c
                              WHERE c.archived = t.archived
                                AND (?2 IS NULL OR c.stage = ?2)
                                AND (c.sort_key, c.id) < (t.sort_key, t.id))
                       FROM customers t
                      WHERE t.id = ?1 AND t.archived = ?3 AND (?2 IS NULL OR t.stage = ?2)",
                )?
                .query_row(rusqlite::params![id, query.stage, query.archived], |r| {
                    r.get(0)
                })
                .optional()?);
        }
        // Counted among the matches in the list's order, without their rows.
        let matches = self.matches(&plan, tag, query)?;
        let Some(target) = matches.iter().find(|m| m.id == id) else {
            return Ok(None);
        };
        let before = matches
            .iter()
            .filter(|m| list_order(m, target).is_lt())
            .count();
        Ok(u32::try_from(before).ok())
    }

    pub fn list_customers(&self, query: &CustomerQuery) -> Result<CustomerPage> {
        let plan = plan(&query.text);
        let tag = query.tag.as_deref().filter(|t| !t.is_empty());
        if plan.rank.is_none() && tag.is_none() {
            return self.browse(query);
        }
        let mut matches = self.matches(&plan, tag, query)?;
        matches.sort_unstable_by(list_order);
        let total = u32::try_from(matches.len()).unwrap_or(u32::MAX);
        let ids: Vec<i64> = matches
            .iter()
            .skip(query.offset as usize)
            .take(query.limit.min(MAX_PAGE) as usize)
            .map(|m| m.id)
            .collect();
        Ok(CustomerPage {
            total,
            offset: query.offset,
            rows: self.rows_by_id(&ids)?,
        })
    }

    /// The unfiltered list (or one stage of it) walks the sort index
    /// directly; nothing is sorted at query time.
    fn browse(&self, query: &CustomerQuery) -> Result<CustomerPage> {
        let limit = query.limit.min(MAX_PAGE);
        // Two statements rather than `(?2 IS NULL OR stage = ?2)`, so each
        // walks its own index (customers_list / customers_stage_list).
        let stage_filter = if query.stage.is_some() {
            "AND c.stage = ?2"
        } else {
            "AND ?2 IS NULL"
        };
        let rows = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ROW_COLUMNS} FROM customers c
                  WHERE c.archived = ?1 {stage_filter}
                  ORDER BY c.sort_key, c.id LIMIT ?3 OFFSET ?4"
            ))?
            .query_map(
                rusqlite::params![query.archived, query.stage, limit, query.offset],
                row_from_columns,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(CustomerPage {
            total: self.browse_total(query.archived, query.stage)?,
            offset: query.offset,
            rows,
        })
    }

    fn browse_total(&self, archived: bool, stage: Option<Stage>) -> Result<u32> {
        let key = (archived, stage);
        let stamp = self.content_stamp()?;
        if let Some(known) = self
            .list_totals
            .borrow()
            .iter()
            .find(|t| t.key == key && t.stamp == stamp)
        {
            return Ok(known.total);
        }
        let total = self
            .conn
            .prepare_cached(if stage.is_some() {
                "SELECT count(*) FROM customers WHERE archived = ?1 AND stage = ?2"
            } else {
                "SELECT count(*) FROM customers WHERE archived = ?1 AND ?2 IS NULL"
            })?
            .query_row(rusqlite::params![archived, stage], |r| r.get(0))?;
        let mut totals = self.list_totals.borrow_mut();
        totals.retain(|t| t.key != key && t.stamp == stamp);
        totals.push(ListTotal { key, stamp, total });
        Ok(total)
    }

    /// Every customer matching a search. The candidates come from the
    /// smallest set — the trigram index's hits when there is a long term,
    /// else every customer (short terms alone are tested on the names
    /// only), else the tag's members — and are filtered, ranked and placed
    /// in the list's order from [`SearchMemory`].
    fn matches(
        &self,
        plan: &SearchPlan,
        tag: Option<&str>,
        query: &CustomerQuery,
    ) -> Result<Vec<Match>> {
        let mut members = match tag {
            Some(tag) => Some(self.tag_members(tag)?),
            None => None,
        };
        // The tag's members drive a search by the tag alone; else they
        // filter what the text finds.
        let hits = match &plan.fts {
            Some(fts) => Some(self.index_hits(fts, &plan.scans)?),
            None if plan.rank.is_none() => members.take(),
            None => None,
        };
        // Short terms beside a long one were checked on every field above.
        let name_scans: Vec<Vec<Finder<'_>>> = match plan.fts {
            Some(_) => Vec::new(),
            None => plan
                .scans
                .iter()
                .map(|alternatives| alternatives.iter().map(Finder::new).collect())
                .collect(),
        };
        let rank = plan.rank.as_deref().map(Finder::new);
        self.with_search_memory(|memory| {
            let candidates: Box<dyn Iterator<Item = Candidate<'_>>> = match &hits {
                Some(ids) => Box::new(memory.shown_among(ids, query.archived, query.stage)),
                None => Box::new(memory.shown_all(query.archived, query.stage)),
            };
            candidates
                .filter(|c| {
                    members
                        .as_ref()
                        .is_none_or(|m| m.binary_search(&c.id).is_ok())
                })
                .filter(|c| name_scans.iter().all(|any| holds_any(c.names, any)))
                .map(|c| Match {
                    name_match: rank.as_ref().is_some_and(|r| r.find(c.names).is_some()),
                    order: c.order,
                    id: c.id,
                })
                .collect()
        })
    }

    /// The customers an FTS5 expression finds, ascending, that also hold
    /// every short term (checked on all their fields).
    fn index_hits(&self, fts: &str, scans: &[Vec<String>]) -> Result<Vec<i64>> {
        let mut sql = String::from("SELECT f.rowid FROM customer_fts f");
        if !scans.is_empty() {
            // CROSS JOIN: the index's hits drive, documents are looked up.
            sql.push_str(" CROSS JOIN customer_search s ON s.customer_id = f.rowid");
        }
        sql.push_str(" WHERE customer_fts MATCH ?");
        let mut args: Vec<&str> = vec![fts];
        for alternatives in scans {
            let any: Vec<&str> = alternatives.iter().map(|_| "contains(s.doc, ?)").collect();
            sql.push_str(&format!(" AND ({})", any.join(" OR ")));
            args.extend(alternatives.iter().map(String::as_str));
        }
        sql.push_str(" ORDER BY f.rowid");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let ids = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// The customers carrying a tag, ascending.
    fn tag_members(&self, tag: &str) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT ct.customer_id FROM tags t CROSS JOIN customer_tags ct ON ct.tag_id = t.id
              WHERE t.name = ?1 ORDER BY ct.customer_id",
        )?;
        let ids = stmt
            .query_map([tag], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// Runs `f` over the search memory, reading it again first when what
    /// it holds has changed since it was read.
    fn with_search_memory<R>(&self, f: impl FnOnce(&SearchMemory) -> R) -> Result<R> {
        if !self.conn.is_autocommit() {
            // Inside a transaction the count may be one that is rolled back
            // and reached again with other content: used, not kept.
            return Ok(f(&SearchMemory::load(&self.conn)?));
        }
        let generation = SearchMemory::generation(&self.conn)?;
        let mut kept = self.search_memory.borrow_mut();
        let memory = match kept.take() {
            Some(memory) if memory.generation == generation => memory,
            stale => {
                // The old one goes before the new one is read.
                drop(stale);
                SearchMemory::load(&self.conn)?
            }
        };
        Ok(f(kept.insert(memory)))
    }

    /// List rows for `ids`, in the order given.
    pub(crate) fn rows_by_id(&self, ids: &[i64]) -> Result<Vec<CustomerRow>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let values: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM rarray(?1) a CROSS JOIN customers c ON c.id = a.value"
        ))?;
        let mut by_id: std::collections::HashMap<i64, CustomerRow> = stmt
            .query_map([values], row_from_columns)?
            .map(|row| row.map(|r| (r.id, r)))
            .collect::<rusqlite::Result<_>>()?;
        Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contains_answers_as_instr_does() {
        let conn = Connection::open_in_memory().expect("connection");
        register_contains(&conn).expect("function");
        let both = |text: Option<&str>, term: Option<&str>| -> (Option<bool>, Option<bool>) {
            conn.query_row(
                "SELECT contains(?1, ?2), instr(?1, ?2) > 0",
                rusqlite::params![text, term],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("query")
        };
        for (text, term) in [
            (Some("やまだ たろう\n山田太郎"), Some("田太")),
            (Some("やまだ"), Some("だた")),
            (Some("abc"), Some("")),
            (Some(""), Some("a")),
            (Some("ゴルフ"), Some("ゴルフ")),
            (None, Some("a")),
            (Some("abc"), None),
        ] {
            let (contains, instr) = both(text, term);
            assert_eq!(contains, instr, "{text:?} / {term:?}");
        }
    }
}
