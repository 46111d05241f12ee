//! One line a finding, `path:line:col: CODE message`, for editors' problem matchers and grep; then the
//! summary line unless quiet.

use std::io::{self, Write};

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
            let path = file.source.path().display();
            for finding in file.findings {
                let at = file.source.position(finding.span.start);
                writeln!(
                    out,
                    "{path}:{}:{}: {} {}",
                    at.line, at.column, finding.code, finding.message
                )?;
            }
        }
        if !self.quiet {
            writeln!(out, "{}", summary_line(summary))?;
        }
        Ok(())
    }
}
