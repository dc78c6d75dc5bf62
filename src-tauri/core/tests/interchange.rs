//! Imports and exports on real files: the public sample vCards as they are,
//! Japanese phone and Excel files in Shift_JIS, CSV layouts from Google,
//! Outlook and LinkedIn, broken files, round trips, calendars and the full
//! JSON snapshot.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::path::{Path, PathBuf};

use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::{
    CustomerProfile, Email, Extra, FamilyMember, ImportantDate, ImportantDateKind, Phone,
};
use kizuna_core::interchange::export::ExportCustomer;
use kizuna_core::interchange::import::{ImportAction, ImportPreview};
use kizuna_core::interchange::table::{self, ColumnTarget, CsvOptions, CsvPreset};
use kizuna_core::interchange::text::TextEncoding;
use kizuna_core::interchange::vcard::{self, VcardVersion};
use kizuna_core::interchange::{ImportProblemCode, ReadFile};
use kizuna_core::ladder::Stage;
use kizuna_core::reminder::DraftLanguage;
use kizuna_core::{Clock, Error, Store};

/// The public sample vCards, kept unedited in the repository with their
/// licence and notice so the tests run from any clone.
fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/testdata/vcard")
}

fn data(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn go_on() -> impl FnMut(u64, u64) -> bool {
    |_, _| true
}

fn read_vcf(bytes: &[u8]) -> ReadFile {
    vcard::read(bytes, TextEncoding::Auto, DraftLanguage::Ja, &mut go_on())
        .expect("read")
        .0
}

fn preview(store: &Store, file: ReadFile, clock: &Clock) -> ImportPreview {
    store
        .plan_import(file, TextEncoding::Utf8, clock, &mut go_on())
        .expect("plan")
        .preview
}

/// Reads, plans and writes a vCard file; returns the preview it showed.
fn import_vcf(store: &mut Store, bytes: &[u8], clock: &Clock) -> ImportPreview {
    let plan = store
        .plan_import(read_vcf(bytes), TextEncoding::Utf8, clock, &mut go_on())
        .expect("plan");
    let shown = plan.preview.clone();
    store
        .apply_import(plan, clock, &mut go_on())
        .expect("apply");
    shown
}

fn only(store: &Store) -> CustomerProfile {
    let all = store.export_profiles(None).expect("profiles");
    assert_eq!(all.len(), 1, "exactly one customer expected");
    all.into_iter()
        .next()
        .map(|c| c.profile)
        .unwrap_or_default()
}

fn extra(p: &CustomerProfile, name: &str) -> Option<String> {
    p.extras
        .iter()
        .find(|e| e.name == name)
        .map(|e| e.value.clone())
}

/// Each card of a sample file, from a fresh store.
fn sample(name: &str) -> Vec<CustomerProfile> {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let bytes = std::fs::read(samples().join(name)).expect("sample");
    import_vcf(&mut store, &bytes, &clock);
    store
        .export_profiles(None)
        .expect("profiles")
        .into_iter()
        .map(|c| c.profile)
        .collect()
}

#[test]
fn every_public_sample_card_is_imported_or_its_problem_reported() {
    let clock = fixtures::clock();
    let mut files: Vec<PathBuf> = std::fs::read_dir(samples())
        .expect("samples")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 59);
    for path in files {
        let bytes = std::fs::read(&path).expect("sample");
        let text = String::from_utf8_lossy(&bytes);
        // Cards that start at the beginning of a line (not folded into an AGENT).
        let begun = text
            .lines()
            .filter(|l| l.trim().eq_ignore_ascii_case("BEGIN:VCARD") && !l.starts_with([' ', '\t']))
            .count() as u32;
        let mut store = Store::open_in_memory().expect("store");
        let file = read_vcf(&bytes);
        let unreadable = file.unreadable;
        let p = preview(&store, file.clone(), &clock);
        assert_eq!(
            p.read + unreadable,
            begun,
            "{}: every card is read or reported",
            path.display()
        );
        assert_eq!(
            p.new + p.updated + p.unchanged + p.repeated + p.skipped,
            begun,
            "{}: every card is accounted for",
            path.display()
        );
        let reported_skips = p
            .problems
            .iter()
            .filter(|pr| {
                matches!(
                    pr.code,
                    ImportProblemCode::NoName
                        | ImportProblemCode::Unterminated
                        | ImportProblemCode::Malformed
                ) && pr.record > 0
            })
            .count() as u32;
        assert_eq!(
            p.skipped,
            reported_skips,
            "{}: each skip has its reason",
            path.display()
        );
        let plan = store
            .plan_import(file, TextEncoding::Utf8, &clock, &mut go_on())
            .expect("plan");
        store
            .apply_import(plan, &clock, &mut go_on())
            .expect("apply");
        assert_eq!(
            store.customer_count().expect("count"),
            i64::from(p.new),
            "{}",
            path.display()
        );
    }
}

#[test]
fn the_sample_cards_land_in_the_right_fields() {
    // 2.1 with bare types and quoted-printable labels.
    let forrest = &sample("001.vcf")[0];
    assert_eq!(
        (forrest.family_name.as_str(), forrest.given_name.as_str()),
        ("Gump", "Forrest")
    );
    assert_eq!(forrest.company, "Bubba Gump Shrimp Co.");
    assert_eq!(forrest.title, "Shrimp Man");
    assert_eq!(
        forrest.phones,
        [
            Phone {
                label: "会社".to_owned(),
                number: "(111) 555-1212".to_owned()
            },
            Phone {
                label: "自宅".to_owned(),
                number: "(404) 555-1212".to_owned()
            },
        ]
    );
    assert_eq!(forrest.emails[0].address, "forrestgump@example.com");
    assert_eq!(forrest.addresses[0].locality, "Baytown");
    assert_eq!(forrest.addresses[0].postal_code, "30314");
    assert_eq!(
        extra(forrest, "PHOTO").as_deref(),
        Some("http://www.example.com/dir_photos/my_photo.gif")
    );

    // Apple: phonetic names, grouped labels, X-ABDATE, related names.
    let apple = &sample("032.vcf")[0];
    assert_eq!(
        (
            apple.family_name_reading.as_str(),
            apple.given_name_reading.as_str()
        ),
        ("Dow", "Jon")
    );
    assert_eq!(
        apple.important_dates,
        [ImportantDate {
            kind: ImportantDateKind::Anniversary,
            label: String::new(),
            date: PartialDate::new(Some(1975), 3, 1),
        }]
    );
    assert_eq!(apple.family_members[0].name, "Jenny");
    assert_eq!(apple.family_members[0].relation, "配偶者");

    // Outlook's and Evolution's anniversaries; categories as tags.
    let outlook = &sample("036.vcf")[0];
    assert_eq!(
        outlook.important_dates[0].date,
        PartialDate::new(Some(2011), 1, 13)
    );
    assert_eq!(extra(outlook, "X-MS-MANAGER").as_deref(), Some("Big Blue"));
    let evolution = &sample("031.vcf")[0];
    assert_eq!(
        evolution.important_dates[0].date,
        PartialDate::new(Some(1980), 3, 22)
    );
    assert_eq!(evolution.family_members[0].name, "Maria");
    assert_eq!(evolution.tags, ["VIP"]);

    // A 4.0 birthday without a year; everything without a field is kept.
    let v4 = &sample("047.vcf")[0];
    assert_eq!(v4.birthday, Some(PartialDate::new(None, 2, 3)));
    assert_eq!(extra(v4, "NICKNAME").as_deref(), Some("Boss"));
    assert_eq!(extra(v4, "ROLE").as_deref(), Some("Project Leader"));

    // A photo inside the card is kept as a data URL.
    let photo = &sample("024.vcf")[0];
    assert!(extra(photo, "PHOTO").is_some_and(|v| v.starts_with("data:image/png;base64,iVBOR")));

    // Contacts with only an e-mail address are called by it.
    let google = sample("029.vcf");
    assert!(google.iter().any(|p| p.family_name.contains('@')));
}

