//! The [`Recorder`]: the blocks of one pulldown-cmark event stream, with MDX's indented regions parsed
//! again without their indentation (MDX has no indented code), and the range helpers it shares.

use crate::doc::blank::{is_blank, trim_blank_end, trim_blank_start};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Tag};

use super::{Block, BlockKind};
use crate::doc::Dialect;

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
    /// For each entry of `stack`, the innermost open tag at or below it that is not inline markup: what
    /// inline content is in, found without walking thousands of nested emphases.
    containers: Vec<Option<Open>>,
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
            containers: Vec::new(),
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
                self.open(Open::Indented(range.start));
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
        self.open(open);
    }

    fn open(&mut self, open: Open) {
        let container = match open {
            Open::Inline => self.containers.last().copied().flatten(),
            _ => Some(open),
        };
        self.stack.push(open);
        self.containers.push(container);
    }

    fn end(&mut self, text: &str, range: &Range<usize>) {
        self.containers.pop();
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
        let options = crate::doc::markdown::options(self.dialect);
        for (event, range) in
            pulldown_cmark::Parser::new_ext(&dedented.text, options).into_offset_iter()
        {
            let range = crate::doc::span::snap(&dedented.text, range);
            inner.event(&dedented.text, &dedented.text, &event, &range);
        }
        let first = self.blocks.len();
        for mut block in inner.blocks {
            block.range = crate::doc::span::snap(text, dedented.original(block.range));
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
        if !matches!(self.containers.last(), Some(Some(Open::Item))) {
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
                // Text right in an item, outside a paragraph: pulldown-cmark reads the list as tight.
                if let Some(list) = self.innermost_block() {
                    self.blocks[list].tight = true;
                }
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
                - trim_blank_start(&text[start..range.end.clamp(start, text.len())]).len());
        self.blocks.push(Block {
            kind,
            range: start..trimmed_end(text, start, range.end),
            depth: 0,
            level: None,
            rows: None,
            items: None,
            tight: false,
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
pub(super) fn continues_on_next_line(text: &str, end: usize, start: usize) -> bool {
    let gap = &text[end.min(start)..start];
    is_blank(gap) && gap.matches('\n').count() == 1
}

/// A region of text with its common indentation removed, and the way back to offsets of the text.
pub struct Dedented {
    /// The region without its common indentation.
    pub text: String,
    /// Per line: where it starts in `text`, and where that is in the original text.
    lines: Vec<(usize, usize)>,
    /// Whether the region had no common indentation.
    pub removed_nothing: bool,
}

impl Dedented {
    /// `region` of `original` (whole lines) with its common indentation removed (tabs to multiples of 4).
    pub fn new(original: &str, region: Range<usize>) -> Dedented {
        let body = &original[region.clone()];
        let columns = crate::doc::blank::indent_width;
        let common = body
            .split_inclusive('\n')
            .filter(|line| !is_blank(line))
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

    /// Where `offset` of the original text is in the dedented text: `None` outside the region or in the
    /// indentation removed from its line.
    pub fn dedented_offset(&self, offset: usize) -> Option<usize> {
        let line = self
            .lines
            .partition_point(|(_, original)| *original <= offset)
            .checked_sub(1)?;
        let (start, original) = self.lines[line];
        let next_start = self
            .lines
            .get(line + 1)
            .map_or(self.text.len(), |next| next.0);
        let dedented = start + (offset - original);
        (dedented < next_start).then_some(dedented)
    }

    /// `range` of the dedented text as a range of the original.
    pub fn original(&self, range: Range<usize>) -> Range<usize> {
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
            .is_some_and(|rest| !is_blank(rest))
    };
    if prefix_only && next_has_content() {
        trimmed_end(text, start, line_start)
    } else {
        end
    }
}

/// `end` moved back over trailing whitespace, never before `start`.
pub(super) fn trimmed_end(text: &str, start: usize, end: usize) -> usize {
    let end = end.min(text.len()).max(start);
    start + trim_blank_end(&text[start..end]).len()
}
