#![no_main]
//! Checks arbitrary text with the Cloudflare preset and renders the findings as both report formats.

use libfuzzer_sys::fuzz_target;

use scope_lint::report::{FileFindings, Summary};

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((selector, text)) = common::split(data) else {
        return;
    };
    let (relative, included) = common::target(selector);
    let report = common::check(relative, included, text);
    let files = [FileFindings {
        source: &report.source,
        findings: &report.findings,
    }];
    let summary = Summary::of(1, &files);
    let mut sink = Vec::new();
    let _ = scope_lint::report::human::write(&mut sink, &files, summary, false, false);
    sink.clear();
    let _ = scope_lint::report::json::write(&mut sink, &files, summary);
});