#[test]
fn old_japanese_phones_shift_jis_cards_are_read_with_their_readings() {
    let file = read_vcf(&data("docomo-shift-jis-qp.vcf"));
    let taro = &file.contacts[0].profile;
    assert_eq!(
        (taro.family_name.as_str(), taro.given_name.as_str()),
        ("山田", "太郎")
    );
    // SOUND;X-IRMC-N in half-width katakana, made whole.
    assert_eq!(
        (
            taro.family_name_reading.as_str(),
            taro.given_name_reading.as_str()
        ),
        ("ヤマダ", "タロウ")
    );
    assert_eq!(
        taro.phones[0],
        Phone {
            label: "携帯".to_owned(),
            number: "090-1234-5678".to_owned()
        }
    );
    assert_eq!(taro.birthday, Some(PartialDate::new(Some(1980), 4, 15)));
    assert_eq!(taro.notes, "いつも大トロを注文される。奥様はワイン好き。");

    let (file, encoding) = vcard::read(
        &data("au-shift-jis-8bit.vcf"),
        TextEncoding::Auto,
        DraftLanguage::Ja,
        &mut go_on(),
    )
    .expect("read");
    assert_eq!(encoding, TextEncoding::ShiftJis);
    let hanako = &file.contacts[0].profile;
    assert_eq!(hanako.family_name, "佐藤");
    assert_eq!(hanako.family_name_reading, "サトウ");
    assert_eq!(hanako.addresses[0].street, "千代田区丸の内1-1");
    assert_eq!(hanako.addresses[0].label, "自宅");
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let mut bytes = std::fs::read(samples().join("040.vcf")).expect("sample");
    bytes.extend(data("docomo-shift-jis-qp.vcf"));
    bytes.extend(std::fs::read(samples().join("005.vcf")).expect("sample"));
    let first = import_vcf(&mut store, &bytes, &clock);
    assert_eq!((first.new, first.updated, first.unchanged), (7, 0, 0));
    let again = import_vcf(&mut store, &bytes, &clock);
    assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 7));
    assert!(
        again
            .rows
            .iter()
            .all(|r| r.action == ImportAction::Unchanged)
    );
    assert_eq!(store.customer_count().expect("count"), 7);
}

#[test]
fn a_re_import_adds_what_is_new_and_keeps_what_was_written_here() {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:森;健;;;\r\nFN:森 健\r\nTEL;TYPE=CELL:090-1000-2000\r\nEMAIL:ken@example.jp\r\nEND:VCARD\r\n";
    import_vcf(&mut store, card.as_bytes(), &clock);
    // The salesperson writes a note and a like in Kizuna.
    let id = store.export_profiles(None).expect("profiles")[0].id;
    let mut profile = store.customer(id).expect("customer").profile;
    profile.notes = "息子さんが野球部".to_owned();
    profile.likes = "日本酒".to_owned();
    store.update_customer(id, profile, &clock).expect("edit");

    // The phone gained a work address; same person (matched by e-mail).
    let newer = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:森;健;;;\r\nFN:森 健\r\nTEL;TYPE=CELL:090-1000-2000\r\nEMAIL:ken@example.jp\r\nEMAIL;TYPE=WORK:mori@mori-shoji.example\r\nORG:森商事\r\nEND:VCARD\r\n";
    let shown = import_vcf(&mut store, newer.as_bytes(), &clock);
    assert_eq!((shown.new, shown.updated), (0, 1));
    let p = only(&store);
    assert_eq!(p.emails.len(), 2);
    assert_eq!(p.company, "森商事");
    assert_eq!(p.notes, "息子さんが野球部");
    assert_eq!(p.likes, "日本酒");
}

/// A customer with every field the form has.
fn everything(referrer: Option<i64>) -> CustomerProfile {
    let mut p = fixtures::with_phone(
        fixtures::person("山田", "花子", "やまだ", "はなこ"),
        "090-1234-5678",
    );
    p.company = "山田水産".to_owned();
    p.title = "専務".to_owned();
    p.phones.push(Phone {
        label: "店".to_owned(),
        number: "03-3333-4444".to_owned(),
    });
    p.emails.push(Email {
        label: "会社".to_owned(),
        address: "hanako@yamada.example".to_owned(),
    });
    p.addresses.push(kizuna_core::customer::Address {
        label: "自宅".to_owned(),
        postal_code: "150-0001".to_owned(),
        region: "東京都".to_owned(),
        locality: "渋谷区".to_owned(),
        street: "神宮前1-2-3".to_owned(),
        extended: "スカイハイツ101".to_owned(),
        country: "日本".to_owned(),
    });
    p.birthday = Some(PartialDate::new(None, 2, 29));
    p.important_dates.push(ImportantDate {
        kind: ImportantDateKind::Anniversary,
        label: String::new(),
        date: PartialDate::new(Some(2010), 6, 12),
    });
    p.important_dates.push(ImportantDate {
        kind: ImportantDateKind::Custom,
        label: "開店記念日".to_owned(),
        date: PartialDate::new(Some(2015), 4, 1),
    });
    p.family_members.push(FamilyMember {
        name: "一郎".to_owned(),
        reading: "いちろう".to_owned(),
        relation: "夫".to_owned(),
        birthday: Some(PartialDate::new(Some(1975), 9, 30)),
        notes: "釣り好き".to_owned(),
    });
    p.likes = "白ワイン、温泉".to_owned();
    p.notes = "月末は忙しい。\n電話は夕方に; 件名に「様」".to_owned();
    p.met_how = "商店街の祭り".to_owned();
    p.met_on = Some(chrono::NaiveDate::from_ymd_opt(2019, 7, 20).expect("date"));
    p.source = kizuna_core::customer::Source::Event;
    p.preferred_channel = kizuna_core::customer::ContactChannel::Phone;
    p.quiet_until = Some(chrono::NaiveDate::from_ymd_opt(2026, 12, 31).expect("date"));
    p.cadence_days = Some(21);
    p.honorific = "さん".to_owned();
    p.tags = vec!["VIP".to_owned(), "飲食店".to_owned()];
    p.stage = Stage::Supporter;
    p.referred_by = referrer;
    p.extras.push(Extra {
        name: "NICKNAME".to_owned(),
        value: "はなちゃん".to_owned(),
    });
    p.extras.push(Extra {
        name: "Connected On".to_owned(),
        value: "12 Mar 2024".to_owned(),
    });
    p
}

