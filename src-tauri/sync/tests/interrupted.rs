//! A server that goes away in the middle of a sync (Radicale killed while
//! cards are being written): nothing is lost, nothing is written twice, and
//! the next sync, once the server is back, completes what was left.

#[allow(dead_code)]
#[path = "support/radicale.rs"]
mod radicale;
#[allow(dead_code)]
#[path = "support/book.rs"]
mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use kizuna_core::customer::{CustomerProfile, CustomerQuery};
use kizuna_core::domain::sync::ContactDetails;
use kizuna_sync::{Book, sync_contacts};
use radicale::Radicale;

const CUSTOMERS: usize = 60;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_mid_sync_loses_nothing_and_the_next_sync_completes_it() {
    let server = Arc::new(Mutex::new(Radicale::start()));
    let address = server.lock().expect("server").address();
    let (connection, account) = support::account_at(&address, ContactDetails::Contact, false).await;
    let book = support::empty_book();
    for n in 0..CUSTOMERS {
        book.with(|store, clock| {
            store.create_customer(
                CustomerProfile {
                    family_name: "顧客".to_owned(),
                    given_name: format!("{n:02}"),
                    ..CustomerProfile::default()
                },
                clock,
            )
        })
        .expect("customer");
    }

    // Killed once a few cards are on its disk.
    let watcher = std::thread::spawn({
        let server = Arc::clone(&server);
        move || loop {
            let mut server = server.lock().expect("server");
            let stored = server.cards_stored();
            if stored >= 5 {
                server.kill();
                return stored;
            }
            drop(server);
            std::thread::sleep(Duration::from_millis(2));
        }
    });
    let cut = sync_contacts(&connection, &account, &book).await;
    let stored = watcher.join().expect("watcher");
    assert!(stored < CUSTOMERS, "killed in the middle ({stored} stored)");
    match cut {
        Ok(summary) => assert!(summary.pushed.failed > 0, "{summary:?}"),
        Err(e) => assert_eq!(e.code(), kizuna_core::ErrorCode::DavUnreachable, "{e}"),
    }

    server.lock().expect("server").restart();
    let completed = sync_contacts(&connection, &account, &book)
        .await
        .expect("completed");
    assert_eq!(completed.pushed.failed, 0, "{completed:?}");
    assert_eq!(
        server.lock().expect("server").cards_stored(),
        CUSTOMERS,
        "every customer once, none twice"
    );
    let quiet = sync_contacts(&connection, &account, &book)
        .await
        .expect("quiet");
    assert_eq!(quiet.pushed.written, 0, "{quiet:?}");
    assert_eq!(quiet.pulled, Default::default(), "{quiet:?}");
    let listed = book
        .with(|store, _| store.list_customers(&CustomerQuery::default()))
        .expect("list");
    assert_eq!(listed.total as usize, CUSTOMERS, "no customer added twice");
}
