//! The pre-pass that finds what pulldown-cmark does not understand, before it parses the page.
//!
//! MDX pages carry YAML front matter, ESM `import`/`export`, JSX tags (multi-line attributes, `{...}` values),
//! `{/* comments */}` and Starlight `:::note` directives; Markdown pages may carry front matter, Hugo
//! `{{<shortcodes>}}`, mdBook `{{#include}}` and HTML tags. This pass records each of them with its byte
//! range and writes a *masked* copy of the text in which they are blanked out (every byte but line breaks
//! becomes a space). The masked copy has the same length, so pulldown-cmark's offsets on it are offsets
//! into the original file, and it sees plain Markdown.
//!
//! Nothing inside fenced code blocks or inline code spans is recognised.
//!
//! This file holds what the pass finds ([`Scan`] and the constructs in it); `mdx/scanner.rs` is the pass
//! itself (line by line, then inline), `mdx/jsx.rs` reads one JSX tag, its attributes and `{...}`
//! expressions.

use std::borrow::Cow;
use std::ops::Range;

use super::Dialect;

mod container;
mod jsx;
mod scanner;

pub(crate) use jsx::parse_attribute;
pub use jsx::parse_tag;
pub use scanner::{lone_carriage_returns_as_line_feeds, scan};

/// What the pre-pass found; every range is a byte range of the page text.
#[derive(Debug, Default, Clone)]
pub struct Scan {
    /// The text with every recognised construct blanked out.
    pub masked: String,
    /// The front matter block, fences included, when the page starts with one.
    pub front_matter: Option<Range<usize>>,
    /// ESM statements (`import ...`, `export ...`).
    pub esm: Vec<Range<usize>>,
    /// `{/* ... */}` and `<!-- ... -->`: the whole comment and its inner text.
    pub comments: Vec<Comment>,
    /// JSX or HTML tags, in document order.
    pub tags: Vec<Tag>,
    /// `:::name[title]` ... `:::` containers.
    pub directives: Vec<Directive>,
    /// Hugo `{{< name ... >}}` and `{{</ name >}}` shortcodes.
    pub shortcodes: Vec<Tag>,
    /// mdBook `{{#include path}}` links.
    pub book_includes: Vec<BookInclude>,
    /// Fenced code blocks (the whole fence, opening to closing line).
    pub fences: Vec<Range<usize>>,
    /// MDX `{...}` expressions that are not comments, braces included.
    pub expressions: Vec<Range<usize>>,
}

/// A comment: `{/* ... */}` in MDX, `<!-- ... -->` in both dialects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The whole comment, delimiters included.
    pub range: Range<usize>,
    /// The text between the delimiters.
    pub inner: Range<usize>,
}

/// Which of the three shapes a tag has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// `<Name ...>`.
    Open,
    /// `</Name>`.
    Close,
    /// `<Name ... />`.
    SelfClosing,
}

/// A tag's or an attribute's name as written. Most are one of a few names written on every page, which
/// are kept without a copy of their own ([`name_of`]): pages hold tens of thousands of tags.
pub type Name = Cow<'static, str>;

/// The tag and attribute names most often written in documentation pages, sorted (for a binary search).
const COMMON_NAMES: &[&str] = &[
    "Aside",
    "Badge",
    "Callout",
    "Card",
    "CardGrid",
    "Check",
    "Code",
    "Cross",
    "Definitions",
    "Details",
    "DirectoryListing",
    "Example",
    "File",
    "Folder",
    "GlossaryTooltip",
    "Icon",
    "Image",
    "LinkButton",
    "LinkCard",
    "Note",
    "PackageManagerTabs",
    "PackageManagers",
    "ParamField",
    "ParamType",
    "PropMeta",
    "PropertiesTable",
    "Render",
    "ResponseField",
    "Snippet",
    "Step",
    "Steps",
    "Tab",
    "TabItem",
    "Tabs",
    "Tabs.Tab",
    "Type",
    "TypeLink",
    "Warning",
    "WranglerConfig",
    "a",
    "action",
    "align",
    "alt",
    "b",
    "body",
    "br",
    "button",
    "class",
    "className",
    "code",
    "colspan",
    "content",
    "details",
    "div",
    "em",
    "file",
    "for",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "header",
    "height",
    "hr",
    "href",
    "i",
    "id",
    "img",
    "input",
    "kbd",
    "key",
    "label",
    "lang",
    "li",
    "name",
    "ol",
    "p",
    "params",
    "path",
    "pre",
    "product",
    "props",
    "rowspan",
    "script",
    "size",
    "source",
    "span",
    "src",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "syncKey",
    "table",
    "target",
    "tbody",
    "td",
    "text",
    "th",
    "thead",
    "title",
    "tr",
    "type",
    "ul",
    "valign",
    "value",
    "variant",
    "video",
    "width",
];

/// `written` as a [`Name`]: borrowed from [`COMMON_NAMES`] when it is one of them, copied otherwise.
pub fn name_of(written: &str) -> Name {
    match COMMON_NAMES.binary_search(&written) {
        Ok(index) => Cow::Borrowed(COMMON_NAMES[index]),
        Err(_) => Cow::Owned(written.to_owned()),
    }
}

