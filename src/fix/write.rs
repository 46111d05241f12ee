//! Writing fixed files: which files a run may write (the real file must lie under the paths given; one
//! real file fixed through two names is refused), and writing one through symbolic links to the real file, keeping hard links, mode, owner and
//! group, only when the file is still what was read, and atomically where the file has one name.
//!
//! A file with one link is written to a temporary file in its real directory, given the original's mode,
//! owner and group, and renamed over it. A file with several hard links, or whose owner or group the
//! process may not give the temporary file, is rewritten in place (same inode), so its links and owner
//! survive; that write is not atomic. Right before the rename (or the in-place write) the file is checked
//! again: same size, modification time and inode as when planned, and the same bytes as read.

use std::collections::BTreeMap;
use std::fs::{self, File, Metadata};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::FileChange;
use crate::error::{Error, Result};

/// What a file looked like when its fix was planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: Option<(u64, u64)>,
}

impl Stamp {
    pub fn of(metadata: &Metadata) -> Stamp {
        Stamp {
            len: metadata.len(),
            modified: metadata.modified().ok(),
            inode: inode(metadata),
        }
    }
}

#[cfg(unix)]
fn inode(metadata: &Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((metadata.dev(), metadata.ino()))
}

#[cfg(not(unix))]
fn inode(_: &Metadata) -> Option<(u64, u64)> {
    None
}

/// One file to write.
pub(crate) struct Job<'a> {
    /// The path as shown (maybe a symbolic link).
    pub shown: &'a Path,
    /// The resolved path: the file that is written.
    pub real: &'a Path,
    /// The bytes read, to compare against right before writing.
    pub expected: &'a [u8],
    pub stamp: Option<&'a Stamp>,
    pub bytes: &'a [u8],
}

/// Writes one file (see the module doc); on error nothing was written.
pub(crate) fn write(job: &Job<'_>) -> Result<()> {
    let fail = |error: io::Error| Error::io(job.shown, error);
    let metadata = fs::metadata(job.real).map_err(fail)?;
    // Opening for writing asks the system whether this user may write the file; a rename over a file the
    // user may not write would otherwise replace it anyway.
    let mut file = File::options()
        .read(true)
        .write(true)
        .open(job.real)
        .map_err(|error| {
            if error.kind() == io::ErrorKind::PermissionDenied {
                left_alone(job.shown, "not writable by this user")
            } else {
                fail(error)
            }
        })?;
    if links(&metadata) > 1 {
        unchanged(job, &mut file)?;
        return write_in_place(&mut file, job.bytes).map_err(fail);
    }
    let directory = match job.real.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".scope-lint-")
        .tempfile_in(&directory)
        .map_err(|error| {
            left_alone(
                job.shown,
                &format!(
                    "cannot create a temporary file in {}: {}",
                    directory.display(),
                    crate::error::describe_io(&error)
                ),
            )
        })?;
    if !same_owner(temporary.as_file(), &metadata) {
        // The process may not give the new file the original's owner or group: keep the inode instead.
        drop(temporary);
        unchanged(job, &mut file)?;
        return write_in_place(&mut file, job.bytes).map_err(fail);
    }
    temporary.write_all(job.bytes).map_err(fail)?;
    // After the owner: changing the owner clears set-user-ID and set-group-ID bits.
    fs::set_permissions(temporary.path(), metadata.permissions()).map_err(fail)?;
    temporary.as_file().sync_all().map_err(fail)?;
    unchanged(job, &mut file)?;
    temporary
        .persist(job.real)
        .map_err(|error| fail(error.error))?;
    Ok(())
}

fn left_alone(path: &Path, why: &str) -> Error {
    Error::io(path, io::Error::other(format!("{why}; left alone")))
}

/// Errors when the file changed since it was read: its size, modification time or inode differ from the
/// stamp, or its bytes from the ones read.
fn unchanged(job: &Job<'_>, file: &mut File) -> Result<()> {
    let changed = || {
        Error::io(
            job.shown,
            io::Error::other(
                "changed on disk since it was read; left alone, run `scope-lint fix` again",
            ),
        )
    };
    let now = fs::metadata(job.real).map_err(|error| Error::io(job.shown, error))?;
    if job.stamp.is_some_and(|stamp| *stamp != Stamp::of(&now)) {
        return Err(changed());
    }
    let mut current = Vec::with_capacity(job.expected.len());
    file.rewind()
        .and_then(|()| file.read_to_end(&mut current))
        .map_err(|error| Error::io(job.shown, error))?;
    if current != job.expected {
        return Err(changed());
    }
    Ok(())
}

