//! The query parser on any text: it answers a query tree or an error, never panics, never
//! recurses past its depth limit.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = minga_engine::query::parse(text);
    }
});
