//! An mdBook book as sources ([`BookSources`]): its chapters as mdBook sent them (the request's JSON), and
//! the files they `{{#include}}` read from the book's `src` directory, as mdBook's own `links`
//! preprocessor reads them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::doc::{Dialect, Page};
use crate::error::Error;
use crate::policy::Policy;
use crate::source::fs::FsSources;
use crate::source::include_graph::{CheckedPage, IncludeGraph, PageIncludes};
use crate::source::{Sources, SourcesMemo, file_key, relative_to};

/// A book's chapters, added as they arrive (by where their files are: `src/` joined with their source
/// path), and its `src` directory. An included file is read from disk once and kept for the build (the
/// book is in memory whole anyway). Every include is followed: in `check` mode a chapter is checked as soon
/// as it arrives, before the include graph is known, so no include is cut for closing a cycle (a file
/// already on the include stack is not entered again, see `facts`).
pub struct BookSources {
    /// The chapters by [`file_key`]: where the file is and its content (the first chapter of a path).
    chapters: Mutex<HashMap<PathBuf, (PathBuf, String)>>,
    files: FsSources,
}

impl BookSources {
    /// A book with no chapter yet, whose included files are read up to the policy's `max-file-size`.
    pub fn new(policy: &Policy) -> Self {
        BookSources {
            chapters: Mutex::default(),
            files: FsSources::new(policy),
        }
    }

    /// Adds the chapter whose file is at `location`, with the `content` mdBook sent.
    pub fn add_chapter(&self, location: &Path, content: &str) {
        self.chapters
            .lock()
            .expect("not poisoned")
            .entry(file_key(location))
            .or_insert_with(|| (location.to_path_buf(), content.to_owned()));
    }

    /// The include graph of the chapters added so far (see [`IncludeGraph::build`]): a chapter's includes
    /// are read from its content, the included files that are no chapter from disk.
    pub fn include_graph(&self, policy: &Policy) -> IncludeGraph {
        let chapters = self.chapters.lock().expect("not poisoned");
        let includes: Vec<(PathBuf, PageIncludes)> = chapters
            .par_iter()
            .map(|(_, (location, content))| {
                let includes = if content.contains("{{#") {
                    let relative = relative_to(&policy.root, location);
                    PageIncludes::of(content, location, &relative, policy, self)
                } else {
                    PageIncludes::default()
                };
                (location.clone(), includes)
            })
            .collect();
        drop(chapters);
        let pages: Vec<CheckedPage<'_>> = includes
            .iter()
            .map(|(location, includes)| CheckedPage { location, includes })
            .collect();
        IncludeGraph::build(&pages, policy, self)
    }
}

impl Sources for BookSources {
    fn page(&self, path: &Path) -> Result<String, Error> {
        self.chapters
            .lock()
            .expect("not poisoned")
            .get(&file_key(path))
            .map(|(_, content)| content.clone())
            .ok_or_else(|| Error::invalid(path, None, "not a chapter of the book mdBook sent"))
    }

    fn text(&self, path: &Path) -> Option<String> {
        self.files.text(path)
    }

    fn load(&self, path: &Path, dialect: Dialect) -> Option<Arc<Page>> {
        self.files.load(path, dialect)
    }

    fn memo(&self) -> Option<&SourcesMemo> {
        self.files.memo()
    }
}
