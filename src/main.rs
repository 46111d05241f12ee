//! The `scope-lint` binary: parses arguments, calls the library, prints, maps the outcome to an exit code.

mod cli;

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

use clap::{CommandFactory, Parser};

use cli::{
    CheckArgs, Cli, ColorWhen, Command, FailOn, FixArgs, Format, MdbookAction, SelectionArgs,
    SettingsArgs, TableArgs, TableFormat,
};
use scope_lint::policy::{self as config, SettingsSource};
use scope_lint::report::escape::{escape, escape_lines, escape_path};
use scope_lint::report::{self, FileFindings, Report, Summary};
use scope_lint::rules::{Finding, RULES, Severity, find_rule};
use scope_lint::walk::{self, CheckRun, FsSources};
use scope_lint::{Error, Linter, fix, mdbook};

const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

/// `--color`, for the places that write to the terminal.
static COLOR: OnceLock<ColorWhen> = OnceLock::new();

fn main() -> ExitCode {
    scope_lint::guard::install_hook();
    let args = cli::with_default_command(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            if error.kind() == clap::error::ErrorKind::InvalidSubcommand
                && let Some(clap::error::ContextValue::String(word)) =
                    error.get(clap::error::ContextKind::InvalidSubcommand)
            {
                eprintln!("note: there is no file or directory `{word}` to check either");
            }
            return ExitCode::from(if error.use_stderr() { EXIT_ERROR } else { 0 });
        }
    };
    COLOR.get_or_init(|| cli.color);
    let outcome = match cli.command {
        Command::Check(args) => check(args),
        Command::Fix(args) => run_fix(args),
        Command::Mdbook(args) => run_mdbook(args.action, args.max_request_size),
        Command::Rules => list_rules(),
        Command::Explain { rule } => explain(&rule),
        Command::Table(args) => print_table(args),
        Command::Import(args) => cli::import::run(args),
        Command::Debug(args) => cli::debug::run(args),
        Command::Completions { shell } => completions(shell),
        Command::Man => man_page(),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        // A reader that went away (`| head`) ends the run quietly.
        Err(Error::Io { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            print_error(&error);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A policy that requires nothing would report "no findings" for pages that lack every call-out: say so.
fn warn_if_requires_nothing(linter: &Linter) {
    if let Some(warning) = linter.policy().requires_nothing() {
        print_warning(&escape(&warning));
    }
}

/// Whether to colour a stream: `--color always|never`, else CLICOLOR_FORCE or FORCE_COLOR (set and not
/// `0`) force it, NO_COLOR (set and not empty) turns it off, and otherwise only a terminal gets colour.
fn use_color(is_terminal: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    let forced = |name: &str| set(name) && std::env::var_os(name).is_some_and(|value| value != "0");
    match COLOR.get().copied().unwrap_or(ColorWhen::Auto) {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto if forced("CLICOLOR_FORCE") || forced("FORCE_COLOR") => true,
        ColorWhen::Auto if set("NO_COLOR") => false,
        ColorWhen::Auto => is_terminal,
    }
}

fn print_error(error: &Error) {
    let color = use_color(io::stderr().is_terminal());
    let label = if color {
        "\x1b[1;31merror\x1b[0m\x1b[1m:\x1b[0m"
    } else {
        "error:"
    };
    let mut stderr = io::stderr().lock();
    for line in error.to_string().lines() {
        let _ = writeln!(stderr, "{label} {line}");
    }
}

fn print_warning(message: &str) {
    let color = use_color(io::stderr().is_terminal());
    let label = if color {
        "\x1b[1;33mwarning\x1b[0m\x1b[1m:\x1b[0m"
    } else {
        "warning:"
    };
    let _ = writeln!(io::stderr().lock(), "{label} {message}");
}

fn linter(settings: &SettingsArgs, paths: &[PathBuf]) -> Result<Linter, Error> {
    let source = SettingsSource {
        config: settings.config.clone(),
        capabilities: settings.capabilities.clone(),
        start: paths.first().cloned().unwrap_or_else(|| PathBuf::from(".")),
    };
    Ok(Linter::new(config::load(
        &source,
        scope_lint::rules::CATALOG,
    )?))
}

/// The linter for `check`/`fix`, with `--select`/`--extend-select`/`--ignore` and `--exclude` applied.
fn selected_linter(
    settings: &SettingsArgs,
    selection: &SelectionArgs,
    paths: &[PathBuf],
) -> Result<Linter, Error> {
    let mut linter = linter(settings, paths)?;
    let policy = &mut linter.settings.policy;
    let selected = rule_codes(&selection.select, "--select")?;
    let extended = rule_codes(&selection.extend_select, "--extend-select")?;
    let ignored = rule_codes(&selection.ignore, "--ignore")?;
    for rule in RULES {
        let code = rule.code();
        let configured = policy.severities.get(code).copied().flatten();
        let on = if selected.is_empty() {
            configured.is_some() || extended.contains(&code)
        } else {
            selected.contains(&code) || extended.contains(&code)
        } && !ignored.contains(&code);
        let severity = on.then(|| configured.unwrap_or(rule.default_severity()));
        policy.severities.insert(code, severity);
    }
    let mut globs = globset::GlobSetBuilder::new();
    for pattern in &selection.exclude {
        let glob = globset::Glob::new(pattern)
            .map_err(|error| Error::Usage(format!("--exclude `{pattern}`: {}", error.kind())))?;
        globs.add(glob);
    }
    policy.command_line_exclude = globs
        .build()
        .map_err(|error| Error::Usage(format!("--exclude: {error}")))?;
    Ok(linter)
}

/// Rule codes or names (`SL001`, `missing-callout`) as codes; an unknown one is a usage error with the
/// closest known name.
fn rule_codes(names: &[String], flag: &str) -> Result<Vec<&'static str>, Error> {
    names
        .iter()
        .filter(|name| !name.trim().is_empty())
        .map(|name| {
            let name = name.trim();
            find_rule(name).map(|rule| rule.code()).ok_or_else(|| {
                let hint = scope_lint::rules::closest_rule(name)
                    .map(|known| format!("; did you mean `{known}`?"))
                    .unwrap_or_default();
                Error::Usage(format!(
                    "{flag}: unknown rule `{name}`{hint} (`scope-lint rules` lists them)"
                ))
            })
        })
        .collect()
}

fn check(args: CheckArgs) -> Result<u8, Error> {
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
    report_run(&args, &run)
}

fn report_run(args: &CheckArgs, run: &CheckRun) -> Result<u8, Error> {
    if let (0, Some(reference)) = (run.files, &args.changed_since)
        && run.errors.is_empty()
        && !args.selection.quiet
    {
        print_warning(&format!(
            "no page to check: nothing under the given paths changed since `{reference}`"
        ));
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

fn write_report(
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
    // An input that cannot be read (or found) stops every write: the run is all or nothing for bad input.
    let unreadable = run.errors.len();
    // Writes stay inside the paths given and the project of the config file (partials rendered from there).
    let mut roots = args.paths.clone();
    roots.extend(linter.policy().config_dir().map(Path::to_path_buf));
    let mut plan = walk::fix_plan::plan(run, &linter, &sources, &roots);
    let mut stdout = io::stdout().lock();
    let mut errors = plan.errors;
    if unreadable > 0 && !args.diff && !plan.changes.is_empty() {
        errors.push(Error::Usage(format!(
            "nothing was written: {} could not be read; fix {} and run `scope-lint fix` again",
            plural(unreadable, "input"),
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
        write_fixes(&plan.changes, &mut stdout, &mut errors)?;
        if let Some(last) = fix_more_rounds(&args, &linter, &roots, &mut stdout, &mut errors)? {
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

/// Writes `changes`, saying "fixed" for each only once the file is written (renamed into place). Returns
/// how many were written.
fn write_fixes(
    changes: &[fix::FileChange],
    stdout: &mut impl Write,
    errors: &mut Vec<Error>,
) -> Result<usize, Error> {
    let mut written = 0;
    for change in changes {
        if let Err(error) = fix::write_change(change) {
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

/// After a round of fixes was written without an error: checks the paths again and writes what the new
/// text needs, until a round changes nothing (at most [`FIX_ROUNDS`] rounds in all). Returns the last
/// round's plan, whose `remaining` findings are the ones left, when a round ran.
fn fix_more_rounds(
    args: &FixArgs,
    linter: &Linter,
    roots: &[PathBuf],
    stdout: &mut impl Write,
    errors: &mut Vec<Error>,
) -> Result<Option<fix::FixPlan>, Error> {
    let mut last = None;
    for _ in 1..FIX_ROUNDS {
        if !errors.is_empty() {
            break;
        }
        // Fresh sources: the files they would remember changed.
        let sources = FsSources::new(linter.policy());
        let mut plan = walk::fix_plan::plan(
            walk::check_paths(&args.paths, linter),
            linter,
            &sources,
            roots,
        );
        let failed = !plan.errors.is_empty();
        errors.append(&mut plan.errors);
        let written = if failed {
            0
        } else {
            write_fixes(&plan.changes, stdout, errors)?
        };
        last = Some(plan);
        if written == 0 {
            break;
        }
    }
    Ok(last)
}

/// A unified diff with removed lines red and added lines green, when `color`.
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

fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// A reader that went away is no error for output that only reports; the run goes on to its exit status.
fn unless_reader_left(error: io::Error) -> Result<(), Error> {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(stdout_error(error))
    }
}

fn stdout_error(error: io::Error) -> Error {
    Error::io(&PathBuf::from("<stdout>"), error)
}

fn run_mdbook(action: Option<MdbookAction>, max_request_size: u64) -> Result<u8, Error> {
    let renderer = action.map(|MdbookAction::Supports { renderer }| renderer);
    if renderer.is_none() && io::stdin().is_terminal() {
        print_error(&Error::Usage(
            mdbook::TERMINAL_HELP
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        ));
        let rest: Vec<&str> = mdbook::TERMINAL_HELP.lines().skip(1).collect();
        let _ = writeln!(io::stderr().lock(), "{}", rest.join("\n"));
        return Ok(EXIT_ERROR);
    }
    Ok(mdbook::serve(
        renderer.as_deref(),
        mdbook::PacedPipe::new(io::stdin().lock()).within(max_request_size),
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

fn completions(shell: clap_complete::Shell) -> Result<u8, Error> {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "scope-lint", &mut buffer);
    io::stdout()
        .lock()
        .write_all(&buffer)
        .map_err(stdout_error)?;
    Ok(0)
}

fn man_page() -> Result<u8, Error> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buffer)
        .map_err(stdout_error)?;
    io::stdout()
        .lock()
        .write_all(&buffer)
        .map_err(stdout_error)?;
    Ok(0)
}
