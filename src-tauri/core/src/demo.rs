//! Realistic demo customers (Japanese and English, with readings, birthdays,
//! tags and notes), generated from a seed so every run gives the same book.
//! Also used to build the large stores the benchmarks run on.

use chrono::{Datelike, Duration, NaiveDate};

use crate::domain::calendar::PartialDate;
use crate::domain::clock::Clock;
use crate::domain::customer::{
    self, Address, ContactChannel, CustomerProfile, Email, FamilyMember, ImportantDate,
    ImportantDateKind, Phone, Source,
};
use crate::domain::ladder::{PromotionRule, Stage};
use crate::domain::purchase::PurchaseInput;
use crate::domain::reminder::state::{Status, UserState};
use crate::domain::reminder::{DEFAULT_PLAN_ID, ReminderKind};
use crate::domain::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use crate::error::Result;
use crate::store::{
    Store, Tx, customers, purchases, referrals, reminder_states, stages, touchpoints,
};

/// (kanji, reading, romaji)
const FAMILY: &[(&str, &str, &str)] = &[
    ("佐藤", "さとう", "sato"),
    ("鈴木", "すずき", "suzuki"),
    ("高橋", "たかはし", "takahashi"),
    ("田中", "たなか", "tanaka"),
    ("伊藤", "いとう", "ito"),
    ("渡辺", "わたなべ", "watanabe"),
    ("山本", "やまもと", "yamamoto"),
    ("中村", "なかむら", "nakamura"),
    ("小林", "こばやし", "kobayashi"),
    ("加藤", "かとう", "kato"),
    ("吉田", "よしだ", "yoshida"),
    ("山田", "やまだ", "yamada"),
    ("佐々木", "ささき", "sasaki"),
    ("山口", "やまぐち", "yamaguchi"),
    ("松本", "まつもと", "matsumoto"),
    ("井上", "いのうえ", "inoue"),
    ("木村", "きむら", "kimura"),
    ("林", "はやし", "hayashi"),
    ("斎藤", "さいとう", "saito"),
    ("清水", "しみず", "shimizu"),
    ("山崎", "やまざき", "yamazaki"),
    ("森", "もり", "mori"),
    ("池田", "いけだ", "ikeda"),
    ("橋本", "はしもと", "hashimoto"),
    ("阿部", "あべ", "abe"),
    ("石川", "いしかわ", "ishikawa"),
    ("前田", "まえだ", "maeda"),
    ("藤田", "ふじた", "fujita"),
    ("小川", "おがわ", "ogawa"),
    ("岡田", "おかだ", "okada"),
    ("後藤", "ごとう", "goto"),
    ("長谷川", "はせがわ", "hasegawa"),
    ("村上", "むらかみ", "murakami"),
    ("近藤", "こんどう", "kondo"),
    ("石井", "いしい", "ishii"),
    ("坂本", "さかもと", "sakamoto"),
    ("遠藤", "えんどう", "endo"),
    ("青木", "あおき", "aoki"),
    ("藤井", "ふじい", "fujii"),
    ("西村", "にしむら", "nishimura"),
    ("福田", "ふくだ", "fukuda"),
    ("太田", "おおた", "ota"),
    ("三浦", "みうら", "miura"),
    ("藤原", "ふじわら", "fujiwara"),
    ("岡本", "おかもと", "okamoto"),
    ("松田", "まつだ", "matsuda"),
    ("中川", "なかがわ", "nakagawa"),
    ("原田", "はらだ", "harada"),
    ("小野", "おの", "ono"),
    ("竹内", "たけうち", "takeuchi"),
    ("我妻", "わがつま", "wagatsuma"),
    ("東海林", "しょうじ", "shoji"),
];

