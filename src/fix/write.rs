//! Writing a fixed file: through symbolic links to the real file, keeping hard links, mode, owner and
//! group, only when the file is still what was read, and atomically where the file has one name.
//!
//! A file with one link is written to a temporary file in its real directory, given the original's mode,
//! owner and group, and renamed over it. A file with several hard links, or whose owner or group the
//! process may not give the temporary file, is rewritten in place (same inode), so its links and owner
//! survive; that write is not atomic. Right before the rename (or the in-place write) the file is checked
//! again: same size, modification time and inode as when planned, and the same bytes as read.

use std::fs::{self, File, Metadata};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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
