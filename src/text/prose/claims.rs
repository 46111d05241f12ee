//! Claims: a credential restricted to an instance of a resource in one sentence, read through a verb of
//! restricting, a compound noun, an exclusive or a selective use; each reading is a candidate until
//! `negation.rs` has a say.

use std::cell::OnceCell;
use std::ops::Range;

use super::lexicon::{Lexicon, longest, phrase_at, shortest};
use super::negation::is_question;
use super::nouns::{Resource, noun_at};
use super::tokens::{Token, TokenKind, sentences};

/// A claim found in a sentence: the source range from the restricting word to the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The claim's byte range in the source text.
    pub range: Range<usize>,
}

/// A claim before negation: token indexes of where it starts, where the restricted-to phrase starts, and
/// its last token.
#[derive(Debug, Clone, Copy)]
pub(super) struct Candidate {
    pub(super) start: usize,
    pub(super) target: usize,
    pub(super) end: usize,
}

impl Lexicon {
    /// The claims about `resource` in `text` (at byte `base` of its file) that stand: not negated, not a
    /// question, condition, future or report. A pronoun that opens the text may stand for a credential
    /// named before it.
    pub fn claims(&self, text: &str, base: usize, resource: &Resource) -> Vec<Claim> {
        self.claims_after(text, base, resource, &[])
    }

    /// [`Lexicon::claims`] of a text that `before` (the heading of its section and the text right before
    /// it; empty when nothing is known) comes after: a pronoun that opens the text stands for a credential
    /// only when one of them names one ("## Caching" / "You can limit it to a single gateway." is no
    /// claim).
    pub fn claims_after(
        &self,
        text: &str,
        base: usize,
        resource: &Resource,
        before: &[&str],
    ) -> Vec<Claim> {
        let mut claims = Vec::new();
        if !resource.may_be_named_in(text) {
            return claims;
        }
        let sentences = sentences(text, base);
        for (index, sentence) in sentences.iter().enumerate() {
            if !resource.may_be_named_by(sentence) {
                continue;
            }
            // A pronoun stands for the credential only when one may be what it refers to: the sentence
            // names one, an earlier sentence of the text does, or it opens the text and the heading or text
            // before names one (or nothing before is known). "Turn on caching. Limit it to one gateway." is
            // no claim. Asked only of a claim read through a pronoun, so most sentences are never searched.
            let credential_to_stand_for = OnceCell::new();
            let may_stand_for_a_credential = || {
                *credential_to_stand_for.get_or_init(|| {
                    sentences[..=index]
                        .iter()
                        .any(|earlier| self.names_credential(earlier, resource))
                        || (index == 0 && self.names_credential_in_any(before, resource))
                })
            };
            let mut last_end = None;
            let question = is_question(sentence);
            // Where the sentence's first pronoun ends, found once: a sentence of many claims is not read
            // from its start for each.
            let first_pronoun_end = OnceCell::new();
            let reads_a_pronoun = |candidate: Candidate| {
                let end = *first_pronoun_end.get_or_init(|| self.first_pronoun_end(sentence));
                end <= candidate.target.min(sentence.len())
            };
            for candidate in self.candidates(sentence, resource) {
                if last_end.is_some_and(|end| candidate.start <= end) {
                    continue;
                }
                if question
                    || self.blocked_near(sentence, candidate)
                    || (reads_a_pronoun(candidate) && !may_stand_for_a_credential())
                {
                    continue;
                }
                last_end = Some(candidate.end);
                claims.push(Claim {
                    range: sentence[candidate.start].range.start..sentence[candidate.end].range.end,
                });
            }
        }
        claims
    }

    /// Whether one of the texts `before` names a credential, or there are none.
    fn names_credential_in_any(&self, before: &[&str], resource: &Resource) -> bool {
        before.is_empty()
            || before.iter().any(|text| {
                sentences(text, 0)
                    .iter()
                    .any(|sentence| self.names_credential(sentence, resource))
            })
    }

    /// Where the first pronoun phrase of `tokens` ends (`usize::MAX` when there is none): a pronoun stands
    /// before a claim's restricted-to phrase, where the readings take one for the credential, when that
    /// phrase starts at or after this end (every reading without a credential word reads one there, except
    /// a compound on what is not a credential: "per-gateway scoping"); "one" in "to one gateway" is not
    /// before it.
    fn first_pronoun_end(&self, tokens: &[Token]) -> usize {
        (0..tokens.len())
            .filter_map(|at| shortest(tokens, at, &self.pronoun).map(|length| at + length))
            .min()
            .unwrap_or(usize::MAX)
    }

    /// Whether one of `pronoun` stands in `tokens`.
    fn holds_pronoun(&self, tokens: &[Token]) -> bool {
        (0..tokens.len()).any(|at| longest(tokens, at, &self.pronoun).is_some())
    }

    /// Every reading of the sentence as a claim, in order of where it starts.
    pub(super) fn candidates(&self, tokens: &[Token], resource: &Resource) -> Vec<Candidate> {
        let mut found = Vec::new();
        for at in 0..tokens.len() {
            if let Some(length) = longest(tokens, at, &self.restrict) {
                found.extend(self.verb_claim(tokens, at, length, resource, Target::Any));
            } else if let Some(length) = longest(tokens, at, &self.assign) {
                found.extend(self.verb_claim(tokens, at, length, resource, Target::Distributive));
                found.extend(self.separate_credential_claim(tokens, at, length, resource));
            }
            found.extend(self.compound_claim(tokens, at, resource));
            found.extend(self.exclusive_claim(tokens, at, resource));
            found.extend(self.selective_claim(tokens, at, resource));
            found.extend(self.own_credential_claim(tokens, at, resource));
            found.extend(self.separate_for_each_claim(tokens, at, resource));
        }
        found.sort_by_key(|candidate| (candidate.start, candidate.end));
        found
    }

