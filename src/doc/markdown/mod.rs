//! Builds a [`Page`] from the masked text with pulldown-cmark, using mdBook's parser options so that what
//! we see is what mdBook renders.
//!
//! - `mod.rs`: the parser options, [`build`] (pre-pass, structure text, one walk, outline, call-outs,
//!   includes) and the pairing of JSX tags into elements.
//! - `builder.rs`: the walk of pulldown-cmark's events into headings, units, tables, lists and code blocks.
//! - `html.rs`: tables and lists written as HTML, read from the pre-pass's tags.

mod builder;
mod html;

use std::ops::Range;

use pulldown_cmark::Options;

use super::blank::trim_blank_end;
use super::blocks;
use super::callout;
use super::html_list;
use super::include;
use super::mdx::{self, TagKind};
use super::source::SourceText;
use super::span;
use super::{Dialect, Element, ListBlock, Page, UnitKind};
use builder::Builder;
use html::html_table_ranges;

/// mdBook 0.5's options (`mdbook-markdown::new_cmark_parser`), GFM alerts included.
pub fn mdbook_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// The options a dialect is parsed with: mdBook's for Markdown; for MDX the same without definition lists,
/// which MDX does not have (a `:` line after a paragraph is text there, e.g. an unmatched `:::`).
pub fn options(dialect: Dialect) -> Options {
    match dialect {
        Dialect::Markdown => mdbook_options(),
        Dialect::Mdx => mdbook_options() - Options::ENABLE_DEFINITION_LIST,
    }
}

/// Builds the page model of `source`: the MDX pre-pass, then one pulldown-cmark pass over the masked text.
pub fn build(source: SourceText, dialect: Dialect) -> Page {
    let scan = mdx::scan(&source.text, dialect);
    build_scanned(source, dialect, scan)
}

/// How many times an MDX page's structure text is walked again with its loose lines unindented (see
/// [`blocks::unindent_loose_lines`]).
const MAX_UNINDENT_PASSES: usize = 4;

/// [`build`] with the pre-pass made already: `scan` is `mdx::scan(&source.text, dialect)`.
pub fn build_scanned(source: SourceText, dialect: Dialect, mut scan: mdx::Scan) -> Page {
    if dialect == Dialect::Markdown {
        drop_what_open_comments_hide(&source.text, &mut scan);
    }
    let elements = pair_elements(&scan.tags);
    let mut structure = match dialect {
        Dialect::Mdx => blocks::structure_text(&source, &scan, &elements),
        Dialect::Markdown => blocks::markdown_structure_text(&source, &scan),
    };
    let mut html_lists = html_list::detect(&source.text, &scan.tags);
    let mut unindent_passes = 0;
    let mut builder = loop {
        let mut builder = Builder::new(
            &source.text,
            &structure.text,
            &structure.placeholders,
            dialect,
        );
        builder.html_tables = html_table_ranges(&scan.tags);
        builder.html_lists = std::mem::take(&mut html_lists);
        builder.walk(&structure.text);
        // An unindented line can open a block whose lines are loose in turn (`    - item` / `        more`
        // at the top level): a few passes settle what real pages hold.
        let unindented = (unindent_passes < MAX_UNINDENT_PASSES && !builder.loose.is_empty())
            .then(|| {
                blocks::unindent_loose_lines(
                    &structure.text,
                    &builder.loose,
                    &structure.placeholders,
                )
            })
            .flatten();
        match unindented {
            Some(text) => {
                html_lists = std::mem::take(&mut builder.html_lists);
                structure.text = text;
                unindent_passes += 1;
            }
            None => break builder,
        }
    };
    builder.html_tables(&scan.tags);
    builder.html_list_blocks();
    let Builder {
        mut units,
        mut tables,
        mut lists,
        mut headings,
        code_blocks,
        quotes,
        mut blocks,
        recorder,
        ..
    } = builder;
    let outline = blocks::assemble(
        &source,
        dialect,
        &scan,
        &elements,
        recorder.finish(),
        &structure.placeholders,
    );
    let mut quotes = quotes;
    let mut outline = outline;
    if dialect == Dialect::Markdown {
        end_lists_where_the_outline_does(&mut lists, &outline);
        end_quotes_where_html_interrupts(&source.text, &scan, &mut quotes, &mut outline);
        let html = RawHtml::of(&outline);
        if !html.0.is_empty() {
            headings.retain(|heading| !html.holds(heading.range.start));
            quotes.retain(|quote| !html.holds(quote.range.start));
            blocks.retain(|block| !html.holds(block.start));
            html.read_as_text(&mut units, &mut lists, &mut tables);
        }
    }
    let callouts = callout::detect(
        &source.text,
        dialect,
        &scan,
        &elements,
        &quotes,
        &code_blocks,
        &mut units,
    );
    let includes = include::detect(&source.text, &scan, &elements);
    let mut page = Page {
        dialect,
        masked: scan.masked,
        front_matter: scan.front_matter,
        esm: scan.esm,
        headings,
        units,
        tables,
        lists,
        callouts,
        includes,
        code_blocks,
        elements,
        comments: scan.comments,
        blocks,
        outline,
        markdown_items: std::sync::OnceLock::new(),
        html_blocks: std::sync::OnceLock::new(),
        source,
    };
    page.visit_ranges(&mut |text, range| span::snap_in_place(text, range));
    page
}

