//! The screen: the prefilter's first pass, one read of a page's raw bytes that rules out most pages
//! before the exact readings of [`super::prefilter`] run the MDX pre-pass and normalise the page.
//!
//! One pass over the raw text ([`hits`]: SIMD nibble lookups, then a look at each run end and trigger byte) finds
//! what an ASCII case-insensitive search for these patterns would:
//!
//! - the **markers** a rule reads (`scope-lint`, `permission_groups`, a raw U+0002, a `{props.x}`
//!   placeholder outside the fenced code blocks the model surely parses as code ([`code_fences`]), a Hugo
//!   placeholder, an entity that decodes to a letter or digit, a link destination between two characters
//!   a name's word may hold, which dropping it joins): the page is relevant ([`Verdict::Own`]); and the
//!   **includes** (`<Render`, `{{#`, a Hugo `render` shortcode), which make it relevant through what it
//!   includes;
//! - the **last word of every relevant name** (its trailing run of ASCII letters and digits). From each
//!   hit, the name's earlier words are matched right to left, through what may stand between two words of
//!   a name in name-normalised text: separators (ASCII and Unicode, as [`separates_names`] reads them),
//!   line breaks, entities that decode to a separator, dropped link destinations `](...)`, and one-line
//!   inline tags, comments and `{...}` expressions (which the MDX pre-pass may blank). A `>` or `}` whose
//!   opener is on another line is read as the MDX pre-pass reads it (its scan is made then, once, and
//!   handed on to the exact readings): the walk goes past a tag, comment or expression the pre-pass blanks,
//!   and one byte back over a `>` or `}` that is text (in code, or in Markdown). A name's first word
//!   needs no letter or digit before it. Where the walk meets what it cannot read word by word (an
//!   `Aside` tag, a tag with a `title`/`header`, a Hugo shortcode, front matter or ESM, a directive or
//!   blockquote line, a fence line on a page that says `admonish`, across which the model joins a
//!   call-out's title to its body or the pieces around a nested call-out), it stops and leaves the page to
//!   the exact readings. Where it reads every word of a name, the page is relevant ([`Verdict::Own`]):
//!   the exact readings would run the pre-pass and normalise the whole page only to keep it (they keep
//!   three in four of the pages the walk leaves open, most of them pages that name a product in prose),
//!   and checking a page that holds no finding gives none;
//! - **table rows**: a line with a `|` whose cells (cut as GFM cuts them) hold a level, levels joined by
//!   `/`/`and`/..., or a product's exact name, next to another non-empty cell (what a split row or SL004's
//!   misspelt split row needs), each cell read as it is and with its tags and `{...}` blanked, when the line
//!   may be a row of a GFM table at all ([`table_lines`]: below a header and a delimiter row, with no blank
//!   line between); and HTML `<td>`/`<th>` cells holding the same;
//! - the characters whose lower case is an ASCII letter, which can spell a name's letters in raw text: a
//!   page with the Kelvin sign (`k`) goes to the exact readings; a dotted capital I lower-cases to `i` and
//!   a combining dot, which is neither a separator nor a letter, so it can only end a name whose last
//!   word ends in `i` (no ASCII name goes on past the dot): it is read as such a last word's end.
//!
//! A page with none of these cannot show any reading of [`super::prefilter`] a name on its own, so it is
//! ruled out ([`Verdict::Nothing`]) without the pre-pass; otherwise the exact readings decide
//! ([`Verdict::Maybe`]), and only those the screen could not rule out ([`Readings`]): a page left open only
//! by its table rows and HTML cells gets only the reading of split rows; a page left open by a last word
//! whose name the walk could not read whole, the Kelvin sign, or a screen without the names' trie gets
//! every reading (next to a name the row checks are not shown complete on their own). The screen
//! over-approximates what the model reads within one text unit, title or row: it does not follow the exact
//! readings where they join words across blocks the model keeps apart (a paragraph before an ESM block and
//! one after it). `tests/prefilter.rs` runs every fixture with and without
//! the prefilter and a property test builds pages from names, separators and every construct above.

use std::cell::{Cell, OnceCell};
use std::ops::ControlFlow;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

mod cell_runs;
mod code_fences;
mod hits;
mod pair_nibbles;
mod table_lines;
use code_fences::CodeFences;
use hits::Hits;
use table_lines::TableLines;

use crate::doc::Dialect;
use crate::doc::callout::may_open_a_callout_component;
use crate::doc::include::opens_hugo_render;
use crate::doc::mdx::Scan;
use crate::table::matcher::{LEVEL_JOINERS, Matcher, level_word_iter};
use crate::text::ascii::{FOLDS_TO_ASCII, find_ignoring_ascii_case, folds_to_ascii};
use crate::text::entity;
use crate::text::normalize::{
    Destinations, Mode, hugo_placeholder, link_destination, normalize_text, props_placeholder,
    separates_names,
};
use crate::text::pairs::BytePairs;

/// Raw-text markers a rule reads, besides the names (ASCII case-insensitive: the rules' own reading of
/// suppressions and policy examples is not stricter).
const MARKERS: &[&str] = &["scope-lint", "permission_groups", "\u{2}"];

/// The start of a `{props.x}` placeholder (`text::normalize`), in this case.
const PROPS: &str = "{props.";

/// Include markers (`doc::include`): the page is relevant when something it includes is.
const INCLUDES: &[&str] = &["<Render", "{{#"];

/// What the screen says of a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// A marker makes the page relevant on its own, or the walk read a whole name on it.
    Own,
    /// A name may be read on the page: the exact readings decide. `includes`: it includes files.
    Maybe {
        /// Whether the page holds an include.
        includes: bool,
        /// Which exact readings may find one.
        readings: Readings,
    },
    /// No reading can find a name on the page. `includes`: it includes files.
    Nothing {
        /// Whether the page holds an include.
        includes: bool,
    },
}

/// Which of the exact readings may find a name on a page the screen cannot rule out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Readings {
    /// A word that may end a name was found where the walk could neither rule it out nor read the name
    /// whole, the Kelvin sign was found, or the screen has no trie of the names: the readings of names
    /// in the masked text, the front matter, call-out titles and the pieces around nested call-outs.
    pub(super) names: bool,
    /// A Markdown or HTML table row may split a group over two cells, or `names` is set: the reading of
    /// split rows.
    pub(super) rows: bool,
}

/// Compiled once per run from the relevant names.
#[derive(Debug)]
pub(super) struct Screen {
    hits: Hits,
    needles: Vec<Needle>,
    /// The relevant names as a trie of their words from the last: `nodes[0]` is the root.
    nodes: Vec<Node>,
    /// The first run of ASCII letters and digits of each earlier word a node checks before walking the gap
    /// ([`Node::earlier_runs`]).
    earlier_runs: Vec<String>,
    /// The last words of names that end in `i`, without it, with their trie nodes: what may stand
    /// before a dotted capital I that ends a name.
    dotted_i_words: Vec<(String, usize)>,
    /// The table's levels and product names (what a split row's cell may be).
    cell_names: HashSet<String>,
    /// The runs of ASCII letters and digits in `cell_names` and the level joiners; `None` when a cell name
    /// has none (then no cell is ruled out by its words).
    cell_words: Option<CellWords>,
    /// The ASCII bytes of the relevant names' words, in either case: what dropping a link destination can
    /// join into a name's word.
    name_bytes: [bool; 128],
}

/// One pattern of the screen.
#[derive(Debug, Clone)]
enum Needle {
    /// A marker: a page that holds it is relevant.
    Marker,
    /// `{props.`: relevant when a placeholder's name and `}` follow.
    Props,
    /// An include marker (`<Render` in this case, `{{#`).
    Include,
    /// `{{`: a Hugo placeholder (relevant) or a `render` shortcode (an include).
    Braces,
    /// `](`: relevant when the link destination joins two words.
    Link,
    /// `&`: relevant when it starts an entity that decodes to a letter or digit.
    Entity,
    /// The capital I with a dot, which lower-cases to `i` and a combining dot.
    DottedI,
    /// The Kelvin sign, which lower-cases to `k`.
    Kelvin,
    /// `|`: a Markdown table row may split a group over two cells.
    Pipe,
    /// `<td` or `<th`: an HTML table cell.
    HtmlCell,
    /// The trailing letters and digits of names' last words: (the whole last word, its trie node).
    LastWord(Vec<(String, usize)>),
}

/// A suffix of some relevant names, in words.
#[derive(Debug, Default)]
struct Node {
    /// Whether the suffix is a whole name.
    complete: bool,
    /// The word before the suffix, for the longer names: (word, node), sorted by the word's last byte.
    earlier: Vec<(String, usize)>,
    /// For a node with a few earlier words, each with a run of ASCII letters and digits: the index in
    /// [`Screen::earlier_runs`] of each word's first run. No reading can put an earlier word before the
    /// suffix on a page that does not hold its run (ASCII case-insensitive: a page with an entity that
    /// spells a letter or digit, or the Kelvin sign, goes to the exact readings whatever the walk says; a
    /// dotted capital I ends a name's last word only), and a page tells that with one search a run where
    /// the gap walk would run the MDX pre-pass. `None`: the walk does not ask.
    earlier_runs: Option<Vec<usize>>,
}