    /// "scope the token to a single gateway", "tokens are limited to `support-bot`", "scoped per gateway",
    /// "the gateway the token is limited to"; with [`Target::Distributive`] only the forms that distribute
    /// over instances ("granted at the gateway level", "managed per gateway").
    fn verb_claim(
        &self,
        tokens: &[Token],
        verb: usize,
        length: usize,
        resource: &Resource,
        target: Target,
    ) -> Option<Candidate> {
        let reach = (verb + length + self.verb_reach).min(tokens.len());
        for at in verb + length..reach {
            let token = &tokens[at];
            if token.kind == TokenKind::Punct && token.text != "," {
                return None;
            }
            let end = if let Some(preposition) = longest(tokens, at, &self.preposition) {
                if target == Target::Distributive {
                    None
                } else if tokens
                    .get(at + preposition)
                    .is_none_or(|next| next.kind == TokenKind::Punct)
                {
                    // The preposition ends the clause: its object is a noun before the verb.
                    return self.stranded_claim(tokens, verb, at + preposition - 1, resource);
                } else {
                    self.instance(tokens, at + preposition, resource)
                }
            } else if let Some(distributive) = longest(tokens, at, &self.distributive) {
                noun_at(tokens, at + distributive, resource)
                    .map(|(end, _)| end)
                    .filter(|&end| !self.qualifies_a_noun(tokens, end))
            } else if self.is_compound(&token.text, resource) {
                Some(at)
            } else if noun_at(tokens, at, resource).is_some_and(|(end, _)| {
                tokens
                    .get(end + 1)
                    .is_some_and(|next| self.level.contains(&next.text))
            }) {
                noun_at(tokens, at, resource).map(|(end, _)| end + 1)
            } else {
                None
            };
            let Some(end) = end else { continue };
            let object = &tokens[verb + length..at];
            let pronoun = self.holds_pronoun(object);
            let before = verb.saturating_sub(self.credential_reach);
            if pronoun
                || self.pronoun_subject(tokens, verb)
                || self.names_credential(&tokens[before..at], resource)
            {
                return Some(Candidate {
                    start: verb,
                    target: at,
                    end,
                });
            }
        }
        None
    }

    /// "per-gateway tokens", "gateway-scoped keys", "tokens are gateway-level".
    fn compound_claim(
        &self,
        tokens: &[Token],
        at: usize,
        resource: &Resource,
    ) -> Option<Candidate> {
        let (last, compound) = if self.is_compound(&tokens[at].text, resource) {
            (at, true)
        } else if self.compound_prefix.contains(&tokens[at].text) {
            (noun_at(tokens, at + 1, resource)?.0, true)
        } else if let Some((end, false)) = noun_at(tokens, at, resource) {
            let suffix = tokens.get(end + 1)?;
            (end + 1, self.compound_suffix.contains(&suffix.text))
        } else {
            (at, false)
        };
        if !compound {
            return None;
        }
        let mut next = last + 1;
        // "per-gateway AI Gateway tokens": the product's name may qualify the head too.
        if phrase_at(tokens, next, &resource.name) {
            next += resource.name.len();
        }
        if tokens.get(next).is_some_and(|token| token.text == "api") {
            next += 1;
        }
        let head = self
            .credential_at(tokens, next)
            .or_else(|| longest(tokens, next, &self.compound_head));
        if let Some(length) = head {
            return Some(Candidate {
                start: at,
                target: at,
                end: next + length - 1,
            });
        }
        // "tokens are gateway-scoped", "tokens are now gateway-scoped": the compound as a predicate of a
        // credential, after a copula and any auxiliaries ("can also be", "are now").
        let mut verb_group = at;
        while verb_group > 0 && longest(tokens, verb_group - 1, &self.auxiliary) == Some(1) {
            verb_group -= 1;
        }
        let copula = tokens[verb_group..at]
            .iter()
            .any(|token| ["is", "are", "be", "being", "been"].contains(&token.text.as_str()));
        let before = at.saturating_sub(self.credential_reach);
        let predicate = copula && self.names_credential(&tokens[before..at], resource);
        // "make tokens gateway-specific": the compound as the complement of a causative verb's object.
        (predicate || self.causative_object_before(tokens, at)).then_some(Candidate {
            start: at,
            target: at,
            end: last,
        })
    }

