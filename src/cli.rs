//! Command-line definitions (clap), and the commands' bodies in `cli/`: `check.rs`, `fix.rs`, `import.rs`,
//! `debug.rs`, `info.rs` (`rules`, `explain`, `table`, `completions`, `man`, `mdbook`), with `linter.rs`
//! (the settings and rule selection a run uses) and `output.rs` (exit codes, colour, errors on stderr).

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

pub mod check;
pub mod debug;
pub mod fix;
pub mod import;
pub mod info;
pub mod linter;
pub mod output;

/// The subcommand names; any other first argument is read as a path for `check`.
pub const SUBCOMMANDS: &[&str] = &[
    "check",
    "fix",
    "mdbook",
    "rules",
    "explain",
    "table",
    "import",
    "debug",
    "completions",
    "man",
    "help",
];

/// The options of the whole program (any other option belongs to `check`).
const PROGRAM_OPTIONS: &[&str] = &["-h", "--help", "-V", "--version"];

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
    /// When to colour the output (`auto`: on a terminal; NO_COLOR, CLICOLOR_FORCE and FORCE_COLOR honoured)
    #[arg(long, value_enum, global = true, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
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
    /// Show how scope-lint reads pages (`debug blocks FILE...`: the block outline as JSON)
    Debug(debug::DebugArgs),
    /// Print a shell completion script (e.g. `scope-lint completions bash > /etc/bash_completion.d/scope-lint`)
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff; e.g. `scope-lint man > scope-lint.1 && man ./scope-lint.1`)
    Man,
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

/// Which rules run and which files are checked, for `check` and `fix`.
#[derive(Debug, Args, Clone, Default)]
pub struct SelectionArgs {
    /// Run only these rules (codes or names, comma-separated), whatever the policy enables
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Also run these rules (codes or names), even when the policy turns them off
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not run these rules (codes or names)
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Skip files matching this glob (repeatable; matched against the path relative to the policy's
    /// directory, the path as shown, the path below the directory given and the file name; named files
    /// too)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Print only the findings (no summary line, no "nothing to fix")
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check (directories: every .md/.mdx below, .gitignore honoured); `-` reads one
    /// page from stdin
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Which findings make the exit status 1
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Print how many findings each rule reported instead of the findings (human and concise formats)
    #[arg(long)]
    pub statistics: bool,
    /// The path of the page read from stdin (`-`): its dialect, how its includes resolve, the path reported
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Check only the pages changed since the merge base of REF and HEAD (plus uncommitted changes, and the
    /// pages that include a changed partial); a changed capability table or policy checks everything
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Parse every page, also those the relevance prefilter rules out (the findings are the same; for
    /// checking the prefilter and for benchmarks)
    #[arg(long)]
    pub no_prefilter: bool,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Files or directories to fix
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(flatten)]
    pub selection: SelectionArgs,
    /// Print a unified diff of the fixes and write nothing; exit 1 when there is something to fix or an
    /// error-level finding is left (as without it)
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Args)]
pub struct MdbookArgs {
    #[command(subcommand)]
    pub action: Option<MdbookAction>,
    /// The largest request (the book as JSON) read from mdBook, in bytes; a larger one is an error (exit 2)
    #[arg(long, value_name = "BYTES", default_value_t = scope_lint::mdbook::DEFAULT_MAX_REQUEST_SIZE)]
    pub max_request_size: u64,
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

/// `check`'s `--format`: which [`Report`](scope_lint::report::Report) writes the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics with source snippets (colour on a terminal, NO_COLOR respected).
    Human,
    /// One line a finding: `path:line:col: CODE message` (for editors' problem matchers and grep).
    Concise,
    /// One JSON document: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
    Json,
    /// SARIF 2.1.0 (for code scanning: `github/codeql-action/upload-sarif`).
    Sarif,
    /// GitHub Actions workflow commands (annotations); see `--format github` in the guide for the job summary.
    Github,
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

/// The arguments with `check` inserted when they start (after any `--color`) with an existing path, `-`
/// (stdin) or an option of `check`. Any other first word stays, so clap reports an unknown subcommand with
/// a suggestion instead of checking a path that does not exist.
pub fn with_default_command(args: Vec<OsString>) -> Vec<OsString> {
    let mut index = 1;
    while let Some(word) = args.get(index).map(|word| word.to_string_lossy()) {
        match word.as_ref() {
            "--color" => index += 2,
            _ if word.starts_with("--color=") => index += 1,
            _ => break,
        }
    }
    let Some(first) = args.get(index) else {
        return args;
    };
    let text = first.to_string_lossy();
    if SUBCOMMANDS.contains(&text.as_ref()) || PROGRAM_OPTIONS.contains(&text.as_ref()) {
        return args;
    }
    let starts_check = text.starts_with('-') || Path::new(first).exists();
    if !starts_check {
        return args;
    }
    let mut args = args;
    args.insert(index, OsString::from("check"));
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(args: &[&str]) -> Vec<String> {
        with_default_command(args.iter().map(OsString::from).collect())
            .into_iter()
            .map(|word| word.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn only_paths_and_check_options_imply_check() {
        assert_eq!(words(&["s", "src"]), ["s", "check", "src"]);
        assert_eq!(words(&["s", "-"]), ["s", "check", "-"]);
        assert_eq!(
            words(&["s", "--format", "json", "src"]),
            ["s", "check", "--format", "json", "src"]
        );
        assert_eq!(
            words(&["s", "--color", "never", "src"]),
            ["s", "--color", "never", "check", "src"]
        );
        assert_eq!(words(&["s", "chekc", "src"]), ["s", "chekc", "src"]);
        assert_eq!(words(&["s", "rules"]), ["s", "rules"]);
        assert_eq!(words(&["s", "--help"]), ["s", "--help"]);
        assert_eq!(words(&["s"]), ["s"]);
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_is_kept_as_it_is() {
        use std::os::unix::ffi::OsStringExt;
        let dir = tempfile::tempdir().unwrap();
        let mut name = dir.path().as_os_str().to_owned().into_vec();
        name.extend_from_slice(b"/bad\xff.md");
        let path = OsString::from_vec(name);
        std::fs::write(&path, "# T\n").unwrap();
        let args = vec![OsString::from("scope-lint"), path.clone()];
        assert_eq!(
            with_default_command(args),
            vec![OsString::from("scope-lint"), OsString::from("check"), path]
        );
    }
}
