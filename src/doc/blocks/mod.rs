//! The page's block outline: every block at every depth, in document order, as mdast would list it.
//!
//! [`Recorder`] watches the same pulldown-cmark events the page model is built from (one pass, see
//! [`super::markdown`]) and notes each block with its range; [`assemble`] then adds what the MDX pre-pass
//! found and masked ([`super::mdx`]: front matter, ESM, JSX elements, expressions, directives) and works out
//! each block's depth from what encloses it. `scope-lint debug blocks` prints the result, and
//! `tests/mdast.rs` compares it with what `@mdx-js/mdx` (MDX) or plain pulldown-cmark (Markdown) parse.
//!
//! A tight list item has no paragraph in pulldown-cmark's events, but has one in mdast: the recorder makes
//! one from the item's inline content. `depth` counts the enclosing blocks that are listed themselves (list,
//! blockquote, jsx, directive); list items are not blocks.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Tag};

use super::mdx::{Scan, TagKind};
use super::source::SourceText;
use super::{Dialect, Element};

/// What a block is (the names are those of `scope-lint debug blocks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum BlockKind {
    /// An ATX or setext heading.
    Heading,
    /// A paragraph.
    Paragraph,
    /// A GFM table.
    Table,
    /// A Markdown list (`items` says how many items it has).
    List,
    /// A fenced or indented code block.
    Code,
    /// A blockquote (GFM alerts and call-out blockquotes included).
    Blockquote,
    /// A JSX element spanning lines (`<Tabs>` ... `</Tabs>`).
    Jsx,
    /// An MDX `{...}` expression on lines of its own.
    Expression,
    /// An MDX `import`/`export` block.
    Esm,
    /// A `:::name` container directive.
    Directive,
    /// An HTML block.
    Html,
    /// A `---`/`***` rule.
    ThematicBreak,
    /// The front matter.
    FrontMatter,
}

impl BlockKind {
    /// Whether blocks can sit inside this one.
    fn is_container(self) -> bool {
        matches!(
            self,
            BlockKind::List | BlockKind::Blockquote | BlockKind::Jsx | BlockKind::Directive
        )
    }
}

/// One block of the outline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// From the block's first character to its last (trailing whitespace excluded).
    pub range: Range<usize>,
    /// How many listed blocks enclose it.
    pub depth: usize,
    /// A heading's level.
    pub level: Option<u8>,
    /// A table's rows, the header row included (the delimiter row is not a row).
    pub rows: Option<usize>,
    /// A list's items.
    pub items: Option<usize>,
}

/// A block as `scope-lint debug blocks` prints it: lines instead of bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BlockLines {
    /// What the block is.
    pub kind: BlockKind,
    /// The 1-based line the block starts on.
    pub start_line: usize,
    /// The 1-based line the block ends on.
    pub end_line: usize,
    /// How many listed blocks enclose it.
    pub depth: usize,
    /// A heading's level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// A table's rows, the header row included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    /// A list's items.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub items: Option<usize>,
}

/// The outline with 1-based lines (the line of a block's first and last character).
pub fn lines(source: &SourceText, outline: &[Block]) -> Vec<BlockLines> {
    let to_the_end = open_to_the_end(&source.text, outline);
    outline
        .iter()
        .zip(to_the_end)
        .map(|(block, to_the_end)| BlockLines {
            kind: block.kind,
            start_line: source.line_of(block.range.start),
            end_line: if to_the_end {
                // mdast ends a fence or directive that is never closed where the page ends, on the line
                // after a last line break, and the lists around it with it.
                source.line_of(source.text.len())
            } else {
                source.line_of(block.range.end.saturating_sub(1).max(block.range.start))
            },
            depth: block.depth,
            level: block.level,
            rows: block.rows,
            items: block.items,
        })
        .collect()
}

/// Per block: whether it runs to the page's end unclosed (a fenced code block or directive at the top
/// level or in lists only; in a blockquote it ends with the quote's last line), or is a list around one.
fn open_to_the_end(text: &str, outline: &[Block]) -> Vec<bool> {
    let mut marks = vec![false; outline.len()];
    let mut ancestors: Vec<usize> = Vec::new();
    for (index, block) in outline.iter().enumerate() {
        ancestors.truncate(block.depth);
        let in_lists_only = ancestors
            .iter()
            .all(|ancestor| outline[*ancestor].kind == BlockKind::List);
        if in_lists_only && unclosed_at_the_end(text, block) {
            marks[index] = true;
            for ancestor in &ancestors {
                marks[*ancestor] = true;
            }
        }
        if block.kind.is_container() {
            ancestors.push(index);
        }
    }
    marks
}

