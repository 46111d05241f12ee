//! The walk of pulldown-cmark's events: headings, paragraphs, GFM tables, lists and their items, block
//! quotes and code blocks become the page model's parts, each text-bearing piece a unit.

use crate::doc::blank::trim_blank_end;
use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, Event, Parser, Tag};

use super::options;
use crate::doc::blocks;
use crate::doc::callout::RawBlockquote;
use crate::doc::html_list;
use crate::doc::source;
use crate::doc::span;
use crate::doc::{
    CodeBlock, Dialect, Heading, ListBlock, ListItem, TableBlock, TextUnit, UnitKind,
};

/// The page's parts as the walk of pulldown-cmark's events finds them.
pub(super) struct Builder<'t> {
    pub(super) text: &'t str,
    /// The text pulldown-cmark parses.
    pub(super) masked: &'t str,
    /// Thematic breaks in it that stand for lines of MDX flow constructs (see [`blocks::structure_text`]).
    pub(super) placeholders: &'t HashSet<usize>,
    pub(super) dialect: Dialect,
    pub(super) html_tables: Vec<Range<usize>>,
    pub(super) html_lists: Vec<html_list::HtmlList>,
    pub(super) units: Vec<TextUnit>,
    pub(super) tables: Vec<TableBlock>,
    pub(super) lists: Vec<ListBlock>,
    pub(super) headings: Vec<Heading>,
    pub(super) code_blocks: Vec<CodeBlock>,
    pub(super) quotes: Vec<RawBlockquote>,
    pub(super) blocks: Vec<Range<usize>>,
    /// The last offset whose line start was looked up, and that line start: list items come in source
    /// order, so each lookup scans only the text since the previous one (a line of n `- ` items would
    /// otherwise be scanned back n times).
    pub(super) line_start_cache: (usize, usize),
    /// Notes every block of the walk, for the page's outline.
    pub(super) recorder: blocks::Recorder,
    /// How many MDX indented regions enclose this walk (see [`Builder::reparse_indented`]).
    pub(super) nesting: usize,
    /// MDX only: the top-level blocks whose lines may be indented 4 columns or more, which MDX reads
    /// with no regard to that indentation (see [`blocks::unindent_loose_lines`]).
    pub(super) loose: Vec<blocks::LooseBlock>,
}

/// How deep MDX indented regions are read again; deeper ones are one prose unit each.
const MAX_INDENTED_NESTING: usize = 8;

/// What a walk found, taken out of its [`Builder`].
struct Parts {
    units: Vec<TextUnit>,
    tables: Vec<TableBlock>,
    lists: Vec<ListBlock>,
    headings: Vec<Heading>,
    code_blocks: Vec<CodeBlock>,
    quotes: Vec<RawBlockquote>,
}

enum Frame {
    Heading {
        level: u8,
        title: String,
    },
    Paragraph,
    Table,
    Row,
    Cell,
    List {
        index: usize,
    },
    Item {
        list: usize,
        item: usize,
        inline: Option<Range<usize>>,
    },
    Quote {
        kind: Option<BlockQuoteKind>,
    },
    Code {
        info: String,
        content: Option<Range<usize>>,
        indented: bool,
    },
    /// A definition list's term or definition: its text, when it is not in paragraphs (a tight list).
    Definition {
        inline: Option<Range<usize>>,
    },
    Inline,
    Other,
}

