//! The commands that print and check nothing: `rules`, `explain`, `table`, `completions`, `man`; and
//! `mdbook`, the preprocessor face, which the library serves.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::CommandFactory;

use scope_lint::rules::{RULES, find_rule};
use scope_lint::{Error, mdbook};

use crate::cli::linter::linter;
use crate::cli::output::{EXIT_ERROR, print_error, stdout_error};
use crate::cli::{Cli, MdbookAction, TableArgs, TableFormat};

/// Runs the mdBook preprocessor on stdin (or answers `supports`); on a terminal, says how it is used.
pub fn run_mdbook(action: Option<MdbookAction>, max_request_size: u64) -> Result<u8, Error> {
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

/// Prints every rule: code, name, default severity, whether it fixes, summary.
pub fn list_rules() -> Result<u8, Error> {
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

/// Prints a rule's documentation.
pub fn explain(code: &str) -> Result<u8, Error> {
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

/// Prints the capability table (or one product of it) as Markdown or JSON.
pub fn print_table(args: TableArgs) -> Result<u8, Error> {
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

/// Prints the shell's completion script.
pub fn completions(shell: clap_complete::Shell) -> Result<u8, Error> {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "scope-lint", &mut buffer);
    io::stdout()
        .lock()
        .write_all(&buffer)
        .map_err(stdout_error)?;
    Ok(0)
}

/// Prints the man page.
pub fn man_page() -> Result<u8, Error> {
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