fn comparable(mut all: Vec<ExportCustomer>) -> Vec<(String, Option<String>, CustomerProfile)> {
    all.sort_by(|a, b| a.uid.cmp(&b.uid));
    all.into_iter()
        .map(|mut c| {
            c.profile.referred_by = None;
            (c.uid, c.referred_by_uid, c.profile)
        })
        .collect()
}

#[test]
fn an_export_read_back_gives_the_same_customers_in_both_vcard_versions() {
    let clock = fixtures::clock();
    let mut source = Store::open_in_memory().expect("store");
    let referrer = source
        .create_customer(
            fixtures::person("佐藤", "一郎", "さとう", "いちろう"),
            &clock,
        )
        .expect("referrer")
        .id;
    source
        .create_customer(everything(Some(referrer)), &clock)
        .expect("customer");
    source
        .create_customer(
            CustomerProfile {
                company: "鮨 たかはし".to_owned(),
                ..CustomerProfile::default()
            },
            &clock,
        )
        .expect("company");
    let expected = comparable(source.export_profiles(None).expect("profiles"));
    for version in [VcardVersion::V4, VcardVersion::V3] {
        let text = source
            .export_vcards(None, version, DraftLanguage::Ja, &mut go_on())
            .expect("export");
        let mut target = Store::open_in_memory().expect("store");
        let shown = import_vcf(&mut target, text.as_bytes(), &clock);
        assert_eq!(shown.new, 3, "{version:?}: {:?}", shown.problems);
        assert!(
            shown.problems.is_empty(),
            "{version:?}: {:?}",
            shown.problems
        );
        assert_eq!(
            comparable(target.export_profiles(None).expect("profiles")),
            expected,
            "{version:?}"
        );
        // And reading it back into the store it came from changes nothing.
        let back = import_vcf(&mut source, text.as_bytes(), &clock);
        assert_eq!(
            (back.new, back.updated, back.unchanged),
            (0, 0, 3),
            "{version:?}"
        );
    }
}

fn csv(name: &str) -> (table::CsvSheet, ReadFile) {
    let bytes = data(name);
    let sheet = table::inspect(&bytes, TextEncoding::Auto, DraftLanguage::Ja).expect("inspect");
    let options = CsvOptions {
        encoding: TextEncoding::Auto,
        mapping: sheet.mapping.clone(),
    };
    let (file, _) = table::read(&bytes, &options, &mut go_on()).expect("read");
    (sheet, file)
}

#[test]
fn a_japanese_excel_address_book_in_shift_jis_is_read_with_its_yomi_columns() {
    let (sheet, file) = csv("address-book-excel-shift-jis.csv");
    assert_eq!(sheet.encoding, TextEncoding::ShiftJis);
    assert_eq!(sheet.preset, CsvPreset::Japanese);
    assert_eq!(sheet.rows, 3, "the blank row is not a customer");
    assert_eq!(sheet.mapping[2].target, ColumnTarget::FamilyNameReading);
    assert_eq!(file.contacts.len(), 3);
    let taro = &file.contacts[0].profile;
    assert_eq!(
        (
            taro.family_name_reading.as_str(),
            taro.given_name_reading.as_str()
        ),
        ("やまだ", "たろう")
    );
    assert_eq!(
        taro.birthday,
        Some(PartialDate::new(Some(1980), 4, 15)),
        "昭和55年"
    );
    assert_eq!(taro.addresses[0].region, "東京都");
    assert_eq!(taro.addresses[0].extended, "丸の内ビル3F");
    assert_eq!(taro.phones.len(), 2);
    assert_eq!(taro.phones[1].label, "携帯");
    assert_eq!(taro.tags, ["飲食店", "VIP"]);
    // CP932's extra kanji (髙) survive.
    assert_eq!(file.contacts[2].profile.family_name, "髙橋");

    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let plan = store
        .plan_import(file, sheet.encoding, &clock, &mut go_on())
        .expect("plan");
    assert_eq!(plan.preview.new, 3);
    store
        .apply_import(plan, &clock, &mut go_on())
        .expect("apply");
    // The postal code is stored the Japanese way.
    let all = store.export_profiles(None).expect("profiles");
    let yamada = all
        .iter()
        .find(|c| c.profile.family_name == "山田")
        .expect("山田");
    assert_eq!(yamada.profile.addresses[0].postal_code, "100-0005");
}

#[test]
fn google_outlook_and_linkedin_sheets_are_recognised_and_read() {
    let (sheet, file) = csv("google-contacts.csv");
    assert_eq!(sheet.preset, CsvPreset::Google);
    let ichiro = &file.contacts[0].profile;
    assert_eq!(
        (ichiro.family_name.as_str(), ichiro.given_name.as_str()),
        ("鈴木", "一郎")
    );
    assert_eq!(ichiro.family_name_reading, "すずき");
    assert_eq!(
        ichiro.emails[0],
        Email {
            label: "Home".to_owned(),
            address: "ichiro@example.jp".to_owned()
        }
    );
    assert_eq!(ichiro.phones[0].label, "Mobile");
    assert_eq!(ichiro.addresses[0].postal_code, "115-0045");
    assert_eq!(
        ichiro.tags,
        ["不動産"],
        "Google's own myContacts label is not a tag"
    );
    assert_eq!(extra(ichiro, "Nickname").as_deref(), Some("イチ"));
    assert_eq!(
        file.contacts[1].profile.birthday,
        Some(PartialDate::new(None, 12, 9))
    );

    let (sheet, file) = csv("google-contacts-legacy.csv");
    assert_eq!(sheet.preset, CsvPreset::GoogleLegacy);
    let misaki = &file.contacts[0].profile;
    assert_eq!(
        (misaki.family_name.as_str(), misaki.given_name.as_str()),
        ("伊藤", "美咲")
    );
    assert_eq!(misaki.given_name_reading, "みさき");
    assert_eq!(misaki.company, "伊藤サロン");
    assert_eq!(misaki.birthday, Some(PartialDate::new(Some(1990), 2, 28)));

    let (sheet, file) = csv("outlook.csv");
    assert_eq!(sheet.preset, CsvPreset::Outlook);
    assert_eq!(sheet.encoding, TextEncoding::Windows1252);
    let jean = &file.contacts[0].profile;
    assert_eq!(jean.birthday, Some(PartialDate::new(Some(1970), 4, 12)));
    assert_eq!(
        jean.important_dates[0].date,
        PartialDate::new(Some(1998), 6, 20)
    );
    assert!(
        jean.phones
            .iter()
            .any(|p| p.label == "携帯" && p.number == "+33 6 12 34 56 78")
    );
    assert_eq!(jean.addresses.len(), 1);
    assert_eq!(jean.addresses[0].locality, "Paris");
    assert_eq!(jean.tags, ["Wine", "Restaurants"]);
    assert_eq!(extra(jean, "Spouse").as_deref(), Some("Marie"));
    assert!(jean.notes.contains("café"));
    assert_eq!(
        extra(jean, "Sensitivity"),
        None,
        "Outlook's bookkeeping columns are skipped"
    );

    let (sheet, file) = csv("linkedin-connections.csv");
    assert_eq!(sheet.preset, CsvPreset::Linkedin);
    assert_eq!(
        sheet.header_line, 4,
        "the notes above the header are skipped"
    );
    assert_eq!(file.contacts.len(), 2);
    let kenji = &file.contacts[0].profile;
    assert_eq!(kenji.company, "Watanabe Motors");
    assert_eq!(kenji.title, "Sales Manager");
    assert_eq!(extra(kenji, "Connected On").as_deref(), Some("12 Mar 2024"));
    assert!(extra(kenji, "URL").is_some_and(|u| u.contains("linkedin.com")));
}

