//! The address book both ways against a real server (Radicale), with curl
//! as the phone: a card added on the phone becomes a customer, an edit on
//! each side reaches the other, the same part edited on both keeps the
//! newer and the other in the customer's history, a card deleted on the
//! phone archives its customer, and a sync with nothing new changes nothing.

#[allow(dead_code)]
#[path = "support/radicale.rs"]
mod radicale;
#[allow(dead_code)]
#[path = "support/book.rs"]
mod support;

use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::{CustomerProfile, CustomerQuery, Phone};
use kizuna_core::domain::sync::{ContactDetails, SyncPhase, SyncProgress};
use kizuna_core::timeline::{TimelineEntry, TimelineKind};
use kizuna_sync::{Book, sync_contacts};
use radicale::Radicale;
use support::{delete, get, put};

/// Replaces the line of `property` (whatever its parameters) in a card.
fn edited(card: &str, property: &str, line: &str) -> String {
    let mut out: Vec<String> = card
        .lines()
        .filter(|l| {
            let name = l.split([':', ';']).next().unwrap_or_default();
            !name.eq_ignore_ascii_case(property)
        })
        .map(str::to_owned)
        .collect();
    let end = out.iter().position(|l| l == "END:VCARD").expect("END");
    out.insert(end, line.to_owned());
    out.join("\r\n") + "\r\n"
}

#[tokio::test]
async fn changes_on_either_side_reach_the_other_and_nothing_is_lost_or_repeated() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Profile, false).await;
    let book = support::empty_book();
    let ken = book
        .with(|store, clock| {
            store.create_customer(
                CustomerProfile {
                    family_name: "高橋".to_owned(),
                    given_name: "健".to_owned(),
                    family_name_reading: "たかはし".to_owned(),
                    given_name_reading: "けん".to_owned(),
                    company: "みやび".to_owned(),
                    phones: vec![Phone {
                        label: "携帯".to_owned(),
                        number: "090-1234-5678".to_owned(),
                    }],
                    ..CustomerProfile::default()
                },
                clock,
            )
        })
        .expect("ken");
    let first = sync_contacts(&connection, &account, &book)
        .await
        .expect("first sync");
    assert_eq!(first.pushed.written, 1);
    let ken_href = kizuna_core::sync::card_href(&account.address_book.href, &ken.uid);

    // On the phone: a new contact, and 高橋's number changed.
    let hanako_href = format!("{}phone-hanako.vcf", account.address_book.href);
    put(
        &server,
        &hanako_href,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-hanako\r\nN:佐藤;花子;;;\r\nFN:佐藤 花子\r\n\
             X-PHONETIC-LAST-NAME:さとう\r\nX-PHONETIC-FIRST-NAME:はなこ\r\n\
             BDAY;X-APPLE-OMIT-YEAR=1604:1604-05-03\r\nTEL;TYPE=CELL:080-2222-3333\r\nEND:VCARD\r\n",
    );
    let card = get(&server, &ken_href).expect("his card");
    put(
        &server,
        &ken_href,
        &edited(&card, "TEL", "TEL;TYPE=CELL:080-9999-0000"),
    );
    // In Kizuna: his title.
    book.with(|store, clock| {
        let mut p = store.customer(ken.id)?.profile;
        p.title = "店主".to_owned();
        store.update_customer(ken.id, p, clock)
    })
    .expect("edited");

    let second = sync_contacts(&connection, &account, &book)
        .await
        .expect("second sync");
    assert_eq!(
        (second.pulled.added, second.pulled.updated),
        (1, 1),
        "{second:?}"
    );
    let now = book.with(|store, _| store.customer(ken.id)).expect("ken");
    assert_eq!(
        now.profile.phones[0].number, "080-9999-0000",
        "the phone's edit"
    );
    assert_eq!(now.profile.title, "店主", "Kizuna's edit");
    let card = get(&server, &ken_href).expect("his card");
    assert!(
        card.contains("店主") && card.contains("080-9999-0000"),
        "{card}"
    );
    let hanako = book
        .with(|store, _| {
            store.list_customers(&CustomerQuery {
                text: "さとう".to_owned(),
                ..CustomerQuery::default()
            })
        })
        .expect("search");
    assert_eq!(hanako.total, 1, "added once");
    let hanako = book
        .with(|store, _| store.customer(hanako.rows[0].id))
        .expect("hanako");
    assert_eq!(hanako.profile.birthday, Some(PartialDate::new(None, 5, 3)));

    // The same part on both sides: the phone's change is newer (REV).
    book.with(|store, clock| {
        let mut p = store.customer(ken.id)?.profile;
        p.company = "割烹みやび".to_owned();
        store.update_customer(ken.id, p, clock)
    })
    .expect("edited");
    let card = get(&server, &ken_href).expect("his card");
    let card = edited(&card, "ORG", "ORG:みやび本店");
    put(
        &server,
        &ken_href,
        &edited(&card, "REV", "REV:20991231T000000Z"),
    );
    let third = sync_contacts(&connection, &account, &book)
        .await
        .expect("third sync");
    assert_eq!(third.pulled.conflicts, 1, "{third:?}");
    let now = book.with(|store, _| store.customer(ken.id)).expect("ken");
    assert_eq!(now.profile.company, "みやび本店");
    let history = book
        .with(|store, clock| store.timeline(ken.id, &[TimelineKind::Touchpoint], clock))
        .expect("timeline");
    assert!(
        history.items.iter().any(|i| matches!(&i.entry,
            TimelineEntry::Touchpoint { touchpoint } if touchpoint.notes == "割烹みやび")),
        "Kizuna's value is kept in his history"
    );

    // Deleted on the phone: archived in Kizuna, never deleted.
    delete(&server, &hanako_href);
    let fourth = sync_contacts(&connection, &account, &book)
        .await
        .expect("fourth sync");
    assert_eq!(fourth.pulled.archived, 1);
    assert!(
        book.with(|store, _| store.customer(hanako.id))
            .expect("still there")
            .archived
    );

    // Nothing new on either side: nothing moves.
    let quiet = sync_contacts(&connection, &account, &book)
        .await
        .expect("quiet sync");
    assert_eq!(quiet.pulled, Default::default(), "{quiet:?}");
    assert_eq!(quiet.pushed.written, 0, "{quiet:?}");
}

