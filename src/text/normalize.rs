//! Text normalisation: the one way names and phrases are compared (see [`normalize_name`]).
//!
//! Names are matched on *name-normalised* text: lowercase, Markdown marks, punctuation such as `-`, `>`, `:`
//! and link destinations removed, whitespace collapsed; so `**AI Gateway** > **Run**`, `AI Gateway - Read`
//! and `` `ai  gateway read` `` all read as `ai gateway run` / `ai gateway read`. Phrases (claims and call-out
//! wording) are matched on *prose-normalised* text, which keeps punctuation and only drops Markdown marks.

use std::ops::Range;
/// Stands for an unresolved `{props.x}` placeholder in normalised text.
pub const WILDCARD: char = '\u{2}';

/// Normalised text with, for every byte, the offset of the source character it came from.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    origins: Vec<usize>,
    source_end: usize,
}

impl Normalized {
    /// The source byte range that normalised `range` came from.
    pub fn source_range(&self, range: Range<usize>, source: &str) -> Range<usize> {
        if range.is_empty() || self.origins.is_empty() {
            let at = self
                .origins
                .get(range.start)
                .copied()
                .unwrap_or(self.source_end);
            return at..at;
        }
        let start = self.origins[range.start];
        let last = self.origins[range.end - 1];
        // The last character may come from a construct read as a whole: a character reference
        // (`Rea&#100;`) or a placeholder, which the range then ends after.
        let rest = &source[last..];
        let end = crate::text::entity::decode(rest)
            .map(|(length, _)| length)
            .or_else(|| props_placeholder(rest).map(|(length, _)| length))
            .or_else(|| hugo_placeholder(rest).map(|(length, _)| length))
            .or_else(|| rest.chars().next().map(char::len_utf8))
            .map_or(last, |length| last + length);
        start..end.max(start)
    }
}

/// How to normalise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For names: punctuation other than `/`, `&`, `.` and `+` becomes a space.
    Name,
    /// For phrases: only Markdown marks and line breaks become spaces.
    Prose,
}

/// What normalisation does with each byte, as a table (normalisation runs on every byte): [`SEPARATOR`],
/// [`SLOW`] (a byte that may start a construct read as a whole, `{`, `]` and `&`, and every non-ASCII
/// byte) or [`WORD`] (an ASCII byte written lower-cased).
const fn byte_classes(name: bool) -> [u8; 256] {
    let mut table = [SLOW; 256];
    let mut byte = 0;
    while byte < 128 {
        let c = byte as u8 as char;
        let separator = if name {
            is_name_separator(c)
        } else {
            is_prose_separator(c)
        };
        table[byte] = if matches!(c, '{' | ']' | '&') {
            SLOW
        } else if separator {
            SEPARATOR
        } else {
            WORD
        };
        byte += 1;
    }
    table
}

/// A byte class: the byte separates words.
const SEPARATOR: u8 = 0;
/// A byte class: the byte is read on the slow path (see [`byte_classes`]).
const SLOW: u8 = 1;
/// A byte class: an ASCII byte of a word.
const WORD: u8 = 2;

const NAME_CLASSES: [u8; 256] = byte_classes(true);
const PROSE_CLASSES: [u8; 256] = byte_classes(false);

const fn is_name_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '*' | '_'
                | '`'
                | '>'
                | '<'
                | ':'
                | '-'
                | '–'
                | '—'
                | '|'
                | ','
                | '('
                | ')'
                | '"'
                | '\''
                | '#'
                | '['
                | ']'
                | '!'
                | '?'
                | ';'
                | '\\'
                | '~'
                | '='
        )
        || c == '\u{a0}'
}

const fn is_prose_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '*' | '`' | '|' | '\\' | '#') || c == '\u{a0}'
}

/// Whether name normalisation reads `c` as a separator (a space between words), after folding it.
pub(crate) fn separates_names(c: char) -> bool {
    if c.is_ascii() {
        NAME_CLASSES[usize::from(c as u8)] == SEPARATOR || c == ']'
    } else {
        is_name_separator(super::prose::fold(c))
    }
}

/// Normalises a name from the capability table (no placeholders, no offsets needed).
pub fn normalize_name(name: &str) -> String {
    normalize_text(name, Mode::Name, &[])
}