#[test]
fn a_csv_export_reads_back_as_the_same_contacts() {
    let clock = fixtures::clock();
    let mut source = Store::open_in_memory().expect("store");
    source
        .create_customer(everything(None), &clock)
        .expect("customer");
    let text = csv_export(&source);
    let sheet =
        table::inspect(text.as_bytes(), TextEncoding::Auto, DraftLanguage::Ja).expect("inspect");
    assert_eq!(sheet.preset, CsvPreset::Google);
    let options = CsvOptions {
        encoding: TextEncoding::Auto,
        mapping: sheet.mapping,
    };
    let (file, _) = table::read(text.as_bytes(), &options, &mut go_on()).expect("read");
    let back = &file.contacts[0].profile;
    let original = &source.export_profiles(None).expect("profiles")[0].profile;
    assert_eq!(back.family_name, original.family_name);
    assert_eq!(back.given_name_reading, original.given_name_reading);
    assert_eq!(back.phones, original.phones);
    assert_eq!(back.emails, original.emails);
    assert_eq!(back.addresses, original.addresses);
    assert_eq!(back.birthday, original.birthday);
    assert_eq!(back.notes, original.notes);
    assert_eq!(back.tags, original.tags);
    // Re-importing into the same store finds the customer unchanged.
    let shown = preview(&source, file, &clock);
    assert_eq!((shown.new, shown.unchanged), (0, 1));
}

/// Every customer as a CSV sheet, as the export writes it.
fn csv_export(store: &Store) -> String {
    let mut out = Vec::new();
    store.export_csv(None, &mut out, &mut go_on()).expect("csv");
    String::from_utf8(out).expect("utf-8")
}

/// Reads a CSV export back as the import dialog would: its own layout, as
/// recognised.
fn read_csv_export(text: &str) -> ReadFile {
    let sheet =
        table::inspect(text.as_bytes(), TextEncoding::Auto, DraftLanguage::Ja).expect("inspect");
    let options = CsvOptions {
        encoding: TextEncoding::Auto,
        mapping: sheet.mapping,
    };
    table::read(text.as_bytes(), &options, &mut go_on())
        .expect("read")
        .0
}

#[test]
fn a_csv_export_cannot_carry_a_formula_into_a_spreadsheet_and_reads_back_whole() {
    let clock = fixtures::clock();
    let mut source = Store::open_in_memory().expect("store");
    let mut p = fixtures::with_phone(
        fixtures::person("=HYPERLINK(\"http://x.example\",\"y\")", "花子", "", ""),
        "+81 90-1234-5678",
    );
    p.company = "@会社".to_owned();
    p.title = "'=already quoted".to_owned();
    p.notes = "-1+1\n二行目".to_owned();
    p.tags = vec!["+VIP".to_owned()];
    p.emails.push(Email {
        label: "=cmd|' /C calc'!A0".to_owned(),
        address: "hanako@example.jp".to_owned(),
    });
    source.create_customer(p, &clock).expect("customer");
    let text = csv_export(&source);

    // Every cell a spreadsheet would run starts with an apostrophe, and
    // nothing else in it changed (the phone number keeps its digits).
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("record").iter().map(str::to_owned).collect())
        .collect();
    let row = &rows[1];
    for cell in row {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} would run as a formula"
        );
    }
    for expected in [
        "'=HYPERLINK(\"http://x.example\",\"y\")",
        "'+81 90-1234-5678",
        "'@会社",
        "''=already quoted",
        "'-1+1\n二行目",
        "'+VIP",
        "'=cmd|' /C calc'!A0",
    ] {
        assert!(row.iter().any(|c| c == expected), "{expected:?} in {row:?}");
    }

    // Read back, the apostrophes come off again.
    let file = read_csv_export(&text);
    let back = &file.contacts[0].profile;
    let original = &source.export_profiles(None).expect("profiles")[0].profile;
    assert_eq!(back.family_name, original.family_name);
    assert_eq!(back.company, "@会社");
    assert_eq!(back.title, "'=already quoted");
    assert_eq!(back.notes, original.notes);
    assert_eq!(back.tags, original.tags);
    assert_eq!(back.phones, original.phones);
    assert_eq!(back.emails, original.emails);
    let shown = preview(&source, file, &clock);
    assert_eq!((shown.new, shown.unchanged), (0, 1));
}

#[test]
fn broken_files_are_explained_and_leave_the_store_as_it_was() {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    store
        .create_customer(fixtures::person("林", "結衣", "はやし", "ゆい"), &clock)
        .expect("customer");

    // Random bytes: nothing to import, and the reason is given.
    let noise = read_vcf(&data("random-bytes.vcf"));
    assert!(noise.contacts.is_empty());
    assert!(
        noise
            .problems
            .iter()
            .any(|p| p.code == ImportProblemCode::Malformed)
    );
    let shown = import_vcf(&mut store, &data("random-bytes.vcf"), &clock);
    assert_eq!(shown.new + shown.updated, 0);

    // A card that never ends is reported with its line; the one before it is read.
    let cut = read_vcf(&data("unterminated.vcf"));
    assert_eq!(cut.unreadable, 1);
    let problem = &cut.problems[0];
    assert_eq!(
        (problem.code, problem.line),
        (ImportProblemCode::Unterminated, 1)
    );
    assert!(problem.excerpt.contains("Mori"));

    // Nobody to call; an e-mail standing in for a name; values set aside.
    let shown = preview(&store, read_vcf(&data("no-name.vcf")), &clock);
    let codes: Vec<(u32, ImportProblemCode, String)> = shown
        .problems
        .iter()
        .map(|p| (p.record, p.code, p.detail.clone()))
        .collect();
    assert!(
        codes.contains(&(1, ImportProblemCode::NoName, String::new())),
        "{codes:?}"
    );
    assert!(codes.contains(&(2, ImportProblemCode::NamedFromContact, String::new())));
    for field in ["emails", "birthday", "phones"] {
        assert!(
            codes.contains(&(3, ImportProblemCode::KeptAside, field.to_owned())),
            "{field}: {codes:?}"
        );
    }
    assert_eq!((shown.new, shown.skipped), (2, 1));
    import_vcf(&mut store, &data("no-name.vcf"), &clock);
    let hayashi = store
        .export_profiles(None)
        .expect("profiles")
        .into_iter()
        .find(|c| c.profile.family_name == "林" && c.profile.given_name.is_empty())
        .expect("林 imported");
    assert_eq!(
        extra(&hayashi.profile, "EMAIL").as_deref(),
        Some("not an address")
    );
    assert_eq!(
        extra(&hayashi.profile, "BDAY").as_deref(),
        Some("2099-12-31")
    );

    // A CSV that is not CSV at all.
    let err = table::inspect(b"", TextEncoding::Auto, DraftLanguage::Ja).expect_err("empty");
    assert!(matches!(err, Error::UnreadableFile(_)));
}

