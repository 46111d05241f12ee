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
//! span. `help` is `null` when a finding has none.

use std::io::{self, Write};

use serde::Serialize;

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
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
}

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
                path: file.source.path().display().to_string(),
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
