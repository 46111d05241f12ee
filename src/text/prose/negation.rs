//! Negation and modality (NegEx): pre- and post-triggers, pseudo-negations and termination terms that
//! reach a claim or stop short of it, and the questions, conditions, futures and reports that are no
//! claim of today.

use super::claims::Candidate;
use super::lexicon::{Lexicon, PhraseList, longest};
use super::nouns::{Resource, words_of};
use super::tokens::{Token, TokenKind, sentences, tokenize};

impl Lexicon {
    /// Whether `text` denies a claim about `resource`: a sentence that would be a claim but for a negation
    /// reaching it ("you can't scope a token to one gateway", "scoping keys to one gateway is not
    /// supported"). A call-out that denies the narrowing says the product is account-only.
    pub fn denies(&self, text: &str, resource: &Resource) -> bool {
        resource.may_be_named_in(text)
            && sentences(text, 0).iter().any(|sentence| {
                !is_question(sentence)
                    && self
                        .candidates(sentence, resource)
                        .into_iter()
                        .any(|candidate| self.negated_near(sentence, candidate))
            })
    }

    /// Whether the table cell `text` says its row's feature is missing or only planned: its words are one
    /// of `status-cell` ("Not supported", "❌ No") or go on from one ([`Lexicon::is_status`]), or it holds
    /// only marks of `status-mark` ("❌").
    pub fn denies_in_cell(&self, text: &str) -> bool {
        let text = crate::text::entity::decode_all(text);
        let text = text.as_ref();
        let mut unmarked = text.to_owned();
        for mark in &self.status_mark {
            unmarked = unmarked.replace(mark.as_str(), " ");
        }
        let marked = unmarked != text;
        let words = words_of(&unmarked).join(" ");
        (words.is_empty() && marked) || self.is_status(&words)
    }

    /// Whether the list item or paragraph `text` is a status line whose feature is missing: it opens or
    /// ends with a mark of `status-mark` ("❌ Per-gateway tokens", "Per-gateway tokens ❌"), or what
    /// follows its last colon says a status ("Per-gateway tokens: not supported"); its claims are none.
    pub fn labels_a_missing_feature(&self, text: &str) -> bool {
        let text = text.trim();
        let marked = self
            .status_mark
            .iter()
            .any(|mark| text.starts_with(mark.as_str()) || text.ends_with(mark.as_str()));
        marked
            || text
                .rsplit_once(':')
                .is_some_and(|(_, status)| self.denies_in_cell(status))
    }

    /// Whether `words` (single spaces between) say a status: one or more of `status-cell` ("no planned",
    /// from "No (planned)"), then only words of `status-qualifier` or numbers ("not supported yet",
    /// "planned for 2026").
    fn is_status(&self, words: &str) -> bool {
        let mut rest = words;
        let mut statuses = 0;
        // The longest status first: "not yet supported" before "not yet".
        while let Some(after) = self
            .status_cell
            .iter()
            .filter_map(|status| after_words(rest, status))
            .min_by_key(|after| after.len())
        {
            rest = after;
            statuses += 1;
        }
        statuses > 0
            && rest.split(' ').filter(|word| !word.is_empty()).all(|word| {
                self.status_qualifier
                    .iter()
                    .any(|qualifier| qualifier == word)
                    || word.bytes().all(|byte| byte.is_ascii_digit())
            })
    }

    /// Whether a negation (not a modality) reaches the claim: [`Lexicon::blocked_near`] without the
    /// conditions, futures and reports.
    fn negated_near(&self, tokens: &[Token], claim: Candidate) -> bool {
        let low = claim.start.saturating_sub(CLAIM_WINDOW);
        let high = (claim.end + 1 + CLAIM_WINDOW).min(tokens.len());
        let tokens = &tokens[low..high];
        let claim = Candidate {
            start: claim.start - low,
            target: claim.target - low,
            end: claim.end - low,
        };
        if self.failed_attempt(tokens, claim) {
            return true;
        }
        let mut at = 0;
        while at < tokens.len() {
            if let Some(length) = longest(tokens, at, &self.pseudo) {
                at += length;
                continue;
            }
            if let Some(length) = longest(tokens, at, &self.pre)
                && at < claim.target
                && self.reaches(tokens, at, at + length, claim.target)
            {
                return true;
            }
            if at > claim.end
                && (self.post_negation(tokens, at) && self.open_to_post(tokens, claim.end + 1, at)
                    || self.failure_of_claim(tokens, claim.end + 1, at))
            {
                return true;
            }
            at += 1;
        }
        false
    }

