//! Any bytes as a CSV file: its encoding, layout and columns guessed, then
//! read with them and previewed as an import (no store).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kizuna_core::interchange::fuzzing::csv(data);
});
