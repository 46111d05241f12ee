//! The pre-pass itself: the page read line by line (front matter, ESM, fences, directives, comments,
//! multi-line JSX), then inline (tags, expressions, shortcodes, includes), each construct recorded in the
//! [`Scan`] and blanked out of the masked copy.

use std::borrow::Cow;

use super::container::Container;
use super::jsx::{construct_limit, parse_tag, skip_expression_with, string_end};
use super::*;

/// Runs the pre-pass over `text`.
pub fn scan(text: &str, dialect: Dialect) -> Scan {
    // A lone `\r` ends a line (CommonMark), but pulldown-cmark and the line logic below know only `\n`: both
    // work on a copy in which each lone `\r` is a `\n`, one byte for one, so every offset stays the same.
    let lines = lone_carriage_returns_as_line_feeds(text);
    scan_lines(&lines, dialect).0
}

/// [`scan`] of a text with no lone `\r`, and how many bytes the traces of failed expressions read
/// ([`FailedExpressions`]).
fn scan_lines(text: &str, dialect: Dialect) -> (Scan, usize) {
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        dialect,
        masked: text.as_bytes().to_vec(),
        scan: Scan::default(),
        open_directives: Vec::new(),
        container_runs: Vec::new(),
        closers: Closers::default(),
        failed_expressions: FailedExpressions::default(),
        text_line: None,
    };
    scanner.run();
    let Scanner {
        mut scan,
        masked,
        failed_expressions,
        ..
    } = scanner;
    scan.masked =
        String::from_utf8(masked).expect("masking keeps UTF-8: whole characters become spaces");
    (scan, failed_expressions.traced)
}

/// `text` with every `\r` that is not followed by `\n` turned into `\n` (borrowed when there is none):
/// the text the pass reads.
pub fn lone_carriage_returns_as_line_feeds(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |index: &usize| bytes.get(index + 1) != Some(&b'\n');
    if !memchr::memchr_iter(b'\r', bytes).any(|index| lone(&index)) {
        return Cow::Borrowed(text);
    }
    let mut converted = bytes.to_vec();
    for index in memchr::memchr_iter(b'\r', bytes).filter(lone) {
        converted[index] = b'\n';
    }
    // Replacing one ASCII byte by another keeps the text UTF-8.
    String::from_utf8(converted).map_or(Cow::Borrowed(text), Cow::Owned)
}

struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    dialect: Dialect,
    masked: Vec<u8>,
    scan: Scan,
    /// The directives open at the line being read, outermost first.
    open_directives: Vec<Directive>,
    /// The containers (blockquote, list item) the open directives opened in, as runs: each with the index
    /// in `open_directives` of the first directive of the run. A directive opened in no container starts
    /// none, so a page of thousands of nested directives checks each line against a few containers.
    container_runs: Vec<(Container, usize)>,
    closers: Closers,
    /// The expressions that did not close, to answer for the `{` inside them at once.
    failed_expressions: FailedExpressions,
    /// The start of the last line read as inline content (see [`Scanner::continues_paragraph`]).
    text_line: Option<usize>,
}

/// The expressions that did not close and reach past the bytes the scan has read: a `{` inside any of
/// them that it marks as failing is given up at once. Several are kept, not only the last: a `{` inside a
/// string of one failed expression (`{"{"{"...`) starts another, and each answers for every other brace.
///
/// A page whose failed expressions have read more than [`FailedExpressions::budget`] bytes (text built to
/// defeat the traces) gives up every `{` inside one: each scan reads up to [`MAX_CONSTRUCT`] bytes, and
/// scanning from every brace of a long run would take seconds.
#[derive(Default)]
struct FailedExpressions {
    traces: Vec<FailedExpression>,
    /// How many bytes the traces read in all.
    traced: usize,
}

impl FailedExpressions {
    /// How many bytes the traces of a page of `length` bytes may read before every `{` inside a failed
    /// expression is given up: far more than a page with a few stray braces needs.
    fn budget(length: usize) -> usize {
        4 * length + 64 * super::jsx::MAX_CONSTRUCT
    }

    /// Whether an expression starting at `pos` (the scan reads forward: traces that end before `pos` are
    /// dropped) is known not to close, or given up, on a page of `length` bytes.
    fn known_to_fail(&mut self, pos: usize, length: usize) -> bool {
        if self.traces.is_empty() {
            return false;
        }
        self.traces.retain(|trace| trace.end() > pos);
        if self.traced > Self::budget(length) {
            return self.traces.iter().any(|trace| trace.start <= pos);
        }
        self.traces.iter().any(|trace| trace.also_fails(pos))
    }

    fn push(&mut self, trace: FailedExpression) {
        self.traced += trace.fails.len();
        self.traces.push(trace);
    }
}

