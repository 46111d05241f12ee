//! The table's names compiled to matchers, built once per run: permission-group and product names
//! (aho-corasick over name-normalised text, see [`crate::text::normalize`]) and the products whose prose is
//! read for claims (see [`crate::text::prose`]).

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;

use crate::table::{CapabilityTable, GroupIndex, ProductIndex};
use crate::text::normalize::{WILDCARD, normalize_name, on_word_boundaries};
use crate::text::prose::{Claim, Lexicon, Resource};
use crate::text::similar::{CharCounts, is_similar, may_score, similarity};

/// The group names among `found`.
pub fn groups_of(found: Vec<NameMatch<Named>>) -> Vec<NameMatch<GroupIndex>> {
    found
        .into_iter()
        .filter_map(|found| match found.item {
            Named::Group(group) => Some(NameMatch {
                item: group,
                range: found.range,
            }),
            Named::Product(_) => None,
        })
        .collect()
}

/// What a name in the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// A permission group.
    Group(GroupIndex),
    /// A product.
    Product(ProductIndex),
}

/// One group (or product) name found in normalised text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch<T> {
    /// What was found.
    pub item: T,
    /// Range in the normalised text.
    pub range: Range<usize>,
}

/// An account-only product with a noun, whose prose SL003 reads for claims of per-resource scoping.
#[derive(Debug)]
pub struct ClaimPattern {
    /// The account-only product the claim is about.
    pub product: ProductIndex,
}

/// Matchers compiled from the capability table.
#[derive(Debug)]
pub struct Matcher {
    /// Every group and product name in one automaton (one pass over the text finds both).
    automaton: LazyAutomaton,
    named_by_pattern: Vec<Named>,
    product_of_group: Vec<ProductIndex>,
    /// Every normalised group name, label and alias, for wildcard matching and suggestions.
    names: Vec<(String, GroupIndex)>,
    /// The first group each normalised name in `names` belongs to.
    group_by_name: HashMap<String, GroupIndex>,
    /// Every proper word-prefix of a name in `names` (`ai gateway` of `ai gateway read`): the only product
    /// cells [`Matcher::split_group`] can join with a level into a group's name.
    group_name_heads: FxHashSet<String>,
    /// The names of `names` by their length in characters (index: length), with their character counts,
    /// for suggestions.
    names_by_length: Vec<Vec<(String, CharCounts)>>,
    /// The character counts (and length) of each name in `names` (same order).
    name_counts: Vec<CharCounts>,
    /// The first product each normalised name in `product_names` belongs to.
    product_by_name: HashMap<String, ProductIndex>,
    /// The last word of every group name ("read", "write", "run", ...), per product.
    verbs: HashMap<ProductIndex, Vec<(String, GroupIndex)>>,
    /// One claim pattern per account-only product with a noun.
    pub claims: Vec<ClaimPattern>,
    /// The word lists prose is read with (`src/text/prose.toml`), parsed on first use: a run whose pages
    /// say nothing a rule reads prose for never parses them.
    lexicon: OnceLock<Lexicon>,
    /// What a claim about each account-only product with a noun restricts to (same order as `claims`).
    pub resources: Vec<Resource>,
    /// What a denial is about, for every product with a noun, account-only or not: a call-out that denies
    /// the narrowing says account-only, and is stale (SL002) once the table gives a finer scope.
    denial_resources: Vec<(ProductIndex, Resource)>,
    /// The names of the products that have claims, as the table spells them (proper nouns), for raw text.
    claim_products: LazyAutomaton,
    claim_product_of_pattern: Vec<ProductIndex>,
    /// The access levels of the table (sorted, once each): what follows a product's name in one of its
    /// groups' names ("read", "edit", "run"), and the last word of every group name. A table row that
    /// splits a group into a product cell and a level cell is read with these.
    levels: Vec<String>,
    /// The same levels, for lookups.
    level_set: FxHashSet<String>,
}