impl Node {
    /// The earlier words that may end at `end` of `text` ([`word_ending_at`]): those whose last byte is
    /// the byte before `end` in either case, or all of them after a `;`, which may end an entity that
    /// spells a word's last character.
    fn earlier_ending_at(&self, text: &str, end: usize) -> &[(String, usize)] {
        let Some(&before) = end.checked_sub(1).and_then(|at| text.as_bytes().get(at)) else {
            return &[];
        };
        if before == b';' {
            return &self.earlier;
        }
        let last = before.to_ascii_lowercase();
        let first = self
            .earlier
            .partition_point(|(word, _)| last_byte(word) < last);
        let after = self.earlier[first..].partition_point(|(word, _)| last_byte(word) == last);
        &self.earlier[first..first + after]
    }
}

/// The last byte of a trie word (never empty).
fn last_byte(word: &str) -> u8 {
    word.as_bytes().last().copied().unwrap_or(0)
}

impl Screen {
    /// The screen for the relevant `names` (name-normalised) and the run's `matcher`. When a name has a
    /// word the screen cannot look for (not ASCII, or without a trailing ASCII letter or digit), every page
    /// without a marker goes to the exact readings. `None` when a pattern is empty or of letters and digits
    /// only without being a last word (see [`hits`]).
    pub(super) fn new(names: &[String], matcher: &Matcher) -> Option<Screen> {
        let mut patterns: Vec<String> = Vec::new();
        let mut needles = Vec::new();
        let mut add = |pattern: &str, needle: Needle| {
            patterns.push(pattern.to_owned());
            needles.push(needle);
        };
        MARKERS
            .iter()
            .for_each(|marker| add(marker, Needle::Marker));
        add(PROPS, Needle::Props);
        INCLUDES
            .iter()
            .for_each(|marker| add(marker, Needle::Include));
        add("{{", Needle::Braces);
        add("](", Needle::Link);
        add("&", Needle::Entity);
        FOLDS_TO_ASCII
            .iter()
            .for_each(|&folding| add(&folding.to_string(), folding_needle(folding)));
        add("|", Needle::Pipe);
        add("<td", Needle::HtmlCell);
        add("<th", Needle::HtmlCell);
        let trie = name_trie(names);
        let mut nodes = match trie {
            Some((nodes, tails)) => {
                for (tail, words) in tails {
                    add(&tail, Needle::LastWord(words));
                }
                nodes
            }
            None => Vec::new(),
        };
        let earlier_runs = index_earlier_runs(&mut nodes);
        let dotted_i_words = nodes.first().map_or_else(Vec::new, |root| {
            root.earlier
                .iter()
                .filter_map(|(word, node)| Some((word.strip_suffix('i')?.to_owned(), *node)))
                .collect()
        });
        // A pattern of letters and digits only is looked for only where it ends a run of them
        // (`hits`): that holds for a last word, whose handler reads nothing else.
        let only_letters_and_digits =
            |pattern: &String| pattern.bytes().all(|byte| byte.is_ascii_alphanumeric());
        if patterns.iter().zip(&needles).any(|(pattern, needle)| {
            only_letters_and_digits(pattern) && !matches!(needle, Needle::LastWord(_))
        }) {
            return None;
        }
        let hits = Hits::new(&patterns)?;
        let cell_names: HashSet<String> = matcher
            .levels_and_product_names()
            .map(str::to_owned)
            .collect();
        Some(Screen {
            hits,
            needles,
            nodes,
            earlier_runs,
            dotted_i_words,
            cell_words: CellWords::of(cell_names.iter().map(String::as_str)),
            cell_names,
            name_bytes: ascii_bytes_of(names),
        })
    }

    /// What the raw `text` of a page can hold (see the module doc).
    #[cfg(test)]
    pub(super) fn read(&self, text: &str) -> Verdict {
        self.read_in(text, Dialect::Mdx).0
    }

    /// What the raw `text` of a page in `dialect` can hold (see the module doc), and the MDX pre-pass's
    /// scan of it when the screen made one (to read past a tag or `{...}` opened on an earlier line).
    pub(super) fn read_in(&self, text: &str, dialect: Dialect) -> (Verdict, Option<Scan>) {
        let mut includes = false;
        // Without the names' trie, any page may read a name.
        let mut readings = Readings {
            names: self.nodes.is_empty(),
            rows: false,
        };
        let mut row_checked_until = 0;
        let page = PageText::of(text, dialect);
        let mut destinations = DestinationRun::default();
        let mut own = |start: usize, needle: &Needle| match needle {
            Needle::Marker => true,
            Needle::Props => {
                props_placeholder(&text[start..]).is_some() && !page.in_code_fence(start)
            }
            Needle::Braces => hugo_placeholder(&text[start..]).is_some(),
            Needle::Link => self.joins_words(text, start, &mut destinations),
            Needle::Entity => {
                entity::decode(&text[start..]).is_some_and(|(_, c)| c.is_alphanumeric())
            }
            _ => false,
        };
        let read = self.hits.visit(text, |pattern, start, end| {
            let needle = &self.needles[pattern];
            // Once a whole name is read, the page is kept: nothing after it can change that.
            if own(start, needle) || page.whole_name_read.get() {
                return ControlFlow::Break(());
            }
            match needle {
                Needle::Include => {
                    includes |= text.as_bytes()[start] != b'<' || &text[start..end] == "<Render"
                }
                Needle::Braces => includes |= opens_hugo_render(text, end),
                Needle::DottedI => {
                    readings.names = readings.names || self.name_may_end_at_dotted_i(&page, start);
                }
                Needle::Kelvin => {
                    readings.names = true;
                    readings.rows = true;
                }
                // A page open for a name gets the split-row reading anyway (see below).
                Needle::Pipe if readings.rows || readings.names || start < row_checked_until => {}
                Needle::Pipe => {
                    let (line_start, line_end) = line_around(text, start);
                    row_checked_until = line_end;
                    readings.rows = row_may_split_a_group(self, &text[line_start..line_end])
                        && page.may_hold_table_rows(line_start..line_end);
                }
                Needle::HtmlCell => {
                    readings.rows =
                        readings.rows || readings.names || html_cell_may_name(self, text, end);
                }
                Needle::LastWord(words) => {
                    readings.names = readings.names || self.name_may_end_at(&page, end, words);
                }
                _ => {}
            }
            ControlFlow::Continue(())
        });
        // The row checks cover the split rows of a page no name may end on; next to a name they are not
        // complete (a review found cells the pre-pass blanks only in part), so such a page gets every
        // reading, as it did before the screen named them.
        readings.rows |= readings.names;
        let verdict = if read.is_break() || page.whole_name_read.get() {
            Verdict::Own
        } else if readings.names || readings.rows {
            Verdict::Maybe { includes, readings }
        } else {
            Verdict::Nothing { includes }
        };
        (verdict, page.scan.into_inner())
    }

    /// Whether the link destination whose `](` starts at `at` is one name normalisation drops
    /// ([`link_destination`]) and sits between two characters that may be in one word of a name, so that
    /// dropping it may join them into a name's word. A character outside ASCII is such a character only when
    /// it lower-cases to an ASCII letter: with the names' trie every name is ASCII, and name normalisation
    /// writes any other character outside ASCII as itself or as a separator. (Without the trie every page
    /// gets the exact readings, which drop the destination as normalisation does.) The destinations right
    /// after it are dropped too (`Gate](a)](b)way`), and an entity on either side is read as what it
    /// decodes to (`Pub&#47;](x)Sub`). A destination between a word and a separator is read by the
    /// last-word walk. `run` remembers the destinations walked for the hits before `at`, so that a
    /// run of thousands is walked once.
    fn joins_words(&self, text: &str, at: usize, run: &mut DestinationRun) -> bool {
        let in_a_name = |c: char| match u8::try_from(c) {
            Ok(byte) if byte.is_ascii() => self.name_bytes[usize::from(byte)],
            _ => folds_to_ascii(c),
        };
        let Some(after) = run.end_of_run_at(text, at) else {
            return false;
        };
        let before = entity_ending_at(text, at)
            .map(|(_, c)| c)
            .or_else(|| text[..at].chars().next_back());
        let after = entity::decode(&text[after..])
            .map(|(_, c)| c)
            .or_else(|| text[after..].chars().next());
        before.is_some_and(in_a_name) && after.is_some_and(in_a_name)
    }

    /// Whether a relevant name may end in the dotted capital I at `at`. It lower-cases to `i` and a
    /// combining dot, which is neither a separator nor a letter: a name's last word may end in the `i`, and
    /// no name goes on past the dot (the names are ASCII), whatever follows it.
    fn name_may_end_at_dotted_i(&self, page: &PageText<'_>, at: usize) -> bool {
        self.dotted_i_words.iter().any(|(before_i, node)| {
            word_ending_at(page.text, at, before_i)
                .is_some_and(|start| self.suffix_may_be_read(page, start, *node))
        })
    }

    /// Whether a relevant name may end at `end`, where one of `words` (a name's last word, with its trie
    /// node) may end.
    fn name_may_end_at(&self, page: &PageText<'_>, end: usize, words: &[(String, usize)]) -> bool {
        let text = page.text;
        if text
            .as_bytes()
            .get(end)
            .is_some_and(u8::is_ascii_alphanumeric)
        {
            return false;
        }
        words.iter().any(|(word, node)| {
            word_ending_at(text, end, word)
                .is_some_and(|start| self.suffix_may_be_read(page, start, *node))
        })
    }