/// Whether `block` is a fenced code block or directive that is never closed and ends the page.
fn unclosed_at_the_end(text: &str, block: &Block) -> bool {
    if !matches!(block.kind, BlockKind::Code | BlockKind::Directive)
        || block.range.end < text.trim_end().len()
    {
        return false;
    }
    let body = &text[block.range.clone()];
    let mut lines = body.lines().map(str::trim);
    let first = lines.next().unwrap_or("");
    let last = lines.next_back();
    let marker = match first.chars().next() {
        Some(c @ ('`' | '~')) if block.kind == BlockKind::Code => c,
        Some(':') if block.kind == BlockKind::Directive => ':',
        _ => return false,
    };
    let run = first.chars().take_while(|c| *c == marker).count();
    let closes = |line: &str| {
        let close = line.chars().take_while(|c| *c == marker).count();
        close >= run && close == line.chars().count()
    };
    run >= 3 && !last.is_some_and(closes)
}

/// What the recorder's stack holds for each open tag.
#[derive(Debug, Clone, Copy)]
enum Open {
    /// A block: its index in the recorded blocks.
    Block(usize),
    /// A list item: content directly in it makes a paragraph.
    Item,
    /// Indented code in MDX, from where it starts: MDX has no indented code, so it is parsed again
    /// without the indentation when it ends.
    Indented(usize),
    /// Inline markup (emphasis, links, ...).
    Inline,
    /// Anything else (table rows and cells, footnote definitions, definition lists).
    Other,
}

/// Notes the blocks of a pulldown-cmark event stream.
#[derive(Debug)]
pub struct Recorder {
    dialect: Dialect,
    blocks: Vec<Block>,
    stack: Vec<Open>,
    /// The paragraph being made from a tight list item's inline content.
    loose_text: Option<usize>,
    /// The paragraph that ended an MDX indented region: a paragraph on the next line continues it.
    after_indented: Option<usize>,
    /// How many indented regions enclose this parse.
    nesting: usize,
}

/// How deep indented regions are parsed again; deeper ones are one paragraph each.
const MAX_REPARSE: usize = 8;

impl Recorder {
    /// A recorder for a page of `dialect`, with no block noted yet.
    pub fn new(dialect: Dialect) -> Recorder {
        Recorder {
            dialect,
            blocks: Vec::new(),
            stack: Vec::new(),
            loose_text: None,
            after_indented: None,
            nesting: 0,
        }
    }

