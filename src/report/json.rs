//! The JSON report, version 1 (documented in `docs/src/cli.md`):
//!
//! ```json
//! {"version": 1,
//!  "diagnostics": [{"code": "SL001", "name": "missing-callout", "severity": "error",
//!                   "path": "docs/a.mdx", "line": 3, "column": 1, "end_line": 3, "end_column": 9,
//!                   "message": "...", "help": "..."}],
//!  "summary": {"files": 1, "errors": 1, "warnings": 0}}
//! ```
//!
//! Lines and columns are 1-based; columns count characters; `end_line`/`end_column` point just past the
//! span. `help` is `null` when a finding has none. When a path is not UTF-8, `path` holds it with each
//! invalid byte replaced by U+FFFD and `path_bytes` its exact bytes (an array of numbers); the key is
//! absent otherwise.

use std::io::{self, Write};

use serde::Serialize;

use super::escape::path_bytes;
use super::{FileFindings, Report, Summary};

/// The JSON report.
pub struct Json;

impl Report for Json {
    fn write(
        &self,
        out: &mut dyn Write,
        files: &[FileFindings<'_>],
        summary: Summary,
    ) -> io::Result<()> {
        write(out, files, summary)
    }
}

/// The `version` field of the `--format json` document (its schema: the guide's CLI page, "JSON output").
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    diagnostics: Vec<Diagnostic<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    path: String,
    /// The path's exact bytes, only when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    path_bytes: Option<Vec<u8>>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
}

/// Writes `files`' findings and the summary as one JSON document (the `--format json` schema).
pub fn write(out: &mut dyn Write, files: &[FileFindings<'_>], summary: Summary) -> io::Result<()> {
    let mut diagnostics = Vec::new();
    for file in files {
        for finding in file.findings {
            let start = file.source.position(finding.span.start);
            let end = file.source.position(finding.span.end);
            diagnostics.push(Diagnostic {
                code: finding.code,
                name: finding.name,
                severity: finding.severity.as_str(),
                path: file.source.path().to_string_lossy().into_owned(),
                path_bytes: file
                    .source
                    .path()
                    .to_str()
                    .is_none()
                    .then(|| path_bytes(file.source.path()).into_owned()),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: &finding.message,
                help: finding.help.as_deref(),
            });
        }
    }
    let report = Document {
        version: VERSION,
        diagnostics,
        summary,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
