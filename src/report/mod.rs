//! Rendering findings, one file a format behind the [`Report`] trait: `human` (rustc-style snippets),
//! `concise` (one line a finding), `json` (documented, versioned), `sarif` (SARIF 2.1.0) and `github`
//! (workflow commands, plus a Markdown job summary). `statistics` counts findings per rule. Which format a
//! run uses is the binary's choice (the CLI's `--format`); this module knows no command line.

pub mod concise;
pub use crate::text::escape;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod statistics;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::doc::source::SourceText;
use crate::rules::{Finding, Severity};

/// Where the guide's pages are published; rule pages are `rules/sl001.html` below it.
pub const GUIDE_URL: &str = "https://scope-lint.github.io/scope-lint/";

/// The findings of one file, with its text for snippets and positions.
pub struct FileFindings<'a> {
    /// The file's text and path.
    pub source: &'a SourceText,
    /// Its findings, in position order.
    pub findings: &'a [Finding],
}

/// Counts for the last line of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// How many files were checked.
    pub files: usize,
    /// How many error-level findings there are.
    pub errors: usize,
    /// How many warning-level findings there are.
    pub warnings: usize,
}

impl Summary {
    /// The counts of `findings`, over `files` checked files.
    pub fn of(files: usize, findings: &[FileFindings<'_>]) -> Summary {
        let mut summary = Summary {
            files,
            ..Summary::default()
        };
        for finding in findings.iter().flat_map(|file| file.findings) {
            match finding.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
            }
        }
        summary
    }
}

/// One way of writing a run's findings.
pub trait Report {
    /// Writes every finding of `files` and, where the format has one, the summary.
    fn write(
        &self,
        out: &mut dyn Write,
        files: &[FileFindings<'_>],
        summary: Summary,
    ) -> io::Result<()>;
}

/// The guide page of a rule.
pub fn rule_url(code: &str) -> String {
    format!("{GUIDE_URL}rules/{}.html", code.to_ascii_lowercase())
}

/// `path` as reports show it to tools that want paths relative to the working directory (SARIF, GitHub):
/// an absolute path below `base` loses that prefix; separators become `/`.
pub fn relative_path(path: &Path, base: Option<&Path>) -> String {
    let shown: PathBuf = match base {
        Some(base) if path.is_absolute() => path
            .strip_prefix(base)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    };
    let text = shown.to_string_lossy().replace('\\', "/");
    text.strip_prefix("./").map(str::to_owned).unwrap_or(text)
}

/// Percent-encodes everything but RFC 3986's unreserved characters and `/`, so a relative path is a valid
/// relative URI reference (a `:` in the first segment would otherwise read as a scheme).
pub fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(
            percent_encode_path("docs/a b,c:d.md"),
            "docs/a%20b%2Cc%3Ad.md"
        );
        assert_eq!(percent_encode_path("docs/中.md"), "docs/%E4%B8%AD.md");
        assert_eq!(
            relative_path(Path::new("/repo/docs/a.md"), Some(Path::new("/repo"))),
            "docs/a.md"
        );
        assert_eq!(relative_path(Path::new("./docs/a.md"), None), "docs/a.md");
        assert_eq!(
            relative_path(Path::new("/elsewhere/a.md"), Some(Path::new("/repo"))),
            "/elsewhere/a.md"
        );
    }
}
