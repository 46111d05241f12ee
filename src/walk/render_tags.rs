//! Pages kept only for their includes, listed cheaply while the walk reads them and settled once it is
//! done.
//!
//! A page the prefilter keeps only for what it includes ([`Relevance::ThroughIncludes`]) is checked only
//! when a file it includes is relevant; in most trees none is. Listing its includes exactly takes the
//! MDX pre-pass of the whole page, so while the walk reads it only its `<Render>` tags are listed from the
//! raw text ([`render_tags`]: every tag the pre-pass could read, so the files they name are a superset of
//! the page's includes). Once every page is read, [`settle`] resolves those tags: when each names no file
//! or a file the walk read and ruled out ([`Relevance::None`]: it holds nothing to check and includes
//! nothing), the page's includes cannot matter. They cannot make it checked, cannot close a cycle, and
//! cannot make a checked file a partial (the files are never checked), so the page is settled with none.
//! Every other such page is read again and its includes listed by the pre-pass, as every page was before.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::doc::include::{Include, IncludeTarget, RenderTag, render_tags};
use crate::error::Error;
use crate::lint::Linter;
use crate::source::fs::{names_no_file, read_source_within};
use crate::source::include_graph::PageIncludes;
use crate::source::prefilter::Relevance;
use crate::source::{Sources, SourcesMemo, file_key, resolve_include};

use super::{FileEntry, FsSources, ReadPage};

/// What the walk knows of a page's includes when it has read it.
#[derive(Debug)]
pub(super) enum Listing {
    /// Its includes, listed by the pre-pass.
    Exact(PageIncludes),
    /// Its raw `<Render>` tags (see the module doc), to be settled after the walk.
    Tags(Vec<RenderTag>),
}

/// A page as the walk read it.
pub(super) type ListedPage = (FileEntry, Relevance, Option<Listing>);

