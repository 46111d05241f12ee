//! Shared helpers for the fuzz targets (included with `mod common;`): the linters, an in-memory site
//! ([`MemorySources`]), and the fix oracle (fixed findings gone, second round a no-op, block structure kept).
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use scope_lint::Linter;
use scope_lint::doc::Page;
use scope_lint::doc::source::SourceText;
use scope_lint::lint::{PageInput, PageReport};
use scope_lint::rules::{Edit, Finding};
use scope_lint::source::memory::MemorySources;

/// The three page paths the targets check: MDX, Markdown, and a page the policy requires a call-out on.
pub const PATHS: [&str; 3] = [
    "src/content/docs/ai-gateway/get-started.mdx",
    "src/content/docs/ai-gateway/notes.md",
    "src/content/docs/ai-gateway/configuration/authentication.mdx",
];

/// The call-out forms `[render]` can ask for.
pub const FORMS: [&str; 6] = [
    "directive",
    "aside",
    "gfm-alert",
    "admonish",
    "blockquote",
    "shortcode",
];

pub fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| {
        let settings = scope_lint::policy::load_preset(
            "cloudflare",
            Path::new("."),
            None,
            scope_lint::rules::CATALOG,
        )
        .expect("the embedded preset loads");
        Linter::new(settings)
    })
}

/// What a fuzz input's selector byte picks besides the page: how the policy renders and places call-outs,
/// and whether the table has made AI Gateway per-gateway (so existing call-outs are stale: SL002 removals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Variant {
    pub form: usize,
    pub in_partial: bool,
    pub stale: bool,
}

impl Variant {
    /// Bits 2-4: the form (mod 6); bit 5: stale table; bit 6: placement in the partial.
    pub fn from_selector(selector: u8) -> Variant {
        Variant {
            form: usize::from((selector >> 2) & 0x07) % FORMS.len(),
            stale: selector & 0x20 != 0,
            in_partial: selector & 0x40 != 0,
        }
    }

    fn policy(self) -> String {
        let form = FORMS[self.form];
        // `<Aside>` and `:::note` are MDX: Markdown pages get a blockquote alert instead; a Hugo shortcode
        // would break an MDX page: MDX pages get the directive (the policy refuses both elsewhere).
        let markdown = if matches!(form, "aside" | "directive") {
            "gfm-alert"
        } else {
            form
        };
        let mdx = if form == "shortcode" {
            "directive"
        } else {
            form
        };
        let placement = if self.in_partial {
            "partial"
        } else {
            "section"
        };
        format!(
            "extends = \"cloudflare\"\n\n[render]\nmdx = \"{mdx}\"\nmarkdown = \"{markdown}\"\n\n\
             [partials]\npattern = \"src/content/partials/{{product}}/{{file}}.mdx\"\n\
             files = [\"**/content/partials/**\"]\nplacement = \"{placement}\"\n"
        )
    }
}

/// The preset's table with the AI Gateway groups scoped to single gateways too.
fn stale_table() -> &'static Path {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let table = scope_lint::table::preset::preset("cloudflare").expect("the preset exists").table;
        let stale = table.replace(
            "product = \"ai-gateway\"\nscopes = [\"account\"]",
            "product = \"ai-gateway\"\nscopes = [\"account\", \"gateway\"]",
        );
        assert_ne!(stale, table, "the preset's AI Gateway groups are found");
        let stale = format!(
            "{stale}\n[[resource-types]]\nid = \"gateway\"\nkey = \"com.cloudflare.edge.ai.gateway.{{account}}_{{gateway}}\"\n"
        );
        let path = scratch_file("stale-capabilities.toml");
        std::fs::write(&path, stale).expect("the temporary table is written");
        path
    })
}

/// A file in the temporary directory, one per process (`-fork` runs several).
pub fn scratch_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("scope-lint-fuzz-{}-{name}", std::process::id()))
}