    /// Records one event with its range (already mapped to the page text). `text` is what pulldown-cmark
    /// parsed (the masked text), `original` the page text.
    pub fn event(&mut self, text: &str, original: &str, event: &Event<'_>, range: &Range<usize>) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented))
                if blanked_indent(original, text, range.start) =>
            {
                self.loose_text = None;
                self.after_indented = None;
                self.stack.push(Open::Indented(range.start));
            }
            Event::Start(tag) => self.start(text, tag, range),
            Event::End(_) => self.end(text, range),
            Event::Rule => {
                self.loose_text = None;
                self.push(text, BlockKind::ThematicBreak, range);
            }
            Event::Html(_) => {}
            _ => self.inline(text, range),
        }
    }

    /// The blocks recorded, in document order (depth not yet known).
    pub fn finish(self) -> Vec<Block> {
        self.blocks
    }

    fn start(&mut self, text: &str, tag: &Tag<'_>, range: &Range<usize>) {
        let kind = match tag {
            Tag::Paragraph => Some(BlockKind::Paragraph),
            Tag::Heading { .. } => Some(BlockKind::Heading),
            Tag::BlockQuote(_) => Some(BlockKind::Blockquote),
            Tag::CodeBlock(_) => Some(BlockKind::Code),
            Tag::HtmlBlock => Some(BlockKind::Html),
            Tag::List(_) => Some(BlockKind::List),
            Tag::Table(_) => Some(BlockKind::Table),
            _ => None,
        };
        let after_indented = self.after_indented.take();
        let open = match (kind, tag) {
            // MDX has no indented code: what pulldown-cmark reads as such is parsed again when it ends.
            (_, Tag::CodeBlock(CodeBlockKind::Indented)) if self.dialect == Dialect::Mdx => {
                self.loose_text = None;
                Open::Indented(range.start)
            }
            (Some(BlockKind::Paragraph), _)
                if after_indented.is_some_and(|index| {
                    index + 1 == self.blocks.len()
                        && continues_on_next_line(text, self.blocks[index].range.end, range.start)
                }) =>
            {
                Open::Block(after_indented.unwrap_or_default())
            }
            (Some(kind), _) => {
                self.loose_text = None;
                let index = self.push(text, kind, range);
                let block = &mut self.blocks[index];
                match tag {
                    Tag::Heading { level, .. } => block.level = Some(*level as u8),
                    Tag::List(_) => block.items = Some(0),
                    Tag::Table(_) => block.rows = Some(0),
                    _ => {}
                }
                Open::Block(index)
            }
            (None, Tag::Item) => {
                self.loose_text = None;
                if let Some(list) = self.innermost_block() {
                    *self.blocks[list].items.get_or_insert(0) += 1;
                }
                Open::Item
            }
            (None, Tag::TableHead | Tag::TableRow) => {
                if let Some(table) = self.innermost_block() {
                    *self.blocks[table].rows.get_or_insert(0) += 1;
                }
                Open::Other
            }
            (None, Tag::TableCell | Tag::FootnoteDefinition(_)) => Open::Other,
            (
                None,
                Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition,
            ) => Open::Other,
            (None, Tag::MetadataBlock(_)) => Open::Other,
            (None, _) => {
                self.inline(text, range);
                Open::Inline
            }
        };
        self.stack.push(open);
    }

    fn end(&mut self, text: &str, range: &Range<usize>) {
        match self.stack.pop() {
            Some(Open::Block(index)) => {
                let mut end = trimmed_end(text, self.blocks[index].range.start, range.end);
                if self.blocks[index].kind == BlockKind::List {
                    end = without_next_quote_prefix(text, self.blocks[index].range.start, end);
                }
                self.blocks[index].range.end = end;
                self.loose_text = None;
            }
            Some(Open::Item) => self.loose_text = None,
            Some(Open::Indented(start)) => self.reparse(text, start..range.end),
            _ => {}
        }
    }

    /// Parses an MDX indented region again with its common indentation removed, as MDX reads it: text,
    /// lists and the rest at any indentation. Its last paragraph may go on on the next line (the text after
    /// a leading JSX tag that the pre-pass blanked out).
    fn reparse(&mut self, text: &str, region: Range<usize>) {
        let region_start = text[..region.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |index| index + 1);
        let region_end = region.end.min(text.len()).max(region_start);
        let dedented = Dedented::new(text, region_start..region_end);
        if self.nesting >= MAX_REPARSE || dedented.removed_nothing {
            self.push(text, BlockKind::Paragraph, &(region_start..region_end));
            return;
        }
        let mut inner = Recorder::new(self.dialect);
        inner.nesting = self.nesting + 1;
        let options = super::markdown::options(self.dialect);
        for (event, range) in
            pulldown_cmark::Parser::new_ext(&dedented.text, options).into_offset_iter()
        {
            let range = super::span::snap(&dedented.text, range);
            inner.event(&dedented.text, &dedented.text, &event, &range);
        }
        let first = self.blocks.len();
        for mut block in inner.blocks {
            block.range = super::span::snap(text, dedented.original(block.range));
            self.blocks.push(block);
        }
        let last = self
            .blocks
            .len()
            .checked_sub(1)
            .filter(|last| *last >= first);
        self.after_indented = last.filter(|last| self.blocks[*last].kind == BlockKind::Paragraph);
    }

    /// Inline content: in a list item (not in a paragraph of it) it makes or extends a paragraph.
    fn inline(&mut self, text: &str, range: &Range<usize>) {
        let container = self
            .stack
            .iter()
            .rev()
            .find(|open| !matches!(open, Open::Inline));
        if !matches!(container, Some(Open::Item)) {
            return;
        }
        match self.loose_text {
            Some(index) => {
                let block = &mut self.blocks[index];
                block.range.end = block
                    .range
                    .end
                    .max(trimmed_end(text, range.start, range.end));
            }
            None => {
                let index = self.push(text, BlockKind::Paragraph, range);
                self.loose_text = Some(index);
            }
        }
    }

    fn innermost_block(&self) -> Option<usize> {
        self.stack.iter().rev().find_map(|open| match open {
            Open::Block(index) => Some(*index),
            _ => None,
        })
    }

    fn push(&mut self, text: &str, kind: BlockKind, range: &Range<usize>) -> usize {
        let start = range.start.min(text.len());
        // A range may start on the blank line before the block (a list in a tab-indented container).
        let start = start
            + (text[start..range.end.clamp(start, text.len())].len()
                - text[start..range.end.clamp(start, text.len())]
                    .trim_start()
                    .len());
        self.blocks.push(Block {
            kind,
            range: start..trimmed_end(text, start, range.end),
            depth: 0,
            level: None,
            rows: None,
            items: None,
        });
        self.blocks.len() - 1
    }
}