    /// "each gateway gets its own token": a distributing word at `at` and the resource noun (after at most
    /// `modifiers` words: "each AI Gateway", "each of the gateways"; or right before it: "gateways each
    /// get ..."), then a possessing verb and a word of
    /// separateness, each right after the other, and the credential after at most `modifiers` words ("its
    /// own authentication token", "a separate scoped API key").
    fn own_credential_claim(
        &self,
        tokens: &[Token],
        at: usize,
        resource: &Resource,
    ) -> Option<Candidate> {
        let (each, plural) = match longest(tokens, at, &self.each) {
            Some(each) => (each, false),
            None => (longest(tokens, at, &self.each_plural)?, true),
        };
        // "each gateway", "each AI Gateway", "each of the gateways": up to `modifiers` words before the noun;
        // or the noun right before it ("gateways each get their own token").
        let (start, noun_end) = match self
            .after_modifiers(tokens, at + each)
            .find_map(|word| noun_at(tokens, word, resource))
        {
            Some((noun_end, _)) => (at, noun_end),
            None if !plural => (noun_ending_at(tokens, at, resource)?, at + each - 1),
            None => return None,
        };
        // "give every gateway a dedicated token": a giving verb before the distributing word possesses.
        let given = !plural
            && at > 0
            && longest(tokens, at - 1, &self.give) == Some(1)
            && !self.has_verbless_blocker(tokens);
        let possess = match longest(tokens, noun_end + 1, &self.possess) {
            Some(possess) => possess,
            None if given => 0,
            None => return None,
        };
        let separate_at = noun_end + 1 + possess;
        let separate = longest(tokens, separate_at, &self.separate);
        let (credential_at, credential) = self
            .after_modifiers(tokens, separate_at + separate.unwrap_or(0))
            .find_map(|word| Some((word, self.credential_at(tokens, word)?)))?;
        let credential_end = credential_at + credential;
        // "each gateway has a token of its own": the separateness after the credential.
        let own_after = match separate {
            Some(_) => 0,
            None if possess > 0 => longest(tokens, credential_end, &self.own_after)?,
            None => return None,
        };
        // "give every gateway a dedicated token name": the credential word only qualifies another noun.
        if possess == 0 && !self.ends_a_phrase(tokens, credential_end) {
            return None;
        }
        Some(Candidate {
            start,
            target: start,
            end: credential_end + own_after - 1,
        })
    }

    /// Whether the phrase before `at` ends there: punctuation, the end of the sentence or a `phrase-end`
    /// word follows.
    fn ends_a_phrase(&self, tokens: &[Token], at: usize) -> bool {
        tokens.get(at).is_none_or(|token| {
            token.kind != TokenKind::Word || longest(tokens, at, &self.phrase_end).is_some()
        })
    }

    /// Whether a `verbless-blockers` word stands anywhere in `tokens`: the verbless readings then read
    /// nothing ("you don't need a separate token for each gateway").
    fn has_verbless_blocker(&self, tokens: &[Token]) -> bool {
        (0..tokens.len()).any(|at| longest(tokens, at, &self.verbless_blockers).is_some())
    }

    /// "a dedicated token for every gateway", "use separate keys per gateway": a word of separateness at
    /// `at`, the credential after at most `modifiers` words, then a distributing word and the resource noun
    /// ("for each gateway", "per gateway", "for each of your gateways"). Without the word of separateness
    /// only an assigning verb makes one ("create a token for each gateway").
    fn separate_for_each_claim(
        &self,
        tokens: &[Token],
        at: usize,
        resource: &Resource,
    ) -> Option<Candidate> {
        let separate = longest(tokens, at, &self.separate)?;
        let (credential_at, credential) = self
            .after_modifiers(tokens, at + separate)
            .find_map(|word| Some((word, self.credential_at(tokens, word)?)))?;
        let distributive_at = credential_at + credential;
        let distributive = longest(tokens, distributive_at, &self.distributive)?;
        let (noun_end, _) = self
            .after_modifiers(tokens, distributive_at + distributive)
            .find_map(|word| noun_at(tokens, word, resource))?;
        // "for each gateway provider" is about providers; "you don't need a separate token per gateway"
        // says the opposite.
        if !self.ends_a_phrase(tokens, noun_end + 1) || self.has_verbless_blocker(tokens) {
            return None;
        }
        Some(Candidate {
            start: at,
            target: at,
            end: noun_end,
        })
    }

    /// "assign a separate token to each gateway": an assigning verb at `verb`, a word of separateness right
    /// after it, the credential after at most `modifiers` words, then `to` and a distributing word with the
    /// resource noun ("to each gateway", "to every one of the gateways"). Without the word of separateness an
    /// assigning verb with `to` is no claim ("apply the permission to each gateway").
    fn separate_credential_claim(
        &self,
        tokens: &[Token],
        verb: usize,
        length: usize,
        resource: &Resource,
    ) -> Option<Candidate> {
        let separate = longest(tokens, verb + length, &self.separate)?;
        let (credential_at, credential) = self
            .after_modifiers(tokens, verb + length + separate)
            .find_map(|word| Some((word, self.credential_at(tokens, word)?)))?;
        let to_at = credential_at + credential;
        let to = longest(tokens, to_at, &self.preposition)?;
        let each = longest(tokens, to_at + to, &self.each)?;
        let (noun_end, _) = self
            .after_modifiers(tokens, to_at + to + each)
            .find_map(|word| noun_at(tokens, word, resource))?;
        Some(Candidate {
            start: verb,
            target: verb,
            end: noun_end,
        })
    }

