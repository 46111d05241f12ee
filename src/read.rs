//! Reading input files: regular files only, never more than a size cap, and never blocking on a FIFO.
//!
//! A FIFO or a device named as a page, an include, a partial, a config or a capability table would block
//! the run or feed it without end (`/dev/zero`); each is an error naming the file instead.

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

use crate::error::Error;

/// The default [`crate::policy::Policy::max_file_size`]: larger files are an error, not read.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 8 * 1024 * 1024;

/// The bytes of the regular file at `path`, or an error when it is not a regular file or is larger than
/// `limit` bytes. At most `limit + 1` bytes are read, whatever the file claims its size is.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, Error> {
    // Where the open cannot be made non-blocking, a FIFO is refused by its metadata before it is opened;
    // elsewhere the opened file is checked (one system call less a file).
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let metadata = std::fs::metadata(path).map_err(|error| Error::io(path, error))?;
        require_regular(path, &metadata)?;
    }
    let file = open_without_blocking(path).map_err(|error| open_error(path, error))?;
    // The path may have been replaced between the check and the open: check what was opened.
    let opened = file.metadata().map_err(|error| Error::io(path, error))?;
    require_regular(path, &opened)?;
    let expected = opened.len().min(limit).saturating_add(1);
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| Error::io(path, error))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, limit));
    }
    Ok(bytes)
}

/// The error for a file that could not be opened: a special file that cannot be opened (a socket) is
/// named for what it is.
fn open_error(path: &Path, error: std::io::Error) -> Error {
    match std::fs::metadata(path) {
        Ok(metadata) if !metadata.is_file() => not_regular(path, &metadata),
        _ => Error::io(path, error),
    }
}

/// The error for a file larger than `limit` bytes.
pub fn too_large(path: &Path, limit: u64) -> Error {
    Error::invalid(
        path,
        None,
        format!(
            "larger than {} (the `max-file-size` limit), not read",
            describe_size(limit)
        ),
    )
}

/// `8388608` as `8 MiB`, `1000` as `1000 bytes`.
pub fn describe_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    const KIB: u64 = 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

fn require_regular(path: &Path, metadata: &Metadata) -> Result<(), Error> {
    if metadata.is_file() {
        return Ok(());
    }
    Err(not_regular(path, metadata))
}

/// The error for the file at `path`, which `metadata` says is not a regular file.
fn not_regular(path: &Path, metadata: &Metadata) -> Error {
    Error::invalid(
        path,
        None,
        format!("not a regular file ({}), not read", describe_kind(metadata)),
    )
}

fn describe_kind(metadata: &Metadata) -> &'static str {
    if metadata.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// Opens `path` for reading; on Linux with `O_NONBLOCK`, so that a FIFO swapped in after the metadata
/// check cannot block the open (the opened file is then checked and refused).
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_limit_is_refused_after_reading_one_byte_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.md");
        std::fs::write(&path, "x".repeat(1025)).unwrap();
        assert_eq!(read_regular_file(&path, 1025).unwrap().len(), 1025);
        let error = read_regular_file(&path, 1024).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}: larger than 1 KiB (the `max-file-size` limit), not read",
                path.display()
            )
        );
    }

    #[test]
    fn a_directory_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let error = read_regular_file(dir.path(), 10).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}: not a regular file (a directory), not read",
                dir.path().display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_not_read() {
        // /dev/zero never ends and /dev/null is empty: both are character devices, refused before reading.
        for device in ["/dev/zero", "/dev/null"] {
            let error = read_regular_file(Path::new(device), DEFAULT_MAX_FILE_SIZE)
                .unwrap_err()
                .to_string();
            assert_eq!(
                error,
                format!("{device}: not a regular file (a character device), not read")
            );
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pipe.md");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &path,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
        )
        .unwrap();
        // No writer ever opens the FIFO: a blocking open would never return.
        let error = read_regular_file(&path, 10).unwrap_err().to_string();
        assert_eq!(
            error,
            format!("{}: not a regular file (a FIFO), not read", path.display())
        );
        let opened = open_without_blocking(&path).unwrap().metadata().unwrap();
        assert_eq!(
            require_regular(&path, &opened).unwrap_err().to_string(),
            format!("{}: not a regular file (a FIFO), not read", path.display())
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_socket_is_named_for_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("socket.md");
        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        let error = read_regular_file(&path, 10).unwrap_err().to_string();
        assert_eq!(
            error,
            format!(
                "{}: not a regular file (a socket), not read",
                path.display()
            )
        );
    }
}
