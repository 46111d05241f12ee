//! Reading pages and included files from disk ([`FsSources`]): UTF-8 text only (binary files and invalid
//! UTF-8 are errors naming the line); an included file is kept parsed while a page that renders it is
//! still to be checked.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::doc::source::SourceText;
use crate::doc::{Dialect, Page};
use crate::error::Error;
use crate::read::{DEFAULT_MAX_FILE_SIZE, read_regular_file};
use crate::source::include_graph::IncludeGraph;
use crate::source::{Sources, SourcesMemo, file_key};
use crate::text::lines::byte_lines_and_breaks;

/// Reads a Markdown/MDX file as text: binary files and invalid UTF-8 are errors naming the line; so are
/// files that are not regular files or larger than [`DEFAULT_MAX_FILE_SIZE`].
pub fn read_source(path: &Path) -> Result<String, Error> {
    read_source_within(path, DEFAULT_MAX_FILE_SIZE)
}

/// [`read_source`] with a size limit of `limit` bytes (the policy's `max-file-size`).
pub fn read_source_within(path: &Path, limit: u64) -> Result<String, Error> {
    let bytes = read_regular_file(path, limit)?;
    decode(path, bytes)
}

/// Reads the page at `path` (at most `limit` bytes) and hands its text to `read` without copying it into a
/// `String`: for pages read once and dropped, such as the ones the prefilter rules out. Errors as
/// [`read_source_within`].
pub fn with_text_within<R>(
    path: &Path,
    limit: u64,
    read: impl FnOnce(&str) -> R,
) -> Result<R, Error> {
    let bytes = read_regular_file(path, limit)?;
    match simdutf8::basic::from_utf8(&bytes) {
        Ok(text) if memchr::memchr(0, &bytes).is_none() => Ok(read(text)),
        // `decode` names the error's line and column.
        _ => decode(path, bytes).map(|text| read(&text)),
    }
}

/// Decodes a page's bytes (`path` names it in errors): binary files and invalid UTF-8 are errors.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, Error> {
    if let Some(index) = memchr::memchr(0, &bytes) {
        let (line, _) = line_and_start(&bytes[..index]);
        return Err(Error::invalid(
            path,
            None,
            format!("binary file (NUL byte on line {line}), not checked"),
        ));
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        let (line, line_start) = line_and_start(&bytes[..valid]);
        // The valid prefix is UTF-8: the column counts its characters, as finding positions do (which
        // do not count the byte-order mark the page is read without).
        let counted_from = match line_start {
            0 if bytes.starts_with(b"\xef\xbb\xbf") => 3.min(valid),
            _ => line_start,
        };
        let column = std::str::from_utf8(&bytes[counted_from..valid])
            .map_or(valid - counted_from, |line| line.chars().count())
            + 1;
        Error::invalid(
            path,
            Some(crate::doc::source::Position { line, column }),
            "not valid UTF-8 (only UTF-8 text is checked)",
        )
    })
}

/// The line (1-based) at the end of `before`, and where that line starts, with lines broken as CommonMark
/// breaks them ([`byte_lines_and_breaks`]).
fn line_and_start(before: &[u8]) -> (usize, usize) {
    byte_lines_and_breaks(before)
        .enumerate()
        .last()
        .map_or((1, 0), |(index, (line, _))| (index + 1, line.start))
}

/// Whether reading failed because there is no file at the path: not an error for an included file
/// (includes may name files generated later, and partials are looked for in several places).
pub fn names_no_file(error: &Error) -> bool {
    matches!(
        error,
        Error::Io { source, .. } if matches!(
            source.kind(),
            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
        )
    )
}

/// The file system: pages and the files they include read from disk (see [`read_source_within`] for what is
/// refused). An included file is kept parsed only while a page that renders it is still to be checked,
/// once the run has said which pages those are ([`FsSources::set_graph`]); before that (and in runs that
/// never say, such as one page from stdin or the re-check of fixed pages) it is kept for the run.
pub struct FsSources {
    cache: Mutex<Cache>,
    memo: SourcesMemo,
    /// The largest file read, in bytes.
    limit: u64,
    /// Included files that exist but could not be read (not a regular file, too large, not UTF-8).
    errors: Mutex<Vec<Error>>,
    /// The run's include graph, once built: which includes close a cycle.
    graph: OnceLock<IncludeGraph>,
    /// Set with the graph: how many pages still to be checked render each file.
    pending: OnceLock<Pending>,
}

/// Included files parsed, by the path they were asked for, and the spellings of each file (by
/// [`file_key`]), so that a file is dropped under every path it was asked for.
#[derive(Default)]
struct Cache {
    pages: HashMap<PathBuf, Option<Arc<Page>>>,
    spellings: HashMap<PathBuf, Vec<PathBuf>>,
}

/// Which files the pages still to be checked render (see [`IncludeGraph::rendered_by`]).
struct Pending {
    /// For each page to check (by [`file_key`]), the files it renders.
    renders: HashMap<PathBuf, Vec<PathBuf>>,
    /// For each rendered file, how many pages that render it are not checked yet.
    left: Mutex<HashMap<PathBuf, usize>>,
}

