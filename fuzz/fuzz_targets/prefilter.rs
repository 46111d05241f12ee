#![no_main]
//! The relevance prefilter (its screen over the raw bytes, then the exact readings) never rules out a page
//! that has a finding: any text, checked in full as an MDX or a Markdown page in a directory the policy does
//! not read by path, that has a finding must be relevant.

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use scope_lint::source::prefilter::Prefilter;

mod common;

/// Pages outside the directories the prefilter keeps by path (no policy page, no product with claims).
const PATHS: [&str; 2] = [
    "src/content/docs/dns/page.mdx",
    "src/content/docs/dns/page.md",
];

fuzz_target!(|data: &[u8]| {
    let Some((selector, text)) = common::split(data) else {
        return;
    };
    static PREFILTER: OnceLock<Prefilter<'static>> = OnceLock::new();
    let linter = common::linter();
    let prefilter = PREFILTER
        .get_or_init(|| Prefilter::new(&linter.settings.table, linter.policy(), linter.matcher()));
    let relative = PATHS[usize::from(selector) % PATHS.len()];
    let relevant = prefilter.relevant(linter.policy(), &text, Path::new(relative));
    let report = common::check(relative, false, text);
    assert!(
        relevant || report.findings.is_empty(),
        "a page with findings ({:?}) is ruled out",
        report
            .findings
            .iter()
            .map(|finding| finding.code)
            .collect::<Vec<_>>()
    );
});