/// (kanji, reading, romaji, is_female)
const GIVEN: &[(&str, &str, &str, bool)] = &[
    ("太郎", "たろう", "taro", false),
    ("健太", "けんた", "kenta", false),
    ("翔太", "しょうた", "shota", false),
    ("大輔", "だいすけ", "daisuke", false),
    ("誠", "まこと", "makoto", false),
    ("浩二", "こうじ", "koji", false),
    ("直樹", "なおき", "naoki", false),
    ("拓也", "たくや", "takuya", false),
    ("隆", "たかし", "takashi", false),
    ("修", "おさむ", "osamu", false),
    ("和也", "かずや", "kazuya", false),
    ("健一", "けんいち", "kenichi", false),
    ("雄一", "ゆういち", "yuichi", false),
    ("蓮", "れん", "ren", false),
    ("陽斗", "はると", "haruto", false),
    ("悠真", "ゆうま", "yuma", false),
    ("花子", "はなこ", "hanako", true),
    ("陽子", "ようこ", "yoko", true),
    ("美咲", "みさき", "misaki", true),
    ("恵子", "けいこ", "keiko", true),
    ("由美", "ゆみ", "yumi", true),
    ("直美", "なおみ", "naomi", true),
    ("久美子", "くみこ", "kumiko", true),
    ("真由美", "まゆみ", "mayumi", true),
    ("智子", "ともこ", "tomoko", true),
    ("愛", "あい", "ai", true),
    ("さくら", "さくら", "sakura", true),
    ("葵", "あおい", "aoi", true),
    ("結衣", "ゆい", "yui", true),
    ("千尋", "ちひろ", "chihiro", true),
    ("彩", "あや", "aya", true),
    ("明美", "あけみ", "akemi", true),
];

const WESTERN_GIVEN: &[(&str, bool)] = &[
    ("James", false),
    ("Michael", false),
    ("David", false),
    ("Thomas", false),
    ("Daniel", false),
    ("Oliver", false),
    ("Lucas", false),
    ("Mark", false),
    ("Emma", true),
    ("Olivia", true),
    ("Sophie", true),
    ("Charlotte", true),
    ("Grace", true),
    ("Hannah", true),
    ("Claire", true),
    ("Laura", true),
];

const WESTERN_FAMILY: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Wright", "Thompson",
    "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Martin", "Lewis", "Baker",
    "Moreau", "Rossi", "Müller", "García", "O'Brien",
];

/// (prefecture, city, street, postal code, area code)
const PLACES: &[(&str, &str, &str, &str, &str)] = &[
    ("東京都", "渋谷区", "神宮前3-1-5", "150-0001", "03"),
    ("東京都", "世田谷区", "三軒茶屋2-11-3", "154-0024", "03"),
    ("東京都", "中央区", "銀座5-4-8", "104-0061", "03"),
    ("東京都", "台東区", "浅草1-2-4", "111-0032", "03"),
    ("神奈川県", "横浜市中区", "元町4-160", "231-0861", "045"),
    ("神奈川県", "鎌倉市", "小町2-9-7", "248-0006", "0467"),
    ("大阪府", "大阪市北区", "梅田1-3-1", "530-0001", "06"),
    (
        "京都府",
        "京都市中京区",
        "河原町通三条下る",
        "604-8004",
        "075",
    ),
    ("愛知県", "名古屋市中区", "栄3-5-12", "460-0008", "052"),
    ("福岡県", "福岡市中央区", "天神2-8-34", "810-0001", "092"),
    ("北海道", "札幌市中央区", "南一条西4-5", "060-0061", "011"),
    ("宮城県", "仙台市青葉区", "一番町3-2-1", "980-0811", "022"),
];

const BUSINESSES: &[(&str, &str)] = &[
    ("割烹 みやび", "店主"),
    ("鮨処 やま田", "大将"),
    ("ビストロ・ル・ソレイユ", "オーナーシェフ"),
    ("炉端焼き 漁火", "店長"),
    ("株式会社さくら不動産", "営業部長"),
    ("ひかり歯科クリニック", "院長"),
    ("有限会社丸一工務店", "代表取締役"),
    ("カフェ 木漏れ日", "オーナー"),
    ("料亭 松風", "女将"),
    ("株式会社ミナト物流", "総務課長"),
    ("居酒屋 たぬき", "店主"),
    ("ホテル翠泉", "料理長"),
    ("Trattoria Azzurra", "Owner"),
    ("Blue Harbor Trading", "Buyer"),
];

const TAGS_JA: &[&str] = &[
    "飲食店",
    "VIP",
    "ゴルフ",
    "ワイン好き",
    "日本酒",
    "紹介者",
    "年賀状",
    "地元",
    "経営者",
    "子育て中",
    "釣り",
    "お中元",
];
const TAGS_EN: &[&str] = &["expat", "wine", "golf", "restaurant"];

