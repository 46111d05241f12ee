#![no_main]
//! mdBook preprocessor requests from arbitrary JSON: Err, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((context, _book)) = scope_lint::mdbook::parse_input(text) {
        let _ = scope_lint::mdbook::book_settings(&context);
    }
});