/// The linter for `variant`, built once.
pub fn variant_linter(variant: Variant) -> &'static Linter {
    static LINTERS: OnceLock<Mutex<HashMap<Variant, &'static Linter>>> = OnceLock::new();
    let linters = LINTERS.get_or_init(Default::default);
    let mut linters = linters.lock().expect("not poisoned");
    linters.entry(variant).or_insert_with(|| {
        let source = SourceText::new("scope-lint.toml", variant.policy());
        let capabilities = variant.stale.then(stale_table);
        let settings = scope_lint::policy::load_policy_text(
            &source,
            Path::new("."),
            capabilities,
            scope_lint::rules::CATALOG,
        )
        .expect("the fuzz policy loads");
        Box::leak(Box::new(Linter::new(settings)))
    })
}

/// The page path (`selector & 0x7f` modulo 3) and whether the page counts as included (bit 7).
pub fn target(selector: u8) -> (&'static str, bool) {
    (
        PATHS[usize::from(selector & 0x7f) % PATHS.len()],
        selector & 0x80 != 0,
    )
}

/// Splits the fuzz input into a selector byte and the page text (invalid UTF-8 is replaced).
pub fn split(data: &[u8]) -> Option<(u8, String)> {
    let (&selector, rest) = data.split_first()?;
    Some((selector, String::from_utf8_lossy(rest).into_owned()))
}

/// Splits `data` at the byte `0xff` (never part of UTF-8) into at most `limit` texts.
pub fn pieces(data: &[u8], limit: usize) -> Vec<String> {
    data.splitn(limit, |byte| *byte == 0xff)
        .map(|piece| String::from_utf8_lossy(piece).into_owned())
        .collect()
}

/// Checks `text` as the page at `relative`, with no includes.
pub fn check(relative: &str, included: bool, text: String) -> PageReport {
    check_with(linter(), relative, included, text)
}

pub fn check_with(linter: &Linter, relative: &str, included: bool, text: String) -> PageReport {
    linter.check(
        PageInput {
            display: PathBuf::from(relative),
            location: None,
            relative: Path::new(relative),
            text,
            included,
        },
        &MemorySources::default(),
    )
}

// ---------------------------------------------------------------------------------------------------
// An in-memory site: several files that include each other ([`MemorySources`]).

