//! Tokenising: words, inline code and punctuation with their source byte ranges, typographic marks
//! folded, and the sentences they make (Unicode sentence and word boundaries).

use std::ops::Range;

use super::segments::{sentence_starts, word_bound_indices};
use crate::text::normalize::Destinations;

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
        '\u{FF1F}' | '\u{061F}' | '\u{037E}' => '?',
        c if c != ' ' && c.is_whitespace() => ' ',
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' => ' ',
        c => c,
    }
}

/// Characters a reader does not see at all (soft hyphens, joiners).
pub(super) fn invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200C}' | '\u{200D}')
}

/// The sentences of `text` (which starts at byte `base` of its file), each as its tokens. A line break
/// inside a paragraph is a soft break (CommonMark renders it as a space), so a sentence runs on across it;
/// only a blank line ends one there.
pub fn sentences(text: &str, base: usize) -> Vec<Vec<Token>> {
    let (tokens, mut masked) = tokenize(text, base);
    soften_line_breaks(&mut masked);
    let mut bounds: Vec<usize> = sentence_starts(&masked)
        .into_iter()
        .map(|start| base + start)
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

/// Turns each line break of `text` between two lines that are not blank into spaces (same byte offsets),
/// so that sentence segmentation, which ends a sentence at every line break, ends one only at a blank line.
fn soften_line_breaks(text: &mut String) {
    if !text.contains(['\n', '\r']) {
        return;
    }
    let mut soft_breaks = Vec::new();
    let mut previous: Option<(bool, Range<usize>)> = None;
    for (line, line_break) in crate::text::lines::lines_and_breaks(text) {
        let blank = text[line].bytes().all(|byte| matches!(byte, b' ' | b'\t'));
        if let Some((previous_blank, previous_break)) = previous
            && !previous_blank
            && !blank
        {
            soft_breaks.push(previous_break);
        }
        previous = line_break.map(|line_break| (blank, line_break));
    }
    let mut bytes = std::mem::take(text).into_bytes();
    for line_break in soft_breaks {
        bytes[line_break].fill(b' ');
    }
    *text = String::from_utf8(bytes).expect("ASCII line breaks replaced by ASCII spaces");
}

/// The tokens of `text`, and the text with code spans, link destinations and footnote references replaced
/// by `x` (same byte offsets), for sentence segmentation.
pub fn tokenize(text: &str, base: usize) -> (Vec<Token>, String) {
    let mut tokens = Vec::new();
    let mut masked = String::with_capacity(text.len());
    let mut plain_start = 0;
    let mut index = 0;
    let bytes = text.as_bytes();
    let mut closers = Closers::default();
    // The character references in the plain text since `plain_start` that read as part of a word.
    let mut in_words: Vec<(Range<usize>, char)> = Vec::new();
    while index < text.len() {
        let skipped = match bytes[index] {
            b'`' => code_span(text, index),
            b'[' if text[index + 1..].starts_with('^') => footnote(text, index, &mut closers),
            b']' if text[index + 1..].starts_with('(') => {
                link_destination(text, index, &mut closers)
            }
            b'&' => match entity(text, index) {
                Reference::Separates(end, skipped) => Some((end, skipped)),
                Reference::InWord(end, c) => {
                    in_words.push((index..end, c));
                    index = end;
                    continue;
                }
                Reference::Text => None,
            },
            _ => None,
        };
        let Some((end, skipped)) = skipped else {
            index += 1;
            continue;
        };
        plain_words(text, plain_start..index, base, &mut in_words, &mut tokens);
        masked.push_str(&text[plain_start..index]);
        let range = base + index..base + end;
        match skipped {
            Skipped::Code(code) => tokens.push(Token {
                kind: TokenKind::Code,
                text: code
                    .trim()
                    .chars()
                    .map(fold)
                    .collect::<String>()
                    .to_lowercase(),
                range,
            }),
            Skipped::Mark(Some(mark)) => tokens.push(Token {
                kind: TokenKind::Punct,
                text: mark.to_string(),
                range,
            }),
            Skipped::Mark(None) => {}
        }
        let mask = if matches!(skipped, Skipped::Code(_)) {
            'x'
        } else {
            ' '
        };
        masked.extend(std::iter::repeat_n(mask, end - index));
        plain_start = end;
        index = end;
    }
    plain_words(
        text,
        plain_start..text.len(),
        base,
        &mut in_words,
        &mut tokens,
    );
    masked.push_str(&text[plain_start..]);
    (tokens, masked)
}

/// What [`tokenize`] takes out of the words: a code span's text, or a mark (a punctuation token, or none).
enum Skipped<'t> {
    Code(&'t str),
    Mark(Option<char>),
}

/// An inline code span at `start`: its end, and its text.
fn code_span(text: &str, start: usize) -> Option<(usize, Skipped<'_>)> {
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
            return Some((end, Skipped::Code(&text[after..at])));
        }
        search = end;
    }
    // An unclosed run of backticks is literal text: skip it as a mark.
    Some((after, Skipped::Mark(None)))
}

