//! The relevance prefilter: before a page is parsed, a pass over its text decides whether it can hold any
//! finding. A page that cannot is counted and skipped, so a page that says nothing about permissions costs
//! a scan instead of a parse, facts and rules. It runs in two passes: the screen (`source/screen/`)
//! reads the raw bytes (the markers and includes below, and where a name may be read) and rules out most
//! pages, and keeps those on which it reads a marker or a whole name; the readings below, after the MDX
//! pre-pass, decide the pages it can neither rule out nor keep.
//!
//! # What it reads
//!
//! The MDX pre-pass ([`mdx::scan`], the same one [`crate::doc::Page::parse`] runs first, in the dialect the
//! policy gives the path) gives the *masked* text: every recognised construct (front matter, ESM, JSX and
//! HTML tags, `{...}` expressions, comments, directives, Hugo shortcodes, mdBook includes) blanked to
//! spaces, at the same offsets. The page model reads names from exactly these texts:
//!
//! 1. text units (table cells, list items, paragraphs, headings): slices of the masked text;
//! 2. call-out titles (`:::note[...]`, `<Aside title=...>`, a call-out shortcode's `header`/`title`):
//!    slices of the raw text inside the blanked opener;
//! 3. a call-out's own text: its title and the masked pieces of its body around the call-outs nested in
//!    it, name-normalised one by one and joined with a space (the first body piece without a GFM alert's
//!    marker line);
//! 4. the raw front matter and the masked text, for the table spellings of the products with claims
//!    (`claim_products_in`, on raw words);
//! 5. split rows (`| AI Gateway | Read |`): a product cell and a level cell of one table row
//!    (`facts::split_rows`), each name-normalised on its own.
//!
//! Names are found by `Matcher::find_names` in name-normalised text (`text::normalize`): a normalised name
//! counts where it occurs with no letter or digit on either side. Normalisation is local (a character's
//! output depends only on itself, except a link destination `](...)` on one line, which is dropped, an
//! entity, which is decoded, and a placeholder), so a name found in the normalised slice of a text is
//! found, on word boundaries, in the normalised whole text, except where the slice's edge cuts one of
//! those constructs or where decoding, dropping or a leftmost-longest overlap changes what stands next to
//! the name. The prefilter therefore asks, for each reading:
//!
//! - **(1) and (4), masked text**: is some relevant name (below) found, with an *overlapping* search (a
//!   longer name cannot hide a shorter one) on word boundaries, in the normalised masked text?
//! - **(2), titles**: in each call-out title, normalised and followed by the first words of the body (with
//!   and without its first line), and in the raw front matter?
//! - **(3), nested pieces**: a name split across pieces ends one piece (right before a nested call-out
//!   starts) with a word-prefix of it and starts a later piece (right after a nested call-out ends) with a
//!   word-suffix of it. Every place a call-out may start or end (an `Aside` tag, a call-out shortcode, a
//!   directive line, an admonish fence, a blockquote line and the lines lazily continuing it) is taken as
//!   such a place; the text before it (with call-out titles put back) is tested for name prefixes, the text
//!   after it for suffixes; a name with a prefix of i words and a suffix of j words, i + j at most its
//!   length, makes the page relevant.
//! - **(5), split rows**: a table row with two cells that `split_group` joins into a group, or that SL004
//!   reports as an unknown group (a known level with a name close to the joined cells, or a known product
//!   with one), tried for every pair of cells of every row whatever the header says (the model reads only
//!   the product and level columns). Markdown rows are the lines holding a `|`, cut at unescaped pipes as
//!   GFM cuts them (a row without a pipe has one cell and cannot split a group); HTML rows and cells are
//!   read from the pre-pass's tags as `doc::markdown` reads them (`<td>`/`<th>` at depth 1).
//!
//! Besides, on the raw text (read by the screen):
//!
//! - markers a rule reads: `scope-lint` (SL007 suppressions, SL010 generated regions), `permission_groups`
//!   (SL009 policy examples), a raw U+0002 (reads as a placeholder), ASCII case-insensitive; a `{props.x}`
//!   placeholder (a name of letters, digits and `_`: `{props.frontmatter.title}` is text to the model) in
//!   this case, except on a content line of a fenced code block the model surely parses as one (the
//!   screen's `code_fences`: no text unit holds a fenced code block's text, except an admonish block's); a Hugo placeholder (`{{ .Get "x" }}`, `{{ .Params.x }}`, as `text::normalize` reads it),
//!   which stands for any word. A JSON `\u` escape is no marker: SL009 reads only the code blocks that
//!   hold `permission_groups` as written, so a page it reports holds that marker whatever its escapes spell;
//! - an entity that decodes to a letter or digit (it joins the words around it in normalised text, not in
//!   the raw words `claim_products_in` reads), and a link destination between two characters a name's
//!   word may hold (the same, for the dropped `](...)`): ASCII letters, digits and the punctuation the
//!   names keep (`/` in `Pub/Sub`); outside ASCII only a character that lower-cases to an ASCII letter,
//!   as every other one is read as itself or as a separator, and the screen's names are ASCII.
//!
//! # Pages with includes
//!
//! A listing or call-out in an included file counts on the page that includes it. A page that holds an
//! include (`<Render`, `{{#`, a Hugo `{{< render >}}`) and nothing of the above is
//! [`Relevance::ThroughIncludes`]: the walk checks it only when a file it includes, directly or not, is
//! relevant itself, is included only in part (an mdBook anchor or line range: the part is read without
//! the lines around it, so words can meet that do not in the whole file), or was not read by the walk. A
//! partial's params only fill its `{props.x}` and Hugo placeholders, which make the partial relevant. Include
//! errors (cycles, unreadable files) come from the include graph, which is built from every page that
//! holds an include, checked or not, except the pages whose raw `<Render>` tags name only files that are
//! ruled out and include nothing (`walk/render_tags.rs`): such a page's includes cannot close a cycle or
//! name an unreadable file.
//!
//! Pages a call-out policy requires the call-out on (SL001 without a listing), permissions reference pages
//! (SL008) and pages in a directory of a product with claims (SL003 reads their prose) are decided by
//! their path. The relevant names are every group's names (name, label, aliases, former names: listings,
//! SL004) and the names and aliases of the products with a call-out policy (SL002, SL005 read the
//! call-outs that name them) or with claims (SL003).
//!
//! `tests/prefilter.rs` runs every fixture of the project with and without the prefilter and requires
//! identical output, and checks generated pages built from the edges above.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::contiguous;
use aho_corasick::{Anchored, Input, MatchKind};

