//! Signing in to a real CardDAV/CalDAV server (Radicale on 127.0.0.1):
//! the user's address books and calendars found, new 「絆」 ones made, and
//! every way a server cannot be used told apart.

// Only a part of the shared server support is used here.
#[allow(dead_code)]
#[path = "support/radicale.rs"]
mod radicale;

use kizuna_core::ErrorCode;
use kizuna_sync::{Connection, create_address_book, create_calendar, discover};
use radicale::{PASSWORD, Radicale, USER};

fn code(error: &kizuna_core::Error) -> ErrorCode {
    error.code()
}

#[tokio::test]
async fn a_connection_test_finds_the_users_collections_and_makes_kizunas_own() {
    let server = Radicale::start();
    let connection = Connection::new(&server.address(), USER, PASSWORD).expect("connection");
    let found = discover(&connection).await.expect("discovered");
    assert_eq!(found.address_book_home, format!("/{USER}/"));
    assert!(found.address_books.is_empty(), "a new account has none");
    let calendar_home = found.calendar_home.expect("Radicale has CalDAV");

    let book = create_address_book(&connection, &found.address_book_home, "絆")
        .await
        .expect("address book");
    let calendar = create_calendar(&connection, &calendar_home, "絆")
        .await
        .expect("calendar");
    let found = discover(&connection).await.expect("discovered");
    assert_eq!(found.address_books, vec![book.clone()]);
    assert_eq!(found.address_books[0].name, "絆", "its name, in Japanese");
    assert_eq!(found.calendars, vec![calendar]);
}

#[tokio::test]
async fn a_wrong_password_a_missing_server_and_a_web_page_are_told_apart() {
    let server = Radicale::start();
    let wrong = Connection::new(&server.address(), USER, "not-the-password").expect("connection");
    let refused = discover(&wrong).await.expect_err("refused");
    assert_eq!(code(&refused), ErrorCode::DavWrongPassword, "{refused}");

    // Nothing listens on the port any more.
    let address = server.address();
    drop(server);
    let gone = Connection::new(&address, USER, PASSWORD).expect("connection");
    let refused = discover(&gone).await.expect_err("refused");
    assert_eq!(code(&refused), ErrorCode::DavUnreachable, "{refused}");

    let nowhere =
        Connection::new("https://kizuna-test.invalid/", USER, PASSWORD).expect("connection");
    let refused = discover(&nowhere).await.expect_err("refused");
    assert_eq!(code(&refused), ErrorCode::DavNoSuchServer, "{refused}");

    // A web site that answers every request with a page.
    let site = radicale::plain_server();
    let port = site.server_addr().to_ip().expect("ip").port();
    let serving = std::thread::spawn(move || {
        for request in site.incoming_requests().take(8) {
            let page = tiny_http::Response::from_string("<!doctype html><title>Welcome</title>")
                .with_header(
                    "Content-Type: text/html"
                        .parse::<tiny_http::Header>()
                        .expect("header"),
                );
            let _ = request.respond(page);
        }
    });
    let page =
        Connection::new(&format!("http://127.0.0.1:{port}/"), USER, PASSWORD).expect("connection");
    let refused = discover(&page).await.expect_err("refused");
    assert_eq!(code(&refused), ErrorCode::DavNotServer, "{refused}");
    drop(serving);

    let refused = Connection::new("http://dav.example.jp/", USER, PASSWORD)
        .err()
        .expect("refused");
    assert_eq!(
        code(&refused),
        ErrorCode::DavBadAddress,
        "no password in the clear over the network"
    );
}

#[tokio::test]
async fn a_certificate_no_one_trusts_is_refused() {
    let server = Radicale::start_self_signed();
    let connection = Connection::new(&server.secure_address(), USER, PASSWORD).expect("connection");
    let refused = discover(&connection).await.expect_err("refused");
    assert_eq!(code(&refused), ErrorCode::DavCertificate, "{refused}");
}
