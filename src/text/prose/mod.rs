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

use std::ops::Range;

use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation;

/// The word lists, embedded.
const LEXICON: &str = include_str!("../prose.toml");

/// What a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A word (letters and digits, with inner apostrophes and hyphens).
    Word,
    /// An inline code span (its text, without the backticks).
    Code,
    /// A punctuation mark.
    Punct,
}

/// One word, code span or punctuation mark, folded and lowercased, with its source byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// What the token is.
    pub kind: TokenKind,
    /// Its text, folded and lowercased.
    pub text: String,
    /// Its byte range in the source text.
    pub range: Range<usize>,
}

/// Folds typographic characters to their ASCII reading: `’` is `'`, `–` is `-`, NBSP is a space.
pub fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{02BC}'
        | '\u{FF07}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => '-',
        c if c != ' ' && c.is_whitespace() => ' ',
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' => ' ',
        c => c,
    }
}

/// Characters a reader does not see at all (soft hyphens, joiners).
fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200C}' | '\u{200D}')
}

/// The sentences of `text` (which starts at byte `base` of its file), each as its tokens.
pub fn sentences(text: &str, base: usize) -> Vec<Vec<Token>> {
    let (tokens, masked) = tokenize(text, base);
    let mut bounds: Vec<usize> = masked
        .split_sentence_bound_indices()
        .map(|(start, _)| base + start)
        .collect();
    bounds.push(base + text.len());
    let mut sentences: Vec<Vec<Token>> = vec![Vec::new(); bounds.len().saturating_sub(1)];
    let mut sentence = 0;
    for token in tokens {
        while sentence + 1 < bounds.len() - 1 && token.range.start >= bounds[sentence + 1] {
            sentence += 1;
        }
        if let Some(holder) = sentences.get_mut(sentence) {
            holder.push(token);
        }
    }
    sentences.retain(|sentence| !sentence.is_empty());
    sentences
}

/// The tokens of `text`, and the text with code spans, link destinations and footnote references replaced
/// by `x` (same byte offsets), for sentence segmentation.
pub fn tokenize(text: &str, base: usize) -> (Vec<Token>, String) {
    let mut tokens = Vec::new();
    let mut masked = String::with_capacity(text.len());
    let mut plain_start = 0;
    let mut index = 0;
    let bytes = text.as_bytes();
    while index < text.len() {
        let skipped = match bytes[index] {
            b'`' => code_span(text, index),
            b'[' if text[index + 1..].starts_with('^') => footnote(text, index),
            b']' if text[index + 1..].starts_with('(') => link_destination(text, index),
            _ => None,
        };
        let Some((end, code)) = skipped else {
            index += 1;
            continue;
        };
        words(&text[plain_start..index], base + plain_start, &mut tokens);
        masked.push_str(&text[plain_start..index]);
        if let Some(code) = code {
            tokens.push(Token {
                kind: TokenKind::Code,
                text: code
                    .trim()
                    .chars()
                    .map(fold)
                    .collect::<String>()
                    .to_lowercase(),
                range: base + index..base + end,
            });
        }
        masked.extend(std::iter::repeat_n('x', end - index));
        plain_start = end;
        index = end;
    }
    words(&text[plain_start..], base + plain_start, &mut tokens);
    masked.push_str(&text[plain_start..]);
    (tokens, masked)
}

/// An inline code span at `start`: its end, and its text.
fn code_span(text: &str, start: usize) -> Option<(usize, Option<&str>)> {
    let run = text[start..]
        .bytes()
        .take_while(|&byte| byte == b'`')
        .count();
    let fence = &text[start..start + run];
    let after = start + run;
    let mut search = after;
    while let Some(found) = text[search..].find(fence) {
        let at = search + found;
        let end = at + text[at..].bytes().take_while(|&byte| byte == b'`').count();
        if end - at == run {
            return Some((end, Some(&text[after..at])));
        }
        search = end;
    }
    // An unclosed run of backticks is literal text: skip it as a mark.
    Some((after, None))
}

