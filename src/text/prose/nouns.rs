//! The nouns a claim relates: the [`Resource`] a credential is restricted to, where an instance of it
//! is named ("a single gateway", "`support-bot`"), and whether words name a credential.

use super::lexicon::{Lexicon, Phrase, longest, phrase_at, possessive_at, shortest};
use super::tokens::{Token, TokenKind, invisible, tokenize};
use crate::text::ascii::{find_ignoring_ascii_case, folds_to_ascii};

/// What a claim restricts to: one product's resource noun, its name, and its groups' names.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The noun's words, lowercase ("gateway").
    pub noun: Phrase,
    /// The product name's words ("ai", "gateway"), read as modifiers of the noun.
    pub name: Phrase,
    /// The product's group names, each as words: a group name is a credential.
    pub groups: Vec<Phrase>,
}

impl Resource {
    /// The resource of a product whose name is `name`, whose one resource is a `noun`, and whose group names are
    /// `groups`.
    pub fn new<'n>(noun: &str, name: &str, groups: impl Iterator<Item = &'n str>) -> Resource {
        Resource {
            noun: words_of(noun),
            name: words_of(name),
            groups: groups
                .map(words_of)
                .filter(|words| !words.is_empty())
                .collect(),
        }
    }

    /// The noun as one hyphenated word ("storage-bucket").
    fn joined(&self) -> String {
        self.noun.join("-")
    }

    /// Whether some token of `text` may hold the noun's last word, as every reading of a claim needs (the
    /// noun itself, a compound on it, a code span that carries it). A cheap test on the raw text, so that
    /// prose that never names the noun is not segmented at all: tokens are the text's characters lowercased,
    /// with typographic marks folded to ASCII punctuation and invisible characters dropped, so a token holds
    /// the (ASCII) word only where the text holds it in any case, unless the text has a character that
    /// lowercases to an ASCII letter or an invisible one that joins letters: then it may.
    pub(super) fn may_be_named_in(&self, text: &str) -> bool {
        let Some(last) = self.noun.last() else {
            return false;
        };
        if !last.bytes().all(|byte| byte.is_ascii_alphanumeric()) {
            return true;
        }
        find_ignoring_ascii_case(text, last).is_some()
            || (!text.is_ascii() && text.chars().any(|c| invisible(c) || folds_to_ascii(c)))
    }

    /// Whether a token of a sentence holds the noun's last word. Every reading of a claim needs one (the
    /// noun, a compound on it, a code span that carries it: [`noun_at`], [`Lexicon::is_compound`],
    /// [`Lexicon::instance`]), so a sentence without one is not read for claims.
    pub(super) fn may_be_named_by(&self, tokens: &[Token]) -> bool {
        self.noun.last().is_some_and(|last| {
            tokens
                .iter()
                .any(|token| token.text.contains(last.as_str()))
        })
    }
}

/// The words of a short text, as the tokenizer reads them.
pub fn words_of(text: &str) -> Phrase {
    tokenize(text, 0)
        .0
        .into_iter()
        .filter(|token| token.kind == TokenKind::Word)
        .map(|token| token.text)
        .collect()
}

impl Lexicon {
    /// Whether `word` is a compound on the resource noun: `per-gateway`, `gateway-scoped`.
    pub(super) fn is_compound(&self, word: &str, resource: &Resource) -> bool {
        let noun = resource.joined();
        if let Some((prefix, rest)) = word.split_once('-')
            && self.compound_prefix.iter().any(|known| known == prefix)
            && (rest == noun || rest.strip_suffix('s') == Some(noun.as_str()))
        {
            return true;
        }
        word.strip_prefix(noun.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|suffix| self.compound_suffix.iter().any(|known| known == suffix))
    }

    /// The length of the credential phrase at `tokens[at..]`: a credential word that no qualifier makes a
    /// model token or a lookup key ("max tokens", "token limits", "cache key").
    pub(super) fn credential_at(&self, tokens: &[Token], at: usize) -> Option<usize> {
        let length = longest(tokens, at, &self.credential)?;
        // A qualifier that ends right before it, the shortest or the longest at its start ("provider" before
        // "api keys", "provider api" before "keys").
        let qualified_before = (at.saturating_sub(2)..at).any(|start| {
            [
                longest(tokens, start, &self.not_credential_before),
                shortest(tokens, start, &self.not_credential_before),
            ]
            .contains(&Some(at - start))
        });
        let qualified_after = longest(tokens, at + length, &self.not_credential_after).is_some()
            && longest(tokens, at + length, &self.still_credential_after).is_none();
        (!qualified_before && !qualified_after).then_some(length)
    }