/// Checks every file of `site` as `walk::check_paths` does: a file another one includes is a partial.
pub fn check_site(linter: &Linter, site: &MemorySources) -> Vec<(PathBuf, PageReport)> {
    let included: HashSet<PathBuf> = site.include_graph(linter.policy()).included;
    site.files()
        .iter()
        .map(|(path, text)| {
            let report = linter.check(
                PageInput {
                    display: path.clone(),
                    location: Some(path),
                    relative: path,
                    text: text.clone(),
                    included: included.contains(&scope_lint::source::file_key(path)),
                },
                site,
            );
            (path.clone(), report)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------
// The fix oracle.

/// The findings that carry edits.
pub fn fixed_findings(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|finding| {
            finding
                .fix
                .as_ref()
                .is_some_and(|fix| !fix.edits.is_empty())
        })
        .collect()
}

/// Requires that none of `fixed` is reported again in `after` (same code and message, as `fix` verifies).
/// Findings of `before` that carry no edit and say the same stay: for each code and message, `after` may
/// hold as many as `before` held less those fixed.
pub fn assert_fixed_gone(
    path: &Path,
    before: &[Finding],
    fixed: &[&Finding],
    after: &[Finding],
    text: &str,
) {
    let count = |findings: &mut dyn Iterator<Item = &Finding>, like: &Finding| {
        findings
            .filter(|other| other.code == like.code && other.message == like.message)
            .count()
    };
    for finding in fixed {
        let left = count(&mut before.iter(), finding) - count(&mut fixed.iter().copied(), finding);
        let again = count(&mut after.iter(), finding);
        assert!(
            again <= left,
            "{}: the fix for {} did not remove it: {:?}\n--- fixed text ---\n{text}",
            path.display(),
            finding.code,
            finding.message
        );
    }
}

/// Requires that checking the fixed text proposes no further edit (a second `fix` changes nothing).
pub fn assert_second_round_noop(path: &Path, after: &[Finding], text: &str) {
    let more = fixed_findings(after);
    assert!(
        more.is_empty(),
        "{}: a second fix round would still edit: {more:#?}\n--- fixed text ---\n{text}",
        path.display()
    );
}

/// One page's edits, fixed and deduplicated as `fix::apply_edits` applies them, with where each lands in
/// the fixed text.
pub struct Applied {
    /// Spans of the original text the edits replace (non-empty ones are removals).
    pub removed: Vec<Range<usize>>,
    /// Spans of the fixed text the edits wrote (non-empty ones are insertions).
    pub inserted: Vec<Range<usize>>,
}

pub fn applied(edits: &[&Edit]) -> Applied {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    sorted.dedup_by(|a, b| a.range == b.range && a.replacement == b.replacement);
    let mut removed = Vec::new();
    let mut inserted = Vec::new();
    let mut shift: isize = 0;
    for edit in sorted {
        let start = edit
            .range
            .start
            .checked_add_signed(shift)
            .expect("in range");
        if !edit.range.is_empty() {
            removed.push(edit.range.clone());
        }
        if !edit.replacement.is_empty() {
            inserted.push(start..start + edit.replacement.len());
        }
        shift += edit.replacement.len() as isize - edit.range.len() as isize;
    }
    Applied { removed, inserted }
}

/// The text of `range` without the bytes inside any of `cut`.
fn without(text: &str, range: &Range<usize>, cut: &[Range<usize>]) -> String {
    let mut out = String::new();
    let mut cursor = range.start;
    for span in cut {
        let start = span.start.clamp(cursor, range.end);
        let end = span.end.clamp(cursor, range.end);
        if start > cursor {
            out.push_str(&String::from_utf8_lossy(&text.as_bytes()[cursor..start]));
        }
        cursor = cursor.max(end);
    }
    if cursor < range.end {
        out.push_str(&String::from_utf8_lossy(
            &text.as_bytes()[cursor..range.end],
        ));
    }
    out
}

/// The block structure the oracle compares: (kind, range) of every heading, table, list, code block, JSX
/// element, ESM statement and the front matter.
fn structure(page: &Page) -> Vec<(String, Range<usize>)> {
    let mut items: Vec<(String, Range<usize>)> = Vec::new();
    items.extend(
        page.headings
            .iter()
            .map(|heading| (format!("heading h{}", heading.level), heading.range.clone())),
    );
    items.extend(
        page.tables
            .iter()
            .map(|table| ("table".into(), table.range.clone())),
    );
    items.extend(
        page.lists
            .iter()
            .map(|list| ("list".into(), list.range.clone())),
    );
    items.extend(
        page.code_blocks
            .iter()
            .map(|code| ("code block".into(), code.range.clone())),
    );
    items.extend(
        page.elements
            .iter()
            .map(|element| (format!("element <{}>", element.name), element.range())),
    );
    items.extend(page.esm.iter().map(|esm| ("esm".into(), esm.clone())));
    items.extend(
        page.front_matter
            .iter()
            .map(|front| ("front matter".into(), front.clone())),
    );
    items.retain(|(_, range)| !range.is_empty());
    items.sort_by_key(|(kind, range)| (range.start, std::cmp::Reverse(range.end), kind.clone()));
    items
}

fn inside(inner: &Range<usize>, outer: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// `range` without leading and trailing whitespace (spaces, tabs, line breaks).
fn trimmed(text: &str, range: &Range<usize>) -> Range<usize> {
    let piece = &text[range.clone()];
    let start = range.start + (piece.len() - piece.trim_start().len());
    let end = range.end - (piece.len() - piece.trim_end().len());
    start..end.max(start)
}

/// Requires that every edited span with content is exactly a call-out of `page` (its non-blank content
/// is one call-out, which does not reach past the span), or the `Aside` import that rendering an
/// `<Aside>` adds. Returns the spans that are call-outs.
fn spans_are_callouts(page: &Page, spans: &[Range<usize>], what: &str) -> Vec<Range<usize>> {
    let text = page.text();
    let mut callouts = Vec::new();
    for span in spans {
        let content = trimmed(text, span);
        if content.is_empty() {
            continue;
        }
        let is_import = text[content.clone()].contains("Aside")
            && page
                .esm
                .iter()
                .any(|esm| esm.start < content.end && content.start < esm.end);
        if is_import {
            continue;
        }
        let callout = page.callouts.iter().find(|callout| {
            let own = trimmed(text, &callout.range);
            inside(&content, &callout.range) && inside(&own, span)
        });
        assert!(
            callout.is_some(),
            "{what} text {:?} is not exactly one call-out (call-outs found: {:?})\n--- text ---\n{text}",
            &text[span.clone()],
            page.callouts
                .iter()
                .map(|callout| &text[callout.range.clone()])
                .collect::<Vec<_>>()
        );
        callouts.push(callout.expect("checked").range.clone());
    }
    callouts
}

/// The structure of `page` outside `spans`, as (kind, text without the spans) per kind in document order;
/// items inside one of `spans` must lie in one of `callouts` (they are the call-out's own blocks).
fn kept_structure(
    page: &Page,
    spans: &[Range<usize>],
    callouts: &[Range<usize>],
    what: &str,
) -> BTreeMap<String, Vec<String>> {
    let text = page.text();
    let mut kept: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (kind, range) in structure(page) {
        if spans.iter().any(|span| inside(&range, span)) {
            let in_callout = callouts.iter().any(|callout| inside(&range, callout))
                || (kind == "esm" && text[range.clone()].contains("Aside"));
            assert!(
                in_callout,
                "{what} text holds a {kind} that is not part of a call-out: {:?}\n--- text ---\n{text}",
                &text[range.clone()]
            );
            continue;
        }
        // Blank lines at a block's edges belong to it or not depending on what follows (pulldown-cmark
        // ends a list after the blank lines before the next block): compare the content.
        let content = without(text, &range, spans);
        kept.entry(kind)
            .or_default()
            .push(content.trim().to_owned());
    }
    kept
}

/// The structural oracle: the fixed page's block structure is the original's plus exactly the inserted
/// call-outs (and the `Aside` import) and minus exactly the removed ones; cutting the inserted text out of
/// the fixed page and the removed text out of the original gives the same text.
pub fn assert_structure(before: &Page, after: &Page, edits: &[&Edit]) {
    let Applied { removed, inserted } = applied(edits);
    let removed_callouts = spans_are_callouts(before, &removed, "removed");
    let inserted_callouts = spans_are_callouts(after, &inserted, "inserted");
    let kept_before = kept_structure(before, &removed, &removed_callouts, "removed");
    let kept_after = kept_structure(after, &inserted, &inserted_callouts, "inserted");
    assert!(
        kept_before == kept_after,
        "the fix changed the page's block structure beyond the call-out\n--- before: {kept_before:#?}\n\
         --- after: {kept_after:#?}\n--- original ---\n{}\n--- fixed ---\n{}",
        before.text(),
        after.text()
    );
    let whole_before = without(before.text(), &(0..before.text().len()), &removed);
    let whole_after = without(after.text(), &(0..after.text().len()), &inserted);
    assert_eq!(
        whole_before, whole_after,
        "the edits changed text outside their spans"
    );
}

/// The files of the fuzzed site, in the order the input's pieces fill them.
pub const SITE_FILES: [&str; 5] = [
    "src/content/docs/ai-gateway/configuration/authentication.mdx",
    "src/content/docs/ai-gateway/a.md",
    "src/content/docs/ai-gateway/b.mdx",
    "src/content/partials/ai-gateway/x.mdx",
    "src/content/partials/p/y.mdx",
];

/// Checks every file of the site, applies every fix (to pages and partials), checks the fixed site, and
/// holds it to the oracle: fixed findings gone, a second round a no-op, each changed file's block
/// structure kept but for the call-out.
pub fn site_roundtrip(linter: &Linter, files: BTreeMap<PathBuf, String>) {
    let site = MemorySources::new(files);
    let reports = check_site(linter, &site);

    // Every fix, grouped by the file it edits.
    let mut edits: BTreeMap<PathBuf, Vec<&Edit>> = BTreeMap::new();
    let mut fixed: Vec<(&Path, &Finding)> = Vec::new();
    for (path, report) in &reports {
        for finding in fixed_findings(&report.findings) {
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
    // Edits are offsets in the text without its byte-order mark, as `fix` applies them.
    let unmarked = |path: &Path| {
        let Some(text) = site.files().get(path) else {
            panic!(
                "a fix edits {}, which is not a file of the site",
                path.display()
            );
        };
        SourceText::new(path, text.clone()).text
    };
    let mut after = site.files().clone();
    for (path, file_edits) in &edits {
        let Ok(fixed_text) = scope_lint::fix::apply_edits(&unmarked(path), file_edits) else {
            return;
        };
        after.insert(path.clone(), fixed_text);
    }
    let fixed_site = MemorySources::new(after);
    let again = check_site(linter, &fixed_site);
    for (path, report) in &again {
        let text = &report.source.text;
        let own: Vec<&Finding> = fixed
            .iter()
            .filter(|(page, _)| page == path)
            .map(|(_, finding)| *finding)
            .collect();
        let before = &reports
            .iter()
            .find(|(page, _)| page == path)
            .expect("the page was checked before")
            .1
            .findings;
        assert_fixed_gone(path, before, &own, &report.findings, text);
        assert_second_round_noop(path, &report.findings, text);
    }
    for (path, file_edits) in &edits {
        let dialect = linter.policy().dialect_for(path);
        let before = Page::parse(SourceText::new(path, unmarked(path)), dialect);
        let after = Page::parse(
            SourceText::new(path, fixed_site.files()[path].clone()),
            dialect,
        );
        assert_structure(&before, &after, file_edits);
    }
}

/// Checks one page with `linter`, applies every fix that edits only this page, and holds the result to
/// the oracle: fixed findings gone, a second round a no-op, the block structure kept.
pub fn roundtrip(linter: &Linter, relative: &str, included: bool, text: String) {
    let first = check_with(linter, relative, included, text);
    let fixed: Vec<&Finding> = fixed_findings(&first.findings)
        .into_iter()
        .filter(|finding| {
            finding
                .fix
                .as_ref()
                .is_some_and(|fix| fix.edits.iter().all(|edit| edit.file.is_none()))
        })
        .collect();
    let edits: Vec<&Edit> = fixed
        .iter()
        .flat_map(|finding| &finding.fix.as_ref().expect("has a fix").edits)
        .collect();
    if edits.is_empty() {
        return;
    }
    let Ok(fixed_text) = scope_lint::fix::apply_edits(first.source.text.as_str(), &edits) else {
        return;
    };
    let second = check_with(linter, relative, included, fixed_text.clone());
    let path = Path::new(relative);
    assert_fixed_gone(path, &first.findings, &fixed, &second.findings, &fixed_text);
    if fixed.len() == fixed_findings(&first.findings).len() {
        assert_second_round_noop(path, &second.findings, &fixed_text);
    }
    let dialect = linter.policy().dialect_for(path);
    let before = Page::parse(first.source.clone(), dialect);
    let after = Page::parse(second.source.clone(), dialect);
    assert_structure(&before, &after, &edits);
}
