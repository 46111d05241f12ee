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
//!
//! - `mod.rs`: the outline's types and its lines as `debug blocks` prints them.
//! - `recorder.rs`: the [`Recorder`] of pulldown-cmark's events.
//! - `structure.rs`: the [`Structure`] text pulldown-cmark parses for an MDX page.
//! - `loose.rs`: the lines of an MDX page indented 4 columns or more outside any container, which that
//!   text holds without their indentation once a first walk has found them.
//! - `outline.rs`: [`assemble`], the recorded blocks with the pre-pass's constructs and depths.

mod loose;
mod outline;
mod recorder;
mod structure;

use std::ops::Range;

pub use loose::{LooseBlock, unindent_loose_lines};
pub use outline::{assemble, pulldown_outline};
pub use recorder::{Dedented, Recorder, blanked_indent};
pub use structure::{Structure, markdown_structure_text, structure_text};

use super::source::SourceText;

/// What a block is (the serialised names, those of `scope-lint debug blocks`, are [`BlockKind::name`]).
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
    /// The kind's name, as `scope-lint debug blocks` and the fix structure check write it.
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::Table => "table",
            BlockKind::List => "list",
            BlockKind::Code => "code",
            BlockKind::Blockquote => "blockquote",
            BlockKind::Jsx => "jsx",
            BlockKind::Expression => "expression",
            BlockKind::Esm => "esm",
            BlockKind::Directive => "directive",
            BlockKind::Html => "html",
            BlockKind::ThematicBreak => "thematic-break",
            BlockKind::FrontMatter => "front-matter",
        }
    }

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
    /// Whether text stands in a list's items outside paragraphs: pulldown-cmark's reading of a tight list
    /// that holds text (rendered without `<p>`). A tight list whose items hold no text of their own (only
    /// headings, code blocks or nested lists) is not marked, nor is any other block.
    pub tight: bool,
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
        || block.range.end < crate::doc::blank::trim_blank_end(text).len()
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

#[cfg(test)]
mod tests {
    use super::BlockKind;

    #[test]
    fn a_kind_s_name_is_its_serialised_name() {
        let kinds = [
            BlockKind::Heading,
            BlockKind::Paragraph,
            BlockKind::Table,
            BlockKind::List,
            BlockKind::Code,
            BlockKind::Blockquote,
            BlockKind::Jsx,
            BlockKind::Expression,
            BlockKind::Esm,
            BlockKind::Directive,
            BlockKind::Html,
            BlockKind::ThematicBreak,
            BlockKind::FrontMatter,
        ];
        for kind in kinds {
            assert_eq!(
                serde_json::to_value(kind).unwrap(),
                serde_json::Value::from(kind.name())
            );
        }
    }
}