/// The `<Render>` tags of the page with `text`, when they are all it may include (see [`render_tags`]).
pub(super) fn tags_of(text: &str) -> Option<Vec<RenderTag>> {
    render_tags(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// The `pages` with every [`Listing::Tags`] settled (see the module doc), and the errors of reading again
/// the pages whose includes are listed by the pre-pass.
pub(super) fn settle(
    pages: Vec<ListedPage>,
    linter: &Linter,
    sources: &FsSources,
) -> (Vec<ReadPage>, Vec<Error>) {
    let readable = Readable::new(&pages, linter.policy().max_file_size, sources);
    // A tag resolves alike on every page of a directory: each (directory, tag) is resolved once.
    let mut tag_index: FxHashMap<(&[u8], &RenderTag), usize> = FxHashMap::default();
    let mut unique: Vec<(&Path, &RenderTag)> = Vec::new();
    let page_tags: Vec<Option<Vec<usize>>> = pages
        .iter()
        .map(|(file, _, listing)| match listing {
            Some(Listing::Tags(tags)) => Some(
                tags.iter()
                    .map(|tag| {
                        let directory = file.path.parent().unwrap_or(Path::new(""));
                        let key = (directory.as_os_str().as_encoded_bytes(), tag);
                        *tag_index.entry(key).or_insert_with(|| {
                            unique.push((directory, tag));
                            unique.len() - 1
                        })
                    })
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    let tag_settled: Vec<bool> = unique
        .par_iter()
        .map(|(directory, tag)| tag_is_settled(tag, directory, linter, &readable))
        .collect();
    let settled: Vec<bool> = page_tags
        .iter()
        .map(|tags| {
            tags.as_ref()
                .is_none_or(|tags| tags.iter().all(|&index| tag_settled[index]))
        })
        .collect();
    drop(page_tags);
    drop(tag_index);
    // A file that exists but cannot be read was tried: the pre-pass lists every page, so that the run
    // reports that error exactly when an include names the file.
    let unsure = readable.unsure.load(Ordering::Relaxed);
    drop(readable);
    let listed: Vec<(ReadPage, Option<Error>)> = pages
        .into_par_iter()
        .zip(settled)
        .map(|((file, relevance, listing), settled)| match listing {
            None => ((file, relevance, None), None),
            Some(Listing::Exact(includes)) => ((file, relevance, Some(includes)), None),
            Some(Listing::Tags(_)) if settled && !unsure => {
                ((file, relevance, Some(PageIncludes::default())), None)
            }
            Some(Listing::Tags(_)) => {
                let (includes, error) = match sources.page(&file.path) {
                    Ok(text) => {
                        let (policy, relative) = (linter.policy(), &file.relative);
                        let includes =
                            PageIncludes::of(&text, None, &file.path, relative, policy, sources);
                        (includes, None)
                    }
                    Err(error) => (PageIncludes::default(), Some(error)),
                };
                ((file, relevance, Some(includes)), error)
            }
        })
        .collect();
    let mut errors = Vec::new();
    let pages = listed
        .into_iter()
        .map(|(page, error)| {
            errors.extend(error);
            page
        })
        .collect();
    (pages, errors)
}

/// Whether `tag`, on a page in `directory`, names no file, or a file the walk read and ruled out.
fn tag_is_settled(
    (partial, product): &RenderTag,
    directory: &Path,
    linter: &Linter,
    readable: &Readable<'_>,
) -> bool {
    let include = Include {
        range: 0..0,
        target: IncludeTarget::Partial {
            file: partial.clone(),
            product: product.clone(),
            params: Vec::new(),
        },
    };
    // Resolving reads only the page's directory: a page named `_` in it stands for every page there.
    let page = directory.join("_");
    resolve_include(linter.policy(), readable, &page, &include)
        .is_none_or(|target| readable.relevance(&file_key(&target)) == Some(Relevance::None))
}

/// Sources that answer only whether a file can be read, quietly, for resolving `<Render>` tags as
/// [`resolve_include`] resolves them: a page the walk read can be (it is not read again); any other file
/// is tried on disk. A file that exists but cannot be read sets `unsure` instead of an error: no page
/// is settled then.
struct Readable<'w> {
    /// What the prefilter said of each page the walk read, by the bytes of its [`file_key`] (clean, so
    /// equal paths have equal bytes; hashing bytes is much cheaper than hashing a path's components).
    relevance: FxHashMap<&'w [u8], Relevance>,
    /// The largest file read, in bytes.
    limit: u64,
    memo: SourcesMemo,
    unsure: AtomicBool,
    /// The run's sources, asked whether a directory may hold files.
    sources: &'w FsSources,
}

impl<'w> Readable<'w> {
    fn new(pages: &'w [ListedPage], limit: u64, sources: &'w FsSources) -> Readable<'w> {
        Readable {
            sources,
            relevance: pages
                .iter()
                .map(|(file, relevance, _)| (file.key.as_os_str().as_encoded_bytes(), *relevance))
                .collect(),
            limit,
            memo: SourcesMemo::default(),
            unsure: AtomicBool::new(false),
        }
    }
}

impl Readable<'_> {
    /// What the prefilter said of the page with the file key `key`, when the walk read it.
    fn relevance(&self, key: &Path) -> Option<Relevance> {
        self.relevance
            .get(key.as_os_str().as_encoded_bytes())
            .copied()
    }
}

impl Sources for Readable<'_> {
    fn page(&self, path: &Path) -> Result<String, Error> {
        read_source_within(path, self.limit)
    }

    /// An empty text for a file that can be read: only whether there is one is asked.
    fn text(&self, path: &Path) -> Option<String> {
        if self.relevance(&file_key(path)).is_some() {
            return Some(String::new());
        }
        match read_source_within(path, self.limit) {
            Ok(_) => Some(String::new()),
            Err(error) if names_no_file(&error) => None,
            Err(_) => {
                self.unsure.store(true, Ordering::Relaxed);
                None
            }
        }
    }

    fn memo(&self) -> Option<&SourcesMemo> {
        Some(&self.memo)
    }

    fn may_hold_files(&self, directory: &Path) -> bool {
        self.sources.may_hold_files(directory)
    }
}