/// A JSX/HTML tag (or a Hugo shortcode, read the same way): its name, shape, range and attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The tag name as written (`Render`, `Aside`, `li`).
    pub name: Name,
    /// Opening, closing or self-closing.
    pub kind: TagKind,
    /// From `<` to `>` (from `{{<` to `>}}` for a shortcode).
    pub range: Range<usize>,
    /// The attributes, in the order written.
    pub attributes: Vec<Attribute>,
}

/// One `name=value` attribute of a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The attribute's name.
    pub name: Name,
    /// Its value: none, a quoted string or an expression.
    pub value: AttributeValue,
}

/// The value of an attribute, as ranges into the page text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    /// No value (`<Tabs sync>`).
    None,
    /// A quoted string; the range is inside the quotes.
    Text(Range<usize>),
    /// A `{...}` expression; the range is inside the braces.
    Expression(Range<usize>),
}

impl Tag {
    /// The tag's name in lower case when it is one of an HTML table's (`table`, `tr`, `td`, `th`, in any
    /// case), read without allocating: every tag of a page is asked.
    pub fn html_table_part(&self) -> Option<&'static str> {
        ["table", "tr", "td", "th"]
            .into_iter()
            .find(|part| self.name.eq_ignore_ascii_case(part))
    }

    /// The text of attribute `name` when it is a quoted string.
    pub fn text_attribute<'t>(&self, text: &'t str, name: &str) -> Option<&'t str> {
        self.attributes
            .iter()
            .find(|attribute| attribute.name == name)
            .and_then(|attribute| match &attribute.value {
                AttributeValue::Text(range) => Some(&text[range.clone()]),
                _ => None,
            })
    }

    /// Calls `visit` on the tag's range and every attribute value's range.
    pub fn visit_ranges(&mut self, visit: &mut dyn FnMut(&mut Range<usize>)) {
        visit(&mut self.range);
        for attribute in &mut self.attributes {
            match &mut attribute.value {
                AttributeValue::None => {}
                AttributeValue::Text(range) | AttributeValue::Expression(range) => visit(range),
            }
        }
    }

    /// The range inside the braces of attribute `name` when it is a `{...}` expression.
    pub fn expression_attribute(&self, name: &str) -> Option<Range<usize>> {
        self.attributes
            .iter()
            .find(|attribute| attribute.name == name)
            .and_then(|attribute| match &attribute.value {
                AttributeValue::Expression(range) => Some(range.clone()),
                _ => None,
            })
    }
}

/// A `:::name[title]` ... `:::` container directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// `note`, `tip`, `caution`, `danger`, ...
    pub name: String,
    /// The text inside `[...]` on the opening line.
    pub title: Option<Range<usize>>,
    /// The opening line (without its line break).
    pub open: Range<usize>,
    /// The closing `:::` line, when there is one.
    pub close: Option<Range<usize>>,
    /// Where a directive with no closing line ends because the blockquote or list item it opened in ended
    /// first (as remark-directive ends it): the end of its last line inside that is not blank. `None` when
    /// it closes, or when it runs to the end of the page.
    pub container_end: Option<usize>,
    /// The whitespace before the opening `:::`.
    pub indent: String,
}

impl Directive {
    /// From the opening `:::` to the end of the closing line, or to where its container ended; the
    /// opening line alone when it never closes.
    pub fn range(&self) -> Range<usize> {
        let end = match (&self.close, self.container_end) {
            (Some(close), _) => close.end,
            (None, Some(end)) => end,
            (None, None) => self.open.end,
        };
        self.open.start..end
    }

    /// Where its body ends: the start of the closing line, where its container ended, or (never closed)
    /// the end of the opening line.
    pub fn body_end(&self) -> usize {
        match (&self.close, self.container_end) {
            (Some(close), _) => close.start,
            (None, Some(end)) => end,
            (None, None) => self.open.end,
        }
    }
}

/// An mdBook `{{#include ...}}` link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookInclude {
    /// The whole link, braces included.
    pub range: Range<usize>,
    /// The argument: `file.md`, `file.md:2:10`, `file.rs:anchor`.
    pub argument: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_names_are_borrowed_and_any_other_name_is_copied_as_written() {
        assert!(
            COMMON_NAMES.windows(2).all(|pair| pair[0] < pair[1]),
            "sorted, for the binary search"
        );
        for &common in COMMON_NAMES {
            assert!(matches!(name_of(common), Cow::Borrowed(name) if name == common));
        }
        for other in ["", "TD", "Asides", "Tabs.Tabs", "x-ø", "data-id", "Render2"] {
            assert!(matches!(name_of(other), Cow::Owned(name) if name == other));
        }
        let tag = scan(
            "<Render file=\"x\" /> <Custom-Tag data-id=\"1\">",
            Dialect::Mdx,
        )
        .tags
        .into_iter()
        .map(|tag| {
            let attributes: Vec<String> = tag
                .attributes
                .iter()
                .map(|attribute| attribute.name.to_string())
                .collect();
            (tag.name.to_string(), attributes)
        })
        .collect::<Vec<_>>();
        assert_eq!(
            tag,
            [
                ("Render".to_owned(), vec!["file".to_owned()]),
                ("Custom-Tag".to_owned(), vec!["data-id".to_owned()]),
            ]
        );
    }
}
