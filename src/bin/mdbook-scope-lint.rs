//! `mdbook-scope-lint`: the preprocessor under the name mdBook runs for `[preprocessor.scope-lint]` when the
//! table has no `command`. Same as `scope-lint mdbook`.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    scope_lint::guard::install_hook();
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let supports = match args.first().map(String::as_str) {
        Some("supports") => Some(args.get(1).cloned().unwrap_or_default()),
        Some("--help" | "-h") => {
            let _ = writeln!(
                io::stdout(),
                "mdbook-scope-lint: the scope-lint mdBook preprocessor (run by `mdbook build`); see `scope-lint mdbook --help`"
            );
            return ExitCode::SUCCESS;
        }
        Some("--version" | "-V") => {
            let _ = writeln!(
                io::stdout(),
                "mdbook-scope-lint {}",
                env!("CARGO_PKG_VERSION")
            );
            return ExitCode::SUCCESS;
        }
        _ => None,
    };
    if supports.is_none() && io::stdin().is_terminal() {
        let _ = writeln!(io::stderr(), "error: {}", scope_lint::mdbook::TERMINAL_HELP);
        return ExitCode::from(2);
    }
    let status = scope_lint::mdbook::serve(
        supports.as_deref(),
        scope_lint::mdbook::PacedPipe::new(io::stdin().lock()),
        io::stdout().lock(),
        &mut io::stderr(),
    );
    ExitCode::from(status)
}
