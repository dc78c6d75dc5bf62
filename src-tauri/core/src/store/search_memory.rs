//! What a search needs of every customer — where they stand in the book's
//! 五十音 order, whether they are archived, their stage and their folded
//! names — kept in memory between searches.
//!
//! A broad search (a tag, a ward, a common name) matches thousands of
//! customers, and each match had to be looked up twice in SQLite's
//! b-trees (its sort key, then its names for "is it a name match"): about
//! 1.4 µs a match, most of a search's time at 100,000 customers. Here a
//! match costs a binary search and a substring test on a few bytes. The
//! memory is read again, from two of the list's indexes and the narrow
//! names table, the first time it is needed after what it holds changed
//! (`search_generation`, moved by triggers); it is a few megabytes at
//! 100,000 customers and is only built once someone searches.

use memchr::memmem::Finder;

use crate::domain::ladder::Stage;
use crate::error::Result;
use rusqlite::Connection;

pub(crate) struct SearchMemory {
    /// `search_generation` when it was read.
    pub generation: i64,
    /// Customer ids, ascending; `customers[i]` describes `ids[i]`.
    ids: Vec<i64>,
    customers: Vec<Listed>,
    /// Every customer's folded names (UTF-8), end to end;
    /// `Listed::names_end` marks where each one's end.
    names: Vec<u8>,
}

#[derive(Clone, Copy)]
struct Listed {
    /// Place in the list's order (sort key, then id) among the customers
    /// archived alike.
    order: u32,
    archived: bool,
    stage: Stage,
    names_end: u32,
}

/// One customer as a search sees them.
#[derive(Clone, Copy)]
pub(crate) struct Candidate<'a> {
    pub id: i64,
    pub order: u32,
    pub names: &'a [u8],
}

impl SearchMemory {
    /// The generation the memory of the book was read at.
    pub fn generation(conn: &Connection) -> Result<i64> {
        Ok(conn
            .prepare_cached("SELECT n FROM search_generation")?
            .query_row([], |r| r.get(0))?)
    }

    pub fn load(conn: &Connection) -> Result<SearchMemory> {
        // Every walk below sees the same book.
        conn.execute_batch("SAVEPOINT search_memory")?;
        let loaded = Self::read(conn);
        let released = conn.execute_batch("RELEASE search_memory");
        // A failed read says more than the release that follows it.
        let loaded = loaded?;
        released?;
        Ok(loaded)
    }

    fn read(conn: &Connection) -> Result<SearchMemory> {
        let generation = Self::generation(conn)?;
        // The list's order, walked on its own index: no sort key is read
        // or compared here. Archived and active customers are never listed
        // together, so one walk serves both.
        let mut placed: Vec<(i64, u32)> = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT id FROM customers INDEXED BY customers_list ORDER BY archived, sort_key, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let order = u32::try_from(placed.len()).unwrap_or(u32::MAX);
            placed.push((row.get(0)?, order));
        }
        placed.sort_unstable();

        // Archive and stage from the stage list's index, put in id order.
        let mut standing: Vec<(i64, bool, Stage)> = conn
            .prepare(
                "SELECT id, archived, stage FROM customers INDEXED BY customers_stage_list
                  ORDER BY archived, stage, sort_key, id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        standing.sort_unstable_by_key(|s| s.0);
        let mut ids = Vec::with_capacity(placed.len());
        let mut customers = Vec::with_capacity(placed.len());
        for (id, archived, stage) in standing {
            let Ok(at) = placed.binary_search_by_key(&id, |p| p.0) else {
                continue;
            };
            ids.push(id);
            customers.push(Listed {
                order: placed[at].1,
                archived,
                stage,
                names_end: 0,
            });
        }
        drop(placed);

        // Names are kept as bytes: a term is looked for in UTF-8 bytes, and
        // checking 100,000 names for UTF-8 again would cost as much as
        // reading them.
        let mut names = Vec::new();
        let mut stmt =
            conn.prepare("SELECT customer_id, names FROM customer_names ORDER BY customer_id")?;
        let mut named = stmt.query([])?;
        let mut next = named.next()?;
        for (id, listed) in ids.iter().zip(customers.iter_mut()) {
            // Both walks are in id order: skip names of ids no longer listed.
            while let Some(row) = next {
                let named_id: i64 = row.get(0)?;
                if named_id > *id {
                    break;
                }
                if named_id == *id {
                    names.extend_from_slice(
                        row.get_ref(1)?.as_bytes().map_err(rusqlite::Error::from)?,
                    );
                }
                next = named.next()?;
            }
            listed.names_end = u32::try_from(names.len()).unwrap_or(u32::MAX);
        }
        names.shrink_to_fit();
        Ok(SearchMemory {
            generation,
            ids,
            customers,
            names,
        })
    }

    fn candidate(&self, i: usize) -> Candidate<'_> {
        let start = match i {
            0 => 0,
            _ => self.customers[i - 1].names_end as usize,
        };
        let listed = self.customers[i];
        Candidate {
            id: self.ids[i],
            order: listed.order,
            names: &self.names[start..listed.names_end as usize],
        }
    }

    fn shown(&self, i: usize, archived: bool, stage: Option<Stage>) -> bool {
        let listed = self.customers[i];
        listed.archived == archived && stage.is_none_or(|s| s == listed.stage)
    }

    /// Every customer the list shows (archived or not, of one stage or all).
    pub fn shown_all(
        &self,
        archived: bool,
        stage: Option<Stage>,
    ) -> impl Iterator<Item = Candidate<'_>> {
        (0..self.ids.len())
            .filter(move |&i| self.shown(i, archived, stage))
            .map(|i| self.candidate(i))
    }

    /// The customers among `ids` that the list shows; ids it does not know
    /// (removed since the index answered) are left out.
    pub fn shown_among<'a>(
        &'a self,
        ids: &'a [i64],
        archived: bool,
        stage: Option<Stage>,
    ) -> impl Iterator<Item = Candidate<'a>> {
        ids.iter()
            .filter_map(|id| self.ids.binary_search(id).ok())
            .filter(move |&i| self.shown(i, archived, stage))
            .map(|i| self.candidate(i))
    }
}

/// Whether `text` holds any of the prepared alternatives.
pub(crate) fn holds_any(text: &[u8], alternatives: &[Finder<'_>]) -> bool {
    alternatives.iter().any(|f| f.find(text).is_some())
}