/// An expression that does not close, and which of the `{` inside it start expressions that cannot close
/// either: those after which the nesting depth never comes back down to where it was before them. So a
/// run of unclosed `{` is scanned once, not once per brace ([`MAX_CONSTRUCT`] bytes each).
///
/// An expression starting inside a failed one is given up at the same point as the outer one (where the
/// outer one reached its [`MAX_CONSTRUCT`] limit, or a string or comment that does not end): what it would
/// find a little further on is an expression that starts inside unclosed, invalid MDX.
struct FailedExpression {
    start: usize,
    /// Per byte from `start`: whether an expression starting there is known not to close.
    fails: Vec<bool>,
}

impl FailedExpression {
    /// Replays [`skip_expression`] from `start` (which returned `None`), recording the depth before each
    /// `{` that is code (not in a string or comment), then marks the braces the depth never returns to.
    fn trace(
        text: &str,
        start: usize,
        comment_end: &mut dyn FnMut(usize, usize) -> Option<usize>,
    ) -> FailedExpression {
        let bytes = text.as_bytes();
        let limit = construct_limit(text, start);
        // (offset of a `{` in code, depth before it), and the depth after each byte in code, up to where
        // the scan stops (sized as it goes: a scan that stops at once, in a comment that does not end,
        // allocates nothing for the bytes it never reads).
        let mut opens: Vec<(usize, usize)> = Vec::new();
        let mut depth_after: Vec<Option<usize>> = Vec::new();
        let mut depth = 0usize;
        let mut index = start;
        'scan: while index < limit {
            match bytes[index] {
                b'{' => {
                    opens.push((index - start, depth));
                    depth += 1;
                }
                b'}' => depth = depth.saturating_sub(1),
                quote @ (b'"' | b'\'' | b'`') => match string_end(bytes, index + 1, limit, quote) {
                    Some(end) => index = end,
                    None => break 'scan,
                },
                b'/' if index + 1 < limit && bytes[index + 1] == b'*' => {
                    match comment_end(index + 2, limit) {
                        Some(close) => index = close + 1,
                        None => break,
                    }
                    continue;
                }
                _ => {}
            }
            depth_after.resize(index - start, None);
            depth_after.push(Some(depth));
            index += 1;
        }
        // The lowest depth from each byte to where the scan stopped.
        let mut lowest_from = vec![usize::MAX; depth_after.len() + 1];
        for offset in (0..depth_after.len()).rev() {
            lowest_from[offset] =
                lowest_from[offset + 1].min(depth_after[offset].unwrap_or(usize::MAX));
        }
        let mut fails = vec![false; depth_after.len()];
        for (offset, before) in opens {
            fails[offset] = lowest_from[offset] > before;
        }
        FailedExpression { start, fails }
    }

    /// Where the scan of the expression stopped.
    fn end(&self) -> usize {
        self.start + self.fails.len()
    }

    /// Whether an expression starting at `pos` is known not to close.
    fn also_fails(&self, pos: usize) -> bool {
        pos.checked_sub(self.start)
            .and_then(|offset| self.fails.get(offset))
            .copied()
            .unwrap_or(false)
    }
}

/// The next occurrence of each closing marker (`-->`, `}}`, `>}}`, `%}}`), remembered so that a page full of
/// openers without closers is scanned once, not once per opener.
#[derive(Default)]
struct Closers {
    /// Per marker: the position a search started from and where it found the marker (None: nowhere after).
    found: Vec<(&'static str, usize, Option<usize>)>,
}

impl Closers {
    /// The first occurrence of `marker` at or after `from`.
    fn find(&mut self, text: &str, from: usize, marker: &'static str) -> Option<usize> {
        if let Some(&(_, searched_from, found)) =
            self.found.iter().find(|(known, _, _)| *known == marker)
            && searched_from <= from
            && found.is_none_or(|at| at >= from)
        {
            return found;
        }
        let found = text[from.min(text.len())..]
            .find(marker)
            .map(|offset| from + offset);
        self.found.retain(|(known, _, _)| *known != marker);
        self.found.push((marker, from, found));
        found
    }
}

/// The bytes [`Scanner::inline`] stops at: a line break, a code span, a tag, an expression, an escape.
const INLINE_STOPS: [u8; 5] = *b"\n`<{\\";

impl Scanner<'_> {
    fn run(&mut self) {
        let mut pos = self.front_matter();
        while pos < self.bytes.len() {
            pos = self.line(pos);
        }
        self.container_runs.clear();
        for directive in self.open_directives.drain(..).rev() {
            self.scan.directives.push(directive);
        }
        self.scan
            .directives
            .sort_by_key(|directive| directive.open.start);
    }