/// A footnote reference `[^label]` at `start`.
fn footnote(text: &str, start: usize) -> Option<(usize, Option<&str>)> {
    let close = text[start..].find(']')?;
    let label = &text[start + 2..start + close];
    (!label.is_empty() && !label.contains(char::is_whitespace)).then_some((start + close + 1, None))
}

/// A link destination `](...)` at `start` (the link text before it is read as words).
fn link_destination(text: &str, start: usize) -> Option<(usize, Option<&str>)> {
    let close = text[start..].find(')')?;
    (!text[start..start + close].contains('\n')).then_some((start + close + 1, None))
}

/// Appends the words and punctuation of plain text to `tokens`; hyphen-joined words stay one word (a dash
/// between words, `keys—like`, does not join them).
fn words(text: &str, base: usize, tokens: &mut Vec<Token>) {
    let mut after_hyphen = false;
    for (start, segment) in text.split_word_bound_indices() {
        let joins = std::mem::replace(&mut after_hyphen, is_hyphen(segment));
        let range = base + start..base + start + segment.len();
        let folded: String = segment
            .chars()
            .filter(|&c| !invisible(c))
            .map(fold)
            .collect::<String>()
            .to_lowercase();
        if folded.chars().any(char::is_alphanumeric) {
            let word = folded.trim_matches('_').to_owned();
            push_word(tokens, word, range, joins);
        } else if let Some(mark) = folded.chars().next().filter(|c| ",;:?!.()-".contains(*c)) {
            tokens.push(Token {
                kind: TokenKind::Punct,
                text: mark.to_string(),
                range,
            });
        }
    }
}

/// Whether a segment is a hyphen that joins words (hyphen-minus, U+2010 hyphen, U+2011 non-breaking
/// hyphen), not a dash.
fn is_hyphen(segment: &str) -> bool {
    matches!(segment, "-" | "\u{2010}" | "\u{2011}")
}

/// Pushes a word, joining it to `word-` right before it (`per-gateway`, `gateway‑scoped`) when `joins`
/// (the mark before it is a hyphen, not a dash).
fn push_word(tokens: &mut Vec<Token>, word: String, range: Range<usize>, joins: bool) {
    if joins
        && let [.., before, hyphen] = tokens.as_slice()
        && before.kind == TokenKind::Word
        && hyphen.kind == TokenKind::Punct
        && hyphen.text == "-"
        && hyphen.range.start == before.range.end
        && hyphen.range.end == range.start
    {
        tokens.pop();
        let before = tokens.last_mut().expect("matched above");
        before.text = format!("{}-{word}", before.text);
        before.range.end = range.end;
        return;
    }
    tokens.push(Token {
        kind: TokenKind::Word,
        text: word,
        range,
    });
}

