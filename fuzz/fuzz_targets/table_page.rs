#![no_main]
//! Fuzzed capability tables against fuzzed pages. After the selector byte, the input is split at `0xff`
//! into a capability table (TOML), a policy (TOML; when empty, one that asks for a call-out for every
//! product of the table) and a page. When the table and the policy load, the page is checked, both reports
//! are rendered, and its fixes are held to the oracle in `common`.
//!
//! Selector byte: bits 0-1 the page path (mod 3), bits 2-4 the call-out form (mod 6), bit 7 included.

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use scope_lint::Linter;
use scope_lint::doc::source::SourceText;
use scope_lint::report::{FileFindings, Summary};

mod common;

/// A TOML basic string holding `text`.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A policy that asks for a call-out for every product of the table, on every page that lists it.
fn policy_for(table: &scope_lint::table::CapabilityTable, form: &str) -> String {
    let markdown = if form == "aside" { "gfm-alert" } else { form };
    let mut policy = format!("[render]\nmdx = \"{form}\"\nmarkdown = \"{markdown}\"\n");
    for product in &table.products {
        policy.push_str(&format!(
            "\n[[callouts]]\nproduct = {}\ntitle = \"{{product}} tokens are account-scoped\"\n\
             template = \"{{product}} permissions ({{groups}}) are account-scoped only; a token cannot be \
             restricted to a single {{noun}}.\"\npages = [\"**/configuration/authentication.mdx\"]\n",
            quoted(&product.id)
        ));
    }
    policy
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let [table_text, policy_text, page] = &common::pieces(rest, 3)[..] else {
        return;
    };
    let Ok(table) = scope_lint::table::load_table(table_text, "caps.toml") else {
        return;
    };
    let form = common::FORMS[usize::from((selector >> 2) & 0x07) % common::FORMS.len()];
    let policy_text = if policy_text.is_empty() {
        policy_for(&table, form)
    } else {
        policy_text.clone()
    };
    let table_path = common::scratch_file("caps.toml");
    if std::fs::write(&table_path, table_text).is_err() {
        return;
    }
    let source = SourceText::new("scope-lint.toml", policy_text);
    let Ok(settings) = scope_lint::policy::load_policy_text(
        &source,
        Path::new("."),
        Some(&table_path),
        scope_lint::rules::CATALOG,
    ) else {
        return;
    };
    let linter = Linter::new(settings);
    let relative = common::PATHS[usize::from(selector & 0x03) % common::PATHS.len()];
    let included = selector & 0x80 != 0;
    let report = common::check_with(&linter, relative, included, page.clone());
    let files = [FileFindings {
        source: &report.source,
        findings: &report.findings,
    }];
    let summary = Summary::of(1, &files);
    let mut sink = Vec::new();
    let _ = scope_lint::report::human::write(&mut sink, &files, summary, false, false);
    sink.clear();
    let _ = scope_lint::report::json::write(&mut sink, &files, summary);
    common::roundtrip(&linter, relative, included, page.clone());
});