impl Matcher {
    /// Compiles the names of `table` (groups, products, aliases, former names) and its claim patterns.
    pub fn new(table: &CapabilityTable) -> Matcher {
        let mut names = Vec::new();
        for (index, group) in table.groups.iter().enumerate() {
            for name in group.all_names() {
                names.push((normalize_name(name), index));
            }
        }
        let mut patterns: Vec<(&str, Named)> = names
            .iter()
            .map(|(name, group)| (name.as_str(), Named::Group(*group)))
            .collect();
        let mut product_names = Vec::new();
        for (index, product) in table.products.iter().enumerate() {
            for name in std::iter::once(&product.name).chain(&product.aliases) {
                product_names.push((normalize_name(name), index));
            }
        }
        patterns.extend(
            product_names
                .iter()
                .map(|(name, product)| (name.as_str(), Named::Product(*product))),
        );
        let automaton = LazyAutomaton::new(patterns.iter().map(|(name, _)| *name));
        let named_by_pattern = patterns.iter().map(|(_, named)| *named).collect();
        let claims = claim_patterns(table);
        let claim_names: Vec<(String, ProductIndex)> = claims
            .iter()
            .flat_map(|claim| {
                let product = &table.products[claim.product];
                std::iter::once(&product.name)
                    .chain(&product.aliases)
                    .map(move |name| (name.clone(), claim.product))
            })
            .collect();
        let claim_products = LazyAutomaton::new(claim_names.iter().map(|(name, _)| name.as_str()));
        let claim_product_of_pattern = claim_names.iter().map(|(_, product)| *product).collect();
        let resources = claims
            .iter()
            .map(|claim| resource(table, claim.product))
            .collect();
        let denial_resources = (0..table.products.len())
            .filter(|&product| table.products[product].noun.is_some())
            .map(|product| (product, resource(table, product)))
            .collect();
        let levels = levels(&names, &product_names, &product_of(table));
        let name_counts: Vec<CharCounts> =
            names.iter().map(|(name, _)| CharCounts::of(name)).collect();
        let mut names_by_length: Vec<Vec<(String, CharCounts)>> = Vec::new();
        for ((name, _), counts) in names.iter().zip(&name_counts) {
            if names_by_length.len() <= counts.length {
                names_by_length.resize_with(counts.length + 1, Vec::new);
            }
            names_by_length[counts.length].push((name.clone(), counts.clone()));
        }
        let group_name_heads = names
            .iter()
            .flat_map(|(name, _)| {
                name.match_indices(' ')
                    .map(|(space, _)| name[..space].to_owned())
            })
            .collect();
        Matcher {
            name_counts,
            group_by_name: first_of_each(&names),
            group_name_heads,
            product_by_name: first_of_each(&product_names),
            names_by_length,
            denial_resources,
            level_set: levels.iter().cloned().collect(),
            levels,
            lexicon: OnceLock::new(),
            resources,
            claim_products,
            claim_product_of_pattern,
            automaton,
            named_by_pattern,
            product_of_group: table.groups.iter().map(|group| group.product).collect(),
            verbs: verbs(table),
            claims,
            names,
        }
    }

    /// Builds now the group and product name automaton, otherwise built on first use.
    pub fn build_name_automaton(&self) {
        self.automaton.get();
    }

    /// Builds now what prose is read with (the claim products' automaton, the word lists), otherwise built
    /// on first use.
    pub fn build_prose_readers(&self) {
        self.claim_products.get();
        self.lexicon();
    }

    /// The word lists prose is read with (`src/text/prose.toml`).
    pub fn lexicon(&self) -> &Lexicon {
        self.lexicon.get_or_init(Lexicon::embedded)
    }

    /// Group and product names in name-normalised text, leftmost-longest (so `ai gateway run` is the group,
    /// not the product `ai gateway`), on word boundaries.
    pub fn find_names(&self, normalized: &str) -> Vec<NameMatch<Named>> {
        self.automaton
            .get()
            .find_iter(normalized)
            .filter(|found| on_word_boundaries(normalized, &found.range()))
            .map(|found| NameMatch {
                item: self.named_by_pattern[found.pattern().as_usize()],
                range: found.range(),
            })
            .collect()
    }

    /// Products named in name-normalised text, by their name or through one of their groups' names.
    pub fn find_products(&self, normalized: &str) -> Vec<NameMatch<ProductIndex>> {
        self.find_names(normalized)
            .into_iter()
            .map(|found| NameMatch {
                item: self.product_of(found.item),
                range: found.range,
            })
            .collect()
    }

    /// The products with claims (SL003) that `text` names, found in the raw text as the table spells them
    /// ("AI Gateway"): a cheap gate before SL003 reads the prose.
    pub fn claim_products_in(&self, text: &str) -> Vec<ProductIndex> {
        let mut products: Vec<ProductIndex> = self
            .claim_products
            .get()
            .find_iter(text)
            .filter(|found| on_word_boundaries(text, &found.range()))
            .filter(|found| {
                !self
                    .lexicon()
                    .owned_by_another(&text[..found.start()], &text[found.end()..])
            })
            .map(|found| self.claim_product_of_pattern[found.pattern().as_usize()])
            .collect();
        products.sort_unstable();
        products.dedup();
        products
    }

    /// The claims about `product` (an account-only product with a noun) that stand in prose `text`, which
    /// starts at byte `base` of its file; none for any other product.
    pub fn prose_claims(&self, text: &str, base: usize, product: ProductIndex) -> Vec<Claim> {
        self.prose_claims_after(text, base, product, &[])
    }

