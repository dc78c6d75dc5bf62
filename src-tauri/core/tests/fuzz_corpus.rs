//! The fuzzers' regression corpus: every input that once found a problem,
//! and seeds for each format, run through the same import paths the
//! fuzz targets drive (`src-tauri/core/fuzz`). None may panic.

use std::path::Path;

fn each(folder: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(folder);
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("corpus folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("corpus file");
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(outcome.is_ok(), "{} panicked", path.display());
        count += 1;
    }
    count
}

#[test]
fn no_vcard_in_the_corpus_makes_the_import_panic() {
    assert!(each("vcard", kizuna_core::interchange::fuzzing::vcard) > 10);
}

#[test]
fn no_csv_in_the_corpus_makes_the_import_panic() {
    assert!(each("csv", kizuna_core::interchange::fuzzing::csv) > 10);
}
