//! Any bytes as a backup file: checked as a restore checks it before
//! anything is copied into the store.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = kizuna_core::interchange::fuzzing::backup(data);
});
