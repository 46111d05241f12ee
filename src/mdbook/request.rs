//! Reading mdBook's request: stdin paced so that mdBook's many small writes arrive in batches, a record
//! of the bytes read (the book goes back as it came when nothing changed), and the book's place in it.

use std::io::Read;

/// How much is asked of stdin at a time.
pub(super) const REQUEST_CHUNK: usize = 1 << 20;

/// The largest request read by default: a whole book, with room to spare (`--max-request-size`).
pub const DEFAULT_MAX_REQUEST_SIZE: u64 = 512 * 1024 * 1024;

/// stdin as mdBook fills it. mdBook serialises the request straight into the pipe, unbuffered: one
/// `write` per JSON token or string piece, about 130,000 of them for a 3.6 MB book. A reader that waits on
/// the empty pipe is woken by each of them, and the two processes take turns a few bytes at a time, which
/// costs more than all of scope-lint's checking. So, when stdin is a pipe that can be widened to 1 MiB
/// (Linux), this widens it and, after a read that found less than [`PacedPipe::BATCH`] bytes waiting, lets
/// the writer fill it for [`PacedPipe::PAUSE`] before reading again: mdBook then writes into a non-empty
/// pipe without waking anybody, and the request arrives in a few dozen reads. The cost is at most one pause
/// after the last byte. A pipe that stays small (other systems, or a lower `pipe-max-size`) is read as it
/// is: there a full pipe already gives a short read, and pausing would only slow the reading down.
pub struct PacedPipe<R> {
    inner: R,
    pause: Option<std::time::Duration>,
    last_read_was_short: bool,
    /// Bytes read so far, and the most that may be read ([`PacedPipe::within`]).
    read: u64,
    limit: u64,
}

impl<R> PacedPipe<R> {
    /// How long to let the writer work after a short read.
    pub const PAUSE: std::time::Duration = std::time::Duration::from_millis(1);
    /// A read that returns less than this (and less than asked for) found the pipe nearly empty.
    pub const BATCH: usize = 64 << 10;
    /// The pipe size asked for (Linux allows unprivileged processes up to `/proc/sys/fs/pipe-max-size`,
    /// 1 MiB by default).
    #[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
    const PIPE_SIZE: usize = 1 << 20;
    /// The smallest pipe worth pacing: one that holds several batches.
    #[cfg_attr(not(any(target_os = "linux", target_os = "android")), allow(dead_code))]
    const PACED_PIPE_SIZE: usize = 4 * Self::BATCH;

    /// Reads `inner` as it is.
    fn unpaced(inner: R) -> Self {
        Self {
            inner,
            pause: None,
            last_read_was_short: false,
            read: 0,
            limit: DEFAULT_MAX_REQUEST_SIZE,
        }
    }

    /// Refuses to read past `limit` bytes: a read that would is an error (`ErrorKind::FileTooLarge`), and
    /// so is every read after it.
    pub fn within(self, limit: u64) -> Self {
        Self { limit, ..self }
    }
}

/// Whether `error` is the one [`PacedPipe`] gives past its limit.
pub(crate) fn is_too_large(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::FileTooLarge
}

#[cfg(any(target_os = "linux", target_os = "android"))]
impl<R: Read + std::os::fd::AsFd> PacedPipe<R> {
    /// Paces `inner` if it is a pipe that could be widened; anything else (a file, a terminal, a small
    /// pipe) is read as it is.
    pub fn new(inner: R) -> Self {
        let is_pipe = rustix::fs::fstat(&inner)
            .is_ok_and(|stat| rustix::fs::FileType::from_raw_mode(stat.st_mode).is_fifo());
        let widened = is_pipe
            && rustix::pipe::fcntl_setpipe_size(&inner, Self::PIPE_SIZE)
                .is_ok_and(|size| size >= Self::PACED_PIPE_SIZE);
        Self {
            pause: widened.then_some(Self::PAUSE),
            ..Self::unpaced(inner)
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
impl<R: Read> PacedPipe<R> {
    /// Reads `inner` as it is: pipes cannot be widened here.
    pub fn new(inner: R) -> Self {
        Self::unpaced(inner)
    }
}

impl<R: Read> Read for PacedPipe<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if let Some(pause) = self.pause.filter(|_| self.last_read_was_short) {
            std::thread::sleep(pause);
        }
        let too_large = || {
            std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                format!(
                    "the request is larger than {} (`scope-lint mdbook --max-request-size`), not read",
                    crate::read::describe_size(self.limit)
                ),
            )
        };
        if self.read > self.limit {
            return Err(too_large());
        }
        let read = self.inner.read(buffer)?;
        self.read += read as u64;
        if self.read > self.limit {
            return Err(too_large());
        }
        self.last_read_was_short = read > 0 && read < buffer.len().min(Self::BATCH);
        Ok(read)
    }
}

/// A reader that keeps a copy of everything read through it.
pub(super) struct Recorded<R> {
    inner: R,
    bytes: Vec<u8>,
}

impl<R: Read> Recorded<R> {
    pub(super) fn new(inner: R) -> Self {
        Recorded {
            inner,
            bytes: Vec::with_capacity(REQUEST_CHUNK),
        }
    }

    /// Everything read so far.
    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }
}

impl<R: Read> Read for Recorded<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.bytes.extend_from_slice(&buffer[..read]);
        Ok(read)
    }
}

/// The book's own JSON in a `[context, book]` request.
pub(super) fn raw_book(request: &str) -> Option<&str> {
    let rest = request.trim_start().strip_prefix('[')?;
    let mut values = serde_json::Deserializer::from_str(rest).into_iter::<serde::de::IgnoredAny>();
    values.next()?.ok()?;
    let book = rest[values.byte_offset()..]
        .trim_start()
        .strip_prefix(',')?
        .trim_end()
        .strip_suffix(']')?;
    Some(book.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: &str = r#"{"root":"/b","config":{"book":{"title":"T"}},"renderer":"html","mdbook_version":"0.5.4"}"#;

    #[test]
    fn the_book_is_cut_from_the_request_as_sent() {
        let book = r#"{"items":[{"Chapter":{"content":"a ] , [ \" }"}}]}"#;
        assert_eq!(raw_book(&format!(" [ {CONTEXT} ,\n{book} ]\n")), Some(book));
        assert_eq!(raw_book(&format!("[{CONTEXT}]")), None);
        assert_eq!(raw_book("[1, 2"), None);
    }

    #[test]
    fn what_is_read_is_recorded() {
        let mut recorded = Recorded::new(&b"[1, 2]"[..]);
        let mut first = [0; 4];
        recorded.read_exact(&mut first).unwrap();
        assert_eq!(recorded.into_bytes(), b"[1, ");
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[test]
    fn a_pipe_written_a_few_bytes_at_a_time_is_read_in_batches() {
        use std::io::Write;
        let (reader, mut writer) = std::io::pipe().expect("a pipe");
        let pieces = 20_000;
        let writing = std::thread::spawn(move || {
            for _ in 0..pieces {
                writer.write_all(b"[1,2,3]").expect("written");
            }
        });
        let mut paced = PacedPipe::new(reader);
        let mut chunk = vec![0; REQUEST_CHUNK];
        let (mut bytes, mut reads) = (0, 0);
        loop {
            let read = paced.read(&mut chunk).expect("read");
            if read == 0 {
                break;
            }
            bytes += read;
            reads += 1;
        }
        writing.join().expect("the writer finishes");
        assert_eq!(bytes, 7 * pieces);
        assert!(reads < pieces / 10, "{reads} reads for {pieces} writes");
    }
}