    /// Whether the words of `node`'s suffix, read from `start`, can be the end of a name: the suffix is a
    /// name with no letter or digit before it, or an earlier word of a longer name stands before it.
    fn suffix_may_be_read(&self, page: &PageText<'_>, start: usize, node: usize) -> bool {
        let text = page.text;
        let node = &self.nodes[node];
        if node.complete && !letter_or_digit_before(text, start) {
            page.whole_name_read.set(true);
            return true;
        }
        if node.earlier.is_empty() {
            return false;
        }
        let mut ends_at = |end: usize| {
            node.earlier_ending_at(text, end)
                .iter()
                .any(|(word, earlier)| {
                    word_ending_at(text, end, word).is_some_and(|word_start| {
                        self.suffix_may_be_read(page, word_start, *earlier)
                    })
                })
        };
        let on_page = || {
            node.earlier_runs.as_ref().is_none_or(|runs| {
                runs.iter()
                    .any(|&run| page.holds_run(run, &self.earlier_runs))
            })
        };
        let mut earlier = EarlierWords {
            ends_at: &mut ends_at,
            on_page: &on_page,
        };
        // A gap the walk cannot read may hide any word.
        gap_before(page, start, start, &mut earlier).unwrap_or(true)
    }
}

/// The relevant names as a trie of their words from the last (`nodes[0]` is the root), and the
/// screen's patterns for their last words: each last word's trailing run of ASCII letters and digits,
/// with the last words that end in it. `None` when a word is not ASCII or has no such run.
#[allow(clippy::type_complexity)]
fn name_trie(names: &[String]) -> Option<(Vec<Node>, Vec<(String, Vec<(String, usize)>)>)> {
    let mut nodes = vec![Node::default()];
    for name in names {
        let mut node = 0;
        for word in name.split(' ').rev() {
            if !word.is_ascii() || word.is_empty() {
                return None;
            }
            node = child(&mut nodes, node, word);
        }
        nodes[node].complete = true;
    }
    for node in &mut nodes {
        node.earlier
            .sort_by(|(a, _), (b, _)| (last_byte(a), a).cmp(&(last_byte(b), b)));
    }
    let mut by_tail: HashMap<String, Vec<(String, usize)>> = HashMap::default();
    for (word, node) in &nodes[0].earlier {
        let tail_start = word
            .rfind(|c: char| !c.is_ascii_alphanumeric())
            .map_or(0, |at| at + 1);
        if tail_start == word.len() {
            return None;
        }
        by_tail
            .entry(word[tail_start..].to_owned())
            .or_default()
            .push((word.clone(), *node));
    }
    let mut tails: Vec<_> = by_tail.into_iter().collect();
    tails.sort();
    Some((nodes, tails))
}

/// The most earlier words a node may have for [`Node::earlier_runs`]: each costs a search of the page.
const FEW_EARLIER_WORDS: usize = 4;

/// Fills in each node's [`Node::earlier_runs`] and gives the runs they index.
fn index_earlier_runs(nodes: &mut [Node]) -> Vec<String> {
    let mut runs: Vec<String> = Vec::new();
    for node in nodes.iter_mut() {
        if node.earlier.is_empty() || node.earlier.len() > FEW_EARLIER_WORDS {
            continue;
        }
        node.earlier_runs = node
            .earlier
            .iter()
            .map(|(word, _)| {
                let run = std::str::from_utf8(ascii_alphanumeric_runs(word).next()?).ok()?;
                let index = runs
                    .iter()
                    .position(|known| known == run)
                    .unwrap_or_else(|| {
                        runs.push(run.to_owned());
                        runs.len() - 1
                    });
                Some(index)
            })
            .collect();
    }
    runs
}

/// The child of `node` for the earlier `word`, created when missing.
fn child(nodes: &mut Vec<Node>, node: usize, word: &str) -> usize {
    if let Some((_, existing)) = nodes[node].earlier.iter().find(|(known, _)| known == word) {
        return *existing;
    }
    nodes.push(Node::default());
    let created = nodes.len() - 1;
    nodes[node].earlier.push((word.to_owned(), created));
    created
}

/// Where `word` (lower-case ASCII) starts when it ends at `end` of `text`, read as name normalisation reads
/// it: letters in either case, and a character other than a letter or digit also spelt as an entity.
fn word_ending_at(text: &str, end: usize, word: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = end;
    for &expected in word.as_bytes().iter().rev() {
        let byte = *bytes.get(at.checked_sub(1)?)?;
        if byte.to_ascii_lowercase() == expected {
            at -= 1;
            continue;
        }
        match entity_ending_at(text, at) {
            Some((start, c)) if !expected.is_ascii_alphanumeric() && c == char::from(expected) => {
                at = start;
            }
            _ => return None,
        }
    }
    Some(at)
}

/// Whether the character before `at` is a letter or digit (so a name cannot start at `at`).
fn letter_or_digit_before(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

/// What the gap walk asks about the earlier words of a name.
struct EarlierWords<'c> {
    /// Whether an earlier word ends at a place and the name may be read from there.
    ends_at: &'c mut dyn FnMut(usize) -> bool,
    /// Whether an earlier word may stand anywhere on the page: asked before the walk runs the MDX
    /// pre-pass to read past a construct, which it need not do when none can.
    on_page: &'c dyn Fn() -> bool,
}

/// Reads backwards from `at` over what may stand between two words of a name that starts at `start` (see
/// the module doc), asking `earlier` at each place the earlier word may end, until it says yes
/// (`Ok(true)`): a tag or comment may be blanked by the MDX pre-pass or be text (in a code span, or in
/// Markdown), so both readings are followed, the blanked one first. `Err(())` where the screen cannot read
/// the gap word by word. The readings still to follow are kept on a stack, not in recursion: a page of
/// thousands of tags in a row would overflow the thread's stack.
fn gap_before(
    page: &PageText<'_>,
    at: usize,
    start: usize,
    earlier: &mut EarlierWords<'_>,
) -> Result<bool, ()> {
    let mut text_readings = Vec::new();
    let mut from = at;
    loop {
        let stop = gap_reading(page, from, &mut text_readings, earlier)?;
        if stop < start && stop > 0 && (earlier.ends_at)(stop) {
            return Ok(true);
        }
        match text_readings.pop() {
            Some(next) => from = next,
            None => return Ok(false),
        }
    }
}

/// One reading of a gap, backwards from `at`: where it stops (where an earlier word may end). At a tag
/// or comment the pre-pass may blank, it reads on past it and pushes onto `text_readings` the place to
/// read from with the tag as text.
fn gap_reading(
    page: &PageText<'_>,
    mut at: usize,
    text_readings: &mut Vec<usize>,
    earlier: &EarlierWords<'_>,
) -> Result<usize, ()> {
    let text = page.text;
    let bytes = text.as_bytes();
    while at > 0 {
        let byte = bytes[at - 1];
        match byte {
            b'\n' | b'\r' => {
                if page.opens_a_container(at) || page.opens_a_container(line_start(text, at - 1)) {
                    return Err(());
                }
                at -= 1;
            }
            b'>' => match tag_before(text, at - 1) {
                TagBefore::Skip(tag_start) => {
                    text_readings.push(at - 1);
                    at = tag_start;
                }
                TagBefore::Literal => at -= 1,
                TagBefore::Unsure if !(earlier.on_page)() => return Ok(0),
                TagBefore::Unsure => at = page.construct_ending_at(at)?,
            },
            b'}' => match braces_before(text, at - 1) {
                Some(open) => at = open,
                None if !(earlier.on_page)() => return Ok(0),
                None => at = page.construct_ending_at(at)?,
            },
            b')' => at = link_destination_start(text, at - 1).unwrap_or(at - 1),
            b';' => match entity_ending_at(text, at) {
                Some((entity_start, c)) if separates_names(c) => at = entity_start,
                Some(_) => break,
                None => at -= 1,
            },
            _ if byte.is_ascii() => {
                if !separates_names(char::from(byte)) {
                    break;
                }
                at -= 1;
            }
            _ => {
                let c = text[..at]
                    .chars()
                    .next_back()
                    .expect("a character ends here");
                if !separates_names(c) {
                    break;
                }
                at -= c.len_utf8();
            }
        }
    }
    Ok(at)
}

/// The start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text.as_bytes()[..at]
        .iter()
        .rposition(|&byte| byte == b'\n' || byte == b'\r')
        .map_or(0, |newline| newline + 1)
}

/// The run of link destinations (`](a)](b)`) that [`Screen::joins_words`] walked last, and where the
/// destinations close ([`Destinations`]): the screen's hits come in text order, and without them a run or
/// a line of thousands of `](` would be walked once for each.
#[derive(Default)]
struct DestinationRun {
    /// Where each destination of the run starts, in order.
    starts: Vec<usize>,
    /// Where the run ends.
    end: usize,
    /// Where destinations close, for the `](`s no run starts with.
    destinations: Destinations,
}