impl<'t> Builder<'t> {
    /// A walk of the `masked` text of `text` (same offsets), with no HTML tables or lists to shadow units
    /// (the page's are set after) and nothing found yet.
    pub(super) fn new(
        text: &'t str,
        masked: &'t str,
        placeholders: &'t HashSet<usize>,
        dialect: Dialect,
    ) -> Builder<'t> {
        Builder {
            text,
            masked,
            placeholders,
            dialect,
            html_tables: Vec::new(),
            html_lists: Vec::new(),
            units: Vec::new(),
            tables: Vec::new(),
            lists: Vec::new(),
            headings: Vec::new(),
            code_blocks: Vec::new(),
            quotes: Vec::new(),
            blocks: Vec::new(),
            line_start_cache: (0, 0),
            recorder: blocks::Recorder::new(dialect),
            nesting: 0,
            loose: Vec::new(),
        }
    }

    pub(super) fn walk(&mut self, masked: &str) {
        let mut stack = Frames::default();
        for (event, range) in Parser::new_ext(masked, options(self.dialect)).into_offset_iter() {
            let mut range = span::snap(self.text, range);
            if matches!(
                event,
                Event::Start(Tag::List(_) | Tag::Item)
                    | Event::End(pulldown_cmark::TagEnd::List(_) | pulldown_cmark::TagEnd::Item)
            ) {
                range = self.starting_at_marker(&range);
            }
            self.recorder.event(masked, self.text, &event, &range);
            match event {
                Event::Start(tag) => {
                    if stack.is_empty() {
                        self.blocks.push(range.clone());
                    }
                    let frame = self.open(tag, &range, &stack.frames);
                    stack.push(frame);
                }
                Event::End(_) => {
                    if let Some(frame) = stack.pop() {
                        self.close(frame, range, &mut stack);
                    }
                }
                Event::Text(text) | Event::Code(text) => {
                    note_inline(&mut stack, &range, Some(&text));
                }
                Event::Html(_) => {
                    if stack.is_empty() {
                        self.blocks.push(range.clone());
                    }
                }
                Event::Rule if self.placeholders.contains(&range.start) => {}
                Event::Rule | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {
                    if stack.is_empty() {
                        self.blocks.push(range.clone());
                    }
                }
                _ => note_inline(&mut stack, &range, None),
            }
        }
    }

    fn open(&mut self, tag: Tag<'_>, range: &Range<usize>, stack: &[Frame]) -> Frame {
        match tag {
            Tag::Heading { level, .. } => Frame::Heading {
                level: level as u8,
                title: String::new(),
            },
            Tag::Paragraph => Frame::Paragraph,
            Tag::Table(_) => {
                self.tables.push(TableBlock {
                    range: range.clone(),
                    rows: Vec::new(),
                    has_header: false,
                    html: false,
                });
                Frame::Table
            }
            Tag::TableHead => {
                let table = self
                    .tables
                    .last_mut()
                    .expect("a table head is inside a table");
                table.has_header = true;
                table.rows.push(Vec::new());
                Frame::Row
            }
            Tag::TableRow => {
                self.tables
                    .last_mut()
                    .expect("a table row is inside a table")
                    .rows
                    .push(Vec::new());
                Frame::Row
            }
            Tag::TableCell => Frame::Cell,
            Tag::List(_) => {
                self.lists.push(ListBlock {
                    range: range.clone(),
                    items: Vec::new(),
                    html: false,
                });
                Frame::List {
                    index: self.lists.len() - 1,
                }
            }
            Tag::Item => {
                let list = stack.iter().rev().find_map(|frame| match frame {
                    Frame::List { index } => Some(*index),
                    _ => None,
                });
                self.open_item(list.unwrap_or(self.lists.len().saturating_sub(1)), range)
            }
            Tag::BlockQuote(kind) => Frame::Quote { kind },
            Tag::CodeBlock(kind) => {
                let (info, indented) = match kind {
                    CodeBlockKind::Fenced(info) => (info.to_string(), false),
                    CodeBlockKind::Indented => (String::new(), true),
                };
                Frame::Code {
                    info,
                    content: None,
                    indented,
                }
            }
            Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. } => Frame::Inline,
            Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                Frame::Definition { inline: None }
            }
            _ => Frame::Other,
        }
    }

    /// `range` of a list or item without the indentation pulldown-cmark may start it with (the spaces an
    /// unindented loose line keeps, see [`blocks::unindent_loose_lines`]): it starts at the marker.
    fn starting_at_marker(&self, range: &Range<usize>) -> Range<usize> {
        let indentation = self.masked.as_bytes()[range.start.min(self.masked.len())..range.end]
            .iter()
            .take_while(|byte| matches!(byte, b' ' | b'\t'))
            .count();
        range.start + indentation..range.end
    }

    /// The start of the line `offset` is on (see `line_start_cache`).
    fn line_start(&mut self, offset: usize) -> usize {
        let (known, known_start) = self.line_start_cache;
        let start = if offset >= known {
            memchr::memrchr2(b'\n', b'\r', &self.text.as_bytes()[known..offset])
                .map_or(known_start, |index| known + index + 1)
        } else {
            source::line_start(self.text, offset)
        };
        self.line_start_cache = (offset, start);
        start
    }

    fn open_item(&mut self, list: usize, range: &Range<usize>) -> Frame {
        let line_start = self.line_start(range.start);
        let content_indent = item_content_indent(self.text, line_start, range.start);
        let items = &mut self.lists[list].items;
        items.push(ListItem {
            range: range.clone(),
            content_indent,
        });
        Frame::Item {
            list,
            item: items.len() - 1,
            inline: None,
        }
    }

    fn close(&mut self, frame: Frame, range: Range<usize>, stack: &mut Frames) {
        let range = trim_end(self.text, range);
        match frame {
            Frame::Heading { level, title } => {
                self.push_unit(UnitKind::Heading, range.clone());
                self.headings.push(Heading {
                    level,
                    range,
                    title: title.trim().to_owned(),
                });
            }
            Frame::Paragraph => {
                if let Some((content_column, in_quote)) = self.loose_context(stack) {
                    self.note_loose(blocks::LooseBlock::Paragraph {
                        range: range.clone(),
                        content_column,
                        in_quote,
                    });
                }
                let kind = match stack.container() {
                    Some(Frame::Item { list, item, .. }) => UnitKind::ListItem {
                        list: *list,
                        item: *item,
                    },
                    _ => UnitKind::Paragraph,
                };
                self.push_unit(kind, range);
            }
            Frame::Cell => self.close_cell(range),
            // A tight definition list puts its text in no paragraph: it is read as one.
            Frame::Definition {
                inline: Some(inline),
            } => {
                self.push_unit(UnitKind::Paragraph, trim_end(self.text, inline));
            }
            Frame::Item { list, item, inline } => {
                self.lists[list].items[item].range = range;
                // A tight item's text is in no paragraph: its lines may be loose all the same.
                if let Some(inline) = &inline
                    && let Some((_, in_quote)) = self.loose_context(stack)
                {
                    self.note_loose(blocks::LooseBlock::Paragraph {
                        range: inline.clone(),
                        content_column: self.lists[list].items[item].content_indent,
                        in_quote,
                    });
                }
                if let Some(inline) = inline {
                    self.push_unit(UnitKind::ListItem { list, item }, inline);
                }
            }
            Frame::Quote { kind } => self.quotes.push(RawBlockquote { kind, range }),
            Frame::Code {
                info,
                content,
                indented,
            } => {
                if let Some((content_column, false)) = self.loose_context(stack) {
                    let range = range.clone();
                    self.note_loose(if indented {
                        blocks::LooseBlock::IndentedCode {
                            range,
                            content_column,
                        }
                    } else {
                        blocks::LooseBlock::FencedCode {
                            range,
                            content_column,
                        }
                    });
                }
                self.close_code(info, content, indented, range);
            }
            Frame::List { index } => self.lists[index].range = range,
            Frame::Table => {
                if let Some(table) = self.tables.last_mut() {
                    table.range = range;
                }
            }
            _ => {}
        }
    }

    /// Where the text of the innermost list item that holds a block starts (0 at the top level), and
    /// whether a blockquote holds it; `None` in any other container (a footnote definition, a table).
    /// Also `None` where nothing is noted: a Markdown page, or a region read again.
    fn loose_context(&self, stack: &Frames) -> Option<(usize, bool)> {
        if self.dialect != Dialect::Mdx || self.nesting > 0 {
            return None;
        }
        let mut content_column = 0;
        let mut in_quote = false;
        for frame in &stack.frames {
            match frame {
                Frame::List { .. } => {}
                Frame::Item { list, item, .. } => {
                    content_column = self.lists[*list].items[*item].content_indent;
                }
                Frame::Quote { .. } => in_quote = true,
                _ => return None,
            }
        }
        Some((content_column, in_quote))
    }

    /// Notes a block (in a [`Builder::loose_context`]) whose lines may be loose, unless it is the markup
    /// of an HTML list or a paragraph of one line, which has no line to shift.
    fn note_loose(&mut self, block: blocks::LooseBlock) {
        let range = block.range();
        let one_line = matches!(block, blocks::LooseBlock::Paragraph { .. })
            && memchr::memchr2(b'\n', b'\r', &self.masked.as_bytes()[range.clone()]).is_none();
        if !one_line && !self.in_html_list(range) {
            self.loose.push(block);
        }
    }

    fn close_cell(&mut self, range: Range<usize>) {
        let Some(table) = self.tables.last() else {
            return;
        };
        let row = table.rows.len().saturating_sub(1);
        let column = table.rows.last().map_or(0, Vec::len);
        let table_index = self.tables.len() - 1;
        if let Some(unit) = self.push_unit(
            UnitKind::TableCell {
                table: table_index,
                row,
                column,
            },
            range,
        ) && let Some(cells) = self.tables[table_index].rows.last_mut()
        {
            cells.push(unit);
        }
    }

    fn close_code(
        &mut self,
        info: String,
        content: Option<Range<usize>>,
        indented: bool,
        range: Range<usize>,
    ) {
        let content = content.unwrap_or(range.end..range.end);
        if indented && self.in_html_list(&range) {
            // Indented lines of an HTML list are the list's markup, not code: its items are read from tags.
            return;
        }
        let blanked = || blocks::blanked_indent(self.text, self.masked, range.start);
        if indented && (self.dialect == Dialect::Mdx || blanked()) {
            // MDX has no indented code, and indentation made by blanking a tag out is none: what
            // pulldown-cmark calls code here is indented text, read again as MDX reads it.
            if self.dialect == Dialect::Mdx && self.reparse_indented(&range) {
                return;
            }
            self.push_unit(UnitKind::CodeText, content);
            return;
        }
        if crate::doc::callout::is_admonish(&info) {
            // An mdbook-admonish fence is a call-out whose body is Markdown prose, not code.
            self.push_unit(UnitKind::CodeText, content.clone());
        }
        self.code_blocks.push(CodeBlock {
            range,
            info: info.trim().to_owned(),
            content,
        });
    }

    /// Reads an MDX indented region (what pulldown-cmark parsed as indented code in `range`) again with
    /// its common indentation removed, as MDX reads it (a table or list indented inside a `<TabItem>`),
    /// and adds its headings, units, tables, lists, quotes and code blocks at the page's offsets. `false`
    /// when it has no common indentation or lies too deep: it is then one prose unit.
    fn reparse_indented(&mut self, range: &Range<usize>) -> bool {
        if self.nesting >= MAX_INDENTED_NESTING {
            return false;
        }
        let start = range.start.min(self.masked.len());
        let region_start = self.masked[..start]
            .rfind('\n')
            .map_or(0, |index| index + 1);
        let region_end = range.end.min(self.masked.len()).max(region_start);
        let dedented = blocks::Dedented::new(self.masked, region_start..region_end);
        if dedented.removed_nothing {
            return false;
        }
        let placeholders: HashSet<usize> = self
            .placeholders
            .iter()
            .filter_map(|&offset| dedented.dedented_offset(offset))
            .collect();
        // The inner walk's recorder is dropped: the page's recorder reads the region again for the outline.
        let mut inner = Builder::new(&dedented.text, &dedented.text, &placeholders, self.dialect);
        inner.nesting = self.nesting + 1;
        inner.walk(&dedented.text);
        self.adopt(inner.into_parts(), &dedented);
        true
    }

    /// The parts a walk found.
    fn into_parts(self) -> Parts {
        Parts {
            units: self.units,
            tables: self.tables,
            lists: self.lists,
            headings: self.headings,
            code_blocks: self.code_blocks,
            quotes: self.quotes,
        }
    }

    /// Adds the parts found in `dedented` text, at the page's offsets; units go through
    /// [`Builder::push_unit`] (an HTML table or list of the page may shadow them).
    fn adopt(&mut self, parts: Parts, dedented: &blocks::Dedented) {
        let at_page = |range: Range<usize>| span::snap(self.text, dedented.original(range));
        let (table_base, list_base) = (self.tables.len(), self.lists.len());
        for list in parts.lists {
            let items = list
                .items
                .into_iter()
                .map(|item| {
                    let range = at_page(item.range);
                    let line_start = source::line_start(self.text, range.start);
                    ListItem {
                        content_indent: item_content_indent(self.text, line_start, range.start),
                        range,
                    }
                })
                .collect();
            self.lists.push(ListBlock {
                range: at_page(list.range),
                items,
                html: false,
            });
        }
        let mut unit_at_page = Vec::with_capacity(parts.units.len());
        for unit in parts.units {
            let kind = match unit.kind {
                UnitKind::TableCell { table, row, column } => UnitKind::TableCell {
                    table: table + table_base,
                    row,
                    column,
                },
                UnitKind::ListItem { list, item } => UnitKind::ListItem {
                    list: list + list_base,
                    item,
                },
                kind => kind,
            };
            unit_at_page.push(self.push_unit(kind, at_page(unit.range)));
        }
        for table in parts.tables {
            let rows = table
                .rows
                .iter()
                .map(|row| row.iter().filter_map(|&unit| unit_at_page[unit]).collect())
                .collect();
            self.tables.push(TableBlock {
                range: at_page(table.range),
                rows,
                has_header: table.has_header,
                html: table.html,
            });
        }
        for heading in parts.headings {
            self.headings.push(Heading {
                range: at_page(heading.range),
                ..heading
            });
        }
        for code in parts.code_blocks {
            self.code_blocks.push(CodeBlock {
                range: at_page(code.range),
                content: at_page(code.content),
                info: code.info,
            });
        }
        for quote in parts.quotes {
            self.quotes.push(RawBlockquote {
                range: at_page(quote.range),
                ..quote
            });
        }
    }

    /// Whether `range` lies inside an HTML list.
    fn in_html_list(&self, range: &Range<usize>) -> bool {
        self.html_lists
            .iter()
            .any(|list| list.range.start <= range.start && range.end <= list.range.end)
    }

    /// Records a unit unless it lies inside an HTML table (whose cells are recorded from the tags), or is
    /// prose inside an HTML list (whose items are recorded from the tags).
    fn push_unit(&mut self, kind: UnitKind, range: Range<usize>) -> Option<usize> {
        let in_table = !matches!(kind, UnitKind::Heading)
            && self
                .html_tables
                .iter()
                .any(|table| table.start <= range.start && range.end <= table.end);
        let in_list =
            matches!(kind, UnitKind::Paragraph | UnitKind::CodeText) && self.in_html_list(&range);
        let shadowed = in_table || in_list;
        if shadowed || range.is_empty() {
            return None;
        }
        self.units.push(TextUnit {
            kind,
            range,
            raw: false,
        });
        Some(self.units.len() - 1)
    }
}

