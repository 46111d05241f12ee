//! `scope-lint import LISTING.json --table FILE`: arguments, output and the write.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use scope_lint::Error;
use scope_lint::table::import::{self, Change, ChangeKind, ImportPlan};

#[derive(Debug, Args)]
#[command(
    long_about = "Refresh a capability table from the permission-groups API listing.\n\n\
    LISTING is what `GET /user/tokens/permission_groups` (or `/accounts/{id}/tokens/permission_groups`) returns: \
    the API envelope {success, errors, messages, result: [...]} or a bare array of {id, name, scopes}. Groups \
    are keyed on `id`; new groups are added, renamed groups keep their old name in `former-names`, re-scoped \
    groups get the listing's scopes, and groups the listing lacks are reported (removed with --prune). The \
    table is edited in place, keeping comments, order and hand-curated keys.\n\n\
    Exit status: 0 done (or, with --check, nothing would change), 1 with --check when something would \
    change, 2 on an invalid listing or table (nothing is written)."
)]
pub struct ImportArgs {
    /// The permission-groups listing (JSON)
    #[arg(value_name = "LISTING.json")]
    pub listing: PathBuf,
    /// The capability table to update
    #[arg(long, value_name = "FILE")]
    pub table: PathBuf,
    /// Write nothing; exit 1 when the import would change the table
    #[arg(long)]
    pub check: bool,
    /// Remove the table's groups that the listing does not hold
    #[arg(long)]
    pub prune: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = ImportFormat::Human)]
    pub format: ImportFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    Human,
    Json,
}

/// Runs the import; the exit code follows `--check`.
pub fn run(args: ImportArgs) -> Result<u8, Error> {
    let listing_text = read(&args.listing)?;
    let table_text = read(&args.table)?;
    let listing = import::parse_listing(&listing_text, &args.listing)?;
    let plan = import::plan(
        &table_text,
        &args.table,
        &listing,
        &args.listing,
        args.prune,
    )?;
    let changed = !plan.changes.is_empty();
    if changed && !args.check {
        scope_lint::fix::write_file(&args.table, table_text.as_bytes(), plan.text.as_bytes())?;
    }
    let mut stderr = anstream::stderr();
    for warning in &plan.warnings {
        let _ = writeln!(stderr, "warning: {warning}");
    }
    let output = match args.format {
        ImportFormat::Human => human(&plan, &args),
        ImportFormat::Json => json(&plan),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(output.as_bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(Error::io(Path::new("<stdout>"), error));
        }
        _ => {}
    }
    Ok(u8::from(changed && args.check))
}

/// A regular file up to the 8 MiB default cap, as UTF-8: `import /dev/zero` or a FIFO is an error naming
/// it, not a read that never ends.
fn read(path: &Path) -> Result<String, Error> {
    let bytes = scope_lint::read::read_regular_file(path, scope_lint::read::DEFAULT_MAX_FILE_SIZE)?;
    scope_lint::walk::decode(path, bytes)
}

/// Up to this many missing groups are listed one a line; more (a partial listing) are counted.
const MISSING_LISTED: usize = 10;

fn human(plan: &ImportPlan, args: &ImportArgs) -> String {
    let mut out = String::new();
    for change in &plan.changes {
        out.push_str(&describe(change));
        out.push('\n');
    }
    if plan.missing.len() <= MISSING_LISTED {
        for missing in &plan.missing {
            out.push_str(&format!(
                "missing    `{}`{}: not in the listing; kept (--prune removes it)\n",
                missing.name,
                id_suffix(&missing.id)
            ));
        }
    } else {
        out.push_str(&format!(
            "missing    {} groups of the table are not in the listing; kept (--prune removes them, --format json lists them)\n",
            plan.missing.len()
        ));
    }
    let table = args.table.display();
    let count = plan.changes.len();
    let changes = if count == 1 { "change" } else { "changes" };
    out.push_str(&match (count, args.check) {
        (0, _) => format!("{table} is up to date with {}\n", args.listing.display()),
        (_, true) => {
            format!("{table}: {count} {changes} would be made (--check: nothing written)\n")
        }
        (_, false) => format!("{table}: {count} {changes} written\n"),
    });
    out
}

fn describe(change: &Change) -> String {
    let id = id_suffix(&change.id);
    let scopes = |scopes: &Option<Vec<String>>| scopes.as_deref().unwrap_or_default().join(", ");
    match change.kind {
        ChangeKind::Added => format!(
            "added      `{}`{id}: product `{}`, scopes {}",
            change.name,
            change.product.as_deref().unwrap_or_default(),
            scopes(&change.scopes)
        ),
        ChangeKind::Removed => format!(
            "removed    `{}`{id}: not in the listing (--prune)",
            change.name
        ),
        ChangeKind::Renamed => format!(
            "renamed    `{}` -> `{}`{id}: the old name is kept in `former-names`",
            change.old_name.as_deref().unwrap_or_default(),
            change.name
        ),
        ChangeKind::Rescoped => format!(
            "rescoped   `{}`{id}: scopes {} -> {}",
            change.name,
            scopes(&change.old_scopes),
            scopes(&change.scopes)
        ),
        ChangeKind::Identified => format!(
            "identified `{}`{id}: matched by name, the id is added",
            change.name
        ),
    }
}

fn id_suffix(id: &Option<String>) -> String {
    id.as_deref()
        .map(|id| format!(" ({id})"))
        .unwrap_or_default()
}

/// `{"version": 1, "changes": [...], "missing": [...]}`, keys in this order.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    version: u32,
    changes: &'a [Change],
    missing: &'a [import::Missing],
}

fn json(plan: &ImportPlan) -> String {
    let document = JsonReport {
        version: 1,
        changes: &plan.changes,
        missing: &plan.missing,
    };
    format!(
        "{}\n",
        serde_json::to_string_pretty(&document).expect("the changes serialise")
    )
}
