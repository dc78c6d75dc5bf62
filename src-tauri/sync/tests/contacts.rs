//! Customers written to a real address book (Radicale on 127.0.0.1), read
//! back by a second client playing the phone (curl): vCard 3.0 with the
//! Japanese readings and a yearless birthday in Apple's form; written again
//! only when changed; and a card changed on the phone never overwritten.

#[allow(dead_code)]
#[path = "support/radicale.rs"]
mod radicale;
#[allow(dead_code)]
#[path = "support/book.rs"]
mod support;

use kizuna_core::Store;
use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::{CustomerProfile, Phone};
use kizuna_core::domain::sync::{ContactDetails, SyncEvent};
use kizuna_sync::push_contacts;
use radicale::Radicale;
use support::{get, put};

fn person(family: &str, given: &str, reading: (&str, &str)) -> CustomerProfile {
    CustomerProfile {
        family_name: family.to_owned(),
        given_name: given.to_owned(),
        family_name_reading: reading.0.to_owned(),
        given_name_reading: reading.1.to_owned(),
        ..CustomerProfile::default()
    }
}

#[tokio::test]
async fn customers_become_the_phones_contacts_and_a_card_changed_on_the_phone_is_left_alone() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Profile, false).await;
    let mut store = Store::open_in_memory().expect("store");
    let clock = support::clock();
    let mut ken = person("高橋", "健", ("たかはし", "けん"));
    ken.birthday = Some(PartialDate::new(None, 5, 3));
    ken.phones.push(Phone {
        label: "携帯".to_owned(),
        number: "090-1234-5678".to_owned(),
    });
    let ken = store.create_customer(ken, &clock).expect("ken");
    let mut hanako = person("山田", "花子", ("やまだ", "はなこ"));
    hanako.likes = "日本酒".to_owned();
    hanako.notes = "ご主人の転勤の話".to_owned();
    let hanako = store.create_customer(hanako, &clock).expect("hanako");
    let gone = store
        .create_customer(person("森", "誠", ("もり", "まこと")), &clock)
        .expect("gone");
    store.archive_customer(gone.id, &clock).expect("archived");

    let cards = store.contacts_to_push(&account).expect("cards");
    assert_eq!(cards.len(), 2, "the archived customer stays off the phone");
    let pushed = push_contacts(&connection, &account.address_book.href, cards)
        .await
        .expect("pushed");
    let summary = store
        .record_push(&account, &pushed, &clock)
        .expect("recorded");
    assert_eq!((summary.written, summary.left, summary.failed), (2, 0, 0));

    let href = |uid: &str| kizuna_core::sync::card_href(&account.address_book.href, uid);
    let card = get(&server, &href(&ken.uid)).expect("the card");
    // A property, whatever parameters the server added (CHARSET=UTF-8).
    let has = |card: &str, name: &str, value: &str| {
        card.lines().any(|l| {
            (l.starts_with(&format!("{name}:")) || l.starts_with(&format!("{name};")))
                && l.ends_with(value)
        })
    };
    assert!(card.contains("VERSION:3.0"), "{card}");
    assert!(has(&card, "N", ":高橋;健;;;"), "{card}");
    assert!(has(&card, "X-PHONETIC-LAST-NAME", ":たかはし"), "{card}");
    assert!(has(&card, "X-PHONETIC-FIRST-NAME", ":けん"), "{card}");
    assert!(
        has(&card, "BDAY;X-APPLE-OMIT-YEAR=1604", ":1604-05-03"),
        "a yearless birthday as Apple writes one: {card}"
    );
    assert!(has(&card, "TEL", ":090-1234-5678"), "{card}");
    assert!(
        !card.contains("X-KIZUNA-STAGE"),
        "Kizuna's working fields stay home: {card}"
    );
    let card = get(&server, &href(&hanako.uid)).expect("the card");
    assert!(card.contains("日本酒"), "the profile goes: {card}");
    assert!(!card.contains("転勤"), "the notes do not: {card}");

    // Nothing changed: nothing to write.
    assert!(store.contacts_to_push(&account).expect("cards").is_empty());

    // Changed in Kizuna: written again.
    let mut changed = store.customer(ken.id).expect("ken").profile;
    changed.title = "店主".to_owned();
    store
        .update_customer(ken.id, changed, &clock)
        .expect("saved");
    let summary = push_and_record(&connection, &mut store, &account, &clock).await;
    assert_eq!(summary.written, 1);
    let card = get(&server, &href(&ken.uid)).expect("the card");
    assert!(has(&card, "TITLE", ":店主"), "{card}");

    // Changed on the phone, then in Kizuna: the phone's change stays.
    let on_phone = get(&server, &href(&hanako.uid))
        .expect("the card")
        .replace("END:VCARD", "NOTE:電話で変更\nEND:VCARD")
        .replace('\n', "\r\n");
    put(&server, &href(&hanako.uid), &on_phone);
    let mut changed = store.customer(hanako.id).expect("hanako").profile;
    changed.likes = "焼酎".to_owned();
    store
        .update_customer(hanako.id, changed, &clock)
        .expect("saved");
    let summary = push_and_record(&connection, &mut store, &account, &clock).await;
    assert_eq!((summary.written, summary.left), (0, 1));
    let card = get(&server, &href(&hanako.uid)).expect("the card");
    assert!(
        card.contains("電話で変更") && card.contains("日本酒"),
        "{card}"
    );
    let log = store.sync_log(10).expect("log");
    assert_eq!(log[0].event, SyncEvent::ChangedOnServer.as_str());
    assert_eq!(log[0].customer, "山田 花子");
}

/// Writes the cards that differ and remembers what became of them.
async fn push_and_record(
    connection: &kizuna_sync::Connection,
    store: &mut kizuna_core::Store,
    account: &kizuna_core::domain::sync::SyncAccount,
    clock: &kizuna_core::Clock,
) -> kizuna_core::domain::sync::SyncSummary {
    let cards = store.contacts_to_push(account).expect("cards");
    let pushed = push_contacts(connection, &account.address_book.href, cards)
        .await
        .expect("pushed");
    store
        .record_push(account, &pushed, clock)
        .expect("recorded")
}