/// Whether the indentation pulldown-cmark sees at `offset`'s line in the masked text is partly a blanked
/// construct of the original (`<span>x</span> text`): that is no indented code, in either dialect.
pub fn blanked_indent(original: &str, masked: &str, offset: usize) -> bool {
    let offset = offset.min(masked.len()).min(original.len());
    let line_start = masked[..offset]
        .rfind(['\n', '\r'])
        .map_or(0, |index| index + 1);
    let indent = masked[line_start..]
        .bytes()
        .take_while(|byte| matches!(byte, b' ' | b'\t'))
        .count();
    original.as_bytes()[line_start..line_start + indent]
        .iter()
        .any(|byte| !matches!(byte, b' ' | b'\t'))
}

/// Whether only whitespace with one line break lies between `end` and `start`.
fn continues_on_next_line(text: &str, end: usize, start: usize) -> bool {
    let gap = &text[end.min(start)..start];
    gap.trim().is_empty() && gap.matches('\n').count() == 1
}

/// A region of text with its common indentation removed, and the way back to offsets of the text.
struct Dedented {
    text: String,
    /// Per line: where it starts in `text`, and where that is in the original text.
    lines: Vec<(usize, usize)>,
    removed_nothing: bool,
}

impl Dedented {
    fn new(original: &str, region: Range<usize>) -> Dedented {
        let body = &original[region.clone()];
        let columns = |line: &str| {
            let mut column = 0;
            for byte in line.bytes() {
                match byte {
                    b' ' => column += 1,
                    b'\t' => column += 4 - column % 4,
                    _ => break,
                }
            }
            column
        };
        let common = body
            .split_inclusive('\n')
            .filter(|line| !line.trim().is_empty())
            .map(columns)
            .min()
            .unwrap_or(0);
        let mut text = String::with_capacity(body.len());
        let mut lines = Vec::new();
        let mut line_start = region.start;
        for line in body.split_inclusive('\n') {
            let mut column = 0;
            let mut removed = 0;
            for byte in line.bytes() {
                if column >= common || !matches!(byte, b' ' | b'\t') {
                    break;
                }
                column += if byte == b'\t' { 4 - column % 4 } else { 1 };
                removed += 1;
            }
            lines.push((text.len(), line_start + removed));
            text.push_str(&line[removed..]);
            line_start += line.len();
        }
        Dedented {
            text,
            lines,
            removed_nothing: common == 0,
        }
    }

    fn offset(&self, offset: usize) -> usize {
        let line = self
            .lines
            .partition_point(|(start, _)| *start <= offset)
            .max(1)
            - 1;
        let (start, original) = self.lines.get(line).copied().unwrap_or_default();
        original + (offset - start)
    }

    /// `range` of the dedented text as a range of the original.
    fn original(&self, range: Range<usize>) -> Range<usize> {
        let start = self.offset(range.start);
        let end = if range.end > range.start {
            self.offset(range.end - 1) + 1
        } else {
            start
        };
        start..end.max(start)
    }
}

