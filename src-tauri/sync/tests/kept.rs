//! What belongs to the phone stays on the phone: properties Kizuna does not
//! carry survive a write-back, a customer kept off the phone has their
//! card removed and never written again, and deleting a customer deletes
//! their card only when the user asked (never one changed on the phone
//! since). Against a real Radicale, with curl as the phone.

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
use support::{get, put};

/// The phone adds `lines` to the card at `href`.
fn phone_adds(server: &Radicale, href: &str, lines: &str) {
    let card = get(server, href).expect("the card");
    put(
        server,
        href,
        &card.replace("END:VCARD", &format!("{lines}END:VCARD")),
    );
}

#[tokio::test]
async fn the_phones_own_properties_survive_kizuna_writing_the_card_back() {
    let server = Radicale::start();
    // Contact details only: the phone's note is not Kizuna's either.
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, false).await;
    let book = support::empty_book();
    let mori = book
        .with(|store, clock| store.create_customer(support::customer("森", "真一"), clock))
        .expect("customer");
    sync_contacts(&connection, &account, &book)
        .await
        .expect("first sync");
    let href = kizuna_core::sync::card_href(&account.address_book.href, &mori.uid);

    // On the phone: a photo, a home page with the phone's label, a note.
    phone_adds(
        &server,
        &href,
        "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\n\
             item7.URL:https://mori.example.jp/\n\
             item7.X-ABLabel:_$!<HomePage>!$_\n\
             NOTE:駐車場は裏\n",
    );
    sync_contacts(&connection, &account, &book)
        .await
        .expect("the phone's change comes in");

    // In Kizuna: his title.
    book.with(|store, clock| {
        let mut p = store.customer(mori.id)?.profile;
        p.title = "料理長".to_owned();
        store.update_customer(mori.id, p, clock)
    })
    .expect("edited");
    let written = sync_contacts(&connection, &account, &book)
        .await
        .expect("written back");
    assert_eq!(written.pushed.written, 1);
    let now = get(&server, &href).expect("his card");
    assert!(
        now.lines()
            .any(|l| l.starts_with("TITLE") && l.ends_with(":料理長")),
        "Kizuna's change is there: {now}"
    );
    for kept in [
        "iVBORw0KGgo=",
        "URL:https://mori.example.jp/",
        "X-ABLabel:_$!<HomePage>!$_",
        "NOTE:駐車場は裏",
    ] {
        // Property names are compared as vCard does, without case.
        assert!(
            now.to_ascii_uppercase()
                .contains(&kept.to_ascii_uppercase()),
            "the phone's {kept} is kept: {now}"
        );
    }
    let quiet = sync_contacts(&connection, &account, &book)
        .await
        .expect("quiet sync");
    assert_eq!(
        (quiet.pulled.updated, quiet.pushed.written),
        (0, 0),
        "keeping them is no change to send back and forth"
    );
}

#[tokio::test]
async fn a_customer_kept_off_the_phone_has_their_card_removed_and_stays_in_kizuna() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Profile, false).await;
    let book = support::empty_book();
    let [kept, private] = [("今井", "誠"), ("大野", "亮")].map(|(f, g)| {
        book.with(|store, clock| store.create_customer(support::customer(f, g), clock))
            .expect("customer")
    });
    sync_contacts(&connection, &account, &book)
        .await
        .expect("first sync");
    let href = |uid: &str| kizuna_core::sync::card_href(&account.address_book.href, uid);
    assert!(get(&server, &href(&private.uid)).is_some());

    book.with(|store, clock| {
        let mut p = store.customer(private.id)?.profile;
        p.keep_off_phone = true;
        store.update_customer(private.id, p, clock)
    })
    .expect("kept off the phone");
    let removed = sync_contacts(&connection, &account, &book)
        .await
        .expect("sync");
    assert_eq!(removed.pushed.removed, 1);
    assert!(
        get(&server, &href(&private.uid)).is_none(),
        "大野's card is gone from the phone"
    );
    assert!(get(&server, &href(&kept.uid)).is_some(), "今井's stays");

    let again = sync_contacts(&connection, &account, &book)
        .await
        .expect("sync");
    assert_eq!(
        (again.pushed.written, again.pulled.archived),
        (0, 0),
        "never written again, and not archived for the card being gone"
    );
    let him = book
        .with(|store, _| store.customer(private.id))
        .expect("大野");
    assert!(!him.archived, "he is still a customer in Kizuna");
    assert_eq!(server.cards_stored(), 1);
}

