//! An mdBook book as sources ([`BookSources`]): its chapters as mdBook sent them (the request's JSON: the
//! preprocessor checks those texts and reads their includes from them), and the files they `{{#include}}`
//! read from the book's `src` directory, as mdBook's own `links` preprocessor reads them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::doc::{Dialect, Page};
use crate::error::Error;
use crate::policy::Policy;
use crate::source::fs::FsSources;
use crate::source::include_graph::{CheckedPage, IncludeGraph, PageIncludes};
use crate::source::{Sources, SourcesMemo, file_key, relative_to};

/// A book's chapters, added as they arrive (by where their files are: `src/` joined with their source
/// path), and its `src` directory. A chapter's includes are read from its content when it is added (while
/// mdBook is still sending the rest); the content itself is not kept (the check gets it from mdBook's
/// request), so [`Sources::page`] reads a chapter's file from disk. An included file is read from disk once and kept for the build (the
/// book is in memory whole anyway). Every include is followed: in `check` mode a chapter is checked as soon
/// as it arrives, before the include graph is known, so no include is cut for closing a cycle (a file
/// already on the include stack is not entered again, see `facts`).
pub struct BookSources<'p> {
    policy: &'p Policy,
    /// The chapters by [`file_key`] (the first chapter of a path).
    chapters: Mutex<HashMap<PathBuf, Chapter>>,
    files: FsSources,
}

/// A chapter: where its file is, and what its content as mdBook sent it includes.
struct Chapter {
    location: PathBuf,
    includes: PageIncludes,
}

impl<'p> BookSources<'p> {
    /// A book with no chapter yet, checked with `policy` (included files are read up to its
    /// `max-file-size`).
    pub fn new(policy: &'p Policy) -> Self {
        BookSources {
            policy,
            chapters: Mutex::default(),
            files: FsSources::new(policy),
        }
    }

    /// Adds the chapter whose file is at `location`, with the `content` mdBook sent.
    pub fn add_chapter(&self, location: &Path, content: &str) {
        let key = file_key(location);
        if self
            .chapters
            .lock()
            .expect("not poisoned")
            .contains_key(&key)
        {
            return;
        }
        let includes = if content.contains("{{#") {
            let relative = relative_to(&self.policy.root, location);
            PageIncludes::of(content, None, location, &relative, self.policy, self)
        } else {
            PageIncludes::default()
        };
        let chapter = Chapter {
            location: location.to_path_buf(),
            includes,
        };
        self.chapters
            .lock()
            .expect("not poisoned")
            .entry(key)
            .or_insert(chapter);
    }

    /// The include graph of the chapters added so far (see [`IncludeGraph::build`]): a chapter's includes
    /// come from its content, those of included files that are no chapter from disk.
    pub fn include_graph(&self) -> IncludeGraph {
        let chapters = self.chapters.lock().expect("not poisoned");
        let pages: Vec<CheckedPage<'_>> = chapters
            .iter()
            .map(|(key, chapter)| CheckedPage {
                location: &chapter.location,
                key,
                includes: &chapter.includes,
            })
            .collect();
        IncludeGraph::build(&pages, self.policy, self)
    }
}

impl Sources for BookSources<'_> {
    fn page(&self, path: &Path) -> Result<String, Error> {
        self.files.page(path)
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

    fn may_hold_files(&self, directory: &Path) -> bool {
        self.files.may_hold_files(directory)
    }
}