/// A phrase: words to match in a row.
type Phrase = Vec<String>;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct LexiconFile {
    claim: ClaimWords,
    negation: NegationWords,
    modality: ModalityWords,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ClaimWords {
    restrict: Vec<String>,
    assign: Vec<String>,
    distributive: Vec<String>,
    credential: Vec<String>,
    pronoun: Vec<String>,
    auxiliary: Vec<String>,
    preposition: Vec<String>,
    instance: Vec<String>,
    universal: Vec<String>,
    modifiers: usize,
    naming: Vec<String>,
    whole_account: Vec<String>,
    compound_prefix: Vec<String>,
    compound_suffix: Vec<String>,
    compound_head: Vec<String>,
    exclusive: Vec<String>,
    only: Vec<String>,
    exclusive_instance: Vec<String>,
    selective: Vec<String>,
    selective_instance: Vec<String>,
    verb_reach: usize,
    credential_reach: usize,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct NegationWords {
    pre: Vec<String>,
    post: Vec<String>,
    post_negator: Vec<String>,
    post_predicate: Vec<String>,
    copula: Vec<String>,
    negative_predicate: Vec<String>,
    post_elliptical: Vec<String>,
    post_anaphoric: Vec<String>,
    anaphor: Vec<String>,
    pseudo: Vec<String>,
    termination: Vec<String>,
    termination_after_comma: Vec<String>,
    termination_punctuation: Vec<String>,
    subordinator: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ModalityWords {
    conditional: Vec<String>,
    counterfactual: Vec<String>,
    future: Vec<String>,
    future_after: Vec<String>,
    reported: Vec<String>,
}

fn phrases(list: &[String]) -> Vec<Phrase> {
    list.iter()
        .map(|entry| entry.split(' ').map(str::to_owned).collect())
        .collect()
}

/// The compiled word lists.
#[derive(Debug)]
pub struct Lexicon {
    restrict: Vec<Phrase>,
    assign: Vec<Phrase>,
    distributive: Vec<Phrase>,
    credential: Vec<Phrase>,
    pronoun: Vec<Phrase>,
    auxiliary: Vec<Phrase>,
    preposition: Vec<Phrase>,
    instance: Vec<Phrase>,
    universal: Vec<Phrase>,
    modifiers: usize,
    naming: Vec<Phrase>,
    whole_account: Vec<Phrase>,
    compound_prefix: Vec<String>,
    compound_suffix: Vec<String>,
    compound_head: Vec<Phrase>,
    exclusive: Vec<Phrase>,
    only: Vec<Phrase>,
    exclusive_instance: Vec<Phrase>,
    selective: Vec<Phrase>,
    selective_instance: Vec<Phrase>,
    verb_reach: usize,
    credential_reach: usize,
    pre: Vec<Phrase>,
    post: Vec<Phrase>,
    post_negator: Vec<Phrase>,
    post_predicate: Vec<Phrase>,
    copula: Vec<Phrase>,
    negative_predicate: Vec<Phrase>,
    post_elliptical: Vec<Phrase>,
    post_anaphoric: Vec<Phrase>,
    anaphor: Vec<Phrase>,
    pseudo: Vec<Phrase>,
    termination: Vec<Phrase>,
    termination_after_comma: Vec<Phrase>,
    termination_punctuation: Vec<String>,
    subordinator: Vec<Phrase>,
    conditional: Vec<Phrase>,
    counterfactual: Vec<Phrase>,
    future: Vec<Phrase>,
    future_after: Vec<Phrase>,
    reported: Vec<Phrase>,
}

impl Lexicon {
    /// The embedded word lists (`src/text/prose.toml`).
    pub fn embedded() -> Lexicon {
        let file: LexiconFile =
            toml::from_str(LEXICON).expect("src/text/prose.toml is valid (a unit test parses it)");
        let claim = file.claim;
        let negation = file.negation;
        let modality = file.modality;
        Lexicon {
            restrict: phrases(&claim.restrict),
            assign: phrases(&claim.assign),
            distributive: phrases(&claim.distributive),
            credential: phrases(&claim.credential),
            pronoun: phrases(&claim.pronoun),
            auxiliary: phrases(&claim.auxiliary),
            preposition: phrases(&claim.preposition),
            instance: phrases(&claim.instance),
            universal: phrases(&claim.universal),
            modifiers: claim.modifiers,
            naming: phrases(&claim.naming),
            whole_account: phrases(&claim.whole_account),
            compound_prefix: claim.compound_prefix,
            compound_suffix: claim.compound_suffix,
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
            anaphor: phrases(&negation.anaphor),
            pseudo: phrases(&negation.pseudo),
            termination: phrases(&negation.termination),
            termination_after_comma: phrases(&negation.termination_after_comma),
            termination_punctuation: negation.termination_punctuation,
            subordinator: phrases(&negation.subordinator),
            conditional: phrases(&modality.conditional),
            counterfactual: phrases(&modality.counterfactual),
            future: phrases(&modality.future),
            future_after: phrases(&modality.future_after),
            reported: phrases(&modality.reported),
        }
    }
}

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

/// A claim found in a sentence: the source range from the restricting word to the resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The claim's byte range in the source text.
    pub range: Range<usize>,
}

/// A claim before negation: token indexes of where it starts, where the restricted-to phrase starts, and
/// its last token.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    start: usize,
    target: usize,
    end: usize,
}

impl Lexicon {
    /// The claims about `resource` in `text` (at byte `base` of its file) that stand: not negated, not a
    /// question, condition, future or report.
    pub fn claims(&self, text: &str, base: usize, resource: &Resource) -> Vec<Claim> {
        let mut claims = Vec::new();
        for sentence in sentences(text, base) {
            let mut last_end = None;
            let question = is_question(&sentence);
            for candidate in self.candidates(&sentence, resource) {
                if last_end.is_some_and(|end| candidate.start <= end) {
                    continue;
                }
                if question || self.blocked_near(&sentence, candidate) {
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

    /// Whether `text` denies a claim about `resource`: a sentence that would be a claim but for a negation
    /// reaching it ("you can't scope a token to one gateway", "scoping keys to one gateway is not
    /// supported"). A call-out that denies the narrowing says the product is account-only.
    pub fn denies(&self, text: &str, resource: &Resource) -> bool {
        sentences(text, 0).iter().any(|sentence| {
            !is_question(sentence)
                && self
                    .candidates(sentence, resource)
                    .into_iter()
                    .any(|candidate| self.negated_near(sentence, candidate))
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

    /// Every reading of the sentence as a claim, in order of where it starts.
    fn candidates(&self, tokens: &[Token], resource: &Resource) -> Vec<Candidate> {
        let mut found = Vec::new();
        for at in 0..tokens.len() {
            if let Some(length) = longest(tokens, at, &self.restrict) {
                found.extend(self.verb_claim(tokens, at, length, resource, Target::Any));
            } else if let Some(length) = longest(tokens, at, &self.assign) {
                found.extend(self.verb_claim(tokens, at, length, resource, Target::Distributive));
            }
            found.extend(self.compound_claim(tokens, at, resource));
            found.extend(self.exclusive_claim(tokens, at, resource));
            found.extend(self.selective_claim(tokens, at, resource));
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
                noun_at(tokens, at + distributive, resource).map(|(end, _)| end)
            } else if self.is_compound(&token.text, resource) {
                Some(at)
            } else if noun_at(tokens, at, resource).is_some_and(|(end, _)| {
                tokens.get(end + 1).is_some_and(|next| next.text == "level")
            }) {
                noun_at(tokens, at, resource).map(|(end, _)| end + 1)
            } else {
                None
            };
            let Some(end) = end else { continue };
            let object = &tokens[verb + length..at];
            let pronoun = object
                .iter()
                .enumerate()
                .any(|(index, _)| longest(object, index, &self.pronoun).is_some());
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
        let head = longest(tokens, next, &self.credential)
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
        (copula && self.names_credential(&tokens[before..at], resource)).then_some(Candidate {
            start: at,
            target: at,
            end: last,
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
            let pronoun =
                (0..between.len()).any(|at| longest(between, at, &self.pronoun).is_some());
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

    /// Whether `word` is a compound on the resource noun: `per-gateway`, `gateway-scoped`.
    fn is_compound(&self, word: &str, resource: &Resource) -> bool {
        let noun = resource.joined();
        let plural = format!("{noun}s");
        if let Some((prefix, rest)) = word.split_once('-')
            && self.compound_prefix.iter().any(|known| known == prefix)
            && (rest == noun || rest == plural)
        {
            return true;
        }
        word.strip_prefix(noun.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|suffix| self.compound_suffix.iter().any(|known| known == suffix))
    }

    /// Whether `tokens` name a credential: a credential word or one of the product's group names, also as a
    /// possessive ("the token's scope").
    fn names_credential(&self, tokens: &[Token], resource: &Resource) -> bool {
        (0..tokens.len()).any(|at| {
            longest(tokens, at, &self.credential).is_some()
                || self
                    .credential
                    .iter()
                    .any(|phrase| possessive_at(tokens, at, phrase))
                || resource
                    .groups
                    .iter()
                    .any(|group| phrase_at(tokens, at, group))
        })
    }

    /// The last token of a phrase at `start` that names an instance (or a subset) of the resource: "a single
    /// gateway", "your gateway", "the gateway named x", "`support-bot`", "one of your gateways".
    fn instance(&self, tokens: &[Token], start: usize, resource: &Resource) -> Option<usize> {
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
        }
        let mut modifiers = self.modifiers;
        while let Some(token) = tokens.get(at) {
            if let Some((end, plural)) = noun_at(tokens, at, resource) {
                if plural && longest(tokens, end + 1, &self.whole_account).is_some() {
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

    /// [`Lexicon::blocked`] on the [`CLAIM_WINDOW`] tokens either side of the claim: a trigger further away
    /// does not reach it, and a run-on "sentence" of thousands of claims is read once per claim, not whole.
    fn blocked_near(&self, tokens: &[Token], claim: Candidate) -> bool {
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
        let mut at = 0;
        while at < tokens.len() {
            if let Some(length) = longest(tokens, at, &self.pseudo) {
                at += length;
                continue;
            }
            let after = |list: &[Phrase]| longest(tokens, at, list).map(|length| at + length);
            if at < claim.target
                && let Some(from) = after(&self.pre)
                    .or_else(|| after(&self.reported))
                    .or_else(|| after(&self.future))
                && self.reaches(tokens, at, from, claim.target)
            {
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
                && ((self.post_negation(tokens, at)
                    || after(&self.future).is_some()
                    || after(&self.future_after).is_some())
                    && self.open_to_post(tokens, claim.end + 1, at)
                    || self.failure_of_claim(tokens, claim.end + 1, at))
            {
                return true;
            }
            at += 1;
        }
        false
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
        self.open(tokens, from, target)
    }

    /// Whether a post-negation trigger is at `at`: a fixed phrase ("is not supported"), a negator and a
    /// predicate ("has not been implemented"), a copula and a negative predicate ("remains unsupported"),
    /// or an elliptical negation.
    fn post_negation(&self, tokens: &[Token], at: usize) -> bool {
        let followed_by =
            |length: usize, list: &[Phrase]| longest(tokens, at + length, list).is_some();
        longest(tokens, at, &self.post).is_some()
            || longest(tokens, at, &self.post_negator)
                .is_some_and(|length| followed_by(length, &self.post_predicate))
            || longest(tokens, at, &self.copula)
                .is_some_and(|length| followed_by(length, &self.negative_predicate))
            || self.elliptical(tokens, at)
    }

    /// Whether a failure phrase at `at` has an anaphor for the claim (which ends before `from`) as its
    /// subject: "...; this fails", "..., but doing so has no effect".
    fn failure_of_claim(&self, tokens: &[Token], from: usize, at: usize) -> bool {
        longest(tokens, at, &self.post_anaphoric).is_some()
            && self.anaphoric_barrier(tokens, from, at)
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
        if self.open(tokens, from, to) {
            return true;
        }
        self.anaphoric_barrier(tokens, from, to)
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

/// What a restricting or assigning verb may restrict to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Any target: "to a single gateway", "per gateway", "at the gateway level".
    Any,
    /// Only a target that distributes over the instances: "per gateway", "by gateway", "at the gateway
    /// level", a compound on the noun.
    Distributive,
}

/// How many tokens either side of a claim a negation or modality trigger is looked for in: far more than
/// NegEx's window of a few words, and it bounds the reading of a run-on sentence.
/// How many words may stand between a negation and a phrase it negates in [`Lexicon::negates_what_follows`].
const NEGATED_PHRASE_REACH: usize = 3;
const CLAIM_WINDOW: usize = 64;

/// Whether the sentence ends in a question mark (a closing parenthesis aside).
fn is_question(tokens: &[Token]) -> bool {
    tokens
        .iter()
        .rev()
        .find(|token| token.kind == TokenKind::Punct && token.text != ")")
        .is_some_and(|token| token.text == "?")
}

/// Words that end a noun phrase before its noun ("to the account and ...").
const STOP_WORDS: &[&str] = &[
    "to", "and", "or", "in", "of", "with", "for", "on", "at", "from", "by", "that", "which", "but",
    "is", "are", "can", "not", "no", "than", "as", "if", "so",
];

/// The resource noun at `at`: its last token, and whether it is plural; `None` for a possessive
/// ("gateway's") or another word.
fn noun_at(tokens: &[Token], at: usize, resource: &Resource) -> Option<(usize, bool)> {
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

/// Whether `phrase` is at `tokens[at..]` with its last word as a possessive (`token's`, `tokens'`).
fn possessive_at(tokens: &[Token], at: usize, phrase: &[String]) -> bool {
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
fn phrase_at(tokens: &[Token], at: usize, phrase: &[String]) -> bool {
    !phrase.is_empty()
        && tokens.get(at..at + phrase.len()).is_some_and(|words| {
            words
                .iter()
                .zip(phrase)
                .all(|(token, word)| token.kind == TokenKind::Word && &token.text == word)
        })
}

/// The length of the longest phrase of `list` at `tokens[at..]`.
fn longest(tokens: &[Token], at: usize, list: &[Phrase]) -> Option<usize> {
    list.iter()
        .filter(|phrase| phrase_at(tokens, at, phrase))
        .map(Vec::len)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway() -> Resource {
        Resource::new(
            "gateway",
            "AI Gateway",
            ["AI Gateway Read", "AI Gateway Run"].into_iter(),
        )
    }

    fn file() -> LexiconFile {
        toml::from_str(LEXICON).expect("src/text/prose.toml parses")
    }

    fn claims(text: &str) -> Vec<String> {
        Lexicon::embedded()
            .claims(text, 0, &gateway())
            .into_iter()
            .map(|claim| text[claim.range].to_owned())
            .collect()
    }

    /// Asserts that `template` with `{}` replaced by each entry fires (or not).
    fn each(entries: &[String], template: &str, fires: bool) {
        let lexicon = Lexicon::embedded();
        for entry in entries {
            let text = template.replace("{}", entry);
            let found = lexicon.claims(&text, 0, &gateway());
            assert_eq!(!found.is_empty(), fires, "{text:?}: {found:?}");
        }
    }

    #[test]
    fn every_restricting_verb_makes_a_claim() {
        each(
            &file().claim.restrict,
            "The token is {} to a single gateway.",
            true,
        );
    }

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
    fn every_pre_negation_negates_what_follows() {
        each(
            &file().negation.pre,
            "{} scope the token to a single gateway.",
            false,
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
    fn a_dash_between_words_does_not_join_them() {
        assert_eq!(
            claims("API keys—like R2 keys—can be scoped to one gateway."),
            ["scoped to one gateway"]
        );
        let (tokens, _) = tokenize("per\u{2011}gateway keys\u{2014}like", 0);
        let words: Vec<&str> = tokens.iter().map(|token| token.text.as_str()).collect();
        assert_eq!(words, ["per-gateway", "keys", "-", "like"]);
    }

    #[test]
    fn words_fold_typography_and_drop_markup() {
        let text = "You can’t **scope** the [token](/t.md \"x\")[^1] to `my gw` — don’t\u{a0}ask. per‑gateway";
        let (tokens, _) = tokenize(text, 0);
        let words: Vec<&str> = tokens.iter().map(|token| token.text.as_str()).collect();
        assert_eq!(
            words,
            [
                "you",
                "can't",
                "scope",
                "the",
                "token",
                "to",
                "my gw",
                "-",
                "don't",
                "ask",
                ".",
                "per-gateway"
            ]
        );
        for token in &tokens {
            assert!(
                text.is_char_boundary(token.range.start) && text.is_char_boundary(token.range.end)
            );
        }
        assert_eq!(tokens[6].kind, TokenKind::Code);
        assert_eq!(&text[tokens[11].range.clone()], "per‑gateway");
    }

    #[test]
    fn sentences_split_on_unicode_boundaries_but_not_in_code() {
        // UAX #29 has no dictionary: ideographs are words one by one; a period before a lowercase word
        // ("e.g. this") ends no sentence.
        let text = "日本語。Scope the token to `a. B` now. Use e.g. this one?";
        let sentences = sentences(text, 5);
        let texts: Vec<Vec<&str>> = sentences
            .iter()
            .map(|sentence| sentence.iter().map(|token| token.text.as_str()).collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                vec!["日", "本", "語"],
                vec!["scope", "the", "token", "to", "a. b", "now", "."],
                vec!["use", "e.g", ".", "this", "one", "?"],
            ]
        );
        assert_eq!(sentences[1][0].range.start, 5 + "日本語。".len());
    }

    #[test]
    fn claim_ranges_are_source_bytes_next_to_multi_byte_text() {
        let text = "🚀 ゲートウェイ: restrict the token to your gateway ✅.";
        assert_eq!(claims(text), ["restrict the token to your gateway"]);
    }
}
