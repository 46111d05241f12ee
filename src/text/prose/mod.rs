//! Reading prose the way a careful docs maintainer does, for SL003 and call-out recognition.
//!
//! Text is split into sentences (Unicode sentence boundaries) and words (Unicode word boundaries), with
//! typographic apostrophes, quotes and dashes folded and inline code, link destinations, emphasis and
//! footnote references taken out of the words. A *claim* is a relation in one sentence: a credential
//! (token, key, permission, or a group name) restricted to an instance of a resource, through a verb of
//! restricting ("scoped to your gateway"), a compound noun ("per-gateway tokens") or an exclusive use
//! ("a token can only call one gateway"). A claim does not count when a negation reaches it (NegEx: pre- and
//! post-triggers, pseudo-negations, termination terms), or when it is a question, a condition, a statement
//! about the future or reported speech. Every word list is data: `src/text/prose.toml`.
//!
//! - `tokens.rs`: words, code spans and punctuation with their byte ranges; sentences.
//! - `segments.rs`: sentence and word boundaries (UAX #29), read directly in ASCII text.
//! - `lexicon.rs`: the word lists (`prose.toml`) compiled to a [`Lexicon`], and phrase matching.
//! - `nouns.rs`: the [`Resource`] a claim restricts to, its instances, and credential words.
//! - `claims.rs`: the readings of a sentence as a [`Claim`].
//! - `negation.rs`: negation and modality that keep a reading from being a claim.

mod claims;
mod lexicon;
mod negation;
mod nouns;
mod segments;
mod tokens;

pub use claims::Claim;
pub use lexicon::Lexicon;
pub use nouns::{Resource, words_of};
pub use tokens::{Token, TokenKind, fold, sentences, tokenize};

/// What the unit tests of every file share: a product to claim about and the word lists to try.
#[cfg(test)]
mod testing {
    use super::lexicon::{LEXICON, LexiconFile};
    use super::{Lexicon, Resource};

    pub(super) fn gateway() -> Resource {
        Resource::new(
            "gateway",
            "AI Gateway",
            ["AI Gateway Read", "AI Gateway Run"].into_iter(),
        )
    }

    pub(super) fn file() -> LexiconFile {
        toml::from_str(LEXICON).expect("src/text/prose.toml parses")
    }

    pub(super) fn claims(text: &str) -> Vec<String> {
        Lexicon::embedded()
            .claims(text, 0, &gateway())
            .into_iter()
            .map(|claim| text[claim.range].to_owned())
            .collect()
    }

    /// Asserts that `template` with `{}` replaced by each entry fires (or not).
    pub(super) fn each(entries: &[String], template: &str, fires: bool) {
        let lexicon = Lexicon::embedded();
        for entry in entries {
            let text = template.replace("{}", entry);
            let found = lexicon.claims(&text, 0, &gateway());
            assert_eq!(!found.is_empty(), fires, "{text:?}: {found:?}");
        }
    }
}
