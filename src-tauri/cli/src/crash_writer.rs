//! The writer the crash-safety test kills: it writes through the core's
//! own write paths (a touchpoint, a new customer, a purchase, a small
//! import), and after each commit prints what it wrote, so the test knows
//! what must survive a SIGKILL.

use std::io::Write;

use kizuna_core::customer::CustomerProfile;
use kizuna_core::interchange::text::TextEncoding;
use kizuna_core::interchange::vcard;
use kizuna_core::purchase::PurchaseInput;
use kizuna_core::reminder::DraftLanguage;
use kizuna_core::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use kizuna_core::{Clock, Store};

pub fn run(store: &mut Store, seed: u64) -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = std::io::stdout().lock();
    let mut customers: Vec<i64> = store.export_profiles(None)?.iter().map(|c| c.id).collect();
    for n in 0u64.. {
        let clock = Clock::system(chrono_tz::Asia::Tokyo);
        let line = match (rng.u8(0..10), customers.is_empty()) {
            (0..=2, _) | (_, true) => {
                let profile = CustomerProfile {
                    family_name: format!("耐久{seed}"),
                    given_name: format!("{n}"),
                    notes: "書き込み中に止められても失われない".repeat(rng.usize(1..20)),
                    ..CustomerProfile::default()
                };
                let id = store.create_customer(profile, &clock)?.id;
                customers.push(id);
                format!("customer {id}")
            }
            (3..=6, false) => {
                let input = TouchpointInput {
                    customer_id: customers[rng.usize(..customers.len())],
                    kind: TouchpointKind::Visit,
                    occurred_at: clock.timestamp(),
                    summary: format!("訪問 {n}"),
                    notes: String::new(),
                    direction: Direction::Give,
                    satisfaction: Some(rng.u8(1..=5)),
                    promise: None,
                };
                format!(
                    "touchpoint {}",
                    store.log_touchpoint(input, &clock)?.touchpoint.id
                )
            }
            (7..=8, false) => {
                let input = PurchaseInput {
                    customer_id: customers[rng.usize(..customers.len())],
                    item: "中トロ".to_owned(),
                    quantity: 1,
                    amount_minor: rng.i64(1_000..50_000),
                    currency: String::new(),
                    purchased_at: clock.timestamp(),
                    satisfaction: None,
                    notes: String::new(),
                    follow_up_plan_id: Some(kizuna_core::reminder::DEFAULT_PLAN_ID),
                    reorder_after_days: None,
                };
                format!(
                    "purchase {}",
                    store.record_purchase(input, &clock)?.purchase.id
                )
            }
            _ => {
                let uids: Vec<String> = (0..3).map(|i| format!("crash-{seed}-{n}-{i}")).collect();
                let cards: String = uids
                    .iter()
                    .map(|uid| {
                        format!("BEGIN:VCARD\r\nVERSION:4.0\r\nUID:{uid}\r\nFN:取込 {uid}\r\nN:取込;{uid};;;\r\nEND:VCARD\r\n")
                    })
                    .collect();
                let mut go_on = |_: u64, _: u64| true;
                let (file, _) = vcard::read(
                    cards.as_bytes(),
                    TextEncoding::Utf8,
                    DraftLanguage::Ja,
                    &mut go_on,
                )?;
                let plan = store.plan_import(file, TextEncoding::Utf8, &clock, &mut go_on)?;
                store.apply_import(plan, &clock, &mut go_on)?;
                format!("import {}", uids.join(" "))
            }
        };
        // Only after the commit returned: this is the promise to keep.
        writeln!(out, "{line}")?;
        out.flush()?;
    }
    Ok(())
}