    /// Whether `before` (the text up to a phrase) ends in a negation of what follows, within
    /// [`NEGATED_PHRASE_REACH`] words of its clause: "are no longer | account-scoped", "aren't |
    /// account-wide", "is not limited to the | account level". Pseudo-negations ("not only") do not count.
    pub fn negates_what_follows(&self, before: &str) -> bool {
        let (tokens, _) = tokenize(before, 0);
        let clause = tokens
            .iter()
            .rposition(|token| token.kind == TokenKind::Punct)
            .map_or(0, |index| index + 1);
        let tokens = &tokens[clause..];
        let mut at = 0;
        while at < tokens.len() {
            if let Some(length) = longest(tokens, at, &self.pseudo) {
                at += length;
                continue;
            }
            if longest(tokens, at, &self.pre)
                .is_some_and(|length| tokens.len() - (at + length) <= NEGATED_PHRASE_REACH)
            {
                return true;
            }
            at += 1;
        }
        false
    }

    /// [`Lexicon::blocked`] on the [`CLAIM_WINDOW`] tokens either side of the claim: a trigger further away
    /// does not reach it, and a run-on "sentence" of thousands of claims is read once per claim, not whole.
    pub(super) fn blocked_near(&self, tokens: &[Token], claim: Candidate) -> bool {
        let low = claim.start.saturating_sub(CLAIM_WINDOW);
        let high = (claim.end + 1 + CLAIM_WINDOW).min(tokens.len());
        let rebased = Candidate {
            start: claim.start - low,
            target: claim.target - low,
            end: claim.end - low,
        };
        self.blocked(&tokens[low..high], rebased)
    }

    /// Whether a negation or a modality reaches the claim.
    fn blocked(&self, tokens: &[Token], claim: Candidate) -> bool {
        if self.failed_attempt(tokens, claim)
            || self.in_the_conditional_mood(tokens, claim)
            || self.status_label(tokens, claim)
        {
            return true;
        }
        let mut at = 0;
        while at < tokens.len() {
            if let Some(length) = longest(tokens, at, &self.pseudo) {
                at += length;
                continue;
            }
            let after = |list: &PhraseList| longest(tokens, at, list).map(|length| at + length);
            if at < claim.target
                && let Some(from) = after(&self.pre)
                    .or_else(|| after(&self.reported).map(|from| past_introducer(tokens, from)))
                    .or_else(|| after(&self.future).map(|from| past_introducer(tokens, from)))
                && self.reaches(tokens, at, from, claim.target)
            {
                return true;
            }
            if at < claim.target && self.release_clause_before(tokens, at, claim.target) {
                return true;
            }
            if at < claim.start && self.requests_the_claim(tokens, at, claim.start) {
                return true;
            }
            if at < claim.start
                && let Some(from) = after(&self.conditional)
                && (!tokens[from..claim.start]
                    .iter()
                    .any(|token| token.kind == TokenKind::Punct)
                    || (from..claim.target)
                        .any(|word| longest(tokens, word, &self.counterfactual).is_some()))
            {
                return true;
            }
            if at > claim.end
                && tokens[at].text == "if"
                && self.hypothetical_with_condition_after(tokens, claim, at)
            {
                return true;
            }
            if at > claim.end
                && (self.post_negation(tokens, at) && self.open_to_post(tokens, claim.end + 1, at)
                    || (after(&self.future).is_some() || after(&self.future_after).is_some())
                        && self.future_reaches_back(tokens, claim.end + 1, at)
                    || self.failure_of_claim(tokens, claim.end + 1, at))
            {
                return true;
            }
            at += 1;
        }
        false
    }

    /// Whether a counterfactual word stands in the claim's clause before what it restricts to, and the `if`
    /// at `condition` (after the claim, in the same statement: commas allowed) opens a clause that says
    /// something unreal: "a token could be pinned to one gateway(,) if Cloudflare added a resource type".
    fn hypothetical_with_condition_after(
        &self,
        tokens: &[Token],
        claim: Candidate,
        condition: usize,
    ) -> bool {
        let same_statement = tokens[claim.end + 1..condition]
            .iter()
            .all(|token| token.kind != TokenKind::Punct || token.text == ",");
        let clause_start = tokens[..claim.start]
            .iter()
            .rposition(|token| token.kind == TokenKind::Punct)
            .map_or(0, |index| index + 1);
        let condition_end = (condition..tokens.len())
            .find(|&at| tokens[at].kind == TokenKind::Punct)
            .unwrap_or(tokens.len());
        same_statement
            && (clause_start..claim.target)
                .any(|word| longest(tokens, word, &self.counterfactual).is_some())
            && (condition..condition_end)
                .any(|word| longest(tokens, word, &self.unreal_condition).is_some())
    }