/// A list in a blockquote: pulldown-cmark's range runs into the `>` of the line of the block after it,
/// which is not the list's; the `>` lines before that line are (as in mdast).
fn without_next_quote_prefix(text: &str, start: usize, end: usize) -> usize {
    // Only the `>`, spaces and tabs right before `end` are read: a list ending mid-line (a line of `- - -`
    // is n lists) must not cost a scan back to its start.
    let bytes = text.as_bytes();
    let mut line_start = end;
    while line_start > start && matches!(bytes[line_start - 1], b'>' | b' ' | b'\t') {
        line_start -= 1;
    }
    let prefix_only = line_start > start && bytes[line_start - 1] == b'\n';
    let next_has_content = || {
        text[end..]
            .split(['\n', '\r'])
            .next()
            .is_some_and(|rest| !rest.trim().is_empty())
    };
    if prefix_only && next_has_content() {
        trimmed_end(text, start, line_start)
    } else {
        end
    }
}

/// `end` moved back over trailing whitespace, never before `start`.
fn trimmed_end(text: &str, start: usize, end: usize) -> usize {
    let end = end.min(text.len()).max(start);
    start + text[start..end].trim_end().len()
}

/// The text pulldown-cmark parses for an MDX page, so that it sees the blocks micromark sees: the masked
/// text, with two changes that keep every offset.
///
/// - A line of flow constructs (JSX tags or expressions alone on their line, a directive's fences) is a
///   block of its own in mdast: it interrupts a paragraph and ends a list whose content is indented further.
///   A blank line does neither, so the line holds a thematic break `***` at the first construct's column
///   (dropped again from the outline and the page: [`Structure::placeholders`]).
/// - A construct that starts a line of text (`<Aside> Text`, `{/* note */} Text`) starts a paragraph at its
///   own column. Blanked out, the text after it would be indented (list item content, indented code), so
///   its first character (`<` or `{`, plain text to pulldown-cmark when a blank follows) stays.
pub struct Structure {
    /// The text pulldown-cmark parses: the masked text with those two changes (same length).
    pub text: String,
    /// Where the thematic breaks that stand for lines of flow constructs start.
    pub placeholders: HashSet<usize>,
}

/// The [`Structure`] of an MDX page whose pre-pass found `scan` and whose JSX elements pair as `elements`.
pub fn structure_text(source: &SourceText, scan: &Scan, elements: &[Element]) -> Structure {
    let text = source.text.as_str();
    let mut bytes = scan.masked.clone().into_bytes();
    let (_, mut covers) = constructs(source, Dialect::Mdx, scan, elements);
    for directive in &scan.directives {
        covers.push(directive.open.clone());
        covers.extend(directive.close.clone());
    }
    for cover in &covers {
        blank(text, &mut bytes, cover.clone());
    }
    // A directive's closing fence closes what the directive holds (a list item whose content it is
    // indented as far as): its line is a block at the opening fence's column.
    for directive in &scan.directives {
        let Some(close) = &directive.close else {
            continue;
        };
        let open_column = directive.open.start - source.line_start_of(directive.open.start);
        let column_start = source.line_start_of(close.start) + open_column;
        if column_start < close.start && bytes[column_start..close.start].iter().all(|b| *b == b' ')
        {
            covers.push(column_start..close.end);
        }
    }
    covers.sort_unstable_by_key(|cover| cover.start);
    let mut placeholders = HashSet::new();
    let mut covered_until = 0;
    for cover in &covers {
        let line_start = source.line_start_of(cover.start);
        let starts_line = covered_until <= line_start
            && only_markers(&bytes[line_start..cover.start.min(bytes.len())]);
        covered_until = covered_until.max(cover.end);
        let blank_run = bytes[cover.start..]
            .iter()
            .take_while(|byte| **byte == b' ')
            .count();
        if starts_line && blank_run >= 3 {
            restore_tabs(text, &mut bytes, line_start..cover.start);
            bytes[cover.start..cover.start + 3].copy_from_slice(b"***");
            placeholders.insert(cover.start);
        }
    }
    let flow: HashSet<usize> = covers.iter().map(|cover| cover.start).collect();
    let inline_starts = scan
        .tags
        .iter()
        .map(|tag| &tag.range)
        .chain(scan.comments.iter().map(|comment| &comment.range))
        .chain(&scan.expressions)
        .map(|range| range.start)
        .filter(|start| !flow.contains(start) && bytes.get(*start) == Some(&b' '))
        .collect::<Vec<usize>>();
    let mut inline_starts = inline_starts;
    inline_starts.sort_unstable();
    for start in inline_starts {
        let line_start = source.line_start_of(start);
        if only_markers(&bytes[line_start..start]) {
            restore_tabs(text, &mut bytes, line_start..start);
            bytes[start] = text.as_bytes()[start];
        }
    }
    Structure {
        text: String::from_utf8(bytes).unwrap_or_else(|_| scan.masked.clone()),
        placeholders,
    }
}