impl DestinationRun {
    /// Where the run of destinations that starts at `at` of `text` ends; none when no destination starts
    /// there ([`link_destination`]).
    fn end_of_run_at(&mut self, text: &str, at: usize) -> Option<usize> {
        if self.starts.binary_search(&at).is_ok() {
            return Some(self.end);
        }
        let length = self.destinations.at(text, at)?;
        self.starts.clear();
        self.starts.push(at);
        let mut end = at + length;
        while let Some(next) = link_destination(&text[end..]) {
            self.starts.push(end);
            end += next;
        }
        self.end = end;
        Some(end)
    }
}

/// A page's text, read for the lines the model joins text across.
struct PageText<'t> {
    text: &'t str,
    /// Whether the page says `admonish` anywhere (ASCII case-insensitive), found the first time a fence
    /// line is met.
    admonish: OnceCell<bool>,
    /// Whether it holds each of the screen's `earlier_runs` (ASCII case-insensitive), searched the first
    /// time a node asks.
    holds_runs: OnceCell<Box<[OnceCell<bool>]>>,
    /// Where its lines may be table rows whatever the pre-pass blanks, read from the raw text the first
    /// time a row may split a group.
    raw_tables: OnceCell<TableLines>,
    /// Where its lines may be table rows, read in the masked text the first time a row in `raw_tables`
    /// may split a group.
    tables: OnceCell<TableLines>,
    /// The page's dialect, for the MDX pre-pass.
    dialect: Dialect,
    /// The MDX pre-pass's scan, made the first time a `>` or `}` cannot be read on its own line or a row
    /// may split a group.
    scan: OnceCell<Scan>,
    /// Its plain fenced code blocks, read the first time a placeholder is found.
    code_fences: OnceCell<CodeFences>,
    /// Whether a walk from a last word read every word of a name, in order, with nothing but what may
    /// stand between two words of a name between them: the page is kept without the exact readings.
    whole_name_read: Cell<bool>,
}

impl<'t> PageText<'t> {
    fn of(text: &'t str, dialect: Dialect) -> PageText<'t> {
        PageText {
            text,
            admonish: OnceCell::new(),
            holds_runs: OnceCell::new(),
            raw_tables: OnceCell::new(),
            tables: OnceCell::new(),
            dialect,
            scan: OnceCell::new(),
            code_fences: OnceCell::new(),
            whole_name_read: Cell::new(false),
        }
    }

    /// Where the gap walk goes on before the `>` or `}` that ends at `end`, which it could not read on its
    /// line (a tag or expression opened on an earlier line, a blockquote marker), as the pre-pass reads
    /// it: past the whole construct when it is one the pre-pass blanks, one byte back when it is text (in
    /// code, or in Markdown). `Err(())` for what the model may join across (an `Aside` or a tag with a
    /// title or header, a Hugo shortcode, a blockquote marker, front matter, ESM) or a byte inside a
    /// construct that does not end there.
    fn construct_ending_at(&self, end: usize) -> Result<usize, ()> {
        let scan = self.scan();
        let last = end - 1;
        if scan.masked.as_bytes()[last] == self.text.as_bytes()[last] {
            let line = line_start(self.text, last);
            let marker_only = self.text.as_bytes()[line..last]
                .iter()
                .all(|&byte| matches!(byte, b' ' | b'\t' | b'>'));
            return if self.text.as_bytes()[last] == b'>' && marker_only {
                Err(())
            } else {
                Ok(last)
            };
        }
        // Constructs are in document order: the one that ends at `end` is found by binary search (one
        // that is not found leaves the page to the exact readings).
        let tag_index = scan.tags.partition_point(|tag| tag.range.end < end);
        if let Some(tag) = scan.tags.get(tag_index).filter(|tag| tag.range.end == end) {
            let written = self.text[tag.range.clone()].to_ascii_lowercase();
            let name = written.trim_start_matches(['<', '/']);
            let joins = may_open_a_callout_component(name)
                || written.contains("title")
                || written.contains("header");
            return if joins { Err(()) } else { Ok(tag.range.start) };
        }
        let comment = scan
            .comments
            .partition_point(|comment| comment.range.end < end);
        if let Some(comment) = scan.comments.get(comment).filter(|c| c.range.end == end) {
            return Ok(comment.range.start);
        }
        let expression = scan.expressions.partition_point(|range| range.end < end);
        scan.expressions
            .get(expression)
            .filter(|range| range.end == end)
            .map(|range| range.start)
            .ok_or(())
    }

    /// Whether some of `span` may be a row of a GFM table ([`table_lines`]), read in the masked text (a
    /// delimiter row may start with the end of a construct opened on the line above).
    fn may_hold_table_rows(&self, span: std::ops::Range<usize>) -> bool {
        let in_raw_regions = self
            .raw_tables
            .get_or_init(|| TableLines::of_raw(self.text))
            .overlaps(span.clone());
        in_raw_regions
            && self
                .tables
                .get_or_init(|| TableLines::of(self.text, &self.scan().masked))
                .overlaps(span)
    }

    /// Whether the page holds `runs[run]` (ASCII case-insensitive).
    fn holds_run(&self, run: usize, runs: &[String]) -> bool {
        let holds = self
            .holds_runs
            .get_or_init(|| (0..runs.len()).map(|_| OnceCell::new()).collect());
        *holds[run].get_or_init(|| find_ignoring_ascii_case(self.text, &runs[run]).is_some())
    }

    /// Whether `at` is surely in a fenced code block that holds no text unit ([`code_fences`]).
    fn in_code_fence(&self, at: usize) -> bool {
        self.code_fences
            .get_or_init(|| CodeFences::of(self.text, &self.scan().masked))
            .holds(at)
    }

    /// The MDX pre-pass's scan of the page, made the first time it is needed.
    fn scan(&self) -> &Scan {
        self.scan
            .get_or_init(|| crate::doc::mdx::scan(self.text, self.dialect))
    }

    /// Whether the line starting at `at` opens or closes something the model joins text across: a
    /// directive (`:::`), a blockquote (`>`, a GFM alert) or a fence of an admonish block. A fence is one
    /// only on a page that says `admonish` (the opening fence's info string starts with it): elsewhere a
    /// fence line is a code block's, which the model reads as its own block.
    fn opens_a_container(&self, at: usize) -> bool {
        let line = self.text[at..].trim_start_matches([' ', '\t']);
        line.starts_with(":::")
            || line.starts_with('>')
            || ((line.starts_with("```") || line.starts_with("~~~"))
                && self.may_have_admonish_blocks())
    }

    fn may_have_admonish_blocks(&self) -> bool {
        *self
            .admonish
            .get_or_init(|| find_ignoring_ascii_case(self.text, "admonish").is_some())
    }
}

/// What a `>` at `close` ends, read backwards.
enum TagBefore {
    /// A tag or comment the MDX pre-pass may blank, starting here (or text, in a code span or Markdown).
    Skip(usize),
    /// A `>` that is text: a separator.
    Literal,
    /// A blockquote marker, a call-out tag, a tag with a title, or a tag opened on another line.
    Unsure,
}

fn tag_before(text: &str, close: usize) -> TagBefore {
    let bytes = text.as_bytes();
    if text[..close].ends_with("--") {
        return text[..close]
            .rfind("<!--")
            .map_or(TagBefore::Unsure, TagBefore::Skip);
    }
    // The last `<` of the line before `>`; none (a blockquote marker, a tag opened on another line) is
    // unsure. Searched back only to the line's start or the `<`, not from the line's start: a line of
    // thousands of tags is read once, not once a tag.
    let Some(open) =
        memchr::memrchr3(b'<', b'\n', b'\r', &bytes[..close]).filter(|&found| bytes[found] == b'<')
    else {
        return TagBefore::Unsure;
    };
    let opens_a_tag = bytes
        .get(open + 1)
        .is_some_and(|&byte| byte.is_ascii_alphabetic() || byte == b'/' || byte == b'!');
    if !opens_a_tag {
        return TagBefore::Literal;
    }
    let tag = text[open..close].to_ascii_lowercase();
    let name = tag.trim_start_matches(['<', '/']);
    if may_open_a_callout_component(name) || tag.contains("title") || tag.contains("header") {
        return TagBefore::Unsure;
    }
    TagBefore::Skip(open)
}

/// The `{` that opens the expression a `}` at `close` ends, on the same line; `None` when there is none or
/// the braces are a Hugo shortcode (`{{< ... >}}`, a call-out or its title).
fn braces_before(text: &str, close: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    for at in (0..=close).rev() {
        match bytes[at] {
            b'\n' | b'\r' => return None,
            b'}' => depth += 1,
            b'{' => {
                depth -= 1;
                if depth == 0 {
                    let shortcode = text[at..].starts_with("{{<") || text[at..].starts_with("{{%");
                    return (!shortcode).then_some(at);
                }
            }
            _ => {}
        }
    }
    None
}

/// The `]` of the link destination `](...)` whose `)` is at `close`, on one line, as name normalisation
/// drops it (the first `)` after the `](`).
fn link_destination_start(text: &str, close: usize) -> Option<usize> {
    // Read back over `(`s to the nearest `](`, `)` or line break: the destination holds no `)`.
    let bytes = text.as_bytes();
    let mut end = close;
    while let Some(found) = memchr::memrchr3(b'(', b')', b'\n', &bytes[..end]) {
        match bytes[found] {
            b'(' if found > 0 && bytes[found - 1] == b']' => {
                return (!bytes[found..close].contains(&b'\r')).then_some(found - 1);
            }
            b'(' => end = found,
            _ => return None,
        }
    }
    None
}

/// The entity that ends at `end` (its `;` is the byte before): its start and the character it stands for.
fn entity_ending_at(text: &str, end: usize) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    if end == 0 || bytes[end - 1] != b';' {
        return None;
    }
    let window = end.saturating_sub(34);
    let amp = window
        + bytes[window..end - 1]
            .iter()
            .rposition(|&byte| byte == b'&')?;
    if bytes[amp + 1..end - 1].contains(&b';') {
        return None;
    }
    entity::decode(&text[amp..])
        .filter(|(length, _)| amp + length == end)
        .map(|(_, c)| (amp, c))
}

