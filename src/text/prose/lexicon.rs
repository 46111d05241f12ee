//! The word lists as data: `src/text/prose.toml` read into a [`Lexicon`], and matching its phrases
//! against tokens.

use serde::Deserialize;

use super::tokens::{Token, TokenKind};

/// The word lists, embedded.
pub(super) const LEXICON: &str = include_str!("../prose.toml");

/// A phrase: words to match in a row.
pub(super) type Phrase = Vec<String>;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct LexiconFile {
    pub(super) claim: ClaimWords,
    pub(super) negation: NegationWords,
    pub(super) modality: ModalityWords,
    pub(super) listing: ListingWords,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct ListingWords {
    pub(super) after_group: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct ClaimWords {
    pub(super) restrict: Vec<String>,
    pub(super) assign: Vec<String>,
    pub(super) distributive: Vec<String>,
    pub(super) credential: Vec<String>,
    pub(super) not_credential_before: Vec<String>,
    pub(super) not_credential_after: Vec<String>,
    pub(super) still_credential_after: Vec<String>,
    pub(super) other_owner: Vec<String>,
    pub(super) owner_describing: Vec<String>,
    pub(super) pronoun: Vec<String>,
    pub(super) auxiliary: Vec<String>,
    pub(super) preposition: Vec<String>,
    pub(super) instance: Vec<String>,
    pub(super) universal: Vec<String>,
    pub(super) modifiers: usize,
    pub(super) naming: Vec<String>,
    pub(super) noun_heads: Vec<String>,
    pub(super) whole_account: Vec<String>,
    pub(super) compound_prefix: Vec<String>,
    pub(super) compound_suffix: Vec<String>,
    pub(super) level: Vec<String>,
    pub(super) causative: Vec<String>,
    pub(super) each: Vec<String>,
    pub(super) each_plural: Vec<String>,
    pub(super) possess: Vec<String>,
    pub(super) phrase_end: Vec<String>,
    pub(super) verbless_blockers: Vec<String>,
    pub(super) give: Vec<String>,
    pub(super) separate: Vec<String>,
    pub(super) own_after: Vec<String>,
    pub(super) compound_head: Vec<String>,
    pub(super) exclusive: Vec<String>,
    pub(super) only: Vec<String>,
    pub(super) exclusive_instance: Vec<String>,
    pub(super) selective: Vec<String>,
    pub(super) selective_instance: Vec<String>,
    pub(super) verb_reach: usize,
    pub(super) credential_reach: usize,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct NegationWords {
    pub(super) pre: Vec<String>,
    pub(super) post: Vec<String>,
    pub(super) post_negator: Vec<String>,
    pub(super) post_predicate: Vec<String>,
    pub(super) copula: Vec<String>,
    pub(super) negative_predicate: Vec<String>,
    pub(super) post_elliptical: Vec<String>,
    pub(super) post_anaphoric: Vec<String>,
    pub(super) attempt: Vec<String>,
    pub(super) failure: Vec<String>,
    pub(super) anaphor: Vec<String>,
    pub(super) pseudo: Vec<String>,
    pub(super) termination: Vec<String>,
    pub(super) termination_after_comma: Vec<String>,
    pub(super) aside_opener: Vec<String>,
    pub(super) termination_punctuation: Vec<String>,
    pub(super) subordinator: Vec<String>,
    pub(super) status_cell: Vec<String>,
    pub(super) status_qualifier: Vec<String>,
    pub(super) status_mark: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub(super) struct ModalityWords {
    pub(super) conditional: Vec<String>,
    pub(super) counterfactual: Vec<String>,
    pub(super) unreal_condition: Vec<String>,
    pub(super) conditional_mood: Vec<String>,
    pub(super) future: Vec<String>,
    pub(super) future_after: Vec<String>,
    pub(super) consequence_modal: Vec<String>,
    pub(super) release_opener: Vec<String>,
    pub(super) released: Vec<String>,
    pub(super) reported: Vec<String>,
    pub(super) request: Vec<String>,
    pub(super) request_article: Vec<String>,
    pub(super) request_instruction: Vec<String>,
}

fn phrases(list: &[String]) -> PhraseList {
    let mut phrases: Vec<Phrase> = list
        .iter()
        .map(|entry| entry.split(' ').map(str::to_owned).collect())
        .collect();
    phrases.sort();
    let mut first_words = [0; 27];
    for phrase in &phrases {
        let (slot, length_bit) = first_word_key(&phrase[0]);
        first_words[slot] |= length_bit;
    }
    PhraseList {
        phrases,
        first_words,
    }
}

/// Where a first word is marked in [`PhraseList::first_words`]: a slot for its first byte (`a`-`z`, or one
/// slot for any other) and a bit for its length (the last bit for 31 bytes or more).
fn first_word_key(word: &str) -> (usize, u32) {
    let slot = match word.as_bytes().first() {
        Some(&byte @ b'a'..=b'z') => usize::from(byte - b'a'),
        _ => 26,
    };
    (slot, 1 << word.len().min(31))
}

/// A word list's phrases, sorted (so by their first word): [`longest`] reads only those that start with
/// the word it is at. Every use of a list is a test of any phrase or the longest one, never the first.
#[derive(Debug)]
pub(super) struct PhraseList {
    phrases: Vec<Phrase>,
    /// By first byte, the lengths of the phrases' first words: most words start no phrase of a list, and
    /// this rules them out before the sorted list is searched (SL003 asks a dozen lists at every word).
    first_words: [u32; 27],
}

impl PhraseList {
    /// The most words in one of the phrases (0 for an empty list).
    pub(super) fn most_words(&self) -> usize {
        self.phrases.iter().map(Vec::len).max().unwrap_or(0)
    }

    /// Whether some phrase may start with `word` (false only when none does).
    pub(super) fn may_start_with(&self, word: &str) -> bool {
        let (slot, length_bit) = first_word_key(word);
        self.first_words[slot] & length_bit != 0
    }
}

impl std::ops::Deref for PhraseList {
    type Target = [Phrase];

    fn deref(&self) -> &[Phrase] {
        &self.phrases
    }
}

/// The compiled word lists.
#[derive(Debug)]
pub struct Lexicon {
    pub(super) restrict: PhraseList,
    pub(super) assign: PhraseList,
    pub(super) distributive: PhraseList,
    pub(super) credential: PhraseList,
    pub(super) not_credential_before: PhraseList,
    pub(super) not_credential_after: PhraseList,
    pub(super) still_credential_after: PhraseList,
    /// Sorted: owners of other products with the same name (see [`Lexicon::owned_by_another`]).
    pub(super) other_owner: Vec<String>,
    /// Words that may stand between an owner's possessive and the product's name.
    pub(super) owner_describing: Vec<String>,
    pub(super) pronoun: PhraseList,
    pub(super) auxiliary: PhraseList,
    pub(super) preposition: PhraseList,
    pub(super) instance: PhraseList,
    pub(super) universal: PhraseList,
    pub(super) modifiers: usize,
    pub(super) naming: PhraseList,
    pub(super) noun_heads: PhraseList,
    pub(super) whole_account: PhraseList,
    pub(super) compound_prefix: Vec<String>,
    pub(super) compound_suffix: Vec<String>,
    pub(super) level: Vec<String>,
    pub(super) causative: PhraseList,
    pub(super) each: PhraseList,
    pub(super) each_plural: PhraseList,
    pub(super) possess: PhraseList,
    pub(super) phrase_end: PhraseList,
    pub(super) verbless_blockers: PhraseList,
    pub(super) give: PhraseList,
    pub(super) separate: PhraseList,
    pub(super) own_after: PhraseList,
    pub(super) compound_head: PhraseList,
    pub(super) exclusive: PhraseList,
    pub(super) only: PhraseList,
    pub(super) exclusive_instance: PhraseList,
    pub(super) selective: PhraseList,
    pub(super) selective_instance: PhraseList,
    pub(super) verb_reach: usize,
    pub(super) credential_reach: usize,
    pub(super) pre: PhraseList,
    pub(super) post: PhraseList,
    pub(super) post_negator: PhraseList,
    pub(super) post_predicate: PhraseList,
    pub(super) copula: PhraseList,
    pub(super) negative_predicate: PhraseList,
    pub(super) post_elliptical: PhraseList,
    pub(super) post_anaphoric: PhraseList,
    pub(super) attempt: PhraseList,
    pub(super) failure: PhraseList,
    pub(super) anaphor: PhraseList,
    pub(super) pseudo: PhraseList,
    pub(super) termination: PhraseList,
    pub(super) termination_after_comma: PhraseList,
    pub(super) aside_opener: PhraseList,
    pub(super) termination_punctuation: Vec<String>,
    pub(super) subordinator: PhraseList,
    pub(super) status_cell: Vec<String>,
    pub(super) status_qualifier: Vec<String>,
    pub(super) status_mark: Vec<String>,
    pub(super) conditional: PhraseList,
    pub(super) counterfactual: PhraseList,
    pub(super) unreal_condition: PhraseList,
    pub(super) conditional_mood: PhraseList,
    pub(super) future: PhraseList,
    pub(super) future_after: PhraseList,
    pub(super) consequence_modal: PhraseList,
    pub(super) release_opener: PhraseList,
    pub(super) released: PhraseList,
    pub(super) reported: PhraseList,
    pub(super) request: PhraseList,
    pub(super) request_article: PhraseList,
    pub(super) request_instruction: PhraseList,
    /// Sorted: the words that may follow a listed group's name (see [`Lexicon::may_follow_a_listed_group`]).
    pub(super) after_group: Vec<String>,
}

impl Lexicon {
    /// Whether `word` (lowercase) may follow a permission group's name, after a space, in a list item or
    /// table cell that lists the group: any other word makes the name the start of a longer phrase ("AI
    /// Gateway Run count"). The `[listing] after-group` list.
    pub fn may_follow_a_listed_group(&self, word: &str) -> bool {
        self.after_group
            .binary_search_by(|known| known.as_str().cmp(word))
            .is_ok()
    }

    /// Whether a product name between `before` and `after` is another company's product of the same name:
    /// an `other-owner` word (ASCII case-insensitive, markup around it dropped) right before it ("Kong AI
    /// Gateway", "**Kong** AI Gateway"), with a possessive `'s` (also as name normalisation leaves it:
    /// `kong s`) up to two describing words before it ("Vercel's AI Gateway", "Kong's open-source AI
    /// Gateway"), or after it with "by" ("AI Gateway by Kong"; "from" is where one migrates from).
    pub fn owned_by_another(&self, before: &str, after: &str) -> bool {
        self.owner_before(before) || self.owner_after(after)
    }

    fn owner_before(&self, before: &str) -> bool {
        let mut rest = before;
        for words_between in 0..3 {
            let Some((word, possessive, start)) = last_word(rest) else {
                return false;
            };
            if (words_between == 0 || possessive) && self.is_other_owner(&word) {
                return true;
            }
            // Only a describing word may stand between a possessive owner and the name ("Kong's
            // open-source AI Gateway"), not a noun or verb of its own ("Kong's team recommends AI Gateway").
            if !(word.contains('-') || self.owner_describing.contains(&word)) {
                return false;
            }
            // Only words and spaces may stand between a possessive owner and the name.
            rest = &rest[..start];
            if !rest.ends_with([' ', '\t']) {
                return false;
            }
        }
        false
    }

    fn owner_after(&self, after: &str) -> bool {
        let after = after.trim_start();
        let Some(owner) = ["by "].iter().find_map(|joiner| {
            after
                .get(..joiner.len())
                .filter(|head| head.eq_ignore_ascii_case(joiner))
                .map(|_| after[joiner.len()..].trim_start_matches([' ', '*', '_', '`']))
        }) else {
            return false;
        };
        let end = owner
            .find(|c: char| !(c.is_alphanumeric() || c == '-'))
            .unwrap_or(owner.len());
        self.is_other_owner(&owner[..end].to_ascii_lowercase())
    }

    fn is_other_owner(&self, word: &str) -> bool {
        !word.is_empty()
            && self
                .other_owner
                .binary_search_by(|owner| owner.as_str().cmp(word))
                .is_ok()
    }

    /// The embedded word lists (`src/text/prose.toml`).
    pub fn embedded() -> Lexicon {
        let file: LexiconFile =
            toml::from_str(LEXICON).expect("src/text/prose.toml is valid (a unit test parses it)");
        let claim = file.claim;
        let negation = file.negation;
        let modality = file.modality;
        let mut after_group = file.listing.after_group;
        after_group.sort();
        Lexicon {
            restrict: phrases(&claim.restrict),
            assign: phrases(&claim.assign),
            distributive: phrases(&claim.distributive),
            credential: phrases(&claim.credential),
            not_credential_before: phrases(&claim.not_credential_before),
            not_credential_after: phrases(&claim.not_credential_after),
            still_credential_after: phrases(&claim.still_credential_after),
            other_owner: {
                let mut owners = claim.other_owner;
                owners.sort();
                owners
            },
            owner_describing: claim.owner_describing,
            pronoun: phrases(&claim.pronoun),
            auxiliary: phrases(&claim.auxiliary),
            preposition: phrases(&claim.preposition),
            instance: phrases(&claim.instance),
            universal: phrases(&claim.universal),
            modifiers: claim.modifiers,
            naming: phrases(&claim.naming),
            noun_heads: phrases(&claim.noun_heads),
            whole_account: phrases(&claim.whole_account),
            compound_prefix: claim.compound_prefix,
            compound_suffix: claim.compound_suffix,
            level: claim.level,
            causative: phrases(&claim.causative),
            each: phrases(&claim.each),
            each_plural: phrases(&claim.each_plural),
            possess: phrases(&claim.possess),
            phrase_end: phrases(&claim.phrase_end),
            verbless_blockers: phrases(&claim.verbless_blockers),
            give: phrases(&claim.give),
            separate: phrases(&claim.separate),
            own_after: phrases(&claim.own_after),
            compound_head: phrases(&claim.compound_head),
            exclusive: phrases(&claim.exclusive),
            only: phrases(&claim.only),
            exclusive_instance: phrases(&claim.exclusive_instance),
            selective: phrases(&claim.selective),
            selective_instance: phrases(&claim.selective_instance),
            verb_reach: claim.verb_reach,
            credential_reach: claim.credential_reach,
            pre: phrases(&negation.pre),
            post: phrases(&negation.post),
            post_negator: phrases(&negation.post_negator),
            post_predicate: phrases(&negation.post_predicate),
            copula: phrases(&negation.copula),
            negative_predicate: phrases(&negation.negative_predicate),
            post_elliptical: phrases(&negation.post_elliptical),
            post_anaphoric: phrases(&negation.post_anaphoric),
            attempt: phrases(&negation.attempt),
            failure: phrases(&negation.failure),
            anaphor: phrases(&negation.anaphor),
            pseudo: phrases(&negation.pseudo),
            termination: phrases(&negation.termination),
            termination_after_comma: phrases(&negation.termination_after_comma),
            aside_opener: phrases(&negation.aside_opener),
            termination_punctuation: negation.termination_punctuation,
            subordinator: phrases(&negation.subordinator),
            status_cell: negation.status_cell,
            status_qualifier: negation.status_qualifier,
            status_mark: negation.status_mark,
            conditional: phrases(&modality.conditional),
            counterfactual: phrases(&modality.counterfactual),
            unreal_condition: phrases(&modality.unreal_condition),
            conditional_mood: phrases(&modality.conditional_mood),
            future: phrases(&modality.future),
            future_after: phrases(&modality.future_after),
            consequence_modal: phrases(&modality.consequence_modal),
            release_opener: phrases(&modality.release_opener),
            released: phrases(&modality.released),
            reported: phrases(&modality.reported),
            request: phrases(&modality.request),
            request_article: phrases(&modality.request_article),
            request_instruction: phrases(&modality.request_instruction),
            after_group,
        }
    }
}

/// Whether `phrase` is at `tokens[at..]` with its last word as a possessive (`token's`, `tokens'`).
pub(super) fn possessive_at(tokens: &[Token], at: usize, phrase: &[String]) -> bool {
    let Some((last, head)) = phrase.split_last() else {
        return false;
    };
    (head.is_empty() || phrase_at(tokens, at, head))
        && tokens.get(at + head.len()).is_some_and(|token| {
            token.kind == TokenKind::Word
                && token
                    .text
                    .strip_prefix(last.as_str())
                    .is_some_and(|rest| rest == "'s" || rest == "'")
        })
}

/// Whether `phrase` is at `tokens[at..]`, word for word.
pub(super) fn phrase_at(tokens: &[Token], at: usize, phrase: &[String]) -> bool {
    !phrase.is_empty()
        && tokens.get(at..at + phrase.len()).is_some_and(|words| {
            words
                .iter()
                .zip(phrase)
                .all(|(token, word)| token.kind == TokenKind::Word && &token.text == word)
        })
}

/// The length of the longest phrase of `list` at `tokens[at..]`.
pub(super) fn longest(tokens: &[Token], at: usize, list: &PhraseList) -> Option<usize> {
    matches_at(tokens, at, list).max()
}

/// The length in tokens of the shortest phrase of `list` at `tokens[at..]`.
pub(super) fn shortest(tokens: &[Token], at: usize, list: &PhraseList) -> Option<usize> {
    matches_at(tokens, at, list).min()
}

/// The lengths of the phrases of `list` at `tokens[at..]`.
fn matches_at<'l>(
    tokens: &'l [Token],
    at: usize,
    list: &'l PhraseList,
) -> impl Iterator<Item = usize> + 'l {
    let first = tokens
        .get(at)
        .filter(|first| list.may_start_with(&first.text));
    let from = first.map_or(list.len(), |first| {
        list.partition_point(|phrase| phrase[0] < first.text)
    });
    list[from..]
        .iter()
        .take_while(move |phrase| first.is_some_and(|first| phrase[0] == first.text))
        .filter(move |phrase| phrase_at(tokens, at, phrase))
        .map(Vec::len)
}

/// The last word of `text` (letters, digits and inner hyphens, after trailing spaces and the markup
/// `*`, `_`, `` ` ``, `~`), lowercased; whether a possessive `'s` followed it; and where it starts.
fn last_word(text: &str) -> Option<(String, bool, usize)> {
    let text = text
        .trim_end()
        .trim_end_matches(['*', '_', '`', '~'])
        .trim_end();
    let (text, possessive) = ["'s", "\u{2019}s", " s"]
        .iter()
        .find_map(|possessive| text.strip_suffix(possessive))
        .map_or((text, false), |owner| (owner, true));
    let text = text.trim_end_matches(['*', '_', '`', '~']);
    let start = text
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '-'))
        .map_or(0, |(at, c)| at + c.len_utf8());
    let word = text[start..].trim_matches('-');
    (!word.is_empty()).then(|| (word.to_ascii_lowercase(), possessive, start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::prose::tokenize;

    fn words(text: &str) -> Vec<Token> {
        tokenize(text, 0).0
    }

    #[test]
    fn every_after_group_word_may_follow_a_listed_group_and_a_phrase_word_may_not() {
        let lexicon = Lexicon::embedded();
        let file = super::super::testing::file();
        for word in &file.listing.after_group {
            assert!(lexicon.may_follow_a_listed_group(word), "{word:?}");
        }
        for word in [
            "the", "count", "history", "endpoint", "api", "about", "your", "logs", "",
        ] {
            assert!(!lexicon.may_follow_a_listed_group(word), "{word:?}");
        }
    }

    #[test]
    fn every_other_owner_owns_the_name_after_it() {
        let lexicon = Lexicon::embedded();
        let file = super::super::testing::file();
        for owner in &file.claim.other_owner {
            for before in [
                format!("With {owner} "),
                format!("日本語 {} ", owner.to_uppercase()),
                format!("Use {owner}'s "),
                format!("Use {owner}\u{2019}s "),
                format!("use {owner} s "),
            ] {
                assert!(lexicon.owned_by_another(&before, " tokens"), "{before:?}");
            }
            assert!(lexicon.owned_by_another("Use ", &format!(" by **{owner}** to")));
            assert!(!lexicon.owned_by_another("Use ", &format!(" from {owner} to")));
        }
        for before in [
            "**Kong** ",
            "Kong's open-source ",
            "Kong’s self-hosted enterprise ",
            "The MLflow ",
            "Databricks Mosaic ",
        ] {
            assert!(lexicon.owned_by_another(before, " keys"), "{before:?}");
        }
        for (before, after) in [
            ("", ""),
            ("Cloudflare ", " by default"),
            ("With the ", " from the dashboard"),
            ("Über ", ""),
            ("🚀 ", ""),
            ("Akong ", ""),
            ("Kong, then the ", ""),
            ("Kong open-source ", ""),
            ("Kong's many other great ", ""),
            ("", " by Cloudflare"),
            ("Migrate to ", " from Kong."),
            ("Kong's team recommends ", ""),
            ("Replace Kong's proxy with ", ""),
        ] {
            assert!(
                !lexicon.owned_by_another(before, after),
                "{before:?} {after:?}"
            );
        }
    }

    #[test]
    fn longest_finds_every_phrase_whatever_its_first_byte_and_length() {
        let long_word = "x".repeat(40);
        let entries: Vec<String> = [
            "scope",
            "scope down to",
            "über",
            "2fa",
            "x_y",
            "can't",
            long_word.as_str(),
        ]
        .map(str::to_owned)
        .to_vec();
        let list = phrases(&entries);
        for entry in &entries {
            let tokens = words(entry);
            assert_eq!(
                longest(&tokens, 0, &list),
                Some(tokens.len()),
                "{entry:?}: {tokens:?}"
            );
        }
        for absent in ["scoped", "uber", "2f", "x", "cant", "sc", "ope"] {
            assert_eq!(longest(&words(absent), 0, &list), None, "{absent:?}");
        }
    }
}