/// The tabs of `range` that masking made spaces, back: they set the column pulldown-cmark sees.
fn restore_tabs(text: &str, bytes: &mut [u8], range: Range<usize>) {
    for index in range {
        if text.as_bytes()[index] == b'\t' && bytes[index] == b' ' {
            bytes[index] = b'\t';
        }
    }
}

/// Every byte of `range` but line breaks as a space (whole characters, so the text stays UTF-8).
fn blank(text: &str, bytes: &mut [u8], range: Range<usize>) {
    for index in super::span::snap(text, range) {
        if !matches!(bytes[index], b'\n' | b'\r') {
            bytes[index] = b' ';
        }
    }
}

/// Whether a line's start holds only whitespace and container markers (`>`, list markers).
/// Bytes, not `str`: the structure text being built may hold a blanked character's remaining bytes.
fn only_markers(before: &[u8]) -> bool {
    before
        .split(u8::is_ascii_whitespace)
        .filter(|word| !word.is_empty())
        .all(|word| match word {
            [b'-' | b'*' | b'+'] => true,
            [digits @ .., b'.' | b')'] if !digits.is_empty() => {
                digits.iter().all(u8::is_ascii_digit)
            }
            _ => word.iter().all(|&byte| byte == b'>'),
        })
}

/// The whole outline: the recorded blocks plus the MDX constructs of the pre-pass, in document order, with
/// depths.
pub fn assemble(
    source: &SourceText,
    dialect: Dialect,
    scan: &Scan,
    elements: &[Element],
    recorded: Vec<Block>,
    placeholders: &HashSet<usize>,
) -> Vec<Block> {
    let text = source.text.as_str();
    let mut blocks = recorded;
    // The parser's ranges come from the structure text, whose placeholders (`***`) sit where the page has
    // other characters: they are read against the page only once on its character boundaries.
    for block in &mut blocks {
        super::span::snap_in_place(text, &mut block.range);
    }
    blocks.retain(|block| {
        !(block.kind == BlockKind::ThematicBreak && placeholders.contains(&block.range.start))
    });
    for block in &mut blocks {
        if matches!(block.kind, BlockKind::List | BlockKind::Blockquote) && block.range.end > 0 {
            // The masked text ends a container before a construct blanked out on its last line
            // (`> {/* note */}`); the page's line goes on to its end.
            let line_end = text[block.range.end..]
                .find(['\n', '\r'])
                .map_or(text.len(), |offset| block.range.end + offset);
            block.range.end = trimmed_end(text, block.range.start, line_end);
        }
    }
    let (mut constructs, covers) = constructs(source, dialect, scan, elements);
    if dialect == Dialect::Mdx {
        drop_paragraphs_of_flow_constructs(text, &mut blocks, &covers);
    } else {
        super::html_blocks::restore(text, scan, &mut blocks);
    }
    if dialect == Dialect::Mdx {
        end_lists_at_outdented_constructs(source, &mut blocks, &constructs);
    }
    blocks.append(&mut constructs);
    blocks.sort_by(|a, b| {
        a.range
            .start
            .cmp(&b.range.start)
            .then(b.range.end.cmp(&a.range.end))
            .then(b.kind.is_container().cmp(&a.kind.is_container()))
    });
    set_depths(&mut blocks);
    blocks
}