/// Drops the tags, shortcodes and includes that an HTML comment left open hides: a line that opens with
/// `<!--` and has no `-->` below it starts an HTML block that runs to the end of the page, or of the list
/// item or blockquote that holds it (CommonMark, as mdBook reads it), and what is inside is not rendered.
/// The pre-pass reads only closed comments; an `<Aside>` written below an open one is no call-out, and a
/// call-out moved there would vanish from the page. The page text is parsed as it is, tags and all: a
/// blanked tag line would read as a blank line inside the comment's list item.
fn drop_what_open_comments_hide(text: &str, scan: &mut mdx::Scan) {
    let Some(open) = first_open_comment(text) else {
        return;
    };
    let hidden: Vec<Range<usize>> =
        pulldown_cmark::Parser::new_ext(text, options(Dialect::Markdown))
            .into_offset_iter()
            .filter_map(|(event, range)| match event {
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::HtmlBlock)
                    if range.end > open =>
                {
                    let block = &text[range.clone()];
                    let opener = block
                        .find("<!--")
                        .filter(|&at| block[..at].trim_start().is_empty())?;
                    (!block[opener..].contains("-->")).then(|| range.start + opener..range.end)
                }
                _ => None,
            })
            .collect();
    if hidden.is_empty() {
        return;
    }
    // The hidden ranges are HTML blocks: sorted and apart.
    let visible = |range: &Range<usize>| {
        let after = hidden.partition_point(|comment| comment.start <= range.start);
        after == 0 || hidden[after - 1].end <= range.start
    };
    scan.tags.retain(|tag| visible(&tag.range));
    scan.shortcodes.retain(|tag| visible(&tag.range));
    scan.book_includes.retain(|include| visible(&include.range));
}

/// Where the first `<!--` with no `-->` after it starts, if the text has one.
fn first_open_comment(text: &str) -> Option<usize> {
    let after_last_close = text.rfind("-->").map_or(0, |close| close + 3);
    text[after_last_close..]
        .find("<!--")
        .map(|opener| after_last_close + opener)
}

/// Ends each blockquote (and the paragraph in it) before a line that opens an HTML block without a `>`:
/// such a line (`<div>x</div>` right below `> [!NOTE]` ...) interrupts the quote's paragraph, so it is no
/// lazy line of the quote (CommonMark, as mdBook reads it); the pre-pass blanked its tag, which made
/// pulldown-cmark read the text left as one.
fn end_quotes_where_html_interrupts(
    text: &str,
    scan: &mdx::Scan,
    quotes: &mut [callout::RawBlockquote],
    outline: &mut [blocks::Block],
) {
    if quotes.is_empty() {
        return;
    }
    let html_starts = super::html_blocks::interrupting_tag_starts(text, scan);
    if html_starts.is_empty() {
        return;
    }
    let end_before_html = |range: &mut std::ops::Range<usize>| {
        let next = html_starts.partition_point(|&start| start <= range.start);
        if let Some(&start) = html_starts.get(next)
            && start < range.end
        {
            range.end = trim_blank_end(&text[..start]).len().max(range.start);
        }
    };
    quotes
        .iter_mut()
        .for_each(|quote| end_before_html(&mut quote.range));
    outline
        .iter_mut()
        .filter(|block| {
            matches!(
                block.kind,
                blocks::BlockKind::Blockquote | blocks::BlockKind::Paragraph
            )
        })
        .for_each(|block| end_before_html(&mut block.range));
}

/// The outline's HTML blocks of a Markdown page, in order. What pulldown-cmark read inside one after the
/// pre-pass blanked its tag (`<div>` right above `## L`, `- AI Gateway Run` and `> **Note:**` lines with no
/// blank line between) is raw HTML to CommonMark and to mdBook, rendered as text: no heading, list item,
/// table or blockquote. Those read there are dropped, and their text units become paragraphs, so no
/// section, listing or call-out is read where the page shows none, and `fix` moves no raw HTML text into
/// a blockquote. HTML lists and tables (`<ul>`, `<table>`) are rendered as such and stay.
struct RawHtml(Vec<Range<usize>>);

impl RawHtml {
    fn of(outline: &[blocks::Block]) -> RawHtml {
        let mut ranges: Vec<Range<usize>> = outline
            .iter()
            .filter(|block| block.kind == blocks::BlockKind::Html)
            .map(|block| block.range.clone())
            .collect();
        ranges.sort_unstable_by_key(|range| range.start);
        RawHtml(ranges)
    }

