//! GitHub Actions: one workflow command a finding (`::error file=…,line=…::message`, escaped as the runner
//! expects), a Markdown job summary for `$GITHUB_STEP_SUMMARY`, and `errors=`/`warnings=` lines for
//! `$GITHUB_OUTPUT`. The caller writes the summary and outputs files; this module only renders.

use std::io::{self, Write};
use std::path::PathBuf;

use super::statistics::counts;
use super::{FileFindings, Report, Summary, percent_encode_path, plural, relative_path};
use crate::rules::{Finding, Severity};
use crate::text::escape::escape;

/// GitHub shows at most this many error annotations, and as many warning annotations, per step.
pub const STEP_LIMIT_PER_LEVEL: usize = 10;
/// ... and at most this many annotations per job.
pub const JOB_LIMIT: usize = 50;

/// The workflow-command report. Absolute paths below `base` (the workspace) are made relative to it.
pub struct Github {
    /// The workspace directory, when known.
    pub base: Option<PathBuf>,
}

impl Report for Github {
    fn write(
        &self,
        out: &mut dyn Write,
        files: &[FileFindings<'_>],
        summary: Summary,
    ) -> io::Result<()> {
        for file in files {
            let path = relative_path(file.source.path(), self.base.as_deref());
            for finding in file.findings {
                writeln!(out, "{}", command(file, &path, finding))?;
            }
        }
        writeln!(out, "{}", super::human::summary_line(summary))
    }
}

/// One finding as a workflow command.
fn command(file: &FileFindings<'_>, path: &str, finding: &Finding) -> String {
    let start = file.source.position(finding.span.start);
    let end = file
        .source
        .position(finding.span.end.max(finding.span.start));
    let level = match finding.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut properties = vec![
        ("file", shown_in_log(path)),
        ("line", start.line.to_string()),
        ("col", start.column.to_string()),
        ("endLine", end.line.to_string()),
    ];
    // GitHub reads endColumn only for a span on one line.
    if end.line == start.line {
        properties.push(("endColumn", end.column.max(start.column).to_string()));
    }
    properties.push(("title", format!("{} {}", finding.code, finding.name)));
    let properties: Vec<String> = properties
        .into_iter()
        .map(|(key, value)| format!("{key}={}", escape_property(&value)))
        .collect();
    let message = match &finding.help {
        Some(help) => format!("{}\nhelp: {}", escape(&finding.message), escape(help)),
        None => escape(&finding.message).into_owned(),
    };
    format!(
        "::{level} {}::{}",
        properties.join(","),
        escape_data(&message)
    )
}

/// A file name for the log: CR and LF stay (the runner decodes them from `%0D`/`%0A`, so the annotation
/// names the real file); every other character [`escape`] names (ESC, C1, bidi overrides, line separators)
/// is written as an escape, so it cannot reach the log viewer as a control sequence.
fn shown_in_log(path: &str) -> String {
    path.split_inclusive(['\r', '\n'])
        .map(|part| {
            let body = part.trim_end_matches(['\r', '\n']);
            format!("{}{}", escape(body), &part[body.len()..])
        })
        .collect()
}

/// Escapes a workflow command's message: `%`, CR and LF.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value: as data, plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// How many findings GitHub will not show as annotations: past 10 errors and 10 warnings in this step,
/// and past 50 in the job.
pub fn past_annotation_limits(summary: Summary) -> usize {
    let shown_errors = summary.errors.min(STEP_LIMIT_PER_LEVEL);
    let shown_warnings = summary.warnings.min(STEP_LIMIT_PER_LEVEL);
    let shown = (shown_errors + shown_warnings).min(JOB_LIMIT);
    summary.errors + summary.warnings - shown
}

/// Where links in the job summary point: `{server}/{repository}/blob/{sha}/{path}#L{line}`.
pub struct Links {
    /// `GITHUB_SERVER_URL`.
    pub server: String,
    /// `GITHUB_REPOSITORY` (`owner/name`).
    pub repository: String,
    /// `GITHUB_SHA`.
    pub sha: String,
}

/// The Markdown job summary: totals, counts per rule, every finding by file with a link to its line, and
/// how many findings only this summary shows.
pub fn job_summary(
    files: &[FileFindings<'_>],
    summary: Summary,
    links: Option<&Links>,
    base: Option<&std::path::Path>,
) -> String {
    let mut text = String::from("## scope-lint\n\n");
    if summary.errors + summary.warnings == 0 {
        text.push_str(&format!(
            "No findings in {}.\n",
            plural(summary.files, "file")
        ));
        return text;
    }
    text.push_str(&format!(
        "**{}** and **{}** in {}.\n\n| Rule | Name | Findings |\n|---|---|---:|\n",
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.files, "file")
    ));
    for (code, name, count) in counts(files) {
        text.push_str(&format!(
            "| [{code}]({}) | {name} | {count} |\n",
            super::rule_url(code)
        ));
    }
    for file in files {
        let path = relative_path(file.source.path(), base);
        // Escaped, so that a file name cannot end the heading and write lines of its own.
        text.push_str(&format!("\n### `{}`\n\n", escape(&path).replace('`', "'")));
        for finding in file.findings {
            let line = file.source.position(finding.span.start).line;
            let place = match links {
                Some(links) => format!(
                    "[line {line}]({}/{}/blob/{}/{}#L{line})",
                    links.server,
                    links.repository,
                    links.sha,
                    percent_encode_path(&path)
                ),
                None => format!("line {line}"),
            };
            text.push_str(&format!(
                "- {place}: **{}** {} {}: {}\n",
                finding.severity.as_str(),
                finding.code,
                finding.name,
                escape_markdown(&finding.message)
            ));
        }
    }
    let hidden = past_annotation_limits(summary);
    text.push_str(&format!(
        "\n{} went past GitHub's annotation limits (10 errors and 10 warnings per step, 50 per job) and \
         appear only in this summary.\n",
        if hidden == 1 {
            "1 finding".to_owned()
        } else {
            format!("{hidden} findings")
        }
    ));
    text
}

/// The lines for `$GITHUB_OUTPUT`.
pub fn outputs(summary: Summary) -> String {
    format!("errors={}\nwarnings={}\n", summary.errors, summary.warnings)
}

/// Keeps a message from turning into HTML or breaking the list item; backticks stay (they mark names).
fn escape_markdown(text: &str) -> String {
    escape(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("docs/a,b:c%.md"), "docs/a%2Cb%3Ac%25.md");
    }

    #[test]
    fn limits_count_what_github_drops() {
        let summary = |errors, warnings| Summary {
            files: 1,
            errors,
            warnings,
        };
        assert_eq!(past_annotation_limits(summary(3, 4)), 0);
        assert_eq!(past_annotation_limits(summary(12, 4)), 2);
        assert_eq!(past_annotation_limits(summary(15, 11)), 6);
    }
}