#[test]
fn a_cancelled_import_writes_nothing() {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let bytes = std::fs::read(samples().join("005.vcf")).expect("sample");
    let plan = store
        .plan_import(read_vcf(&bytes), TextEncoding::Utf8, &clock, &mut go_on())
        .expect("plan");
    let mut calls = 0;
    let result = store.apply_import(plan, &clock, &mut |_, _| {
        calls += 1;
        calls < 2
    });
    assert!(matches!(result, Err(Error::Cancelled)));
    assert_eq!(store.customer_count().expect("count"), 0);
}

#[test]
fn the_calendar_repeats_dates_yearly_and_keeps_its_uids() {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let id = store
        .create_customer(
            CustomerProfile {
                quiet_until: None,
                ..everything(None)
            },
            &clock,
        )
        .expect("customer")
        .id;
    store
        .record_purchase(
            kizuna_core::purchase::PurchaseInput {
                customer_id: id,
                item: "本マグロ 中トロ".to_owned(),
                quantity: 1,
                amount_minor: 12_000,
                currency: String::new(),
                purchased_at: clock.timestamp() - 3 * 86_400,
                satisfaction: None,
                notes: String::new(),
                follow_up_plan_id: Some(kizuna_core::reminder::DEFAULT_PLAN_ID),
                reorder_after_days: None,
            },
            &clock,
        )
        .expect("purchase");
    let first = store
        .export_calendar(None, DraftLanguage::Ja, &clock)
        .expect("ics");
    assert!(first.starts_with("BEGIN:VCALENDAR"));
    let uid = store.export_profiles(None).expect("profiles")[0]
        .uid
        .clone();
    assert!(first.contains(&format!("UID:birthday-{uid}@kizuna")));
    // 29 February: the last day of February every year.
    assert!(
        first.lines().any(|l| l.starts_with("RRULE:FREQ=YEARLY")
            && l.contains("BYMONTH=2")
            && l.contains("BYMONTHDAY=-1")),
        "{first}"
    );
    assert!(first.contains("DTSTART;VALUE=DATE:20000229"));
    assert!(first.contains("山田 花子 様のお誕生日"));
    assert!(first.contains("開店記念日"));
    // The check-in a week after the purchase, and the steps after it.
    let unfolded = first.replace("\r\n ", "").replace("\n ", "");
    assert!(
        unfolded.contains("SUMMARY:山田 花子 様: ご購入から7日：ご様子うかがい（本マグロ 中トロ）"),
        "{first}"
    );
    assert!(first.matches("UID:followup:").count() >= 2);
    let later = Clock::new(clock.now + chrono::Duration::hours(1), clock.tz);
    let second = store
        .export_calendar(None, DraftLanguage::Ja, &later)
        .expect("ics");
    let uids = |ics: &str| {
        ics.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        uids(&first),
        uids(&second),
        "a newer export updates the same events"
    );
}

#[test]
fn a_json_snapshot_restores_the_store_exactly() {
    let clock = fixtures::clock();
    let dir = tempfile::tempdir().expect("dir");
    let (mut source, _) =
        Store::open_in_dir(&dir.path().join("a"), &fixtures::key()).expect("store");
    kizuna_core::demo::populate(&mut source, 60, 3, &clock).expect("demo");
    source
        .create_customer(everything(Some(1)), &clock)
        .expect("customer");
    let mut first = Vec::new();
    source
        .export_snapshot(&mut first, &clock, &mut go_on())
        .expect("export");

    let (mut target, _) =
        Store::open_in_dir(&dir.path().join("b"), &fixtures::key()).expect("store");
    target
        .create_customer(fixtures::person("消", "える", "きえ", "える"), &clock)
        .expect("other");
    let restored = target
        .restore_snapshot(&first, &clock, &mut go_on())
        .expect("restore");
    assert_eq!(
        i64::from(restored.customers),
        source.customer_count().expect("count")
    );
    assert!(
        restored.backup.is_some(),
        "the replaced store was backed up first"
    );
    let mut second = Vec::new();
    target
        .export_snapshot(&mut second, &clock, &mut go_on())
        .expect("export");
    assert_eq!(
        first, second,
        "export → restore → export is the same document"
    );
    assert!(target.integrity_problems().expect("check").is_empty());
    assert_eq!(
        target.today_view(DraftLanguage::Ja, &clock).expect("view"),
        source.today_view(DraftLanguage::Ja, &clock).expect("view")
    );
    let query = kizuna_core::customer::CustomerQuery {
        text: "やまだ".to_owned(),
        ..Default::default()
    };
    assert_eq!(
        target.list_customers(&query).expect("search").total,
        source.list_customers(&query).expect("search").total,
        "the search index was rebuilt"
    );

    // Something else entirely is refused, and nothing changes.
    let before = target.customer_count().expect("count");
    let err = target
        .restore_snapshot(b"{\"format\":\"other\"}", &clock, &mut go_on())
        .expect_err("refused");
    assert!(matches!(err, Error::NotKizunaFile(_)));
    assert_eq!(target.customer_count().expect("count"), before);
}

/// An export written by the previous release (schema 3) has no
/// `status_set`, and a status the facts had raised: restored, the status
/// follows the facts again, and one set by hand stays.
#[test]
fn a_json_export_of_the_previous_release_means_the_same_restored() {
    use kizuna_core::referral::ReferralStatus;
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let referrer = store
        .create_customer(fixtures::person("紹介", "者", "しょうかい", "しゃ"), &clock)
        .expect("referrer")
        .id;
    let mut introduced = Vec::new();
    for (family, reading) in [("買った", "かった"), ("会った", "あった")] {
        let mut friend = fixtures::person(family, "人", reading, "ひと");
        friend.referred_by = Some(referrer);
        introduced.push(store.create_customer(friend, &clock).expect("friend").id);
    }
    let bought = store
        .record_purchase(
            kizuna_core::purchase::PurchaseInput {
                customer_id: introduced[0],
                item: "ギフト".to_owned(),
                quantity: 1,
                amount_minor: 5_000,
                currency: String::new(),
                purchased_at: clock.timestamp() - 3_600,
                satisfaction: None,
                notes: String::new(),
                follow_up_plan_id: None,
                reorder_after_days: None,
            },
            &clock,
        )
        .expect("purchase")
        .purchase
        .id;
    store
        .set_referral_status(introduced[1], ReferralStatus::Met)
        .expect("met, by hand");
    let mut json = Vec::new();
    store
        .export_snapshot(&mut json, &clock, &mut go_on())
        .expect("export");
    // As the previous release wrote it.
    let mut doc: serde_json::Value = serde_json::from_slice(&json).expect("json");
    doc["schema_version"] = 3.into();
    for row in doc["tables"]["referrals"]
        .as_array_mut()
        .expect("referrals")
    {
        row.as_object_mut().expect("row").remove("status_set");
    }
    let old = serde_json::to_vec(&doc).expect("json");

    let mut target = Store::open_in_memory().expect("store");
    target
        .restore_snapshot(&old, &clock, &mut go_on())
        .expect("restore");
    let status = |store: &Store, id| {
        store
            .referrals(id)
            .expect("referrals")
            .referred_by
            .expect("link")
            .status
    };
    assert_eq!(status(&target, introduced[0]), ReferralStatus::Bought);
    assert_eq!(status(&target, introduced[1]), ReferralStatus::Met);
    target.delete_purchase(bought, &clock).expect("delete");
    assert_eq!(
        status(&target, introduced[0]),
        ReferralStatus::Introduced,
        "raised by the purchase, not by hand"
    );
    assert!(target.integrity_problems().expect("check").is_empty());
}

