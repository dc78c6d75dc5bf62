//! The sync benchmark (not a timed test; run on demand, figures in the
//! README): the first sync of 10,000 customers to a local Radicale, then a
//! sync with 10 customers changed.
//!
//! `cargo test --release -p kizuna-sync --test sync_bench -- --ignored --nocapture`

#[allow(dead_code)]
#[path = "support/radicale.rs"]
mod radicale;
#[allow(dead_code)]
#[path = "support/book.rs"]
mod support;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use kizuna_core::customer::{CustomerProfile, Phone};
use kizuna_core::domain::sync::ContactDetails;
use kizuna_core::settings::Settings;
use kizuna_core::{Clock, Error, Store};
use kizuna_sync::{Book, sync_contacts};
use radicale::Radicale;

/// The book, counting the time spent in it: Kizuna's own share of a sync
/// (the rest is the network and the server).
struct TimedBook {
    book: support::TestBook,
    spent: Mutex<Duration>,
}

impl Book for TimedBook {
    fn with<R>(
        &self,
        step: impl FnOnce(&mut Store, &Clock) -> Result<R, Error>,
    ) -> Result<R, Error> {
        let started = Instant::now();
        let result = self.book.with(step);
        *self.spent.lock().expect("clock") += started.elapsed();
        result
    }
}

impl TimedBook {
    /// The time spent in the book since the last call.
    fn take(&self) -> Duration {
        std::mem::take(&mut *self.spent.lock().expect("clock"))
    }
}

/// 10,000, or `KIZUNA_SYNC_BENCH_CUSTOMERS`.
fn customers() -> usize {
    std::env::var("KIZUNA_SYNC_BENCH_CUSTOMERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run on demand"]
async fn first_sync_of_ten_thousand_customers_and_an_incremental_one() {
    let server = Radicale::start();
    let (connection, account) =
        support::account_at(&server.address(), ContactDetails::Profile, false).await;
    let book = TimedBook {
        book: support::empty_book(),
        spent: Mutex::new(Duration::ZERO),
    };
    let count = customers();
    let ids: Vec<i64> = book
        .with(|store, clock| {
            store.save_settings(&Settings {
                cadence_days: [0; 6],
                ..Settings::default()
            })?;
            let mut ids = Vec::new();
            for n in 0..count {
                let customer = store.create_customer(
                    CustomerProfile {
                        family_name: format!("顧客{}", n / 100),
                        given_name: format!("{}", n % 100),
                        family_name_reading: "こきゃく".to_owned(),
                        phones: vec![Phone {
                            label: "携帯".to_owned(),
                            number: format!("090-{:04}-{:04}", n / 10_000, n % 10_000),
                        }],
                        company: "みやび".to_owned(),
                        ..CustomerProfile::default()
                    },
                    clock,
                )?;
                ids.push(customer.id);
            }
            Ok(ids)
        })
        .expect("book");

    book.take();
    let started = Instant::now();
    let first = sync_contacts(&connection, &account, &book)
        .await
        .expect("first sync");
    let first_took = started.elapsed();
    let first_own = book.take();
    assert_eq!(first.pushed.written as usize, count);

    book.with(|store, clock| {
        for id in ids.iter().step_by(count / 10) {
            let mut p = store.customer(*id)?.profile;
            p.title = "店主".to_owned();
            store.update_customer(*id, p, clock)?;
        }
        Ok(())
    })
    .expect("ten changed");
    book.take();
    let started = Instant::now();
    let incremental = sync_contacts(&connection, &account, &book)
        .await
        .expect("incremental sync");
    let incremental_took = started.elapsed();
    let incremental_own = book.take();
    assert_eq!(incremental.pushed.written, 10);
    println!(
        "first sync of {count} customers: {:.1} s, of which Kizuna's own work {:.2} s (target 60 s at 10,000)\n\
         incremental sync, 10 changed: {:.0} ms, of which Kizuna's own work {:.0} ms (target 1 s)",
        first_took.as_secs_f64(),
        first_own.as_secs_f64(),
        incremental_took.as_secs_f64() * 1000.0,
        incremental_own.as_secs_f64() * 1000.0
    );
}
