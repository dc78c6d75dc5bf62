//! The dashboard's measures on a small book whose every number is worked
//! out by hand below. "Now" is 2026-11-23 10:00 in Tokyo; the dashboard
//! shows the 12 months December 2025 – November 2026.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use chrono::{NaiveDate, TimeZone};
use kizuna_core::customer::CustomerProfile;
use kizuna_core::ladder::Stage;
use kizuna_core::measures::{
    AtRiskBasis, DashboardQuery, MonthRevenue, MonthTouches, Ratio, YearMonth,
};
use kizuna_core::purchase::PurchaseInput;
use kizuna_core::settings::{CustomerizationGoal, Settings};
use kizuna_core::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use kizuna_core::{Clock, Store};

/// A Tokyo wall-clock time as Unix seconds.
fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> i64 {
    let local = NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|day| day.and_hms_opt(h, min, 0))
        .expect("valid time");
    chrono_tz::Asia::Tokyo
        .from_local_datetime(&local)
        .single()
        .expect("unambiguous")
        .timestamp()
}

struct Book {
    store: Store,
    clock: Clock,
    ids: std::collections::HashMap<&'static str, i64>,
}

impl Book {
    fn customer(&mut self, key: &'static str, family: &str, reading: &str) -> i64 {
        self.customer_with(key, fixtures::person(family, "", reading, ""))
    }

    fn customer_with(&mut self, key: &'static str, profile: CustomerProfile) -> i64 {
        let id = self
            .store
            .create_customer(profile, &self.clock)
            .expect("customer")
            .id;
        self.ids.insert(key, id);
        id
    }

    fn buy(&mut self, key: &str, item: &str, amount: i64, when: i64, satisfaction: Option<u8>) {
        self.store
            .record_purchase(
                PurchaseInput {
                    customer_id: self.ids[key],
                    item: item.to_owned(),
                    quantity: 1,
                    amount_minor: amount,
                    currency: String::new(),
                    purchased_at: when,
                    satisfaction,
                    notes: String::new(),
                    follow_up_plan_id: None,
                    reorder_after_days: None,
                },
                &self.clock,
            )
            .expect("purchase");
    }

    fn touch(
        &mut self,
        key: &str,
        kind: TouchpointKind,
        direction: Direction,
        when: i64,
        satisfaction: Option<u8>,
    ) {
        self.store
            .log_touchpoint(
                TouchpointInput {
                    customer_id: self.ids[key],
                    kind,
                    occurred_at: when,
                    summary: String::new(),
                    notes: String::new(),
                    direction,
                    satisfaction,
                    promise: None,
                },
                &self.clock,
            )
            .expect("touchpoint");
    }

    fn promote(&mut self, key: &str, stages: &[Stage]) {
        for &stage in stages {
            self.store
                .change_stage(self.ids[key], stage, "", &self.clock)
                .expect("stage");
        }
    }
}

