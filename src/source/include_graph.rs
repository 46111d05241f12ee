//! The include graph of a run: which file includes which, the include cycles in it, and so which files are
//! partials (a file a checked page includes is checked as a partial). [`IncludeGraph::build`] is the one
//! place this is computed, for every face: `walk` (a tree on disk), `mdbook` (a book's chapters) and the
//! in-memory sites of tests and fuzz targets all call it with their pages' includes ([`PageIncludes`]) and
//! their [`Sources`], which give the files the pages include.
//!
//! Files are visited depth first from the checked pages in path order. An include that leads back to a
//! file still being visited closes a cycle: it is reported (an error naming the cycle, so the run exits 2)
//! and not followed, so that what remains is acyclic and every file's facts are gathered once. Which
//! include closes a cycle follows from the path order: in `a.md` ↔ `b.md`, `a.md` is visited first, so
//! `b.md`'s include of `a.md` is cut; `a.md` stays a page (checked, and asked for its call-outs, with
//! what `b.md` lists counted in the section that includes it) and `b.md` is its partial.
//!
//! Includes nest at most [`MAX_INCLUDE_DEPTH`] deep: a page whose longest chain of followed includes is
//! longer is reported (an error naming the chain), since what lies past the limit is not read. An included
//! file that exists but cannot be read is reported by the sources; [`IncludeSites::place`] names the
//! include that asked for it.

use std::collections::HashSet;

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};

use crate::doc::Page;
use crate::doc::mdx::Scan;
use crate::doc::source::{Position, position_in};
use crate::error::Error;
use crate::policy::Policy;
use crate::source::{Sources, clean, file_key, resolve_include};

/// One checked page: where it is (as shown) and its own includes.
pub struct CheckedPage<'a> {
    /// Where the page is, as shown.
    pub location: &'a Path,
    /// Its [`file_key`].
    pub key: &'a Path,
    /// The files it includes, found when it was read.
    pub includes: &'a PageIncludes,
}

/// The files a page includes (each once, with its first include), found from the page's text with the
/// pre-pass alone: computed while the page is read, so that its text need not be kept until the graph is
/// built.
#[derive(Debug, Clone, Default)]
pub struct PageIncludes(Vec<Edge>);

impl PageIncludes {
    /// The includes of the page with `text` at `location` (`relative` to the policy root); `scan` is the
    /// MDX pre-pass of `text` (in the dialect the policy gives `relative`) when one was made already.
    pub fn of(
        text: &str,
        scan: Option<&Scan>,
        location: &Path,
        relative: &Path,
        policy: &Policy,
        sources: &dyn Sources,
    ) -> PageIncludes {
        PageIncludes(edges_of_text(
            text, scan, location, relative, policy, sources,
        ))
    }

    /// The included files, as [`file_key`]s.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.0.iter().map(|edge| edge.key.as_path())
    }

    /// Whether the page includes no file.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Each included file (as a [`file_key`]) and whether some include of it takes only a part of it.
    pub fn files_and_parts(&self) -> impl Iterator<Item = (&Path, bool)> {
        self.0.iter().map(|edge| (edge.key.as_path(), edge.part))
    }
}

/// How deep includes nest: the files a page includes are read, and theirs, to this many levels.
pub const MAX_INCLUDE_DEPTH: usize = 8;

/// See the module documentation.
#[derive(Debug, Default)]
pub struct IncludeGraph {
    /// For each include that closes a cycle, once: the included file by its includer (as [`file_key`]s).
    /// Hashed by includer: a tree of hundreds of cycles asks for every include it follows.
    cut: FxHashMap<PathBuf, Vec<PathBuf>>,
    /// The files (as [`file_key`]s) that a checked page includes through an include that is followed.
    pub included: HashSet<PathBuf>,
    /// One error for each include that closes a cycle, naming the cycle, and one for each page whose
    /// includes nest more than [`MAX_INCLUDE_DEPTH`] deep (and no other file includes), naming the chain.
    pub errors: Vec<Error>,
    /// Where each included file is first included, to place the error of a file that cannot be read.
    pub sites: IncludeSites,
    /// For each file visited (as a [`file_key`]), the files it includes through an include that is followed.
    includes: FxHashMap<PathBuf, Vec<PathBuf>>,
}

