//! An address that leads elsewhere: the user types the service's address
//! (as with iCloud, which keeps each user's contacts and calendars on a
//! server of their own, named in the home sets), and every sync afterwards
//! goes to the server discovery found, not back to the address typed.
//! Played on this computer with a small front door at 127.0.0.1 and
//! Radicale behind it, reached as `localhost` (another host name).

#[allow(dead_code)]
#[path = "support/radicale.rs"]
mod radicale;
#[allow(dead_code)]
#[path = "support/book.rs"]
mod support;

use kizuna_core::customer::CustomerProfile;
use kizuna_core::domain::sync::{ContactDetails, SyncAccount};
use kizuna_sync::{
    Book, Connection, create_address_book, create_calendar, discover, sync_contacts,
};
use radicale::{PASSWORD, Radicale, USER};

/// A service's front door at 127.0.0.1, answering as iCloud does: the
/// user's principal is here, but their address books and calendars are on
/// `home` (another server). Returns its address.
fn front_door(home: String) -> String {
    let site = radicale::plain_server();
    let port = site.server_addr().to_ip().expect("ip").port();
    std::thread::spawn(move || {
        let header = |text: &str| text.parse::<tiny_http::Header>().expect("header");
        for request in site.incoming_requests() {
            let response = if request.method().as_str() == "OPTIONS" {
                tiny_http::Response::empty(200)
                    .with_header(header("DAV: 1, 2, 3, addressbook, calendar-access"))
                    .boxed()
            } else {
                let path = request.url().to_owned();
                tiny_http::Response::from_string(format!(
                    r#"<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav" xmlns:cal="urn:ietf:params:xml:ns:caldav">
<d:response><d:href>{path}</d:href><d:propstat><d:prop>
<d:current-user-principal><d:href>/{USER}/</d:href></d:current-user-principal>
<card:addressbook-home-set><d:href>{home}{USER}/</d:href></card:addressbook-home-set>
<cal:calendar-home-set><d:href>{home}{USER}/</d:href></cal:calendar-home-set>
</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
</d:multistatus>"#
                ))
                .with_status_code(207)
                .with_header(header("Content-Type: application/xml; charset=utf-8"))
                .boxed()
            };
            let _ = request.respond(response);
        }
    });
    format!("http://127.0.0.1:{port}/")
}

#[tokio::test]
async fn syncs_go_where_discovery_led_not_back_to_the_address_typed() {
    let server = Radicale::start();
    let port = server
        .address()
        .rsplit(':')
        .next()
        .expect("port")
        .trim_end_matches('/')
        .to_owned();
    let elsewhere = format!("http://localhost:{port}/");
    let typed = front_door(elsewhere.clone());

    let connection = Connection::new(&typed, USER, PASSWORD).expect("connection");
    let found = discover(&connection)
        .await
        .expect("discovered through the front door");
    assert_eq!(
        found.contacts_at, elsewhere,
        "contacts are on the other server"
    );
    assert_eq!(found.calendars_at.as_deref(), Some(elsewhere.as_str()));

    let contacts = connection.at(Some(&found.contacts_at)).expect("contacts");
    let calendars = connection
        .at(found.calendars_at.as_deref())
        .expect("calendars");
    let address_book = create_address_book(&contacts, &found.address_book_home, "絆")
        .await
        .expect("address book made where the contacts are");
    let calendar = create_calendar(
        &calendars,
        found.calendar_home.as_deref().expect("calendar home"),
        "絆",
    )
    .await
    .expect("calendar made where the calendars are");
    let account = SyncAccount {
        server: typed.clone(),
        user: USER.to_owned(),
        address_book,
        calendar: Some(calendar),
        contact_details: ContactDetails::Contact,
        contacts_at: Some(found.contacts_at.clone()),
        calendar_at: found.calendars_at.clone(),
    };

    let book = support::empty_book();
    let customer = book
        .with(|store, clock| {
            store.create_customer(
                CustomerProfile {
                    family_name: "松本".to_owned(),
                    given_name: "潤".to_owned(),
                    birthday: Some(kizuna_core::calendar::PartialDate {
                        year: None,
                        month: 12,
                        day: 24,
                    }),
                    ..CustomerProfile::default()
                },
                clock,
            )
        })
        .expect("customer");
    // The sync is given the address typed, as the app keeps it.
    let synced = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced with the server discovery found");
    assert_eq!(synced.pushed.written, 1);
    assert!(synced.calendar.written >= 1, "{synced:?}");
    let href = kizuna_core::sync::card_href(&account.address_book.href, &customer.uid);
    assert!(
        support::get(&server, &href).is_some_and(|card| card.contains("松本")),
        "the card is on the server discovery found"
    );
}