/// Where [`tokenize`] last found the closers it looks for after a `[^` and a `](`: the next `[^` or `](`
/// before that place has the same closer, so a text of thousands of them with no closer is searched
/// once, not once for each.
#[derive(Default)]
struct Closers {
    /// The first `]` at or after the last `[^` looked at (the text's length when there is none).
    bracket: Option<usize>,
    /// Where the link destinations close.
    destinations: Destinations,
}

/// A footnote reference `[^label]` at `start`.
fn footnote<'t>(
    text: &'t str,
    start: usize,
    closers: &mut Closers,
) -> Option<(usize, Skipped<'t>)> {
    let close = match closers.bracket {
        Some(close) if close >= start => close,
        _ => {
            let close = memchr::memchr(b']', &text.as_bytes()[start..])
                .map_or(text.len(), |offset| start + offset);
            closers.bracket = Some(close);
            close
        }
    };
    let label = text.get(start + 2..close).filter(|_| close < text.len())?;
    (!label.is_empty() && !label.contains(char::is_whitespace))
        .then_some((close + 1, Skipped::Mark(None)))
}

/// A link destination `](...)` at `start` (the link text before it is read as words): up to the first
/// `)`, with no line break before it, as names read it ([`Destinations`]).
fn link_destination<'t>(
    text: &'t str,
    start: usize,
    closers: &mut Closers,
) -> Option<(usize, Skipped<'t>)> {
    let length = closers.destinations.at(text, start)?;
    Some((start + length, Skipped::Mark(None)))
}

/// How [`tokenize`] reads a character reference.
enum Reference<'t> {
    /// A space (`&nbsp;`, `&#32;`) or a mark the claims read (`&ndash;`, `&#44;`): it separates the words
    /// around it as that character would; ends where the reference does.
    Separates(usize, Skipped<'t>),
    /// Any other character (`can&rsquo;t`, `per&#45;gateway`, `&ldquo;`, `&amp;`): read as that character
    /// inside the text around it, as if written out; ends where the reference does.
    InWord(usize, char),
    /// Not a reference (`&nosuch;`, a lone `&`).
    Text,
}

/// The character reference at `start`, read as a reader sees it.
fn entity(text: &str, start: usize) -> Reference<'_> {
    let Some((length, c)) = crate::text::entity::decode(&text[start..]) else {
        return Reference::Text;
    };
    let (end, folded) = (start + length, fold(c));
    // A hyphen joins the words around it as the character does (`per&#45;gateway`, `per&#8209;gateway`).
    if is_hyphen(c.encode_utf8(&mut [0; 4])) {
        return Reference::InWord(end, c);
    }
    if folded == ' ' || invisible(c) {
        Reference::Separates(end, Skipped::Mark(None))
    } else if PUNCTUATION.contains(folded) {
        Reference::Separates(end, Skipped::Mark(Some(folded)))
    } else {
        // Any other character (a quote, `&amp;`) reads as the character written out would.
        Reference::InWord(end, c)
    }
}

/// The words of the plain text `run` of `text` (which starts at byte `base` of its file), with the
/// character references `in_words` (taken, all inside `run`) read as their characters.
fn plain_words(
    text: &str,
    run: Range<usize>,
    base: usize,
    in_words: &mut Vec<(Range<usize>, char)>,
    tokens: &mut Vec<Token>,
) {
    if in_words.is_empty() {
        return words(
            &text[run.clone()],
            |offset| base + run.start + offset,
            tokens,
        );
    }
    // The text with each reference replaced by its character, and the file offset of each of its bytes
    // (a reference's character at the reference's start) and of its end.
    let mut decoded = String::with_capacity(run.len());
    let mut source_of: Vec<usize> = Vec::with_capacity(run.len() + 1);
    let mut copied = run.start;
    for (reference, c) in in_words.drain(..) {
        decoded.push_str(&text[copied..reference.start]);
        source_of.extend((copied..reference.start).map(|offset| base + offset));
        decoded.push(c);
        source_of.extend(std::iter::repeat_n(base + reference.start, c.len_utf8()));
        copied = reference.end;
    }
    decoded.push_str(&text[copied..run.end]);
    source_of.extend((copied..=run.end).map(|offset| base + offset));
    words(&decoded, |offset| source_of[offset], tokens);
}