    /// [`Matcher::prose_claims`] of a text that comes after `before` (its section's heading and the text
    /// right before it; see [`crate::text::prose::Lexicon::claims_after`]).
    pub fn prose_claims_after(
        &self,
        text: &str,
        base: usize,
        product: ProductIndex,
        before: &[&str],
    ) -> Vec<Claim> {
        self.claims
            .iter()
            .position(|claim| claim.product == product)
            .map(|index| {
                self.lexicon()
                    .claims_after(text, base, &self.resources[index], before)
            })
            .unwrap_or_default()
    }

    /// Whether `text` denies that a token can be narrowed to one of `product`'s resources (see
    /// [`Lexicon::denies`]), whether or not the table lets it be; false for a product without a noun.
    pub fn denies_claim(&self, text: &str, product: ProductIndex) -> bool {
        self.denial_resources
            .iter()
            .find(|(denied, _)| *denied == product)
            .is_some_and(|(_, resource)| self.lexicon().denies(text, resource))
    }

    /// The product a name belongs to.
    pub fn product_of(&self, named: Named) -> ProductIndex {
        match named {
            Named::Group(group) => self.product_of_group[group],
            Named::Product(product) => product,
        }
    }

    /// Whether [`Matcher::closest_name`] suggests a name for `normalized`.
    pub fn is_close_to_a_name(&self, normalized: &str) -> bool {
        let counts = CharCounts::of(normalized);
        self.names_by_length
            .iter()
            .enumerate()
            .filter(|&(other, _)| may_be_close(counts.length, other))
            .flat_map(|(_, names)| names)
            .filter(|(_, name_counts)| may_be_close_by_counts(&counts, name_counts))
            .any(|(name, _)| is_similar(normalized, name, CLOSE_ENOUGH))
    }

    /// The group whose name, label or alias is exactly `normalized`.
    pub fn exact_group(&self, normalized: &str) -> Option<GroupIndex> {
        self.group_by_name.get(normalized).copied()
    }

    /// Groups whose name fits `normalized`, in which each [`WILDCARD`] stands for at most one word (and a
    /// wildcard inside a word for any part of it).
    pub fn wildcard_groups(&self, normalized: &str) -> Vec<GroupIndex> {
        if !normalized.contains(WILDCARD) {
            return Vec::new();
        }
        let pattern: Vec<&str> = normalized
            .split(' ')
            .filter(|token| !token.is_empty())
            .collect();
        let mut groups: Vec<GroupIndex> = Vec::new();
        for (name, group) in &self.names {
            let words: Vec<&str> = name.split(' ').collect();
            if fits(&pattern, &words) && !groups.contains(group) {
                groups.push(*group);
            }
        }
        groups
    }

    /// The known name closest to `normalized`, when it is close enough to be a likely typo or rename.
    pub fn closest_name<'t>(
        &self,
        normalized: &str,
        table: &'t CapabilityTable,
    ) -> Option<&'t str> {
        let counts = CharCounts::of(normalized);
        // Only names that may reach the threshold are scored; the best of those (the last of equals, as
        // before) is the answer whenever there is one.
        let (score, group, name) = self
            .names
            .iter()
            .zip(&self.name_counts)
            .filter(|&(_, other)| {
                may_be_close(counts.length, other.length) && may_be_close_by_counts(&counts, other)
            })
            .map(|((name, group), _)| (similarity(normalized, name), *group, name.as_str()))
            .max_by(|a, b| a.0.total_cmp(&b.0))?;
        (score >= CLOSE_ENOUGH).then(|| suggested_spelling(&table.groups[group], name))
    }

    /// The groups of `product` whose last word is `verb` ("read" gives `AI Gateway Read`).
    pub fn group_by_verb(&self, product: ProductIndex, verb: &str) -> Option<GroupIndex> {
        self.verbs
            .get(&product)?
            .iter()
            .find(|(known, _)| known == verb)
            .map(|(_, group)| *group)
    }

    /// The product whose normalised name or alias is exactly `normalized`.
    pub fn exact_product(&self, normalized: &str) -> Option<ProductIndex> {
        self.product_by_name.get(normalized).copied()
    }

    /// The table's access levels and every normalised product name and alias: what one cell of a split
    /// row may hold.
    pub fn levels_and_product_names(&self) -> impl Iterator<Item = &str> {
        self.levels
            .iter()
            .map(String::as_str)
            .chain(self.product_by_name.keys().map(String::as_str))
    }

    /// Whether `normalized` is one of the table's access levels ([`Matcher::levels`]).
    pub fn is_level(&self, normalized: &str) -> bool {
        self.level_set.contains(normalized)
    }

    /// Whether `normalized` may be a split row's product cell, joined with some level cell into a group
    /// (a word-prefix of a group's name, or a product's name or alias): [`Matcher::split_group`] finds no
    /// group for any other.
    pub fn may_be_a_product_cell(&self, normalized: &str) -> bool {
        self.group_name_heads.contains(normalized) || self.exact_product(normalized).is_some()
    }

    /// The group a product cell and a level cell name together (`AI Gateway` + `Edit`): the group whose
    /// name, label or alias is the two joined, else the one group of that product whose name ends in the
    /// level.
    pub fn split_group(&self, product: &str, level: &str) -> Option<GroupIndex> {
        if self.group_name_heads.contains(product)
            && let Some(group) = self.exact_group(&format!("{product} {level}"))
        {
            return Some(group);
        }
        let product = self.exact_product(product)?;
        let mut candidates = self
            .verbs
            .get(&product)?
            .iter()
            .filter(|(verb, _)| verb == level)
            .map(|(_, group)| *group);
        let first = candidates.next()?;
        candidates.all(|other| other == first).then_some(first)
    }

    /// [`Matcher::is_verb`], or one of the level words a call-out's list of groups may use.
    pub fn is_level_in_a_callout(&self, word: &str) -> bool {
        CALLOUT_LEVEL_WORDS.contains(&word) || self.is_verb(word)
    }

    /// Whether some known group of any product ends in `word` (so `word` reads as a permission level).
    pub fn is_verb(&self, word: &str) -> bool {
        PERMISSION_WORDS.contains(&word)
            || self
                .verbs
                .values()
                .flatten()
                .any(|(known, _)| known == word)
    }
}

