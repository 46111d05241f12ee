//! The page model: one source file parsed into the blocks the rules look at, each with its byte range.
//!
//! Parsing is pure: text in, [`Page`] out. The pre-pass in [`mdx`] finds MDX/JSX, directives, shortcodes and
//! includes and masks them; [`markdown`] then runs pulldown-cmark (with mdBook's options) over the masked
//! text; [`callout`] and [`include`] turn the raw findings into call-outs and include references.

pub mod blank;
pub mod blocks;
pub mod callout;
mod html_blocks;
pub mod html_list;
pub mod html_table;
pub mod include;
pub mod markdown;
pub mod mdx;
pub mod shortcode;
pub mod source;
pub mod span;

use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

pub use callout::{Callout, CalloutForm};
pub(crate) use html_blocks::list_marker_width;
pub use include::{Include, IncludeTarget};
use source::SourceText;

/// The syntax a page is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dialect {
    /// CommonMark + GFM as mdBook renders it.
    Markdown,
    /// Astro/Starlight MDX.
    Mdx,
}

impl Dialect {
    /// The dialect a file extension implies: `.mdx` is MDX, everything else Markdown.
    pub fn from_path(path: &Path) -> Dialect {
        match path.extension().and_then(|extension| extension.to_str()) {
            Some(extension) if extension.eq_ignore_ascii_case("mdx") => Dialect::Mdx,
            _ => Dialect::Markdown,
        }
    }
}

/// One parsed page.
#[derive(Debug, Clone)]
pub struct Page {
    /// The page's text with its path, line index, BOM and line-ending facts.
    pub source: SourceText,
    /// Markdown or MDX: decides which constructs the pre-pass recognises.
    pub dialect: Dialect,
    /// The text with MDX/JSX, directives, shortcodes and front matter blanked out (same length as the text).
    pub masked: String,
    /// The YAML/TOML front matter block, fences included.
    pub front_matter: Option<Range<usize>>,
    /// MDX `import`/`export` statements.
    pub esm: Vec<Range<usize>>,
    /// Every heading, in document order; section `n` starts at `headings[n - 1]`.
    pub headings: Vec<Heading>,
    /// The text-bearing pieces of the page, in document order.
    pub units: Vec<TextUnit>,
    /// Markdown and HTML tables.
    pub tables: Vec<TableBlock>,
    /// Markdown and HTML lists.
    pub lists: Vec<ListBlock>,
    /// Call-outs of every recognised form.
    pub callouts: Vec<Callout>,
    /// `<Render>` partials and `{{#include}}` links.
    pub includes: Vec<Include>,
    /// Fenced and indented code blocks.
    pub code_blocks: Vec<CodeBlock>,
    /// Paired JSX elements (`<Tabs>` ... `</Tabs>`); used for placement.
    pub elements: Vec<Element>,
    /// `{/* ... */}` and `<!-- ... -->` comments (suppressions are read from them).
    pub comments: Vec<mdx::Comment>,
    /// Top-level blocks (paragraphs, lists, tables, code, call-outs, HTML), for placement.
    pub blocks: Vec<Range<usize>>,
    /// Every block at every depth, as mdast lists them (`scope-lint debug blocks`).
    pub outline: Vec<blocks::Block>,
    /// The items of the Markdown lists by where they start, made the first time they are asked for
    /// ([`Page::markdown_items`]).
    markdown_items: OnceLock<Vec<MarkdownItem>>,
    /// The ranges of the outline's HTML blocks in order, made the first time they are asked for
    /// ([`Page::in_an_html_block`]).
    html_blocks: OnceLock<Vec<Range<usize>>>,
}

/// An item of one of a page's Markdown lists (not an HTML one), as [`Page::markdown_items`] orders them.
#[derive(Debug, Clone)]
pub struct MarkdownItem {
    /// From its marker to its end.
    pub range: Range<usize>,
    /// The column where the item's content starts.
    pub content_indent: usize,
    /// Its place among the items of the page's Markdown lists, list by list.
    pub order: usize,
}

/// A heading: its level, where it is and its text.
#[derive(Debug, Clone)]
pub struct Heading {
    /// 1 to 6 (`#` count, or 1/2 for setext underlines).
    pub level: u8,
    /// The whole heading line(s).
    pub range: Range<usize>,
    /// The heading text.
    pub title: String,
}

/// Where a [`TextUnit`] sits in the page's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    /// A heading's text.
    Heading,
    /// A paragraph outside tables and lists.
    Paragraph,
    /// One cell of a table.
    TableCell {
        /// Index into [`Page::tables`].
        table: usize,
        /// The row (0 is the header when the table has one).
        row: usize,
        /// The column.
        column: usize,
    },
    /// The text of one list item (nested lists are items of their own list).
    ListItem {
        /// Index into [`Page::lists`].
        list: usize,
        /// The item's index in that list.
        item: usize,
    },
    /// The title of a call-out (`:::note[Title]`, `title="..."`).
    CalloutTitle,
    /// A code block's text, when it is read as prose (MDX has no indented code; an mdbook-admonish
    /// fence holds Markdown).
    CodeText,
}