/// `range` without trailing whitespace (pulldown-cmark's block ranges end after the line break).
pub(super) fn trim_end(text: &str, range: Range<usize>) -> Range<usize> {
    let trimmed = trim_blank_end(&text[range.clone()]);
    range.start..range.start + trimmed.len()
}

/// The innermost frame that is not inline markup.
/// The open frames of [`Builder::walk`], and where the innermost one that is not inline markup is: what
/// inline content is in, found without walking thousands of nested emphases.
#[derive(Default)]
struct Frames {
    frames: Vec<Frame>,
    /// The indexes in `frames` of the frames that are not [`Frame::Inline`], in order.
    containers: Vec<usize>,
}

impl Frames {
    fn push(&mut self, frame: Frame) {
        if !matches!(frame, Frame::Inline) {
            self.containers.push(self.frames.len());
        }
        self.frames.push(frame);
    }

    fn pop(&mut self) -> Option<Frame> {
        let frame = self.frames.pop()?;
        if self.containers.last() == Some(&self.frames.len()) {
            self.containers.pop();
        }
        Some(frame)
    }

    fn is_empty(&self) -> bool {
        self.frames.is_empty()
    }

    /// The innermost open frame that is not inline markup.
    fn container(&self) -> Option<&Frame> {
        self.containers.last().map(|&index| &self.frames[index])
    }