#[test]
fn a_household_sharing_a_landline_stays_two_customers() {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let cards = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;太郎;;;\r\nTEL;TYPE=HOME:03-1234-5678\r\nEND:VCARD\r\n\
                 BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;花子;;;\r\nTEL;TYPE=HOME:03-1234-5678\r\nEND:VCARD\r\n";
    let shown = import_vcf(&mut store, cards.as_bytes(), &clock);
    assert_eq!((shown.new, shown.repeated), (2, 0));
    // The same person again, with the number typed differently, is one.
    let again = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;花子;;;\r\nTEL:0312345678\r\nEMAIL:hanako@example.jp\r\nEND:VCARD\r\n";
    let shown = import_vcf(&mut store, again.as_bytes(), &clock);
    assert_eq!((shown.new, shown.updated), (0, 1));
    assert_eq!(store.customer_count().expect("count"), 2);
    let again = import_vcf(&mut store, cards.as_bytes(), &clock);
    assert_eq!((again.new, again.unchanged), (0, 2));
}

#[test]
fn a_card_brings_its_language_and_topic_and_an_unknown_language_is_kept_aside() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Dupont;Marie;;;\r\nFN:Marie Dupont\r\n\
                TEL:+81 90-1111-2222\r\nX-KIZUNA-LANGUAGE:fr\r\nX-KIZUNA-TOPIC:la nouvelle boutique\r\n\
                END:VCARD\r\n\
                BEGIN:VCARD\r\nVERSION:3.0\r\nN:阿部;陽子;;;\r\nFN:阿部 陽子\r\n\
                X-PHONETIC-LAST-NAME:アベ\r\nX-PHONETIC-FIRST-NAME:ヨウコ\r\n\
                X-KIZUNA-LANGUAGE:en\r\nEND:VCARD\r\n";
    let shown = import_vcf(&mut store, card.as_bytes(), &clock);
    let problems: Vec<(u32, ImportProblemCode, String)> = shown
        .problems
        .iter()
        .map(|p| (p.record, p.code, p.detail.clone()))
        .collect();
    assert_eq!(
        problems,
        [(
            1,
            ImportProblemCode::KeptAside,
            "message_language".to_owned()
        )]
    );
    let all = store.export_profiles(None).expect("profiles");
    let marie = all
        .iter()
        .find(|c| c.profile.given_name == "Marie")
        .map(|c| &c.profile)
        .expect("Marie");
    // Nothing lost: the language she came with is kept, and her name proposes English.
    assert_eq!(extra(marie, "X-KIZUNA-LANGUAGE").as_deref(), Some("fr"));
    assert_eq!(marie.message_language, Some(DraftLanguage::En));
    assert_eq!(marie.topic, "la nouvelle boutique");
    // A mobile number without a type is filed as one.
    assert_eq!(marie.phones[0].label, "携帯");
    let yoko = all
        .iter()
        .find(|c| c.profile.given_name == "陽子")
        .map(|c| &c.profile)
        .expect("Yoko");
    assert_eq!(yoko.message_language, Some(DraftLanguage::En));
    assert_eq!(yoko.family_name_reading, "あべ");
}

/// A card for 山田 花子 (UID `hanako`) with `phones` numbers, one a line.
fn card_with_phones(phones: std::ops::Range<usize>) -> String {
    let mut card = String::from("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:hanako\r\nN:山田;花子;;;\r\n");
    for n in phones {
        card.push_str(&format!("TEL:03-{:04}-{:04}\r\n", n / 10_000, n % 10_000));
    }
    card.push_str("END:VCARD\r\n");
    card
}

const ANOTHER_CARD: &str =
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:森;健;;;\r\nTEL:090-1000-2000\r\nEND:VCARD\r\n";

#[test]
fn a_card_with_fifty_thousand_phone_numbers_is_reported_and_not_imported() {
    use kizuna_core::customer::MAX_PHONES;
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let file = card_with_phones(0..50_000) + ANOTHER_CARD;

    // Refused as it is read: the card is never parsed, so none of its
    // numbers are held while the rest of the file is read and matched.
    let read = read_vcf(file.as_bytes());
    assert_eq!(read.contacts.len(), 1);
    assert_eq!(read.contacts[0].profile.family_name, "森");
    assert_eq!(read.unreadable, 1);
    let problem = &read.problems[0];
    assert_eq!(
        (
            problem.code,
            problem.detail.as_str(),
            problem.limit,
            problem.line
        ),
        (
            ImportProblemCode::TooMany,
            "phones",
            Some(MAX_PHONES as u32),
            1
        )
    );

    let shown = import_vcf(&mut store, file.as_bytes(), &clock);
    assert_eq!((shown.new, shown.skipped), (1, 1));
    assert_eq!(store.customer_count().expect("count"), 1);

    // The CSV export that such a card once made run out of memory stays
    // as narrow as the book is wide.
    let mut csv = Vec::new();
    store
        .export(
            kizuna_core::interchange::ExportFormat::Csv,
            None,
            DraftLanguage::Ja,
            &clock,
            &mut csv,
            &mut go_on(),
        )
        .expect("csv");
    let header = String::from_utf8(csv).expect("utf-8");
    let header = header.lines().next().expect("header");
    assert!(header.contains("Phone 1 - Value") && !header.contains("Phone 2 - Value"));
}

#[test]
fn a_card_over_a_cap_is_reported_with_it_and_the_rest_of_the_file_imported() {
    use kizuna_core::customer::{MAX_PHONES, MAX_TAGS};
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let mut tagged = String::from("BEGIN:VCARD\r\nVERSION:3.0\r\nN:林;結衣;;;\r\nCATEGORIES:");
    tagged.push_str(
        &(0..=MAX_TAGS)
            .map(|n| format!("tag{n}"))
            .collect::<Vec<_>>()
            .join(","),
    );
    tagged.push_str("\r\nEND:VCARD\r\n");
    let file = card_with_phones(0..MAX_PHONES + 1) + &tagged + ANOTHER_CARD;
    let shown = import_vcf(&mut store, file.as_bytes(), &clock);
    let problems: Vec<(u32, ImportProblemCode, &str, Option<u32>)> = shown
        .problems
        .iter()
        .map(|p| (p.record, p.code, p.detail.as_str(), p.limit))
        .collect();
    assert_eq!(
        problems,
        [
            (
                1,
                ImportProblemCode::TooMany,
                "phones",
                Some(MAX_PHONES as u32)
            ),
            (2, ImportProblemCode::TooMany, "tags", Some(MAX_TAGS as u32)),
        ]
    );
    assert_eq!((shown.new, shown.skipped), (1, 2));
    assert_eq!(only(&store).family_name, "森");

    // A CSV row, too: here one cell holds the numbers, as Google writes them.
    let numbers = (0..=MAX_PHONES)
        .map(|n| format!("03-1234-{n:04}"))
        .collect::<Vec<_>>()
        .join(" ::: ");
    let sheet = format!("First Name,Last Name,Phone 1 - Value\r\n花子,山田,{numbers}\r\n");
    let read = read_csv_export(&sheet);
    let shown = preview(&store, read, &clock);
    assert_eq!((shown.new, shown.skipped), (0, 1));
    assert_eq!(
        (shown.problems[0].code, shown.problems[0].detail.as_str()),
        (ImportProblemCode::TooMany, "phones")
    );
}

