//! Command-line definitions (clap).

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use scope_lint::report::Format;

pub mod import;

/// The subcommand names; any other first argument is read as a path for `check`.
pub const SUBCOMMANDS: &[&str] = &[
    "check", "fix", "mdbook", "rules", "explain", "table", "import", "help",
];

#[derive(Debug, Parser)]
#[command(
    name = "scope-lint",
    version,
    about = "Lint API-token permission docs against a capability table of scope granularity",
    long_about = "Lint API-token permission docs against a capability table of scope granularity.\n\n\
        scope-lint checks Markdown and MDX pages against a TOML capability table (which permission group can be \
        scoped to which resource) and a policy (which call-outs the docs must carry), and writes the missing \
        call-outs. With no scope-lint.toml, the embedded Cloudflare preset applies.\n\n\
        `scope-lint PATH...` is short for `scope-lint check PATH...`.",
    after_help = "Exit status: 0 clean, 1 findings at the failing level, 2 usage, configuration or I/O error.\n\
        Docs: `scope-lint explain SL001`, and the user guide (docs/ in the repository)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check pages and report findings (the default when a path is given)
    Check(CheckArgs),
    /// Write the fixes: insert missing call-outs, move misplaced ones, remove stale ones
    Fix(FixArgs),
    /// Run as an mdBook preprocessor (called by `mdbook build`; see the guide)
    #[command(
        long_about = "Run as an mdBook 0.5 preprocessor: mdBook writes the book as JSON to stdin and \
        reads it back from stdout. Add to book.toml:\n\n\
        [preprocessor.scope-lint]\n\
        command = \"scope-lint mdbook\"\n\
        before = [\"links\"]\n\
        mode = \"check\"      # or \"inject\"\n\
        fail-on = \"error\"   # or \"warning\", \"never\"\n\n\
        Optional keys: capabilities, config, and the policy keys of scope-lint.toml (extends, exclude, rules, \
        render, callouts, ...). Findings go to stderr with the chapter's source path."
    )]
    Mdbook(MdbookArgs),
    /// List the rules
    Rules,
    /// Show a rule's documentation
    Explain {
        /// A rule code (SL001) or name (missing-callout)
        rule: String,
    },
    /// Print the capability table as a scope matrix
    Table(TableArgs),
    /// Refresh a capability table from the permission-groups API listing (JSON)
    Import(import::ImportArgs),
}

#[derive(Debug, Args, Clone)]
pub struct SettingsArgs {
    /// The policy file (default: the first scope-lint.toml found walking up from the first path, else the
    /// embedded Cloudflare preset)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The capability table, overriding the policy's `capabilities`
    #[arg(long, value_name = "FILE")]
    pub capabilities: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories: every .md/.mdx below, .gitignore honoured)
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Which findings make the exit status 1
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Files or directories to fix
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Print a unified diff of the fixes and write nothing
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Args)]
pub struct MdbookArgs {
    #[command(subcommand)]
    pub action: Option<MdbookAction>,
}

#[derive(Debug, Subcommand)]
pub enum MdbookAction {
    /// Answer mdBook's question whether a renderer is supported (always yes)
    Supports {
        /// The renderer mdBook asks about
        renderer: String,
    },
}

#[derive(Debug, Args)]
pub struct TableArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = TableFormat::Markdown)]
    pub format: TableFormat,
    /// Only groups of this product (id)
    #[arg(long)]
    pub product: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Exit 1 when there is an error-level finding
    Error,
    /// Exit 1 when there is any finding
    Warning,
    /// Exit 0 whatever is found (I/O and configuration errors still exit 2)
    Never,
}

/// The arguments with `check` inserted when the first one is a path. Arguments are OS strings: a path need
/// not be UTF-8.
pub fn with_default_command(args: Vec<OsString>) -> Vec<OsString> {
    let Some(first) = args.get(1) else {
        return args;
    };
    let is_command = first
        .to_str()
        .is_some_and(|first| first.starts_with('-') || SUBCOMMANDS.contains(&first));
    if is_command {
        return args;
    }
    let mut args = args;
    args.insert(1, OsString::from("check"));
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_argument_that_is_a_path_gets_check_in_front() {
        let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
        assert_eq!(
            with_default_command(args(&["scope-lint", "docs"])),
            args(&["scope-lint", "check", "docs"])
        );
        assert_eq!(
            with_default_command(args(&["scope-lint", "fix", "docs"])),
            args(&["scope-lint", "fix", "docs"])
        );
        assert_eq!(
            with_default_command(args(&["scope-lint", "--version"])),
            args(&["scope-lint", "--version"])
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_is_kept_as_it_is() {
        use std::os::unix::ffi::OsStringExt;
        let path = OsString::from_vec(b"bad\xff.md".to_vec());
        let args = vec![OsString::from("scope-lint"), path.clone()];
        assert_eq!(
            with_default_command(args),
            vec![OsString::from("scope-lint"), OsString::from("check"), path]
        );
    }
}
