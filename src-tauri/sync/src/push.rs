//! Writing customers' cards to the address book, each only if it is still
//! what Kizuna last wrote (`If-Match`) or, for a new card, if the address
//! is free (`If-None-Match: *`): a card changed on the phone is never
//! overwritten.

use http::StatusCode;
use kizuna_core::Error;
use kizuna_core::domain::sync::{OutgoingCard, OutgoingEvent, PushOutcome, RemoveOutcome};
use libdav::dav::{Delete, GetEtag, PutResource, WebDavError};

use futures_util::{StreamExt, stream};

use crate::connection::{Connection, IN_FLIGHT, timed};

const VCARD: &str = "text/vcard; charset=utf-8";

/// Writes each card, saying what became of it, after checking that the
/// server can be used at all (a wrong password or no network is one
/// error, not one per card). The server going away midway fails the cards
/// not yet written; the next sync writes them.
pub async fn push_contacts(
    connection: &Connection,
    collection: &str,
    cards: Vec<OutgoingCard>,
) -> Result<Vec<(OutgoingCard, PushOutcome)>, Error> {
    connection.probe_collection(collection).await?;
    Ok(stream::iter(cards)
        .map(|card| async move {
            let outcome = push(connection, &card).await;
            (card, outcome)
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await)
}

async fn push(connection: &Connection, card: &OutgoingCard) -> PushOutcome {
    put(
        connection,
        &card.href,
        &card.card,
        VCARD,
        card.etag.as_deref(),
    )
    .await
}

/// Writes `body` at `href`: over `etag` if given, else only if nothing is
/// there.
async fn put(
    connection: &Connection,
    href: &str,
    body: &str,
    content_type: &str,
    etag: Option<&str>,
) -> PushOutcome {
    let webdav = &connection.webdav;
    let written = match etag {
        Some(etag) => {
            timed(webdav.request(PutResource::new(href).update(body, content_type, etag))).await
        }
        None => timed(webdav.request(PutResource::new(href).create(body, content_type))).await,
    };
    let response = match written {
        Err(e) => {
            return PushOutcome::Failed {
                detail: e.to_string(),
            };
        }
        Ok(Err(WebDavError::BadStatusCode(StatusCode::PRECONDITION_FAILED))) => {
            return if etag.is_some() {
                PushOutcome::ChangedOnServer
            } else {
                PushOutcome::AlreadyOnServer
            };
        }
        Ok(Err(e)) => {
            return PushOutcome::Failed {
                detail: e.to_string(),
            };
        }
        Ok(Ok(response)) => response,
    };
    // Some servers answer a PUT without the new ETag: asked for.
    match response.etag {
        Some(etag) => PushOutcome::Written { etag },
        None => match current_etag(connection, href).await {
            Some(etag) => PushOutcome::Written { etag },
            None => PushOutcome::Failed {
                detail: format!("no ETag for {href}"),
            },
        },
    }
}

async fn current_etag(connection: &Connection, href: &str) -> Option<String> {
    match timed(connection.webdav.request(GetEtag::new(href))).await {
        Ok(Ok(found)) => Some(found.etag),
        _ => None,
    }
}

const ICALENDAR: &str = "text/calendar; charset=utf-8";

/// Writes the calendar's events; each one's new ETag, or `None` when it
/// could not be written. The events are Kizuna's: one changed on the phone
/// (or left by an earlier book) is written over.
pub async fn push_events(
    connection: &Connection,
    events: Vec<OutgoingEvent>,
) -> Vec<(OutgoingEvent, Option<String>)> {
    stream::iter(events)
        .map(|event| async move { (push_event(connection, &event).await, event) })
        .buffer_unordered(IN_FLIGHT)
        .map(|(etag, event)| (event, etag))
        .collect()
        .await
}

async fn push_event(connection: &Connection, event: &OutgoingEvent) -> Option<String> {
    let etag = event.etag.as_deref();
    let mut outcome = put(connection, &event.href, &event.ics, ICALENDAR, etag).await;
    if matches!(
        outcome,
        PushOutcome::ChangedOnServer | PushOutcome::AlreadyOnServer
    ) && let Some(etag) = current_etag(connection, &event.href).await
    {
        outcome = put(connection, &event.href, &event.ics, ICALENDAR, Some(&etag)).await;
    }
    match outcome {
        PushOutcome::Written { etag } => Some(etag),
        _ => None,
    }
}

/// Removes events Kizuna wrote that are no longer wanted; the hrefs that
/// are gone (already gone counts).
pub async fn remove_events(connection: &Connection, events: &[(String, String)]) -> Vec<String> {
    stream::iter(events.to_vec())
        .map(|(href, _)| async move {
            let deleted = timed(connection.webdav.request(Delete::new(&href).force())).await;
            matches!(
                deleted,
                Ok(Ok(_) | Err(WebDavError::BadStatusCode(StatusCode::NOT_FOUND)))
            )
            .then_some(href)
        })
        .buffer_unordered(IN_FLIGHT)
        .filter_map(std::future::ready)
        .collect()
        .await
}

/// Deletes customers' cards from the address book, each only if it is
/// still what the sync last saw (`If-Match`): a card changed on the phone
/// since is left there.
pub async fn remove_contacts(
    connection: &Connection,
    cards: &[(String, String)],
) -> Vec<(String, RemoveOutcome)> {
    stream::iter(cards.to_vec())
        .map(|(href, etag)| async move { remove_contact(connection, &href, &etag).await })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await
}

async fn remove_contact(
    connection: &Connection,
    href: &str,
    etag: &str,
) -> (String, RemoveOutcome) {
    let deleted = timed(connection.webdav.request(Delete::new(href).with_etag(etag))).await;
    let outcome = match deleted {
        Ok(Ok(_) | Err(WebDavError::BadStatusCode(StatusCode::NOT_FOUND))) => RemoveOutcome::Gone,
        Ok(Err(WebDavError::BadStatusCode(StatusCode::PRECONDITION_FAILED))) => {
            RemoveOutcome::ChangedOnServer
        }
        Ok(Err(e)) => RemoveOutcome::Failed {
            detail: e.to_string(),
        },
        Err(e) => RemoveOutcome::Failed {
            detail: e.to_string(),
        },
    };
    (href.to_owned(), outcome)
}