const LIKES: &[&str] = &[
    "日本酒（特に純米吟醸）",
    "ゴルフ。月に一度は必ずラウンド",
    "釣り。週末は伊豆の海へ",
    "甘いものに目がない。特に和菓子",
    "ワイン、ブルゴーニュの赤",
    "読書（歴史小説）",
    "阪神タイガースの大ファン",
    "温泉めぐり",
    "愛犬の柴犬「こむぎ」",
    "Single malt whisky, hiking",
    "Jazz records and good coffee",
];

/// A topic to ask about for each of [`LIKES`], in the same order: what a
/// salesperson would note after hearing it.
const TOPICS: &[&str] = &[
    "最近のおすすめの日本酒",
    "ゴルフのスコア",
    "伊豆での釣り",
    "最近見つけた和菓子",
    "ブルゴーニュのワイン",
    "最近読まれた歴史小説",
    "タイガースの調子",
    "温泉めぐり",
    "こむぎちゃん",
    "the hiking",
    "your record collection",
];

const NOTES: &[&str] = &[
    "ご主人が料理好き。新しい食材の話をすると喜ばれる。",
    "繁忙期は12月。11月中に一度顔を出すこと。",
    "お子さんが来春小学校入学。",
    "前回の訪問で、店の改装を検討中と聞いた。",
    "電話よりLINEの方が返事が早い。",
    "昼の営業後、14時半〜16時が話しやすい時間帯。",
    "お母様の介護で忙しい時期。連絡は控えめに。",
    "地元の商店会の会長。顔が広い。",
    "Prefers email; replies within a day.",
    "Moved from Sydney three years ago; learning Japanese.",
];

const MET: &[&str] = &[
    "商工会議所の交流会で名刺交換",
    "店舗への飛び込み訪問",
    "展示会（東京ビッグサイト）",
    "知人の結婚式で隣の席",
    "ゴルフコンペ",
    "ウェブサイトからの問い合わせ",
    "Chamber of commerce mixer",
];

const RELATIONS: &[(&str, bool)] = &[
    ("妻", true),
    ("夫", false),
    ("長男", false),
    ("長女", true),
    ("次男", false),
    ("母", true),
];

/// A small deterministic generator; demo data must be the same on every run.
pub struct DemoGenerator {
    rng: fastrand::Rng,
}