    /// Whether a phrase of the conditional mood ends right where the claim starts: "a token would be |
    /// scoped to a single gateway".
    fn in_the_conditional_mood(&self, tokens: &[Token], claim: Candidate) -> bool {
        let earliest = claim
            .start
            .saturating_sub(self.conditional_mood.most_words());
        (earliest..claim.start).any(|at| {
            longest(tokens, at, &self.conditional_mood)
                .is_some_and(|length| at + length == claim.start)
        })
    }

    /// Whether the claim is what someone tries and fails to do: an attempt phrase ends right where the claim
    /// starts ("try to | scope the token to one gateway"), and a failure stands in the sentence before or
    /// after the claim with no termination between ("..., the API returns an error").
    fn failed_attempt(&self, tokens: &[Token], claim: Candidate) -> bool {
        // Only a phrase that ends at the claim counts: the few tokens before it are all there is to read
        // (a line of thousands of claims is not read back to its start for each).
        let earliest = claim.start.saturating_sub(self.attempt.most_words());
        let attempted = (earliest..claim.start).any(|at| {
            longest(tokens, at, &self.attempt).is_some_and(|length| at + length == claim.start)
        });
        if !attempted {
            return false;
        }
        let failure = |at: usize| longest(tokens, at, &self.failure).is_some();
        // From the claim outwards, up to the first termination on each side.
        let after = (claim.end + 1..tokens.len())
            .take_while(|&at| at == claim.end + 1 || self.open(tokens, at - 1, at))
            .any(failure);
        after
            || (0..claim.start)
                .rev()
                .take_while(|&at| self.open(tokens, at, at + 1))
                .any(failure)
    }

    /// Whether a leading clause that opens at `at` (at the start of a clause) with a release opener, ends at
    /// a comma and says that something is released puts the claim (its `target`, after the opener) in the
    /// future: "once per-gateway scoping ships, you can ...", "once per-gateway scoping is launched, ...".
    fn release_clause_before(&self, tokens: &[Token], at: usize, target: usize) -> bool {
        let opens_a_clause = at == 0 || tokens[at - 1].kind == TokenKind::Punct;
        if !opens_a_clause {
            return false;
        }
        let Some(from) = longest(tokens, at, &self.release_opener).map(|length| at + length) else {
            return false;
        };
        let Some(comma) =
            (from..tokens.len()).find(|&index| tokens[index].kind == TokenKind::Punct)
        else {
            return false;
        };
        // A `;` or `:` after the clause starts another statement: "once it ships, we will say so; today
        // ..." leaves what follows in the present.
        let same_statement = (comma..target.max(comma))
            .all(|index| !matches!(tokens[index].text.as_str(), ";" | ":"));
        from <= target
            && tokens[comma].text == ","
            && same_statement
            && (from..comma).any(|word| longest(tokens, word, &self.released).is_some())
    }

    /// Whether a pre-trigger at `trigger` (ending before `from`) reaches the token at `target`: no
    /// termination between, and not closed in a leading subordinate clause.
    fn reaches(&self, tokens: &[Token], trigger: usize, from: usize, target: usize) -> bool {
        if from >= target {
            return true;
        }
        let clause_start = tokens[..trigger]
            .iter()
            .rposition(|token| token.kind == TokenKind::Punct)
            .map_or(0, |index| index + 1);
        let subordinate = longest(tokens, clause_start, &self.subordinator).is_some();
        if subordinate && tokens[from..target].iter().any(|token| token.text == ",") {
            return false;
        }
        self.open_around_asides(tokens, from, target)
    }

    /// [`Lexicon::open`], reading an aside in parentheses or between dashes ("cannot (as of v2.0) scope",
    /// "cannot — as far as we know — be scoped") as transparent: a short one, closed before `to`, with no
    /// termination term in it; and one between commas right after the trigger ("cannot, as far as we
    /// know, be scoped").
    fn open_around_asides(&self, tokens: &[Token], from: usize, to: usize) -> bool {
        let mut at = from;
        while at < to {
            if let Some(after) = self.aside_end(tokens, at, to, at == from) {
                at = after;
                continue;
            }
            if !self.open(tokens, at, at + 1) {
                return false;
            }
            at += 1;
        }
        true
    }

