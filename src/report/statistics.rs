//! `--statistics`: how many findings each rule reported, most first, in place of the findings, and how many
//! files the relevance prefilter skipped.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{FileFindings, Report, Summary};
use crate::rules::find_rule;

/// One line a rule with findings: the count, the code, the name, and `[fix]` when `fix` can fix it; then
/// the summary line unless `quiet`.
pub struct Statistics {
    /// Leave out the summary line.
    pub quiet: bool,
    /// How many files the relevance prefilter skipped without a parse (see [`crate::source::prefilter`]).
    pub skipped: usize,
}

/// The rules that reported findings, with their counts, most first (then by code).
pub fn counts<'a>(files: &[FileFindings<'a>]) -> Vec<(&'static str, &'static str, usize)> {
    let mut by_code: BTreeMap<&'static str, (&'static str, usize)> = BTreeMap::new();
    for finding in files.iter().flat_map(|file| file.findings) {
        by_code.entry(finding.code).or_insert((finding.name, 0)).1 += 1;
    }
    let mut counts: Vec<_> = by_code
        .into_iter()
        .map(|(code, (name, count))| (code, name, count))
        .collect();
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    counts
}

impl Report for Statistics {
    fn write(
        &self,
        out: &mut dyn Write,
        files: &[FileFindings<'_>],
        summary: Summary,
    ) -> io::Result<()> {
        for (code, name, count) in counts(files) {
            let fixable = find_rule(code).is_some_and(|rule| rule.has_fix());
            let marker = if fixable { "  [fix]" } else { "" };
            writeln!(out, "{count:>5}  {code}  {name}{marker}")?;
        }
        if !self.quiet {
            writeln!(
                out,
                "{} of {} files skipped without a parse (nothing a rule reads)",
                self.skipped, summary.files
            )?;
            writeln!(out, "{}", super::human::summary_line(summary))?;
        }
        Ok(())
    }
}