/// Where each included file (by [`file_key`]) is first included: the including file, as the run spells
/// it, and the include's position in it.
#[derive(Debug, Default)]
pub struct IncludeSites(FxHashMap<PathBuf, (PathBuf, Position)>);

impl IncludeSites {
    /// `error`, the error of an included file that could not be read, placed at the include that names
    /// the file: "page.md:3:1: the included file p.md: not a regular file (a directory), not read". An
    /// error of a file no include names is returned as it is.
    pub fn place(&self, error: Error) -> Error {
        let (path, message) = match &error {
            Error::Io { path, source } => (path, crate::error::describe_io(source)),
            Error::Invalid { path, problems } if problems.len() == 1 => {
                (path, problems[0].message.clone())
            }
            _ => return error,
        };
        let Some((includer, position)) = self.0.get(&file_key(path)) else {
            return error;
        };
        let shown = shown_as(path, includer);
        Error::invalid(
            includer,
            Some(*position),
            format!("the included file {shown}: {message}"),
        )
    }
}

impl IncludeGraph {
    /// Whether the include of `to` in `from` is followed (it does not close a cycle).
    pub fn follows(&self, from: &Path, to: &Path) -> bool {
        self.cut.is_empty() || !self.is_cut(&file_key(from), &file_key(to))
    }

    /// Whether the include of `to` in `from` (both [`file_key`]s) closes a cycle.
    fn is_cut(&self, from: &Path, to: &Path) -> bool {
        self.cut
            .get(from)
            .is_some_and(|included| included.iter().any(|included| included == to))
    }

    /// The files the file with [`file_key`] `key` renders: those it includes, directly or through other
    /// files, by includes that are followed (each once), down to one level more than a page's includes
    /// are read ([`MAX_INCLUDE_DEPTH`]). Nothing deeper is read for the file, and the bound keeps the
    /// lists of a long chain or cycle linear in its length.
    pub fn rendered_by(&self, key: &Path) -> Vec<PathBuf> {
        let mut seen: FxHashSet<&Path> = FxHashSet::default();
        seen.insert(key);
        let mut level: Vec<&Path> = vec![key];
        let mut rendered = Vec::new();
        for _ in 0..=MAX_INCLUDE_DEPTH {
            let mut next = Vec::new();
            for file in level {
                for included in self.includes.get(file).into_iter().flatten() {
                    if seen.insert(included) {
                        rendered.push(included.clone());
                        next.push(included.as_path());
                    }
                }
            }
            level = next;
        }
        rendered
    }

