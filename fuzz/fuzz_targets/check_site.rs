#![no_main]
//! A small site in memory: the input after the selector byte is split at `0xff` into up to five files that
//! can include each other (`{{#include a.md}}`, `<Render file="x" />`, `<Render file="y" product="p" />`,
//! cycles included). Every file is checked as `scope-lint check` does (a file another includes is a
//! partial), every fix is applied, and the fixed site is held to the oracle: fixed findings gone, a second
//! round a no-op, each changed file's block structure kept but for the call-out.
//!
//! Selector byte: bits 2-4 the call-out form (mod 6), bit 5 a stale table, bit 6 placement in the partial.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use scope_lint::doc::Page;
use scope_lint::doc::source::SourceText;
use scope_lint::rules::{Edit, Finding};

mod common;

/// The files, in the order the input's pieces fill them.
const FILES: [&str; 5] = [
    "src/content/docs/ai-gateway/configuration/authentication.mdx",
    "src/content/docs/ai-gateway/a.md",
    "src/content/docs/ai-gateway/b.mdx",
    "src/content/partials/ai-gateway/x.mdx",
    "src/content/partials/p/y.mdx",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let linter = common::variant_linter(common::Variant::from_selector(selector));
    let files: BTreeMap<PathBuf, String> = FILES
        .iter()
        .zip(common::pieces(rest, FILES.len()))
        .map(|(path, text)| (PathBuf::from(path), text))
        .collect();
    let site = common::Site::new(files);
    let reports = common::check_site(linter, &site);

    // Every fix, grouped by the file it edits.
    let mut edits: BTreeMap<PathBuf, Vec<&Edit>> = BTreeMap::new();
    let mut fixed: Vec<(&Path, &Finding)> = Vec::new();
    for (path, report) in &reports {
        for finding in common::fixed_findings(&report.findings) {
            fixed.push((path, finding));
            for edit in &finding.fix.as_ref().expect("has a fix").edits {
                let file = edit.file.clone().unwrap_or_else(|| path.clone());
                edits.entry(file).or_default().push(edit);
            }
        }
    }
    if edits.is_empty() {
        return;
    }
    let mut after = site.files.clone();
    for (path, file_edits) in &edits {
        let Some(text) = site.files.get(path) else {
            panic!("a fix edits {}, which is not a file of the site", path.display());
        };
        let Ok(fixed_text) = scope_lint::fix::apply_edits(text, file_edits) else {
            return;
        };
        after.insert(path.clone(), fixed_text);
    }
    let fixed_site = common::Site::new(after);
    let again = common::check_site(linter, &fixed_site);
    for (path, report) in &again {
        let text = &report.source.text;
        let own: Vec<&Finding> = fixed
            .iter()
            .filter(|(page, _)| page == path)
            .map(|(_, finding)| *finding)
            .collect();
        common::assert_fixed_gone(path, &own, &report.findings, text);
        common::assert_second_round_noop(path, &report.findings, text);
    }
    for (path, file_edits) in &edits {
        let dialect = linter.policy().dialect_for(path);
        let before = Page::parse(SourceText::new(path, site.files[path].clone()), dialect);
        let after = Page::parse(
            SourceText::new(path, fixed_site.files[path].clone()),
            dialect,
        );
        common::assert_structure(&before, &after, file_edits);
    }
});
