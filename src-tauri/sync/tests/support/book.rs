//! What the sync tests share besides the server: a book lent one step at a
//! time, a fixed clock, an account with fresh collections, and the phone
//! (curl, a client independent of Kizuna's).

use std::process::{Command, Stdio};
use std::sync::Mutex;

use kizuna_core::domain::sync::{ContactDetails, SyncAccount};
use kizuna_core::{Clock, Error, Store};
use kizuna_sync::{Book, Connection, create_address_book, create_calendar, discover};

use super::radicale::{PASSWORD, Radicale, USER};

pub struct TestBook {
    pub store: Mutex<Store>,
    pub clock: Clock,
}

impl Book for TestBook {
    fn with<R>(
        &self,
        step: impl FnOnce(&mut Store, &Clock) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let mut store = self.store.lock().expect("store");
        step(&mut store, &self.clock)
    }
}

/// 3 December 2026, 10:00 in Tokyo.
pub fn clock() -> Clock {
    Clock::at_local(
        chrono_tz::Asia::Tokyo,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("day"),
        10,
        0,
    )
    .expect("clock")
}

/// A customer with just a name.
pub fn customer(family: &str, given: &str) -> kizuna_core::customer::CustomerProfile {
    kizuna_core::customer::CustomerProfile {
        family_name: family.to_owned(),
        given_name: given.to_owned(),
        ..Default::default()
    }
}

/// An empty book in memory.
pub fn empty_book() -> TestBook {
    TestBook {
        store: Mutex::new(Store::open_in_memory().expect("store")),
        clock: clock(),
    }
}

/// Signs in to `address` and makes a 「絆」 address book (and calendar).
pub async fn account_at(
    address: &str,
    details: ContactDetails,
    with_calendar: bool,
) -> (Connection, SyncAccount) {
    let connection = Connection::new(address, USER, PASSWORD).expect("connection");
    let found = discover(&connection).await.expect("discovered");
    let address_book = create_address_book(&connection, &found.address_book_home, "絆")
        .await
        .expect("address book");
    let calendar = match (&found.calendar_home, with_calendar) {
        (Some(home), true) => Some(
            create_calendar(&connection, home, "絆")
                .await
                .expect("calendar"),
        ),
        _ => None,
    };
    let account = SyncAccount {
        server: address.to_owned(),
        user: USER.to_owned(),
        address_book,
        calendar,
        contact_details: details,
        contacts_at: Some(found.contacts_at.clone()),
        calendar_at: found.calendars_at.clone(),
    };
    (connection, account)
}

/// The phone: plain HTTP with curl. Returns the body and the status code.
pub fn phone(server: &Radicale, method: &str, href: &str, body: Option<&str>) -> (String, u16) {
    let mut curl = Command::new("curl");
    curl.args(["-sS", "-u", &format!("{USER}:{PASSWORD}"), "-X", method])
        .args(["-w", "\n%{http_code}"])
        .arg(format!("http://127.0.0.1:{}{href}", server.port));
    if body.is_some() {
        curl.args([
            "-H",
            "Content-Type: text/vcard; charset=utf-8",
            "--data-binary",
            "@-",
        ]);
    }
    let mut child = curl
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("curl runs");
    if let Some(body) = body {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(body.as_bytes())
            .expect("sent");
    }
    let output = child.wait_with_output().expect("curl ends");
    assert!(output.status.success(), "curl failed");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let (body, code) = text.rsplit_once('\n').expect("a status");
    (body.to_owned(), code.parse().expect("a status code"))
}

/// What the phone reads at `href`, lines ending in `\n`; `None` when
/// nothing is there.
pub fn get(server: &Radicale, href: &str) -> Option<String> {
    let (body, code) = phone(server, "GET", href, None);
    (code == 200).then(|| body.replace("\r\n", "\n"))
}

/// The phone writes `body` at `href`.
pub fn put(server: &Radicale, href: &str, body: &str) {
    let (answer, code) = phone(server, "PUT", href, Some(body));
    assert!((200..300).contains(&code), "PUT {href}: {code} {answer}");
}

/// The phone deletes `href`.
pub fn delete(server: &Radicale, href: &str) {
    let (answer, code) = phone(server, "DELETE", href, None);
    assert!((200..300).contains(&code), "DELETE {href}: {code} {answer}");
}