/// The book:
///
/// | who | story |
/// |---|---|
/// | C 上田 | bought ¥5,000 on 2024-12-15; introduced B; later **archived** |
/// | B 井上 | introduced by C; bought ¥30,000 on 2026-01-31 23:30 (sat. 5) and ¥12,000 on 2026-02-01 00:30 |
/// | A 青木 | walk-in; ¥10,000 2025-12-10 (sat. 4), ¥20,000 2026-03-05, **refund** −¥5,000 2026-03-20, ¥8,000 2026-08-01; visits 2026-01-10, 02-10, 03-12 |
/// | D 江藤 | prospect; visit (give, sat. 3) 2026-01-15, call (ask) 04-10, email (ask) 04-20 |
/// | E 大野 | ¥15,000 "からすみ" 2025-05-10, ¥15,000 "毛ガニ" 2026-06-10 |
/// | F 藤田 | walk-in; ¥3,000 on 2026-11-02 (this month) |
/// | G 後藤 | ¥9,000 "ウニ" 2025-10-01, ¥9,000 "ウニ" 2026-07-01 |
/// | H 林 | do-not-contact; ¥1,000 on 2024-01-05 and 2024-02-05 |
///
/// Stages: A → customer → client, B, E, G → customer (all moved "now");
/// D, F, H stay prospects.
fn book() -> Book {
    let mut b = Book {
        store: Store::open_in_memory().expect("store"),
        clock: fixtures::clock(),
        ids: Default::default(),
    };
    let c = b.customer("C", "上田", "うえだ");
    let mut referred = fixtures::person("井上", "", "いのうえ", "");
    referred.referred_by = Some(c);
    b.customer_with("B", referred);
    b.customer("A", "青木", "あおき");
    b.customer("D", "江藤", "えとう");
    b.customer("E", "大野", "おおの");
    b.customer("F", "藤田", "ふじた");
    b.customer("G", "後藤", "ごとう");
    let mut dnc = fixtures::person("林", "", "はやし", "");
    dnc.do_not_contact = true;
    b.customer_with("H", dnc);

    b.buy("C", "干物セット", 5_000, at(2024, 12, 15, 11, 0), None);
    b.buy("B", "本マグロ", 30_000, at(2026, 1, 31, 23, 30), Some(5));
    b.buy("B", "ウニ", 12_000, at(2026, 2, 1, 0, 30), None);
    b.buy("A", "真鯛", 10_000, at(2025, 12, 10, 10, 0), Some(4));
    b.buy("A", "毛ガニ", 20_000, at(2026, 3, 5, 10, 0), None);
    b.buy("A", "返品: 毛ガニ", -5_000, at(2026, 3, 20, 10, 0), None);
    b.buy("A", "真鯛", 8_000, at(2026, 8, 1, 10, 0), None);
    b.buy("E", "からすみ", 15_000, at(2025, 5, 10, 10, 0), None);
    b.buy("E", "毛ガニ", 15_000, at(2026, 6, 10, 10, 0), None);
    b.buy("F", "いくら", 3_000, at(2026, 11, 2, 10, 0), None);
    b.buy("G", "ウニ", 9_000, at(2025, 10, 1, 10, 0), None);
    b.buy("G", "ウニ", 9_000, at(2026, 7, 1, 10, 0), None);
    b.buy("H", "のり", 1_000, at(2024, 1, 5, 10, 0), None);
    b.buy("H", "のり", 1_000, at(2024, 2, 5, 10, 0), None);

    b.touch(
        "A",
        TouchpointKind::Visit,
        Direction::Neutral,
        at(2026, 1, 10, 15, 0),
        None,
    );
    b.touch(
        "A",
        TouchpointKind::Visit,
        Direction::Neutral,
        at(2026, 2, 10, 15, 0),
        None,
    );
    b.touch(
        "A",
        TouchpointKind::Visit,
        Direction::Neutral,
        at(2026, 3, 12, 15, 0),
        None,
    );
    b.touch(
        "D",
        TouchpointKind::Visit,
        Direction::Give,
        at(2026, 1, 15, 15, 0),
        Some(3),
    );
    b.touch(
        "D",
        TouchpointKind::Call,
        Direction::Ask,
        at(2026, 4, 10, 15, 0),
        None,
    );
    b.touch(
        "D",
        TouchpointKind::Email,
        Direction::Ask,
        at(2026, 4, 20, 15, 0),
        None,
    );

    b.promote("A", &[Stage::Customer, Stage::Client]);
    b.promote("B", &[Stage::Customer]);
    b.promote("E", &[Stage::Customer]);
    b.promote("G", &[Stage::Customer]);
    b.store.archive_customer(c, &b.clock).expect("archive");
    b
}

fn dashboard(b: &Book) -> kizuna_core::measures::Dashboard {
    b.store
        .dashboard(
            &DashboardQuery {
                months: 12,
                end: None,
            },
            &b.clock,
        )
        .expect("dashboard")
}

fn rev(existing: i64, new: i64, referral: i64) -> MonthRevenue {
    MonthRevenue {
        existing_minor: existing,
        new_minor: new,
        referral_minor: referral,
    }
}