    /// Where the aside that opens at `at` (a `(`, a dash, or a comma when `right_after_trigger`) ends, when
    /// it closes (`)`, the next dash or comma) before `to`, within [`ASIDE_REACH`] tokens, and holds no
    /// termination term and no other mark (but commas and periods inside parentheses or dashes right
    /// after the trigger).
    fn aside_end(
        &self,
        tokens: &[Token],
        at: usize,
        to: usize,
        right_after_trigger: bool,
    ) -> Option<usize> {
        let close = match tokens[at].text.as_str() {
            "(" => ")",
            "-" => "-",
            "," if right_after_trigger => ",",
            _ => return None,
        };
        let limit = (at + 1 + ASIDE_REACH).min(to);
        // Inside parentheses or dashes right after the trigger, commas and the periods of abbreviations
        // stay in the aside ("cannot (sadly, as of v2.0) scope", "cannot (e.g. in v4) scope"); further on,
        // where the words between may already have turned the sentence ("are not shared (e.g. across
        // accounts) and you can scope"), they end it.
        let inner_mark =
            |text: &str| right_after_trigger && close != "," && matches!(text, "," | ".");
        let end = (at + 1..limit).find(|&inner| {
            tokens[inner].kind == TokenKind::Punct && !inner_mark(&tokens[inner].text)
        })?;
        let words = &tokens[at + 1..end];
        let terminated =
            (0..words.len()).any(|word| longest(words, word, &self.termination).is_some());
        (tokens[end].text == close && !words.is_empty() && !terminated).then_some(end + 1)
    }

    /// Whether a post-negation trigger is at `at`: a fixed phrase ("is not supported"), a negator and a
    /// predicate ("has not been implemented"), a copula and a negative predicate ("remains unsupported"),
    /// or an elliptical negation.
    fn post_negation(&self, tokens: &[Token], at: usize) -> bool {
        let followed_by =
            |length: usize, list: &PhraseList| longest(tokens, at + length, list).is_some();
        longest(tokens, at, &self.post).is_some()
            || longest(tokens, at, &self.post_negator)
                .is_some_and(|length| followed_by(length, &self.post_predicate))
            || longest(tokens, at, &self.copula)
                .is_some_and(|length| followed_by(length, &self.negative_predicate))
            || self.elliptical(tokens, at)
    }

    /// Whether a failure phrase at `at` has an anaphor for the claim (which ends before `from`) as its
    /// subject: "...; this fails", "..., but doing so has no effect".
    /// Also when the phrase comes right after the claim, whose gerund is then its subject: "restricting a
    /// token to one gateway does nothing".
    fn failure_of_claim(&self, tokens: &[Token], from: usize, at: usize) -> bool {
        longest(tokens, at, &self.post_anaphoric).is_some()
            && (at == from || self.anaphoric_barrier(tokens, from, at))
    }

    /// Whether the claim is the feature of a status line: a status ([`Lexicon::denies_in_cell`]: "Not
    /// supported", "❌") opens the sentence and a colon ends it before the claim ("Not supported: scoping
    /// a token to one gateway"), or is all that stands before the claim ("❌ Per-gateway tokens"), or
    /// follows the claim's phrase after a colon and ends the sentence ("Per-gateway tokens: ❌").
    fn status_label(&self, tokens: &[Token], claim: Candidate) -> bool {
        let says_a_status = |part: &[Token]| {
            let text: Vec<&str> = part.iter().map(|token| token.text.as_str()).collect();
            !part.is_empty() && self.denies_in_cell(&text.join(" "))
        };
        let before = &tokens[..claim.start];
        let label_before = match before.iter().rposition(|token| token.text == ":") {
            Some(colon) => says_a_status(&before[..colon]),
            None => says_a_status(before),
        };
        let after = &tokens[(claim.end + 1).min(tokens.len())..];
        let colon_after = after
            .iter()
            .position(|token| token.kind == TokenKind::Punct)
            .filter(|&colon| after[colon].text == ":");
        let label_after = colon_after.is_some_and(|colon| says_a_status(&after[colon + 1..]));
        label_before || label_after
    }

    /// Whether a request verb at `at` reports what someone asks for: the claim that starts at `start` is
    /// its object ("customers request per-gateway tokens"), and the word before it is neither an
    /// auxiliary ("you can request ...") nor an instruction ("to request ...").
    fn requests_the_claim(&self, tokens: &[Token], at: usize, start: usize) -> bool {
        let Some(length) = longest(tokens, at, &self.request) else {
            return false;
        };
        let object = at + length;
        let object = object + longest(tokens, object, &self.request_article).unwrap_or(0);
        let subject_before = at.checked_sub(1).is_some_and(|before| {
            tokens[before].kind == TokenKind::Word
                && longest(tokens, before, &self.auxiliary).is_none()
                && longest(tokens, before, &self.request_instruction).is_none()
        });
        object == start && subject_before
    }

    /// Whether an elliptical negation is at `at`: a trigger that ends its clause ("gateway-level tokens do
    /// not.").
    fn elliptical(&self, tokens: &[Token], at: usize) -> bool {
        longest(tokens, at, &self.post_elliptical).is_some_and(|length| {
            tokens
                .get(at + length)
                .is_none_or(|next| next.kind == TokenKind::Punct)
        })
    }