use crate::doc::blank::{indent_width, is_blank};
use crate::doc::callout::{is_callout_component, is_callout_shortcode, may_be_a_myst_fence};
use crate::doc::html_table::{TablePart, table_parts};
use crate::doc::mdx::{self, AttributeValue, Scan, Tag};
use crate::policy::Policy;
use crate::table::CapabilityTable;
use crate::table::matcher::{Matcher, level_word_iter, level_words};
use crate::text::lines::lines_and_breaks;
use crate::text::normalize::{Mode, normalize_name, normalize_text, on_word_boundaries};
use crate::text::pairs::BytePairs;

use super::screen::{CellWords, Readings, Screen, Verdict, ascii_alphanumeric_runs};

/// Compiled once per run from the capability table.
#[derive(Debug)]
pub struct Prefilter<'m> {
    /// The run's name matcher: split rows are read with it.
    matcher: &'m Matcher,
    /// `None` when some name normalises to nothing: then every page is relevant.
    compiled: Option<Compiled>,
    /// The ids of the products SL003 reads claims about: a page in such a directory is read for claims
    /// even when it does not name the product.
    claim_directories: Vec<String>,
}

#[derive(Debug)]
struct Compiled {
    /// The first pass over the raw text: markers, includes, and where a name may be read.
    screen: Screen,
    /// The relevant names, normalised.
    names: Vec<String>,
    /// The exact readings, compiled when the screen first leaves a page to them (`None` when no
    /// automaton can be built: then every such page is relevant).
    exact: OnceLock<Option<Exact>>,
}

/// What the exact readings search for.
#[derive(Debug)]
struct Exact {
    /// The relevant names, normalised: a trie searched from each word start (or, when some name does not
    /// start with a letter or digit, for every overlapping match).
    names: contiguous::NFA,
    /// Whether every relevant name starts with a letter or digit: a name found on word boundaries then
    /// starts where a word does.
    names_start_words: bool,
    /// The first two bytes of each relevant name (any second byte for a name of one byte): most words
    /// start no name, and this rules them out before the trie is walked.
    name_starts: BytePairs,
    /// Words in each relevant name (same order as the patterns of `names`).
    name_words: Vec<usize>,
    /// The most words in a relevant name.
    longest: usize,
    /// Each proper word-prefix of a relevant name: (name, its words).
    prefixes: HashMap<String, Vec<(usize, usize)>>,
    /// Each proper word-suffix of a relevant name: (name, its words).
    suffixes: HashMap<String, Vec<(usize, usize)>>,
    /// The runs of ASCII letters and digits in every group name, product name and level, and the level
    /// joiners: a split row's level cell or product cell is made of these (`None`: a name has none, and
    /// every row is read).
    row_words: Option<CellWords>,
}

