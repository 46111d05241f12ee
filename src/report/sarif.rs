//! SARIF 2.1.0 for code scanning: the rules (id, name, descriptions, default level, the guide page), and
//! one result a finding with its region (1-based lines and columns, counted in Unicode code points), a
//! `partialFingerprints` entry that survives lines moving, and the fix's edits where the rule has one.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::PathBuf;

use serde_json::{Value, json};

use super::{FileFindings, Report, Summary, percent_encode_path, relative_path, rule_url};
use crate::doc::source::SourceText;
use crate::rules::{Finding, RULES, Rule, Severity};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// The key of our fingerprint in `partialFingerprints` (versioned: a new scheme gets a new key).
pub const FINGERPRINT_KEY: &str = "scopeLintFinding/v1";

/// The SARIF report. Absolute paths below `base` (the working directory) are made relative to it.
pub struct Sarif {
    /// The workspace directory: absolute paths below it are written relative to it.
    pub base: Option<PathBuf>,
}

impl Report for Sarif {
    fn write(
        &self,
        out: &mut dyn Write,
        files: &[FileFindings<'_>],
        _summary: Summary,
    ) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.log(files))?;
        writeln!(out)
    }
}

impl Sarif {
    /// The whole SARIF log.
    pub fn log(&self, files: &[FileFindings<'_>]) -> Value {
        let mut results = Vec::new();
        for file in files {
            let uri = artifact_uri(file.source.path(), self.base.as_deref());
            let mut fingerprints = Fingerprints::default();
            for finding in file.findings {
                results.push(result(
                    file.source,
                    self.base.as_deref(),
                    &uri,
                    finding,
                    &mut fingerprints,
                ));
            }
        }
        json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": driver()},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }],
        })
    }
}

/// A relative URI reference for a path below `base` (or a relative path); a `file://` URI otherwise, as code
/// scanning accepts no other absolute form.
fn artifact_uri(path: &std::path::Path, base: Option<&std::path::Path>) -> String {
    let shown = relative_path(path, base);
    if !std::path::Path::new(&shown).is_absolute() && !shown.starts_with('/') {
        return percent_encode_path(&shown);
    }
    let slash = if shown.starts_with('/') { "" } else { "/" };
    format!("file://{slash}{}", percent_encode_path(&shown))
}

fn driver() -> Value {
    json!({
        "name": "scope-lint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "informationUri": super::GUIDE_URL,
        "rules": RULES.iter().map(|rule| rule_descriptor(*rule)).collect::<Vec<_>>(),
    })
}

fn rule_descriptor(rule: &dyn Rule) -> Value {
    let description = what_it_does(rule.doc());
    json!({
        "id": rule.code(),
        "name": pascal_case(rule.name()),
        "shortDescription": {"text": sentence(rule.summary())},
        "fullDescription": {"text": description},
        "defaultConfiguration": {"level": level(rule.default_severity())},
        "helpUri": rule_url(rule.code()),
        "help": {"text": rule.doc(), "markdown": rule.doc()},
        "properties": {"tags": ["documentation"]},
    })
}

/// SARIF wants rule names in PascalCase ("MissingCallout"); our kebab-case name stays in the message.
fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// A message or description as SARIF wants it: one sentence ending in a period.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// The first paragraph of a rule doc's "What it does" section, on one line.
fn what_it_does(doc: &str) -> String {
    let section = doc
        .split("## What it does")
        .nth(1)
        .unwrap_or(doc)
        .split("\n## ")
        .next()
        .unwrap_or_default();
    let paragraph = section
        .trim()
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    sentence(paragraph.trim_end_matches(':'))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn result(
    source: &SourceText,
    base: Option<&std::path::Path>,
    uri: &str,
    finding: &Finding,
    fingerprints: &mut Fingerprints,
) -> Value {
    let rule_index = RULES
        .iter()
        .position(|rule| rule.code() == finding.code)
        .unwrap_or_default();
    let mut value = json!({
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": level(finding.severity),
        "message": {"text": sentence(&message_text(finding))},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": uri},
            "region": region(source, finding.span.clone()),
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(source, uri, finding, fingerprints)},
    });
    if let Some(fix) = &finding.fix {
        let changes: Vec<Value> = group_edits(fix, uri, base)
            .into_iter()
            .map(|(uri, replacements)| {
                json!({"artifactLocation": {"uri": uri}, "replacements": replacements})
            })
            .collect();
        value["fixes"] = json!([{
            "description": {"text": sentence(&fix.description)},
            "artifactChanges": changes,
        }]);
    }
    value
}

fn message_text(finding: &Finding) -> String {
    match &finding.help {
        Some(help) => format!("{} ({help})", finding.message),
        None => finding.message.clone(),
    }
}