    /// The places from `from` where a phrase may start after at most `modifiers` words.
    fn after_modifiers<'t>(
        &self,
        tokens: &'t [Token],
        from: usize,
    ) -> impl Iterator<Item = usize> + 't {
        (from..).take(self.modifiers + 1).take_while(|&word| {
            tokens
                .get(word)
                .is_some_and(|token| token.kind == TokenKind::Word)
        })
    }

    /// Whether the credential (or a pronoun for it) ends right before `at` as the object of a causative
    /// verb ("make tokens", "keep your AI Gateway keys"), with at most `modifiers` + 2 words between.
    fn causative_object_before(&self, tokens: &[Token], at: usize) -> bool {
        let longest_object = self
            .credential
            .iter()
            .chain(self.pronoun.iter())
            .map(Vec::len)
            .max();
        let object = (at.saturating_sub(longest_object.unwrap_or(1))..at).find(|&start| {
            let credential = self.credential_at(tokens, start);
            let pronoun = longest(tokens, start, &self.pronoun);
            credential.max(pronoun) == Some(at - start)
        });
        let words_between = self.modifiers + 2;
        object.is_some_and(|object| {
            (object.saturating_sub(words_between + 1)..object)
                .any(|verb| longest(tokens, verb, &self.causative) == Some(1))
        })
    }

    /// "the gateway the token should be limited to": a restricting verb whose preposition ends its clause
    /// (at `preposition`), and before the verb an instance of the resource with the credential between.
    fn stranded_claim(
        &self,
        tokens: &[Token],
        verb: usize,
        preposition: usize,
        resource: &Resource,
    ) -> Option<Candidate> {
        let low = verb.saturating_sub(self.verb_reach);
        for noun in (low..verb).rev() {
            if noun_at(tokens, noun, resource).is_none() {
                continue;
            }
            let noun_end = noun + resource.noun.len() - 1;
            let between = &tokens[noun_end + 1..verb];
            let pronoun = self.holds_pronoun(between);
            if between.iter().any(|token| token.kind == TokenKind::Punct)
                || !(pronoun || self.names_credential(between, resource))
            {
                continue;
            }
            let reach = noun.saturating_sub(self.modifiers + 4);
            let start = (reach..=noun).find(|&start| {
                self.instance(tokens, start, resource) == Some(noun_end)
                    && tokens[start..noun]
                        .iter()
                        .all(|token| token.kind != TokenKind::Punct)
            })?;
            return Some(Candidate {
                start,
                target: verb,
                end: preposition,
            });
        }
        None
    }

    /// "a token can only call one gateway", "permissions apply only to the gateway you pick", "valid for
    /// one gateway only": an exclusive verb at `verb`, made exclusive by an `only` word.
    fn exclusive_claim(
        &self,
        tokens: &[Token],
        verb: usize,
        resource: &Resource,
    ) -> Option<Candidate> {
        let (length, only_inside) = self.exclusive_at(tokens, verb)?;
        let only_before = verb > 0 && self.is_only(tokens, verb - 1);
        let object = verb + length;
        let exclusive_instance = longest(tokens, object, &self.exclusive_instance);
        let only_after = self.is_only(tokens, object) || exclusive_instance.is_some();
        // "no more than one gateway": the instance is read from its last word, "one".
        let instance_start = object + exclusive_instance.map_or(0, |length| length - 1);
        let end = self.instance(tokens, instance_start, resource)?;
        let only_trailing = self.is_only(tokens, end + 1);
        if !(only_before || only_inside || only_after || only_trailing) {
            return None;
        }
        let start = if only_before { verb - 1 } else { verb };
        let before = start.saturating_sub(self.credential_reach);
        self.names_credential(&tokens[before..start], resource)
            .then_some(Candidate {
                start,
                target: object,
                end: if only_trailing { end + 1 } else { end },
            })
    }

    /// The length of an exclusive verb at `at`, and whether an `only` word stands inside it ("apply only
    /// to", "work only with").
    fn exclusive_at(&self, tokens: &[Token], at: usize) -> Option<(usize, bool)> {
        if let Some(length) = longest(tokens, at, &self.exclusive) {
            return Some((length, false));
        }
        // A phrase with `only` inside starts with the phrase's first word: most words start none.
        if !tokens
            .get(at)
            .is_some_and(|first| self.exclusive.may_start_with(&first.text))
        {
            return None;
        }
        self.exclusive
            .iter()
            .filter_map(|phrase| {
                let (last, head) = phrase.split_last()?;
                let only = at + head.len();
                (!head.is_empty()
                    && phrase_at(tokens, at, head)
                    && self.is_only(tokens, only)
                    && phrase_at(tokens, only + 1, std::slice::from_ref(last)))
                .then_some(phrase.len() + 1)
            })
            .max()
            .map(|length| (length, true))
    }

    /// Whether the token at `at` is a word of exclusivity ("only").
    fn is_only(&self, tokens: &[Token], at: usize) -> bool {
        longest(tokens, at, &self.only) == Some(1)
    }

    /// "tokens can target a single gateway", "valid for one gateway": a selective verb whose object is a
    /// selected instance (not merely "the gateway").
    fn selective_claim(
        &self,
        tokens: &[Token],
        verb: usize,
        resource: &Resource,
    ) -> Option<Candidate> {
        let length = longest(tokens, verb, &self.selective)?;
        let mut object = verb + length;
        if self.is_only(tokens, object) {
            object += 1;
        }
        longest(tokens, object, &self.selective_instance)?;
        let end = self.instance(tokens, object, resource)?;
        let before = verb.saturating_sub(self.credential_reach);
        (self.pronoun_subject(tokens, verb)
            || self.names_credential(&tokens[before..verb], resource))
        .then_some(Candidate {
            start: verb,
            target: object,
            end,
        })
    }

    /// Whether a pronoun is the subject of the verb at `verb` ("they can now be scoped"): only auxiliaries
    /// lie between.
    fn pronoun_subject(&self, tokens: &[Token], verb: usize) -> bool {
        let mut at = verb;
        while at > 0 && longest(tokens, at - 1, &self.auxiliary) == Some(1) {
            at -= 1;
        }
        at > 0 && longest(tokens, at - 1, &self.pronoun) == Some(1)
    }
}

