//! Fixes: the rules' [`FixIntent`](crate::rules::FixIntent)s made into byte edits, the edits applied and
//! verified to keep each page's block structure, and the files written safely (only the edited bytes
//! change; atomic rename). Planning a whole run's fixes and re-checking the fixed pages is
//! [`crate::walk::fix_plan`], above the engine.
//!
//! - `intents.rs`: intents to the edits of one fix (insert, move, remove a call-out), with `placement.rs`
//!   for where in the text an edit goes;
//! - `apply.rs`: applying edits, combining a file's fixes, the structure check around them (the check
//!   itself is `structure.rs`, the MDX import reading it needs `imports.rs`), diffs;
//! - `write.rs`: which files a run may write and writing them.
//!
//! This file holds what a planned run's fixes are: [`FileChange`] and [`FixPlan`].

use std::path::{Path, PathBuf};

use crate::doc::source::SourceText;
use crate::error::Error;
use crate::rules::Finding;

mod apply;
mod imports;
mod intents;
mod placement;
mod structure;
mod write;

pub use apply::{Combined, apply_edits, combine, keeps_structure, unified_diff};
pub use intents::{
    insert_for_page, insert_for_section, insert_for_sections, move_callout, remove_callout,
    resolve_intents,
};
pub(crate) use write::{inside_roots, refuse_shared_files};
pub use write::{write_change, write_changes, write_file};

/// One file that the fixes change.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// The file as the run names it.
    pub path: PathBuf,
    /// The file's text as read (byte-order mark removed).
    pub before: String,
    /// The file's text with the fixes applied.
    pub after: String,
    /// Whether the file started with a byte-order mark (it is written back with it).
    pub bom: bool,
    /// What was done, one line per fix.
    pub descriptions: Vec<String>,
    /// The file that is written: `path` with every symbolic link resolved.
    pub real: PathBuf,
    /// The file's size, modification time and inode when the fix was planned.
    pub stamp: Option<write::Stamp>,
}

impl FileChange {
    /// The fixed file as it would be read from disk: `after` with the byte-order mark put back.
    pub fn as_read(&self) -> String {
        write::with_bom(&self.after, self.bom)
    }
}

/// The planned fixes of a run, verified by checking the fixed pages again.
#[derive(Debug, Default)]
pub struct FixPlan {
    /// Every file the fixes change, in path order.
    pub changes: Vec<FileChange>,
    /// The findings left after the fixes, per page (pages with none are left out).
    pub remaining: Vec<(SourceText, Vec<Finding>)>,
    /// What could not be fixed or verified (nothing of such a file is written).
    pub errors: Vec<Error>,
    /// How many files were checked.
    pub files: usize,
}

pub(crate) fn in_file(path: &Path, error: Error) -> Error {
    Error::Internal(format!(
        "{}: {error}; not written: the file stays as it was before this fix",
        path.display()
    ))
}