    fn container_mut(&mut self) -> Option<&mut Frame> {
        self.containers.last().map(|&index| &mut self.frames[index])
    }
}

fn note_inline(stack: &mut Frames, range: &Range<usize>, text: Option<&str>) {
    let Some(frame) = stack.container_mut() else {
        return;
    };
    match frame {
        Frame::Item { inline, .. } | Frame::Definition { inline } => {
            *inline = Some(match inline.take() {
                Some(existing) => existing.start.min(range.start)..existing.end.max(range.end),
                None => range.clone(),
            });
        }
        Frame::Heading { title, .. } => {
            if let Some(text) = text {
                title.push_str(text);
            }
        }
        Frame::Code { content, .. } => {
            *content = Some(match content.take() {
                Some(existing) => existing.start..range.end,
                None => range.clone(),
            });
        }
        _ => {}
    }
}

/// The column where an item's content starts, counted from its line's start: `- ` gives 2, `10. ` gives 4.
fn item_content_indent(text: &str, line_start: usize, item_start: usize) -> usize {
    // pulldown-cmark may start an item at its line's indentation rather than at its marker (a list after a
    // paragraph of unclosed JSX tags in MDX): the marker is after the spaces.
    let indented = &text[item_start..];
    let item_start = item_start + (indented.len() - indented.trim_start_matches(' ').len());
    let rest = &text[item_start..];
    let marker = if rest.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits + usize::from(rest[digits..].starts_with(['.', ')']))
    };
    let spaces = rest[marker..]
        .bytes()
        .take_while(|byte| *byte == b' ')
        .count()
        .clamp(1, 4);
    (item_start - line_start) + marker + spaces
}