/// What a restricting or assigning verb may restrict to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Any target: "to a single gateway", "per gateway", "at the gateway level".
    Any,
    /// Only a target that distributes over the instances: "per gateway", "by gateway", "at the gateway
    /// level", a compound on the noun.
    Distributive,
}

/// Where the subject that the resource noun ending right before `at` heads starts ("gateways" in "gateways
/// each get ...", "your gateways" in "your gateways each ..."): the noun, after at most a determiner, opens
/// the sentence or a clause after punctuation ("users of your gateways each get ..." is about the users).
fn noun_ending_at(tokens: &[Token], at: usize, resource: &Resource) -> Option<usize> {
    let noun_start = at.checked_sub(resource.noun.len())?;
    noun_at(tokens, noun_start, resource).filter(|&(end, _)| end + 1 == at)?;
    let start = match noun_start
        .checked_sub(1)
        .map(|before| tokens[before].text.as_str())
    {
        Some("the" | "your" | "our" | "their" | "these" | "those" | "my") => noun_start - 1,
        _ => noun_start,
    };
    let opens_a_clause = start == 0 || tokens[start - 1].kind == TokenKind::Punct;
    opens_a_clause.then_some(start)
}

#[cfg(test)]
mod tests {
    use crate::text::prose::testing::{claims, each, file};

    #[test]
    fn every_restricting_verb_makes_a_claim() {
        each(
            &file().claim.restrict,
            "The token is {} to a single gateway.",
            true,
        );
    }

    #[test]
    fn every_plural_distributing_word_needs_a_possessing_verb() {
        let file = file();
        each(
            &file.claim.each_plural,
            "{} gateways have their own API keys.",
            true,
        );
        each(&file.claim.own_after, "Each gateway has a token {}.", true);
        each(
            &file.claim.level,
            "Tokens are scoped at the gateway {}.",
            true,
        );
        assert_eq!(
            claims("Every gateway issues its own token (トークン 🚀)."),
            ["Every gateway issues its own token"]
        );
        assert_eq!(
            claims("Each gateway has an API token of its own."),
            ["Each gateway has an API token of its own"]
        );
        // One token for all of them, or no credential.
        assert!(claims("Give all gateways a dedicated token.").is_empty());
        assert!(claims("All gateways share one token.").is_empty());
        assert!(claims("All gateways have their own rate limits.").is_empty());
        assert!(claims("Each gateway has a cache of its own.").is_empty());
        assert!(claims("Each gateway has a token.").is_empty());
    }

    #[test]
    fn a_limit_on_tokens_is_about_model_tokens() {
        assert!(claims("Set a limit on tokens per gateway.").is_empty());
        assert!(claims("Put caps on tokens per gateway — 上限.").is_empty());
        assert_eq!(
            claims("This token only has access to one gateway."),
            ["only has access to one gateway"]
        );
        assert_eq!(
            claims("Grant the token access to one gateway only."),
            ["access to one gateway only"]
        );
        assert!(claims("Grant the token access to the gateway.").is_empty());
    }

    #[test]
    fn every_pronoun_stands_for_the_credential() {
        each(
            &file().claim.pronoun,
            "Restrict {} to a single gateway.",
            true,
        );
    }

    #[test]
    fn every_auxiliary_keeps_a_pronoun_the_subject() {
        each(
            &file().claim.auxiliary,
            "They {} scoped to a single gateway.",
            true,
        );
        // "would be" right before the verb puts the claim in the conditional mood.
        assert!(claims("They would be scoped to a single gateway.").is_empty());
    }

    #[test]
    fn every_preposition_opens_the_resource() {
        each(
            &file().claim.preposition,
            "Narrow the token {} a single gateway.",
            true,
        );
    }

    #[test]
    fn every_compound_makes_a_claim() {
        let file = file();
        each(
            &file.claim.compound_prefix,
            "Create {}-gateway tokens.",
            true,
        );
        each(
            &file.claim.compound_suffix,
            "Create gateway-{} tokens.",
            true,
        );
        each(&file.claim.compound_head, "It offers per-gateway {}.", true);
        assert!(claims("Turn on per-gateway logs and gateway-level access control.").is_empty());
    }

    #[test]
    fn every_exclusive_verb_makes_a_claim() {
        each(
            &file().claim.exclusive,
            "A token can only {} one gateway.",
            true,
        );
    }

    #[test]
    fn every_assigning_verb_claims_only_with_a_distributive_target() {
        let file = file();
        each(
            &file.claim.assign,
            "AI Gateway permissions are {} at the gateway level.",
            true,
        );
        each(
            &file.claim.assign,
            "Token permissions are {} per gateway.",
            true,
        );
        // "grant the token access to a gateway" is not a restriction: no "to" target for these verbs.
        each(
            &file.claim.assign,
            "The token is {} to a single gateway by the admin.",
            false,
        );
        assert!(claims("Rate limits are set at the gateway level.").is_empty());
    }

