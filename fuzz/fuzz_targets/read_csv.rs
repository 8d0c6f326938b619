//! The csv reader on any bytes, through `Reader::read` and the passage splitter.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    minga_fuzz::read("fuzz/input.csv", data);
});