#[tokio::test]
async fn a_phone_card_of_a_customer_already_in_the_book_is_linked_not_doubled() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Profile, false).await;
    let book = support::empty_book();
    let hanako = book
        .with(|store, clock| {
            store.create_customer(
                CustomerProfile {
                    family_name: "山田".to_owned(),
                    given_name: "花子".to_owned(),
                    emails: vec![kizuna_core::customer::Email {
                        label: String::new(),
                        address: "hanako@example.jp".to_owned(),
                    }],
                    ..CustomerProfile::default()
                },
                clock,
            )
        })
        .expect("hanako");
    // The phone has her already, under a UID of its own.
    let on_phone = format!("{}ABPerson-77.vcf", account.address_book.href);
    put(
        &server,
        &on_phone,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:ABPerson-77\r\nN:山田;花子;;;\r\nFN:山田 花子\r\n\
         EMAIL:hanako@example.jp\r\nEND:VCARD\r\n",
    );
    let first = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    assert_eq!(first.pulled.added, 0, "{first:?}");
    assert_eq!(server.cards_stored(), 1, "one card for her, the phone's");

    book.with(|store, clock| {
        let mut p = store.customer(hanako.id)?.profile;
        p.title = "女将".to_owned();
        store.update_customer(hanako.id, p, clock)
    })
    .expect("edited");
    let second = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    let log = book.with(|store, _| store.sync_log(5)).expect("log");
    assert_eq!(second.pushed.written, 1, "{second:?} {log:?}");
    assert!(get(&server, &on_phone).expect("her card").contains("女将"));
    assert_eq!(server.cards_stored(), 1);
    let now = book
        .with(|store, _| store.customer(hanako.id))
        .expect("her");
    assert_eq!(
        now.profile.title, "女将",
        "not reverted by the phone's older card"
    );
    let quiet = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    assert_eq!(quiet.pulled, Default::default(), "{quiet:?}");
    assert_eq!(quiet.pushed.written, 0, "{quiet:?}");
}

/// A book that notes every step of progress it is told.
struct WatchedBook {
    book: support::TestBook,
    told: std::sync::Mutex<Vec<SyncProgress>>,
}

impl Book for WatchedBook {
    fn with<R>(
        &self,
        step: impl FnOnce(&mut kizuna_core::Store, &kizuna_core::Clock) -> Result<R, kizuna_core::Error>,
    ) -> Result<R, kizuna_core::Error> {
        self.book.with(step)
    }

    fn progress(&self, now: SyncProgress) {
        self.told.lock().expect("told").push(now);
    }
}

#[tokio::test]
async fn a_sync_tells_where_it_is_as_it_writes() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, true).await;
    let book = WatchedBook {
        book: support::empty_book(),
        told: std::sync::Mutex::new(Vec::new()),
    };
    book.with(|store, clock| {
        for n in 0..250 {
            store.create_customer(
                CustomerProfile {
                    family_name: "顧客".to_owned(),
                    given_name: n.to_string(),
                    ..CustomerProfile::default()
                },
                clock,
            )?;
        }
        Ok(())
    })
    .expect("book");
    sync_contacts(&connection, &account, &book)
        .await
        .expect("sync");
    let told = book.told.lock().expect("told").clone();
    let phases: Vec<SyncPhase> = told.iter().map(|p| p.phase).collect();
    assert_eq!(phases.first(), Some(&SyncPhase::Listing));
    assert_eq!(phases.last(), Some(&SyncPhase::Calendar));
    let writing: Vec<(u32, u32)> = told
        .iter()
        .filter(|p| p.phase == SyncPhase::Writing)
        .map(|p| (p.done, p.total))
        .collect();
    assert_eq!(
        writing,
        [(0, 250), (100, 250), (200, 250)],
        "the cards written so far, a hundred at a time"
    );
}