impl DemoGenerator {
    pub fn new(seed: u64) -> Self {
        DemoGenerator {
            rng: fastrand::Rng::with_seed(seed),
        }
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.rng.usize(..items.len())]
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.u32(..100) < percent
    }

    /// One plausible customer as of `today`.
    pub fn profile(&mut self, today: NaiveDate) -> CustomerProfile {
        let western = self.chance(12);
        let mut p = CustomerProfile::default();
        let (romaji_family, romaji_given);
        let female;
        if western {
            let (given, is_female) = *self.pick(WESTERN_GIVEN);
            let family = *self.pick(WESTERN_FAMILY);
            p.given_name = given.to_owned();
            p.family_name = family.to_owned();
            romaji_given = given.to_lowercase();
            romaji_family = family.to_lowercase().replace(['\'', 'ü', 'í'], "");
            female = is_female;
        } else {
            let (fam, fam_reading, fam_romaji) = *self.pick(FAMILY);
            let (giv, giv_reading, giv_romaji, is_female) = *self.pick(GIVEN);
            p.family_name = fam.to_owned();
            p.given_name = giv.to_owned();
            // Readings are typed either way in real address books.
            if self.chance(30) {
                p.family_name_reading = to_katakana(fam_reading);
                p.given_name_reading = to_katakana(giv_reading);
            } else {
                p.family_name_reading = fam_reading.to_owned();
                p.given_name_reading = giv_reading.to_owned();
            }
            romaji_family = fam_romaji.to_owned();
            romaji_given = giv_romaji.to_owned();
            female = is_female;
        }
        if self.chance(45) {
            let (company, title) = *self.pick(BUSINESSES);
            p.company = company.to_owned();
            p.title = title.to_owned();
        }
        let (region, locality, street, postal, area) = *self.pick(PLACES);
        p.phones.push(Phone {
            label: if western { "mobile" } else { "携帯" }.to_owned(),
            number: format!(
                "0{}0-{:04}-{:04}",
                self.pick(&[7, 8, 9]),
                self.rng.u32(1000..10000),
                self.rng.u32(0..10000)
            ),
        });
        if !p.company.is_empty() && self.chance(60) {
            p.phones.push(Phone {
                label: if western { "work" } else { "店舗" }.to_owned(),
                number: format!(
                    "{area}-{:04}-{:04}",
                    self.rng.u32(100..10000),
                    self.rng.u32(0..10000)
                ),
            });
        }
        if self.chance(80) {
            let domain = self.pick(&[
                "example.jp",
                "example.com",
                "example.co.jp",
                "example.ne.jp",
            ]);
            p.emails.push(Email {
                label: if western { "home" } else { "個人" }.to_owned(),
                address: format!(
                    "{romaji_given}.{romaji_family}{}@{domain}",
                    self.rng.u32(1..99)
                ),
            });
        }
        if self.chance(70) {
            p.addresses.push(Address {
                label: if p.company.is_empty() {
                    "自宅"
                } else {
                    "店舗"
                }
                .to_owned(),
                postal_code: postal.to_owned(),
                region: region.to_owned(),
                locality: locality.to_owned(),
                street: street.to_owned(),
                extended: if self.chance(40) {
                    format!(
                        "{}ビル {}階",
                        self.pick(&["第一", "サン", "グリーン", "中央"]),
                        self.rng.u32(1..9)
                    )
                } else {
                    String::new()
                },
                country: String::new(),
            });
        }
        if self.chance(85) {
            let year = today.year() - self.rng.i32(24..78);
            let month = self.rng.u32(1..13);
            let day = self.rng.u32(1..29);
            // Many people share their birthday without the year.
            let year = (!self.chance(25)).then_some(year);
            p.birthday = Some(PartialDate::new(year, month, day));
        }
        if self.chance(35) {
            let (relation, relation_female) = *self.pick(RELATIONS);
            let (name, reading, _, _) = loop {
                let candidate = *self.pick(GIVEN);
                if candidate.3 == relation_female {
                    break candidate;
                }
            };
            p.family_members.push(FamilyMember {
                name: name.to_owned(),
                reading: reading.to_owned(),
                relation: relation.to_owned(),
                birthday: self
                    .chance(60)
                    .then(|| PartialDate::new(None, self.rng.u32(1..13), self.rng.u32(1..29))),
                notes: String::new(),
            });
            if relation == "妻" || relation == "夫" {
                p.important_dates.push(ImportantDate {
                    kind: ImportantDateKind::Anniversary,
                    label: "結婚記念日".to_owned(),
                    date: PartialDate::new(
                        Some(today.year() - self.rng.i32(2..30)),
                        self.rng.u32(1..13),
                        self.rng.u32(1..29),
                    ),
                });
            }
        }
        if !p.company.is_empty() && self.chance(30) {
            p.important_dates.push(ImportantDate {
                kind: ImportantDateKind::Custom,
                label: "開店記念日".to_owned(),
                date: PartialDate::new(
                    Some(today.year() - self.rng.i32(1..40)),
                    self.rng.u32(1..13),
                    self.rng.u32(1..29),
                ),
            });
        }
        if self.chance(70) {
            p.likes = (*self.pick(LIKES)).to_owned();
            // Drawn from the likes, not the generator, so every other
            // detail of a seed's book stays as it was.
            let english = p.language() == crate::reminder::DraftLanguage::En;
            if let Some(topic) = LIKES.iter().position(|l| *l == p.likes).map(|i| TOPICS[i])
                && topic.is_ascii() == english
            {
                topic.clone_into(&mut p.topic);
            }
        }
        if self.chance(75) {
            p.notes = (*self.pick(NOTES)).to_owned();
        }
        p.met_how = (*self.pick(MET)).to_owned();
        p.met_on = Some(today - Duration::days(i64::from(self.rng.u32(30..3000))));
        p.source = *self.pick(&[Source::WalkIn, Source::WalkIn, Source::Event, Source::Other]);
        p.preferred_channel = *self.pick(&[
            ContactChannel::Any,
            ContactChannel::Phone,
            ContactChannel::Email,
            ContactChannel::Message,
            ContactChannel::Visit,
        ]);
        p.do_not_contact = self.chance(3);
        let tag_count = self.rng.usize(0..3);
        for _ in 0..tag_count {
            let tag = if western {
                *self.pick(TAGS_EN)
            } else {
                *self.pick(TAGS_JA)
            };
            if !p.tags.iter().any(|t| t == tag) {
                p.tags.push(tag.to_owned());
            }
        }
        p.stage = *self.pick(&[
            Stage::Prospect,
            Stage::Prospect,
            Stage::Customer,
            Stage::Customer,
            Stage::Client,
            Stage::Supporter,
            Stage::Advocate,
            Stage::Partner,
        ]);
        if female && p.honorific.is_empty() && western {
            p.honorific = "Ms".to_owned();
        }
        p
    }
}