#[test]
fn revenue_is_split_by_channel_per_local_month_with_refunds_deducted() {
    let d = dashboard(&book());
    assert_eq!(d.months.first(), Some(&YearMonth::new(2025, 12)));
    assert_eq!(d.months.last(), Some(&YearMonth::new(2026, 11)));
    // Dec: A's first purchase, a walk-in (new).
    // Jan: B's first purchase at 23:30 on the 31st, Tokyo time: January, and
    //      referral although C, who introduced B, is archived.
    // Feb: B's second purchase at 00:30 on 1 February in Tokyo — still
    //      31 January in UTC — is February's, and a repeat.
    // Mar: A's 20,000 less the 5,000 refund: 15,000 existing.
    // Jun: E 15,000; Jul: G 9,000; Aug: A 8,000; Nov: F's first purchase.
    assert_eq!(
        d.revenue,
        vec![
            rev(0, 10_000, 0),
            rev(0, 0, 30_000),
            rev(12_000, 0, 0),
            rev(15_000, 0, 0),
            rev(0, 0, 0),
            rev(0, 0, 0),
            rev(15_000, 0, 0),
            rev(9_000, 0, 0),
            rev(8_000, 0, 0),
            rev(0, 0, 0),
            rev(0, 0, 0),
            rev(0, 3_000, 0),
        ]
    );
    // Existing customers who bought again: B (Feb), A (Mar; the refund is not
    // a purchase), E (Jun), G (Jul), A (Aug).
    assert_eq!(d.active_existing, vec![0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0]);
}

#[test]
fn retention_counts_who_bought_last_year_and_again_this_year() {
    let d = dashboard(&book());
    // Bought Dec 2024 – Nov 2025: C (Dec 2024), E (May 2025), G (Oct 2025).
    // H bought in early 2024, before that window. Of C, E and G, E and G
    // bought again Dec 2025 – Nov 2026: 2 of 3.
    assert_eq!(
        d.retention,
        Ratio {
            numerator: 2,
            denominator: 3
        }
    );
}

#[test]
fn the_funnel_counts_active_customers_and_this_periods_promotions() {
    let d = dashboard(&book());
    let customers: Vec<u32> = d.funnel.iter().map(|s| s.customers).collect();
    let promotions: Vec<u32> = d.funnel.iter().map(|s| s.promotions).collect();
    // Prospects D, F, H; customers B, E, G; client A; C is archived.
    assert_eq!(customers, vec![3, 3, 1, 0, 0, 0]);
    // Into customer: A, B, E, G; into client: A.
    assert_eq!(promotions, vec![0, 4, 1, 0, 0, 0]);
}

#[test]
fn referral_sales_weigh_double_and_walk_ins_are_counted_against_the_cap() {
    let d = dashboard(&book());
    // Walk-in new sales: A 10,000 + F 3,000 = 13,000; referral: B 30,000.
    // Score = 13,000 + 2 × 30,000 = 73,000.
    assert_eq!(d.referral_score.walk_in_new_minor, 13_000);
    assert_eq!(d.referral_score.referral_minor, 30_000);
    assert_eq!(d.referral_score.score_minor, 73_000);
    // This month (November 2026) one customer, F, came in on their own.
    assert_eq!(
        (d.walk_in.month, d.walk_in.count, d.walk_in.cap),
        (YearMonth::new(2026, 11), 1, 20)
    );
}

#[test]
fn satisfaction_and_give_ask_are_counted_per_month() {
    let d = dashboard(&book());
    // Dec: A's purchase (4). Jan: B's purchase (5) and D's visit (3).
    assert_eq!(
        (d.satisfaction[0].total, d.satisfaction[0].responses),
        (4, 1)
    );
    assert_eq!(
        (d.satisfaction[1].total, d.satisfaction[1].responses),
        (8, 2)
    );
    assert!(d.satisfaction[2..].iter().all(|m| m.responses == 0));
    // Jan: D gave, A's visit neutral. Feb, Mar: A's visits. Apr: D asked twice.
    let t = |give, ask, neutral| MonthTouches { give, ask, neutral };
    assert_eq!(
        &d.touches[1..5],
        &[t(1, 0, 1), t(0, 0, 1), t(0, 0, 1), t(0, 2, 0)]
    );
}