fn region(source: &SourceText, span: std::ops::Range<usize>) -> Value {
    let start = source.position(span.start);
    let end = source.position(span.end.max(span.start));
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// Replacements by file, in the order the files first appear. Regions are byte ranges: an edit may be in
/// a partial whose text this report does not hold.
fn group_edits(
    fix: &crate::rules::Fix,
    page_uri: &str,
    base: Option<&std::path::Path>,
) -> Vec<(String, Vec<Value>)> {
    let mut grouped: Vec<(String, Vec<Value>)> = Vec::new();
    for edit in &fix.edits {
        let uri = match &edit.file {
            Some(file) => artifact_uri(file, base),
            None => page_uri.to_owned(),
        };
        let replacement = json!({
            "deletedRegion": {
                "byteOffset": edit.range.start,
                "byteLength": edit.range.end - edit.range.start,
            },
            "insertedContent": {"text": edit.replacement},
        });
        match grouped.iter_mut().find(|(known, _)| *known == uri) {
            Some((_, replacements)) => replacements.push(replacement),
            None => grouped.push((uri, vec![replacement])),
        }
    }
    grouped
}

/// What the fingerprints of one file's findings are made with.
#[derive(Default)]
struct Fingerprints {
    /// How many findings with each hash came before.
    seen: HashMap<u64, usize>,
    /// The hash of the rule, the file and the line's text, by rule and line.
    through_line: HashMap<(&'static str, usize), u64>,
}

/// A hash of the rule, the file, the trimmed text of the finding's first line and the message, plus how
/// many identical findings came before in the file: stable when lines are added above.
fn fingerprint(
    source: &SourceText,
    uri: &str,
    finding: &Finding,
    fingerprints: &mut Fingerprints,
) -> String {
    let line = source.line_of(finding.span.start);
    // The hash up to the line's text is kept per rule and line: the findings of one long line do not each
    // hash the line again.
    let through_line = *fingerprints
        .through_line
        .entry((finding.code, line))
        .or_insert_with(|| {
            let line_text = source.text[source.line_range(line)].trim();
            fnv1a_from(FNV_OFFSET, [finding.code, uri, line_text])
        });
    let key = fnv1a_from(through_line, [finding.message.as_str()]);
    let occurrence = fingerprints.seen.entry(key).or_default();
    *occurrence += 1;
    format!("{key:016x}:{occurrence}")
}

/// FNV-1a's 64-bit offset basis.
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a (64-bit) over the parts, each followed by a NUL: a hash that never changes between builds.
#[cfg(test)]
fn fnv1a<'a>(parts: impl IntoIterator<Item = &'a str>) -> u64 {
    fnv1a_from(FNV_OFFSET, parts)
}

/// [`fnv1a`] going on from `hash`, the hash of the parts before.
fn fnv1a_from<'a>(mut hash: u64, parts: impl IntoIterator<Item = &'a str>) -> u64 {
    for part in parts {
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_described_with_its_guide_page() {
        let rules = driver()["rules"].as_array().unwrap().clone();
        assert_eq!(rules.len(), RULES.len());
        let first = &rules[0];
        assert_eq!(first["id"], "SL001");
        assert_eq!(first["name"], "MissingCallout");
        assert_eq!(
            first["helpUri"],
            "https://scope-lint.github.io/scope-lint/rules/sl001.html"
        );
        assert_eq!(first["defaultConfiguration"]["level"], "error");
        assert!(
            first["fullDescription"]["text"]
                .as_str()
                .unwrap()
                .starts_with("Reports a place that must carry an account-scope call-out")
        );
    }

    #[test]
    fn uris_are_relative_below_the_base_and_file_uris_elsewhere() {
        use std::path::Path;
        let base = Some(Path::new("/repo"));
        assert_eq!(
            artifact_uri(Path::new("/repo/docs/a b.md"), base),
            "docs/a%20b.md"
        );
        assert_eq!(
            artifact_uri(Path::new("docs/a,b.md"), base),
            "docs/a%2Cb.md"
        );
        assert_eq!(
            artifact_uri(Path::new("/elsewhere/中.md"), base),
            "file:///elsewhere/%E4%B8%AD.md"
        );
    }

    #[test]
    fn descriptions_are_sentences() {
        assert_eq!(pascal_case("missing-callout"), "MissingCallout");
        assert_eq!(sentence("a thing"), "a thing.");
        assert_eq!(sentence("a thing."), "a thing.");
        assert_eq!(
            what_it_does("# X\n\n## What it does\n\nReports a\nplace:\n\n- x\n\n## Why\n"),
            "Reports a place."
        );
        assert_eq!(fnv1a(["a"]), fnv1a(["a"]));
        assert_eq!(
            fnv1a(["a"]),
            0x089b_e207_b544_f1e4,
            "FNV-1a of `a` then NUL"
        );
        assert_ne!(fnv1a(["ab", "c"]), fnv1a(["a", "bc"]));
    }
}
