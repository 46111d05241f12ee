//! Files in memory, by path ([`MemorySources`]): the sources of tests and fuzz targets, and of an editor's
//! unsaved buffers later.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::doc::source::SourceText;
use crate::doc::{Dialect, Page};
use crate::error::Error;
use crate::policy::Policy;
use crate::source::include_graph::{CheckedPage, IncludeGraph, PageIncludes};
use crate::source::{Sources, SourcesMemo, file_key, relative_to};

/// A file as parsed (`None`: no such file).
type Parsed = Option<Arc<Page>>;

/// A map from path to text. A path that is not in it is no file; each file is parsed once per dialect and
/// kept (the files are few).
pub struct MemorySources {
    files: BTreeMap<PathBuf, String>,
    parsed: Mutex<HashMap<(PathBuf, Dialect), Parsed>>,
    memo: Option<SourcesMemo>,
    loads: AtomicUsize,
}

impl Default for MemorySources {
    fn default() -> Self {
        MemorySources::new(BTreeMap::new())
    }
}

impl MemorySources {
    /// The files `files` (path -> text), with a memo shared by the pages checked against them.
    pub fn new(files: impl IntoIterator<Item = (PathBuf, String)>) -> Self {
        MemorySources {
            files: files.into_iter().collect(),
            parsed: Mutex::default(),
            memo: Some(SourcesMemo::default()),
            loads: AtomicUsize::new(0),
        }
    }

    /// The same files without a memo shared across pages (each page gathers what it includes on its own).
    pub fn without_memo(self) -> Self {
        MemorySources { memo: None, ..self }
    }

    /// The files, in path order.
    pub fn files(&self) -> &BTreeMap<PathBuf, String> {
        &self.files
    }

    /// The include graph of the files, every one of them a page (see [`IncludeGraph::build`]).
    pub fn include_graph(&self, policy: &Policy) -> IncludeGraph {
        let includes: Vec<PageIncludes> = self
            .files
            .iter()
            .map(|(path, text)| {
                let relative = relative_to(&policy.root, path);
                PageIncludes::of(text, None, path, &relative, policy, self)
            })
            .collect();
        let keys: Vec<PathBuf> = self.files.keys().map(|path| file_key(path)).collect();
        let pages: Vec<CheckedPage<'_>> = self
            .files
            .keys()
            .zip(&keys)
            .zip(&includes)
            .map(|((location, key), includes)| CheckedPage {
                location,
                key,
                includes,
            })
            .collect();
        IncludeGraph::build(&pages, policy, self)
    }

    /// How many times an included file was asked for (see [`Sources::load`]).
    pub fn loads(&self) -> usize {
        self.loads.load(Ordering::Relaxed)
    }
}

impl Sources for MemorySources {
    fn page(&self, path: &Path) -> Result<String, Error> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| Error::io(path, std::io::Error::from(std::io::ErrorKind::NotFound)))
    }

    fn text(&self, path: &Path) -> Option<String> {
        self.files.get(path).cloned()
    }

    fn load(&self, path: &Path, dialect: Dialect) -> Option<Arc<Page>> {
        self.loads.fetch_add(1, Ordering::Relaxed);
        let key = (path.to_path_buf(), dialect);
        if let Some(cached) = self.parsed.lock().expect("not poisoned").get(&key) {
            return cached.clone();
        }
        let page = self
            .files
            .get(path)
            .map(|text| Arc::new(Page::parse(SourceText::new(path, text.clone()), dialect)));
        self.parsed
            .lock()
            .expect("not poisoned")
            .insert(key, page.clone());
        page
    }

    fn memo(&self) -> Option<&SourcesMemo> {
        self.memo.as_ref()
    }
}
