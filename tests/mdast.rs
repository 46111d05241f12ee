//! The differential parse test: the page model's block outline (`scope-lint debug blocks`) against what the
//! site's parser makes of the same page.
//!
//! - `.mdx` fixtures: against the committed mdast dump beside each (`NAME.json`, written by
//!   `tests/mdast/dump.mjs` with @mdx-js/mdx, remark-gfm and remark-directive; `tests/mdast/regenerate.sh`
//!   rewrites them and `.ci/run` fails when they change), so this test needs no Node.
//! - `.md` fixtures: against a plain pulldown-cmark parse with mdBook 0.5's options (no pre-pass, nothing
//!   masked), which is what mdBook renders.
//!
//! A difference fails with a diff of the two outlines, one block a line.

use std::path::{Path, PathBuf};

use scope_lint::doc::blocks::{self, BlockLines};
use scope_lint::doc::markdown::mdbook_options;
use scope_lint::doc::source::SourceText;
use scope_lint::doc::{Dialect, Page};

fn fixtures(extension: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/mdast/fixtures");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/mdast/fixtures exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|found| found == extension))
        .collect();
    pages.sort();
    pages
}

fn model(path: &Path, dialect: Dialect) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).expect("a readable fixture");
    let page = Page::parse(SourceText::new(path, text), dialect);
    as_values(&blocks::lines(&page.source, &page.outline))
}

fn as_values(lines: &[BlockLines]) -> Vec<serde_json::Value> {
    lines
        .iter()
        .map(|block| serde_json::to_value(block).expect("a block serialises"))
        .collect()
}

/// A unified diff of two outlines, one block a line, or None when they are the same.
fn difference(
    path: &Path,
    reference: &str,
    expected: &[serde_json::Value],
    actual: &[serde_json::Value],
) -> Option<String> {
    if expected == actual {
        return None;
    }
    let render = |blocks: &[serde_json::Value]| {
        blocks
            .iter()
            .map(|block| format!("{block}\n"))
            .collect::<String>()
    };
    let (expected, actual) = (render(expected), render(actual));
    let diff = similar::TextDiff::from_lines(&expected, &actual)
        .unified_diff()
        .header(reference, "scope-lint debug blocks")
        .to_string();
    Some(format!("{}:\n{diff}", path.display()))
}

fn assert_no_differences(differences: Vec<String>, pages: usize) {
    assert!(pages > 0, "no fixtures found");
    assert!(
        differences.is_empty(),
        "{} of {pages} pages differ:\n\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn mdx_fixtures_have_the_blocks_of_their_mdast_dump() {
    let pages = fixtures("mdx");
    let mut differences = Vec::new();
    for page in &pages {
        let dump_path = page.with_extension("json");
        let dump = std::fs::read_to_string(&dump_path).unwrap_or_else(|error| {
            panic!(
                "{}: {error} (run tests/mdast/regenerate.sh)",
                dump_path.display()
            )
        });
        let dump: serde_json::Value = serde_json::from_str(&dump).expect("the dump is JSON");
        let expected = dump[0]["blocks"]
            .as_array()
            .expect("the dump lists blocks")
            .clone();
        let actual = model(page, Dialect::Mdx);
        differences.extend(difference(page, "mdast", &expected, &actual));
    }
    assert_no_differences(differences, pages.len());
}

#[test]
fn markdown_fixtures_have_the_blocks_mdbook_parses() {
    let pages = fixtures("md");
    let mut differences = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).expect("a readable fixture");
        let source = SourceText::new(page, text);
        let reference = blocks::pulldown_outline(&source.text, mdbook_options());
        let expected = as_values(&blocks::lines(&source, &reference));
        let actual = model(page, Dialect::Markdown);
        differences.extend(difference(page, "pulldown-cmark", &expected, &actual));
    }
    assert_no_differences(differences, pages.len());
}

#[test]
fn a_difference_is_reported_as_a_diff_of_blocks() {
    let one = serde_json::json!({"kind": "paragraph", "start_line": 1, "end_line": 1, "depth": 0});
    let two = serde_json::json!({"kind": "paragraph", "start_line": 1, "end_line": 2, "depth": 0});
    let diff = difference(
        Path::new("a.mdx"),
        "mdast",
        std::slice::from_ref(&one),
        &[two],
    )
    .unwrap();
    assert!(diff.starts_with("a.mdx:\n--- mdast\n+++ scope-lint debug blocks\n"));
    assert!(diff.contains(&format!("-{one}\n")));
    assert!(
        difference(
            Path::new("a.mdx"),
            "mdast",
            std::slice::from_ref(&one),
            std::slice::from_ref(&one)
        )
        .is_none()
    );
}
