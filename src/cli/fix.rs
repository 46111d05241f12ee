//! `scope-lint fix`: the fixes planned, shown as a diff or written (in rounds, while a fix makes another
//! one necessary), and what is left reported.

use std::collections::HashSet;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use scope_lint::report::escape::{escape, escape_lines, escape_path};
use scope_lint::report::{FileFindings, Summary};
use scope_lint::walk::{self, FsSources};
use scope_lint::{Error, Linter, fix};

use crate::cli::check::{exit_for, write_report};
use crate::cli::linter::selected_linter;
use crate::cli::output::{
    EXIT_ERROR, EXIT_FINDINGS, plural, print_error, unless_reader_left, use_color,
    warn_if_requires_nothing,
};
use crate::cli::{FailOn, FixArgs, Format};

/// Runs `scope-lint fix`; returns the exit code.
pub fn run(args: FixArgs) -> Result<u8, Error> {
    if args.paths.iter().any(|path| path.as_os_str() == "-") {
        return Err(Error::Usage(
            "`fix` writes files and does not read stdin; `scope-lint check -` checks a page from stdin"
                .to_owned(),
        ));
    }
    let linter = selected_linter(&args.settings, &args.selection, &args.paths)?;
    warn_if_requires_nothing(&linter);
    let sources = FsSources::new(linter.policy());
    let run = walk::check_paths(&args.paths, &linter);
    // An input that cannot be read (or found), an include cycle or includes nested too deep stop every
    // write: the run is all or nothing for bad input.
    let unreadable = run.errors.len();
    let graph_errors = run
        .errors
        .iter()
        .any(scope_lint::source::include_graph::is_graph_error);
    // Writes stay inside the paths given and the project of the config file (partials rendered from there).
    let mut roots = args.paths.clone();
    roots.extend(linter.policy().config_dir().map(Path::to_path_buf));
    let mut plan = walk::fix_plan::plan(run, &linter, &sources, &roots);
    let mut stdout = io::stdout().lock();
    let mut errors = plan.errors;
    if unreadable > 0 && !args.diff && !plan.changes.is_empty() {
        let what = if graph_errors {
            format!("the run has {} (above)", plural(unreadable, "error"))
        } else {
            format!("{} could not be read", plural(unreadable, "input"))
        };
        errors.push(Error::Usage(format!(
            "nothing was written: {what}; fix {} and run `scope-lint fix` again",
            if unreadable == 1 { "it" } else { "them" }
        )));
    } else if args.diff {
        let color = use_color(io::stdout().is_terminal());
        for change in &plan.changes {
            let diff = fix::unified_diff(&change.path, &change.before, &change.after);
            write!(stdout, "{}", colored_diff(&escape_lines(&diff), color))
                .or_else(unless_reader_left)?;
        }
    } else {
        let mut left_alone = HashSet::new();
        let written = write_fixes(&plan.changes, &mut left_alone, &mut stdout, &mut errors)?;
        let rounds = Rounds {
            args: &args,
            linter: &linter,
            roots: &roots,
        };
        if written > 0
            && let Some(last) = rounds.more(&mut left_alone, &mut stdout, &mut errors)?
        {
            plan.remaining = last.remaining;
        }
    }
    if plan.changes.is_empty() && !args.selection.quiet {
        // With an error (a fix refused), there was something to fix: say only that nothing was fixed.
        let nothing = if errors.is_empty() {
            "nothing to fix"
        } else {
            "nothing fixed"
        };
        writeln!(stdout, "{nothing} in {}", plural(plan.files, "file"))
            .or_else(unless_reader_left)?;
    }
    let remaining: Vec<FileFindings<'_>> = plan
        .remaining
        .iter()
        .map(|(source, findings)| FileFindings { source, findings })
        .collect();
    if !remaining.is_empty() {
        let summary = Summary::of(plan.files, &remaining);
        writeln!(stdout, "\nnot fixed automatically:").or_else(unless_reader_left)?;
        write_report(Format::Human, &remaining, summary, args.selection.quiet)?;
    }
    for error in &errors {
        print_error(error);
    }
    if !errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    if args.diff && !plan.changes.is_empty() {
        return Ok(EXIT_FINDINGS);
    }
    Ok(exit_for(
        FailOn::Error,
        remaining.iter().flat_map(|file| file.findings),
    ))
}