impl<'m> Prefilter<'m> {
    /// The prefilter for `table`, the `policy` of the run and the `matcher` compiled from the table.
    pub fn new(table: &CapabilityTable, policy: &Policy, matcher: &'m Matcher) -> Prefilter<'m> {
        let claim_directories = matcher
            .claims
            .iter()
            .map(|claim| table.products[claim.product].id.clone())
            .collect();
        Prefilter {
            matcher,
            compiled: Compiled::new(table, policy, matcher),
            claim_directories,
        }
    }

    /// Whether the page with `text`, at `relative` (to the policy root), can hold a finding, counting a
    /// page that includes files as relevant (see [`Prefilter::relevance`] for the finer answer).
    pub fn relevant(&self, policy: &Policy, text: &str, relative: &Path) -> bool {
        self.relevance(policy, text, relative) != Relevance::None
    }

    /// Whether the page with `text`, at `relative` (to the policy root), can hold a finding on its own, or
    /// only through the files it includes, or not at all.
    pub fn relevance(&self, policy: &Policy, text: &str, relative: &Path) -> Relevance {
        self.relevance_and_scan(policy, text, relative).0
    }

    /// [`Prefilter::relevance`], and the MDX pre-pass's scan of `text` when the screen or the exact
    /// readings made one (listing the page's includes reads the same scan); none for a page ruled out.
    pub fn relevance_and_scan(
        &self,
        policy: &Policy,
        text: &str,
        relative: &Path,
    ) -> (Relevance, Option<Scan>) {
        let Some(compiled) = &self.compiled else {
            return (Relevance::Own, None);
        };
        if policy.requires_page(relative) || policy.is_reference_page(relative) {
            return (Relevance::Own, None);
        }
        let in_claim_directory = relative.components().any(|component| {
            self.claim_directories
                .iter()
                .any(|id| component.as_os_str() == id.as_str())
        });
        if in_claim_directory {
            return (Relevance::Own, None);
        }
        let dialect = policy.dialect_for(relative);
        let (verdict, screen_scan) = compiled.screen.read_in(text, dialect);
        let (includes, readings) = match verdict {
            Verdict::Own => return (Relevance::Own, screen_scan),
            Verdict::Maybe { includes, readings } => (includes, readings),
            Verdict::Nothing { includes: true } => {
                return (Relevance::ThroughIncludes, screen_scan);
            }
            Verdict::Nothing { includes: false } => return (Relevance::None, None),
        };
        let scan = screen_scan.unwrap_or_else(|| mdx::scan(text, dialect));
        let own = compiled
            .exact
            .get_or_init(|| Exact::new(&compiled.names, self.matcher))
            .as_ref()
            .is_none_or(|exact| exact.reads_a_name(text, &scan, self.matcher, readings));
        let relevance = match (own, includes) {
            (true, _) => Relevance::Own,
            (false, true) => Relevance::ThroughIncludes,
            (false, false) => Relevance::None,
        };
        (relevance, Some(scan))
    }
}

/// What the prefilter says of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relevance {
    /// It can hold a finding of its own.
    Own,
    /// It can hold a finding only if a file it includes (directly or not) is relevant, or is included
    /// in part (an mdBook anchor or line range reads differently from the whole file).
    ThroughIncludes,
    /// It cannot hold a finding: it is skipped without a parse.
    None,
}

impl Compiled {
    fn new(table: &CapabilityTable, policy: &Policy, matcher: &Matcher) -> Option<Compiled> {
        // A product's own name counts only for a product with a call-out policy (SL002, SL005 read the
        // call-outs that name it) or with claims (SL003); listings and SL004 need group names.
        let products_read = table.products.iter().enumerate().filter(|(index, _)| {
            policy
                .callouts
                .iter()
                .any(|policy| policy.product == *index)
                || matcher.claims.iter().any(|claim| claim.product == *index)
        });
        let mut names: Vec<String> = table
            .groups
            .iter()
            .flat_map(|group| group.all_names())
            .chain(
                products_read
                    .flat_map(|(_, product)| std::iter::once(&product.name).chain(&product.aliases))
                    .map(String::as_str),
            )
            .map(normalize_name)
            .collect();
        names.sort();
        names.dedup();
        if names.iter().any(String::is_empty) {
            return None;
        }
        let screen = Screen::new(&names, matcher)?;
        Some(Compiled {
            screen,
            names,
            exact: OnceLock::new(),
        })
    }
}

impl Exact {
    fn new(names: &[String], matcher: &Matcher) -> Option<Exact> {
        let name_words: Vec<usize> = names.iter().map(|name| name.split(' ').count()).collect();
        let mut prefixes: HashMap<String, Vec<(usize, usize)>> = HashMap::default();
        let mut suffixes: HashMap<String, Vec<(usize, usize)>> = HashMap::default();
        for (index, name) in names.iter().enumerate() {
            let words: Vec<&str> = name.split(' ').collect();
            for cut in 1..words.len() {
                prefixes
                    .entry(words[..cut].join(" "))
                    .or_default()
                    .push((index, cut));
                suffixes
                    .entry(words[cut..].join(" "))
                    .or_default()
                    .push((index, words.len() - cut));
            }
        }
        // A contiguous NFA: a DFA of every group name searches a little faster but takes longer to build
        // than the few hundred pages that get this far take to search.
        let names_automaton = contiguous::NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(names)
            .ok()?;
        let row_words = CellWords::of(
            names
                .iter()
                .map(String::as_str)
                .chain(matcher.levels_and_product_names()),
        );
        Some(Exact {
            row_words,
            longest: name_words.iter().copied().max().unwrap_or(1),
            names: names_automaton,
            names_start_words: names
                .iter()
                .all(|name| name.chars().next().is_some_and(char::is_alphanumeric)),
            name_starts: first_pairs(names),
            name_words,
            prefixes,
            suffixes,
        })
    }

