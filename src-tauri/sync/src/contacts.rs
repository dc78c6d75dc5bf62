//! One sync, both ways: list the cards on the server (ETags), fetch those
//! new or changed since the last sync, bring them in (the core merges part
//! by part and archives customers whose card was deleted on the phone),
//! write back every customer whose card now differs, then bring the
//! phone's calendar up to date (Kizuna's events only, one way). The book is held only between network steps, never while the
//! server is asked; a sync cut short leaves both sides consistent, and the
//! next one completes it.

use kizuna_core::domain::sync::{FetchedCard, ListedCard, SyncAccount, SyncReport};
use kizuna_core::{Clock, Error, Store};
use libdav::carddav::GetAddressBookResources;
use libdav::dav::ListResources;

use crate::connection::{Connection, timed};
use crate::discovery::refused;
use crate::push::{push_contacts, push_events, remove_events};

/// The book, however the caller holds it (a window's shared store, a
/// test's own), lent for one step at a time.
pub trait Book {
    fn with<R>(
        &self,
        step: impl FnOnce(&mut Store, &Clock) -> Result<R, Error>,
    ) -> Result<R, Error>;
}

/// Every card in the address book, by href and ETag.
pub async fn list_cards(
    connection: &Connection,
    collection: &str,
) -> Result<Vec<ListedCard>, Error> {
    let listed = timed(connection.webdav.request(ListResources::new(collection)))
        .await?
        .map_err(refused)?;
    Ok(listed
        .resources
        .into_iter()
        .filter(|r| !r.resource_type.is_collection)
        // A card listed without an ETag is still there: fetched, never
        // taken for deleted.
        .map(|r| ListedCard {
            etag: r.etag.unwrap_or_default(),
            href: r.href,
        })
        .collect())
}

/// The cards at `hrefs`, in batches (one REPORT per hundred).
pub async fn fetch_cards(
    connection: &Connection,
    collection: &str,
    hrefs: &[String],
) -> Result<Vec<FetchedCard>, Error> {
    let mut out = Vec::with_capacity(hrefs.len());
    for batch in hrefs.chunks(100) {
        let fetched = timed(
            connection
                .webdav
                .request(GetAddressBookResources::new(collection).with_hrefs(batch)),
        )
        .await?
        .map_err(refused)?;
        out.extend(fetched.resources.into_iter().filter_map(|r| {
            let content = r.content.ok()?;
            Some(FetchedCard {
                href: r.href,
                etag: content.etag,
                card: content.data,
            })
        }));
    }
    Ok(out)
}

/// Syncs the account's address book both ways.
pub async fn sync_contacts(
    connection: &Connection,
    account: &SyncAccount,
    book: &impl Book,
) -> Result<SyncReport, Error> {
    let collection = &account.address_book.href;
    connection.probe().await?;
    let listed = list_cards(connection, collection).await?;
    let plan = book.with(|store, _| store.pull_plan(account, &listed))?;
    let fetched = fetch_cards(connection, collection, &plan.fetch).await?;
    let pulled =
        book.with(|store, clock| store.apply_pulled(account, &fetched, &plan.deleted, clock))?;
    let cards = book.with(|store, _| store.contacts_to_push(account))?;
    let pushed = push_contacts(connection, cards).await?;
    let pushed = book.with(|store, clock| store.record_push(account, &pushed, clock))?;
    let plan = book.with(|store, clock| store.calendar_to_push(account, clock))?;
    let written = push_events(connection, plan.write).await;
    let removed = remove_events(connection, &plan.remove).await;
    let calendar =
        book.with(|store, clock| store.record_calendar(account, &written, &removed, clock))?;
    Ok(SyncReport {
        pulled,
        pushed,
        calendar,
    })
}