/// How many times one `fix` checks and fixes again: a fix can make another one necessary (rows SL008 adds to
/// a partial's table make the section that renders it need a call-out).
const FIX_ROUNDS: usize = 4;

/// Writes `changes`, saying "fixed" for each only once the file is written (renamed into place), except
/// the files in `left_alone`; a file whose write fails is added to it. Returns how many were written.
fn write_fixes(
    changes: &[fix::FileChange],
    left_alone: &mut HashSet<PathBuf>,
    stdout: &mut impl Write,
    errors: &mut Vec<Error>,
) -> Result<usize, Error> {
    let mut written = 0;
    for change in changes {
        if left_alone.contains(&change.path) {
            continue;
        }
        if let Err(error) = fix::write_change(change) {
            left_alone.insert(change.path.clone());
            errors.push(error);
            continue;
        }
        written += 1;
        writeln!(
            stdout,
            "fixed {}: {}",
            escape_path(&change.path),
            escape(&change.descriptions.join("; "))
        )
        .or_else(unless_reader_left)?;
    }
    Ok(written)
}

/// What each round of `fix` checks and where it may write.
struct Rounds<'a> {
    args: &'a FixArgs,
    linter: &'a Linter,
    roots: &'a [PathBuf],
}

impl Rounds<'_> {
    /// Writes further rounds of fixes after the first, while a round writes something (at most
    /// [`FIX_ROUNDS`] in all): a fix can make another one necessary. A page whose fix was refused is
    /// refused again in each round and reported once, and a file whose write failed (`left_alone`) is not
    /// written in a later round, which would contradict the error; the other pages still get their
    /// rounds. A round that reads the tree with an error of its own (a file that became unreadable, an
    /// include cycle) writes nothing, as the first round does. Returns the last round's plan.
    fn more(
        &self,
        left_alone: &mut HashSet<PathBuf>,
        stdout: &mut impl Write,
        errors: &mut Vec<Error>,
    ) -> Result<Option<fix::FixPlan>, Error> {
        let mut reported: HashSet<String> = errors.iter().map(ToString::to_string).collect();
        let mut last = None;
        for _ in 1..FIX_ROUNDS {
            let sources = FsSources::new(self.linter.policy());
            let run = walk::check_paths(&self.args.paths, self.linter);
            let run_failed = !run.errors.is_empty();
            let mut plan = walk::fix_plan::plan(run, self.linter, &sources, self.roots);
            for error in std::mem::take(&mut plan.errors) {
                if reported.insert(error.to_string()) {
                    errors.push(error);
                }
            }
            let written = if run_failed {
                0
            } else {
                write_fixes(&plan.changes, left_alone, stdout, errors)?
            };
            last = Some(plan);
            if written == 0 {
                break;
            }
        }
        Ok(last)
    }
}

fn colored_diff(diff: &str, color: bool) -> String {
    if !color {
        return diff.to_owned();
    }
    diff.split_inclusive('\n')
        .map(|line| {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                "\x1b[1m"
            } else if line.starts_with('+') {
                "\x1b[32m"
            } else if line.starts_with('-') {
                "\x1b[31m"
            } else if line.starts_with("@@") {
                "\x1b[36m"
            } else {
                return line.to_owned();
            };
            let (text, newline) = match line.strip_suffix('\n') {
                Some(text) => (text, "\n"),
                None => (line, ""),
            };
            format!("{style}{text}\x1b[0m{newline}")
        })
        .collect()
}