#[tokio::test]
async fn deleting_a_customer_deletes_their_card_only_when_asked_and_never_one_changed_since() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Profile, false).await;
    let book = support::empty_book();
    let [gone, stays, changed] = [("岡田", "一"), ("小川", "二"), ("金子", "三")].map(|(f, g)| {
        book.with(|store, clock| store.create_customer(support::customer(f, g), clock))
            .expect("customer")
    });
    sync_contacts(&connection, &account, &book)
        .await
        .expect("first sync");
    let href = |uid: &str| kizuna_core::sync::card_href(&account.address_book.href, uid);
    for c in [&gone, &stays, &changed] {
        let asked = book
            .with(|store, _| store.has_phone_card(c.id))
            .expect("asked");
        assert!(asked, "{} has a card on the phone", c.display_name);
    }

    // 岡田 and 金子 deleted with their card, 小川 without; 金子's card is
    // changed on the phone before the next sync.
    book.with(|store, clock| store.delete_customer_and_card(gone.id, true, clock))
        .expect("deleted");
    book.with(|store, clock| store.delete_customer_and_card(stays.id, false, clock))
        .expect("deleted");
    book.with(|store, clock| store.delete_customer_and_card(changed.id, true, clock))
        .expect("deleted");
    phone_adds(
        &server,
        &href(&changed.uid),
        "TEL;TYPE=CELL:090-3333-4444\n",
    );
    let synced = sync_contacts(&connection, &account, &book)
        .await
        .expect("sync");
    assert_eq!(synced.pushed.removed, 1);
    assert!(get(&server, &href(&gone.uid)).is_none(), "岡田's card went");
    assert!(
        get(&server, &href(&stays.uid)).is_some(),
        "小川's card stays on the phone"
    );
    assert!(
        get(&server, &href(&changed.uid)).is_some_and(|c| c.contains("090-3333-4444")),
        "金子's card, changed on the phone since, is not deleted"
    );
    let log = book.with(|store, _| store.sync_log(20)).expect("log");
    assert!(
        log.iter().any(|e| e.event == "kept_changed_card"),
        "{log:?}"
    );

    // The cards left are the phone's own now: edited there, they bring
    // nobody back.
    phone_adds(&server, &href(&stays.uid), "TITLE:部長\n");
    let after = sync_contacts(&connection, &account, &book)
        .await
        .expect("sync");
    assert_eq!(
        (
            after.pulled.added,
            after.pulled.updated,
            after.pushed.written
        ),
        (0, 0, 0)
    );
    let everyone = book
        .with(|store, _| store.list_customers(&CustomerQuery::default()))
        .expect("list");
    assert_eq!(everyone.total, 0, "no deleted customer comes back");
}

#[tokio::test]
async fn a_deletion_undone_before_the_sync_keeps_the_card_on_the_phone() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, false).await;
    let book = support::empty_book();
    let kept = book
        .with(|store, clock| store.create_customer(support::customer("野村", "聡"), clock))
        .expect("customer");
    sync_contacts(&connection, &account, &book)
        .await
        .expect("first sync");
    let href = kizuna_core::sync::card_href(&account.address_book.href, &kept.uid);
    phone_adds(&server, &href, "PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\n");
    sync_contacts(&connection, &account, &book)
        .await
        .expect("the photo comes in");

    let undo = book
        .with(|store, clock| store.delete_customer_and_card(kept.id, true, clock))
        .expect("deleted with the card");
    book.with(|store, clock| store.undo(undo, clock))
        .expect("undone");
    let synced = sync_contacts(&connection, &account, &book)
        .await
        .expect("sync");
    assert_eq!(synced.pushed.removed, 0, "the card stays: {synced:?}");
    assert!(
        get(&server, &href).is_some_and(|c| c.contains("iVBORw0KGgo=")),
        "with its photo"
    );
    // Linked again: an edit on the phone reaches him.
    phone_adds(&server, &href, "TITLE:社長\n");
    sync_contacts(&connection, &account, &book)
        .await
        .expect("sync");
    let title = book
        .with(|store, _| store.customer(kept.id))
        .expect("野村")
        .profile
        .title;
    assert_eq!(title, "社長");
}