#[cfg(test)]
mod tests {
    use crate::doc::markdown::tests::page;
    use crate::doc::{Dialect, UnitKind};

    #[test]
    fn headings_make_sections() {
        let page = page(
            "intro\n\n## A\n\ntext\n\n### A.1\n\nmore\n\n## B\n",
            Dialect::Markdown,
        );
        assert_eq!(page.headings.len(), 3);
        assert_eq!(page.headings[0].title, "A");
        let offset = page.text().find("more").unwrap();
        let section = page.section_at(offset);
        assert_eq!(page.heading_of(section).unwrap().title, "A.1");
        let a = page.section_at(page.text().find("text").unwrap());
        assert!(page.section_contains(a, section));
        assert_eq!(
            &page.text()[page.section_range(a)],
            "## A\n\ntext\n\n### A.1\n\nmore\n\n"
        );
        assert_eq!(page.section_at(0).0, 0);
    }

    #[test]
    fn list_items_know_their_content_indent() {
        let page = page(
            "1. Create a token:\n\n   - `AI Gateway - Read`\n   - `AI Gateway - Edit`\n\n2. Next\n",
            Dialect::Markdown,
        );
        assert_eq!(page.lists.len(), 2);
        assert_eq!(page.lists[0].items[0].content_indent, 3);
        assert_eq!(page.lists[1].items[0].content_indent, 5);
        let items: Vec<&str> = page
            .units
            .iter()
            .filter(|unit| matches!(unit.kind, UnitKind::ListItem { list: 1, .. }))
            .map(|unit| page.unit_text(unit))
            .collect();
        assert_eq!(items, vec!["`AI Gateway - Read`", "`AI Gateway - Edit`"]);
    }