/// Normalises `source` (which starts at byte `base` of its file); `{props.x}` takes its value from
/// `params`, or becomes [`WILDCARD`] when there is none.
pub fn normalize(source: &str, base: usize, mode: Mode, params: &[(String, String)]) -> Normalized {
    normalize_with(source, base, mode, params, true)
}

/// Only the normalised text, without the offset map (cheaper: most text units match nothing).
pub fn normalize_text(source: &str, mode: Mode, params: &[(String, String)]) -> String {
    normalize_with(source, 0, mode, params, false).text
}

fn normalize_with(
    source: &str,
    base: usize,
    mode: Mode,
    params: &[(String, String)],
    track: bool,
) -> Normalized {
    let mut out = Normalized {
        text: String::with_capacity(source.len()),
        origins: Vec::with_capacity(if track { source.len() } else { 0 }),
        source_end: base + source.len(),
    };
    let (separator, classes): (fn(char) -> bool, &[u8; 256]) = match mode {
        Mode::Name => (is_name_separator, &NAME_CLASSES),
        Mode::Prose => (is_prose_separator, &PROSE_CLASSES),
    };
    let mut writer = Writer {
        out: &mut out,
        pending_space: false,
        track,
        destinations: Destinations::default(),
    };
    let bytes = source.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        let class = classes[usize::from(bytes[index])];
        if class == SEPARATOR {
            index = run_end(bytes, index, classes, |class| class == SEPARATOR);
            writer.separate();
            continue;
        }
        if class == WORD {
            let end = run_end(bytes, index, classes, |class| class == WORD);
            writer.push_ascii_run(&source[index..end], base + index);
            index = end;
            continue;
        }
        index += read_slow(source, index, base, mode, params, &mut writer, separator);
    }
    out
}

/// The end of the run of bytes from `start` whose classes all pass `in_run` (the byte at `start` does).
#[inline]
fn run_end(bytes: &[u8], start: usize, classes: &[u8; 256], in_run: impl Fn(u8) -> bool) -> usize {
    bytes[start + 1..]
        .iter()
        .position(|&byte| !in_run(classes[usize::from(byte)]))
        .map_or(bytes.len(), |offset| start + 1 + offset)
}

/// Reads the construct or character at `index` (a byte of class [`SLOW`]) into `writer`; returns the
/// bytes it took.
fn read_slow(
    source: &str,
    index: usize,
    base: usize,
    mode: Mode,
    params: &[(String, String)],
    writer: &mut Writer<'_>,
    separator: fn(char) -> bool,
) -> usize {
    let byte = source.as_bytes()[index];
    let read_whole = match byte {
        b'{' => special(&source[index..], params),
        // What `special` reads at a `]`: a link destination, dropped in names.
        b']' if mode == Mode::Name => writer
            .destinations
            .at(source, index)
            .map(|length| (length, Some(""))),
        _ => None,
    };
    if let Some((consumed, replacement)) = read_whole {
        match replacement {
            Some(value) => value
                .chars()
                .for_each(|c| writer.push(c, base + index, separator)),
            None => writer.push(WILDCARD, base + index, |_| false),
        }
        return consumed;
    }
    if byte == b'&'
        && let Some((consumed, c)) = super::entity::decode(&source[index..])
    {
        writer.push(c, base + index, separator);
        return consumed;
    }
    let c = source[index..]
        .chars()
        .next()
        .expect("index is on a char boundary");
    writer.push(c, base + index, separator);
    c.len_utf8()
}

/// A placeholder normalisation treats as a whole (`{props.x}`, a Hugo `{{ .Get "x" }}`): its length and the
/// value `params` gives it. (The other whole construct, a link destination, is read by [`Destinations`].)
fn special<'p>(rest: &str, params: &'p [(String, String)]) -> Option<(usize, Option<&'p str>)> {
    if let Some((consumed, name)) = props_placeholder(rest) {
        let value = params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str());
        return Some((consumed, value));
    }
    if let Some((consumed, name)) = hugo_placeholder(rest) {
        let value = params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str());
        return Some((consumed, value));
    }
    None
}

/// The length of the link destination `](...)` at the start of `rest` that name normalisation drops: to
/// the first `)`, when no line break comes before it.
pub(crate) fn link_destination(rest: &str) -> Option<usize> {
    Destinations::default().at(rest, 0)
}