/// The line (without its line break) holding byte `at`.
fn line_around(text: &str, at: usize) -> (usize, usize) {
    let end =
        memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |offset| at + offset);
    let start = memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |newline| newline + 1);
    (start, end)
}

/// The runs of ASCII letters and digits (lower case) in the cell names and the level joiners, with a bit
/// for each pair of their first and last bytes: most runs of a cell end in no such pair and are ruled out
/// without hashing.
#[derive(Debug)]
pub(super) struct CellWords {
    words: HashSet<Box<[u8]>>,
    ends: BytePairs,
}

impl CellWords {
    /// The runs of ASCII letters and digits of `names` and the level joiners; `None` when a name has no
    /// such run.
    pub(super) fn of<'n>(names: impl IntoIterator<Item = &'n str>) -> Option<CellWords> {
        let mut words: HashSet<Box<[u8]>> = HashSet::default();
        let mut ends = BytePairs::default();
        for name in names.into_iter().chain(LEVEL_JOINERS.iter().copied()) {
            let mut runs = ascii_alphanumeric_runs(name).peekable();
            if runs.peek().is_none() && !LEVEL_JOINERS.contains(&name) {
                return None;
            }
            for run in runs {
                let lower = run.to_ascii_lowercase();
                if let (Some(&first), Some(&last)) = (lower.first(), lower.last()) {
                    ends.insert(first, last);
                }
                words.insert(lower.into_boxed_slice());
            }
        }
        Some(CellWords { words, ends })
    }

    /// Whether `run` (ASCII letters and digits) is one of the words, in any case.
    pub(super) fn contains(&self, run: &[u8]) -> bool {
        let (Some(first), Some(last)) = (run.first(), run.last()) else {
            return false;
        };
        if !self
            .ends
            .contains(first.to_ascii_lowercase(), last.to_ascii_lowercase())
        {
            return false;
        }
        let mut buffer = [0u8; 32];
        let Some(lower) = buffer.get_mut(..run.len()) else {
            return self.words.contains(run.to_ascii_lowercase().as_slice());
        };
        lower.copy_from_slice(run);
        lower.make_ascii_lowercase();
        self.words.contains(&*lower)
    }
}

/// The maximal runs of ASCII letters and digits in `text`.
pub(super) fn ascii_alphanumeric_runs(text: &str) -> impl Iterator<Item = &[u8]> {
    text.as_bytes()
        .split(|byte| !byte.is_ascii_alphanumeric())
        .filter(|run| !run.is_empty())
}

/// Whether the raw `cell` is plain and cannot be a level, levels or a product's exact name however the
/// model reads it. Plain: ASCII, with nothing the MDX pre-pass blanks or name normalisation decodes or
/// drops (no `<`, `>`, `{`, `}`, `&`, `(` or `\`), so the model's cell is this text lower-cased with its
/// separators made spaces. A level or name cell is made of the words of levels, product names and level
/// joiners, so a plain cell with no word, or with a run of letters and digits that is in none of them, is
/// neither. A `(` is plain too: normalisation drops each link destination `](...)` (to the first `)`, on
/// one line), and the words around it meet, so the test reads the cell without them; any other `(` is a
/// separator. This is a quick test before the cell is normalised (which allocates): most cells fail it.
fn plain_cell_is_no_name(screen: &Screen, cell: &str) -> bool {
    let Some(cell_words) = &screen.cell_words else {
        return false;
    };
    cell_runs::plain_cell_is_no_name(cell_words, cell.as_bytes())
        .unwrap_or_else(|| plain_cell_with_links_is_no_name(cell_words, cell))
}

/// [`plain_cell_is_no_name`] of a plain cell that holds a `](`, read without its link destinations.
fn plain_cell_with_links_is_no_name(cell_words: &CellWords, cell: &str) -> bool {
    let text = without_link_destinations(cell);
    let mut runs = ascii_alphanumeric_runs(&text).peekable();
    runs.peek().is_none() || runs.any(|run| !cell_words.contains(run))
}

/// `text` without the link destinations name normalisation drops ([`link_destination`]).
fn without_link_destinations(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut kept = String::new();
    let mut copied = 0;
    let mut destinations = Destinations::default();
    for at in memchr::memchr_iter(b']', bytes) {
        if at < copied {
            continue;
        }
        if let Some(length) = destinations.at(text, at) {
            kept.push_str(&text[copied..at]);
            copied = at + length;
        }
    }
    if copied == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    kept.push_str(&text[copied..]);
    std::borrow::Cow::Owned(kept)
}

/// Whether no reading of `text` (a table row, or an HTML cell's content) has a cell word ([`CellWords`]),
/// however the MDX pre-pass blanks its constructs and wherever its cells are cut. A construct the pre-pass
/// blanks starts at a `<`, `{`, or a cell's start and ends at a `>`, `}` or the line's end, none of them a
/// letter or digit, so blanking turns whole runs of letters and digits into spaces and never joins or cuts
/// one. Name normalisation writes every character outside ASCII but [`FOLDS_TO_ASCII`] as a separator or
/// as itself lower-cased (no ASCII letter), which cuts runs as the raw byte does; so on text with no `\`,
/// link destination `](` or character folding to ASCII, every reading's runs are runs of the text. Entities
/// are left to the screen's entity marker: one that decodes to a letter or digit can make a run, but it
/// also makes the page relevant ([`Needle::Entity`]); any other only adds the runs of its own name. Code
/// lines with a `|` in a union type or a construct left open are ruled out here, where
/// [`blank_constructs`] cannot read them.
fn no_reading_has_a_cell_word(screen: &Screen, text: &str) -> bool {
    screen.cell_words.as_ref().is_some_and(|cell_words| {
        cell_runs::no_reading_has_a_cell_word(cell_words, text.as_bytes())
    })
}

/// Whether the table row `line` may hold a split group: a cell that is a level (or levels) or a product's
/// exact name, and another cell that is not empty. Cells are read as they are and with tags and `{...}`
/// blanked (what the MDX pre-pass may blank), a `>` or `}` without an opener read both ways; a `|` inside
/// those makes the row uncertain (kept when it has two cells that are not empty). Only the cells [`plain_cell_is_no_name`] cannot rule out are
/// normalised (blanking leaves a plain cell as it is), and the others only once one of those names.
fn row_may_split_a_group(screen: &Screen, line: &str) -> bool {
    // Most rows are ruled out here, in one pass, before their cells are collected.
    if row_is_ruled_out(screen, line) {
        return false;
    }
    let cells: Vec<&str> = super::prefilter::cells_of_row(line).collect();
    // A cell no reading gives a cell word cannot name one either: the cells of a blanked line are its
    // cells with whole runs blanked (see `no_reading_has_a_cell_word`).
    let mut candidates = (0..cells.len()).filter(|&index| {
        !plain_cell_is_no_name(screen, cells[index])
            && !no_reading_has_a_cell_word(screen, cells[index])
    });
    let filled = |cell: &str| !normalize_text(cell, Mode::Name, &[]).is_empty();
    // Blanking stray closers as text blanks less: that reading is made when this one is, and only when the
    // line holds a stray closer (without one, both readings are the same).
    let Some(ending) = blank_constructs_noting_strays(line, StrayCloser::EndsAConstruct) else {
        return cells.iter().filter(|cell| filled(cell)).nth(1).is_some();
    };
    // Each reading's cells are cut once: a row of thousands of candidate cells is not cut again for each.
    let ending_cells: Vec<&str> = super::prefilter::cells_of_row(&ending.text).collect();
    let kept = OnceCell::new();
    let kept_cells: OnceCell<Vec<&str>> = OnceCell::new();
    let names =
        |cell: &str| names_a_level_or_product(screen, &normalize_text(cell, Mode::Name, &[]));
    candidates.any(|index| {
        let raw = cells[index];
        let names_once_blanked = |blanked_cells: &[&str]| {
            blanked_cells
                .get(index)
                .is_some_and(|&blanked| blanked != raw && names(blanked))
        };
        let names_a_level_or_product = names(raw)
            || names_once_blanked(&ending_cells)
            || ending.met_a_stray
                && names_once_blanked(kept_cells.get_or_init(|| {
                    let kept = kept.get_or_init(|| {
                        blank_constructs(line, StrayCloser::IsText).unwrap_or_default()
                    });
                    super::prefilter::cells_of_row(kept).collect()
                }));
        names_a_level_or_product
            && cells
                .iter()
                .enumerate()
                .any(|(other, cell)| other != index && filled(cell))
    })
}