    /// Whether a post-trigger at `to` reaches back to `from`: nothing ends its reach, or only an anaphor
    /// for the claim follows the last termination ("..., but this is not possible", "...; that isn't
    /// supported", ", which is not supported"), or the trigger directly follows a colon, dash or parenthesis
    /// ("...: not supported").
    fn open_to_post(&self, tokens: &[Token], from: usize, to: usize) -> bool {
        self.clause_open_to_post(tokens, from, to) || self.anaphoric_barrier(tokens, from, to)
    }

    /// Whether nothing ends the claim's clause between `from` and a post-trigger at `to`, asides apart.
    fn clause_open_to_post(&self, tokens: &[Token], from: usize, to: usize) -> bool {
        // A comma right after the claim opens an aside only when no joiner follows it: in "..., and for
        // R2, this is not possible" a new clause starts ("..., as far as we know, are not" is an aside).
        let new_clause = tokens.get(from).is_some_and(|token| token.text == ",")
            && longest(tokens, from + 1, &self.termination_after_comma).is_some()
            && longest(tokens, from + 1, &self.aside_opener).is_none();
        if new_clause {
            self.open(tokens, from, to)
        } else {
            self.open_around_asides(tokens, from, to)
        }
    }

    /// Whether a statement about the future at `to` reaches back to `from` ([`Lexicon::open_to_post`]), but
    /// across a termination and an anaphor only when it does not open with one of `consequence-modal`:
    /// "..., which would reduce risk" says what the claim brings, "..., which will be possible soon" when.
    fn future_reaches_back(&self, tokens: &[Token], from: usize, to: usize) -> bool {
        let consequence = longest(tokens, to, &self.consequence_modal).is_some_and(|length| {
            // "..., which would not work" denies the claim.
            longest(tokens, to + length, &self.verbless_blockers).is_none()
        });
        if consequence {
            self.clause_open_to_post(tokens, from, to)
        } else {
            self.open_to_post(tokens, from, to)
        }
    }

    /// Whether the clause from the last termination in `tokens[from..to]` to `to` is an anaphor for the
    /// claim: a post-trigger at `to` then has the claim as its subject.
    fn anaphoric_barrier(&self, tokens: &[Token], from: usize, to: usize) -> bool {
        let Some(barrier) = (from..to).rev().find(|&at| !self.open(tokens, at, at + 1)) else {
            return false;
        };
        let rest = &tokens[barrier + 1..to];
        let rest = rest
            .iter()
            .position(|token| token.text != ",")
            .map_or(&rest[rest.len()..], |first| &rest[first..]);
        self.anaphor_for_claim(tokens, barrier, rest)
    }

    /// Whether `rest`, the words after the termination at `barrier`, are only an anaphor for the claim
    /// (or nothing after a colon, dash or parenthesis, or the termination is itself one: ", which").
    fn anaphor_for_claim(&self, tokens: &[Token], barrier: usize, rest: &[Token]) -> bool {
        if rest.is_empty() {
            let mark = &tokens[barrier];
            return [":", "-", "("].contains(&mark.text.as_str())
                || longest(tokens, barrier, &self.anaphor) == Some(1);
        }
        longest(rest, 0, &self.anaphor) == Some(rest.len())
    }

    /// Whether no termination term or mark lies in `tokens[from..to]`.
    fn open(&self, tokens: &[Token], from: usize, to: usize) -> bool {
        (from..to).all(|at| {
            let token = &tokens[at];
            if token.kind == TokenKind::Punct {
                return !self.termination_punctuation.contains(&token.text);
            }
            let after_comma = at > 0 && tokens[at - 1].text == ",";
            let parenthetical =
                after_comma && tokens.get(at + 1).is_some_and(|next| next.text == ",");
            if longest(tokens, at, &self.termination).is_some() {
                return parenthetical;
            }
            !(after_comma && longest(tokens, at, &self.termination_after_comma).is_some())
        })
    }
}

/// The most tokens an aside that a negation reaches across may hold ("(as of v2.0)" holds three; "(at
/// least as of the June 2025 release of the dashboard)" eleven).
const ASIDE_REACH: usize = 12;

/// How many words may stand between a negation and a phrase it negates in [`Lexicon::negates_what_follows`].
const NEGATED_PHRASE_REACH: usize = 3;

/// How many tokens either side of a claim a negation or modality trigger is looked for in: far more than
/// NegEx's window of a few words, and it bounds the reading of a run-on sentence.
const CLAIM_WINDOW: usize = 64;

/// Whether the sentence ends in a question mark (a closing parenthesis aside).
pub(super) fn is_question(tokens: &[Token]) -> bool {
    tokens
        .iter()
        .rev()
        .find(|token| token.kind == TokenKind::Punct && token.text != ")")
        .is_some_and(|token| token.text == "?")
}