/// The pre-pass's constructs that are blocks of their own: front matter, and in MDX the ESM statements,
/// directives, and the JSX elements and expressions that stand on their own lines. Also the ranges of
/// those flow tags and expressions themselves (what a paragraph of nothing else is made of).
fn constructs(
    source: &SourceText,
    dialect: Dialect,
    scan: &Scan,
    elements: &[Element],
) -> (Vec<Block>, Vec<Range<usize>>) {
    let text = source.text.as_str();
    let mut blocks = Vec::new();
    let mut covers = Vec::new();
    let block = |kind, range: Range<usize>| Block {
        range: range.start..trimmed_end(text, range.start, range.end),
        kind,
        depth: 0,
        level: None,
        rows: None,
        items: None,
    };
    if let Some(range) = &scan.front_matter {
        blocks.push(block(BlockKind::FrontMatter, range.clone()));
    }
    if dialect != Dialect::Mdx {
        return (blocks, covers);
    }
    // ESM runs to a blank line: statements on consecutive lines are one block, as in mdast.
    for range in &scan.esm {
        let adjacent = blocks.last().is_some_and(|last: &Block| {
            last.kind == BlockKind::Esm && continues_on_next_line(text, last.range.end, range.start)
        });
        match blocks.last_mut() {
            Some(last) if adjacent => {
                last.range.end = trimmed_end(text, last.range.start, range.end)
            }
            _ => blocks.push(block(BlockKind::Esm, range.clone())),
        }
    }
    for directive in &scan.directives {
        let range = match &directive.close {
            Some(_) => directive.range(),
            None => directive.open.start..text.len(),
        };
        blocks.push(block(BlockKind::Directive, range));
    }
    let comment_ranges = scan.comments.iter().map(|comment| &comment.range);
    let ends: HashMap<usize, usize> = scan
        .tags
        .iter()
        .map(|tag| &tag.range)
        .chain(&scan.expressions)
        .chain(comment_ranges)
        .map(|range| (range.end, range.start))
        .collect();
    let mut line = LineStarts::new(source, ends);
    for element in elements {
        let open = &element.open.range;
        let flow_open = line.starts(open.start) && ends_line_or_construct(text, open.end);
        let flow = match (&element.close, element.open.kind) {
            (Some(close), _) => flow_open && line.starts(close.start),
            (None, TagKind::SelfClosing) => flow_open,
            (None, _) => false,
        };
        if flow {
            blocks.push(block(BlockKind::Jsx, element.range()));
            covers.push(open.clone());
            covers.extend(element.close.clone());
        }
    }
    let comments = scan
        .comments
        .iter()
        .map(|comment| &comment.range)
        .filter(|range| text[(*range).clone()].starts_with('{'));
    let expressions = scan.expressions.iter().chain(comments);
    for range in expressions {
        if line.starts(range.start) && ends_line_or_construct(text, range.end) {
            blocks.push(block(BlockKind::Expression, range.clone()));
            covers.push(range.clone());
        }
    }
    (blocks, covers)
}

/// Answers whether only whitespace, container markers (`>`, list markers) and other tags or expressions
/// come before an offset on its line. Each answer is kept, and line starts are found by binary search, so
/// a line of n placeholders costs O(n log n), not a walk back over the line per placeholder.
struct LineStarts<'t> {
    source: &'t SourceText,
    /// The ranges of tags, expressions and comments, from end to start.
    constructs: HashMap<usize, usize>,
    known: HashMap<usize, bool>,
}

impl<'t> LineStarts<'t> {
    fn new(source: &'t SourceText, constructs: HashMap<usize, usize>) -> Self {
        LineStarts {
            source,
            constructs,
            known: HashMap::new(),
        }
    }

    fn starts(&mut self, offset: usize) -> bool {
        let mut visited = Vec::new();
        let mut offset = offset;
        let answer = loop {
            if let Some(&answer) = self.known.get(&offset) {
                break answer;
            }
            visited.push(offset);
            let before = self.source.text[..offset].trim_end_matches([' ', '\t']);
            match self.constructs.get(&before.len()) {
                Some(&start) if start < before.len() => offset = start,
                _ => break self.only_markers_before(offset),
            }
        };
        for offset in visited {
            self.known.insert(offset, answer);
        }
        answer
    }

    fn only_markers_before(&self, offset: usize) -> bool {
        only_markers(&self.source.text.as_bytes()[self.source.line_start_of(offset)..offset])
    }
}