    #[test]
    fn code_blocks_are_not_units_but_mdx_indented_text_is() {
        let text = "```json\n{\"a\": 1}\n```\n\n<Tabs>\n\n    indented prose\n\n</Tabs>\n";
        let markdown = page(text, Dialect::Markdown);
        assert_eq!(markdown.code_blocks.len(), 2, "Markdown has indented code");
        assert_eq!(markdown.code_blocks[0].info, "json");
        assert_eq!(
            &markdown.text()[markdown.code_blocks[0].content.clone()],
            "{\"a\": 1}\n"
        );
        let mdx = page(text, Dialect::Mdx);
        let prose: Vec<&str> = mdx
            .units
            .iter()
            .filter(|unit| unit.kind == UnitKind::Paragraph)
            .map(|unit| mdx.unit_text(unit))
            .collect();
        assert_eq!(prose, ["indented prose"]);
        assert_eq!(mdx.code_blocks.len(), 1, "MDX has no indented code");
        assert_eq!(mdx.elements.len(), 1);
        assert!(mdx.elements[0].close.is_some());
    }

    #[test]
    fn mdx_reads_tables_lists_and_headings_indented_inside_jsx() {
        let text = "## Groups 🚀\n\n<Tabs>\n  <TabItem label=\"日本語\">\n    | Name | Description |\n    | --- | --- |\n    | AI Gateway Read | 読む é́ |\n\n    ### مرحبا\n\n    - AI Gateway Run\n    - `AI Gateway Edit` 😀\n  </TabItem>\n</Tabs>\n";
        let mdx = page(text, Dialect::Mdx);
        assert_eq!(mdx.tables.len(), 1);
        let cells: Vec<Vec<&str>> = mdx.tables[0]
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|&unit| mdx.unit_text(&mdx.units[unit]).trim())
                    .collect()
            })
            .collect();
        assert_eq!(
            cells,
            [["Name", "Description"], ["AI Gateway Read", "読む é́"]]
        );
        assert_eq!(
            &text[mdx.tables[0].range.clone()].lines().next(),
            &Some("| Name | Description |")
        );
        let titles: Vec<&str> = mdx
            .headings
            .iter()
            .map(|heading| heading.title.as_str())
            .collect();
        assert_eq!(titles, ["Groups 🚀", "مرحبا"]);
        assert_eq!(mdx.lists.len(), 1);
        let items: Vec<&str> = mdx
            .units
            .iter()
            .filter(|unit| matches!(unit.kind, UnitKind::ListItem { list: 0, .. }))
            .map(|unit| mdx.unit_text(unit))
            .collect();
        assert_eq!(items, ["AI Gateway Run", "`AI Gateway Edit` 😀"]);
        assert_eq!(mdx.lists[0].items[0].content_indent, 6);
        // Markdown keeps indented code.
        let markdown = page(text, Dialect::Markdown);
        assert!(markdown.tables.is_empty());
    }
}