    fn mask(&mut self, range: Range<usize>) {
        // Whole characters only, so that the masked text stays UTF-8.
        let range = crate::doc::span::snap(self.text, range);
        // Zipped slices, not indexes: no bounds check a byte, and the loop vectorises.
        for (masked, &byte) in self.masked[range.clone()]
            .iter_mut()
            .zip(&self.bytes[range])
        {
            if byte != b'\n' && byte != b'\r' {
                *masked = b' ';
            }
        }
    }

    fn line_end(&self, pos: usize) -> usize {
        memchr::memchr(b'\n', &self.bytes[pos..]).map_or(self.bytes.len(), |offset| pos + offset)
    }

    fn next_line(&self, pos: usize) -> usize {
        (self.line_end(pos) + 1).min(self.bytes.len())
    }

    fn front_matter(&mut self) -> usize {
        let first_end = self.line_end(0);
        if self.text[..first_end].trim_end() != "---" {
            return 0;
        }
        let mut pos = self.next_line(0);
        while pos < self.bytes.len() {
            let end = self.line_end(pos);
            let line = self.text[pos..end].trim_end();
            if line == "---" || line == "..." {
                self.scan.front_matter = Some(0..end);
                self.mask(0..end);
                return self.next_line(pos);
            }
            pos = self.next_line(pos);
        }
        0
    }

    /// Handles the line starting at `pos`; returns where the next line starts.
    fn line(&mut self, pos: usize) -> usize {
        if !self.container_runs.is_empty() {
            self.end_directives_outside(pos);
        }
        let indent = self.bytes[pos..]
            .iter()
            .take_while(|byte| matches!(byte, b' ' | b'\t'))
            .count();
        // Only a few first characters can start a line construct; every other line is inline content.
        let first = self.bytes.get(pos + indent).copied().unwrap_or(b'\n');
        let mdx = self.dialect == Dialect::Mdx;
        let line_construct =
            matches!(first, b'`' | b'~') || (mdx && matches!(first, b'i' | b'e' | b':'));
        if !line_construct {
            if mdx && matches!(first, b'|' | b'-' | b':') {
                self.delimiter_row_tabs(pos + indent);
            }
            if mdx && self.directive_after_markers(pos, indent) {
                return self.next_line(pos);
            }
            self.text_line = Some(pos);
            return self.inline(pos + indent);
        }
        // Only a line construct asks (ESM cannot interrupt a paragraph); every other line skips the work.
        let after_paragraph = self.continues_paragraph(pos);
        let end = self.line_end(pos);
        let trimmed = &self.text[pos + indent..end];
        if let Some(after) = self.fence(pos, trimmed, indent) {
            return after;
        }
        // ESM cannot interrupt a paragraph: `import` on the line after text is text (micromark-extension-
        // mdxjs-esm).
        if mdx && indent == 0 && !after_paragraph && is_esm_start(trimmed) {
            return self.esm(pos);
        }
        if mdx && trimmed.starts_with(":::") && self.directive(pos, end, indent, indent) {
            return self.next_line(pos);
        }
        self.text_line = Some(pos);
        self.inline(pos + indent)
    }

    /// Whether the line before `pos` was read as text that a paragraph may go on from (not blank, not an
    /// ATX heading, a thematic break or a line of flow constructs).
    fn continues_paragraph(&self, pos: usize) -> bool {
        let Some(previous) = self.text_line else {
            return false;
        };
        if pos == 0 || previous >= pos || self.next_line(previous) != pos {
            return false;
        }
        let line = self.text[previous..pos].trim();
        let atx = line.starts_with('#')
            && line
                .trim_start_matches('#')
                .chars()
                .next()
                .is_none_or(char::is_whitespace)
            && line.len() - line.trim_start_matches('#').len() <= 6;
        let thematic_break = ['-', '*', '_'].iter().any(|marker| {
            line.chars().filter(|c| c == marker).count() >= 3
                && line.chars().all(|c| c == *marker || c == ' ' || c == '\t')
        });
        // A line of nothing but tags, comments or an expression is a flow construct, not text.
        let only_constructs = self.masked[previous..pos]
            .iter()
            .all(u8::is_ascii_whitespace)
            || self.scan.expressions.last().is_some_and(|expression| {
                self.text[previous..pos].trim() == &self.text[expression.clone()]
            });
        !line.is_empty() && !atx && !thematic_break && !only_constructs
    }

    /// Ends the open directives whose container (blockquote, list item) the line at `pos` is outside of,
    /// and every directive inside them, at the end of the last line before it that is not blank: no line
    /// continues a directive lazily.
    fn end_directives_outside(&mut self, pos: usize) {
        let line = &self.text[pos..self.line_end(pos)];
        let Some(&(_, outermost)) = self
            .container_runs
            .iter()
            .find(|(container, _)| !container.holds(line))
        else {
            return;
        };
        let last_line_end = self.text[..pos].trim_end().len();
        self.container_runs.retain(|&(_, start)| start < outermost);
        for mut directive in self.open_directives.drain(outermost..).rev() {
            directive.container_end = Some(last_line_end.max(directive.open.end));
            self.scan.directives.push(directive);
        }
    }

