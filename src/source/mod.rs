//! Where pages come from: the [`Sources`] trait, with one implementation for each place a run reads from
//! (the file system in [`fs`], an mdBook book in [`book`], memory in [`memory`]); what a run remembers
//! across pages ([`SourcesMemo`]); how an include resolves to a file ([`resolve_include`]); and
//! [`include_graph`], the one place that computes which file includes which (and so which files are
//! partials), for every face. [`prefilter`] rules out pages that cannot hold a finding before they are
//! parsed.

pub mod book;
pub mod fs;
pub mod include_graph;
pub mod memory;
pub mod prefilter;
mod screen;

use std::any::Any;
use std::ffi::OsString;
use std::hash::Hash;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::doc::include::FilePart;
use crate::doc::source::SourceText;
use crate::doc::{Dialect, Include, IncludeTarget, Page};
use crate::error::Error;
use crate::policy::Policy;

/// The pages of a run and the files they include. The library does no I/O of its own: a face picks the
/// sources ([`fs::FsSources`], [`book::BookSources`], [`memory::MemorySources`]) and the engine reads
/// through them.
pub trait Sources: Sync {
    /// The text of the page at `path`, to be checked.
    fn page(&self, path: &Path) -> Result<String, Error>;

    /// The text of the file at `path` that a page includes; `None` when there is no such file or it cannot
    /// be read (the sources keep that error for the run to report).
    fn text(&self, path: &Path) -> Option<String>;

    /// The file at `path` that a page includes, parsed in `dialect`; `None` as for [`Sources::text`].
    /// Sources may keep it for the next page that includes it.
    fn load(&self, path: &Path, dialect: Dialect) -> Option<Arc<Page>> {
        let text = self.text(path)?;
        Some(Arc::new(Page::parse(SourceText::new(path, text), dialect)))
    }

    /// What is remembered across the pages of a run (resolved partials, facts of included files), when
    /// the files do not change during the run.
    fn memo(&self) -> Option<&SourcesMemo> {
        None
    }

    /// Whether the include of `to` in `from` is followed: `false` for the include that closes an include
    /// cycle, when the sources know the run's include graph (see [`include_graph`]).
    fn follows(&self, _from: &Path, _to: &Path) -> bool {
        true
    }

    /// The page at `path` is checked: what only it still needed (the partials it renders) may be dropped.
    fn done(&self, _path: &Path) {}

    /// Whether an included file is at `path`, even one that cannot be read (reading it then reports why):
    /// a partial is looked for in several places, and the first that holds one is the one included.
    fn holds_file(&self, path: &Path) -> bool {
        self.text(path).is_some()
    }

    /// Whether files may sit below `directory`: `false` only when the sources know there is no such
    /// directory, so that no file below it is asked for. An include is looked for in every ancestor of
    /// its page, and most have no partials directory.
    fn may_hold_files(&self, _directory: &Path) -> bool {
        true
    }
}

/// An included file as a page sees it: its path, the `{props.*}` values it is rendered with, the part
/// of it that is included, the include depth, and whether the page reads names in every unit of its text
/// (a required or permissions reference page) or only in its listings: pages checked at the same time
/// that read the same file differently must not share one reading of it.
pub type ContributionKey = (
    PathBuf,
    Vec<(String, String)>,
    Option<FilePart>,
    usize,
    bool,
);

/// See [`Sources::memo`].
#[derive(Default)]
pub struct SourcesMemo {
    /// What `facts` derives from an included file, by [`ContributionKey`]; held as `Any` so that this layer
    /// does not know the facts' types.
    pub contributions: Memo<ContributionKey, Option<Arc<dyn Any + Send + Sync>>>,
    /// (a directory, partial path from the pattern) -> the file found there or in its nearest ancestor.
    pub partials: Memo<(OsString, String), Option<PathBuf>>,
    /// A place a partial is looked for -> whether a file is there ([`Sources::holds_file`]): pages in
    /// many directories look in the same places (the root's partials directory), and each place is asked
    /// once.
    pub readable: Memo<OsString, bool>,
    /// A directory a partial is looked for below -> whether it may hold files ([`Sources::may_hold_files`]).
    pub directories: Memo<OsString, bool>,
    /// (a directory, the first directory of a partial path) -> the directory and those of its ancestors
    /// where that first directory may hold files, nearest first: the only places such a partial can be.
    pub ancestors: Memo<(OsString, OsString), Arc<[PathBuf]>>,
}