    /// Visits every file the `pages` include, directly or not (in the order of the pages' paths), reading
    /// the included files that are not among the `pages` through `sources`.
    pub fn build(
        pages: &[CheckedPage<'_>],
        policy: &Policy,
        sources: &dyn Sources,
    ) -> IncludeGraph {
        let mut graph = IncludeGraph::default();
        let checked: FxHashMap<&Path, &[Edge]> = pages
            .iter()
            .map(|page| (page.key, page.includes.0.as_slice()))
            .collect();
        // A page that includes nothing is visited only when another page includes it.
        let mut in_order: Vec<&CheckedPage<'_>> = pages
            .iter()
            .filter(|page| !page.includes.0.is_empty())
            .collect();
        in_order.sort_by_cached_key(|page| super::path_order_key(page.location));
        let mut marks: FxHashMap<PathBuf, Mark> = FxHashMap::default();
        let mut chains = Chains::default();
        let roots: Vec<&CheckedPage<'_>> = in_order.clone();
        for page in in_order {
            let key = page.key.to_path_buf();
            if marks.contains_key(&key) {
                continue;
            }
            marks.insert(key.clone(), Mark::Open);
            let mut frames = vec![Frame::new(key, page.location, &checked, policy, sources)];
            while let Some(frame) = frames.last_mut() {
                let Some(edge) = frame.edges.get(frame.next).cloned() else {
                    let done = frames.pop().expect("a frame is on the stack");
                    let followed: Vec<Edge> = done
                        .edges
                        .into_iter()
                        .filter(|edge| !graph.is_cut(&done.key, &edge.key))
                        .collect();
                    chains.finish(&done.key, &followed);
                    let followed = followed.into_iter().map(|edge| edge.key).collect();
                    graph.includes.insert(done.key.clone(), followed);
                    marks.insert(done.key, Mark::Done);
                    continue;
                };
                frame.next += 1;
                graph
                    .sites
                    .0
                    .entry(edge.key.clone())
                    .or_insert_with(|| (frame.location.clone(), edge.position));
                match marks.get(&edge.key) {
                    Some(Mark::Done) => {}
                    Some(Mark::Open) => graph.cut_cycle(&frames, &edge),
                    None => {
                        marks.insert(edge.key.clone(), Mark::Open);
                        let next = Frame::new(edge.key, &edge.location, &checked, policy, sources);
                        frames.push(next);
                    }
                }
            }
        }
        let included: Vec<PathBuf> = checked
            .into_iter()
            .flat_map(|(key, edges)| edges.iter().map(move |edge| (key, edge)))
            .filter(|(key, edge)| !graph.is_cut(key, &edge.key))
            .map(|(_, edge)| edge.key.clone())
            .collect();
        graph.included.extend(included);
        for page in roots {
            if !graph.included.contains(page.key) {
                graph.report_depth(page, &chains);
            }
        }
        graph
    }

    /// Reports `page` when its includes nest more than [`MAX_INCLUDE_DEPTH`] deep: the facts of a page
    /// read its includes only that deep, and a finding past them would be missed without a word.
    fn report_depth(&mut self, page: &CheckedPage<'_>, chains: &Chains) {
        if chains.length(page.key) <= MAX_INCLUDE_DEPTH {
            return;
        }
        let mut chain = vec![page.location.display().to_string()];
        let mut first = None;
        let mut key = page.key;
        while let Some(edge) = chains.longest.get(key) {
            first.get_or_insert(edge.position);
            chain.push(shown_as(&edge.location, page.location));
            key = &edge.key;
        }
        let last_read = chain[MAX_INCLUDE_DEPTH].clone();
        // The chain is named to the first file not read; a longer one is counted, not listed.
        let beyond = chain.len() - (MAX_INCLUDE_DEPTH + 2);
        chain.truncate(MAX_INCLUDE_DEPTH + 2);
        if beyond > 0 {
            chain.push(format!("... ({beyond} more)"));
        }
        self.errors.push(Error::invalid(
            page.location,
            first,
            format!(
                "{DEPTH} {MAX_INCLUDE_DEPTH} deep: {}; what {last_read} includes is not read",
                chain.join(" -> ")
            ),
        ));
    }

    fn cut_cycle(&mut self, frames: &[Frame], edge: &Edge) {
        let includer = frames.last().expect("a frame is on the stack");
        if self.is_cut(&includer.key, &edge.key) {
            return;
        }
        self.cut
            .entry(includer.key.clone())
            .or_default()
            .push(edge.key.clone());
        let start = frames
            .iter()
            .position(|frame| frame.key == edge.key)
            .expect("an open file is on the stack");
        // The page the walk started from is spelt as the run spells paths; included files were resolved.
        let walked = &frames[0].location;
        let shown = |path: &Path| shown_as(path, walked);
        let chain: Vec<String> = frames[start..]
            .iter()
            .map(|frame| shown(&frame.location))
            .chain(std::iter::once(shown(&edge.location)))
            .collect();
        self.errors.push(Error::invalid(
            Path::new(&shown(&includer.location)),
            Some(edge.position),
            format!(
                "{CYCLE}: {}; this include of {} is not followed",
                chain.join(" -> "),
                shown(&edge.location)
            ),
        ));
    }
}

/// How the error of an include that closes a cycle starts.
const CYCLE: &str = "include cycle";

/// How the error of a page whose includes nest too deep starts.
const DEPTH: &str = "includes nest more than";

/// Whether `error` is one of [`IncludeGraph::errors`] (an include cycle, includes nested too deep): every
/// file was read, but an include was not followed.
pub fn is_graph_error(error: &Error) -> bool {
    matches!(error, Error::Invalid { problems, .. }
    if problems.iter().any(|problem| {
        problem.message.starts_with(CYCLE) || problem.message.starts_with(DEPTH)
    }))
}

/// The longest chain of followed includes below each file visited, in edges, and the include it starts
/// with. The followed includes form no cycle, so each file's chain is known once its includes are.
#[derive(Default)]
struct Chains {
    length: FxHashMap<PathBuf, usize>,
    longest: FxHashMap<PathBuf, Edge>,
}

impl Chains {
    fn length(&self, key: &Path) -> usize {
        self.length.get(key).copied().unwrap_or(0)
    }