    /// Whether one of the page model's readings (see the module doc) can find a relevant name: of those
    /// the screen left open (`readings`), as it rules out the others.
    fn reads_a_name(&self, text: &str, scan: &Scan, matcher: &Matcher, readings: Readings) -> bool {
        (readings.names && self.reads_a_whole_name(text, scan))
            || (readings.rows && in_split_rows(scan, matcher, self.row_words.as_ref()))
    }

    /// Readings (1) to (4): a relevant name in the masked text, the front matter, a call-out title or
    /// across the pieces around a nested call-out.
    fn reads_a_whole_name(&self, text: &str, scan: &Scan) -> bool {
        let masked = scan.masked.as_str();
        self.names_in(&normalize_text(masked, Mode::Name, &[]))
            || scan.front_matter.as_ref().is_some_and(|front_matter| {
                self.names_in(&normalize_text(
                    &text[front_matter.clone()],
                    Mode::Name,
                    &[],
                ))
            })
            || self.in_titles(text, scan)
            || self.across_nested_callouts(text, scan)
    }

    /// Whether normalised `text` holds a relevant name on word boundaries.
    fn names_in(&self, text: &str) -> bool {
        if self.names_start_words {
            let bytes = text.as_bytes();
            return word_starts(text).any(|start| {
                let second = bytes.get(start + 1).copied().unwrap_or(0);
                self.name_starts.contains(bytes[start], second) && self.name_starts_at(text, start)
            });
        }
        let input = Input::new(text);
        self.names
            .try_find_overlapping_iter(input)
            .is_ok_and(|mut found| found.any(|found| on_word_boundaries(text, &found.range())))
    }

    /// Whether a relevant name starts at `start` of `text` and ends on a word boundary: the trie is walked
    /// from `start` while it can go on, and each match of a whole name (not of a suffix) is tried.
    fn name_starts_at(&self, text: &str, start: usize) -> bool {
        let names = &self.names;
        let Ok(mut state) = names.start_state(Anchored::Yes) else {
            return true;
        };
        for (walked, &byte) in (1..).zip(&text.as_bytes()[start..]) {
            state = names.next_state(Anchored::Yes, state, byte);
            if names.is_dead(state) {
                return false;
            }
            let whole_name = names.is_match(state)
                && (0..names.match_len(state))
                    .any(|index| names.pattern_len(names.match_pattern(state, index)) == walked);
            if whole_name && on_word_boundaries(text, &(start..start + walked)) {
                return true;
            }
        }
        false
    }

    /// (2): each call-out title, followed by the first words of the body after its opener.
    fn in_titles(&self, text: &str, scan: &Scan) -> bool {
        callout_titles(scan).any(|(title, opener_end)| {
            let title = normalize_text(&text[title], Mode::Name, &[]);
            let next_line = scan.masked[opener_end..]
                .find('\n')
                .map_or(scan.masked.len(), |at| opener_end + at + 1);
            [opener_end, next_line].into_iter().any(|body| {
                let body = self.words_after(&scan.masked, body);
                self.names_in(&format!("{title} {body}"))
            })
        })
    }