/// Values computed once per run and shared by the pages checked in parallel.
pub struct Memo<K, V>(Mutex<rustc_hash::FxHashMap<K, V>>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(Mutex::new(rustc_hash::FxHashMap::default()))
    }
}

impl<K: Hash + Eq, V: Clone> Memo<K, V> {
    /// The value for `key`, computed by `compute` the first time. The lock is not held while computing
    /// (computing may need the memo again), so two threads may both compute a value; either result is kept.
    pub fn get_or_compute(&self, key: K, compute: impl FnOnce(&K) -> V) -> V {
        if let Some(known) = self.0.lock().expect("not poisoned").get(&key) {
            return known.clone();
        }
        let value = compute(&key);
        self.0
            .lock()
            .expect("not poisoned")
            .insert(key, value.clone());
        value
    }
}

impl<K, V> Memo<K, V> {
    /// Forgets the values whose key `forget` picks.
    pub fn forget(&self, forget: impl Fn(&K) -> bool) {
        self.0
            .lock()
            .expect("not poisoned")
            .retain(|key, _| !forget(key));
    }
}

/// `compute(key)` through `memo` when there is one.
pub fn memoized<K: Hash + Eq, V: Clone>(
    memo: Option<&Memo<K, V>>,
    key: K,
    compute: impl FnOnce(&K) -> V,
) -> V {
    match memo {
        Some(memo) => memo.get_or_compute(key, compute),
        None => compute(&key),
    }
}

/// `path` relative to `root` (for the policy's globs), or `path` itself when it is outside `root`.
pub fn relative_to(root: &Path, path: &Path) -> PathBuf {
    if let Ok(relative) = path.strip_prefix(root) {
        return relative.to_path_buf();
    }
    relative_by_key(root, path, absolute(path).map(|absolute| clean(&absolute)))
}

/// [`relative_to`] for a file whose [`file_key`] is already made.
pub fn relative_to_with_key(root: &Path, path: &Path, key: &Path) -> PathBuf {
    if let Ok(relative) = path.strip_prefix(root) {
        return relative.to_path_buf();
    }
    // `file_key` is the cleaned absolute path, or the path cleaned (relative) when it has no absolute form.
    relative_by_key(root, path, key.is_absolute().then(|| key.to_path_buf()))
}