/// [`link_destination`] for the `](`s of a text met in text order: the `)` or line break that ends one
/// ends every `](` before it too, so a line of thousands of `](` that one `)` closes, or none does, is
/// searched once, not once for each.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Destinations {
    /// The first `)` or line break at or after the last `](` looked at (the text's length when there is
    /// none).
    next_close: Option<usize>,
}

impl Destinations {
    /// The length of the link destination at `at` of `text` ([`link_destination`]).
    pub(crate) fn at(&mut self, text: &str, at: usize) -> Option<usize> {
        if !text[at..].starts_with("](") {
            return None;
        }
        let close = match self.next_close {
            Some(close) if close >= at => close,
            _ => {
                let close = memchr::memchr2(b')', b'\n', &text.as_bytes()[at..])
                    .map_or(text.len(), |offset| at + offset);
                self.next_close = Some(close);
                close
            }
        };
        (text.as_bytes().get(close) == Some(&b')')).then_some(close + 1 - at)
    }
}

/// `text` with each `{props.x}` and Hugo `{{ .Get "x" }}` placeholder that `params` gives a value for
/// replaced by the value (for messages that show a partial's text as a page renders it).
pub fn fill_placeholders(text: &str, params: &[(String, String)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(brace) = rest.find('{') {
        out.push_str(&rest[..brace]);
        rest = &rest[brace..];
        match special(rest, params) {
            Some((consumed, Some(value))) => {
                out.push_str(value);
                rest = &rest[consumed..];
            }
            _ => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A `{props.name}` placeholder at the start of `rest` (a name of letters, digits and `_`, maybe none):
/// its length and the name. `{props.frontmatter.title}` is none: it is text.
pub(crate) fn props_placeholder(rest: &str) -> Option<(usize, &str)> {
    let after = rest.strip_prefix("{props.")?;
    let close = after.find('}')?;
    let name = &after[..close];
    name.chars()
        .all(|c| c.is_alphanumeric() || c == '_')
        .then_some(("{props.".len() + close + 1, name))
}

/// A Hugo parameter placeholder at the start of `rest`: `{{ .Get "name" }}`, `{{- .Get "name" -}}` or
/// `{{ .Params.name }}`: its length and the parameter's name.
pub(crate) fn hugo_placeholder(rest: &str) -> Option<(usize, &str)> {
    let inner_start = rest.strip_prefix("{{")?;
    // A placeholder is short: the search for its end stops after 256 bytes (on a character boundary).
    let mut limit = inner_start.len().min(256);
    while !inner_start.is_char_boundary(limit) {
        limit -= 1;
    }
    let close = inner_start[..limit].find("}}")?;
    let inner = inner_start[..close]
        .trim_start_matches('-')
        .trim_end_matches('-')
        .trim();
    let name = if let Some(argument) = inner.strip_prefix(".Get") {
        argument.trim().trim_matches(['"', '`'])
    } else {
        inner.strip_prefix(".Params.")?
    };
    let identifier = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
    identifier.then_some((2 + close + 2, name))
}

/// Appends characters to normalised text, collapsing separators into single spaces.
struct Writer<'o> {
    out: &'o mut Normalized,
    pending_space: bool,
    /// Whether to record each byte's origin.
    track: bool,
    /// Where the source's link destinations close, remembered from one `](` to the next.
    destinations: Destinations,
}

impl Writer<'_> {
    /// A run of separators.
    #[inline]
    fn separate(&mut self) {
        self.pending_space = !self.out.text.is_empty();
    }

    /// The common case: `run`, ASCII bytes of class [`WORD`] that start at
    /// `origin`, written lower-cased.
    #[inline]
    fn push_ascii_run(&mut self, run: &str, origin: usize) {
        self.flush_space(origin);
        let start = self.out.text.len();
        self.out.text.push_str(run);
        self.out.text[start..].make_ascii_lowercase();
        if self.track {
            self.out.origins.extend(origin..origin + run.len());
        }
    }

    fn push(&mut self, c: char, origin: usize, separator: fn(char) -> bool) {
        // `’` reads as `'`, `–` as `-`, NBSP and other Unicode spaces as a space.
        let c = super::prose::fold(c);
        if separator(c) {
            self.pending_space = !self.out.text.is_empty();
            return;
        }
        self.flush_space(origin);
        let before = self.out.text.len();
        self.out.text.extend(c.to_lowercase());
        self.record(origin, self.out.text.len() - before);
    }

    /// Writes the space that stands for the separators seen since the last word.
    fn flush_space(&mut self, origin: usize) {
        if self.pending_space {
            self.out.text.push(' ');
            self.record(origin, 1);
            self.pending_space = false;
        }
    }

    fn record(&mut self, origin: usize, bytes: usize) {
        if self.track {
            self.out.origins.extend(std::iter::repeat_n(origin, bytes));
        }
    }
}

/// Whether `text[range]` stands alone as words (no letter or digit right before or after it).
pub fn on_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start].chars().next_back();
    let after = text[range.end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Whether `raw` (a table cell's or list item's text, or a name as written) is one identifier of code
/// rather than a name written for readers: a single word, in backticks or not, with no space, whose parts
/// are joined by `:` (an OAuth scope such as `logs:read`, `workers_kv:write`), or by `_` with no capital
/// letter (`ai_gateway_read`; `AI_Gateway_Read` is a name with its spaces replaced); or, in backticks, a
/// lowercase `key: value` pair as YAML writes it (`pages: write`, `id-token: write`: a GitHub Actions
/// permission). Name normalisation reads those joiners as spaces, which would make `logs:read` the group
/// "Logs Read".
pub fn is_code_identifier(raw: &str) -> bool {
    let trimmed = raw.trim();
    let word = trimmed.trim_matches('`');
    let in_backticks = trimmed.len() >= 2 && trimmed.starts_with('`') && trimmed.ends_with('`');
    if in_backticks && is_yaml_pair(word) {
        return true;
    }
    let joined =
        word.contains(':') || (word.contains('_') && !word.chars().any(char::is_uppercase));
    !word.is_empty()
        && joined
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ':' | '_' | '-' | '.'))
        && word.chars().any(char::is_alphabetic)
}

