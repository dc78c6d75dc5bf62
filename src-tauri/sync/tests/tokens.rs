//! Later syncs ask the server only for what changed (RFC 6578's
//! `sync-collection`, with the token the last sync kept), and a token the
//! server no longer knows is no failure: every card is compared instead,
//! nothing is lost or doubled, and the sync after is quiet again.

#[allow(dead_code)]
#[path = "support/radicale.rs"]
mod radicale;
#[allow(dead_code)]
#[path = "support/book.rs"]
mod support;

use kizuna_core::customer::CustomerQuery;
use kizuna_core::domain::sync::ContactDetails;
use kizuna_sync::{Book, sync_contacts};
use radicale::Radicale;
use support::{delete, get, put};

/// The card with its `TITLE` set to `title`.
fn with_title(card: &str, title: &str) -> String {
    let kept: String = card
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("TITLE"))
        .collect();
    kept.replace("END:VCARD", &format!("TITLE:{title}\nEND:VCARD"))
}

#[tokio::test]
async fn changes_are_asked_by_token_and_a_refused_token_compares_every_card() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, false).await;
    let collection = account.address_book.href.clone();
    let book = support::empty_book();
    let made: Vec<_> = [("青木", "一郎"), ("井上", "次郎"), ("上田", "三郎")]
        .into_iter()
        .map(|(f, g)| {
            book.with(|store, clock| store.create_customer(support::customer(f, g), clock))
                .expect("customer")
        })
        .collect();
    let uids: Vec<String> = made.iter().map(|c| c.uid.clone()).collect();
    let title_of = |i: usize| {
        book.with(|store, _| store.customer(made[i].id))
            .expect("customer")
            .profile
            .title
    };
    let first = sync_contacts(&connection, &account, &book)
        .await
        .expect("first sync");
    assert_eq!(first.pushed.written, 3);
    let token = book
        .with(|store, _| store.sync_token(&collection))
        .expect("token read");
    assert!(
        token.is_some(),
        "the sync keeps the server's token for the next one"
    );
    let href = |i: usize| kizuna_core::sync::card_href(&collection, &uids[i]);

    // On the phone: 青木's title set, 井上's card deleted.
    let aoki = get(&server, &href(0)).expect("青木's card");
    put(&server, &href(0), &with_title(&aoki, "店長"));
    delete(&server, &href(1));
    let second = sync_contacts(&connection, &account, &book)
        .await
        .expect("second sync");
    assert_eq!(
        (second.pulled.updated, second.pulled.archived),
        (1, 1),
        "the changes since the token come in"
    );
    assert_eq!(title_of(0), "店長");
    let new_token = book
        .with(|store, _| store.sync_token(&collection))
        .expect("token");
    assert_ne!(new_token, token, "the token moves on with each sync");

    // The server forgets its tokens (a rebuilt cache); the phone edits 上田.
    server.forget_sync_tokens();
    let ueda = get(&server, &href(2)).expect("上田's card");
    put(&server, &href(2), &with_title(&ueda, "部長"));
    let third = sync_contacts(&connection, &account, &book)
        .await
        .expect("a refused token is no failure");
    assert_eq!(
        third.pulled.updated, 1,
        "上田's change is found all the same"
    );
    assert_eq!(title_of(2), "部長");
    assert_eq!(
        (
            third.pulled.added,
            third.pulled.archived,
            third.pushed.written
        ),
        (0, 0, 0),
        "nobody added, archived or written twice"
    );
    let log = book.with(|store, _| store.sync_log(50)).expect("log");
    assert_eq!(
        log.iter().filter(|e| e.event == "token_refused").count(),
        1,
        "the refused token is in the sync log: {log:?}"
    );
    let count = |archived: bool| {
        book.with(|store, _| {
            store.list_customers(&CustomerQuery {
                archived,
                ..CustomerQuery::default()
            })
        })
        .expect("list")
        .total
    };
    assert_eq!((count(false), count(true)), (2, 1), "no customer doubled");
    assert_eq!(server.cards_stored(), 2, "no card doubled on the server");

    let quiet = sync_contacts(&connection, &account, &book)
        .await
        .expect("fourth sync");
    assert_eq!(
        (quiet.pulled.updated, quiet.pushed.written),
        (0, 0),
        "with a fresh token the next sync has nothing to do"
    );
    let log = book.with(|store, _| store.sync_log(50)).expect("log");
    assert_eq!(
        log.iter().filter(|e| e.event == "token_refused").count(),
        1,
        "the fresh token is taken: {log:?}"
    );
}
