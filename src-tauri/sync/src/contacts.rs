//! One sync, both ways: ask the server what changed since the last sync
//! (its sync token, else every card's ETag), fetch the cards new or
//! changed, bring them in (the core merges part
//! by part and archives customers whose card was deleted on the phone),
//! write back every customer whose card now differs, then bring the
//! phone's calendar up to date (Kizuna's events only, one way). The book is held only between network steps, never while the
//! server is asked; a sync cut short leaves both sides consistent, and the
//! next one completes it.

use kizuna_core::domain::sync::{
    FetchedCard, ListedCard, OutgoingCard, ServerListing, SyncAccount, SyncEvent, SyncPhase,
    SyncProgress, SyncReport, SyncSummary,
};
use kizuna_core::{Clock, Error, Store};
use libdav::carddav::GetAddressBookResources;
use libdav::dav::{GetProperty, ListResources, ListedResource, SyncCollection, WebDavError};
use libdav::names;

use futures_util::{StreamExt, stream};

use crate::connection::{Connection, IN_FLIGHT, timed, transport};
use crate::discovery::refused;
use crate::push::{push_contacts, push_events, remove_contacts, remove_events};

/// The book, however the caller holds it (a window's shared store, a
/// test's own), lent for one step at a time.
pub trait Book {
    fn with<R>(
        &self,
        step: impl FnOnce(&mut Store, &Clock) -> Result<R, Error>,
    ) -> Result<R, Error>;

    /// Told where the sync is, for a window to show; nothing by default.
    fn progress(&self, _now: SyncProgress) {}
}

/// Every card in the address book, by href and ETag.
pub async fn list_cards(
    connection: &Connection,
    collection: &str,
) -> Result<Vec<ListedCard>, Error> {
    let listed_now = timed(connection.webdav.request(ListResources::new(collection)))
        .await?
        .map_err(refused)?;
    Ok(listed(listed_now.resources))
}

/// What changed in the address book since `token` (RFC 6578's
/// `sync-collection`), or every card when there is no token, the server
/// refuses it (it forgot it, or the collection was rebuilt) or does not
/// keep tokens at all; `true` when a token was refused.
pub async fn server_listing(
    connection: &Connection,
    collection: &str,
    token: Option<&str>,
) -> Result<(ServerListing, bool), Error> {
    let mut refused_token = false;
    if let Some(token) = token {
        let asked = SyncCollection::new(collection).with_sync_token(token);
        match timed(connection.webdav.request(asked)).await? {
            Ok(changes) => {
                return Ok((
                    ServerListing::Changes {
                        changed: listed(changes.changed),
                        deleted: changes.deleted,
                        token: changes.new_sync_token,
                    },
                    false,
                ));
            }
            Err(WebDavError::Request(request)) => return Err(transport(&request)),
            Err(other) => {
                tracing::info!(%other, "sync token refused: every card compared");
                refused_token = true;
            }
        }
    }
    // Every card by a plain listing (a server may cut a sync-collection
    // answer short, and a card missing from a whole listing counts as
    // deleted), with the collection's token taken before it: whatever
    // changes while it is listed is asked again next time.
    let token = match timed(
        connection
            .webdav
            .request(GetProperty::new(collection, &names::SYNC_TOKEN)),
    )
    .await?
    {
        Ok(found) => found.value.filter(|t| !t.trim().is_empty()),
        Err(WebDavError::Request(request)) => return Err(transport(&request)),
        // A server without sync tokens is listed by ETag, every time.
        Err(_) => None,
    };
    let cards = list_cards(connection, collection).await?;
    Ok((ServerListing::Full { cards, token }, refused_token))
}

fn listed(resources: Vec<ListedResource>) -> Vec<ListedCard> {
    resources
        .into_iter()
        .filter(|r| !r.resource_type.is_collection)
        // A card listed without an ETag is still there: fetched, never
        // taken for deleted.
        .map(|r| ListedCard {
            etag: r.etag.unwrap_or_default(),
            href: r.href,
        })
        .collect()
}

