//! The `scope-lint` binary: parses arguments, calls the library, prints, maps the outcome to an exit code.

mod cli;

use std::io;
use std::process::ExitCode;

use clap::Parser;

use cli::output::{COLOR, EXIT_ERROR, print_error};
use cli::{Cli, Command, check, fix, info};
use scope_lint::Error;

fn main() -> ExitCode {
    if let Some(missing) = missing_cpu_feature() {
        eprintln!(
            "error: this build of scope-lint needs a CPU with {missing}; build it with \
             RUSTFLAGS=\"-C target-feature=-{missing}\" to run here"
        );
        return ExitCode::from(EXIT_ERROR);
    }
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
        Command::Check(args) => check::run(args),
        Command::Fix(args) => fix::run(args),
        Command::Mdbook(args) => info::run_mdbook(args.action, args.max_request_size),
        Command::Rules => info::list_rules(),
        Command::Explain { rule } => info::explain(&rule),
        Command::Table(args) => info::print_table(args),
        Command::Import(args) => cli::import::run(args),
        Command::Debug(args) => cli::debug::run(args),
        Command::Completions { shell } => info::completions(shell),
        Command::Man => info::man_page(),
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

/// The CPU feature this binary was built to use (`.cargo/config.toml`) that the CPU it runs on lacks.
fn missing_cpu_feature() -> Option<&'static str> {
    #[cfg(all(target_arch = "x86_64", target_feature = "ssse3"))]
    if !std::arch::is_x86_feature_detected!("ssse3") {
        return Some("ssse3");
    }
    None
}
