//! Personal touches in the phone's calendar (Radicale): birthdays as yearly
//! events and promises at their moment, each with an alarm at the
//! notification time, named in the customer's language; an event removed
//! once its touch is done, and nothing rewritten while nothing changes.

#[allow(dead_code)]
#[path = "support/radicale.rs"]
mod radicale;
#[allow(dead_code)]
#[path = "support/book.rs"]
mod support;

use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::CustomerProfile;
use kizuna_core::domain::sync::ContactDetails;
use kizuna_core::settings::Settings;
use kizuna_sync::{Book, sync_contacts};
use radicale::Radicale;
use support::get;

#[tokio::test]
async fn birthdays_and_promises_are_events_with_alarms_and_a_kept_promise_leaves() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Contact, true).await;
    let calendar = account.calendar.clone().expect("a calendar");
    let book = support::empty_book();
    let (ken, claire, promise) = book
        .with(|store, clock| {
            // Only the touches this test makes: no keep-in-touch.
            store.save_settings(&Settings {
                cadence_days: [0; 6],
                reminder_time: "08:30".to_owned(),
                ..Settings::default()
            })?;
            let ken = store.create_customer(
                CustomerProfile {
                    family_name: "高橋".to_owned(),
                    given_name: "健".to_owned(),
                    birthday: Some(PartialDate::new(None, 5, 3)),
                    ..CustomerProfile::default()
                },
                clock,
            )?;
            let claire = store.create_customer(
                CustomerProfile {
                    family_name: "Martin".to_owned(),
                    given_name: "Claire".to_owned(),
                    birthday: Some(PartialDate::new(Some(1985), 7, 14)),
                    ..CustomerProfile::default()
                },
                clock,
            )?;
            let due = clock.today() + chrono::Duration::days(3);
            let promise = store.add_promise(ken.id, "カタログを届ける", due, "14:00", clock)?;
            Ok((ken, claire, promise))
        })
        .expect("book");

    let first = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    assert_eq!(
        (first.calendar.written, first.calendar.failed),
        (3, 0),
        "{first:?}"
    );
    let href = |uid: &str| kizuna_core::sync::event_href(&calendar.href, uid);
    let birthday =
        get(&server, &href(&format!("birthday-{}@kizuna", ken.uid))).expect("his birthday");
    for line in [
        "SUMMARY:高橋 健 様のお誕生日",
        "RRULE:FREQ=YEARLY",
        "BEGIN:VALARM",
        "TRIGGER:PT8H30M",
    ] {
        assert!(birthday.contains(line), "{line} in\n{birthday}");
    }
    let hers =
        get(&server, &href(&format!("birthday-{}@kizuna", claire.uid))).expect("her birthday");
    assert!(hers.contains("SUMMARY:Claire Martin's birthday"), "{hers}");

    let promise_href = get(&server, &href(&format!("custom:{}@kizuna", promise.id)));
    let promise_event = promise_href.expect("the promise");
    assert!(
        promise_event.contains("カタログを届ける"),
        "{promise_event}"
    );
    assert!(promise_event.contains("BEGIN:VALARM"), "{promise_event}");

    // Nothing changed: nothing written.
    let quiet = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    assert_eq!(quiet.calendar, Default::default(), "{quiet:?}");

    // Kept: the event leaves the phone's calendar.
    book.with(|store, clock| store.set_promise_done(promise.id, true, clock))
        .expect("done");
    let after = sync_contacts(&connection, &account, &book)
        .await
        .expect("synced");
    assert_eq!(after.calendar.removed, 1, "{after:?}");
    assert_eq!(
        get(&server, &href(&format!("custom:{}@kizuna", promise.id))),
        None
    );
    assert!(get(&server, &href(&format!("birthday-{}@kizuna", ken.uid))).is_some());
}
