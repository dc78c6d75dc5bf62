//! Any bytes as a vCard file: read and previewed as an import (no store).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kizuna_core::interchange::fuzzing::vcard(data);
});