/// Whether only whitespace, or another tag or expression, follows `offset` on its line.
fn ends_line_or_construct(text: &str, offset: usize) -> bool {
    let rest =
        text[offset..].trim_start_matches(|c: char| c.is_whitespace() && !matches!(c, '\n' | '\r'));
    rest.is_empty() || rest.starts_with(['\n', '\r', '<', '{'])
}

/// A flow JSX element, expression or directive at or left of a list's marker column is not in the list
/// (in the masked text it is blank, and indented lines after it went on with the last item): the list
/// ends with the last block before it.
fn end_lists_at_outdented_constructs(
    source: &SourceText,
    blocks: &mut [Block],
    constructs: &[Block],
) {
    let mut starts: Vec<usize> = constructs
        .iter()
        .filter(|construct| {
            matches!(
                construct.kind,
                BlockKind::Jsx | BlockKind::Expression | BlockKind::Directive
            )
        })
        .map(|construct| construct.range.start)
        .collect();
    starts.sort_unstable();
    let column = |offset: usize| offset - source.line_start_of(offset);
    for index in 0..blocks.len() {
        if blocks[index].kind != BlockKind::List {
            continue;
        }
        let list = blocks[index].range.clone();
        let first = starts.partition_point(|start| *start <= list.start);
        let Some(&outdented) = starts[first..]
            .iter()
            .take_while(|start| **start < list.end)
            .find(|start| column(**start) <= column(list.start))
        else {
            continue;
        };
        let inner_end = blocks[index + 1..]
            .iter()
            .take_while(|block| block.range.start < outdented)
            .map(|block| block.range.end)
            .filter(|end| *end <= outdented)
            .max();
        if let Some(end) = inner_end {
            blocks[index].range.end = end;
        }
    }
}

/// Removes the paragraphs pulldown-cmark made of text that is only flow JSX tags and expressions
/// (single-line expressions stay unmasked in the text it parses).
fn drop_paragraphs_of_flow_constructs(
    text: &str,
    blocks: &mut Vec<Block>,
    covers: &[Range<usize>],
) {
    // The furthest end of the covers starting at or before each cover's start (covers sorted by start):
    // one binary search tells whether an offset is covered and where the cover ends.
    let mut sorted: Vec<Range<usize>> = covers.to_vec();
    sorted.sort_unstable_by_key(|cover| cover.start);
    let reach: Vec<usize> = sorted
        .iter()
        .scan(0, |furthest, cover| {
            *furthest = (*furthest).max(cover.end);
            Some(*furthest)
        })
        .collect();
    let covered_until = |offset: usize| match sorted.partition_point(|cover| cover.start <= offset)
    {
        0 => None,
        after => Some(reach[after - 1]).filter(|&end| end > offset),
    };
    blocks.retain(|block| {
        if block.kind != BlockKind::Paragraph {
            return true;
        }
        let mut offset = block.range.start;
        while offset < block.range.end {
            if let Some(end) = covered_until(offset) {
                offset = end;
                continue;
            }
            let c = text[offset..].chars().next().unwrap_or(' ');
            if !c.is_whitespace() {
                return true;
            }
            offset += c.len_utf8();
        }
        false
    });
}

/// Each block's depth: how many containers enclose it (blocks are in document order, outer first).
fn set_depths(blocks: &mut [Block]) {
    let mut open: Vec<Range<usize>> = Vec::new();
    for block in blocks.iter_mut() {
        while open.last().is_some_and(|container| {
            !(container.start <= block.range.start && block.range.end <= container.end)
        }) {
            open.pop();
        }
        block.depth = open.len();
        if block.kind.is_container() {
            open.push(block.range.clone());
        }
    }
}

/// The outline of a plain pulldown-cmark parse of `text` with `options`: no pre-pass, nothing masked. What
/// mdBook itself sees of a Markdown page, to compare the page model with.
pub fn pulldown_outline(text: &str, options: pulldown_cmark::Options) -> Vec<Block> {
    let mut recorder = Recorder::new(Dialect::Markdown);
    for (event, range) in pulldown_cmark::Parser::new_ext(text, options).into_offset_iter() {
        let range = super::span::snap(text, range);
        recorder.event(text, text, &event, &range);
    }
    let mut blocks = recorder.finish();
    set_depths(&mut blocks);
    blocks
}