    /// (3): a name whose first words end the text before a place a call-out may start and whose last words
    /// start the text after a place one may end.
    fn across_nested_callouts(&self, text: &str, scan: &Scan) -> bool {
        let (starts, ends) = callout_edges(text, scan);
        if starts.is_empty() || ends.is_empty() {
            return false;
        }
        let Some(with_titles) = with_callout_titles(text, scan) else {
            return true;
        };
        let mut heads: HashMap<usize, usize> = HashMap::default();
        for &start in &starts {
            let before = self.words_before(&with_titles, start);
            for (at, _) in before.char_indices() {
                let on_boundary = before[..at]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric());
                if !on_boundary || before[at..].starts_with(' ') {
                    continue;
                }
                for &(name, words) in self.prefixes.get(&before[at..]).into_iter().flatten() {
                    let fewest = heads.entry(name).or_insert(words);
                    *fewest = (*fewest).min(words);
                }
            }
        }
        if heads.is_empty() {
            return false;
        }
        ends.iter().any(|&end| {
            let after = self.words_after(&with_titles, end);
            after
                .char_indices()
                .map(|(at, _)| at)
                .chain(std::iter::once(after.len()))
                .filter(|&at| at > 0)
                .filter(|&at| {
                    after[at..]
                        .chars()
                        .next()
                        .is_none_or(|c| !c.is_alphanumeric())
                        && !after[..at].ends_with(' ')
                })
                .flat_map(|at| self.suffixes.get(&after[..at]).into_iter().flatten())
                .any(|&(name, words)| {
                    heads
                        .get(&name)
                        .is_some_and(|&head| head + words <= self.name_words[name])
                })
        })
    }

    /// The normalised text of at least the last `longest` words of `text[..at]` (all of it when shorter).
    fn words_before(&self, text: &str, at: usize) -> String {
        let mut chunks = self.longest + 1;
        loop {
            let start = chunks_back(text, at, chunks);
            let words = normalize_text(&text[start..at], Mode::Name, &[]);
            if start == 0 || words.split(' ').count() > self.longest {
                return words;
            }
            chunks *= 2;
        }
    }

    /// The normalised text of at least the first `longest` words of `text[at..]` (all of it when shorter).
    fn words_after(&self, text: &str, at: usize) -> String {
        let mut chunks = self.longest + 1;
        loop {
            let end = chunks_forward(text, at, chunks);
            let words = normalize_text(&text[at..end], Mode::Name, &[]);
            if end == text.len() || words.split(' ').count() > self.longest {
                return words;
            }
            chunks *= 2;
        }
    }
}

/// The first two bytes of each of `names`, or the first and any byte for a name of one byte.
fn first_pairs(names: &[String]) -> BytePairs {
    let mut pairs = BytePairs::default();
    for name in names {
        match name.as_bytes() {
            [] => {}
            [only] => pairs.insert_any_second(*only),
            [first, second, ..] => pairs.insert(*first, *second),
        }
    }
    pairs
}

/// Where the words of `text` start: each letter or digit with none right before it.
fn word_starts(text: &str) -> impl Iterator<Item = usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut after_word = false;
    std::iter::from_fn(move || {
        while let Some(&byte) = bytes.get(at) {
            let here = at;
            let in_word = if byte.is_ascii() {
                at += 1;
                byte.is_ascii_alphanumeric()
            } else {
                let c = text[here..]
                    .chars()
                    .next()
                    .expect("a character starts here");
                at += c.len_utf8();
                c.is_alphanumeric()
            };
            let starts = in_word && !after_word;
            after_word = in_word;
            if starts {
                return Some(here);
            }
        }
        None
    })
}

/// (5): a table row with two cells that `facts::split_rows` can read as a group (`split_group`), or that
/// SL004 reports as an unknown one (a known level and a close name, or a known product and a close name).
/// Markdown rows are the lines from one holding a `|` to the next blank line, cut at unescaped pipes (a
/// row may omit its pipes); HTML rows and cells are read from the tags as `doc::markdown` does.
fn in_split_rows(scan: &Scan, matcher: &Matcher, row_words: Option<&CellWords>) -> bool {
    let masked = scan.masked.as_str();
    let bytes = masked.as_bytes();
    // A row without a pipe has one cell: it cannot split a group. So only the lines around each pipe are
    // read (the lines of `masked.split('\n')` that hold one).
    let mut from = 0;
    while let Some(pipe) = memchr::memchr(b'|', &bytes[from..]) {
        let pipe = from + pipe;
        let start = memchr::memrchr(b'\n', &bytes[..pipe]).map_or(0, |at| at + 1);
        let end = memchr::memchr(b'\n', &bytes[pipe..]).map_or(bytes.len(), |at| pipe + at);
        // A split row's level cell (known levels) or product cell is made of the names' words; a row with
        // neither is not normalised.
        if !cells_of_row(&masked[start..end]).any(|cell| may_be_made_of(cell, row_words)) {
            from = end;
            continue;
        }
        let cells: Vec<String> = cells_of_row(&masked[start..end])
            .map(|cell| normalize_text(cell, Mode::Name, &[]))
            .collect();
        if row_splits_a_group(&cells, matcher) {
            return true;
        }
        from = end;
    }
    html_rows(scan)
        .into_iter()
        .filter(|row| row.iter().any(|cell| may_be_made_of(cell, row_words)))
        .any(|row| {
            let cells: Vec<String> = row
                .iter()
                .map(|cell| normalize_text(cell, Mode::Name, &[]))
                .collect();
            row_splits_a_group(&cells, matcher)
        })
}