/// Appends the words and punctuation of plain text to `tokens` (`source_of` gives the file offset of a
/// byte offset in `text`, and of its end); hyphen-joined words stay one word (a dash between words,
/// `keys—like`, does not join them).
fn words(text: &str, source_of: impl Fn(usize) -> usize, tokens: &mut Vec<Token>) {
    let mut after_hyphen = false;
    for (start, segment) in word_bound_indices(text) {
        let joins = std::mem::replace(&mut after_hyphen, is_hyphen(segment));
        let range = source_of(start)..source_of(start + segment.len());
        match segment_token(segment) {
            Some((TokenKind::Word, word)) => match contraction(&word, segment) {
                Some((stem, full, apostrophe)) => {
                    let split = source_of(start + apostrophe);
                    push_word(tokens, stem, range.start..split, joins);
                    tokens.push(Token {
                        kind: TokenKind::Word,
                        text: full.to_owned(),
                        range: split..range.end,
                    });
                }
                None => push_word(tokens, word, range, joins),
            },
            Some((kind, text)) => tokens.push(Token { kind, text, range }),
            None => {}
        }
    }
}

/// A word that ends in a contraction of "will", "are" or "have" ("you'll", "they're", "we've"), read as the
/// word before it and the word it stands for: the word before it (lowercased), the full word, and where
/// its apostrophe stands in `segment` (the word as written). `n't` stays in its word (the lists spell
/// "can't"), and `'s` and `'d` are left alone (a possessive or "is"; "had" or "would").
fn contraction(word: &str, segment: &str) -> Option<(String, &'static str, usize)> {
    let (stem, full) = [("'ll", "will"), ("'re", "are"), ("'ve", "have")]
        .into_iter()
        .find_map(|(suffix, full)| Some((word.strip_suffix(suffix)?, full)))?;
    if stem.is_empty() || stem.ends_with('\'') {
        return None;
    }
    let apostrophe = segment
        .char_indices()
        .rev()
        .find(|(_, c)| fold(*c) == '\'')?
        .0;
    Some((stem.to_owned(), full, apostrophe))
}

/// What a word segment reads as: a word (lowercased, typographic marks folded, invisible characters and
/// the `_` around it dropped), a punctuation mark the claims read, or nothing (spaces, other marks).
fn segment_token(segment: &str) -> Option<(TokenKind, String)> {
    // Most segments are plain ASCII: read without the three allocations of the general path (ASCII has
    // nothing to fold but whitespace, which becomes a space, and nothing invisible).
    if segment.is_ascii() {
        return ascii_segment_token(segment);
    }
    general_segment_token(segment)
}

/// [`segment_token`] for any segment: folded, filtered, lowercased and trimmed into new strings.
fn general_segment_token(segment: &str) -> Option<(TokenKind, String)> {
    let folded: String = segment
        .chars()
        .filter(|&c| !invisible(c))
        .map(fold)
        .collect::<String>()
        .to_lowercase();
    if folded.chars().any(char::is_alphanumeric) {
        return Some((TokenKind::Word, folded.trim_matches('_').to_owned()));
    }
    folded
        .chars()
        .next()
        .filter(|c| PUNCTUATION.contains(*c))
        .map(|mark| (TokenKind::Punct, mark.to_string()))
}

/// [`segment_token`] of an ASCII segment: lowercased, each whitespace character a space (as [`fold`]
/// makes it), in one allocation for a word and none for a space or a mark.
fn ascii_segment_token(segment: &str) -> Option<(TokenKind, String)> {
    if segment.bytes().any(|byte| byte.is_ascii_alphanumeric()) {
        let word = segment
            .trim_matches('_')
            .chars()
            .map(|c| fold(c).to_ascii_lowercase())
            .collect();
        return Some((TokenKind::Word, word));
    }
    let mark = char::from(*segment.as_bytes().first()?);
    PUNCTUATION
        .contains(mark)
        .then(|| (TokenKind::Punct, mark.to_string()))
}