/// Words that join the levels of one table cell (`Read and Edit`, `Read / Run`).
pub const LEVEL_JOINERS: &[&str] = &["/", "and", "or", "&", "+"];

/// The words of a table cell that may name several levels (`Read / Edit`, `Read and Run`), without the
/// joiners: the same split for the page model's split rows and the prefilter's two passes.
pub fn level_words(cell: &str) -> Vec<&str> {
    level_word_iter(cell).collect()
}

/// [`level_words`] one at a time.
pub fn level_word_iter(cell: &str) -> impl Iterator<Item = &str> {
    cell.split([' ', '/'])
        .filter(|word| !word.is_empty() && !LEVEL_JOINERS.contains(word))
}

/// Words that read as a permission level even when no group in the table uses them.
const PERMISSION_WORDS: &[&str] = &[
    "read", "write", "edit", "run", "admin", "revoke", "report", "delete", "manage", "purge",
    "list", "create", "update", "view",
];

/// More level words, read as levels only in a call-out's list of groups: a call-out naming `AI Gateway
/// Invoke` or `AI Gateway Superuser` names a group that does not exist (in a permissions list, "Account
/// Owner" is a role, not a misspelt group).
#[rustfmt::skip]
const CALLOUT_LEVEL_WORDS: &[&str] = &[
    "invoke", "execute", "deploy", "modify", "owner", "viewer", "editor", "superuser", "full",
];

/// An automaton over names, built on first use: a run whose pages the prefilter skips never builds it.
#[derive(Debug)]
struct LazyAutomaton {
    patterns: Vec<String>,
    built: OnceLock<AhoCorasick>,
}

impl LazyAutomaton {
    fn new<'n>(patterns: impl Iterator<Item = &'n str>) -> LazyAutomaton {
        LazyAutomaton {
            patterns: patterns.map(str::to_owned).collect(),
            built: OnceLock::new(),
        }
    }

    fn get(&self) -> &AhoCorasick {
        self.built
            .get_or_init(|| build_automaton(self.patterns.iter().map(String::as_str)))
    }
}

/// A contiguous NFA over the names (a DFA searches the few pages a run checks a little faster but takes
/// longer to build than that saves), or, when the names are too many for one, whichever automaton fits.
fn build_automaton<'n>(patterns: impl Iterator<Item = &'n str> + Clone) -> AhoCorasick {
    let mut builder = AhoCorasickBuilder::new();
    builder.match_kind(MatchKind::LeftmostLongest);
    builder
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(patterns.clone())
        .or_else(|_| builder.kind(None).build(patterns))
        .expect(
            "a noncontiguous automaton holds 2^31 states, more than a size-capped table can name",
        )
}

/// How similar ([`similarity`]: a swap of two letters, `Wirte`, is one edit) a text must be to a name for a
/// suggestion.
const CLOSE_ENOUGH: f64 = 0.85;