    /// Records the chain of the file `key`, whose `followed` includes are all visited.
    fn finish(&mut self, key: &Path, followed: &[Edge]) {
        let longest = followed
            .iter()
            .max_by_key(|edge| (self.length(&edge.key), std::cmp::Reverse(edge.position)));
        let length = longest.map_or(0, |edge| self.length(&edge.key) + 1);
        self.length.insert(key.to_path_buf(), length);
        if let Some(edge) = longest {
            self.longest.insert(key.to_path_buf(), edge.clone());
        }
    }
}

/// `path` cleaned, spelt as the run spells `like` (the path the error is reported at): with a leading `./`
/// when `like` has one, so that `check .` names `./a.md` the same way in the error and in its chain.
fn shown_as(path: &Path, like: &Path) -> String {
    let cleaned = clean(path);
    let dotted = like.starts_with(".")
        && cleaned.is_relative()
        && !cleaned.starts_with(".")
        && !cleaned.starts_with("..");
    if dotted {
        Path::new(".").join(&cleaned).display().to_string()
    } else {
        cleaned.display().to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Being visited: on the depth-first stack.
    Open,
    Done,
}

/// A file on the depth-first stack and the includes still to visit.
struct Frame {
    key: PathBuf,
    location: PathBuf,
    edges: Vec<Edge>,
    next: usize,
}

impl Frame {
    fn new(
        key: PathBuf,
        location: &Path,
        checked: &FxHashMap<&Path, &[Edge]>,
        policy: &Policy,
        sources: &dyn Sources,
    ) -> Frame {
        // A file no checked page is: only its includes are read (the pre-pass, no parse).
        let edges = match checked.get(key.as_path()) {
            Some(edges) => edges.to_vec(),
            None => sources
                .text(location)
                .map(|text| edges_of_text(&text, None, location, location, policy, sources))
                .unwrap_or_default(),
        };
        Frame {
            key,
            location: location.to_path_buf(),
            edges,
            next: 0,
        }
    }
}

/// An include: the included file and where the include is in the including file.
#[derive(Debug, Clone)]
struct Edge {
    key: PathBuf,
    location: PathBuf,
    position: Position,
    /// Whether some include of the file takes only a part of it (mdBook lines or anchor).
    part: bool,
}

fn edges_of_text(
    text: &str,
    scan: Option<&Scan>,
    location: &Path,
    relative: &Path,
    policy: &Policy,
    sources: &dyn Sources,
) -> Vec<Edge> {
    // A panic while listing a page's includes is reported by that page's own (guarded) check.
    crate::guard::page(location, || {
        // Offsets as the parsed page has them: after a byte-order mark.
        let unmarked = text.strip_prefix('\u{feff}').unwrap_or(text);
        let includes = match scan {
            // The scan was made of the text with its mark: its offsets are not the page's.
            Some(scan) if unmarked.len() == text.len() => Page::includes_in(text, scan),
            _ => Page::includes_of(unmarked, policy.dialect_for(relative)),
        };
        if includes.is_empty() {
            return Vec::new();
        }
        edges(&includes, unmarked, location, policy, sources)
    })
    .unwrap_or_default()
}

/// The distinct files `includes` name (each with its first include), in page order.
fn edges(
    includes: &[crate::doc::Include],
    text: &str,
    location: &Path,
    policy: &Policy,
    sources: &dyn Sources,
) -> Vec<Edge> {
    let mut edges: Vec<Edge> = Vec::new();
    let mut index_of: FxHashMap<PathBuf, usize> = FxHashMap::default();
    for include in includes {
        let Some(target) = resolve_include(policy, sources, location, include) else {
            continue;
        };
        let part = matches!(
            &include.target,
            crate::doc::IncludeTarget::File { part, .. } if *part != crate::doc::include::FilePart::Whole
        );
        let key = file_key(&target);
        if let Some(&index) = index_of.get(&key) {
            edges[index].part |= part;
            continue;
        }
        index_of.insert(key.clone(), edges.len());
        edges.push(Edge {
            key,
            location: target,
            position: position_in(text, include.range.start),
            part,
        });
    }
    edges
}