/// The punctuation marks the claims read.
const PUNCTUATION: &str = ",;:?!.()-";

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
        // Appended in place (amortised): a word of thousands of hyphen-joined parts is read in linear time.
        before.text.push('-');
        before.text.push_str(&word);
        before.range.end = range.end;
        return;
    }
    tokens.push(Token {
        kind: TokenKind::Word,
        text: word,
        range,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::prose::testing::claims;

    #[test]
    fn a_contraction_of_will_are_or_have_is_read_as_two_words() {
        let read = |text: &str| -> Vec<(String, Range<usize>)> {
            tokenize(text, 0)
                .0
                .into_iter()
                .map(|token| (token.text, token.range))
                .collect()
        };
        assert_eq!(
            read("You’ll see"),
            [
                ("you".to_owned(), 0..3),
                ("will".to_owned(), 3..8),
                ("see".to_owned(), 9..12)
            ]
        );
        assert_eq!(
            read("they're"),
            [("they".to_owned(), 0..4), ("are".to_owned(), 4..7)]
        );
        assert_eq!(
            read("We've"),
            [("we".to_owned(), 0..2), ("have".to_owned(), 2..5)]
        );
        for kept in ["can't", "token's", "you'd"] {
            assert_eq!(read(kept).len(), 1, "{kept}");
        }
        assert_eq!(
            claims("API tokens are powerful. They’re limited to a single gateway."),
            ["limited to a single gateway"]
        );
        assert!(claims("You'll be able to limit a token to one gateway.").is_empty());
    }

    #[test]
    fn a_reference_to_a_letter_or_apostrophe_is_read_inside_its_word() {
        let (tokens, _) = tokenize("don&rsquo;t g&#97;te — 門 can&apos;t", 10);
        let read: Vec<(&str, Range<usize>)> = tokens
            .iter()
            .map(|token| (token.text.as_str(), token.range.clone()))
            .collect();
        assert_eq!(
            read,
            [
                ("don't", 10..21),
                ("gate", 22..30),
                ("-", 31..34),
                ("門", 35..38),
                ("can't", 39..49)
            ]
        );
    }

    #[test]
    fn hyphen_joined_parts_are_one_word_however_many() {
        let parts: Vec<String> = (0..20_000).map(|index| format!("Per{index}")).collect();
        let text = format!("{}-ゲート tokens.", parts.join("-"));
        let (tokens, _) = tokenize(&text, 0);
        let words: Vec<&str> = tokens.iter().map(|token| token.text.as_str()).collect();
        let joined = format!("{}-ゲート", parts.join("-").to_lowercase());
        assert_eq!(words, [joined.as_str(), "tokens", "."]);
        assert_eq!(tokens[0].range, 0..text.len() - " tokens.".len());
    }

    /// The closers of a footnote reference and a link destination as [`tokenize`] found them before it
    /// remembered them: a search of the rest of the text for each.
    fn searched_closers(text: &str) -> Vec<(usize, Option<usize>)> {
        let bytes = text.as_bytes();
        (0..text.len())
            .filter_map(|index| {
                let close = match bytes[index] {
                    b'[' if text[index + 1..].starts_with('^') => text[index..]
                        .find(']')
                        .map(|close| index + close)
                        .filter(|close| {
                            let label = &text[index + 2..*close];
                            !label.is_empty() && !label.contains(char::is_whitespace)
                        }),
                    b']' if text[index + 1..].starts_with('(') => text[index..]
                        .find(')')
                        .map(|close| index + close)
                        .filter(|close| !text[index..*close].contains('\n')),
                    _ => return None,
                };
                Some((index, close))
            })
            .collect()
    }

    #[test]
    fn runs_of_unclosed_destinations_and_footnotes_are_read_as_a_search_for_each_reads_them() {
        let pieces = ["](", ")", "\n", "[^", "]", "a", " ", "日本", "é\u{301}"];
        let mut seed = 0x9e37_79b9_7f4a_7c15;
        for length in 0..3_000 {
            let text = crate::bytes::pieced_text(&pieces, length % 32, &mut seed);
            let mut closers = Closers::default();
            let mut index = 0;
            let mut remembered = Vec::new();
            // Every opener in text order, as `tokenize` meets them when nothing is skipped between.
            while index < text.len() {
                let read = match text.as_bytes()[index] {
                    b'[' if text[index + 1..].starts_with('^') => {
                        Some(footnote(&text, index, &mut closers))
                    }
                    b']' if text[index + 1..].starts_with('(') => {
                        Some(link_destination(&text, index, &mut closers))
                    }
                    _ => None,
                };
                if let Some(read) = read {
                    remembered.push((index, read.map(|(end, _)| end - 1)));
                }
                index += 1;
            }
            assert_eq!(remembered, searched_closers(&text), "{text:?}");
        }
    }

    #[test]
    fn ascii_segments_read_as_the_general_path_reads_them() {
        let pieces = [
            "A", "z", "9", "_", "-", ".", "?", " ", "\t", "\u{b}", "\r", "'", "\"", "(", "#", "é",
            "\u{2019}",
        ];
        for first in pieces {
            for second in pieces {
                for third in ["", "_", "Q", "\n", "\u{c}"] {
                    let segment = format!("{first}{second}{third}");
                    assert_eq!(
                        segment_token(&segment),
                        general_segment_token(&segment),
                        "{segment:?}"
                    );
                }
            }
        }
        assert_eq!(segment_token(""), None);
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
}