/// Whether names of `length` and `other` characters can be [`CLOSE_ENOUGH`]: the edit distance is at least
/// the difference of the lengths, so a pair whose lengths alone keep the similarity below the threshold
/// (computed as strsim computes it) cannot be close.
fn may_be_close(length: usize, other: usize) -> bool {
    may_score(length, other, length.abs_diff(other), CLOSE_ENOUGH)
}

/// Whether texts with `counts` and `other` can be [`CLOSE_ENOUGH`], by the edits their character counts
/// need at least.
fn may_be_close_by_counts(counts: &CharCounts, other: &CharCounts) -> bool {
    may_score(
        counts.length,
        other.length,
        counts.edits_at_least(other),
        CLOSE_ENOUGH,
    )
}

/// Each name with the first item it belongs to (as a search in list order finds it).
fn first_of_each<T: Copy>(names: &[(String, T)]) -> HashMap<String, T> {
    let mut first = HashMap::with_capacity_and_hasher(names.len(), Default::default());
    for (name, item) in names {
        first.entry(name.clone()).or_insert(*item);
    }
    first
}

/// Each group's product.
fn product_of(table: &CapabilityTable) -> Vec<ProductIndex> {
    table.groups.iter().map(|group| group.product).collect()
}

/// The access levels of a table: for every group name, what follows one of its product's names, and its
/// last word; sorted, once each.
fn levels(
    names: &[(String, GroupIndex)],
    product_names: &[(String, ProductIndex)],
    product_of: &[ProductIndex],
) -> Vec<String> {
    let mut levels = Vec::new();
    for (name, group) in names {
        if let Some(last) = name.rsplit(' ').next().filter(|last| *last != name) {
            levels.push(last.to_owned());
        }
        for (product_name, _) in product_names
            .iter()
            .filter(|(_, product)| *product == product_of[*group])
        {
            if let Some(rest) = name
                .strip_prefix(product_name.as_str())
                .and_then(|rest| rest.strip_prefix(' '))
            {
                levels.push(rest.to_owned());
            }
        }
    }
    levels.sort_unstable();
    levels.dedup();
    levels
}

fn verbs(table: &CapabilityTable) -> HashMap<ProductIndex, Vec<(String, GroupIndex)>> {
    let mut verbs: HashMap<ProductIndex, Vec<(String, GroupIndex)>> = HashMap::default();
    for (index, group) in table.groups.iter().enumerate() {
        for name in group.all_names() {
            let normalized = normalize_name(name);
            if let Some(last) = normalized.rsplit(' ').next() {
                verbs
                    .entry(group.product)
                    .or_default()
                    .push((last.to_owned(), index));
            }
        }
    }
    verbs
}

/// Whether the words of a name fit a pattern whose [`WILDCARD`] tokens stand for zero or one word.
///
/// One pass over the pattern, keeping the set of word positions the pattern so far can end at: linear in
/// the pattern for a name of a few words (trying each wildcard both ways would double the work for each).
fn fits(pattern: &[&str], words: &[&str]) -> bool {
    let mut reachable = vec![false; words.len() + 1];
    reachable[0] = true;
    for token in pattern {
        if *token == WILDCARD_STR {
            for position in (1..=words.len()).rev() {
                reachable[position] |= reachable[position - 1];
            }
            continue;
        }
        for position in (1..=words.len()).rev() {
            reachable[position] = reachable[position - 1] && word_fits(token, words[position - 1]);
        }
        reachable[0] = false;
        if !reachable.contains(&true) {
            return false;
        }
    }
    reachable[words.len()]
}