/// Whether every cell of the table row `line` is [`plain_cell_is_no_name`], or no reading of it has a cell
/// word ([`no_reading_has_a_cell_word`]). The cells are cut at every `|` and `\r`: as
/// [`super::prefilter::cells_of_row`] cuts them when no `\` escapes a pipe, and otherwise the cell that
/// holds the `\` is not plain either way, so every cell is no name in neither cut.
fn row_is_ruled_out(screen: &Screen, line: &str) -> bool {
    let mut cell_start = 0;
    let mut cut_ends = memchr::memchr2_iter(b'|', b'\r', line.as_bytes()).chain([line.len()]);
    cut_ends.all(|cell_end| {
        let cell = &line[cell_start..cell_end];
        cell_start = cell_end + 1;
        plain_cell_is_no_name(screen, cell)
    }) || no_reading_has_a_cell_word(screen, line)
}

/// Whether the HTML cell whose opener starts before `at` (right after `<td`/`<th`) may hold a level or a
/// product's exact name.
fn html_cell_may_name(screen: &Screen, text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    if !bytes
        .get(at)
        .is_some_and(|&byte| byte.is_ascii_whitespace() || byte == b'>' || byte == b'/')
    {
        return false;
    }
    let Some(content_start) = memchr::memchr(b'>', &bytes[at..]).map(|offset| at + offset + 1)
    else {
        return false;
    };
    let closes_a_cell = |at: &usize| {
        bytes.get(at + 1..at + 5).is_some_and(|window| {
            window[0] == b'/'
                && window[1].eq_ignore_ascii_case(&b't')
                && matches!(window[2].to_ascii_lowercase(), b'd' | b'h')
                && !window[3].is_ascii_alphanumeric()
        })
    };
    let opens_a_cell = |at: &usize| {
        bytes.get(at + 1..at + 4).is_some_and(|window| {
            window[0].eq_ignore_ascii_case(&b't')
                && matches!(window[1].to_ascii_lowercase(), b'd' | b'h')
                && !window[2].is_ascii_alphanumeric()
        })
    };
    let Some(content_end) = memchr::memchr_iter(b'<', &bytes[content_start..])
        .map(|offset| content_start + offset)
        .find(|at| closes_a_cell(at) || opens_a_cell(at))
    else {
        return false;
    };
    // A cell that holds another (a nested table, an omitted `</td>`) is left to the exact reading: read
    // here, each cell of a deep nest would be read to the nest's end.
    if opens_a_cell(&content_end) {
        return true;
    }
    let content = &text[content_start..content_end];
    if no_reading_has_a_cell_word(screen, content) {
        return false;
    }
    // A code span, or a directive line the pre-pass blanks whole, is not read here.
    if content.contains('`') || content.contains(":::") {
        return true;
    }
    if plain_cell_is_no_name(screen, content) {
        return false;
    }
    let names =
        |cell: &str| names_a_level_or_product(screen, &normalize_text(cell, Mode::Name, &[]));
    // Without a blanked reading (a `|` inside a tag), the cell may be anything.
    let names_once_blanked = |blanked: &str| blanked != content && names(blanked);
    if names(content) {
        return true;
    }
    let Some(ending) = blank_constructs_noting_strays(content, StrayCloser::EndsAConstruct) else {
        return true;
    };
    names_once_blanked(&ending.text)
        || ending.met_a_stray
            && blank_constructs(content, StrayCloser::IsText)
                .is_none_or(|kept| names_once_blanked(&kept))
}

/// Whether a name-normalised cell can be a split row's level cell (known levels) or product cell.
fn names_a_level_or_product(screen: &Screen, cell: &str) -> bool {
    if cell.is_empty() {
        return false;
    }
    if screen.cell_names.contains(cell) {
        return true;
    }
    if !cell.contains([' ', '/']) {
        return false;
    }
    // `level_words`, read without collecting: more than one word, each a level or product name.
    let mut words = 0;
    for word in level_word_iter(cell) {
        if !screen.cell_names.contains(word) {
            return false;
        }
        words += 1;
    }
    words > 1
}

/// What a `>` or `}` with no opener on its line is, for [`blank_constructs`]: the pre-pass reads it as the
/// end of a construct opened on an earlier line or as text, depending on what stands before the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StrayCloser {
    /// It ends a construct: blanked from the start of its cell.
    EndsAConstruct,
    /// It is text, kept.
    IsText,
}

/// `line` with every tag (`<` and a letter, `/` or `!`, to the next `>`) and every `{...}` (to its
/// matching `}`) blanked to spaces, code spans left as they are, and each `>` or `}` with no opener on the
/// line read as `stray` says. `None` when a `|` would be blanked (the cells would not be the model's) or a
/// tag or `{` is not closed on the line (the pre-pass may read it as text, or as a construct that goes on
/// below): the line cannot be read either way here.
fn blank_constructs(line: &str, stray: StrayCloser) -> Option<String> {
    blank_constructs_noting_strays(line, stray).map(|blanked| blanked.text)
}

/// [`blank_constructs`], and whether it met a stray `>` or `}`: when it met none, the line reads the same
/// whichever way a stray closer is read, and the other reading need not be made.
fn blank_constructs_noting_strays(line: &str, stray: StrayCloser) -> Option<Blanked> {
    let mut bytes = line.as_bytes().to_vec();
    let mut met_a_stray = false;
    let mut at = 0;
    while at < bytes.len() {
        let (from, to) = match bytes[at] {
            b'`' => {
                at = code_span_end(&bytes, at);
                continue;
            }
            b'<' if bytes.get(at + 1).is_some_and(|&next| {
                next.is_ascii_alphabetic() || next == b'/' || next == b'!'
            }) =>
            {
                let close = memchr::memchr(b'>', &bytes[at..])?;
                (at, at + close + 1)
            }
            b'{' => (at, matching_brace(&bytes, at)? + 1),
            b'>' | b'}' if stray == StrayCloser::IsText => {
                met_a_stray = true;
                at += 1;
                continue;
            }
            b'>' | b'}' => {
                met_a_stray = true;
                let cell_start = bytes[..at]
                    .iter()
                    .rposition(|&byte| byte == b'|')
                    .map_or(0, |pipe| pipe + 1);
                (cell_start, at + 1)
            }
            _ => {
                at += 1;
                continue;
            }
        };
        if bytes[from..to].contains(&b'|') {
            return None;
        }
        bytes[from..to].fill(b' ');
        at = to;
    }
    // Whole characters were blanked (spans start and end at ASCII bytes or the line's end).
    let text = String::from_utf8(bytes).ok()?;
    Some(Blanked { text, met_a_stray })
}

/// A line as [`blank_constructs_noting_strays`] reads it.
#[derive(Debug)]
struct Blanked {
    /// The line with its constructs blanked.
    text: String,
    /// Whether a `>` or `}` with no opener on the line was met.
    met_a_stray: bool,
}

/// The end of the code span whose opening backticks start at `open` (after its closing backticks), or
/// right after the opening run when it is not closed on the line.
fn code_span_end(bytes: &[u8], open: usize) -> usize {
    let run = bytes[open..]
        .iter()
        .take_while(|&&byte| byte == b'`')
        .count();
    let mut at = open + run;
    while at < bytes.len() {
        let closing = bytes[at..].iter().take_while(|&&byte| byte == b'`').count();
        if closing == run {
            return at + closing;
        }
        at += closing.max(1);
    }
    open + run
}

/// The `}` matching the `{` at `open`.
fn matching_brace(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, &byte) in bytes[open..].iter().enumerate() {
        match byte {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + offset);
                }
            }
            _ => {}
        }
    }
    None
}

/// The needle for a character of [`FOLDS_TO_ASCII`].
fn folding_needle(folding: char) -> Needle {
    if folding == '\u{130}' {
        Needle::DottedI
    } else {
        Needle::Kelvin
    }
}