fn write_in_place(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    file.rewind()?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()
}

#[cfg(unix)]
fn links(metadata: &Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    metadata.nlink()
}

#[cfg(not(unix))]
fn links(_: &Metadata) -> u64 {
    1
}

/// Gives `file` the owner and group of `original` where the process may; whether they now match.
#[cfg(unix)]
fn same_owner(file: &File, original: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(current) = file.metadata() else {
        return false;
    };
    if current.uid() == original.uid() && current.gid() == original.gid() {
        return true;
    }
    std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid())).is_ok()
}

#[cfg(not(unix))]
fn same_owner(_: &File, _: &Metadata) -> bool {
    true
}

/// The real path of `path` and its stamp, when the real path lies under the real path of one of `roots`.
pub(crate) fn inside_roots(path: &Path, roots: &[PathBuf]) -> Result<(PathBuf, Option<Stamp>)> {
    let real = std::fs::canonicalize(path).map_err(|error| Error::io(path, error))?;
    let current = [PathBuf::from(".")];
    let roots = if roots.is_empty() {
        &current[..]
    } else {
        roots
    };
    let inside = roots
        .iter()
        .filter_map(|root| std::fs::canonicalize(root).ok())
        .any(|root| real.starts_with(root));
    if !inside {
        return Err(Error::io(
            path,
            std::io::Error::other(format!(
                "resolves to {}, outside the paths given; left alone",
                real.display()
            )),
        ));
    }
    let stamp = std::fs::metadata(&real)
        .ok()
        .map(|metadata| Stamp::of(&metadata));
    Ok((real, stamp))
}

/// Two changes of one real file under different names (a page that is also included as a partial through
/// another path) would overwrite each other: neither is written.
pub(crate) fn refuse_shared_files(
    changes: &mut BTreeMap<PathBuf, FileChange>,
    errors: &mut Vec<Error>,
) {
    let mut by_real: BTreeMap<&Path, Vec<&Path>> = BTreeMap::new();
    for change in changes.values() {
        by_real.entry(&change.real).or_default().push(&change.path);
    }
    let shared: Vec<PathBuf> = by_real
        .into_values()
        .filter(|paths| paths.len() > 1)
        .flat_map(|paths| {
            errors.push(Error::Internal(format!(
                "{}: fixed through {} different paths ({}); nothing was written for it",
                paths[0].display(),
                paths.len(),
                paths
                    .iter()
                    .map(|path| path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
            paths.into_iter().map(Path::to_path_buf)
        })
        .collect();
    changes.retain(|path, _| !shared.contains(path));
}

/// Writes one change (see [`write`]): through symbolic links, keeping hard links, mode, owner and group,
/// and only when the file is still what was read. On error nothing was written.
pub fn write_change(change: &FileChange) -> Result<()> {
    let expected = with_bom(&change.before, change.bom);
    let bytes = with_bom(&change.after, change.bom);
    write(&Job {
        shown: &change.path,
        real: &change.real,
        expected: expected.as_bytes(),
        stamp: change.stamp.as_ref(),
        bytes: bytes.as_bytes(),
    })
}

/// Writes `bytes` to `path` as a fix writes a page (see [`write`]): through a symbolic link, keeping links,
/// mode and owner, and only when the file still holds `expected`. On error nothing was written.
pub fn write_file(path: &Path, expected: &[u8], bytes: &[u8]) -> Result<()> {
    let real = std::fs::canonicalize(path).map_err(|error| Error::io(path, error))?;
    write(&Job {
        shown: path,
        real: &real,
        expected,
        stamp: None,
        bytes,
    })
}

/// Writes every change; returns the errors (a change with an error was not written).
pub fn write_changes(changes: &[FileChange]) -> Vec<Error> {
    changes
        .iter()
        .filter_map(|change| write_change(change).err())
        .collect()
}

/// `text` with a byte-order mark before it when `bom` says so.
pub(super) fn with_bom(text: &str, bom: bool) -> String {
    if bom {
        format!("\u{feff}{text}")
    } else {
        text.to_owned()
    }
}