#[test]
fn customers_overdue_against_their_own_rhythm_are_at_risk() {
    let b = book();
    let d = dashboard(&b);
    // B bought twice an hour apart (the usual gap floors at 7 days) and not
    // for 295 days since: 42× overdue. A is visited every ~30 days
    // ((12 Mar − 10 Jan) / 2 = 30.5) and not for 255 days: 8.4× overdue;
    // A's purchases (every 117 days, 114 days ago) are on time. E, F, G are on
    // time or have too little history; H is do-not-contact; C is archived.
    let listed: Vec<(i64, AtRiskBasis, u32, u32)> = d
        .at_risk
        .iter()
        .map(|r| (r.customer.id, r.basis, r.usual_interval_days, r.days_since))
        .collect();
    assert_eq!(
        listed,
        vec![
            (b.ids["B"], AtRiskBasis::Purchase, 7, 295),
            (b.ids["A"], AtRiskBasis::Contact, 30, 255),
        ]
    );
    assert_eq!(d.at_risk_total, 2);
}

#[test]
fn the_headline_follows_the_customerization_goal() {
    let mut b = book();
    // Repeat: of the buyers in Dec 2025 – Nov 2026 (A, B, E, F, G), A and B
    // bought twice or more: 2 of 5. The year before, C, E, G bought once each.
    let d = dashboard(&b);
    assert_eq!(d.headline.goal, CustomerizationGoal::Repeat);
    assert_eq!(
        d.headline.current,
        Ratio {
            numerator: 2,
            denominator: 5
        }
    );
    assert_eq!(
        d.headline.previous,
        Ratio {
            numerator: 0,
            denominator: 3
        }
    );

    // New products: existing customers who bought this year are E and G; E
    // tried something new (毛ガニ after からすみ), G bought ウニ again: 1 of 2.
    b.store
        .save_settings(&Settings {
            goal: CustomerizationGoal::NewProduct,
            ..Settings::default()
        })
        .expect("settings");
    let d = dashboard(&b);
    assert_eq!(
        d.headline.current,
        Ratio {
            numerator: 1,
            denominator: 2
        }
    );

    // Referral: new customers this year are A, B and F; B was introduced:
    // 1 of 3. The year before: C, E and G, none introduced.
    b.store
        .save_settings(&Settings {
            goal: CustomerizationGoal::Referral,
            ..Settings::default()
        })
        .expect("settings");
    let d = dashboard(&b);
    assert_eq!(
        d.headline.current,
        Ratio {
            numerator: 1,
            denominator: 3
        }
    );
    assert_eq!(
        d.headline.previous,
        Ratio {
            numerator: 0,
            denominator: 3
        }
    );
}

#[test]
fn a_book_without_purchases_has_zeros_and_no_ratios() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    store
        .create_customer(fixtures::person("森", "", "もり", ""), &clock)
        .expect("customer");
    let d = store
        .dashboard(
            &DashboardQuery {
                months: 36,
                end: None,
            },
            &clock,
        )
        .expect("dashboard");
    assert_eq!(d.months.len(), 36);
    assert!(d.revenue.iter().all(|m| *m == MonthRevenue::default()));
    assert_eq!(
        d.retention,
        Ratio {
            numerator: 0,
            denominator: 0
        }
    );
    assert_eq!(d.retention.value(), None);
    assert_eq!(d.headline.current.value(), None);
    assert_eq!(d.referral_score.score_minor, 0);
    assert!(d.at_risk.is_empty());
    assert_eq!(d.funnel[0].customers, 1);
}

#[test]
fn a_range_can_end_in_an_earlier_month_and_span_years() {
    let b = book();
    let d = b
        .store
        .dashboard(
            &DashboardQuery {
                months: 24,
                end: Some(YearMonth::new(2026, 2)),
            },
            &b.clock,
        )
        .expect("dashboard");
    assert_eq!(d.months.first(), Some(&YearMonth::new(2024, 3)));
    assert_eq!(d.months.last(), Some(&YearMonth::new(2026, 2)));
    // May 2025: E's first purchase (new); Oct 2025: G's (new).
    assert_eq!(d.revenue[14], rev(0, 15_000, 0));
    assert_eq!(d.revenue[19], rev(0, 9_000, 0));
    let too_long = b.store.dashboard(
        &DashboardQuery {
            months: 121,
            end: None,
        },
        &b.clock,
    );
    assert!(too_long.is_err());
}
