#![no_main]
//! Capability tables and policies from arbitrary TOML: Err, never a panic.

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use scope_lint::doc::source::SourceText;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = scope_lint::table::load_table(text, "caps.toml");
    let source = SourceText::new("scope-lint.toml", text.to_owned());
    if let Ok(settings) = scope_lint::policy::load_policy_text(
        &source,
        Path::new("."),
        None,
        scope_lint::rules::CATALOG,
    ) {
        let _ = scope_lint::Linter::new(settings);
    }
});
