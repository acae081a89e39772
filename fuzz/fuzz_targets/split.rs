#![no_main]
//! The document splitter: chunks tile the input exactly, in order.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    winlint::fuzzing::split(data);
});