    /// A directive fence after list or quote markers (`- :::note`, `> :::`): a directive inside the item or
    /// quote, as in remark-directive.
    fn directive_after_markers(&mut self, pos: usize, indent: usize) -> bool {
        let end = self.line_end(pos);
        let markers = container_markers(&self.text[pos + indent..end]);
        if markers == 0 || !self.text[pos + indent + markers..end].starts_with(":::") {
            return false;
        }
        self.directive(pos, end, indent, indent + markers)
    }

    /// In a table's delimiter row (`|\t---\t|`), tabs are spaces for pulldown-cmark, which otherwise does not
    /// see a table where remark-gfm does (MDX only; mdBook's Markdown keeps pulldown-cmark's reading).
    fn delimiter_row_tabs(&mut self, from: usize) {
        let end = self.line_end(from);
        let row = &self.bytes[from..end];
        let delimiter = row.contains(&b'-')
            && row.contains(&b'\t')
            && row
                .iter()
                .all(|byte| matches!(byte, b'|' | b'-' | b':' | b' ' | b'\t' | b'\r'));
        if delimiter {
            for index in from..end {
                if self.bytes[index] == b'\t' {
                    self.masked[index] = b' ';
                }
            }
        }
    }

    /// A fenced code block opening at this line: skips to after its closing line.
    fn fence(&mut self, pos: usize, trimmed: &str, indent: usize) -> Option<usize> {
        let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let run = trimmed.chars().take_while(|c| *c == marker).count();
        if run < 3 || (marker == '`' && trimmed[run..].contains('`')) {
            return None;
        }
        let mut line = self.next_line(pos);
        while line < self.bytes.len() {
            let end = self.line_end(line);
            let candidate = self.text[line..end].trim();
            let close_run = candidate.chars().take_while(|c| *c == marker).count();
            if close_run >= run && close_run == candidate.len() {
                self.scan.fences.push(pos..end);
                return Some(self.next_line(line));
            }
            line = self.next_line(line);
        }
        let _ = indent;
        self.scan.fences.push(pos..self.bytes.len());
        Some(self.bytes.len())
    }

    fn esm(&mut self, pos: usize) -> usize {
        let mut depth = 0i32;
        let mut line = pos;
        // Where the statement ends if its brackets never balance: MDX ends an ESM block at a blank line.
        let mut before_blank: Option<usize> = None;
        loop {
            let end = self.line_end(line);
            let text = &self.text[line..end];
            depth += text.matches(['{', '(', '[']).count() as i32;
            depth -= text.matches(['}', ')', ']']).count() as i32;
            let next = self.next_line(line);
            let next_blank =
                next >= self.bytes.len() || self.text[next..self.line_end(next)].trim().is_empty();
            if next_blank && before_blank.is_none() {
                before_blank = Some(end);
            }
            let finished = depth <= 0
                && (text.trim_end().ends_with(';') || next_blank || !continues(&self.text[next..]));
            if finished || next >= self.bytes.len() {
                let end = if finished {
                    end
                } else {
                    before_blank.unwrap_or(end)
                };
                self.scan.esm.push(pos..end);
                self.mask(pos..end);
                return self.next_line(end);
            }
            line = next;
        }
    }

    /// A directive fence at `pos + fence`, after `indent` bytes of whitespace (and list or quote markers up
    /// to `fence`).
    fn directive(&mut self, pos: usize, end: usize, indent: usize, fence: usize) -> bool {
        let (line_start, indent_text) = (pos, self.text[pos..pos + indent].to_owned());
        let (pos, indent) = (pos + fence - indent, indent);
        let line = &self.text[pos + indent..end];
        let rest = line.trim_start_matches(':');
        let colons = line.len() - rest.len();
        if colons < 3 {
            return false;
        }
        // remark-directive allows spaces and tabs after a fence, no other white space (a no-break space
        // after `:::` makes the line text).
        let rest = rest.trim_end_matches([' ', '\t', '\r']);
        if rest.is_empty() {
            // As in remark-directive, the outermost open directive whose fence this one is as long as closes,
            // and every directive inside it with it: nesting needs a longer fence outside (`::::note`).
            let fence = |directive: &Directive| {
                self.text[directive.open.clone()].len()
                    - self.text[directive.open.clone()]
                        .trim_start_matches(':')
                        .len()
            };
            let Some(outermost) = self
                .open_directives
                .iter()
                .position(|directive| fence(directive) <= colons)
            else {
                return false;
            };
            self.container_runs.retain(|&(_, start)| start < outermost);
            for mut directive in self.open_directives.drain(outermost..).rev() {
                directive.close = Some(pos + indent..end);
                self.scan.directives.push(directive);
            }
            self.mask(pos + indent..end);
            return true;
        }
        let name_len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        if name_len == 0 {
            return false;
        }
        let name_start = pos + indent + colons;
        let after_name = &rest[name_len..];
        if !only_label_and_attributes(after_name) {
            // `:::note Some text` opens no directive in remark-directive: it is a paragraph.
            return false;
        }
        let title = after_name.strip_prefix('[').and_then(|inner| {
            inner.find(']').map(|close| {
                let start = name_start + name_len + 1;
                start..start + close
            })
        });
        let container = Container::of_fence(self.text, line_start, pos + indent);
        let directive = Directive {
            name: rest[..name_len].to_ascii_lowercase(),
            title,
            open: pos + indent..end,
            close: None,
            container_end: None,
            indent: indent_text,
        };
        let new_run = container.is_some()
            && self
                .container_runs
                .last()
                .is_none_or(|&(last, _)| last != container);
        if new_run {
            self.container_runs
                .push((container, self.open_directives.len()));
        }
        self.open_directives.push(directive);
        self.mask(pos + indent..end);
        true
    }

