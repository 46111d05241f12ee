//! The relevance prefilter: one pass of one aho-corasick automaton over a page's raw bytes decides whether
//! the page can hold any finding. A page that cannot is counted and skipped without a parse, so a page
//! that says nothing about permissions costs a byte scan instead of a parse.
//!
//! The prefilter must never skip a page a rule would report on. What each rule needs, and the needle that
//! stands for it:
//!
//! - SL001-SL006, SL004's former names: a group name (a name, label, alias or former name), or the name or
//!   alias of a product with a call-out policy or with claims (the only products whose name a rule reads
//!   on its own), that the matcher finds in name-normalised text. Normalisation lowercases, turns separators (spaces,
//!   dashes, NBSP, emphasis and punctuation) into single spaces, substitutes `{props.x}` and drops link
//!   destinations; every other character is kept. So each word of a normalised name stands in the raw
//!   text as it is, up to ASCII case: a page can name a group only if it holds every word of one of its
//!   names (as the runs of ASCII characters in the word). One overlapping scan finds which words the page
//!   holds. The exceptions are needles of their own: `{props.` (a placeholder can stand for any word), a
//!   raw U+0002 (it reads as a placeholder), the two characters whose lowercase is ASCII (KELVIN SIGN,
//!   LATIN CAPITAL LETTER I WITH DOT ABOVE), and a link destination between two word characters
//!   (`Gate](x)way` reads as `gateway`). A name with no ASCII character at all turns the prefilter off.
//! - Includes and partials (a listing or call-out in an included file counts on the page, and include
//!   errors and cycles are the page's): `<Render` and `{{#`, as `Page::includes_of` looks for them.
//! - SL003 claims: only read when a product with claims is named (a name above), or on a page in that
//!   product's directory (`.../ai-gateway/...`, decided by the path).
//!   Hugo `{{< render >}}` includes are found by their opener (`{{<`, `{{%`) followed by the name `render`.
//!   An unfilled Hugo placeholder (`{{ .Get "x" }}`, `{{ .Params.x }}`) stands for any word, like `{props.`:
//!   `.Get` and `.Params.` are markers. A numeric character reference (`&#65;`) can spell any letter: `&#`.
//! - SL007 unused suppressions and SL010 generated regions: `scope-lint`.
//! - SL009 token-policy examples: `permission_groups`, and `\u` (a JSON escape can spell the key).
//! - Pages a call-out policy requires the call-out on (SL001 without a listing) and permissions reference
//!   pages (SL008): decided by the page's path, not its text.
//!
//! Needles match ASCII-case-insensitively, which only makes more pages relevant. `tests/prefilter.rs` runs
//! every fixture of the project with and without the prefilter and requires identical output.

use std::path::Path;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::policy::Policy;
use crate::table::CapabilityTable;
use crate::table::matcher::Matcher;
use crate::text::normalize::normalize_name;

/// Raw-text markers a rule or the include graph reads, besides the names.
const MARKERS: &[&str] = &[
    "scope-lint",
    "<Render",
    "{{#",
    "{props.",
    "permission_groups",
    "&#",
    ".Get",
    ".Params.",
    "\\u",
    "\u{2}",
    "\u{130}",
    "\u{212A}",
];

/// Marks a link destination, which name normalisation drops (see [`joins_words`]).
const LINK: &str = "](";

/// Open a Hugo shortcode, which is an include when its name is `render` (see [`renders`]).
const SHORTCODES: &[&str] = &["{{<", "{{%"];

/// Compiled once per run from the capability table.
#[derive(Debug)]
pub struct Prefilter {
    /// `None` when some name cannot be found by a byte scan: then every page is relevant.
    automaton: Option<AhoCorasick>,
    /// What each pattern of `automaton` is.
    needles: Vec<Needle>,
    /// For each name, how many distinct word needles it needs.
    words_per_name: Vec<usize>,
    /// The ids of the products SL003 reads claims about: a page in such a directory is read for claims
    /// even when it does not name the product.
    claim_directories: Vec<String>,
}

/// One pattern of the automaton.
#[derive(Debug)]
enum Needle {
    /// A marker: a page that holds it is relevant.
    Marker,
    /// `](`: relevant when the link destination joins two words.
    Link,
    /// `{{<` or `{{%`: relevant when the shortcode is a Hugo `render` include.
    Shortcode,
    /// A piece of a word of these names (indexes into `words_per_name`).
    Word(Vec<usize>),
}