impl Default for FsSources {
    fn default() -> Self {
        FsSources {
            cache: Mutex::default(),
            memo: SourcesMemo::default(),
            limit: DEFAULT_MAX_FILE_SIZE,
            errors: Mutex::default(),
            graph: OnceLock::new(),
            pending: OnceLock::new(),
        }
    }
}

impl FsSources {
    /// Sources that read files up to the policy's `max-file-size`.
    pub fn new(policy: &crate::policy::Policy) -> Self {
        FsSources {
            limit: policy.max_file_size,
            ..FsSources::default()
        }
    }

    /// Reads the page at `path` and hands its text to `read` ([`with_text_within`]).
    pub fn with_page<R>(&self, path: &Path, read: impl FnOnce(&str) -> R) -> Result<R, Error> {
        with_text_within(path, self.limit, read)
    }

    /// Follows only the includes `graph` does not cut, and keeps an included file parsed only while one
    /// of `pages` (those still to be checked) renders it; each page says when it is checked with
    /// [`Sources::done`]. Set once, before pages are checked.
    pub fn set_graph<'p>(&self, graph: IncludeGraph, pages: impl Iterator<Item = &'p Path>) {
        let renders: HashMap<PathBuf, Vec<PathBuf>> = pages
            .map(|page| {
                let key = file_key(page);
                let rendered = graph.rendered_by(&key);
                (key, rendered)
            })
            .collect();
        let mut left: HashMap<PathBuf, usize> = HashMap::default();
        for file in renders.values().flatten() {
            *left.entry(file.clone()).or_default() += 1;
        }
        let _ = self.graph.set(graph);
        let _ = self.pending.set(Pending {
            renders,
            left: Mutex::new(left),
        });
        // What was parsed while the graph was built and no page renders is not kept.
        let unwanted: Vec<PathBuf> = {
            let cache = self.cache.lock().expect("not poisoned");
            cache
                .spellings
                .keys()
                .filter(|key| !self.wanted(key))
                .cloned()
                .collect()
        };
        self.forget(&unwanted);
    }

    /// The included files that exist but could not be read, each once, in path order; a run that
    /// follows includes reports them (a missing file is not one of them: includes may name files that
    /// are generated later, and partials are looked for in several places).
    pub fn take_errors(&self) -> Vec<Error> {
        let mut errors = std::mem::take(&mut *self.errors.lock().expect("not poisoned"));
        errors.sort_by_key(|error| error.to_string());
        errors.dedup_by(|a, b| a.to_string() == b.to_string());
        errors
    }

    /// How many included files are kept parsed now.
    pub fn kept(&self) -> usize {
        self.cache.lock().expect("not poisoned").pages.len()
    }

    /// Whether the file with [`file_key`] `key` is kept once parsed: while a page still to be checked
    /// renders it, or always when the run has not said which pages those are.
    fn wanted(&self, key: &Path) -> bool {
        self.pending.get().is_none_or(|pending| {
            pending
                .left
                .lock()
                .expect("not poisoned")
                .get(key)
                .is_some_and(|left| *left > 0)
        })
    }

    /// Drops the files with the [`file_key`]s `keys`, parsed and as the memo remembers them.
    fn forget(&self, keys: &[PathBuf]) {
        let mut spellings: HashSet<PathBuf> = HashSet::default();
        {
            let mut cache = self.cache.lock().expect("not poisoned");
            for key in keys {
                for spelling in cache.spellings.remove(key).unwrap_or_default() {
                    cache.pages.remove(&spelling);
                    spellings.insert(spelling);
                }
            }
        }
        if !spellings.is_empty() {
            self.memo
                .contributions
                .forget(|(path, ..)| spellings.contains(path));
        }
    }
}

impl Sources for FsSources {
    fn page(&self, path: &Path) -> Result<String, Error> {
        read_source_within(path, self.limit)
    }

    fn text(&self, path: &Path) -> Option<String> {
        // A file kept parsed is not read again: the files do not change during a run.
        if let Some(cached) = self.cache.lock().expect("not poisoned").pages.get(path) {
            return cached
                .as_ref()
                .map(|page| page.source.with_bom(page.text()));
        }
        match read_source_within(path, self.limit) {
            Ok(text) => Some(text),
            Err(error) if names_no_file(&error) => None,
            Err(error) => {
                self.errors.lock().expect("not poisoned").push(error);
                None
            }
        }
    }

    fn load(&self, path: &Path, dialect: Dialect) -> Option<Arc<Page>> {
        if let Some(cached) = self.cache.lock().expect("not poisoned").pages.get(path) {
            return cached.clone();
        }
        let page = self
            .text(path)
            .map(|text| Arc::new(Page::parse(SourceText::new(path, text), dialect)));
        let key = file_key(path);
        if self.wanted(&key) {
            let mut cache = self.cache.lock().expect("not poisoned");
            cache.pages.insert(path.to_path_buf(), page.clone());
            cache
                .spellings
                .entry(key)
                .or_default()
                .push(path.to_path_buf());
        }
        page
    }