    /// Scans inline content from `pos` to the end of the line; a construct may carry the scan over line
    /// breaks. Returns where the next line starts.
    fn inline(&mut self, mut pos: usize) -> usize {
        while pos < self.bytes.len() {
            // Most bytes are plain text: skip to the next one that can start something.
            pos += crate::bytes::run_without(&self.bytes[pos..], &INLINE_STOPS);
            if pos >= self.bytes.len() {
                break;
            }
            let consumed = match self.bytes[pos] {
                b'\n' => return pos + 1,
                b'`' => self.code_span(pos),
                b'<' => self.angle(pos),
                b'{' => self.brace(pos),
                b'\\' => Some(pos + 2),
                _ => None,
            };
            pos = consumed.unwrap_or(pos + 1);
        }
        self.bytes.len()
    }

    /// An inline code span: skips to after its closing backticks, or past the opening run when unclosed.
    fn code_span(&self, pos: usize) -> Option<usize> {
        let run = self.bytes[pos..].iter().take_while(|b| **b == b'`').count();
        let limit = construct_limit(self.text, pos);
        let mut cursor = pos + run;
        while cursor < limit {
            match self.bytes[cursor] {
                b'`' => {
                    let close_run = self.bytes[cursor..limit]
                        .iter()
                        .take_while(|b| **b == b'`')
                        .count();
                    if close_run == run {
                        return Some(cursor + run);
                    }
                    cursor += close_run;
                }
                // A blank line ends the paragraph, and with it any code span.
                b'\n'
                    if self.bytes[cursor + 1..limit]
                        .iter()
                        .find(|byte| !matches!(byte, b' ' | b'\t' | b'\r'))
                        .is_none_or(|byte| *byte == b'\n') =>
                {
                    break;
                }
                _ => cursor += 1,
            }
        }
        Some(pos + run)
    }

    fn angle(&mut self, pos: usize) -> Option<usize> {
        if self.text[pos..].starts_with("<!--") {
            let end = self.closers.find(self.text, pos + 4, "-->")? + 3;
            self.scan.comments.push(Comment {
                range: pos..end,
                inner: (pos + 4).min(end - 3)..end - 3,
            });
            if self.dialect == Dialect::Mdx {
                self.mask(pos..end);
            }
            return Some(end);
        }
        let tag = parse_tag(self.text, pos)?;
        let end = tag.range.end;
        self.mask(tag.range.clone());
        self.scan.tags.push(tag);
        Some(end)
    }