    /// Whether a construct starting at `start` lies in an HTML block, after the block's own start.
    fn holds(&self, start: usize) -> bool {
        let before = self.0.partition_point(|range| range.start < start);
        before
            .checked_sub(1)
            .is_some_and(|last| start < self.0[last].end)
    }

    /// Drops the Markdown lists and tables that start in an HTML block, and makes the units of those and
    /// of the headings there paragraphs (the other lists and tables keep their units, renumbered).
    fn read_as_text(
        &self,
        units: &mut [super::TextUnit],
        lists: &mut Vec<ListBlock>,
        tables: &mut Vec<super::TableBlock>,
    ) {
        let list_numbers = renumber(lists, |list| !list.html && self.holds(list.range.start));
        let table_numbers = renumber(tables, |table| !table.html && self.holds(table.range.start));
        for unit in units {
            unit.kind =
                match unit.kind {
                    UnitKind::Heading if self.holds(unit.range.start) => UnitKind::Paragraph,
                    UnitKind::ListItem { list, item } => {
                        list_numbers[list].map_or(UnitKind::Paragraph, |list| UnitKind::ListItem {
                            list,
                            item,
                        })
                    }
                    UnitKind::TableCell { table, row, column } => {
                        table_numbers[table].map_or(UnitKind::Paragraph, |table| {
                            UnitKind::TableCell { table, row, column }
                        })
                    }
                    kind => kind,
                };
        }
    }
}

/// Removes the items `dropped` says to, and gives each item's new index (`None` for a dropped one).
fn renumber<T>(items: &mut Vec<T>, dropped: impl Fn(&T) -> bool) -> Vec<Option<usize>> {
    let mut kept = 0;
    let numbers = items
        .iter()
        .map(|item| {
            (!dropped(item)).then(|| {
                kept += 1;
                kept - 1
            })
        })
        .collect();
    items.retain(|item| !dropped(item));
    numbers
}

/// Ends each list where the outline's list that starts with it ends, when that is earlier and no item
/// of the list starts after it: the masked text has a blank line where an HTML tag line was, so a list
/// runs on in it past the HTML block that ends it on the page (`- item`, a blank line, `<details>`; see
/// `html_blocks`). A list whose later items the page puts in a list of their own is left whole: its
/// items stay listings (the outline splits it).
fn end_lists_where_the_outline_does(lists: &mut [ListBlock], outline: &[blocks::Block]) {
    let outline_ends: rustc_hash::FxHashMap<usize, usize> = outline
        .iter()
        .filter(|block| block.kind == blocks::BlockKind::List)
        .map(|block| (block.range.start, block.range.end))
        .collect();
    for list in lists {
        let Some(&end) = outline_ends
            .get(&list.range.start)
            .filter(|&&end| end < list.range.end)
        else {
            continue;
        };
        if list.items.iter().any(|item| item.range.start >= end) {
            continue;
        }
        list.range.end = end;
        for item in &mut list.items {
            item.range.end = item.range.end.min(end);
        }
    }
}

/// Pairs JSX open and close tags by name; self-closing tags are elements of their own.
pub(crate) fn pair_elements(tags: &[mdx::Tag]) -> Vec<Element> {
    let mut elements = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for tag in tags {
        match tag.kind {
            TagKind::SelfClosing => elements.push(Element {
                name: tag.name.clone(),
                open: tag.clone(),
                close: None,
            }),
            TagKind::Open => {
                elements.push(Element {
                    name: tag.name.clone(),
                    open: tag.clone(),
                    close: None,
                });
                open.push(elements.len() - 1);
            }
            TagKind::Close => {
                if let Some(depth) = open
                    .iter()
                    .rposition(|&index| elements[index].name == tag.name)
                {
                    let index = open[depth];
                    open.truncate(depth);
                    elements[index].close = Some(tag.range.clone());
                }
            }
        }
    }
    elements.sort_by_key(|element| element.open.range.start);
    elements
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page model of `text`, for the tests of every file here.
    pub(super) fn page(text: &str, dialect: Dialect) -> Page {
        build(SourceText::new("t", text.to_owned()), dialect)
    }

    #[test]
    fn placeholders_for_flow_lines_stay_out_of_the_page() {
        let text = "- Item — 項目\n\n<Aside>\nInside — ✓\n</Aside>\n\n:::note\nNote — 注\n:::\n";
        let page = page(text, Dialect::Mdx);
        assert!(!page.masked.contains('*'), "the rules read the masked text");
        assert_eq!(page.masked.len(), text.len());
        assert!(
            page.outline
                .iter()
                .all(|block| block.kind != blocks::BlockKind::ThematicBreak)
        );
        let tops: Vec<&str> = page
            .blocks
            .iter()
            .map(|range| page.text()[range.clone()].trim())
            .collect();
        assert_eq!(tops, vec!["- Item — 項目", "Inside — ✓", "Note — 注"]);
    }
}