/// `path` relative to `root` through their cleaned absolute forms (`key` is the path's), or `path`.
fn relative_by_key(root: &Path, path: &Path, key: Option<PathBuf>) -> PathBuf {
    match (key, absolute(root)) {
        (Some(key), Some(root)) => key
            .strip_prefix(clean(&root))
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

/// One key per file, however its path was spelled: absolute, `.` and `..` resolved lexically.
pub fn file_key(path: &Path) -> PathBuf {
    // A clean absolute path is its own key; `std::path::absolute` would walk its components to give it
    // back (thousands of instructions a file when the tree is named by an absolute path).
    if path.is_absolute() && is_clean(path) {
        return path.to_path_buf();
    }
    key_by_components(path)
}

/// [`file_key`] without the shortcut for a clean absolute path.
fn key_by_components(path: &Path) -> PathBuf {
    clean(&absolute(path).unwrap_or_else(|| path.to_path_buf()))
}

/// `path` joined to the working directory when it is relative, as [`std::path::absolute`] makes it, but
/// with the working directory read once a process: every page's key and relative path is made from it,
/// and the working directory does not change during a run.
fn absolute(path: &Path) -> Option<PathBuf> {
    static WORKING_DIRECTORY: OnceLock<Option<PathBuf>> = OnceLock::new();
    if path.is_absolute() {
        return std::path::absolute(path).ok();
    }
    if path.as_os_str().is_empty() {
        return None;
    }
    let directory = WORKING_DIRECTORY.get_or_init(|| std::env::current_dir().ok());
    directory.as_ref().map(|directory| directory.join(path))
}

/// The file an include refers to, when it exists.
pub fn resolve_include(
    policy: &Policy,
    sources: &dyn Sources,
    page_location: &Path,
    include: &Include,
) -> Option<PathBuf> {
    match &include.target {
        IncludeTarget::File { path, .. } => {
            let base = page_location.parent().unwrap_or(Path::new("."));
            Some(clean(&base.join(path)))
        }
        IncludeTarget::Partial { file, product, .. } => {
            let product = product.clone().or_else(|| {
                product_from_path(page_location, policy.conventions.product_directories)
            })?;
            let relative = policy
                .partials
                .pattern
                .replace("{product}", &product)
                .replace("{file}", file);
            let directory = page_location.parent().unwrap_or(Path::new(""));
            partial_at(policy.root.as_path(), &relative, sources)
                .or_else(|| partial_in_ancestors(directory, &relative, sources))
        }
    }
}

/// The partial `relative` to `base`, when the sources hold a file there.
fn partial_at(base: &Path, relative: &str, sources: &dyn Sources) -> Option<PathBuf> {
    if let Some(top) = top_directory(relative)
        && !may_hold_below(base, top, sources)
    {
        return None;
    }
    file_at(base, relative, sources)
}

/// Whether `top` (a directory name) below `base` may hold files ([`Sources::may_hold_files`]).
fn may_hold_below(base: &Path, top: &Path, sources: &dyn Sources) -> bool {
    memoized(
        sources.memo().map(|memo| &memo.directories),
        clean(&base.join(top)).into_os_string(),
        |directory| sources.may_hold_files(Path::new(directory)),
    )
}

/// The file `relative` to `base`, when the sources hold one there.
fn file_at(base: &Path, relative: &str, sources: &dyn Sources) -> Option<PathBuf> {
    let candidate = clean(&base.join(relative));
    let readable = memoized(
        sources.memo().map(|memo| &memo.readable),
        candidate.clone().into_os_string(),
        |candidate| sources.holds_file(Path::new(candidate)),
    );
    readable.then_some(candidate)
}

/// The partial `relative` to `directory` or to the nearest of its ancestors where it can be read. Memoized
/// by directory, so that the pages of sibling directories share what their common ancestors hold.
fn partial_in_ancestors(
    directory: &Path,
    relative: &str,
    sources: &dyn Sources,
) -> Option<PathBuf> {
    memoized(
        sources.memo().map(|memo| &memo.partials),
        (directory.as_os_str().to_owned(), relative.to_owned()),
        |(directory, relative)| {
            let directory = Path::new(directory);
            match top_directory(relative) {
                Some(top) => ancestors_holding(directory, top, sources)
                    .iter()
                    .find_map(|base| file_at(base, relative, sources)),
                None => directory
                    .ancestors()
                    .find_map(|base| file_at(base, relative, sources)),
            }
        },
    )
}

/// `directory` and those of its ancestors below which `top` may hold files, nearest first: the bases at
/// which [`partial_at`] can find a partial whose path starts with `top`. Memoized by directory and built
/// from the parent's list, so that each directory is asked once whatever the pages and partials below it.
fn ancestors_holding(directory: &Path, top: &Path, sources: &dyn Sources) -> Arc<[PathBuf]> {
    memoized(
        sources.memo().map(|memo| &memo.ancestors),
        (directory.as_os_str().to_owned(), top.as_os_str().to_owned()),
        |_| {
            let here = may_hold_below(directory, top, sources).then(|| directory.to_path_buf());
            let above = directory
                .parent()
                .map(|parent| ancestors_holding(parent, top, sources));
            here.into_iter()
                .chain(above.iter().flat_map(|bases| bases.iter().cloned()))
                .collect()
        },
    )
}

/// The first directory of a relative path to a file (`src` of `src/content/partials/x.mdx`), when the
/// file is below it: the path has more than one component and no `..` (which [`clean`] resolves
/// lexically, so that the file need not be below its first directory).
fn top_directory(relative: &str) -> Option<&Path> {
    let mut components = Path::new(relative).components();
    let Some(Component::Normal(top)) = components.next() else {
        return None;
    };
    let mut below = components.peekable();
    let file_below =
        below.peek().is_some() && below.all(|component| matches!(component, Component::Normal(_)));
    file_below.then_some(Path::new(top))
}

/// The product directory of a page: the directory right below the last of the first of `directories`
/// (the conventions' product directories) in its path (`src/content/docs/<product>/...`), when the page sits
/// below that directory.
fn product_from_path(path: &Path, directories: &[&str]) -> Option<String> {
    let components: Vec<&std::ffi::OsStr> = path.components().map(Component::as_os_str).collect();
    let docs = directories.iter().find_map(|directory| {
        components
            .iter()
            .rposition(|component| *component == *directory)
    })?;
    let product = components.get(docs + 1)?;
    (docs + 2 < components.len()).then(|| product.to_string_lossy().into_owned())
}

/// A byte string that sorts as `path` sorts (component by component): each component tagged with its
/// kind in [`Component`]'s order and ended with a NUL, which no component holds. Sorting many paths by
/// this key, made once each, is much cheaper than comparing their components again at every comparison.
pub fn path_order_key(path: &Path) -> Vec<u8> {
    let mut key = Vec::with_capacity(path.as_os_str().len() + 8);
    for component in path.components() {
        let (tag, bytes): (u8, &[u8]) = match component {
            Component::Prefix(prefix) => (1, prefix.as_os_str().as_encoded_bytes()),
            Component::RootDir => (2, b""),
            Component::CurDir => (3, b""),
            Component::ParentDir => (4, b""),
            Component::Normal(name) => (5, name.as_encoded_bytes()),
        };
        key.push(tag);
        key.extend_from_slice(bytes);
        key.push(0);
    }
    key
}

/// Removes `.` and resolves `..` lexically, so one file has one cache key.
pub fn clean(path: &Path) -> PathBuf {
    if is_clean(path) {
        return path.to_path_buf();
    }
    clean_by_components(path)
}

/// Whether [`clean`] leaves `path` as it is: on Unix, a path with no empty, `.` or `..` segment and no
/// trailing `/` (its components, pushed back one by one, spell it again). A byte scan, where walking the
/// components costs thousands of instructions a path: every page's key and every include candidate is
/// cleaned, and nearly all of them are clean already.
#[cfg(unix)]
fn is_clean(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    if bytes == b"/" {
        return true;
    }
    let relative = bytes.strip_prefix(b"/").unwrap_or(bytes);
    !relative.is_empty()
        && relative
            .split(|&byte| byte == b'/')
            .all(|segment| !matches!(segment, b"" | b"." | b".."))
}

/// Elsewhere (prefixes, two separators) the components are always walked.
#[cfg(not(unix))]
fn is_clean(_path: &Path) -> bool {
    false
}

/// [`clean`], walking the components.
fn clean_by_components(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            // `..` takes back a name; above the start of a relative path it stays (`../../x` is not
            // `x`), and above the root it is the root.
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                Some(Component::ParentDir | Component::CurDir) | None => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIRECTORIES: &[&str] = &["docs", "content"];

    fn product_from_path(path: &Path) -> Option<String> {
        super::product_from_path(path, DIRECTORIES)
    }

    #[test]
    fn paths_sort_by_their_order_keys_as_they_sort_by_their_components() {
        let paths: Vec<PathBuf> = [
            "a",
            "a/b",
            "a-b",
            "a.b",
            "a/b/c",
            "a//b",
            "a/./b",
            "./a",
            "../a",
            "..",
            "/a",
            "/",
            "a/",
            "ab",
            "a b",
            "日本/語",
            "日本-語",
            "é/x",
            "e\u{301}/x",
            "x/../y",
            "a/.b",
            "a/..b",
            "",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        for left in &paths {
            for right in &paths {
                assert_eq!(
                    path_order_key(left).cmp(&path_order_key(right)),
                    left.cmp(right),
                    "{left:?} against {right:?}"
                );
            }
        }
    }

    #[test]
    fn a_path_made_relative_through_its_key_is_the_path_made_relative_from_scratch() {
        let working = std::env::current_dir().unwrap();
        let roots = [
            PathBuf::from("/"),
            PathBuf::from(""),
            PathBuf::from("docs"),
            working.join("docs"),
        ];
        let paths = [
            "docs/日本/a.md",
            "./docs/../docs/b.mdx",
            "other/c.md",
            "",
            "/tmp/x/🚀.md",
        ];
        for root in &roots {
            for path in paths.map(Path::new) {
                assert_eq!(
                    relative_to_with_key(root, path, &file_key(path)),
                    relative_to(root, path),
                    "{} in {}",
                    path.display(),
                    root.display()
                );
            }
        }
    }

    #[test]
    fn a_partial_is_looked_for_below_its_first_directory_only_when_nothing_climbs_out() {
        assert_eq!(
            top_directory("src/content/partials/日本/x.mdx"),
            Some(Path::new("src"))
        );
        assert_eq!(top_directory("src/../x.mdx"), None);
        assert_eq!(top_directory("./src/x.mdx"), None);
        assert_eq!(top_directory("/src/x.mdx"), None);
        assert_eq!(top_directory("x.mdx"), None);
    }

    /// Files and directories on a pretend disk, counting the directories asked about.
    struct Disk {
        files: Vec<&'static str>,
        directories: Vec<&'static str>,
        asked: Mutex<Vec<PathBuf>>,
        memo: Option<SourcesMemo>,
    }

    impl Sources for Disk {
        fn page(&self, path: &Path) -> Result<String, Error> {
            self.text(path)
                .ok_or_else(|| Error::Usage(format!("no file {}", path.display())))
        }
        fn text(&self, path: &Path) -> Option<String> {
            self.files
                .iter()
                .any(|file| Path::new(file) == path)
                .then(String::new)
        }
        fn memo(&self) -> Option<&SourcesMemo> {
            self.memo.as_ref()
        }
        fn may_hold_files(&self, directory: &Path) -> bool {
            self.asked.lock().unwrap().push(directory.to_path_buf());
            self.directories
                .iter()
                .any(|known| Path::new(known) == directory)
        }
    }

    #[test]
    fn a_partial_is_the_one_below_the_nearest_ancestor_and_each_directory_is_asked_once() {
        let disk = |memo: Option<SourcesMemo>| Disk {
            files: vec![
                "site/src/p/日本.mdx",
                "site/docs/src/p/日本.mdx",
                "site/docs/a/src/other.mdx",
                "site/x.mdx",
            ],
            directories: vec!["site/src", "site/docs/src", "site/docs/a/src"],
            asked: Mutex::default(),
            memo,
        };
        for memo in [Some(SourcesMemo::default()), None] {
            let with_memo = memo.is_some();
            let disk = disk(memo);
            let found = |directory: &str, relative: &str| {
                partial_in_ancestors(Path::new(directory), relative, &disk)
            };
            // The nearest ancestor that holds it, past one whose `src` holds other files only.
            let nearest = Some(PathBuf::from("site/docs/src/p/日本.mdx"));
            assert_eq!(found("site/docs/a/b", "src/p/日本.mdx"), nearest);
            assert_eq!(found("site/docs/a/c", "src/p/日本.mdx"), nearest);
            assert_eq!(
                found("site/b", "src/p/日本.mdx"),
                Some(PathBuf::from("site/src/p/日本.mdx"))
            );
            assert_eq!(found("site/b", "src/p/🚀.mdx"), None);
            // A path with no first directory is looked for in every ancestor.
            assert_eq!(
                found("site/docs/a", "x.mdx"),
                Some(PathBuf::from("site/x.mdx"))
            );
            let asked = disk.asked.lock().unwrap();
            let asked_twice = asked
                .iter()
                .enumerate()
                .any(|(index, directory)| asked[..index].contains(directory));
            assert_eq!(asked_twice, !with_memo, "{asked:?}");
        }
    }

    #[test]
    fn the_product_comes_from_the_docs_directory() {
        assert_eq!(
            product_from_path(Path::new("x/src/content/docs/ai-gateway/a/b.mdx")),
            Some("ai-gateway".into())
        );
        assert_eq!(product_from_path(Path::new("docs/a.mdx")), None);
        assert_eq!(
            product_from_path(Path::new(
                "/tmp/docs/site/src/content/docs/r2/api/tokens.mdx"
            )),
            Some("r2".into()),
            "the last docs directory counts"
        );
        assert_eq!(clean(Path::new("a/./b/../c.md")), PathBuf::from("a/c.md"));
        assert_eq!(
            clean(Path::new("docs/../../../shared/x.md")),
            PathBuf::from("../../shared/x.md")
        );
        assert_eq!(clean(Path::new("/a/../../b.md")), PathBuf::from("/b.md"));
    }

    #[test]
    fn a_path_taken_as_clean_is_what_walking_its_components_makes() {
        for path in [
            "a",
            "a/b",
            "a//b",
            "a/./b",
            "./a",
            "../a",
            "..",
            ".",
            "/a",
            "/",
            "//",
            "/a/",
            "a/",
            "",
            "/..",
            "/a/..",
            "a/.b",
            "a/..b",
            "a/b.",
            "日本/語.mdx",
            "e\u{301}/x",
            "שלום/😀",
            "a/ /b",
            "/tmp/x//y/./z/../w.md",
        ] {
            let path = Path::new(path);
            assert_eq!(clean(path), clean_by_components(path), "{path:?}");
            if is_clean(path) {
                assert_eq!(clean_by_components(path).as_path(), path, "{path:?}");
            }
            assert_eq!(file_key(path), key_by_components(path), "{path:?}");
        }
    }
}