    fn brace(&mut self, pos: usize) -> Option<usize> {
        let rest = &self.text[pos..];
        if rest.starts_with("{{#") {
            let close = self.closers.find(self.text, pos + 3, "}}")? - pos;
            let inner = rest[3..close].trim();
            let (command, argument) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
            if command == "include" || command == "rustdoc_include" {
                self.scan.book_includes.push(BookInclude {
                    range: pos..pos + close + 2,
                    argument: argument.trim().to_owned(),
                });
            }
            self.mask(pos..pos + close + 2);
            return Some(pos + close + 2);
        }
        if rest.starts_with("{{<") || rest.starts_with("{{%") {
            let closer = if rest.starts_with("{{<") {
                ">}}"
            } else {
                "%}}"
            };
            let end = self.closers.find(self.text, pos + 3, closer)? + 3;
            if end > construct_limit(self.text, pos) {
                return None;
            }
            if let Some(crate::doc::shortcode::Shortcode::Tag(tag)) =
                crate::doc::shortcode::parse(self.text, pos, end)
            {
                self.scan.shortcodes.push(tag);
            }
            self.mask(pos..end);
            return Some(end);
        }
        if self.dialect != Dialect::Mdx {
            return None;
        }
        if self.failed_expressions.known_to_fail(pos, self.text.len()) {
            return None;
        }
        let (text, closers) = (self.text, &mut self.closers);
        let mut comment_end = |from: usize, limit: usize| {
            closers.find(text, from, "*/").filter(|&at| at + 2 <= limit)
        };
        let Some(end) = skip_expression_with(text, pos, &mut comment_end) else {
            let trace = FailedExpression::trace(text, pos, &mut comment_end);
            self.failed_expressions.push(trace);
            return None;
        };
        let inner = self.text[pos + 1..end - 1].trim();
        if inner.starts_with("/*") && inner.ends_with("*/") {
            let inner_start = pos + 1 + self.text[pos + 1..].find("/*").unwrap_or(0) + 2;
            let inner_end = pos + self.text[pos..end].rfind("*/").unwrap_or(end - pos);
            self.scan.comments.push(Comment {
                range: pos..end,
                inner: inner_start..inner_end.max(inner_start),
            });
            self.mask(pos..end);
        } else {
            self.scan.expressions.push(pos..end);
            if self.text[pos..end].contains('\n') {
                // A multi-line expression is code: pulldown-cmark must not read headings or lists inside it.
                self.mask(pos..end);
            }
        }
        Some(end)
    }
}

/// Whether what follows a directive's name on its opening line is only an optional `[label]` and an optional
/// `{attributes}` (then whitespace), as remark-directive requires.
fn only_label_and_attributes(after_name: &str) -> bool {
    let mut rest = after_name;
    if let Some(label) = rest.strip_prefix('[') {
        // The label may hold balanced brackets (a link).
        let mut depth = 1usize;
        let close = label.char_indices().find(|(_, c)| {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => {}
            }
            depth == 0
        });
        let Some((close, _)) = close else {
            return false;
        };
        rest = &label[close + 1..];
    }
    if let Some(attributes) = rest.strip_prefix('{') {
        let Some(close) = attributes.find('}') else {
            return false;
        };
        rest = &attributes[close + 1..];
    }
    rest.trim_matches([' ', '\t', '\r']).is_empty()
}

/// The length of the list and quote markers (with the whitespace after each) that start `line`.
fn container_markers(line: &str) -> usize {
    let mut rest = line;
    loop {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let marker = match rest.as_bytes().first() {
            Some(b'>') => 1,
            Some(b'-' | b'*' | b'+') => 1,
            Some(b'0'..=b'9')
                if digits <= 9 && matches!(rest.as_bytes().get(digits), Some(b'.' | b')')) =>
            {
                digits + 1
            }
            _ => break,
        };
        let after = &rest[marker..];
        let spaces = after.len() - after.trim_start_matches([' ', '\t']).len();
        if spaces == 0 && !rest.starts_with('>') {
            break;
        }
        rest = &after[spaces..];
    }
    line.len() - rest.len()
}

fn is_esm_start(line: &str) -> bool {
    (line.starts_with("import ") || line.starts_with("import{") || line.starts_with("export "))
        && !line.starts_with("import the")
}

/// Whether the line after an unfinished ESM line continues the statement.
fn continues(rest: &str) -> bool {
    let next = rest.lines().next().unwrap_or("");
    next.starts_with([' ', '\t', '}', ')', ']']) || next.trim_start().starts_with("from ")
}

#[cfg(test)]
mod tests {
    use super::super::jsx::{MAX_CONSTRUCT, comment_end_within, skip_expression};
    use super::*;

    #[test]
    fn html_table_parts_are_named_in_any_case_and_nothing_else_is() {
        let text = "<TABLE><Tr><td>日本</TD><tH>🚀</th><tbody><tda><t><Table.Row></table>";
        let parts: Vec<(Option<&str>, TagKind)> = scan(text, Dialect::Mdx)
            .tags
            .iter()
            .map(|tag| (tag.html_table_part(), tag.kind))
            .collect();
        assert_eq!(
            parts,
            [
                (Some("table"), TagKind::Open),
                (Some("tr"), TagKind::Open),
                (Some("td"), TagKind::Open),
                (Some("td"), TagKind::Close),
                (Some("th"), TagKind::Open),
                (Some("th"), TagKind::Close),
                (None, TagKind::Open),
                (None, TagKind::Open),
                (None, TagKind::Open),
                (None, TagKind::Open),
                (Some("table"), TagKind::Close),
            ]
        );
    }