#[test]
fn an_import_that_would_take_a_customer_over_a_cap_leaves_them_as_they_were() {
    use kizuna_core::customer::MAX_PHONES;
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    import_vcf(
        &mut store,
        card_with_phones(0..MAX_PHONES - 10).as_bytes(),
        &clock,
    );
    // The same card (by UID) with twenty numbers the book does not have:
    // within the cap alone, over it together with what is there.
    let newer = card_with_phones(MAX_PHONES - 10..MAX_PHONES + 10);
    let shown = import_vcf(&mut store, newer.as_bytes(), &clock);
    assert_eq!((shown.updated, shown.skipped), (0, 1));
    assert_eq!(
        (
            shown.problems[0].code,
            shown.problems[0].detail.as_str(),
            shown.problems[0].limit
        ),
        (
            ImportProblemCode::TooMany,
            "phones",
            Some(MAX_PHONES as u32)
        )
    );
    assert_eq!(only(&store).phones.len(), MAX_PHONES - 10);

    // Two records of one new person in a file are held to the caps together.
    let mut fresh = Store::open_in_memory().expect("store");
    let twice = card_with_phones(0..30) + &card_with_phones(30..60);
    let shown = import_vcf(&mut fresh, twice.as_bytes(), &clock);
    assert_eq!((shown.new, shown.repeated, shown.skipped), (0, 1, 1));
    assert_eq!(fresh.customer_count().expect("count"), 0);
}

/// What an export has written so far, seen from its progress callback.
struct Counted {
    written: std::rc::Rc<std::cell::Cell<usize>>,
    bytes: Vec<u8>,
}