/// Whether `cell` (masked text) may normalise to words that are all among `words` and at least one: each
/// of its runs of ASCII letters and digits is one of them, or it holds what normalisation decodes, drops
/// or folds (an entity, a backslash, a link destination, a character outside ASCII), which can join or
/// change its words. Without `words`, any cell may.
fn may_be_made_of(cell: &str, words: Option<&CellWords>) -> bool {
    let Some(words) = words else {
        return true;
    };
    if crate::bytes::has_non_ascii_or(cell.as_bytes(), b"&\\]{") {
        return true;
    }
    let mut runs = ascii_alphanumeric_runs(cell).peekable();
    runs.peek().is_some() && runs.all(|run| words.contains(run))
}

/// The cells of a Markdown table row: cut at each `|` not escaped by a backslash (and at a lone `\r`).
pub(super) fn cells_of_row(line: &str) -> impl Iterator<Item = &str> {
    let bytes = line.as_bytes();
    let mut separators = memchr::memchr2_iter(b'|', b'\r', bytes);
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let cell_start = start?;
        for index in separators.by_ref() {
            let escaped = bytes[index] == b'|'
                && bytes[..index]
                    .iter()
                    .rev()
                    .take_while(|&&before| before == b'\\')
                    .count()
                    % 2
                    == 1;
            if !escaped {
                start = Some(index + 1);
                return Some(&line[cell_start..index]);
            }
        }
        start = None;
        Some(&line[cell_start..])
    })
}

/// The rows of the page's HTML tables, each cell the masked text between a `<td>`/`<th>` and its close at
/// depth 1, in rows started by `<tr>` at depth 1: the cells the page model reads ([`table_parts`]), each
/// table's cells before its first `<tr>` a row of their own.
fn html_rows(scan: &Scan) -> Vec<Vec<&str>> {
    let mut rows: Vec<Vec<&str>> = Vec::new();
    for part in table_parts(&scan.tags) {
        match part {
            TablePart::Open(_) | TablePart::Row => rows.push(Vec::new()),
            TablePart::Cell { content, .. } => {
                if let Some(row) = rows.last_mut() {
                    row.push(&scan.masked[content]);
                }
            }
            TablePart::Close(_) => {}
        }
    }
    rows
}

/// Whether some cell of `row` can be a split row's product cell and another its level cell, as
/// `facts::split_rows` and SL004 read them (every pair of cells is tried, whatever the header says). A pair
/// is read by the cells' texts, so each pair of texts is tried once (a row of thousands of cells repeats a
/// few); a text pairs with itself when two cells hold it.
fn row_splits_a_group(row: &[String], matcher: &Matcher) -> bool {
    let mut index_of: HashMap<&str, usize> = HashMap::default();
    let mut texts: Vec<(&str, usize)> = Vec::new();
    for cell in row {
        let index = *index_of.entry(cell.as_str()).or_insert_with(|| {
            texts.push((cell.as_str(), 0));
            texts.len() - 1
        });
        texts[index].1 += 1;
    }
    // Next to an unknown level, only a cell that may be a product cell can split a group (and SL004 asks
    // for an exact product there).
    let mut product_cells: Option<Vec<bool>> = None;
    texts
        .iter()
        .enumerate()
        .any(|(level_index, &(level_cell, level_cells))| {
            if level_cell.is_empty() || matcher.exact_group(level_cell).is_some() {
                return false;
            }
            let Some((levels, known)) = levels_of(level_cell, matcher) else {
                return false;
            };
            let mut may_be_a_product_cell = |index: usize| {
                known
                    || product_cells.get_or_insert_with(|| {
                        texts
                            .iter()
                            .map(|(cell, _)| matcher.may_be_a_product_cell(cell))
                            .collect()
                    })[index]
            };
            texts
                .iter()
                .enumerate()
                .filter(|&(index, (product, _))| {
                    (index != level_index || level_cells > 1)
                        && !product.is_empty()
                        && may_be_a_product_cell(index)
                })
                .any(|(_, (product, _))| {
                    levels.iter().any(|level| {
                        matcher.split_group(product, level).is_some()
                            || ((known || matcher.exact_product(product).is_some())
                                && close_to_a_name(matcher, product, level))
                    })
                })
        })
}

/// SL004's suggestion for a split row (`closest_name` of the joined cells), without the table.
fn close_to_a_name(matcher: &Matcher, product: &str, level: &str) -> bool {
    matcher.is_close_to_a_name(&format!("{product} {level}"))
}

/// The levels a level cell names and whether all are known, as `facts::split_rows::levels_of` reads them.
fn levels_of<'c>(cell: &'c str, matcher: &Matcher) -> Option<(Vec<&'c str>, bool)> {
    if matcher.is_level(cell) {
        return Some((vec![cell], true));
    }
    let mut words = level_word_iter(cell);
    words.next()?;
    if words.next().is_none() {
        return Some((vec![cell], false));
    }
    let words = level_words(cell);
    words
        .iter()
        .all(|word| matcher.is_level(word))
        .then_some((words, true))
}

