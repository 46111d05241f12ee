//! Reading pages and included files from disk: UTF-8 text only (binary files and invalid UTF-8 are errors
//! naming the line), each included file read once and kept parsed ([`FsLoader`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::doc::source::SourceText;
use crate::doc::{Dialect, Page};
use crate::error::Error;
use crate::read::{DEFAULT_MAX_FILE_SIZE, read_regular_file};
use crate::source::include_graph::IncludeGraph;
use crate::source::{Loader, LoaderMemo};

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

/// Decodes a page's bytes (`path` names it in errors): binary files and invalid UTF-8 are errors.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, Error> {
    if let Some(index) = bytes.iter().position(|byte| *byte == 0) {
        let line = bytes[..index].iter().filter(|byte| **byte == b'\n').count() + 1;
        return Err(Error::invalid(
            path,
            None,
            format!("binary file (NUL byte on line {line}), not checked"),
        ));
    }
    String::from_utf8(bytes).map_err(|error| {
        let valid = error.utf8_error().valid_up_to();
        let bytes = error.into_bytes();
        let line = bytes[..valid].iter().filter(|byte| **byte == b'\n').count() + 1;
        let column = bytes[..valid]
            .iter()
            .rev()
            .take_while(|byte| **byte != b'\n')
            .count()
            + 1;
        Error::invalid(
            path,
            Some(crate::doc::source::Position { line, column }),
            "not valid UTF-8 (only UTF-8 text is checked)",
        )
    })
}

/// Reads included files from disk once each and keeps them parsed.
pub struct FsLoader {
    cache: Mutex<HashMap<PathBuf, Option<Arc<Page>>>>,
    memo: LoaderMemo,
    /// The largest file read, in bytes.
    limit: u64,
    /// Included files that exist but could not be read (not a regular file, too large, not UTF-8).
    errors: Mutex<Vec<Error>>,
    /// The run's include graph, once built: which includes close a cycle.
    graph: std::sync::OnceLock<IncludeGraph>,
}

impl Default for FsLoader {
    fn default() -> Self {
        FsLoader {
            cache: Mutex::default(),
            memo: LoaderMemo::default(),
            limit: DEFAULT_MAX_FILE_SIZE,
            errors: Mutex::default(),
            graph: std::sync::OnceLock::new(),
        }
    }
}

impl FsLoader {
    /// A loader that reads files up to the policy's `max-file-size`.
    pub fn new(policy: &crate::policy::Policy) -> Self {
        FsLoader {
            limit: policy.max_file_size,
            ..FsLoader::default()
        }
    }

    /// Follows only the includes `graph` does not cut (set once, before pages are checked).
    pub fn set_graph(&self, graph: IncludeGraph) {
        let _ = self.graph.set(graph);
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
}

impl Loader for FsLoader {
    fn memo(&self) -> Option<&LoaderMemo> {
        Some(&self.memo)
    }

    fn follows(&self, from: &Path, to: &Path) -> bool {
        self.graph.get().is_none_or(|graph| graph.follows(from, to))
    }

    fn load(&self, path: &Path, dialect: Dialect) -> Option<Arc<Page>> {
        if let Some(cached) = self
            .cache
            .lock()
            .expect("the loader cache is not poisoned")
            .get(path)
        {
            return cached.clone();
        }
        let page = match read_source_within(path, self.limit) {
            Ok(text) => Some(Arc::new(Page::parse(SourceText::new(path, text), dialect))),
            Err(Error::Io { source, .. })
                if matches!(
                    source.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                None
            }
            Err(error) => {
                self.errors.lock().expect("not poisoned").push(error);
                None
            }
        };
        self.cache
            .lock()
            .expect("the loader cache is not poisoned")
            .insert(path.to_path_buf(), page.clone());
        page
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
}
