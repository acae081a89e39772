#![no_main]
//! The whole per-file pipeline: decoding, typed models, unknown fields, every rule.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    winlint::fuzzing::lint(data);
});
