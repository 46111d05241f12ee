//! Rendering findings: `human` (rustc-style snippets) and `json` (documented, versioned).

pub mod escape;
pub mod human;
pub mod json;

use crate::doc::source::SourceText;
use crate::rules::{Finding, Severity};

/// The findings of one file, with its text for snippets and positions.
pub struct FileFindings<'a> {
    pub source: &'a SourceText,
    pub findings: &'a [Finding],
}

/// Counts for the last line of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Summary {
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

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with source snippets (colour on a terminal, NO_COLOR respected).
    Human,
    /// One JSON document: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
    Json,
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}
