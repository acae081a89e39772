#![no_main]
//! The configuration parser: errors, never panics.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    winlint::fuzzing::config(data);
});