/// The start of the `chunks`-th run of non-whitespace bytes that starts before `at`, counting back (0 when
/// there are fewer). ASCII whitespace delimits the runs, so the result is on a character boundary.
fn chunks_back(text: &str, at: usize, chunks: usize) -> usize {
    let bytes = text.as_bytes();
    let mut seen = 0;
    for index in (0..at).rev() {
        let starts_run = !bytes[index].is_ascii_whitespace()
            && (index == 0 || bytes[index - 1].is_ascii_whitespace());
        if starts_run {
            seen += 1;
            if seen == chunks {
                return index;
            }
        }
    }
    0
}

/// The end of the `chunks`-th run of non-whitespace bytes that ends after `at` (the text's end when there
/// are fewer).
fn chunks_forward(text: &str, at: usize, chunks: usize) -> usize {
    let bytes = text.as_bytes();
    let mut seen = 0;
    for index in at..bytes.len() {
        let ends_run = !bytes[index].is_ascii_whitespace()
            && bytes
                .get(index + 1)
                .is_none_or(|next| next.is_ascii_whitespace());
        if ends_run {
            seen += 1;
            if seen == chunks {
                return index + 1;
            }
        }
    }
    bytes.len()
}

/// The call-out component tags (`Aside`, `Note`, `Callout`, ...) and call-out shortcodes of the page:
/// where a call-out may open or close.
fn callout_tags(scan: &Scan) -> impl Iterator<Item = &Tag> + '_ {
    scan.tags
        .iter()
        .filter(|tag| is_callout_component(&tag.name))
        .chain(
            scan.shortcodes
                .iter()
                .filter(|tag| is_callout_shortcode(&tag.name)),
        )
}

/// Each call-out title the model may read, with the end of its opener (where the body starts).
fn callout_titles(scan: &Scan) -> impl Iterator<Item = (Range<usize>, usize)> + '_ {
    let directives = scan.directives.iter().filter_map(|directive| {
        directive
            .title
            .clone()
            .map(|title| (title, directive.open.end))
    });
    let tags = callout_tags(scan).flat_map(|tag| {
        tag.attributes
            .iter()
            .filter(|attribute| attribute.name == "title" || attribute.name == "header")
            .filter_map(|attribute| match &attribute.value {
                AttributeValue::Text(range) | AttributeValue::Expression(range) => {
                    Some((range.clone(), tag.range.end))
                }
                AttributeValue::None => None,
            })
    });
    directives.chain(tags)
}

/// The masked text with the call-out titles of the raw text put back (the model joins a title to the
/// body after it).
fn with_callout_titles(text: &str, scan: &Scan) -> Option<String> {
    let mut bytes = scan.masked.clone().into_bytes();
    for (title, _) in callout_titles(scan) {
        bytes[title.clone()].copy_from_slice(&text.as_bytes()[title]);
    }
    String::from_utf8(bytes).ok()
}

/// Where a call-out may start and where one may end: every `Aside` tag, call-out shortcode, directive
/// line, the end of a directive its blockquote or list item ended, and admonish fence, each blockquote
/// line's `>` (start) and the end of it and of the lines that lazily continue it (end).
fn callout_edges(text: &str, scan: &Scan) -> (Vec<usize>, Vec<usize>) {
    let mut starts = Vec::new();
    let mut ends = Vec::new();
    let mut edge = |range: &Range<usize>| {
        starts.push(range.start);
        ends.push(range.end);
    };
    callout_tags(scan).for_each(|tag| edge(&tag.range));
    for directive in &scan.directives {
        edge(&directive.open);
        if let Some(close) = &directive.close {
            edge(close);
        }
        if let Some(end) = directive.container_end {
            edge(&(end..end));
        }
    }
    for fence in &scan.fences {
        let info = text[fence.clone()].trim_start_matches([' ', '\t', '`', '~']);
        if info
            .get(..8)
            .is_some_and(|word| word.eq_ignore_ascii_case("admonish"))
            || may_be_a_myst_fence(info)
        {
            edge(fence);
        }
    }
    framework_edges(text, &mut starts, &mut ends);
    let mut quoted = false;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            quoted = false;
        } else {
            let marker = content.trim_start_matches(|c: char| {
                matches!(c, ' ' | '\t' | '-' | '*' | '+' | '.' | ')') || c.is_ascii_digit()
            });
            if marker.starts_with('>') {
                quoted = true;
                starts.push(line_start + (content.len() - marker.len()));
            }
            if quoted {
                ends.push(line_start + content.len());
            }
        }
        line_start += line.len();
    }
    (starts, ends)
}