/// A run of text that mentions are searched in.
#[derive(Debug, Clone)]
pub struct TextUnit {
    /// What structure the text belongs to.
    pub kind: UnitKind,
    /// The unit's byte range in the page.
    pub range: Range<usize>,
    /// Whether to read the original text rather than the masked one (titles sit inside masked markers).
    pub raw: bool,
}

/// A table (GFM pipe table or HTML `<table>`): its range and the text units of its cells.
#[derive(Debug, Clone)]
pub struct TableBlock {
    /// From the first row to the end of the last.
    pub range: Range<usize>,
    /// Rows of unit indexes; row 0 is the header when `has_header`.
    pub rows: Vec<Vec<usize>>,
    /// Whether the first row is a header row (always for GFM tables; `<th>` cells for HTML).
    pub has_header: bool,
    /// Written as HTML (`<table>` with `<tr>` and `<td>`/`<th>`), not as a GFM table.
    pub html: bool,
}

/// A list (Markdown or HTML) and its items.
#[derive(Debug, Clone)]
pub struct ListBlock {
    /// From the first item's marker to the end of the last item.
    pub range: Range<usize>,
    /// The items, in order.
    pub items: Vec<ListItem>,
    /// Written as HTML (`<ul>`/`<ol>` with `<li>`), not as a Markdown list.
    pub html: bool,
}

/// One list item.
#[derive(Debug, Clone)]
pub struct ListItem {
    /// From its marker (or `<li>`) to its end.
    pub range: Range<usize>,
    /// The column where the item's content starts (the indent for blocks inside it).
    pub content_indent: usize,
}

/// A fenced or indented code block.
#[derive(Debug, Clone)]
pub struct CodeBlock {
    /// The whole block, fences included.
    pub range: Range<usize>,
    /// The info string after the opening fence (`json`, `toml title="x"`), empty when there is none.
    pub info: String,
    /// The code between the fences.
    pub content: Range<usize>,
}

/// A JSX element: its opening tag and, when it is not self-closing, where its closing tag is.
#[derive(Debug, Clone)]
pub struct Element {
    /// The tag name (`Tabs`, `Render`, `Aside`).
    pub name: mdx::Name,
    /// The opening (or self-closing) tag with its attributes.
    pub open: mdx::Tag,
    /// The closing tag, when the element has one.
    pub close: Option<Range<usize>>,
}

impl Element {
    /// From the opening tag's `<` to the closing tag's `>` (the opening tag alone when self-closing).
    pub fn range(&self) -> Range<usize> {
        let end = self
            .close
            .as_ref()
            .map_or(self.open.range.end, |close| close.end);
        self.open.range.start..end
    }
}

/// A heading-delimited part of a page; index 0 is the part before the first heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionId(pub usize);

impl Page {
    /// Parses `source` as `dialect` into the page model: the MDX pre-pass, then pulldown-cmark over the
    /// masked text.
    pub fn parse(source: SourceText, dialect: Dialect) -> Page {
        markdown::build(source, dialect)
    }

    /// [`Page::parse`] with the pre-pass made already (by the relevance prefilter): `scan` is
    /// `mdx::scan(&source.text, dialect)`, of the text without its byte-order mark.
    pub fn parse_scanned(source: SourceText, dialect: Dialect, scan: mdx::Scan) -> Page {
        markdown::build_scanned(source, dialect, scan)
    }

    /// Only the includes of a page's text (the pre-pass without pulldown-cmark): cheap enough to run over
    /// every file before checking any.
    pub fn includes_of(text: &str, dialect: Dialect) -> Vec<Include> {
        if !include::may_include(text) {
            return Vec::new();
        }
        Page::includes_listed(text, &mdx::scan(text, dialect))
    }

    /// [`Page::includes_of`] with the pre-pass's `scan` of `text` made already.
    pub fn includes_in(text: &str, scan: &mdx::Scan) -> Vec<Include> {
        if !include::may_include(text) {
            return Vec::new();
        }
        Page::includes_listed(text, scan)
    }

    fn includes_listed(text: &str, scan: &mdx::Scan) -> Vec<Include> {
        let elements = markdown::pair_elements(&scan.tags);
        include::detect(text, scan, &elements)
    }

    /// The page's text as read: what every byte range of the model indexes.
    pub fn text(&self) -> &str {
        &self.source.text
    }