#[tokio::test]
async fn a_phone_contacts_own_fields_are_written_back_once_however_often_it_is_edited() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, false).await;
    let book = support::empty_book();
    // A contact the phone made, with a web page and a nickname.
    let href = format!("{}phone-made.vcf", account.address_book.href);
    put(
        &server,
        &href,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-made\r\nN:村上;春樹;;;\r\nFN:村上 春樹\r\n\
         NICKNAME:ハルキ\r\nitem1.URL:https://murakami.example.jp/\r\nitem1.X-ABLabel:_$!<HomePage>!$_\r\n\
         END:VCARD\r\n",
    );
    sync_contacts(&connection, &account, &book)
        .await
        .expect("the contact comes in");
    let id = book
        .with(|store, _| store.list_customers(&CustomerQuery::default()))
        .expect("list")
        .rows[0]
        .id;
    for (round, title) in ["一", "二", "三"].into_iter().enumerate() {
        book.with(|store, clock| {
            let mut p = store.customer(id)?.profile;
            p.title = format!("作家{title}");
            store.update_customer(id, p, clock)
        })
        .expect("edited in Kizuna");
        sync_contacts(&connection, &account, &book)
            .await
            .expect("sync");
        phone_adds(&server, &href, &format!("NOTE:メモ{round}\n"));
        sync_contacts(&connection, &account, &book)
            .await
            .expect("sync");
    }
    let card = get(&server, &href).expect("the card").to_ascii_uppercase();
    for property in ["URL:", "NICKNAME:", "X-ABLABEL:"] {
        assert_eq!(
            card.matches(property).count(),
            1,
            "{property} once, not once per round: {card}"
        );
    }
}

#[tokio::test]
async fn the_phones_own_contact_is_never_deleted_for_a_customer_kept_off_the_phone() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, false).await;
    let book = support::empty_book();
    let mut private = support::customer("西田", "守");
    private.keep_off_phone = true;
    private.emails.push(kizuna_core::customer::Email {
        label: String::new(),
        address: "nishida@example.jp".to_owned(),
    });
    book.with(|store, clock| store.create_customer(private, clock))
        .expect("customer");
    // The user's own contact of him on the phone.
    let href = format!("{}own-nishida.vcf", account.address_book.href);
    put(
        &server,
        &href,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:own-nishida\r\nN:西田;守;;;\r\nFN:西田 守\r\n\
         EMAIL:nishida@example.jp\r\nEND:VCARD\r\n",
    );
    for _ in 0..2 {
        let synced = sync_contacts(&connection, &account, &book)
            .await
            .expect("sync");
        assert_eq!(synced.pushed.removed, 0);
    }
    assert!(get(&server, &href).is_some(), "the phone's contact stays");
}

#[tokio::test]
async fn merging_two_customers_leaves_one_card_on_the_phone_with_what_both_had() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, false).await;
    let book = support::empty_book();
    let [kept, other] = [("原田", "剛"), ("原田", "剛")].map(|(f, g)| {
        book.with(|store, clock| store.create_customer(support::customer(f, g), clock))
            .expect("customer")
    });
    sync_contacts(&connection, &account, &book)
        .await
        .expect("first sync");
    let href = |uid: &str| kizuna_core::sync::card_href(&account.address_book.href, uid);
    book.with(|store, clock| {
        let preview = store.merge_preview(kept.id, other.id)?;
        store.merge_customers(
            &kizuna_core::merge::MergeRequest {
                kept: kept.id,
                other: other.id,
                take_other: Vec::new(),
                kept_updated_at: preview.kept.updated_at,
                other_updated_at: preview.other.updated_at,
            },
            clock,
        )
    })
    .expect("merged");
    // Before the next sync, the phone adds a number to the other card.
    phone_adds(&server, &href(&other.uid), "TEL;TYPE=CELL:090-5555-6666\n");
    let synced = sync_contacts(&connection, &account, &book)
        .await
        .expect("sync");
    assert_eq!(synced.pushed.removed, 1, "{synced:?}");
    assert!(get(&server, &href(&other.uid)).is_none(), "one card left");
    assert!(
        get(&server, &href(&kept.uid)).is_some_and(|c| c.contains("090-5555-6666")),
        "and it has the number added to the other"
    );
}