/// The places the call-outs of other docs frameworks (`doc/callout/frameworks.rs`) may start and end, as
/// a superset: every `:::` or `{%` line (after container markers) starts and ends one, an MkDocs opener
/// (`!!!`, `???`) starts one, and each line below it that is not blank ends one, up to the first line
/// indented less than four columns.
fn framework_edges(text: &str, starts: &mut Vec<usize>, ends: &mut Vec<usize>) {
    let bytes = text.as_bytes();
    let finder = |needle: &[u8]| memchr::memmem::find(bytes, needle).is_some();
    if !finder(b":::") && !finder(b"{%") && !finder(b"!!!") && !finder(b"???") {
        return;
    }
    let mut in_mkdocs_body = false;
    for (line, _) in lines_and_breaks(text) {
        let content = &text[line.clone()];
        let after_markers = content.trim_start_matches(['>', ' ', '\t']);
        let marker_start = line.start + content.len() - after_markers.len();
        if in_mkdocs_body && !is_blank(content) {
            if indent_width(content) < 4 {
                in_mkdocs_body = false;
            } else {
                ends.push(line.end);
            }
        }
        if after_markers.starts_with(":::") || after_markers.starts_with("{%") {
            starts.push(marker_start);
            ends.push(line.end);
        }
        let after_spaces = content.trim_start_matches(' ');
        if after_spaces.starts_with("!!!") || after_spaces.starts_with("???") {
            starts.push(line.start + content.len() - after_spaces.len());
            in_mkdocs_body = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_from_word_starts_as_an_overlapping_search_finds_them() {
        let names: Vec<String> = [
            "ai gateway",
            "ai gateway read",
            "gateway",
            "r2",
            "d1",
            "x",
            "日本 run",
        ]
        .map(String::from)
        .to_vec();
        let matcher = Matcher::new(&crate::table::tests::small_table());
        let exact = Exact::new(&names, &matcher).unwrap();
        assert!(exact.names_start_words);
        let overlapping = aho_corasick::AhoCorasick::new(&names).unwrap();
        let reference = |text: &str| {
            overlapping
                .find_overlapping_iter(text)
                .any(|found| on_word_boundaries(text, &found.range()))
        };
        let pieces = [
            "ai",
            "ai gateway",
            " gateway",
            "gateways",
            "read",
            "r2",
            "r22",
            "xr2",
            "/",
            " ",
            "é",
            "日本",
            " run",
            "x",
            "😀",
            "\u{5d0}",
            "e\u{301}",
            "d1",
        ];
        for first in pieces {
            for second in pieces {
                for third in pieces {
                    let text = format!("{first}{second}{third}");
                    assert_eq!(exact.names_in(&text), reference(&text), "{text:?}");
                }
            }
        }
        assert!(exact.names_in("the r2/ai gateway read"));
        assert!(!exact.names_in("aigateway xr2 d10 日本runs"));
    }

    #[test]
    fn a_cell_is_made_of_words_only_when_every_run_is_one_or_normalisation_may_change_it() {
        let words = CellWords::of(["ai gateway", "read"]);
        let words = words.as_ref();
        for cell in [
            " AI Gateway ",
            "**Read** and READ",
            "Re&#97;d",
            "[Re](/x)ad",
            "R\\ead",
            "日本",
            "\u{212a}V",
            "é\u{301}",
        ] {
            assert!(may_be_made_of(cell, words), "{cell:?}");
        }
        for cell in ["", "  ", "-", "Reads", "AI Gateway settings", "Read 2"] {
            assert!(!may_be_made_of(cell, words), "{cell:?}");
        }
        assert!(
            may_be_made_of("x", None),
            "without the words any cell may be"
        );
    }

    #[test]
    fn a_row_is_cut_at_unescaped_pipes_and_lone_carriage_returns() {
        let cells = |line: &'static str| cells_of_row(line).collect::<Vec<_>>();
        assert_eq!(cells("| 日本 | Read |"), ["", " 日本 ", " Read ", ""]);
        assert_eq!(cells(r"a \| b \\| c"), [r"a \| b \\", " c"]);
        assert_eq!(cells("AI\rGateway|é\u{301}"), ["AI", "Gateway", "é\u{301}"]);
        assert_eq!(cells(""), [""]);
    }

    #[test]
    fn chunks_are_counted_from_either_side() {
        let text = "one  two\tthree 日本 four";
        assert_eq!(&text[chunks_back(text, text.len(), 2)..], "日本 four");
        assert_eq!(&text[chunks_back(text, 8, 1)..8], "two");
        assert_eq!(chunks_back(text, 8, 5), 0);
        assert_eq!(&text[..chunks_forward(text, 0, 2)], "one  two");
        assert_eq!(&text[3..chunks_forward(text, 3, 1)], "  two");
        assert_eq!(chunks_forward(text, 0, 9), text.len());
    }

    #[test]
    fn blockquote_lines_and_their_lazy_continuations_are_edges() {
        let text = "a\n> b\nc\n\n- > d\ne";
        let (starts, ends) = callout_edges(text, &mdx::scan(text, crate::doc::Dialect::Markdown));
        assert_eq!(starts, [2, 11]);
        assert_eq!(ends, [5, 7, 14, 16]);
    }
}
