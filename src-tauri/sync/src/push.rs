//! Writing customers' cards to the address book, each only if it is still
//! what Kizuna last wrote (`If-Match`) or, for a new card, if the address
//! is free (`If-None-Match: *`): a card changed on the phone is never
//! overwritten.

use http::StatusCode;
use kizuna_core::Error;
use kizuna_core::domain::sync::{OutgoingCard, PushOutcome};
use libdav::dav::{GetEtag, PutResource, WebDavError};

use crate::connection::{Connection, timed};

const VCARD: &str = "text/vcard; charset=utf-8";

/// Writes each card, saying what became of it, after checking that the
/// server can be used at all (a wrong password or no network is one
/// error, not one per card). The server going away midway fails the cards
/// not yet written; the next sync writes them.
pub async fn push_contacts(
    connection: &Connection,
    cards: Vec<OutgoingCard>,
) -> Result<Vec<(OutgoingCard, PushOutcome)>, Error> {
    connection.probe().await?;
    let mut out = Vec::with_capacity(cards.len());
    for card in cards {
        let outcome = push(connection, &card).await;
        out.push((card, outcome));
    }
    Ok(out)
}

async fn push(connection: &Connection, card: &OutgoingCard) -> PushOutcome {
    let webdav = &connection.webdav;
    let written = match &card.etag {
        Some(etag) => {
            timed(webdav.request(PutResource::new(&card.href).update(&card.card, VCARD, etag)))
                .await
        }
        None => timed(webdav.request(PutResource::new(&card.href).create(&card.card, VCARD))).await,
    };
    let response = match written {
        Err(e) => {
            return PushOutcome::Failed {
                detail: e.to_string(),
            };
        }
        Ok(Err(WebDavError::BadStatusCode(StatusCode::PRECONDITION_FAILED))) => {
            return if card.etag.is_some() {
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
    let etag = match response.etag {
        Some(etag) => etag,
        None => match timed(webdav.request(GetEtag::new(&card.href))).await {
            Ok(Ok(found)) => found.etag,
            Ok(Err(e)) => {
                return PushOutcome::Failed {
                    detail: e.to_string(),
                };
            }
            Err(e) => {
                return PushOutcome::Failed {
                    detail: e.to_string(),
                };
            }
        },
    };
    PushOutcome::Written { etag }
}