/// The cards at `hrefs`, in batches (one REPORT per hundred, a few on
/// their way at once).
pub async fn fetch_cards(
    connection: &Connection,
    collection: &str,
    hrefs: &[String],
) -> Result<Vec<FetchedCard>, Error> {
    // Owned batches: a closure over borrowed ones would keep the sync's
    // future from being sent to another thread (a limit of the compiler).
    let batches: Vec<Vec<String>> = hrefs.chunks(100).map(<[String]>::to_vec).collect();
    let batches: Vec<Result<Vec<FetchedCard>, Error>> = stream::iter(batches)
        .map(|batch| async move { fetch_batch(connection, collection, &batch).await })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let mut out = Vec::with_capacity(hrefs.len());
    for batch in batches {
        out.extend(batch?);
    }
    Ok(out)
}

async fn fetch_batch(
    connection: &Connection,
    collection: &str,
    batch: &[String],
) -> Result<Vec<FetchedCard>, Error> {
    let fetched = timed(
        connection
            .webdav
            .request(GetAddressBookResources::new(collection).with_hrefs(batch)),
    )
    .await?
    .map_err(refused)?;
    Ok(fetched
        .resources
        .into_iter()
        .filter_map(|r| {
            let content = r.content.ok()?;
            Some(FetchedCard {
                href: r.href,
                etag: content.etag,
                card: content.data,
            })
        })
        .collect())
}

/// Syncs the account's address book both ways.
pub async fn sync_contacts(
    connection: &Connection,
    account: &SyncAccount,
    book: &impl Book,
) -> Result<SyncReport, Error> {
    let collection = &account.address_book.href;
    book.progress(SyncProgress {
        phase: SyncPhase::Listing,
        done: 0,
        total: 0,
    });
    // The servers discovery led to (iCloud's own for each user), else the
    // address given.
    let calendars = connection.at(account.calendar_at.as_deref())?;
    let connection = &connection.at(account.contacts_at.as_deref())?;
    connection.probe_collection(collection).await?;
    let token = book.with(|store, _| store.sync_token(collection))?;
    let (listing, refused_token) = server_listing(connection, collection, token.as_deref()).await?;
    if refused_token {
        book.with(|store, clock| store.log_sync(SyncEvent::TokenRefused, "", clock))?;
    }
    let plan = book.with(|store, _| store.pull_plan(account, &listing))?;
    book.progress(SyncProgress {
        phase: SyncPhase::Pulling,
        done: 0,
        total: count(plan.fetch.len()),
    });
    let fetched = fetch_cards(connection, collection, &plan.fetch).await?;
    let pulled = book.with(|store, clock| store.apply_pulled(account, &fetched, &plan, clock))?;

    // Written a hundred at a time, each hundred remembered as soon as it is
    // on the server: a sync cut short keeps what it did.
    let cards = book.with(|store, _| store.contacts_to_push(account))?;
    let total = count(cards.len());
    let mut pushed = SyncSummary::default();
    let mut cards = cards.into_iter().peekable();
    let mut done = 0;
    while cards.peek().is_some() {
        book.progress(SyncProgress {
            phase: SyncPhase::Writing,
            done,
            total,
        });
        let part: Vec<OutgoingCard> = cards.by_ref().take(WRITTEN_AT_ONCE).collect();
        done += count(part.len());
        let outcome = push_contacts(connection, collection, part).await?;
        let recorded = book.with(|store, clock| store.record_push(account, &outcome, clock))?;
        pushed.add(&recorded);
    }
    let doomed = book.with(|store, _| store.contacts_to_remove(account))?;
    book.progress(SyncProgress {
        phase: SyncPhase::Removing,
        done: 0,
        total: count(doomed.len()),
    });
    let removed = remove_contacts(connection, &doomed).await;
    let removed = book.with(|store, clock| store.record_removed(account, &removed, clock))?;
    pushed.add(&removed);

    let plan = book.with(|store, clock| store.calendar_to_push(account, clock))?;
    book.progress(SyncProgress {
        phase: SyncPhase::Calendar,
        done: 0,
        total: count(plan.write.len() + plan.remove.len()),
    });
    let written = push_events(&calendars, plan.write).await;
    let removed = remove_events(&calendars, &plan.remove).await;
    let calendar =
        book.with(|store, clock| store.record_calendar(account, &written, &removed, clock))?;
    let written = pushed.written.to_string();
    book.with(|store, clock| store.log_sync(SyncEvent::Synced, &written, clock))?;
    Ok(SyncReport {
        pulled,
        pushed,
        calendar,
    })
}

/// Cards written between two records of what was written.
const WRITTEN_AT_ONCE: usize = 100;

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
