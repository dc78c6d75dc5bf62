//! Any bytes as a JSON export: read and checked as a restore checks it
//! before writing (no store).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kizuna_core::interchange::fuzzing::snapshot(data);
});
