//! What every command shares on the terminal: the exit codes, `--color`, errors and warnings on stderr,
//! and what a write to stdout that fails means.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::OnceLock;

use scope_lint::report::escape::escape;
use scope_lint::{Error, Linter};

use crate::cli::ColorWhen;

/// The exit code of a run that found what `--fail-on` fails on.
pub const EXIT_FINDINGS: u8 = 1;
/// The exit code of an error (bad input, a usage error, a failed write).
pub const EXIT_ERROR: u8 = 2;

/// `--color`, for the places that write to the terminal.
pub static COLOR: OnceLock<ColorWhen> = OnceLock::new();

/// A policy that requires nothing would report "no findings" for pages that lack every call-out: say so.
pub fn warn_if_requires_nothing(linter: &Linter) {
    if let Some(warning) = linter.policy().requires_nothing() {
        print_warning(&escape(&warning));
    }
}

/// Whether to colour a stream: `--color always|never`, else CLICOLOR_FORCE or FORCE_COLOR (set and not
/// `0`) force it, NO_COLOR (set and not empty) turns it off, and otherwise only a terminal gets colour.
pub fn use_color(is_terminal: bool) -> bool {
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

/// Prints an error to stderr, each of its lines labelled `error:`.
pub fn print_error(error: &Error) {
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

/// Prints a warning to stderr.
pub fn print_warning(message: &str) {
    let color = use_color(io::stderr().is_terminal());
    let label = if color {
        "\x1b[1;33mwarning\x1b[0m\x1b[1m:\x1b[0m"
    } else {
        "warning:"
    };
    let _ = writeln!(io::stderr().lock(), "{label} {message}");
}

/// `count` and `word`, plural unless the count is 1.
pub fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("{count} {word}")
    } else {
        format!("{count} {word}s")
    }
}

/// A reader that went away is no error for output that only reports; the run goes on to its exit status.
pub fn unless_reader_left(error: io::Error) -> Result<(), Error> {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(stdout_error(error))
    }
}

/// A failed write to stdout as an error.
pub fn stdout_error(error: io::Error) -> Error {
    Error::io(&PathBuf::from("<stdout>"), error)
}