    /// Whether `tokens` name a credential: a credential word or one of the product's group names, also as a
    /// possessive ("the token's scope", "AI Gateway Run's scope").
    pub(super) fn names_credential(&self, tokens: &[Token], resource: &Resource) -> bool {
        (0..tokens.len()).any(|at| {
            self.credential_at(tokens, at).is_some()
                || self
                    .credential
                    .iter()
                    .any(|phrase| possessive_at(tokens, at, phrase))
                || resource
                    .groups
                    .iter()
                    .any(|group| phrase_at(tokens, at, group) || possessive_at(tokens, at, group))
        })
    }

    /// Whether the resource noun ending at `end` qualifies the noun after it ("the gateway session").
    pub(super) fn qualifies_a_noun(&self, tokens: &[Token], end: usize) -> bool {
        longest(tokens, end + 1, &self.noun_heads).is_some()
    }

    /// The last token of a phrase at `start` that names an instance (or a subset) of the resource: "a single
    /// gateway", "your gateway", "the gateway named x", "`support-bot`", "one of your gateways".
    pub(super) fn instance(
        &self,
        tokens: &[Token],
        start: usize,
        resource: &Resource,
    ) -> Option<usize> {
        let mut at = start;
        if tokens
            .get(at)
            .is_some_and(|token| token.text == "only" || token.text == "just")
        {
            at += 1;
        }
        if longest(tokens, at, &self.universal).is_some() {
            return None;
        }
        let mut marked = false;
        if let Some(length) = longest(tokens, at, &self.instance) {
            marked = true;
            at += length;
        } else if tokens.get(at).is_some_and(is_numeral) {
            // "to 2 gateways": a count of instances is a subset of them.
            marked = true;
            at += 1;
        }
        let mut modifiers = self.modifiers;
        while let Some(token) = tokens.get(at) {
            if let Some((end, plural)) = noun_at(tokens, at, resource) {
                if plural && longest(tokens, end + 1, &self.whole_account).is_some()
                    || self.qualifies_a_noun(tokens, end)
                {
                    return None;
                }
                let named = tokens
                    .get(end + 1)
                    .is_some_and(|next| next.kind == TokenKind::Code)
                    || longest(tokens, end + 1, &self.naming).is_some();
                return (marked || named).then_some(end);
            }
            match token.kind {
                TokenKind::Code => {
                    // A named instance: "`support-bot` gateway", or a name that carries the noun.
                    if token.text.contains(resource.noun.last()?.as_str()) {
                        return Some(at);
                    }
                    marked = true;
                }
                TokenKind::Punct => return None,
                TokenKind::Word if phrase_at(tokens, at, &resource.name) => {
                    at += resource.name.len();
                    // "a single AI Gateway": the product's name ends in its noun.
                    if noun_at(tokens, at - 1, resource).is_some() {
                        return marked.then_some(at - 1);
                    }
                    continue;
                }
                TokenKind::Word if STOP_WORDS.contains(&token.text.as_str()) => return None,
                TokenKind::Word if modifiers == 0 => return None,
                TokenKind::Word => modifiers -= 1,
            }
            at += 1;
        }
        None
    }
}