    #[test]
    fn every_distributive_word_restricts_per_instance() {
        each(
            &file().claim.distributive,
            "You can restrict the token {} gateway.",
            true,
        );
        assert!(claims("Restrict the token by selecting a gateway.").is_empty());
    }

    #[test]
    fn a_stranded_preposition_restricts_to_the_instance_before_it() {
        assert_eq!(
            claims("Select the gateway the token should be limited to (選択)."),
            ["the gateway the token should be limited to"]
        );
        assert_eq!(
            claims("Pick one gateway that your keys are scoped to."),
            ["one gateway that your keys are scoped to"]
        );
        assert!(claims("Select the gateway the token cannot be limited to.").is_empty());
        assert!(claims("Which gateway is the token limited to?").is_empty());
        assert!(claims("Select the gateway the logs are limited to.").is_empty());
    }

    #[test]
    fn every_exclusive_verb_is_exclusive_with_only_in_any_place() {
        let file = file();
        for only in &file.claim.only {
            each(
                &file.claim.exclusive,
                &format!("A token can {only} {{}} one gateway."),
                true,
            );
            each(
                &file.claim.exclusive,
                &format!("A token can {{}} one gateway {only}."),
                true,
            );
        }
        // Without `only`, an exclusive verb claims nothing (a selective one, "valid for", claims with "one").
        let plain: Vec<String> = file
            .claim
            .exclusive
            .iter()
            .filter(|verb| !file.claim.selective.contains(verb))
            .cloned()
            .collect();
        each(&plain, "A token can {} one gateway.", false);
        for instance in &file.claim.exclusive_instance {
            each(
                &plain,
                &format!("A token can {{}} {instance} gateway."),
                true,
            );
        }
        assert_eq!(
            claims("The token's permissions apply only to the gateway you select."),
            ["apply only to the gateway"]
        );
        assert!(claims("A token can only call every gateway.").is_empty());
    }