impl Prefilter {
    /// The prefilter for `table`, the `policy` of the run and the `matcher` compiled from the table.
    pub fn new(table: &CapabilityTable, policy: &Policy, matcher: &Matcher) -> Prefilter {
        // A product's own name counts only for a product with a call-out policy (SL002, SL005 read the
        // call-outs that name it) or with claims (SL003); listings and SL004 need group names.
        let products_read = table.products.iter().enumerate().filter(|(index, _)| {
            policy
                .callouts
                .iter()
                .any(|policy| policy.product == *index)
                || matcher.claims.iter().any(|claim| claim.product == *index)
        });
        let names = table
            .groups
            .iter()
            .flat_map(|group| group.all_names())
            .chain(
                products_read
                    .flat_map(|(_, product)| std::iter::once(&product.name).chain(&product.aliases))
                    .map(String::as_str),
            );
        let mut patterns: Vec<String> = vec![LINK.to_owned()];
        let mut needles: Vec<Needle> = vec![Needle::Link];
        for marker in MARKERS {
            patterns.push((*marker).to_owned());
            needles.push(Needle::Marker);
        }
        for opener in SHORTCODES {
            patterns.push((*opener).to_owned());
            needles.push(Needle::Shortcode);
        }
        let mut word_index: std::collections::HashMap<String, usize> =
            std::collections::HashMap::new();
        let mut words_per_name = Vec::new();
        for name in names {
            let words = words_of(name);
            if words.is_empty() {
                return Prefilter {
                    automaton: None,
                    needles: Vec::new(),
                    words_per_name: Vec::new(),
                    claim_directories: Vec::new(),
                };
            }
            let name_index = words_per_name.len();
            words_per_name.push(words.len());
            for word in words {
                let index = *word_index.entry(word.clone()).or_insert_with(|| {
                    patterns.push(word);
                    needles.push(Needle::Word(Vec::new()));
                    needles.len() - 1
                });
                if let Needle::Word(names) = &mut needles[index] {
                    names.push(name_index);
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        let claim_directories = matcher
            .claims
            .iter()
            .map(|claim| table.products[claim.product].id.clone())
            .collect();
        Prefilter {
            automaton,
            needles,
            words_per_name,
            claim_directories,
        }
    }

    /// Whether the page with `text`, at `relative` (to the policy root), can hold a finding: it holds a
    /// marker, or every word of some name.
    pub fn relevant(&self, policy: &Policy, text: &str, relative: &Path) -> bool {
        let Some(automaton) = &self.automaton else {
            return true;
        };
        if policy.requires_page(relative) || policy.is_reference_page(relative) {
            return true;
        }
        let in_claim_directory = relative.components().any(|component| {
            self.claim_directories
                .iter()
                .any(|id| component.as_os_str() == id.as_str())
        });
        if in_claim_directory {
            return true;
        }
        let mut seen = vec![false; self.needles.len()];
        let mut missing = self.words_per_name.clone();
        for found in automaton.find_overlapping_iter(text) {
            let pattern = found.pattern().as_usize();
            match &self.needles[pattern] {
                Needle::Marker => return true,
                Needle::Link => {
                    if joins_words(text, found.start()) {
                        return true;
                    }
                }
                Needle::Shortcode => {
                    if renders(text, found.end()) {
                        return true;
                    }
                }
                Needle::Word(names) => {
                    if !std::mem::replace(&mut seen[pattern], true) {
                        for &name in names {
                            missing[name] -= 1;
                            if missing[name] == 0 {
                                return true;
                            }
                        }
                    }
                }
            }
        }
        false
    }
}

/// Whether the link destination whose `](` starts at `at` sits between two word characters, so that
/// dropping it (as name normalisation does) joins them into one word. Non-ASCII characters count as word
/// characters: this only has to be conservative.
fn joins_words(text: &str, at: usize) -> bool {
    let bytes = text.as_bytes();
    let word = |byte: u8| byte.is_ascii_alphanumeric() || !byte.is_ascii();
    if !at.checked_sub(1).is_some_and(|before| word(bytes[before])) {
        return false;
    }
    let Some(close) = text[at..].find(')') else {
        return false;
    };
    bytes.get(at + close + 1).is_some_and(|&after| word(after))
}

/// Whether the Hugo shortcode whose opener ends at `at` is named `render` (after optional ASCII
/// whitespace, as `doc::shortcode` reads names; ASCII case-insensitive, as `doc::include` compares them).
fn renders(text: &str, at: usize) -> bool {
    let name = text[at..].trim_start_matches(|c: char| c.is_ascii_whitespace());
    name.get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("render"))
}

/// The needles for one table name: the runs of ASCII characters in the words of its normalised form,
/// once each; none when it has no ASCII character.
fn words_of(name: &str) -> Vec<String> {
    let mut words: Vec<String> = normalize_name(name)
        .split(' ')
        .flat_map(|word| word.split(|c: char| !c.is_ascii()))
        .filter(|run| !run.is_empty())
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_needs_the_ascii_runs_of_its_words() {
        assert_eq!(words_of("AI Gateway - Read"), ["ai", "gateway", "read"]);
        assert_eq!(words_of("**R2** Storage"), ["r2", "storage"]);
        assert_eq!(words_of("Café Édition"), ["caf", "dition"]);
        assert!(words_of("日本 語").is_empty());
    }

    #[test]
    fn a_hugo_render_shortcode_in_any_spacing_is_an_include() {
        for page in [
            "{{< render file=\"x\" >}}",
            "{{%RENDER file=\"x\"%}}",
            "{{<\n\trender >}}",
        ] {
            assert!(renders(page, 3), "{page}");
        }
        for page in ["{{< aside >}}", "{{< rend", "{{% /note %}}"] {
            assert!(!renders(page, 3), "{page}");
        }
    }

    #[test]
    fn a_link_destination_between_letters_joins_them() {
        assert!(joins_words("Gate](x)way", 4));
        assert!(!joins_words("[Gate](x) way", 5));
        assert!(!joins_words("[x](y)", 2));
        assert!(!joins_words("a](b", 1));
    }

    /// The characters outside ASCII whose lowercase holds an ASCII character: each is a marker.
    #[test]
    fn every_character_that_lowercases_to_ascii_is_a_marker() {
        let lowering_to_ascii: Vec<char> = (0x80..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.to_lowercase().any(|lower| lower.is_ascii()))
            .collect();
        assert_eq!(lowering_to_ascii, ['\u{130}', '\u{212A}']);
        for c in lowering_to_ascii {
            assert!(MARKERS.contains(&c.to_string().as_str()));
        }
    }
}