/// `from` moved past a colon or dash right after a reported or future phrase: what it introduces is what
/// was reported or is to come ("The old guide said: “Scope the token …”", "Myth: you can scope …",
/// "Coming soon — scope tokens …"). Quotation marks are no tokens.
fn past_introducer(tokens: &[Token], from: usize) -> usize {
    if tokens
        .get(from)
        .is_some_and(|token| token.text == ":" || token.text == "-")
    {
        from + 1
    } else {
        from
    }
}

/// `words` after `lead` and the space that ends it ("" when `words` is `lead`); `None` when `words` does not
/// start with the whole words of `lead`.
fn after_words<'w>(words: &'w str, lead: &str) -> Option<&'w str> {
    let rest = words.strip_prefix(lead)?;
    if rest.is_empty() {
        Some(rest)
    } else {
        rest.strip_prefix(' ')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::prose::testing::{claims, each, file, gateway};

    #[test]
    fn a_status_label_denies_its_feature() {
        assert!(claims("Not supported: scoping a token to one gateway.").is_empty());
        assert!(claims("Planned for 2027: per-gateway tokens (ゲートウェイ).").is_empty());
        assert!(claims("Per-gateway tokens: not supported.").is_empty());
        assert_eq!(
            claims("Note: scope the token to one gateway."),
            ["scope the token to one gateway"]
        );
        assert_eq!(
            claims("Per-gateway tokens: see below."),
            ["Per-gateway tokens"]
        );
        let lexicon = Lexicon::embedded();
        assert!(lexicon.labels_a_missing_feature("❌ Per-gateway tokens"));
        assert!(lexicon.labels_a_missing_feature("Per-gateway tokens: ❌ 🚫"));
        assert!(lexicon.labels_a_missing_feature("Per-gateway tokens: Not supported yet"));
        assert!(!lexicon.labels_a_missing_feature("Per-gateway tokens: ✅"));
        assert!(!lexicon.labels_a_missing_feature("Per-gateway tokens, like ❌ marks, are rare"));
    }

    #[test]
    fn a_failure_right_after_the_claim_denies_it() {
        assert!(claims("Restricting a token to one gateway does nothing.").is_empty());
        assert!(claims("Scoping the key to a single gateway has no effect.").is_empty());
        assert_eq!(
            claims("Limit the key to one gateway so that other traffic is rejected."),
            ["Limit the key to one gateway"]
        );
    }

    #[test]
    fn talk_of_a_feature_is_no_claim_of_it() {
        for phrase in [
            "being discussed",
            "under discussion",
            "under review",
            "being explored",
        ] {
            let text = format!("Per-gateway tokens are {phrase}.");
            assert!(claims(&text).is_empty(), "{text}");
        }
    }

    #[test]
    fn a_status_cell_is_statuses_then_only_qualifiers() {
        let lexicon = Lexicon::embedded();
        for status in [
            "Not supported yet",
            "❌ Not available (yet)",
            "🚧 Planned for 2026",
            "Planned Q3",
            "No (planned)",
            "Not planned",
            "Not yet supported (2026) 🚧",
        ] {
            assert!(lexicon.denies_in_cell(status), "{status}");
        }
        for availability in [
            "Not available in the dashboard; use the API",
            "Not yet in the dashboard (API only)",
            "Planned for removal; supported today",
            "No extra cost",
            "Yes",
        ] {
            assert!(!lexicon.denies_in_cell(availability), "{availability}");
        }
        // A loop, not a recursion per word: a cell of many statuses cannot exhaust the stack.
        assert!(lexicon.denies_in_cell(&"no ".repeat(200_000)));
    }

    #[test]
    fn every_pre_negation_negates_what_follows() {
        each(
            &file().negation.pre,
            "{} scope the token to a single gateway.",
            false,
        );
        // An alternative set against the claim: what follows "rather than" is what the reader should not do.
        assert!(claims("Create separate accounts rather than per-gateway tokens.").is_empty());
        assert!(
            claims("Use one account per tenant instead of gateway-scoped keys 日本.").is_empty()
        );
        assert_eq!(
            claims("Use per-gateway tokens rather than account tokens."),
            ["per-gateway tokens"]
        );
    }

    #[test]
    fn every_post_negation_negates_what_comes_before() {
        each(
            &file().negation.post,
            "Scoping the token to a single gateway {}.",
            false,
        );
    }

    #[test]
    fn every_composed_post_negation_negates_what_comes_before() {
        let file = file();
        each(
            &file.negation.post_negator,
            "Scoping the token to a single gateway {} supported.",
            false,
        );
        each(
            &file.negation.post_predicate,
            "Scoping the token to a single gateway has not been {}.",
            false,
        );
        each(
            &file.negation.copula,
            "Scoping the token to a single gateway {} unsupported.",
            false,
        );
        each(
            &file.negation.negative_predicate,
            "Scoping the token to a single gateway is {}.",
            false,
        );
        // A negated predicate that is not about availability leaves the claim.
        assert_eq!(
            claims("Tokens scoped to a single gateway are not affected by the change."),
            ["scoped to a single gateway"]
        );
    }

    #[test]
    fn every_elliptical_negation_ends_its_clause() {
        let file = file();
        each(
            &file.negation.post_elliptical,
            "Account-level tokens exist; gateway-level tokens {}.",
            false,
        );
        // Followed by a verb, the trigger negates that verb, not the claim.
        assert_eq!(
            claims("Per-gateway tokens do not expire."),
            ["Per-gateway tokens"]
        );
    }

    #[test]
    fn every_anaphor_carries_a_post_negation_over_a_termination() {
        let file = file();
        each(
            &file.negation.anaphor,
            "You may want to restrict tokens to one gateway, but {} is not possible.",
            false,
        );
        each(
            &file.negation.anaphor,
            "Restrict the token to a single gateway; {} is not supported.",
            false,
        );
        each(
            &file.negation.post_anaphoric,
            "Users try to restrict a token to one gateway; this {}.",
            false,
        );
        // Without an anaphor the failure is someone else's: the claim stands.
        each(
            &file.negation.post_anaphoric,
            "Limit the key to one gateway so that other traffic {}.",
            true,
        );
        assert!(claims("Scoping a token to a single gateway: not supported.").is_empty());
        assert!(claims("Restrict the token to one gateway (not possible today).").is_empty());
        // A new subject after the termination is another clause.
        assert_eq!(
            claims("Restrict the token to a single gateway, but R2 is not supported."),
            ["Restrict the token to a single gateway"]
        );
    }

    #[test]
    fn every_failed_attempt_is_no_claim() {
        let file = file();
        each(
            &file.negation.attempt,
            "When you {} scope a token to a single gateway, the API returns an error.",
            false,
        );
        each(
            &file.negation.failure,
            "Trying to limit a token to one gateway in 東京 {} 🚫.",
            false,
        );
        each(
            &file.negation.failure,
            "You get {} when you try to restrict a key to one gateway.",
            false,
        );
        assert!(Lexicon::embedded().denies(
            "Any attempt to scope a token to one gateway fails.",
            &gateway()
        ));
        // An attempt without a failure is advice, and a failure the claim is meant to prevent is no failure
        // of it.
        each(
            &file.negation.attempt,
            "You should {} scope each token to a single gateway.",
            true,
        );
        assert_eq!(
            claims("Try to scope the token to one gateway to avoid errors."),
            ["scope the token to one gateway"]
        );
        // A failure without an attempt is someone else's.
        assert_eq!(
            claims("Scope the token to one gateway so that other requests fail."),
            ["Scope the token to one gateway"]
        );
    }

    #[test]
    fn every_pseudo_negation_leaves_the_claim() {
        each(
            &file().negation.pseudo,
            "You {} scope the token to a single gateway.",
            true,
        );
    }

    #[test]
    fn every_termination_ends_a_negation() {
        let file = file();
        let negation = "Tokens cannot reach other accounts";
        each(
            &file.negation.termination,
            &format!("{negation} {{}} scope the token to a single gateway."),
            true,
        );
        each(
            &file.negation.termination_after_comma,
            &format!("{negation}, {{}} scope the token to a single gateway."),
            true,
        );
        each(
            &file.negation.termination_punctuation,
            &format!("{negation} {{}} scope the token to a single gateway."),
            true,
        );
        // A termination word between commas is an aside: the negation goes on.
        assert!(claims("You cannot, however, scope a token to a single gateway.").is_empty());
        // Without the comma, `which` restricts rather than adds.
        assert!(claims("There is no setting which scopes a token to a single gateway.").is_empty());
    }

    #[test]
    fn every_subordinate_clause_keeps_its_negation() {
        each(
            &file().negation.subordinator,
            "{} tokens cannot reach other accounts, scope the token to a single gateway.",
            true,
        );
    }

    #[test]
    fn every_modality_is_not_a_claim_of_today() {
        let file = file();
        each(
            &file.modality.conditional,
            "{} you scope the token to a single gateway.",
            false,
        );
        each(
            &file.modality.future,
            "{} you scope the token to a single gateway.",
            false,
        );
        each(
            &file.modality.future,
            "Scoping the token to a single gateway {}.",
            false,
        );
        each(
            &file.modality.reported,
            "{} you scope the token to a single gateway.",
            false,
        );
        each(
            &file.modality.future_after,
            "Per-gateway tokens {} later.",
            false,
        );
        // After a termination and an anaphor, a consequence modal says what the claim brings, not when.
        each(
            &file.modality.consequence_modal,
            "You can scope a token to a single gateway (ゲートウェイ), which {} reduce risk.",
            true,
        );
        each(
            &file.modality.consequence_modal,
            "Scoping a token to a single gateway {} help.",
            false,
        );
        assert!(
            claims("You can scope a token to a single gateway, which will be possible soon.")
                .is_empty()
        );
        for denial in ["would not work", "would never work"] {
            let sentence = format!("You can scope a token to a single gateway, which {denial}.");
            assert!(claims(&sentence).is_empty(), "{sentence}");
        }
        each(
            &file.modality.release_opener,
            "{} per-gateway scoping ships, you can restrict a token to one gateway.",
            false,
        );
        each(
            &file.modality.released,
            "Once per-gateway scoping {}, you can restrict a token to one gateway.",
            false,
        );
        each(
            &file.modality.release_opener,
            "{} you create a token, restrict it to one gateway.",
            true,
        );
        assert_eq!(
            claims(
                "Once per-gateway scoping ships, we will say so; today you can restrict a token to one gateway."
            ),
            ["restrict a token to one gateway"]
        );
        assert_eq!(
            claims("Once a gateway is added (ゲートウェイ), restrict the token to that gateway."),
            ["restrict the token to that gateway"]
        );
        assert_eq!(
            claims("Once you sign in — 🚀 — you can restrict a token to one gateway."),
            ["restrict a token to one gateway"]
        );
        each(
            &file.modality.counterfactual,
            "If scopes existed, you {} scope the token to a single gateway.",
            false,
        );
        assert_eq!(
            claims("If scopes exist, you can scope the token to a single AI Gateway."),
            ["scope the token to a single AI Gateway"]
        );
        assert_eq!(
            claims("If you need isolation, scope the token to a single gateway."),
            ["scope the token to a single gateway"]
        );
        assert!(claims("Can a token be scoped to a single gateway?").is_empty());
        each(
            &file.modality.counterfactual,
            "A token {} be pinned to one gateway, if Cloudflare added a resource type (リソース).",
            false,
        );
        assert_eq!(
            claims("You can scope a token to one gateway if you use the API."),
            ["scope a token to one gateway"]
        );
        assert_eq!(
            claims("A token could be pinned to one gateway. If you need more, ask."),
            ["pinned to one gateway"]
        );
        // Advice with a real condition, and "would" or "ideally" that are not the claim's mood.
        for advice in [
            "As a workaround, you could scope the token to one gateway if you need isolation.",
            "You could restrict the token to one gateway whether or not you use BYOK.",
            "We would recommend that you scope each token to a single gateway.",
            "You would typically restrict the API token to a single gateway.",
            "Ideally, restrict the token to a single gateway (ゲートウェイ).",
            "Creating one would take a minute. `AI Gateway Run` tokens can be scoped to one gateway.",
        ] {
            assert_eq!(claims(advice).len(), 1, "{advice}");
        }
        each(
            &file.modality.conditional_mood,
            "A token {} scoped to a single gateway (ゲートウェイ).",
            false,
        );
        each(
            &file.modality.unreal_condition,
            "A token could be pinned to one gateway if Cloudflare {} it.",
            false,
        );
    }

    #[test]
    fn a_negated_claim_is_a_denial_and_a_modality_is_not() {
        let lexicon = Lexicon::embedded();
        let denies = |text: &str| lexicon.denies(text, &gateway());
        assert!(denies(
            "You can't scope AI Gateway tokens to an individual gateway."
        ));
        assert!(denies(
            "Scoping a token to a single gateway is not supported."
        ));
        assert!(denies("It's not possible to restrict keys to one gateway."));
        assert!(!denies("You can scope a token to one gateway."));
        assert!(!denies("Can I scope a token to one gateway?"));
        assert!(!denies("Per-gateway tokens are coming soon."));
        assert!(!denies("Tokens reach every gateway in the account."));
    }

    #[test]
    fn a_negation_reaches_a_phrase_a_few_words_on_in_its_clause() {
        let lexicon = Lexicon::embedded();
        let negates = |text: &str| lexicon.negates_what_follows(text);
        assert!(negates("ai gateway tokens are no longer "));
        assert!(negates("ai gateway tokens aren't "));
        assert!(negates("ai gateway tokens are not limited to the "));
        assert!(!negates("ai gateway permissions are not only "));
        assert!(!negates(
            "tokens cannot be restricted to one gateway because they are "
        ));
        assert!(!negates("there is no per-gateway scoping; tokens are "));
    }
}
