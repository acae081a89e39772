#![no_main]
//! The YAML-with-positions parser: never panics, spans stay inside the input.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    winlint::fuzzing::parse(data);
});