/// Whether `word` fits `token`, in which a [`WILDCARD`] stands for any run of characters.
fn word_fits(token: &str, word: &str) -> bool {
    let mut parts = token.split(WILDCARD);
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = word.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(index) => rest = &rest[index + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// [`WILDCARD`] as a whole token.
const WILDCARD_STR: &str = "\u{2}";
const _: () = assert!(WILDCARD_STR.len() == 1 && WILDCARD_STR.as_bytes()[0] == WILDCARD as u8);

/// What a claim about `product` restricts to: its noun, its name and its groups' names.
fn resource(table: &CapabilityTable, product: ProductIndex) -> Resource {
    let entry = &table.products[product];
    let groups = table
        .groups
        .iter()
        .filter(|group| group.product == product)
        .flat_map(|group| group.all_names());
    Resource::new(
        entry.noun.as_deref().unwrap_or(&entry.name),
        &entry.name,
        groups,
    )
}

/// The account-only products with a noun: SL003 reads claims that a token can be narrowed to one of
/// their resources (with the prose lexicon; the table loader checks each one's [`claim_regex`]).
fn claim_patterns(table: &CapabilityTable) -> Vec<ClaimPattern> {
    table
        .products
        .iter()
        .enumerate()
        .filter(|(index, product)| table.product_is_account_only(*index) && product.noun.is_some())
        .map(|(index, _)| ClaimPattern { product: index })
        .collect()
}

/// The claim pattern for a product `name` whose resources are called `noun`; an error when it is too big.
pub fn claim_regex(name: &str, noun: &str) -> Result<Regex, regex::Error> {
    let noun = regex::escape(&noun.to_lowercase());
    let name = regex::escape(&name.to_lowercase());
    let pattern = format!(
        r"\b(?:scop(?:e|ed|es|ing)|restrict(?:ed|s|ing)?|limit(?:ed|s|ing)?|narrow(?:ed|s|ing)?|lock(?:ed|s|ing)?\s+down|bound|tied|tie)\b[^.;!?]{{0,60}}?\bto\s+(?:a\s+single|one|a\s+specific|an\s+individual|individual|specific|a\s+particular|particular|only\s+one|just\s+one|selected|chosen|certain|a\s+given)\s+(?:{name}\s+)?(?:{noun}s?|{name}s?)\b|\bper[-\s]{noun}\s+(?:api\s+)?(?:tokens?|permissions?)\b|\b{noun}[-\s](?:scoped|level|specific)\s+(?:api\s+)?(?:tokens?|permissions?)\b|\b(?:scop(?:e|ed|es|ing)|restrict(?:ed|s|ing)?|limit(?:ed|s|ing)?)\s+(?:(?:the|your|each|an?|api)\s+)*(?:tokens?\s+)?per[-\s]{noun}\b|\bonly\s+(?:access|reach|call|use|work\s+(?:for|with))\s+(?:a\s+single|one|a\s+specific|an\s+individual|a\s+particular)\s+(?:{name}\s+)?{noun}\b"
    );
    Regex::new(&pattern)
}

/// How to spell `group` in a suggestion for a name closest to its normalised name `closest`: the API name,
/// label or alias that normalises to it (the writer's own naming: `AI Gatway Write` gets `AI Gateway
/// Write`, not the label `AI Gateway Edit`), or the display name when the closest is a former name.
fn suggested_spelling<'t>(group: &'t crate::table::PermissionGroup, closest: &str) -> &'t str {
    std::iter::once(group.name.as_str())
        .chain(group.label.as_deref())
        .chain(group.aliases.iter().map(String::as_str))
        .find(|spelling| normalize_name(spelling) == closest)
        .unwrap_or_else(|| group.display_name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::tests::small_table;
    use crate::text::normalize::*;

    #[test]
    fn the_closest_name_is_the_one_scoring_every_name_finds() {
        let table = small_table();
        let matcher = Matcher::new(&table);
        let brute_force = |normalized: &str| {
            let (score, group, name) = matcher
                .names
                .iter()
                .map(|(name, group)| (similarity(normalized, name), *group, name))
                .max_by(|a, b| a.0.total_cmp(&b.0))?;
            (score >= CLOSE_ENOUGH).then(|| suggested_spelling(&table.groups[group], name))
        };
        let mut probes: Vec<String> = Vec::new();
        for (name, _) in &matcher.names {
            probes.push(name.clone());
            probes.push(format!("{name}x"));
            probes.push(format!("{name} 日本"));
            probes.push(name.replacen(' ', "", 1));
            probes.push(name.chars().skip(2).collect());
            probes.push(name.chars().rev().collect());
            probes.push(format!("é{name}😀"));
        }
        probes.push(String::new());
        for probe in &probes {
            assert_eq!(
                matcher.closest_name(probe, &table),
                brute_force(probe),
                "{probe:?}"
            );
        }
    }

    #[test]
    fn a_suggestion_is_spelt_as_the_closest_name_is() {
        let table = small_table();
        let matcher = Matcher::new(&table);
        let suggest = |written: &str| matcher.closest_name(&normalize_name(written), &table);
        for group in &table.groups {
            for spelling in std::iter::once(&group.name)
                .chain(&group.label)
                .chain(&group.aliases)
            {
                let typo = format!("{}x", spelling);
                assert_eq!(suggest(&typo), Some(spelling.as_str()), "{typo}");
            }
        }
    }

    #[test]
    fn names_normalise_across_markup_and_punctuation() {
        assert_eq!(normalize_name("**AI Gateway** > **Run**"), "ai gateway run");
        assert_eq!(normalize_name("`AI Gateway - Read`"), "ai gateway read");
        assert_eq!(
            normalize_name("[AI  Gateway\nEdit](/x/y)"),
            "ai gateway edit"
        );
        assert_eq!(
            normalize_name("Access: Apps and Policies Read"),
            "access apps and policies read"
        );
        assert_eq!(normalize_name("Pub/Sub Read"), "pub/sub read");
        assert_eq!(normalize_name("AI Gateway – Read"), "ai gateway read");
        assert_eq!(
            normalize_name("AI\u{a0}Gateway\u{2009}—\u{202f}Run"),
            "ai gateway run"
        );
    }

    #[test]
    fn prose_folds_typographic_apostrophes_quotes_and_dashes() {
        let text = normalize_text(
            "Tokens can’t be “scoped” – they’re account‑scoped",
            Mode::Prose,
            &[],
        );
        assert_eq!(text, "tokens can't be \"scoped\" - they're account-scoped");
    }

    #[test]
    fn placeholders_take_params_or_become_wildcards() {
        let params = vec![("one".to_owned(), "Edit".to_owned())];
        assert_eq!(
            normalize("AI Gateway {props.one}", 0, Mode::Name, &params).text,
            "ai gateway edit"
        );
        assert_eq!(
            normalize("AI Gateway {props.two}", 0, Mode::Name, &params).text,
            format!("ai gateway {WILDCARD}")
        );
    }

    #[test]
    fn offsets_map_back_to_the_source() {
        let source = "see **AI  Gateway** > Run now";
        let normalized = normalize(source, 10, Mode::Name, &[]);
        let table = small_table();
        let matcher = Matcher::new(&table);
        let found = groups_of(matcher.find_names(&normalized.text));
        assert_eq!(found.len(), 1);
        assert_eq!(table.groups[found[0].item].name, "AI Gateway Run");
        let padded = format!("{}{source}", " ".repeat(10));
        let range = normalized.source_range(found[0].range.clone(), &padded);
        assert_eq!(&padded[range], "AI  Gateway** > Run");
    }

    #[test]
    fn api_gateway_is_not_ai_gateway() {
        let table = small_table();
        let matcher = Matcher::new(&table);
        assert!(groups_of(matcher.find_names("api gateway read")).is_empty());
        assert!(matcher.find_products("api gateway").is_empty());
        assert_eq!(matcher.find_products("the ai gateway page").len(), 1);
    }

    #[test]
    fn wildcards_stand_for_one_word() {
        let table = small_table();
        let matcher = Matcher::new(&table);
        let groups = matcher.wildcard_groups(&format!("ai gateway {WILDCARD}"));
        let names: Vec<&str> = groups
            .iter()
            .map(|&group| table.groups[group].name.as_str())
            .collect();
        assert_eq!(
            names,
            vec!["AI Gateway Read", "AI Gateway Write", "AI Gateway Run"]
        );
        assert!(
            matcher
                .wildcard_groups(&format!("{WILDCARD} gateway thing"))
                .is_empty()
        );
    }

    #[test]
    fn many_wildcards_are_matched_in_one_pass() {
        // 64 placeholders before a word no name has: trying each placeholder as zero or one word would
        // take 2^64 steps.
        let mut pattern = vec![WILDCARD_STR; 64];
        pattern.push("zzz");
        assert!(!fits(&pattern, &["ai", "gateway", "read"]));
        let mut pattern = vec![WILDCARD_STR; 64];
        pattern.extend(["gateway", "r\u{2}d"]);
        assert!(fits(&pattern, &["ai", "gateway", "read"]));
        assert!(fits(&pattern, &["gateway", "rd"]));
        assert!(!fits(&pattern, &["ai", "gateway", "run"]));
    }

    #[test]
    fn wildcard_fits_agree_with_trying_every_split() {
        fn reference(pattern: &[&str], words: &[&str]) -> bool {
            match pattern.split_first() {
                None => words.is_empty(),
                Some((token, rest)) if *token == WILDCARD_STR => {
                    reference(rest, words) || (!words.is_empty() && reference(rest, &words[1..]))
                }
                Some((token, rest)) => words.split_first().is_some_and(|(word, others)| {
                    word_fits(token, word) && reference(rest, others)
                }),
            }
        }
        let tokens = [WILDCARD_STR, "ai", "gateway", "g\u{2}y", "read", "日本"];
        let words = ["ai", "gateway", "read", "日本"];
        // Every pattern of up to 4 tokens against every prefix-free choice of up to 3 words.
        let mut patterns: Vec<Vec<&str>> = vec![Vec::new()];
        for _ in 0..4 {
            let longer: Vec<Vec<&str>> = patterns
                .iter()
                .flat_map(|pattern| {
                    tokens.iter().map(move |token| {
                        let mut next = pattern.clone();
                        next.push(*token);
                        next
                    })
                })
                .collect();
            patterns.extend(longer.into_iter().filter(|pattern| pattern.len() <= 4));
            patterns.sort();
            patterns.dedup();
        }
        for pattern in &patterns {
            for start in 0..words.len() {
                for end in start..=words.len().min(start + 3) {
                    let name = &words[start..end];
                    assert_eq!(
                        fits(pattern, name),
                        reference(pattern, name),
                        "{pattern:?} {name:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn claims_are_built_for_account_only_products_only() {
        let table = small_table();
        let matcher = Matcher::new(&table);
        assert_eq!(matcher.claims.len(), 1);
        let product = &table.products[matcher.claims[0].product];
        let claim = claim_regex(&product.name, product.noun.as_deref().unwrap()).unwrap();
        assert!(claim.is_match("you can scope the token to a single gateway."));
        assert!(claim.is_match("create per-gateway tokens"));
        assert!(!claim.is_match("you can scope the token to a single bucket."));
        let product = matcher.claims[0].product;
        let fires = |text: &str| !matcher.prose_claims(text, 0, product).is_empty();
        for sentence in [
            "there is no resource type to scope an api token to a single ai gateway.",
            "permissions are account-scoped only: a token cannot be restricted to a single gateway.",
            "you cannot, however, scope a token to a single gateway.",
            "turn on per-gateway access logs and gateway-level access control.",
        ] {
            assert!(!fires(sentence), "{sentence}");
        }
        for sentence in [
            "if you don't want to share credentials, scope the token to a single gateway.",
            "without any extra setup, you can restrict a token to one gateway.",
            "unlike r2, ai gateway lets you scope tokens to a single gateway.",
            "you can never be too careful: scope the token to a single gateway.",
            "scope the token to a single gateway.",
        ] {
            assert!(fires(sentence), "{sentence}");
        }
    }

    #[test]
    fn suggestions_find_the_closest_name() {
        let table = small_table();
        let matcher = Matcher::new(&table);
        assert_eq!(
            matcher.closest_name("ai gateway reed", &table),
            Some("AI Gateway Read")
        );
        assert_eq!(matcher.closest_name("billing", &table), None);
    }
}

#[cfg(test)]
mod listing_tests {
    use super::*;
    use crate::table::tests::small_table;
    use crate::text::normalize::*;

    #[test]
    fn levels_come_from_the_group_names() {
        let table = small_table();
        let matcher = Matcher::new(&table);
        for level in [
            "read",
            "write",
            "edit",
            "run",
            "storage read",
            "storage bucket item read",
        ] {
            assert!(matcher.is_level(level), "{level}");
        }
        for word in ["admin", "gateway", "ai gateway"] {
            assert!(!matcher.is_level(word), "{word}");
        }
        let name = |group: Option<GroupIndex>| group.map(|group| table.groups[group].name.as_str());
        assert_eq!(
            name(matcher.split_group("ai gateway", "edit")),
            Some("AI Gateway Write")
        );
        assert_eq!(
            name(matcher.split_group("ai gateway", "run")),
            Some("AI Gateway Run")
        );
        assert_eq!(
            name(matcher.split_group("workers r2 storage", "read")),
            Some("Workers R2 Storage Read")
        );
        assert_eq!(
            name(matcher.split_group("r2", "read")),
            None,
            "two R2 groups end in Read"
        );
        assert_eq!(name(matcher.split_group("ai gatewy", "read")), None);
        // A group's name split after any of its words, the product cell being no product's name.
        assert_eq!(
            name(matcher.split_group("workers r2", "storage read")),
            Some("Workers R2 Storage Read")
        );
        assert_eq!(
            name(matcher.split_group("workers r2 stor", "age read")),
            None
        );
    }

    #[test]
    fn hugo_placeholders_and_entities_normalise() {
        let params = vec![("product".to_owned(), "AI Gateway".to_owned())];
        for text in [
            "{{ .Get \"product\" }} Read",
            "{{- .Get \"product\" -}} Read",
            "{{.Params.product}} Read",
            "AI&nbsp;Gateway &ndash; Read",
            "AI&#160;Gateway&#x20;Read",
        ] {
            assert_eq!(
                normalize(text, 0, Mode::Name, &params).text,
                "ai gateway read",
                "{text}"
            );
        }
        assert_eq!(
            normalize("{{ .Get \"other\" }} Read", 0, Mode::Name, &params).text,
            format!("{WILDCARD} read")
        );
        assert_eq!(
            fill_placeholders(
                "`{props.product} 日本 {{ .Get \"product\" }} {props.x}`",
                &params
            ),
            "`AI Gateway 日本 AI Gateway {props.x}`"
        );
        assert_eq!(hugo_placeholder("{{ .Get \"a b\" }}"), None);
        assert_eq!(hugo_placeholder(&format!("{{{{ {}", "é".repeat(300))), None);
    }
}