    fn memo(&self) -> Option<&SourcesMemo> {
        Some(&self.memo)
    }

    fn holds_file(&self, path: &Path) -> bool {
        if self
            .cache
            .lock()
            .expect("not poisoned")
            .pages
            .contains_key(path)
        {
            return true;
        }
        // Anything there but a missing file is the include's: reading it reports what it is.
        match std::fs::metadata(path) {
            Ok(_) => true,
            Err(error) => !matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ),
        }
    }

    fn may_hold_files(&self, directory: &Path) -> bool {
        // Any other error (a directory that cannot be searched) leaves the files below it to be asked
        // for, so that reading them reports it.
        match std::fs::metadata(directory) {
            Ok(metadata) => metadata.is_dir(),
            Err(error) => !matches!(
                error.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ),
        }
    }

    fn follows(&self, from: &Path, to: &Path) -> bool {
        self.graph.get().is_none_or(|graph| graph.follows(from, to))
    }

    fn done(&self, path: &Path) {
        let Some(pending) = self.pending.get() else {
            return;
        };
        let Some(rendered) = pending.renders.get(&file_key(path)) else {
            return;
        };
        let mut finished = Vec::new();
        {
            let mut left = pending.left.lock().expect("not poisoned");
            for file in rendered {
                if let Some(count) = left.get_mut(file) {
                    *count = count.saturating_sub(1);
                    if *count == 0 {
                        left.remove(file);
                        finished.push(file.clone());
                    }
                }
            }
        }
        self.forget(&finished);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_and_invalid_utf8_name_the_line() {
        let binary = decode(Path::new("a.md"), b"ok\nx\0".to_vec())
            .unwrap_err()
            .to_string();
        assert_eq!(
            binary,
            "a.md: binary file (NUL byte on line 2), not checked"
        );
        let invalid = decode(Path::new("a.md"), b"ok\nab\xff".to_vec())
            .unwrap_err()
            .to_string();
        assert_eq!(
            invalid,
            "a.md:2:3: not valid UTF-8 (only UTF-8 text is checked)"
        );
    }

    #[test]
    fn text_read_in_place_is_the_decoded_text_and_fails_as_decoding_does() {
        let directory = tempfile::tempdir().expect("a temporary directory");
        for (name, bytes) in [
            ("ascii.md", b"# AI Gateway\n".as_slice()),
            ("multi.md", "日本語 😀 é\u{301} שלום\r\n".as_bytes()),
            ("empty.md", b""),
            ("binary.md", "é\n\0".as_bytes()),
            ("invalid.md", b"ok\n\xe6\x97\xa5x\xe6\x97"),
            ("overlong.md", b"a\xc0\xafb"),
            ("surrogate.md", b"a\xed\xa0\x80"),
        ] {
            let path = directory.path().join(name);
            std::fs::write(&path, bytes).expect("the fixture is written");
            let in_place = with_text_within(&path, 1024, str::to_owned).map_err(|e| e.to_string());
            let decoded = read_source_within(&path, 1024).map_err(|e| e.to_string());
            assert_eq!(in_place, decoded, "{name}");
        }
        let too_large = directory.path().join("ascii.md");
        assert!(with_text_within(&too_large, 4, |_| ()).is_err());
    }

    #[test]
    fn positions_count_characters_and_every_line_break() {
        let invalid = decode(
            Path::new("a.md"),
            b"a\nb\n\xe6\x97\xa5\xf0\x9f\x8e\x89x\xff\n".to_vec(),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            invalid,
            "a.md:3:4: not valid UTF-8 (only UTF-8 text is checked)"
        );
        let after_lone_cr = decode(Path::new("a.md"), b"a\rb\r\nc\n\xe6\x97\xa5\x00".to_vec())
            .unwrap_err()
            .to_string();
        assert_eq!(
            after_lone_cr,
            "a.md: binary file (NUL byte on line 4), not checked"
        );
        let invalid_after_cr = decode(Path::new("a.md"), b"a\r\xd7\xa9\xff".to_vec())
            .unwrap_err()
            .to_string();
        assert_eq!(
            invalid_after_cr,
            "a.md:2:2: not valid UTF-8 (only UTF-8 text is checked)"
        );
        // The byte-order mark is no column, as in findings; only the first line's columns lose it.
        let after_bom = |bytes: &[u8]| {
            decode(Path::new("a.md"), bytes.to_vec())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            after_bom(b"\xef\xbb\xbf\xe6\x97\xa5 \xff"),
            "a.md:1:3: not valid UTF-8 (only UTF-8 text is checked)"
        );
        assert_eq!(
            after_bom(b"\xef\xbb\xbf\xff"),
            "a.md:1:1: not valid UTF-8 (only UTF-8 text is checked)"
        );
        assert_eq!(
            after_bom(b"\xef\xbb\xbfa\nb\xff"),
            "a.md:2:2: not valid UTF-8 (only UTF-8 text is checked)"
        );
    }
}