/// Whether `code` is `key: value`, both lowercase ASCII words (with `-`, `_` or digits), spaces after the
/// colon only.
fn is_yaml_pair(code: &str) -> bool {
    let Some((key, value)) = code.split_once(':') else {
        return false;
    };
    let lowercase_word = |part: &str| {
        part.bytes().any(|byte| byte.is_ascii_lowercase())
            && part.bytes().all(|byte| {
                byte.is_ascii_lowercase() || byte.is_ascii_digit() || matches!(byte, b'-' | b'_')
            })
    };
    value.starts_with(' ') && lowercase_word(key) && lowercase_word(value.trim_start_matches(' '))
}

/// The text of `span` in `text`, with the backticks right around it when it is a whole code span's text
/// (`pages: write` in `` `pages: write` ``), for [`is_code_identifier`].
pub fn with_backticks_around(text: &str, span: std::ops::Range<usize>) -> &str {
    let wrapped = span.start > 0
        && text.as_bytes()[span.start - 1] == b'`'
        && text.as_bytes().get(span.end) == Some(&b'`');
    if wrapped {
        &text[span.start - 1..span.end + 1]
    } else {
        &text[span]
    }
}

/// Whether `text` starts with `word` followed by a space or nothing.
pub fn starts_with_word(text: &str, word: &str) -> bool {
    text.strip_prefix(word)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

/// Whether `text` ends with `word` preceded by a space or nothing.
pub fn ends_with_word(text: &str, word: &str) -> bool {
    text.strip_suffix(word)
        .is_some_and(|rest| rest.is_empty() || rest.ends_with(' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_identifiers_are_single_words_joined_by_colons_or_underscores() {
        for identifier in [
            "`logs:read`",
            "workers_kv:write",
            " `zone:read` ",
            "dns_records:edit",
            "日本_語",
            "`pages: write`",
            "`id-token:  write`",
        ] {
            assert!(is_code_identifier(identifier), "{identifier}");
        }
        for name in [
            "Logs Read",
            "`Account Analytics:read`",
            "_AI Gateway Read_",
            "AI Gateway - Read",
            "`:`",
            "__",
            "AI_Gateway_Read",
            "pages: write",
            "`Zone: Read`",
            "`pages:  `",
        ] {
            assert!(!is_code_identifier(name), "{name}");
        }
    }

    /// Normalisation one character at a time, as the table-driven runs must read it, each `](` searched for
    /// its `)` afresh.
    fn reference(source: &str, mode: Mode, params: &[(String, String)]) -> Normalized {
        let separator: fn(char) -> bool = match mode {
            Mode::Name => is_name_separator,
            Mode::Prose => is_prose_separator,
        };
        let mut out = Normalized {
            source_end: source.len(),
            ..Normalized::default()
        };
        let mut writer = Writer {
            out: &mut out,
            pending_space: false,
            track: true,
            destinations: Destinations::default(),
        };
        let mut index = 0;
        while index < source.len() {
            if source[index..].starts_with(['{', ']', '&']) {
                // Each `](` searched for its `)` afresh, as `normalize` remembers where none is.
                writer.destinations = Destinations::default();
                index += read_slow(source, index, 0, mode, params, &mut writer, separator);
                continue;
            }
            let c = source[index..].chars().next().unwrap();
            writer.push(c, index, separator);
            index += c.len_utf8();
        }
        out
    }

    #[test]
    fn runs_read_as_one_character_at_a_time_next_to_every_construct() {
        let pieces = [
            "AI",
            "gateway",
            "Run",
            " ",
            "  \t",
            "\n",
            "**",
            "-",
            "_x_",
            "]",
            "](x)",
            "](a\nb)",
            "](",
            ")",
            "[a](b)c",
            "{props.x}",
            "{props.y}",
            "{props.a.b}",
            "{",
            "}",
            "{{ .Get \"x\" }}",
            "&amp;",
            "&#65;",
            "&",
            "&bogus;",
            "日本",
            "é",
            "e\u{301}",
            "שלום",
            "😀",
            "\u{a0}",
            "’",
            "İ",
            "/",
            ".",
            "+",
            "|",
        ];
        let params = [("x".to_owned(), "Über-Run".to_owned())];
        let mut checked = 0;
        for first in pieces {
            for second in pieces {
                for third in pieces {
                    let source = format!("{first}{second}{third}");
                    for mode in [Mode::Name, Mode::Prose] {
                        for params in [&params[..], &[]] {
                            let fast = normalize(&source, 0, mode, params);
                            let slow = reference(&source, mode, params);
                            assert_eq!(fast.text, slow.text, "{source:?} {mode:?}");
                            assert_eq!(fast.origins, slow.origins, "{source:?} {mode:?}");
                            assert_eq!(normalize_text(&source, mode, params), slow.text);
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, pieces.len().pow(3) * 4);
    }

    #[test]
    fn runs_of_ascii_words_keep_each_byte_s_own_offset() {
        let source = "Über  **AI-Gateway** &amp; {props.x} 日本Run]x &#65;b";
        let normalized = normalize(source, 0, Mode::Name, &[]);
        assert_eq!(
            normalized.text,
            format!("über ai gateway & {WILDCARD} 日本run x ab")
        );
        // Every byte of a normalised word maps back to the source byte it came from.
        for (word, source_word) in [("gateway", "Gateway"), ("run", "Run"), ("ai", "AI")] {
            let at = normalized.text.find(word).unwrap();
            let range = normalized.source_range(at..at + word.len(), source);
            assert_eq!(&source[range], source_word, "{word}");
            let first = normalized.source_range(at + 1..at + 2, source);
            assert_eq!(&source[first], &source_word[1..2], "{word}");
        }
        assert_eq!(
            normalize_text("AI Gateway{props.x}Read", Mode::Prose, &[]),
            format!("ai gateway{WILDCARD}read")
        );
    }

    #[test]
    fn a_range_ending_in_a_reference_or_a_placeholder_ends_after_it() {
        let source = "日本 Rea&#100; gateway {props.level} x &#65;";
        let normalized = normalize(source, 0, Mode::Name, &[]);
        let range_of = |word: &str| {
            let at = normalized.text.find(word).unwrap();
            &source[normalized.source_range(at..at + word.len(), source)]
        };
        assert_eq!(range_of("read"), "Rea&#100;");
        assert_eq!(
            range_of(&format!("gateway {WILDCARD}")),
            "gateway {props.level}"
        );
        assert_eq!(range_of("x a"), "x &#65;");
        assert_eq!(range_of("日本"), "日本");
    }
}
