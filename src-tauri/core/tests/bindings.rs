//! The UI's TypeScript types are generated from the Rust types; this fails
//! when the committed copy no longer matches them.

use std::path::Path;

#[test]
fn the_committed_ui_bindings_match_the_rust_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/api/bindings.ts");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = kizuna_core::bindings::typescript();
    assert!(
        committed == generated,
        "{} is stale: run `cargo run -p kizuna-cli -- bindings` and commit the result",
        path.display()
    );
}