/// The ASCII bytes of the words of `names` (no separator), in either case.
fn ascii_bytes_of(names: &[String]) -> [bool; 128] {
    let mut bytes = [false; 128];
    let in_a_word = |byte: &u8| byte.is_ascii() && !separates_names(char::from(*byte));
    for byte in names.iter().flat_map(|name| name.bytes()).filter(in_a_word) {
        bytes[usize::from(byte.to_ascii_lowercase())] = true;
        bytes[usize::from(byte.to_ascii_uppercase())] = true;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_destination_between_letters_of_names_joins_them() {
        let table = crate::table::tests::small_table();
        let matcher = Matcher::new(&table);
        let screen = Screen::new(&["pub/sub read".to_owned()], &matcher).expect("a screen");
        let joins = |text: &str| {
            let at = text.find("](").expect("a `](`");
            screen.joins_words(text, at, &mut DestinationRun::default())
        };
        assert!(joins("Pu](x)b"));
        assert!(joins("Pub](x)/Sub"));
        assert!(joins("Pu](a)](b)b"));
        assert!(joins("Pub&#47;](x)Sub"));
        assert!(joins("Pub](x)&sol;Sub"));
        assert!(!joins("Pub&nbsp;](x)Sub"));
        assert!(joins("Su](x)\u{212a}"));
        assert!(!joins("[Pub](x) Sub"));
        assert!(!joins("[x](y)"));
        assert!(!joins("a](b"));
        assert!(!joins("a](b\n)c"));
        // Dots and characters outside ASCII are in no name: dropping the destination joins no name's word.
        assert!(!joins("see [docs](x)."));
        assert!(!joins("[拡張機能](x)を使用"));
        assert!(!joins("[Su](x)äb"));
        assert!(!joins("[Gate](x)way"));
        assert!(!joins("é](x)a"));
        assert!(!joins("a](x)\u{a0}b"));
    }

    #[test]
    fn words_end_where_entities_spell_their_punctuation() {
        assert_eq!(word_ending_at("x Pub/Sub", 9, "pub/sub"), Some(2));
        assert_eq!(word_ending_at("x Pub&#47;Sub", 13, "pub/sub"), Some(2));
        assert_eq!(word_ending_at("x Pub&#48;Sub", 13, "pub/sub"), None);
        assert_eq!(word_ending_at("ub", 2, "pub"), None);
    }

    #[test]
    fn gaps_are_read_through_separators_entities_links_and_inline_markup() {
        fn ends(text: &str) -> Option<Vec<&str>> {
            let mut ends = Vec::new();
            let mut every_end = |end| {
                ends.push(end);
                false
            };
            gap_before(
                &PageText::of(text, Dialect::Mdx),
                text.len(),
                text.len(),
                &mut EarlierWords {
                    ends_at: &mut every_end,
                    on_page: &|| true,
                },
            )
            .ok()?;
            Some(ends.iter().map(|&end| &text[..end]).collect())
        }
        assert_eq!(ends("AI \u{2014}**"), Some(vec!["AI"]));
        assert_eq!(ends("AI&nbsp;"), Some(vec!["AI"]));
        assert_eq!(ends("AI&amp;"), Some(vec![]));
        assert_eq!(ends("[AI](/x) "), Some(vec!["[AI"]));
        assert_eq!(ends("AI <b>"), Some(vec!["AI", "AI <b"]));
        assert_eq!(ends("AI <!-- a > b -->"), Some(vec!["AI", "AI <!-- a > b"]));
        assert_eq!(ends("AI {/* x */}"), Some(vec!["AI"]));
        assert_eq!(ends("a < b > "), Some(vec!["a < b"]));
        assert_eq!(ends("AI/"), Some(vec![]));
        assert_eq!(ends("AI <Aside>"), None);
        assert_eq!(ends("AI <span title=\"x\">"), None);
        assert_eq!(ends("AI {{< note >}}"), None);
        // A `>` or `}` opened on an earlier line is read as the pre-pass reads it: past a multi-line tag or
        // expression it blanks, one byte back where it is text, and not past an Aside or a titled tag.
        assert_eq!(ends("x=\"y\">"), Some(vec!["x=\"y"]));
        assert_eq!(
            ends("AI 日本\n<Snippet\n  text={`a > b`}\n  prompt={false}\n/>\n\n"),
            Some(vec!["AI 日本"])
        );
        assert_eq!(ends("AI\n{\n  a: 1\n}\n\n"), Some(vec!["AI"]));
        assert_eq!(
            ends("```js\nif (x) {\n  y();\n}\n```\n\n"),
            Some(vec!["```js\nif (x) {\n  y"])
        );
        assert_eq!(ends("```\nAI }\n```\n"), Some(vec!["```\nAI"]));
        assert_eq!(ends("AI\n<Aside\n  type=\"note\"\n>\n"), None);
        assert_eq!(ends("AI\n<Card\n  title=\"x\"\n>\n"), None);
        assert_eq!(ends("AI\n  >\n"), None);
        assert_eq!(ends("AI\n:::\n"), None);
        assert_eq!(ends("> AI\n> "), None);
        assert_eq!(ends("AI\n```\n"), Some(vec!["AI"]));
        assert_eq!(ends("AI\n```\n\n```Admonish note\n"), None);
        assert_eq!(ends("AI\n~~~\n\n~~~ admonish\n"), None);
    }

    #[test]
    fn constructs_are_blanked_in_a_row_unless_they_hold_a_pipe() {
        let ending = |line| blank_constructs(line, StrayCloser::EndsAConstruct);
        assert_eq!(
            ending("| <b>Read</b> | {x} | a > b | `<i>` |").as_deref(),
            Some("|    Read     |     |     b | `<i>` |")
        );
        assert_eq!(
            blank_constructs("| <br/>Read--> | a } b |", StrayCloser::IsText).as_deref(),
            Some("|      Read--> | a } b |")
        );
        assert_eq!(ending("| <T a=\"|\" /> | x |"), None);
        assert_eq!(ending("日本 | Read"), Some("日本 | Read".to_owned()));
    }

    #[test]
    fn a_line_without_a_stray_closer_reads_the_same_either_way() {
        let met = |line| {
            blank_constructs_noting_strays(line, StrayCloser::EndsAConstruct)
                .map(|blanked| blanked.met_a_stray)
        };
        assert_eq!(met("| <b>Read</b> | {x} | `a > b` |"), Some(false));
        assert_eq!(met("| a > b | Read |"), Some(true));
        assert_eq!(met("| a } b | 日本 |"), Some(true));
        let pieces = [
            "|",
            " ",
            "Read",
            "AI Gateway",
            "<b>",
            "</b>",
            "<br/>",
            "{x}",
            "{",
            "}",
            ">",
            "`",
            "`>`",
            "<!-- c -->",
            "日本",
            "😀",
            "e\u{301}",
            "مرحبا",
            "&amp;",
            "-->",
        ];
        let mut seed = 11u64;
        for length in 0..3000 {
            let line = crate::bytes::pieced_text(&pieces, length % 40, &mut seed);
            for stray in [StrayCloser::EndsAConstruct, StrayCloser::IsText] {
                let other = match stray {
                    StrayCloser::EndsAConstruct => StrayCloser::IsText,
                    StrayCloser::IsText => StrayCloser::EndsAConstruct,
                };
                let reading = blank_constructs_noting_strays(&line, stray);
                let met_a_stray = reading.as_ref().is_some_and(|blanked| blanked.met_a_stray);
                if reading.is_some() && !met_a_stray {
                    assert_eq!(
                        blank_constructs(&line, other),
                        reading.map(|blanked| blanked.text),
                        "{line:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn words_markers_and_multi_byte_text_are_read_at_every_edge() {
        let table = crate::table::tests::small_table();
        let matcher = Matcher::new(&table);
        let screen = Screen::new(&["ai gateway read".to_owned(), "r2".to_owned()], &matcher)
            .expect("a screen");
        let expect = |pages: &[&str], expected: Verdict| {
            for page in pages {
                assert_eq!(screen.read(page), expected, "{page:?}");
            }
        };
        let nothing = Verdict::Nothing { includes: false };
        // A page open for a name the walk could not read whole gets every reading.
        let maybe = Verdict::Maybe {
            includes: false,
            readings: Readings {
                names: true,
                rows: true,
            },
        };
        // A last word counts only as a whole run of ASCII letters and digits, in any case, at any edge;
        // a name read whole keeps the page without the exact readings.
        expect(
            &[
                "AI Gateway READ",
                "日本 ai gateway read",
                "ai gateway read 👍🏽",
                "x:R2",
            ],
            Verdict::Own,
        );
        expect(
            &[
                "ai gateway bread",
                "ai gateway readme",
                "ai gatewayread",
                "ai\u{301} gateway read",
                "xr2 r2x r22",
                "日本語 😀 عربي",
                "",
            ],
            nothing,
        );
        // Markers, around and at the very ends of the text, and next to multi-byte characters.
        expect(
            &[
                "日本scope-lint",
                "SCOPE-LINT:",
                "a permission_Groups",
                "\u{2}",
                "{props.名}",
                "{{ .Get \"x\" }}",
                "&#65;",
                "Ga](x)te",
            ],
            Verdict::Own,
        );
        expect(
            &[
                "scope-",
                "-lint",
                "scope_lint",
                "permission-groups",
                "_groups",
                "\\",
                "\\U0041",
                "x \\u0041 \\u{1F600}",
                "{",
                "{props.",
                "{{",
                "&",
                "&amp;",
                "](",
                "é](x)é",
                "日本](x)語",
                "]",
                "-",
                "_",
                "é—ü",
                "\u{e2}\u{84}",
            ],
            nothing,
        );
        // Includes, and the characters whose lower case is an ASCII letter.
        expect(
            &[
                "<Render file=\"x\" />",
                "{{#include x.md}}",
                "{{< render \"x\" >}}",
            ],
            Verdict::Nothing { includes: true },
        );
        expect(&["<render file=\"x\" />"], nothing);
        expect(&["\u{212a}"], maybe);
        // A dotted capital I lower-cases to `i` and a combining dot: it can only end a name in `i`.
        expect(
            &["x\u{130}", "\u{130}stanbul", "AI Gateway Re\u{130}"],
            nothing,
        );
        // A page open only for a table row gets only the split-row reading.
        expect(
            &["| AI Gateway | x |\n| --- | --- |\n| AI Gateway | x |"],
            Verdict::Maybe {
                includes: false,
                readings: Readings {
                    names: false,
                    rows: true,
                },
            },
        );
    }

    #[test]
    fn a_dotted_capital_i_ends_only_a_name_in_i() {
        let table = crate::table::tests::small_table();
        let matcher = Matcher::new(&table);
        let names = ["workers ai".to_owned(), "ai gateway read".to_owned()];
        let screen = Screen::new(&names, &matcher).expect("a screen");
        for page in [
            "Workers A\u{130}",
            "WORKERS A\u{130}",
            "x Workers **A\u{130}**b",
        ] {
            assert_eq!(screen.read(page), Verdict::Own, "{page:?}");
        }
        for page in [
            "Workers B\u{130}",
            "Workers \u{130}A",
            "A\u{130} Gateway Read",
            "\u{130}",
        ] {
            assert_eq!(
                screen.read(page),
                Verdict::Nothing { includes: false },
                "{page:?}"
            );
        }
    }

    /// The screen for the one name "ai gateway read" over the small test table.
    fn ai_gateway_read_screen() -> Screen {
        let table = crate::table::tests::small_table();
        let matcher = Matcher::new(&table);
        Screen::new(&["ai gateway read".to_owned()], &matcher).expect("a screen")
    }

    #[test]
    fn a_plain_cell_of_other_words_is_no_name_and_anything_else_is_read() {
        let screen = ai_gateway_read_screen();
        let no_name = |cell: &str| plain_cell_is_no_name(&screen, cell);
        for cell in [
            "",
            " ",
            "-",
            "Reads the logs",
            "AI Gateway settings",
            "ai gateway readx",
            "[Logs](/ai-gateway/read/) (see below)",
            "[Rea](/x)dy",
            "Read](x",
            "[x](y) Read",
            // First and last letters of a word ("read"), and a run longer than the look-up buffer.
            "Rapid road",
            "READREADREADREADREADREADREADREADREAD read",
            // Outside ASCII, a character is a separator or a letter outside ASCII: it joins no run.
            "Rëad",
            "✅ Reads",
            "Re\u{301}ad",
        ] {
            assert!(no_name(cell), "{cell:?}");
        }
        for cell in [
            " Read ",
            "AI   GATEWAY",
            "Read / Edit and Run",
            "**Edit**",
            "<b>Read</b> x",
            "{x} Read",
            "Re&#97;d",
            "[Read](y)",
            "[Re](/x)ad",
            "[Read](/docs/ai gateway/) and (Edit",
            "R\\ead",
            "日本 Read ✅",
            "\u{212a}V",
            "Rea\u{130}",
        ] {
            assert!(!no_name(cell), "{cell:?}");
        }
    }

    #[test]
    fn a_row_may_split_a_group_when_a_cell_names_a_level_or_product_and_another_is_filled() {
        let screen = ai_gateway_read_screen();
        let may_split = |line: &str| row_may_split_a_group(&screen, line);
        for line in [
            "| AI Gateway | Read |",
            "| 日本 🚀 | **Read** |",
            "| <b>Read</b> | x |",
            "| {x} Read | é\u{301} |",
            "| a<b | c> | Read |",
            "| Read | | x |",
        ] {
            assert!(may_split(line), "{line:?}");
        }
        for line in [
            "| Reads | the logs |",
            "| Read | |",
            "| **Read** | - |",
            "| <b>Read</b> | ** |",
            "| 日本 | שלום |",
            "| only one cell |",
        ] {
            assert!(!may_split(line), "{line:?}");
        }
    }

    #[test]
    fn a_line_whose_runs_are_no_cell_words_is_ruled_out_however_it_is_blanked() {
        let screen = ai_gateway_read_screen();
        let ruled_out = |line: &str| no_reading_has_a_cell_word(&screen, line);
        for line in [
            "  const ref = useRef<HTMLDivElement | null>(null);",
            "type: 'Record<string, string | undefined> | undefined',",
            "<ParamField body=\"Environment\" type=\"--env | -e\">",
            "{(status === 'submitted' || status === 'streaming') && (",
            "a & b | c &",
            "| a<b | c> | x }",
            "| Reads | Gateways |",
            // Outside ASCII, a character is a separator or a letter outside ASCII: it joins no run.
            "| Rë | x<y | z> |",
            "| 日本 Re\u{301}ad | x<y | z> |",
            "| ✅ Reád | ⚠\u{fe0f} Gate\u{200b}ways<br/> | z> |",
            "| רeadשׁ | x<y | z> |",
            // An entity that decodes to a letter makes the page relevant on its own (the entity
            // marker); any other decodes to no letter.
            "| Re&#97;d | x<y | z> |",
            "| Re&shy;ad | x<y | z> |",
            "| `'a'` &#124; <br/> `'b'` | x<y | z> |",
        ] {
            assert!(ruled_out(line), "{line:?}");
            assert!(!row_may_split_a_group(&screen, line), "{line:?}");
        }
        for line in [
            // A cell word anywhere, inside a construct or not.
            "| a<b | Read> | x",
            "| {x | y} | <i>gateway</i> |",
            "function f(a: Read | null) {",
            "| 日本 Read | x<y | z> |",
            // Text normalisation may read otherwise: an escape, a link destination, a character that
            // folds to an ASCII letter.
            "| R\\ead | x<y | z> |",
            "| [Re](/x<y | z>)ad | w |",
            "| Rea\u{130} | x<y | z> |",
            "| \u{212a}V | x<y | z> |",
        ] {
            assert!(!ruled_out(line), "{line:?}");
        }
    }

    #[test]
    fn link_destinations_are_dropped_as_normalisation_drops_them() {
        for (text, kept) in [
            ("no link", "no link"),
            ("[Re](/x)ad", "[Read"),
            ("[a](b) [c](d)", "[a [c"),
            ("](a](b)c)", "c)"),
            ("[a](no close", "[a](no close"),
            ("[a](b) [c](no close", "[a [c](no close"),
            ("Read](\n)Edit", "Read](\n)Edit"),
            ("[a](\nb) [c](d)e", "[a](\nb) [ce"),
            // Runs of `](` that their line does not close, then ones it does.
            ("a](b c](d\ne) Gate](x)way", "a](b c](d\ne) Gateway"),
            ("a](b](c](\nRe](x)ad](y)", "a](b](c](\nRead"),
            ("日本](é](\n)Ré](x)ad", "日本](é](\n)Réad"),
        ] {
            assert_eq!(without_link_destinations(text), kept, "{text}");
            assert_eq!(
                normalize_text(&without_link_destinations(text), Mode::Name, &[]),
                normalize_text(text, Mode::Name, &[]),
                "{text}"
            );
        }
    }

    #[test]
    fn a_run_of_destinations_ends_where_a_walk_from_each_of_them_ends() {
        let pieces = ["](", "x", ")", "\n", "é", "](a)", "Re"];
        let mut seed = 0x2545_f491_4f6c_dd1d;
        for length in 0..3_000 {
            let text = crate::bytes::pieced_text(&pieces, length % 32, &mut seed);
            let walked_afresh = |at: usize| {
                let mut end = at + link_destination(&text[at..])?;
                while let Some(next) = link_destination(&text[end..]) {
                    end += next;
                }
                Some(end)
            };
            let mut run = DestinationRun::default();
            for (at, _) in text.match_indices("](") {
                assert_eq!(
                    run.end_of_run_at(&text, at),
                    walked_afresh(at),
                    "{text:?} at {at}"
                );
            }
        }
    }

    #[test]
    fn only_a_placeholder_name_makes_props_a_marker() {
        for page in ["{props.one}", "{props.}", "{props.日本_2} x", "{props.a}}"] {
            assert!(props_placeholder(page).is_some(), "{page}");
        }
        for page in [
            "{props.frontmatter.summary}",
            "{props.a b}",
            "{props.a",
            "{PROPS.a}",
            "{props.a\n}",
        ] {
            assert!(props_placeholder(page).is_none(), "{page}");
        }
    }

    #[test]
    fn a_construct_before_a_last_word_is_read_only_when_an_earlier_word_is_on_the_page() {
        let table = crate::table::tests::small_table();
        let matcher = Matcher::new(&table);
        let screen = Screen::new(&["ai gateway read".to_owned()], &matcher).expect("a screen");
        // No `ai` or `gateway` anywhere: no reading can put one before `Read`, and the pre-pass is not run.
        let (verdict, scan) = screen.read_in("<Card\n  href=\"/日本\">\nRead 🚀", Dialect::Mdx);
        assert_eq!(verdict, Verdict::Nothing { includes: false });
        assert!(scan.is_none());
        // The earlier words in a title the model joins to the body: left to the exact readings.
        let (verdict, scan) =
            screen.read_in("<Aside\n  title=\"AI Gateway é́\">\nRead", Dialect::Mdx);
        assert!(matches!(verdict, Verdict::Maybe { .. }), "{verdict:?}");
        assert!(scan.is_some());
        // Past a multi-line tag the pre-pass blanks, the earlier words are read: the whole name is.
        let page = "AI Gateway <Badge\n  text=\"x\" />\nRead";
        assert_eq!(screen.read_in(page, Dialect::Mdx).0, Verdict::Own);
    }
}