    /// Calls `visit` with the page text and each byte range the page stores. The destructuring names every
    /// field, so a new field that holds a range cannot be forgotten here without the compiler saying so.
    pub fn visit_ranges(&mut self, visit: &mut dyn FnMut(&str, &mut Range<usize>)) {
        let Page {
            source,
            dialect: _,
            masked: _,
            front_matter,
            esm,
            headings,
            units,
            tables,
            lists,
            callouts,
            includes,
            code_blocks,
            elements,
            comments,
            blocks,
            outline,
            markdown_items,
            html_blocks,
        } = self;
        // Made from the ranges visited here: made again when next asked for.
        *markdown_items = OnceLock::new();
        *html_blocks = OnceLock::new();
        let text = source.text.as_str();
        let mut visit = |range: &mut Range<usize>| visit(text, range);
        front_matter.iter_mut().for_each(&mut visit);
        esm.iter_mut().for_each(&mut visit);
        blocks.iter_mut().for_each(&mut visit);
        outline.iter_mut().for_each(|block| visit(&mut block.range));
        headings
            .iter_mut()
            .for_each(|heading| visit(&mut heading.range));
        units.iter_mut().for_each(|unit| visit(&mut unit.range));
        tables.iter_mut().for_each(|table| visit(&mut table.range));
        for list in lists {
            visit(&mut list.range);
            list.items
                .iter_mut()
                .for_each(|item| visit(&mut item.range));
        }
        for callout in callouts {
            visit(&mut callout.range);
            visit(&mut callout.body);
            callout.title.iter_mut().for_each(&mut visit);
        }
        includes
            .iter_mut()
            .for_each(|include| visit(&mut include.range));
        for code in code_blocks {
            visit(&mut code.range);
            visit(&mut code.content);
        }
        for element in elements {
            element.open.visit_ranges(&mut visit);
            element.close.iter_mut().for_each(&mut visit);
        }
        for comment in comments {
            visit(&mut comment.range);
            visit(&mut comment.inner);
        }
    }

    /// The items of the page's Markdown lists (HTML lists left out), ordered by where they start, then by
    /// their place list by list.
    pub fn markdown_items(&self) -> &[MarkdownItem] {
        self.markdown_items.get_or_init(|| {
            let mut items: Vec<MarkdownItem> = self
                .lists
                .iter()
                .filter(|list| !list.html)
                .flat_map(|list| list.items.iter())
                .enumerate()
                .map(|(order, item)| MarkdownItem {
                    range: item.range.clone(),
                    content_indent: item.content_indent,
                    order,
                })
                .collect();
            items.sort_by_key(|item| (item.range.start, item.order));
            items
        })
    }

    /// Whether `offset` lies in one of the outline's HTML blocks, or at its end (HTML blocks do not nest in
    /// one another, so their ranges are in order and apart: a bisection finds the one that may hold it).
    pub fn in_an_html_block(&self, offset: usize) -> bool {
        let html = self.html_blocks.get_or_init(|| {
            self.outline
                .iter()
                .filter(|block| block.kind == blocks::BlockKind::Html)
                .map(|block| block.range.clone())
                .collect()
        });
        let before = html.partition_point(|range| range.start < offset);
        before
            .checked_sub(1)
            .is_some_and(|last| offset <= html[last].end)
    }

    /// The text a unit is matched in.
    pub fn unit_text(&self, unit: &TextUnit) -> &str {
        if unit.raw {
            &self.source.text[unit.range.clone()]
        } else {
            &self.masked[unit.range.clone()]
        }
    }

    /// The section holding byte `offset`: the one of the last heading that starts at or before it.
    pub fn section_at(&self, offset: usize) -> SectionId {
        SectionId(
            self.headings
                .partition_point(|heading| heading.range.start <= offset),
        )
    }

    /// The heading that opens `section`; `None` for the introduction (section 0).
    pub fn heading_of(&self, section: SectionId) -> Option<&Heading> {
        section.0.checked_sub(1).map(|index| &self.headings[index])
    }

    /// How messages name a section: `section "Title"`, or `the introduction`.
    pub fn section_title(&self, section: SectionId) -> String {
        match self.heading_of(section) {
            Some(heading) => format!("section \"{}\"", heading.title),
            None => "the introduction".to_owned(),
        }
    }

    /// The range a section covers, its subsections included.
    pub fn section_range(&self, section: SectionId) -> Range<usize> {
        let Some(heading) = self.heading_of(section) else {
            let end = self
                .headings
                .first()
                .map_or(self.text().len(), |first| first.range.start);
            return 0..end;
        };
        let end = self.headings[section.0..]
            .iter()
            .find(|next| next.level <= heading.level)
            .map_or(self.text().len(), |next| next.range.start);
        heading.range.start..end
    }

    /// Where the section's own content ends: the next heading of any level, or the end of the page.
    pub fn section_body_end(&self, section: SectionId) -> usize {
        self.headings
            .get(section.0)
            .map_or(self.text().len(), |next| next.range.start)
    }

    /// Whether `inner` lies in `outer` or one of its subsections. A level-1 heading is the page title: its
    /// section holds the whole page, so it contains nothing but itself here.
    pub fn section_contains(&self, outer: SectionId, inner: SectionId) -> bool {
        if outer == inner {
            return true;
        }
        let Some(heading) = self.heading_of(outer).filter(|heading| heading.level >= 2) else {
            return false;
        };
        let probe = self.heading_of(inner).map_or(0, |inner| inner.range.start);
        heading.range.start < probe && probe < self.section_range(outer).end
    }
}
