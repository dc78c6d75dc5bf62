//! Servers and cards that are not what they should be: a web page, broken
//! XML or a redirect that never ends instead of a CardDAV answer; a card
//! far too large. Each is a clear entry (or error), the rest syncs, and
//! nothing in the book is damaged.

#[allow(dead_code)]
#[path = "support/radicale.rs"]
mod radicale;
#[allow(dead_code)]
#[path = "support/book.rs"]
mod support;

use kizuna_core::ErrorCode;
use kizuna_core::customer::{CustomerProfile, CustomerQuery};
use kizuna_core::domain::sync::{ContactDetails, DavCollection, SyncAccount, SyncEvent};
use kizuna_sync::{Book, Connection, sync_contacts};
use radicale::{PASSWORD, Radicale, USER};
use support::TestBook;

fn book_with_one_customer() -> TestBook {
    let book = support::empty_book();
    book.with(|store, clock| {
        store.create_customer(
            CustomerProfile {
                family_name: "高橋".to_owned(),
                given_name: "健".to_owned(),
                ..CustomerProfile::default()
            },
            clock,
        )
    })
    .expect("customer");
    book
}

/// How a fake server answers a request (it knows its own port).
type Answer = fn(&tiny_http::Request, u16) -> tiny_http::ResponseBox;

/// A web server that answers every request with `respond`.
fn fake_server(respond: Answer) -> u16 {
    let site = radicale::plain_server();
    let port = site.server_addr().to_ip().expect("ip").port();
    std::thread::spawn(move || {
        for request in site.incoming_requests() {
            let response = respond(&request, port);
            let _ = request.respond(response);
        }
    });
    port
}

fn header(text: &str) -> tiny_http::Header {
    text.parse().expect("header")
}

#[tokio::test]
async fn a_web_page_broken_xml_or_a_redirect_loop_is_an_error_and_changes_nothing() {
    let servers: [(&str, Answer); 3] = [
        ("a web page", |_, _| {
            tiny_http::Response::from_string("<!doctype html><title>Hello</title>")
                .with_header(header("Content-Type: text/html"))
                .boxed()
        }),
        ("broken XML", |_, _| {
            tiny_http::Response::from_string(
                "<?xml version=\"1.0\"?><multistatus xmlns=\"DAV:\"><response><href>/a",
            )
            .with_status_code(207)
            .with_header(header("Content-Type: application/xml"))
            .boxed()
        }),
        ("a redirect loop", |request, port| {
            tiny_http::Response::empty(301)
                .with_header(header(&format!(
                    "Location: http://127.0.0.1:{port}{}",
                    request.url()
                )))
                .boxed()
        }),
    ];
    for (what, respond) in servers {
        let port = fake_server(respond);
        let address = format!("http://127.0.0.1:{port}/");
        let account = SyncAccount {
            server: address.clone(),
            user: USER.to_owned(),
            address_book: DavCollection {
                href: "/salesperson/book/".to_owned(),
                name: "絆".to_owned(),
            },
            calendar: None,
            contact_details: ContactDetails::Contact,
            contacts_at: None,
            calendar_at: None,
        };
        let book = book_with_one_customer();
        let connection = Connection::new(&address, USER, PASSWORD).expect("connection");
        let refused = sync_contacts(&connection, &account, &book)
            .await
            .expect_err(what);
        assert_eq!(refused.code(), ErrorCode::DavNotServer, "{what}: {refused}");
        let listed = book
            .with(|store, _| store.list_customers(&CustomerQuery::default()))
            .expect("list");
        assert_eq!(listed.total, 1, "{what}: the book is as it was");
    }
}

#[tokio::test]
async fn a_card_far_too_large_is_left_alone_and_the_rest_syncs() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, false).await;
    let put = |name: &str, card: String| {
        support::put(
            &server,
            &format!("{}{name}", account.address_book.href),
            &card,
        );
    };
    let huge_note = "あ".repeat(600_000);
    put(
        "huge.vcf",
        format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:huge\r\nN:大;太郎;;;\r\nFN:大 太郎\r\nNOTE:{huge_note}\r\nEND:VCARD\r\n"
        ),
    );
    put(
        "small.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:small\r\nN:小;花子;;;\r\nFN:小 花子\r\nEND:VCARD\r\n"
            .to_owned(),
    );
    let book = book_with_one_customer();
    let synced = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    assert_eq!(
        (synced.pulled.added, synced.pulled.unreadable),
        (1, 1),
        "{synced:?}"
    );
    assert_eq!(synced.pushed.written, 1, "高橋 健 went out");
    let log = book.with(|store, _| store.sync_log(10)).expect("log");
    assert!(
        log.iter()
            .any(|e| e.event == SyncEvent::Unreadable.as_str() && e.detail.ends_with("huge.vcf")),
        "{log:?}"
    );
    // Not fetched, nor logged, again until it changes.
    let again = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    assert_eq!(again.pulled, Default::default(), "{again:?}");
}

#[tokio::test]
async fn an_address_book_emptied_on_the_server_archives_nobody() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, false).await;
    let book = support::empty_book();
    let mut uids = Vec::new();
    for n in 0..8 {
        let customer = book
            .with(|store, clock| {
                store.create_customer(
                    CustomerProfile {
                        family_name: "顧客".to_owned(),
                        given_name: format!("{n}"),
                        ..CustomerProfile::default()
                    },
                    clock,
                )
            })
            .expect("customer");
        uids.push(customer.uid);
    }
    sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    for uid in &uids[..7] {
        support::delete(
            &server,
            &kizuna_core::sync::card_href(&account.address_book.href, uid),
        );
    }
    let after = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    assert_eq!(after.pulled.archived, 0, "{after:?}");
    let listed = book
        .with(|store, _| store.list_customers(&CustomerQuery::default()))
        .expect("list");
    assert_eq!(listed.total, 8, "everyone is still in the book");
}
