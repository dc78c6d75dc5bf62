//! Any bytes as a CSV file: inspected, read with the detected layout and imported.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    kizuna_core::interchange::fuzzing::csv(data);
});
