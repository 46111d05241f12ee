//! One line a finding, `path:line:col: CODE message`, for editors' problem matchers and grep; then the
//! summary line unless quiet. The path and the message are escaped ([`escape`]) as in the human report, so
//! a file name or page text cannot start a line of its own or reach the terminal as a control sequence.

use std::io::{self, Write};

use super::escape::{escape, escape_path};
use super::human::summary_line;
use super::{FileFindings, Report, Summary};

/// The concise report; `quiet` leaves out the summary line.
pub struct Concise {
    /// Leave out the summary line.
    pub quiet: bool,
}

impl Report for Concise {
    fn write(
        &self,
        out: &mut dyn Write,
        files: &[FileFindings<'_>],
        summary: Summary,
    ) -> io::Result<()> {
        for file in files {
            let path = escape_path(file.source.path());
            for finding in file.findings {
                let at = file.source.position(finding.span.start);
                writeln!(
                    out,
                    "{path}:{}:{}: {} {}",
                    at.line,
                    at.column,
                    finding.code,
                    escape(&finding.message)
                )?;
            }
        }
        if !self.quiet {
            writeln!(out, "{}", summary_line(summary))?;
        }
        Ok(())
    }
}