    #[test]
    fn front_matter_esm_and_multi_line_jsx_are_masked() {
        let text = "---\ntitle: X\n---\n\nimport { Render, Tabs } from \"~/components\";\n\n<Render\n\tfile=\"t\"\n\tparams={{ one: \"Edit\" }}\n/>\n\nText {props.one} here.\n";
        let scan = scan(text, Dialect::Mdx);
        assert_eq!(scan.front_matter, Some(0..16));
        assert_eq!(scan.esm.len(), 1);
        assert_eq!(scan.tags.len(), 1);
        let tag = &scan.tags[0];
        assert_eq!(tag.name, "Render");
        assert_eq!(tag.kind, TagKind::SelfClosing);
        assert_eq!(tag.text_attribute(text, "file"), Some("t"));
        let params = tag.expression_attribute("params").unwrap();
        assert_eq!(&text[params], "{ one: \"Edit\" }");
        assert_eq!(scan.masked.len(), text.len());
        assert!(scan.masked.contains("Text {props.one} here."));
        assert!(!scan.masked.contains("Render"));
        assert!(!scan.masked.contains("title"));
    }

    #[test]
    fn a_brace_inside_a_failed_expression_fails_only_when_it_cannot_close() {
        // Every text of up to 6 tokens: each `{` the trace marks as failing does not close on its own.
        // (The texts are shorter than MAX_CONSTRUCT, where the trace and a fresh scan give up alike.)
        let tokens = ["{", "}", "\"", "'", "\n", "a", "/*", "*/", "日", "`"];
        let mut texts = vec![String::new()];
        for _ in 0..6 {
            texts = texts
                .iter()
                .flat_map(|text| tokens.iter().map(move |token| format!("{text}{token}")))
                .collect();
            for text in &texts {
                for (start, _) in text.match_indices('{') {
                    if skip_expression(text, start).is_some() {
                        continue;
                    }
                    let failed = FailedExpression::trace(text, start, &mut |from, limit| {
                        comment_end_within(text, from, limit)
                    });
                    for (pos, _) in text.match_indices('{') {
                        if failed.also_fails(pos) {
                            assert_eq!(
                                skip_expression(text, pos),
                                None,
                                "{text:?} from {start} at {pos}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn a_run_of_unclosed_braces_is_scanned_once() {
        // One megabyte of `{`: scanning MAX_CONSTRUCT bytes for each would take 8 * 10^9 steps.
        let text = format!("# T\n\n{}\n\nText {{props.x}} here.\n", "{".repeat(1 << 20));
        let scan = scan(&text, Dialect::Mdx);
        assert!(
            scan.masked.contains(&"{".repeat(1 << 20)),
            "the braces stay text"
        );
        let failed = FailedExpression::trace(&text, 5, &mut |from, limit| {
            comment_end_within(&text, from, limit)
        });
        assert!(failed.also_fails(6) && failed.also_fails(5 + MAX_CONSTRUCT - 1));
        assert!(
            !failed.also_fails(5 + MAX_CONSTRUCT),
            "past the trace nothing is known"
        );
    }

    #[test]
    fn braces_inside_the_strings_of_failed_expressions_are_traced_a_bounded_number_of_times() {
        // Each `{` inside a string of one failed expression starts another that fails too: traced one by
        // one, 200 KB of these read MAX_CONSTRUCT bytes per brace (seconds). The traces kept answer for them.
        for unit in ["{\"", "{'", "{\" ", "{/*\n", "日本{\"🚀", "{`"] {
            let text = format!(
                "# T 日本\n\n{}\n\nText {{props.x}} here.\n",
                unit.repeat(50_000)
            );
            let (scan, traced) = scan_lines(&text, Dialect::Mdx);
            assert!(
                traced <= FailedExpressions::budget(text.len()),
                "{unit:?}: {traced} bytes traced for {} bytes of text",
                text.len()
            );
            assert!(
                scan.expressions
                    .iter()
                    .any(|range| &text[range.clone()] == "{props.x}"),
                "{unit:?}: the expression after the run is read"
            );
        }
    }

    #[test]
    fn a_comment_that_does_not_end_is_searched_for_once() {
        // `{/*` on every line: each brace's expression opens a comment that never ends; the search for
        // `*/` is remembered, and the trace of each stops at the comment.
        let text = format!("- 日本 {}\n", "{/*\n".repeat(50_000));
        let (scan, traced) = scan_lines(&text, Dialect::Mdx);
        assert!(traced < text.len(), "{traced} bytes traced");
        assert!(scan.comments.is_empty() && scan.expressions.is_empty());
    }

    #[test]
    fn directives_nest_and_remember_title_and_indent() {
        let text =
            "1. Step\n\n   :::note[Heads up]\n   Inner\n   :::caution\n   Deep\n   :::\n   :::\n";
        let scan = scan(text, Dialect::Mdx);
        assert_eq!(scan.directives.len(), 2);
        let outer = &scan.directives[0];
        assert_eq!(outer.name, "note");
        assert_eq!(&text[outer.title.clone().unwrap()], "Heads up");
        assert_eq!(outer.indent, "   ");
        assert!(outer.close.is_some());
        assert_eq!(scan.directives[1].name, "caution");
    }

    #[test]
    fn only_spaces_and_tabs_may_follow_a_directive_fence() {
        // A no-break or ideographic space after `:::note` or a closing `:::` makes the line text, as
        // remark-directive reads it: the note opened above stays open.
        for space in ["\u{a0}", "\u{3000}", "\u{2003}"] {
            let text = format!(":::note{space}\nA 日本\n:::\n\n:::tip\nB\n:::{space}\n");
            let scan = scan(&text, Dialect::Mdx);
            assert_eq!(scan.directives.len(), 1, "{space:?}");
            assert_eq!(scan.directives[0].name, "tip");
            assert!(scan.directives[0].close.is_none(), "{space:?}");
        }
        let scan = scan(":::note[T] \t\r\nA\r\n::: \t\r\n", Dialect::Mdx);
        assert!(scan.directives[0].close.is_some());
    }

    #[test]
    fn nothing_is_recognised_inside_code() {
        let text = "```mdx\n<Render file=\"x\" />\n:::note\n```\n\nUse `<Aside>` here.\n";
        let scan = scan(text, Dialect::Mdx);
        assert!(scan.tags.is_empty());
        assert!(scan.directives.is_empty());
        assert_eq!(scan.fences, vec![0..38]);
    }

    #[test]
    fn comments_shortcodes_and_book_includes_are_found() {
        let text = "{/* scope-lint-disable SL003 */}\n{{<Aside type=\"note\">}}\nX\n{{</Aside>}}\n{{#include ../a.md:2:4}}\n";
        let mdx = scan(text, Dialect::Mdx);
        assert_eq!(mdx.comments.len(), 1);
        assert_eq!(
            &text[mdx.comments[0].inner.clone()],
            " scope-lint-disable SL003 "
        );
        let markdown = scan(text, Dialect::Markdown);
        assert_eq!(markdown.shortcodes.len(), 2);
        assert_eq!(markdown.shortcodes[0].name, "Aside");
        assert_eq!(markdown.shortcodes[1].kind, TagKind::Close);
        assert_eq!(markdown.book_includes[0].argument, "../a.md:2:4");
    }

    #[test]
    fn a_multibyte_character_at_the_search_limit_does_not_panic() {
        for (prefix, suffix) in [
            ("{{<", "é >}}\n"),
            ("Text\n\n<Render file=\"", "é\" />\n"),
            ("{", "é }\n"),
        ] {
            for pad in 8170..8200 {
                let text = format!("{prefix}{}{suffix}", "a".repeat(pad));
                scan(&text, Dialect::Mdx);
                scan(&text, Dialect::Markdown);
            }
        }
    }

    #[test]
    fn fuzzer_findings_do_not_panic() {
        let inputs = [
            format!("{{{{‹{}", "é".repeat(4095)),
            format!("<a bb=\"{}", "é".repeat(4100)),
            format!("<a b={}", "é".repeat(4100)),
            format!("<a {}=\"x\"", "b".repeat(8189)),
            format!("<a {}=x", "b".repeat(8189)),
            format!("{{/*{}", "é".repeat(4100)),
            format!("{{{}/*", "a".repeat(8190)),
            "<!-->\n<!--->\n".to_owned(),
        ];
        for input in &inputs {
            for dialect in [Dialect::Mdx, Dialect::Markdown] {
                let scan = scan(input, dialect);
                for comment in &scan.comments {
                    assert!(comment.inner.start <= comment.inner.end);
                }
            }
        }
    }

    #[test]
    fn an_unbalanced_import_ends_at_the_blank_line() {
        let text = "import{\n\n## Heading\n";
        let scan = scan(text, Dialect::Mdx);
        assert_eq!(scan.esm, vec![0..7]);
        assert!(scan.masked.contains("## Heading"));
    }

    #[test]
    fn multi_line_expressions_are_masked_and_single_line_ones_kept() {
        let scan = scan("{\n# not a heading }\n\nText {props.one}.\n", Dialect::Mdx);
        assert!(!scan.masked.contains('#'));
        assert!(scan.masked.contains("{props.one}"));
    }

    #[test]
    fn an_unclosed_opener_does_not_hide_a_later_closed_one() {
        let text = "<!-- open\n{{#include a.md\n\n<!-- closed -->\n{{#include b.md}}\n";
        let scan = scan(text, Dialect::Markdown);
        assert_eq!(
            scan.comments.len(),
            1,
            "the first comment runs to the second one's end"
        );
        assert_eq!(scan.book_includes.len(), 1);
    }

    #[test]
    fn plain_less_than_signs_and_autolinks_are_text() {
        let text = "a < b and <https://example.com> and 3<4\n";
        let scan = scan(text, Dialect::Markdown);
        assert!(scan.tags.is_empty());
        assert_eq!(scan.masked, text);
    }
}