impl std::io::Write for Counted {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        self.written.set(self.bytes.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_csv_export_of_many_customers_is_written_as_the_book_is_read() {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let mut sheet = String::from("First Name,Last Name,Phone 1 - Value\r\n");
    for n in 0..5_000 {
        sheet.push_str(&format!(
            "客{n},山田,03-{:04}-{:04}\r\n",
            n / 10_000,
            n % 10_000
        ));
    }
    let plan = store
        .plan_import(
            read_csv_export(&sheet),
            TextEncoding::Utf8,
            &clock,
            &mut go_on(),
        )
        .expect("plan");
    store
        .apply_import(plan, &clock, &mut go_on())
        .expect("apply");
    // The widest customer: three phones and two addresses.
    let mut wide = fixtures::with_phone(fixtures::person("林", "結衣", "", ""), "090-1111-0001");
    for number in ["090-1111-0002", "090-1111-0003"] {
        wide = fixtures::with_phone(wide, number);
    }
    for street in ["神宮前1-1", "神宮前2-2"] {
        wide.addresses.push(kizuna_core::customer::Address {
            street: street.to_owned(),
            ..kizuna_core::customer::Address::default()
        });
    }
    store.create_customer(wide, &clock).expect("customer");

    let written = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut out = Counted {
        written: written.clone(),
        bytes: Vec::new(),
    };
    let mut seen: Vec<(u64, u64, usize)> = Vec::new();
    store
        .export_csv(None, &mut out, &mut |done, total| {
            seen.push((done, total, written.get()));
            true
        })
        .expect("csv");
    let all = out.bytes.len();

    // Rows leave as each slice of the book is read, before the next one is.
    let (done, total, so_far) = seen[0];
    assert_eq!(total, 5_001);
    assert!(done < total, "{seen:?}");
    assert!(so_far > all / 2 && so_far < all, "{so_far} of {all} bytes");

    // Every row as wide as the widest customer needs, and no wider.
    let text = String::from_utf8(out.bytes).expect("utf-8");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1 + 5_001);
    let header = &rows[0];
    assert!(header.iter().any(|h| h == "Phone 3 - Value"));
    assert!(!header.iter().any(|h| h == "Phone 4 - Value"));
    assert!(header.iter().any(|h| h == "Address 2 - Street"));
    assert!(!header.iter().any(|h| h == "Address 3 - Street"));
    assert!(rows.iter().all(|r| r.len() == header.len()));

    // Cancelling stops it.
    let stopped = store.export_csv(None, &mut Vec::new(), &mut |_, _| false);
    assert!(matches!(stopped, Err(Error::Cancelled)));
}

#[test]
fn a_file_too_large_or_not_a_file_is_refused_before_it_is_read() {
    use kizuna_core::interchange::file::{MAX_IMPORT_BYTES, read_import};
    let folder = tempfile::tempdir().expect("folder");

    // One byte over the limit (sparse, so the test writes nothing).
    let large = folder.path().join("large.vcf");
    std::fs::File::create(&large)
        .and_then(|f| f.set_len(MAX_IMPORT_BYTES + 1))
        .expect("large file");
    let err = read_import(&large).expect_err("over the limit");
    assert!(
        matches!(err, Error::FileTooLarge { limit, .. } if limit == MAX_IMPORT_BYTES),
        "{err}"
    );
    // The window is told the limit, to say it.
    let payload = kizuna_core::ErrorPayload::from(&err);
    assert_eq!(payload.code, kizuna_core::ErrorCode::FileTooLarge);
    assert_eq!(payload.limit, Some(MAX_IMPORT_BYTES as i64));

    // A folder, and a device that never ends.
    assert!(matches!(
        read_import(folder.path()),
        Err(Error::NotAFile(_))
    ));
    #[cfg(target_os = "linux")]
    assert!(matches!(
        read_import(Path::new("/dev/zero")),
        Err(Error::NotAFile(_))
    ));
    // A pipe, which opening would wait on for a writer.
    #[cfg(unix)]
    {
        let pipe = folder.path().join("contacts.csv");
        let made = std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        assert!(matches!(read_import(&pipe), Err(Error::NotAFile(_))));
    }

    // A file within the limit, or a link to one, is read.
    let small = folder.path().join("small.vcf");
    std::fs::write(&small, "BEGIN:VCARD\r\nEND:VCARD\r\n").expect("small");
    assert_eq!(read_import(&small).expect("read").len(), 24);
    #[cfg(unix)]
    {
        let link = folder.path().join("link.vcf");
        std::os::unix::fs::symlink(&small, &link).expect("link");
        assert_eq!(read_import(&link).expect("read").len(), 24);
    }
    let missing = read_import(&folder.path().join("gone.vcf")).expect_err("missing");
    assert!(matches!(missing, Error::UnreadableFile(_)));
}

#[test]
fn a_sheet_wider_than_can_be_mapped_is_refused_and_kizuna_s_widest_export_is_not() {
    use kizuna_core::customer::{MAX_ADDRESSES, MAX_EMAILS, MAX_PHONES};
    use kizuna_core::interchange::table::MAX_COLUMNS;
    let header = (0..=MAX_COLUMNS)
        .map(|n| format!("c{n}"))
        .collect::<Vec<_>>()
        .join(",");
    let sheet = format!("{header}\r\n1,2,3\r\n");
    let err = table::inspect(sheet.as_bytes(), TextEncoding::Auto, DraftLanguage::Ja)
        .expect_err("too wide");
    assert!(
        matches!(err, Error::TooManyColumns { found, limit } if found == MAX_COLUMNS + 1 && limit == MAX_COLUMNS),
        "{err}"
    );
    assert_eq!(
        kizuna_core::ErrorPayload::from(&err).limit,
        Some(MAX_COLUMNS as i64)
    );
    let options = CsvOptions {
        encoding: TextEncoding::Auto,
        mapping: Vec::new(),
    };
    assert!(matches!(
        table::read(sheet.as_bytes(), &options, &mut go_on()),
        Err(Error::TooManyColumns { .. })
    ));

    // A customer at every cap exports the widest sheet Kizuna writes, and
    // it reads back.
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let mut p = fixtures::person("山田", "花子", "やまだ", "はなこ");
    p.phones = (0..MAX_PHONES)
        .map(|n| Phone {
            label: String::new(),
            number: format!("03-1234-{n:04}"),
        })
        .collect();
    p.emails = (0..MAX_EMAILS)
        .map(|n| Email {
            label: String::new(),
            address: format!("hanako{n}@example.jp"),
        })
        .collect();
    p.addresses = (0..MAX_ADDRESSES)
        .map(|n| kizuna_core::customer::Address {
            street: format!("神宮前{n}"),
            ..kizuna_core::customer::Address::default()
        })
        .collect();
    store.create_customer(p, &clock).expect("customer");
    let text = csv_export(&store);
    let read = read_csv_export(&text);
    let back = &read.contacts[0].profile;
    assert_eq!(
        (back.phones.len(), back.emails.len(), back.addresses.len()),
        (MAX_PHONES, MAX_EMAILS, MAX_ADDRESSES)
    );
}

/// `count` cards of different people, each with a mobile number and an
/// e-mail address of their own.
fn many_cards(count: usize) -> String {
    (0..count)
        .map(|i| {
            format!(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nN:顧客;{i};;;\r\nFN:顧客 {i}\r\n\
                 TEL;TYPE=CELL:090-{:04}-{:04}\r\nEMAIL:customer{i}@example.jp\r\nEND:VCARD\r\n",
                i / 10_000,
                i % 10_000
            )
        })
        .collect()
}

fn japanese_vcard() -> kizuna_core::interchange::ImportOptions {
    kizuna_core::interchange::ImportOptions {
        format: kizuna_core::interchange::ImportFormat::Vcard,
        encoding: TextEncoding::Auto,
        mapping: Vec::new(),
        language: DraftLanguage::Ja,
    }
}

/// What importing a vCard file would do, read and planned in batches.
fn preview_file(store: &Store, file: &str, clock: &Clock) -> ImportPreview {
    store
        .plan_import_file(
            file.as_bytes(),
            &japanese_vcard(),
            clock,
            &mut go_on(),
            &mut go_on(),
        )
        .expect("plan")
        .preview
}

#[test]
fn a_file_read_in_batches_is_planned_as_one() {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    // More cards than one batch holds; the last one is the first person
    // again, with an office number: it has to find them batches earlier.
    let mut file = many_cards(5_000);
    file.push_str(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:顧客;0;;;\r\nFN:顧客 0\r\nTEL;TYPE=WORK:03-1234-5678\r\n\
         EMAIL:customer0@example.jp\r\nEND:VCARD\r\n",
    );
    let mut read_to = 0;
    let mut merged_to = 0;
    let plan = store
        .plan_import_file(
            file.as_bytes(),
            &japanese_vcard(),
            &clock,
            &mut |done, total| {
                assert!(done <= total);
                read_to = done;
                true
            },
            &mut |done, _| {
                merged_to = done;
                true
            },
        )
        .expect("plan");
    assert_eq!((read_to, merged_to), (5_001, 5_000), "progress to the end");
    let shown = plan.preview.clone();
    assert_eq!((shown.read, shown.new, shown.repeated), (5_001, 5_000, 1));
    let repeat = shown
        .problems
        .iter()
        .find(|p| p.code == ImportProblemCode::Repeated)
        .expect("the repeat is reported");
    assert_eq!(repeat.record, 5_001);
    store
        .apply_import(plan, &clock, &mut go_on())
        .expect("apply");
    assert_eq!(store.customer_count().expect("count"), 5_000);
    let first = store
        .export_profiles(None)
        .expect("profiles")
        .into_iter()
        .find(|c| c.profile.given_name == "0")
        .expect("the first card's customer");
    let numbers: Vec<&str> = first
        .profile
        .phones
        .iter()
        .map(|p| p.number.as_str())
        .collect();
    assert_eq!(numbers, ["090-0000-0000", "03-1234-5678"]);
    // Found by search: each batch's documents went to the index.
    let last = store
        .list_customers(&kizuna_core::customer::CustomerQuery {
            text: "customer4999".to_owned(),
            ..Default::default()
        })
        .expect("search");
    assert_eq!(last.total, 1);

    // Every batch matched with the book: nothing new the second time.
    let again = preview_file(&store, &file, &clock);
    assert_eq!(
        (again.new, again.updated, again.unchanged, again.repeated),
        (0, 0, 5_000, 1)
    );
}

#[test]
fn a_file_read_in_batches_can_be_stopped_while_it_is_read() {
    let clock = fixtures::clock();
    let store = Store::open_in_memory().expect("store");
    let file = many_cards(9_000);
    let result = store.plan_import_file(
        file.as_bytes(),
        &japanese_vcard(),
        &clock,
        &mut |done, _| done < 5_000,
        &mut go_on(),
    );
    assert!(matches!(result, Err(Error::Cancelled)));
}

#[test]
fn a_contact_known_by_name_alone_is_found_in_a_later_batch() {
    let clock = fixtures::clock();
    let mut store = Store::open_in_memory().expect("store");
    let by_name = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:名取;静香;;;\r\nFN:名取 静香\r\nNOTE:年賀状のみ\r\nEND:VCARD\r\n";
    import_vcf(&mut store, by_name.as_bytes(), &clock);
    // Neither an e-mail address nor a phone number: only the name finds
    // her, 1,500 cards into the file.
    let mut file = many_cards(1_500);
    file.push_str(by_name);
    let shown = preview_file(&store, &file, &clock);
    assert_eq!((shown.new, shown.unchanged), (1_500, 1));
}