    #[test]
    fn every_selective_verb_needs_a_selected_instance() {
        let file = file();
        for verb in &file.claim.selective {
            each(
                &file.claim.selective_instance,
                &format!("Tokens {verb} {{}} gateway."),
                true,
            );
            let text = format!("A token {verb} the gateway URL.");
            assert!(claims(&text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_compound_predicate_may_follow_auxiliaries() {
        assert_eq!(
            claims("AI Gateway tokens are now gateway-scoped."),
            ["gateway-scoped"]
        );
        assert_eq!(
            claims("Keys can also be gateway-specific."),
            ["gateway-specific"]
        );
        assert!(claims("Tokens are not gateway-scoped.").is_empty());
        assert!(claims("Logs are now gateway-scoped.").is_empty());
    }

    #[test]
    fn every_causative_verb_makes_its_object_s_compound_a_claim() {
        each(
            &file().claim.causative,
            "You can {} tokens gateway-specific.",
            true,
        );
        assert_eq!(
            claims("Keep your AI Gateway API tokens gateway-scoped."),
            ["gateway-scoped"]
        );
        assert_eq!(claims("Make them per-gateway."), ["per-gateway"]);
        assert_eq!(
            claims("ゲートウェイ 🚀 make the keys gateway-level ✅"),
            ["gateway-level"]
        );
        assert!(claims("Make sure the dashboard is gateway-specific.").is_empty());
        assert!(claims("Make the logs gateway-specific.").is_empty());
        assert!(claims("Tokens make dashboards gateway-specific.").is_empty());
    }

    #[test]
    fn being_able_to_reach_only_one_instance_is_exclusive_and_issuing_per_instance_distributes() {
        assert_eq!(
            claims("The token will only be able to access the selected gateway."),
            ["only be able to access the selected gateway"]
        );
        assert_eq!(
            claims("Tokens are issued per gateway."),
            ["issued per gateway"]
        );
        assert!(claims("The token will be able to access the gateway.").is_empty());
        assert!(claims("Tokens are issued to the gateway's owner.").is_empty());
    }

    #[test]
    fn each_instance_with_its_own_credential_is_a_claim() {
        let file = file();
        each(&file.claim.each, "{} gateway gets its own API token.", true);
        each(
            &file.claim.possess,
            "Each gateway {} its own API token.",
            true,
        );
        each(&file.claim.separate, "Each gateway needs {} token.", true);
        assert_eq!(
            claims("In production 🚀, every gateway has a dedicated API key."),
            ["every gateway has a dedicated API key"]
        );
        assert_eq!(
            claims("Each gateway gets its own authentication token (認証トークン)."),
            ["Each gateway gets its own authentication token"]
        );
        assert_eq!(
            claims("Every gateway comes with a separate scoped API key."),
            ["Every gateway comes with a separate scoped API key"]
        );
        assert_eq!(
            claims("Each AI Gateway has its own API token."),
            ["Each AI Gateway has its own API token"]
        );
        assert_eq!(
            claims("Each of the gateways — ゲートウェイ — needs a dedicated key."),
            Vec::<&str>::new()
        );
        assert_eq!(
            claims("Each of the gateways needs a dedicated key."),
            ["Each of the gateways needs a dedicated key"]
        );
        assert!(claims("Each request to the gateway has its own token.").is_empty());
        assert!(claims("Each gateway has its own cache key.").is_empty());
        assert!(claims("Each gateway has its own logs, and tokens are account-wide.").is_empty());
        assert!(claims("Each gateway has its own logs and analytics.").is_empty());
        assert!(claims("Each gateway gets its own URL; the token is account-wide.").is_empty());
        assert!(claims("Each gateway does not get its own token.").is_empty());
        assert!(claims("Each gateway is not given its own token.").is_empty());
        assert_eq!(
            claims("Gateways each get their own token (トークン)."),
            ["Gateways each get their own token"]
        );
        assert_eq!(
            claims("Every one of your gateways is issued a separate key."),
            ["Every one of your gateways is issued a separate key"]
        );
        assert!(claims("The gateways each have their own settings.").is_empty());
        assert!(claims("Gateways each get a separate dashboard.").is_empty());
        assert_eq!(
            claims("Your gateways each get their own token."),
            ["Your gateways each get their own token"]
        );
        // The noun is not the subject, or the keys are a model provider's.
        assert!(claims("Users of your gateways each get their own token.").is_empty());
        assert!(claims("The models behind your gateways each need a separate API key.").is_empty());
        assert!(claims("Each gateway has its own provider API keys (BYOK).").is_empty());
    }

    #[test]
    fn a_separate_credential_for_each_instance_is_a_claim_with_or_without_a_verb() {
        let file = file();
        each(
            &file.claim.give,
            "{} every gateway a dedicated token.",
            true,
        );
        each(
            &file.claim.separate,
            "Use {} token for every gateway.",
            true,
        );
        each(
            &file.claim.distributive,
            "We recommend a dedicated API key {} gateway.",
            true,
        );
        assert_eq!(
            claims("A dedicated token for every gateway keeps tenants apart 🔐."),
            ["A dedicated token for every gateway"]
        );
        assert_eq!(
            claims("テナントごとに: use separate keys for each of your gateways."),
            ["separate keys for each of your gateways"]
        );
        assert!(claims("Use a token for every gateway.").is_empty());
        assert!(claims("Use a dedicated token for every bucket.").is_empty());
        assert!(claims("There is no dedicated token for each gateway.").is_empty());
        assert!(claims("Give every gateway a name.").is_empty());
        assert!(claims("Give the gateway a dedicated token.").is_empty());
        for quiet in [
            "You don't need a separate token for each gateway.",
            "A dedicated token for every gateway is not needed.",
            "No need for a separate token per gateway.",
            "Use a separate token for each gateway provider 🚀.",
            "Give every gateway a dedicated token name.",
            "Assign every gateway a unique key prefix.",
        ] {
            assert!(claims(quiet).is_empty(), "{quiet}");
        }
        each(
            &file.claim.phrase_end,
            "Use a dedicated token for every gateway {} tenants.",
            true,
        );
        each(
            &file.claim.verbless_blockers,
            "{} a dedicated token for every gateway.",
            false,
        );
    }

    /// What `Lexicon::claims` skips a sentence for: with no token holding the noun, no reading is a
    /// candidate, whatever the form.
    #[test]
    fn no_reading_is_a_candidate_in_a_sentence_without_the_noun() {
        let lexicon = crate::text::prose::Lexicon::embedded();
        let resource = crate::text::prose::testing::gateway();
        for claim in [
            "The token is scoped to a single gateway.",
            "Restrict it to the gateway `support-bot`.",
            "Create per-gateway tokens.",
            "Tokens are gateway-scoped.",
            "Keep your AI Gateway API tokens gateway-level.",
            "Each gateway gets its own API token.",
            "This is the gateway the token should be limited to.",
            "A token can only call one gateway.",
            "Tokens can target a single gateway.",
            "Token permissions are managed per gateway.",
            "Restrict the token to `my-gateway-1` 🚀.",
            "ゲートウェイ: restrict the token to your gateway ✅.",
        ] {
            assert!(!claims(claim).is_empty(), "{claim:?} is a claim");
            let without = claim
                .replace("gateway", "bucket")
                .replace("Gateway", "Bucket");
            for sentence in super::sentences(&without, 0) {
                assert!(!resource.may_be_named_by(&sentence), "{without:?}");
                assert!(
                    lexicon.candidates(&sentence, &resource).is_empty(),
                    "{without:?}"
                );
            }
        }
    }

    #[test]
    fn claim_ranges_are_source_bytes_next_to_multi_byte_text() {
        let text = "🚀 ゲートウェイ: restrict the token to your gateway ✅.";
        assert_eq!(claims(text), ["restrict the token to your gateway"]);
    }

    #[test]
    fn a_sentence_runs_on_across_a_soft_line_break() {
        for (text, claim) in [
            (
                "For isolation, scope the token to a\nsingle gateway.",
                "scope the token to a\nsingle gateway",
            ),
            (
                "Create a token and then\r\nscope it to a single\r\ngateway 🚀.",
                "scope it to a single\r\ngateway",
            ),
            (
                "Use per-gateway\n  tokens to separate tenants.",
                "per-gateway\n  tokens",
            ),
            (
                "Each gateway gets its own\nAPI token.",
                "Each gateway gets its own\nAPI token",
            ),
        ] {
            assert_eq!(claims(text), [claim], "{text:?}");
        }
        for denial in [
            "There is no way to\nscope a token to a single gateway.",
            "Scoping a key to one gateway is\nnot supported.",
            "You cannot\r\nrestrict AI Gateway tokens to one gateway.",
            "Customers ask whether\ntokens can be scoped to a single gateway.",
            "日本語の説明。You will be able to\nscope tokens to a single gateway.",
        ] {
            assert_eq!(claims(denial), Vec::<String>::new(), "{denial:?}");
        }
    }

    #[test]
    fn a_blank_line_ends_a_sentence() {
        assert_eq!(
            claims("You cannot\n\nscope the token to a single gateway."),
            ["scope the token to a single gateway"]
        );
        assert_eq!(
            claims("You cannot\r\n \r\nscope the token to a single gateway."),
            ["scope the token to a single gateway"]
        );
    }

    #[test]
    fn a_character_reference_reads_as_the_character() {
        assert_eq!(
            claims("Scope the token to a single&nbsp;gateway."),
            ["Scope the token to a single&nbsp;gateway"]
        );
        assert_eq!(
            claims("Scope the token to one&#160;gateway 🚀."),
            ["Scope the token to one&#160;gateway"]
        );
        // A dash ends no clause, a comma does not end the verb's reach: as written out.
        assert_eq!(
            claims("Tokens&#44; like keys&mdash;can be scoped to a single gateway."),
            claims("Tokens, like keys—can be scoped to a single gateway.")
        );
        assert_eq!(claims("R&amp;D tokens are fine."), Vec::<String>::new());
    }

    #[test]
    fn an_apostrophe_written_as_a_reference_negates_as_the_character_does() {
        for reference in ["&rsquo;", "&#8217;", "&#x2019;", "&apos;", "&#39;"] {
            for text in [
                format!("You can{reference}t scope a token to a single gateway."),
                format!("Tokens don{reference}t narrow to one gateway — 単一 😀."),
            ] {
                assert_eq!(
                    claims(&text),
                    claims(&text.replace(reference, "'")),
                    "{text:?}"
                );
                assert!(claims(&text).is_empty(), "{text:?}");
            }
        }
    }

    /// Asserts that each text holds a claim.
    fn assert_claims(texts: &[&str]) {
        for text in texts {
            assert!(!claims(text).is_empty(), "{text:?} is a claim");
        }
    }

    /// Asserts that no text holds a claim.
    fn assert_no_claims(texts: &[&str]) {
        for text in texts {
            assert_eq!(claims(text), Vec::<String>::new(), "{text:?} is no claim");
        }
    }

    #[test]
    fn a_count_of_instances_is_a_subset() {
        assert_claims(&[
            "Scope the token to two gateways.",
            "Scope the token to 2 gateways 🚀.",
            "Limit each key to a couple of gateways.",
        ]);
        assert_eq!(
            claims("Scope the token to all 20 gateways."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_assigning_verb_in_the_active_voice_claims_with_a_distributive_target() {
        assert_claims(&[
            "Manage permissions per gateway.",
            "Configure tokens per gateway.",
            "Generate a dedicated token for every gateway.",
        ]);
        assert_no_claims(&[
            "Configure caching per gateway.",
            "Apply the token to every request.",
            "Manage the token in the dashboard.",
        ]);
    }

    #[test]
    fn a_negation_reaches_across_a_short_aside() {
        assert_no_claims(&[
            "You cannot (as of v2.0) scope a token to a single gateway.",
            "You cannot (yet) scope a token to a single gateway 🚀.",
            "Tokens cannot — as far as we know — be scoped to a single gateway.",
        ]);
        assert_claims(&[
            "You cannot share keys (but you can scope the token to a single gateway).",
            "You cannot (but should) scope a token to a single gateway.",
            "Tokens cannot be shared - scope each token to a single gateway.",
        ]);
    }

    #[test]
    fn a_model_token_or_a_lookup_key_is_no_credential() {
        let file = file();
        each(
            &file.claim.not_credential_before,
            "The {} tokens are scoped to a single gateway.",
            false,
        );
        each(
            &file.claim.not_credential_after,
            "Token {} are scoped to a single gateway.",
            false,
        );
        each(
            &file.claim.still_credential_after,
            "API tokens {} authenticate are scoped to a single gateway.",
            true,
        );
        assert_no_claims(&[
            "Token limits can be set per gateway 🚀.",
            "The maximum number of tokens per request is configured per gateway.",
            "Scope the cache key to a single gateway.",
            "Custom metadata keys can be set per gateway.",
        ]);
        assert_claims(&[
            "API tokens are scoped to a single gateway.",
            "Scope the token to a single gateway to limit costs.",
            "Per-gateway tokens keep tenants apart.",
        ]);
    }

    #[test]
    fn a_pronoun_stands_for_a_credential_only_when_one_may_be_its_antecedent() {
        assert_no_claims(&[
            "Turn on caching. You can limit it to a single gateway.",
            "Enable logging for your requests 日本. Then restrict it to the gateway that serves tenant A.",
            "Turn on caching.\nThey can now be scoped to a particular gateway 🚀.",
        ]);
        assert_claims(&[
            // The credential in an earlier sentence, in the same sentence, or before the text.
            "Create an API token. Then restrict it to the gateway that serves tenant A.",
            "Create a token with AI Gateway Run é́.\nNext, restrict it to a single gateway.",
            "Turn on caching, then scope the token to one gateway.",
            "Copy the key and scope it to a single gateway.",
            "You can restrict it to a single gateway.",
            // No pronoun: a compound on what is not a credential needs no antecedent.
            "Turn on caching. Per-gateway scoping is available.",
        ]);
    }
}