/// Whether `token` is a number written in digits ("2", "10").
fn is_numeral(token: &Token) -> bool {
    token.kind == TokenKind::Word && token.text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Words that end a noun phrase before its noun ("to the account and ...").
const STOP_WORDS: &[&str] = &[
    "to", "and", "or", "in", "of", "with", "for", "on", "at", "from", "by", "that", "which", "but",
    "is", "are", "can", "not", "no", "than", "as", "if", "so",
];

/// The resource noun at `at`: its last token, and whether it is plural; `None` for a possessive
/// ("gateway's") or another word.
pub(super) fn noun_at(tokens: &[Token], at: usize, resource: &Resource) -> Option<(usize, bool)> {
    let (last, head) = resource.noun.split_last()?;
    let words = tokens.get(at..at + resource.noun.len())?;
    if !words[..head.len()]
        .iter()
        .zip(head)
        .all(|(token, word)| token.kind == TokenKind::Word && &token.text == word)
    {
        return None;
    }
    let token = words.last()?;
    if token.kind != TokenKind::Word {
        return None;
    }
    let end = at + resource.noun.len() - 1;
    let text = token.text.as_str();
    if text == last {
        Some((end, false))
    } else if text
        .strip_prefix(last.as_str())
        .is_some_and(|rest| rest == "s" || rest == "es")
    {
        Some((end, true))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::text::prose::testing::{claims, each, file};

    #[test]
    fn every_credential_can_be_restricted() {
        each(
            &file().claim.credential,
            "The {} can be scoped to a single gateway.",
            true,
        );
        assert!(claims("The logs can be scoped to a single gateway.").is_empty());
    }

    #[test]
    fn every_instance_word_names_an_instance() {
        each(
            &file().claim.instance,
            "Scope the token to {} gateway.",
            true,
        );
        assert!(claims("Scope the token to gateway.").is_empty());
    }

    #[test]
    fn every_universal_word_names_every_instance() {
        each(
            &file().claim.universal,
            "Scope the token to {} gateway.",
            false,
        );
    }

    #[test]
    fn a_resource_noun_that_qualifies_another_noun_is_no_instance() {
        each(
            &file().claim.noun_heads,
            "Tokens are bound to the gateway {} (ゲートウェイ).",
            false,
        );
        // Not a credential or a word of scoping: "per gateway credentials" is the compound claim.
        let file = file();
        let heads: Vec<String> = file
            .claim
            .noun_heads
            .iter()
            .filter(|head| !file.claim.credential.contains(head))
            .filter(|head| !file.claim.compound_head.contains(head))
            .cloned()
            .collect();
        each(&heads, "Permissions are managed per gateway {}.", false);
        assert_eq!(
            claims("Tokens are bound to the gateway (ゲートウェイ)."),
            ["bound to the gateway"]
        );
        assert_eq!(
            claims("Restrict the key to one gateway instance."),
            ["Restrict the key to one gateway"]
        );
    }

    #[test]
    fn every_naming_word_names_an_instance() {
        each(
            &file().claim.naming,
            "Scope the token to gateway {} prod.",
            true,
        );
    }

    #[test]
    fn every_whole_account_phrase_means_every_gateway() {
        each(
            &file().claim.whole_account,
            "Tokens are scoped to the gateways {}.",
            false,
        );
        assert_eq!(
            claims("Tokens are scoped to the gateways you pick."),
            ["scoped to the gateways"]
        );
    }

    #[test]
    fn a_possessive_credential_is_a_credential() {
        assert_eq!(
            claims("Set the token’s scope to a single gateway."),
            ["scope to a single gateway"]
        );
        assert_eq!(
            claims("Narrow the keys' access to one gateway."),
            ["Narrow the keys' access to one gateway"]
        );
        assert!(claims("Set the log's scope to a single gateway.").is_empty());
    }

    #[test]
    fn a_noun_spelt_with_invisible_or_folding_characters_is_still_read() {
        assert_eq!(
            claims("Scope the token to a single GATE\u{AD}WAY."),
            ["Scope the token to a single GATE\u{AD}WAY"]
        );
        let resource = super::Resource::new("kv namespace", "Workers KV", std::iter::empty());
        assert!(resource.may_be_named_in("one \u{212A}V NAMESPACE"));
        assert!(resource.may_be_named_in("one namespac\u{200D}e"));
        assert!(!resource.may_be_named_in("Workers KV keys and values, 日本語"));
    }

    proptest::proptest! {
        /// Every token that holds the noun's last word is in a text `may_be_named_in` keeps: the test
        /// `Lexicon::claims` and `Lexicon::denies` skip prose by cannot lose a claim.
        #[test]
        fn a_text_ruled_out_has_no_token_holding_the_noun(
            text in "(gate|way|Gate|WAY|gateways|per-|-scoped|`|\\u{AD}|\\u{200C}|\\u{2011}|\\u{212A}|\\u{130}|i|k|d| |\\.|’|日本|🙂|e\\u{301}|שלום)*"
        ) {
            let resource = super::super::testing::gateway();
            let (tokens, _) = super::tokenize(&text, 0);
            let holds_noun = tokens.iter().any(|token| token.text.contains("gateway"));
            proptest::prop_assert!(!holds_noun || resource.may_be_named_in(&text), "{text:?}");
        }
    }
}
