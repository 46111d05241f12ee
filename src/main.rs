//! The `scope-lint` binary: parses arguments, calls the library, prints, maps the outcome to an exit code.

mod cli;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use cli::{
    CheckArgs, Cli, Command, FailOn, FixArgs, MdbookAction, SettingsArgs, TableArgs, TableFormat,
};
use scope_lint::config::{self, SettingsSource};
use scope_lint::report::escape::{escape, escape_path};
use scope_lint::report::{self, FileFindings, Format, Summary};
use scope_lint::rules::{Finding, RULES, Severity, find_rule};
use scope_lint::walk::{self, FsLoader};
use scope_lint::{Error, Linter, fix, mdbook};

const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    scope_lint::guard::install_hook();
    let args = cli::with_default_command(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_ERROR } else { 0 });
        }
    };
    let outcome = match cli.command {
        Command::Check(args) => check(args),
        Command::Fix(args) => run_fix(args),
        Command::Mdbook(args) => run_mdbook(args.action),
        Command::Rules => list_rules(),
        Command::Explain { rule } => explain(&rule),
        Command::Table(args) => print_table(args),
        Command::Import(args) => cli::import::run(args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            print_error(&error);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A policy that requires nothing would report "no findings" for pages that lack every call-out: say so.
fn warn_if_requires_nothing(linter: &Linter) {
    if let Some(warning) = linter.policy().requires_nothing() {
        let _ = writeln!(anstream::stderr(), "warning: {}", escape(&warning));
    }
}

fn print_error(error: &Error) {
    let mut stderr = anstream::stderr();
    for line in error.to_string().lines() {
        let _ = writeln!(stderr, "error: {line}");
    }
}

fn linter(settings: &SettingsArgs, paths: &[PathBuf]) -> Result<Linter, Error> {
    let source = SettingsSource {
        config: settings.config.clone(),
        capabilities: settings.capabilities.clone(),
        start: paths.first().cloned().unwrap_or_else(|| PathBuf::from(".")),
    };
    Ok(Linter::new(config::load(&source)?))
}

fn check(args: CheckArgs) -> Result<u8, Error> {
    let linter = linter(&args.settings, &args.paths)?;
    warn_if_requires_nothing(&linter);
    let run = walk::check_paths(&args.paths, &linter);
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
    if run.files > 0 || run.errors.is_empty() || args.format == Format::Json {
        write_report(args.format, &files, summary)?;
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

fn write_report(format: Format, files: &[FileFindings<'_>], summary: Summary) -> Result<(), Error> {
    let stdout = io::stdout();
    let result = match format {
        Format::Human => {
            let mut out = anstream::AutoStream::auto(stdout.lock());
            let styled = io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
            report::human::write(&mut out, files, summary, styled)
        }
        Format::Json => report::json::write(&mut stdout.lock(), files, summary),
    };
    match result {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => Err(stdout_error(error)),
        _ => Ok(()),
    }
}

fn exit_for<'a>(fail_on: FailOn, findings: impl Iterator<Item = &'a Finding>) -> u8 {
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

fn run_fix(args: FixArgs) -> Result<u8, Error> {
    let linter = linter(&args.settings, &args.paths)?;
    warn_if_requires_nothing(&linter);
    let loader = FsLoader::new(linter.policy());
    let run = walk::check_paths(&args.paths, &linter);
    // An input that cannot be read (or found) stops every write: the run is all or nothing for bad input.
    let unreadable = run.errors.len();
    let plan = fix::plan(run, &linter, &loader, &args.paths);
    let mut stdout = anstream::stdout();
    let mut errors = plan.errors;
    if unreadable > 0 && !args.diff && !plan.changes.is_empty() {
        errors.push(Error::Usage(format!(
            "nothing was written: {} could not be read; fix {} and run `scope-lint fix` again",
            plural(unreadable, "input"),
            if unreadable == 1 { "it" } else { "them" }
        )));
    } else if args.diff {
        for change in &plan.changes {
            let diff = fix::unified_diff(&change.path, &change.before, &change.after);
            write!(stdout, "{}", escape_lines(&diff)).map_err(stdout_error)?;
        }
    } else {
        for change in &plan.changes {
            // "fixed" only once the file is written (renamed into place).
            if let Err(error) = fix::write_change(change) {
                errors.push(error);
                continue;
            }
            writeln!(
                stdout,
                "fixed {}: {}",
                escape_path(&change.path),
                escape(&change.descriptions.join("; "))
            )
            .map_err(stdout_error)?;
        }
    }
    if plan.changes.is_empty() {
        // With an error (a fix refused), there was something to fix: say only that nothing was fixed.
        let nothing = if errors.is_empty() {
            "nothing to fix"
        } else {
            "nothing fixed"
        };
        writeln!(stdout, "{nothing} in {}", plural(plan.files, "file")).map_err(stdout_error)?;
    }
    let remaining: Vec<FileFindings<'_>> = plan
        .remaining
        .iter()
        .map(|(source, findings)| FileFindings { source, findings })
        .collect();
    if !remaining.is_empty() {
        let summary = Summary::of(plan.files, &remaining);
        writeln!(stdout, "\nnot fixed automatically:").map_err(stdout_error)?;
        write_report(Format::Human, &remaining, summary)?;
    }
    for error in &errors {
        print_error(error);
    }
    if !errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    Ok(exit_for(
        FailOn::Error,
        remaining.iter().flat_map(|file| file.findings),
    ))
}

/// `text` with each line escaped; the line breaks (`\n`, `\r\n`) that end lines are kept.
fn escape_lines(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let body = body.strip_suffix('\r').unwrap_or(body);
            format!("{}{}", escape(body), &line[body.len()..])
        })
        .collect()
}

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

fn stdout_error(error: io::Error) -> Error {
    Error::io(&PathBuf::from("<stdout>"), error)
}

fn run_mdbook(action: Option<MdbookAction>) -> Result<u8, Error> {
    let renderer = action.map(|MdbookAction::Supports { renderer }| renderer);
    Ok(mdbook::serve(
        renderer.as_deref(),
        mdbook::PacedPipe::new(io::stdin().lock()),
        io::stdout().lock(),
        &mut io::stderr(),
    ))
}

fn list_rules() -> Result<u8, Error> {
    let mut stdout = io::stdout().lock();
    for rule in RULES {
        let fix = if rule.has_fix() { "fix" } else { "   " };
        writeln!(
            stdout,
            "{}  {:<26} {:<7}  {}  {}",
            rule.code(),
            rule.name(),
            rule.default_severity().as_str(),
            fix,
            rule.summary()
        )
        .map_err(stdout_error)?;
    }
    Ok(0)
}

fn explain(code: &str) -> Result<u8, Error> {
    let rule = find_rule(code).ok_or_else(|| {
        Error::Usage(format!(
            "unknown rule `{code}`; `scope-lint rules` lists them"
        ))
    })?;
    let mut stdout = io::stdout().lock();
    writeln!(
        stdout,
        "# {} {}\n\n{}",
        rule.code(),
        rule.name(),
        rule.doc()
    )
    .map_err(stdout_error)?;
    Ok(0)
}

fn print_table(args: TableArgs) -> Result<u8, Error> {
    let linter = linter(&args.settings, &[PathBuf::from(".")])?;
    let table = &linter.settings.table;
    let product =
        match &args.product {
            Some(id) => Some(table.product_index(id).ok_or_else(|| {
                Error::Usage(format!("unknown product `{id}` in {}", table.origin))
            })?),
            None => None,
        };
    let text = match args.format {
        TableFormat::Markdown => scope_lint::table::render::markdown(table, product),
        TableFormat::Json => scope_lint::table::render::json(table, product),
    };
    io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(stdout_error)?;
    Ok(0)
}
