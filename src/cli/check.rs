//! `scope-lint check`: the paths, a page from stdin or the pages changed since a commit checked, the
//! report written in the chosen format (and GitHub's job summary and outputs), the exit code.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use scope_lint::Error;
use scope_lint::report::{self, FileFindings, Report, Summary};
use scope_lint::rules::{Finding, Severity};
use scope_lint::walk::{self, CheckRun};

use crate::cli::linter::selected_linter;
use crate::cli::output::{
    EXIT_ERROR, EXIT_FINDINGS, print_error, print_warning, stdout_error, use_color,
    warn_if_requires_nothing,
};
use crate::cli::{CheckArgs, FailOn, Format};

/// Runs `scope-lint check`; returns the exit code.
pub fn run(args: CheckArgs) -> Result<u8, Error> {
    if args.statistics && !matches!(args.format, Format::Human | Format::Concise) {
        return Err(Error::Usage(
            "--statistics goes with --format human or concise".to_owned(),
        ));
    }
    let stdin = args.paths.iter().any(|path| path.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        return Err(Error::Usage(
            "`-` (stdin) is the only path when given".to_owned(),
        ));
    }
    if stdin && args.changed_since.is_some() {
        return Err(Error::Usage(
            "--changed-since does not apply to a page read from stdin (`-`)".to_owned(),
        ));
    }
    if !stdin && args.stdin_filename.is_some() {
        return Err(Error::Usage(
            "--stdin-filename names the page read from stdin; give `-` as the path".to_owned(),
        ));
    }
    let config_start = match (&args.stdin_filename, stdin) {
        (Some(name), true) => vec![name.parent().map_or_else(
            || PathBuf::from("."),
            |parent| {
                if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                }
            },
        )],
        (_, true) => vec![PathBuf::from(".")],
        (_, false) => args.paths.clone(),
    };
    let mut linter = selected_linter(&args.settings, &args.selection, &config_start)?;
    linter.prefilter = !args.no_prefilter;
    warn_if_requires_nothing(&linter);
    let run = if stdin {
        let shown = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("<stdin>"));
        // The same `max-file-size` cap as a file: `scope-lint check - < /dev/zero` must not read forever.
        let limit = linter.policy().max_file_size;
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|error| Error::io(&shown, error))?;
        if bytes.len() as u64 > limit {
            return Err(scope_lint::read::too_large(&shown, limit));
        }
        let text = walk::decode(&shown, bytes)?;
        walk::check_text(text, args.stdin_filename.as_deref(), &linter)
    } else if let Some(reference) = &args.changed_since {
        scope_lint::changed::check_changed(&args.paths, reference, &linter)?
    } else {
        walk::check_paths(&args.paths, &linter)
    };
    let code = report_run(&args, &run);
    // The process ends right after: freeing the compiled automata and regexes and the reports is work the
    // operating system does for free (about 1.5 M instructions on one thread at the very end of a run).
    std::mem::forget(linter);
    std::mem::forget(run);
    code
}

fn report_run(args: &CheckArgs, run: &CheckRun) -> Result<u8, Error> {
    if let (0, Some(reference)) = (run.files, &args.changed_since)
        && run.errors.is_empty()
        && !args.selection.quiet
    {
        print_warning(&format!(
            "no page to check: nothing under the given paths changed since `{reference}`"
        ));
    } else if run.files == 0
        && run.errors.is_empty()
        && args.changed_since.is_none()
        && args
            .paths
            .iter()
            .all(|path| scope_lint::walk::is_book_summary(path))
    {
        print_warning(
            "no page to check: an mdBook's SUMMARY.md is its table of contents, not a page",
        );
    } else if run.files == 0 && run.errors.is_empty() && args.changed_since.is_none() {
        print_warning(&format!(
            "no Markdown or MDX files (.md, .mdx, .markdown) found in {}",
            args.paths
                .iter()
                .map(|path| path.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let files: Vec<FileFindings<'_>> = run
        .reports
        .iter()
        .filter(|report| !report.findings.is_empty())
        .map(|report| FileFindings {
            source: &report.source,
            findings: &report.findings,
        })
        .collect();
    let summary = Summary::of(run.files, &files);
    if run.files > 0 || run.errors.is_empty() || args.format != Format::Human {
        let quiet = args.selection.quiet;
        if args.statistics {
            let statistics = report::statistics::Statistics {
                quiet,
                skipped: run.skipped,
            };
            write_with(&statistics, &files, summary)?;
        } else {
            write_report(args.format, &files, summary, quiet)?;
        }
        if args.format == Format::Github {
            write_github_files(&files, summary)?;
        }
    }
    for error in &run.errors {
        print_error(error);
    }
    if !run.errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    Ok(exit_for(
        args.fail_on,
        files.iter().flat_map(|file| file.findings),
    ))
}

/// Writes `files` to stdout in `format`.
pub fn write_report(
    format: Format,
    files: &[FileFindings<'_>],
    summary: Summary,
    quiet: bool,
) -> Result<(), Error> {
    let base = std::env::current_dir().ok();
    let reporter: Box<dyn Report> = match format {
        Format::Human => Box::new(report::human::Human {
            styled: use_color(io::stdout().is_terminal()),
            quiet,
        }),
        Format::Concise => Box::new(report::concise::Concise { quiet }),
        Format::Json => Box::new(report::json::Json),
        Format::Sarif => Box::new(report::sarif::Sarif { base }),
        Format::Github => Box::new(report::github::Github { base }),
    };
    write_with(reporter.as_ref(), files, summary)
}

/// Writes a report to stdout; a reader that went away (`| head`) is not an error.
fn write_with(
    reporter: &dyn Report,
    files: &[FileFindings<'_>],
    summary: Summary,
) -> Result<(), Error> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let result = reporter
        .write(&mut out, files, summary)
        .and_then(|()| out.flush());
    match result {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(stdout_error(error)),
        _ => Ok(()),
    }
}

/// On GitHub Actions: the job summary (`$GITHUB_STEP_SUMMARY`) and the step outputs (`$GITHUB_OUTPUT`).
fn write_github_files(files: &[FileFindings<'_>], summary: Summary) -> Result<(), Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    if let Some(path) = env("GITHUB_STEP_SUMMARY") {
        let links = match (env("GITHUB_REPOSITORY"), env("GITHUB_SHA")) {
            (Some(repository), Some(sha)) => Some(report::github::Links {
                server: env("GITHUB_SERVER_URL").unwrap_or_else(|| "https://github.com".to_owned()),
                repository,
                sha,
            }),
            _ => None,
        };
        let base = std::env::current_dir().ok();
        let text = report::github::job_summary(files, summary, links.as_ref(), base.as_deref());
        append(Path::new(&path), &text)?;
    }
    if let Some(path) = env("GITHUB_OUTPUT") {
        append(Path::new(&path), &report::github::outputs(summary))?;
    }
    Ok(())
}

fn append(path: &Path, text: &str) -> Result<(), Error> {
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(|error| Error::io(path, error))?;
    file.write_all(text.as_bytes())
        .map_err(|error| Error::io(path, error))
}

/// The exit code for `findings`: [`EXIT_FINDINGS`] when one of them fails the run under `fail_on`.
pub fn exit_for<'a>(fail_on: FailOn, findings: impl Iterator<Item = &'a Finding>) -> u8 {
    let failing = |finding: &Finding| match fail_on {
        FailOn::Error => finding.severity == Severity::Error,
        FailOn::Warning => true,
        FailOn::Never => false,
    };
    let mut findings = findings;
    if findings.any(failing) {
        EXIT_FINDINGS
    } else {
        0
    }
}