fn to_katakana(hiragana: &str) -> String {
    hiragana
        .chars()
        .map(|c| match c {
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// How a demo customer's relationship unfolds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pattern {
    /// Met, talked, has not bought.
    Prospect,
    /// Bought once.
    OneTime,
    /// Buys every so often.
    Regular,
    /// Used to buy regularly and stopped: the dashboard's at-risk list.
    Slipping,
    /// A regular who introduces friends.
    Fan,
}

/// (item, yen) — a wholesaler of fine seafood calling on restaurants and
/// families, as in the product brief.
const ITEMS: &[(&str, i64)] = &[
    ("本マグロ 中トロ 1kg", 18_000),
    ("北海道産 生ウニ 250g", 9_800),
    ("ノルウェー産 サーモン フィレ", 6_500),
    ("活けオマール海老 2尾", 12_000),
    ("からすみ 特選", 15_000),
    ("いくら醤油漬け 500g", 8_400),
    ("天然真鯛 1尾", 7_200),
    ("毛ガニ 2杯", 16_000),
    ("季節の鮮魚おまかせセット", 25_000),
    ("お歳暮ギフト 海の幸詰め合わせ", 32_000),
    ("Oysters, 2 dozen", 11_000),
];

const TOUCH_KINDS: &[(TouchpointKind, u32)] = &[
    (TouchpointKind::Visit, 30),
    (TouchpointKind::Call, 20),
    (TouchpointKind::Message, 15),
    (TouchpointKind::Email, 10),
    (TouchpointKind::Letter, 8),
    (TouchpointKind::Gift, 5),
    (TouchpointKind::Event, 5),
    (TouchpointKind::Other, 7),
];

/// (summary, direction) per kind: what such a touchpoint usually was.
/// Cards follow the season: New Year cards in January, summer greetings in
/// July and August.
fn touch_summary(kind: TouchpointKind, roll: u32, month: u32) -> (&'static str, Direction) {
    use Direction::*;
    match (kind, roll % 4) {
        (TouchpointKind::Letter, _) if month == 1 => ("年賀状", Give),
        (TouchpointKind::Letter, _) if month == 7 || month == 8 => ("暑中見舞い", Give),
        (TouchpointKind::Letter, 0 | 1) => ("誕生日カード", Give),
        (TouchpointKind::Letter, _) => ("お礼状", Give),
        (TouchpointKind::Visit, 0) => ("新メニューの試食に立ち会う", Give),
        (TouchpointKind::Visit, 1) => ("新入荷の案内と見積もり", Ask),
        (TouchpointKind::Visit, 2) => ("店の近況をうかがう", Neutral),
        (TouchpointKind::Visit, _) => ("仕込みの相談に乗る", Give),
        (TouchpointKind::Call, 0) => ("年末の注文の相談", Ask),
        (TouchpointKind::Call, 1) => ("入荷状況の連絡", Neutral),
        (TouchpointKind::Call, 2) => ("産地の天候と相場の情報を共有", Give),
        (TouchpointKind::Call, _) => ("追加注文のお願い", Ask),
        (TouchpointKind::Message, 0) => ("旬の魚の写真を送る", Give),
        (TouchpointKind::Message, _) => ("配達時間の確認", Neutral),
        (TouchpointKind::Email, 0) => ("新商品カタログを送付", Ask),
        (TouchpointKind::Email, _) => ("取引先候補の紹介", Give),
        (TouchpointKind::Gift, _) => ("手土産に干物を持参", Give),
        (TouchpointKind::Event, _) => ("産地見学会に招待", Give),
        (TouchpointKind::Other, _) => ("商店会の集まりで会う", Neutral),
    }
}

const YEAR: i64 = 365 * 86_400;
const DAY: i64 = 86_400;

/// Fills `store` with `count` demo customers and three years of history
/// ending at `clock`: touchpoints, purchases, referral chains and moves on
/// the ladder, about ten touchpoints and three purchases a customer. One
/// transaction; returns how many customers were written.
pub fn populate(store: &mut Store, count: usize, seed: u64, clock: &Clock) -> Result<usize> {
    let mut g = DemoGenerator::new(seed);
    let now = clock.timestamp();
    let begin = now - 3 * YEAR;
    let mut tx = store.begin()?;
    // Channels, activity, how far each introduction came, the tallies and
    // the agenda all follow from what is written, once, at the end.
    tx.changed.everything();
    // Customers who introduce others, with when they joined.
    let mut fans: Vec<(i64, i64)> = Vec::new();
    let mut referrals: Vec<(i64, i64, i64)> = Vec::new(); // (referrer, referred, at)
    let mut first_purchases: Vec<(i64, i64, Pattern)> = Vec::new();
    for _ in 0..count {
        let pattern = *g.pick(&[
            Pattern::Prospect,
            Pattern::Prospect,
            Pattern::Prospect,
            Pattern::OneTime,
            Pattern::OneTime,
            Pattern::Regular,
            Pattern::Regular,
            Pattern::Regular,
            Pattern::Slipping,
            Pattern::Fan,
        ]);
        // Earlier customers are more likely: the book grew over the years.
        let joined = begin + (g.rng.f64().sqrt() * (now - begin - 14 * DAY) as f64) as i64;
        let joined_on = Clock::new(
            chrono::DateTime::from_timestamp(joined, 0).unwrap_or(clock.now),
            clock.tz,
        );
        let mut profile = g.profile(joined_on.today());
        profile.stage = Stage::Prospect;
        profile.met_on = Some(joined_on.today());
        let referrer = if !fans.is_empty() && g.chance(22) {
            let (id, since) = *g.pick(&fans);
            (since < joined).then_some(id)
        } else {
            None
        };
        if referrer.is_some() {
            profile.source = Source::Referral;
        }
        profile.referred_by = referrer;
        let profile = customer::validated(profile, joined_on.today())?;
        let id = customers::insert(&mut tx, &profile, None, &joined_on)?;
        if let Some(referrer) = referrer {
            referrals.push((referrer, id, joined));
        }
        if pattern == Pattern::Fan {
            fans.push((id, joined));
        }
        let first = g.history(&mut tx, id, pattern, joined, now, clock)?;
        if let Some(first) = first {
            first_purchases.push((id, first, pattern));
        }
    }
    // Stage moves as a salesperson would have confirmed them, a few days
    // after the purchase; some recent ones are left as open suggestions.
    let mut stage_of: std::collections::HashMap<i64, Stage> = std::collections::HashMap::new();
    for (id, first, pattern) in &first_purchases {
        let at = first + g.rng.i64(1..6) * DAY;
        if at > now - 20 * DAY && g.chance(60) {
            continue;
        }
        promote(
            &mut tx,
            *id,
            Stage::Prospect,
            Stage::Customer,
            Some(PromotionRule::FirstPurchase),
            at.min(now),
            clock,
        )?;
        let mut stage = Stage::Customer;
        if matches!(pattern, Pattern::Regular | Pattern::Slipping | Pattern::Fan) {
            let at = (at + g.rng.i64(60..300) * DAY).min(now - DAY);
            promote(
                &mut tx,
                *id,
                stage,
                Stage::Client,
                Some(PromotionRule::RepeatPurchases),
                at,
                clock,
            )?;
            stage = Stage::Client;
            if g.chance(35) {
                let at = (at + g.rng.i64(90..400) * DAY).min(now - DAY);
                promote(&mut tx, *id, stage, Stage::Supporter, None, at, clock)?;
                stage = Stage::Supporter;
            }
        }
        stage_of.insert(*id, stage);
    }
    let mut promoted_for_referral = std::collections::HashSet::new();
    for &(referrer, _, at) in &referrals {
        let stage = stage_of.get(&referrer).copied().unwrap_or(Stage::Prospect);
        if stage < Stage::Advocate && promoted_for_referral.insert(referrer) && g.chance(75) {
            let at = (at + g.rng.i64(3..30) * DAY).min(now - DAY);
            promote(
                &mut tx,
                referrer,
                stage,
                Stage::Advocate,
                Some(PromotionRule::FirstReferral),
                at,
                clock,
            )?;
            stage_of.insert(referrer, Stage::Advocate);
        }
    }
    for &(id, _) in &fans {
        if stage_of.get(&id) == Some(&Stage::Advocate) && g.chance(30) {
            let at = now - g.rng.i64(10..200) * DAY;
            promote(
                &mut tx,
                id,
                Stage::Advocate,
                Stage::Partner,
                None,
                at,
                clock,
            )?;
        }
    }
    store.commit(tx)?;
    // Most introductions that led to a purchase were thanked within a week.
    let mut tx = store.begin()?;
    for (referral, referred, introduced_at) in referrals::bought(&tx)? {
        if referred % 5 != 0 {
            referrals::set_thanked(&mut tx, referral, Some(introduced_at + 5 * DAY))?;
        }
    }
    store.commit(tx)?;
    settle_past_reminders(store, clock)?;
    Ok(count)
}

/// A diligent salesperson dealt with most past touches: mark all but about
/// one in forty of the overdue ones done, when they fell due, so the Today
/// view shows a realistic handful rather than three years of backlog.
/// Keep-in-touch is left to the contact history itself: those the demo
/// lets slip are the ones the Today view should show.
fn settle_past_reminders(store: &mut Store, clock: &Clock) -> Result<()> {
    let overdue: Vec<_> = store
        .open_reminders(clock)?
        .into_iter()
        .filter(|d| {
            d.candidate.due_on < clock.today() && d.candidate.kind != ReminderKind::KeepInTouch
        })
        .collect();
    let now = clock.timestamp();
    let mut tx = store.begin()?;
    for (n, d) in overdue.iter().enumerate() {
        if n % 40 == 0 {
            continue;
        }
        let acted_at = (d.at + DAY).min(now);
        let state = UserState {
            status: Status::Done,
            snoozed_until: None,
            acted_at,
        };
        reminder_states::set(
            &mut tx,
            &d.candidate.key.to_string(),
            d.candidate.customer_id,
            &state,
        )?;
        if let Some(referral) = d.candidate.key.thanked_referral() {
            referrals::set_thanked(&mut tx, referral, Some(acted_at))?;
        }
    }
    store.commit(tx)?;
    Ok(())
}

/// The instant at `hour:minute` on the local day (in the clock's zone) that
/// contains `at`: visits happen in business hours wherever the user is.
fn local_time(at: i64, hour: u32, minute: u32, clock: &Clock) -> i64 {
    clock.instant_on(clock.local_day(at), hour * 60 + minute)
}

/// A move on the ladder confirmed at `at`.
fn promote(
    tx: &mut Tx<'_>,
    id: i64,
    from: Stage,
    to: Stage,
    rule: Option<PromotionRule>,
    at: i64,
    clock: &Clock,
) -> Result<()> {
    let then = Clock::new(
        chrono::DateTime::from_timestamp(at, 0).unwrap_or(clock.now),
        clock.tz,
    );
    let reason = if rule.is_none() {
        "ほかでは買わないと言ってくれた"
    } else {
        ""
    };
    stages::move_to(tx, id, from, to, reason, rule, &then)?;
    Ok(())
}

impl DemoGenerator {
    /// A customer's touchpoints and purchases from `joined` to `now`;
    /// returns when they first bought.
    fn history(
        &mut self,
        tx: &mut Tx<'_>,
        id: i64,
        pattern: Pattern,
        joined: i64,
        now: i64,
        clock: &Clock,
    ) -> Result<Option<i64>> {
        let stop = match pattern {
            Pattern::Slipping => now - self.rng.i64(150..330) * DAY,
            _ => now,
        };
        // Purchases.
        let mut first_purchase = None;
        let mut purchase_times = Vec::new();
        match pattern {
            Pattern::Prospect => {}
            Pattern::OneTime => purchase_times.push(joined + self.rng.i64(3..90) * DAY),
            Pattern::Regular | Pattern::Slipping | Pattern::Fan => {
                let gap = self.rng.i64(30..115) * DAY;
                let mut at = joined + self.rng.i64(3..40) * DAY;
                while at < stop {
                    purchase_times.push(at);
                    at += gap + self.rng.i64(-15..15) * DAY;
                }
            }
        }
        let (item, price) = *self.pick(ITEMS);
        for (n, &at) in purchase_times.iter().filter(|&&at| at < now).enumerate() {
            let (item, price) = if n > 0 && self.chance(35) {
                *self.pick(ITEMS)
            } else {
                (item, price)
            };
            let quantity = self.rng.u32(1..4);
            let at = local_time(at, 10, 0, clock);
            // Recorded the day it happened.
            let recorded = Clock::new(
                chrono::DateTime::from_timestamp(at, 0).unwrap_or(clock.now),
                clock.tz,
            );
            purchases::insert(
                tx,
                &PurchaseInput {
                    customer_id: id,
                    item: item.to_owned(),
                    quantity,
                    amount_minor: price * i64::from(quantity),
                    currency: "JPY".to_owned(),
                    purchased_at: at,
                    satisfaction: self.chance(40).then(|| self.rng.u8(3..6)),
                    notes: String::new(),
                    follow_up_plan_id: Some(DEFAULT_PLAN_ID),
                    // Food runs out: some items are re-ordered on a rhythm.
                    reorder_after_days: self.chance(30).then_some(60),
                },
                &recorded,
            )?;
            first_purchase.get_or_insert(at);
            // Now and then something comes back.
            if self.chance(3) {
                purchases::insert(
                    tx,
                    &PurchaseInput {
                        customer_id: id,
                        item: format!("返品: {item}"),
                        quantity: 1,
                        amount_minor: -price,
                        currency: "JPY".to_owned(),
                        purchased_at: at + 2 * DAY,
                        satisfaction: None,
                        notes: String::new(),
                        follow_up_plan_id: None,
                        reorder_after_days: None,
                    },
                    &recorded,
                )?;
            }
        }
        // Touchpoints: more often the closer the relationship.
        let mean_gap = match pattern {
            Pattern::Prospect => 100,
            Pattern::OneTime => 70,
            Pattern::Regular | Pattern::Slipping => 22,
            Pattern::Fan => 15,
        };
        let weights: u32 = TOUCH_KINDS.iter().map(|k| k.1).sum();
        let mut at = joined;
        while at < stop.min(now) {
            let mut roll = self.rng.u32(0..weights);
            let kind = TOUCH_KINDS
                .iter()
                .find(|(_, w)| {
                    let hit = roll < *w;
                    roll = roll.saturating_sub(*w);
                    hit
                })
                .map_or(TouchpointKind::Other, |k| k.0);
            let time = local_time(at, self.rng.u32(9..19), self.rng.u32(0..4) * 15, clock);
            let month = chrono::DateTime::from_timestamp(time, 0)
                .map_or(1, |d| d.with_timezone(&clock.tz).month());
            let (summary, direction) = touch_summary(kind, self.rng.u32(0..100), month);
            touchpoints::insert(
                tx,
                &TouchpointInput {
                    customer_id: id,
                    kind,
                    occurred_at: time.min(now - 3600),
                    summary: summary.to_owned(),
                    notes: String::new(),
                    direction,
                    satisfaction: (kind == TouchpointKind::Visit && self.chance(25))
                        .then(|| self.rng.u8(2..6)),
                    promise: None,
                },
                clock,
            )?;
            at += self.rng.i64(mean_gap / 3..mean_gap * 2) * DAY;
        }
        Ok(first_purchase)
    }
}
