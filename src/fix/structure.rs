//! The structural check a fixed page passes before it is written: its blocks (every heading, table, list,
//! code block, JSX element, ESM statement, front matter and call-out, with their kinds, levels and texts,
//! in order) are the original's, plus exactly the inserted call-out, minus exactly the removed one.
//!
//! Offsets of the fixed page are mapped back to the original through the edits; a block that is not part
//! of an edit must start at the same original byte and end (trailing blanks aside) at the same one. An edit
//! may fall inside a list or a JSX element (a call-out placed in a list item), inside an `import` statement
//! only to add `Aside` to it, and inside no other block.

use crate::doc::blank::{is_blank, trim_blank_end};
use std::ops::Range;

use super::imports::{self, Binding};
use crate::doc::blocks::{Block as OutlineBlock, BlockKind, lines, pulldown_outline};
use crate::doc::markdown::mdbook_options;
use crate::doc::{Dialect, Page};
use crate::rules::{Edit, EditKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    FrontMatter,
    Esm,
    Heading,
    Table,
    List,
    Code,
    Element,
    Callout,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::FrontMatter => "front matter",
            Kind::Esm => "import/export statement",
            Kind::Heading => "heading",
            Kind::Table => "table",
            Kind::List => "list",
            Kind::Code => "code block",
            Kind::Element => "JSX element",
            Kind::Callout => "call-out",
        }
    }

    /// Whether an edit may fall inside a block of this kind.
    fn holds_edits(self) -> bool {
        matches!(self, Kind::List | Kind::Element)
    }
}

#[derive(Debug, Clone)]
struct Block {
    kind: Kind,
    /// The heading level; 0 for other kinds.
    level: u8,
    /// The heading title, element name, code info or call-out form.
    label: String,
    range: Range<usize>,
}

/// One edit, with where its replacement lies in the fixed text.
struct Placed<'a> {
    edit: &'a Edit,
    fixed: Range<usize>,
}

/// Checks that `after` is `before` with `edits` adding or removing whole call-outs ([`EditKind::Callout`])
/// and rewriting text inside blocks that stay what they were ([`EditKind::Content`]), and nothing else.
/// `edits` are the ones that turned `before`'s text into `after`'s (as [`super::apply_edits`] takes them).
///
/// Content edits are checked first, on their own: the page they give has the original's blocks, of the
/// same kinds, levels and labels, in order. The call-out edits are then checked against that page.
pub(crate) fn check(before: &Page, after: &Page, edits: &[&Edit]) -> Result<(), String> {
    same_model_blocks(before, after, edits)?;
    let edits = super::apply::normalized(edits).map_err(|error| error.to_string())?;
    let placed = place(&edits);
    // The model reads a Markdown page's lists with its HTML tags blanked out, which may make a list loose
    // that mdBook renders tight: there, tightness is compared on what mdBook renders only.
    let model_tightness = before.dialect == Dialect::Mdx;
    same_outline(
        before,
        after,
        (&before.outline, &after.outline),
        &placed,
        model_tightness,
    )?;
    same_rendered_outline(before, after, &placed)?;
    same_link_definitions(before.text(), after.text(), mdbook_options())
}

/// On a Markdown page, [`same_outline`] once more on the blocks a plain pulldown-cmark parse with mdBook's
/// options sees in the raw text (nothing blanked out): what mdBook renders, and what Hugo's goldmark reads,
/// with shortcodes as the paragraph text they are to it. So a model that reads a page's HTML tags or
/// shortcodes as blocks of their own cannot let an edit that changes the rendered page through.
fn same_rendered_outline(before: &Page, after: &Page, placed: &[Placed<'_>]) -> Result<(), String> {
    if before.dialect != Dialect::Markdown {
        return Ok(());
    }
    let options = mdbook_options();
    let rendered_before = pulldown_outline(&lone_crs_as_lf(before.text()), options);
    let rendered_after = pulldown_outline(&lone_crs_as_lf(after.text()), options);
    same_outline(
        before,
        after,
        (&rendered_before, &rendered_after),
        placed,
        true,
    )
    .and_then(|()| no_insertion_read_as_code(after.text(), &rendered_after, placed))
    .map_err(|problem| format!("as mdBook renders the page, {problem}"))
}

/// Whether the two texts define the same link references, as a CommonMark parser reads them (on an MDX page
/// too: MDX reads definitions as CommonMark does): an edit next to a line such as `[r]: /u` can make a
/// definition of what was paragraph text (a removed call-out that it continued), and a removed call-out can
/// take a definition with it, changing every link that uses the label.
fn same_link_definitions(
    before: &str,
    after: &str,
    options: pulldown_cmark::Options,
) -> Result<(), String> {
    // A definition's label is followed right away by `:`: text without `]:` defines nothing, so most pages
    // (and every page checked again for another candidate spot) are not parsed once more.
    if !before.contains("]:") && !after.contains("]:") {
        return Ok(());
    }
    let definitions = |text: &str| -> Vec<(String, String, Option<String>)> {
        let text = lone_crs_as_lf(text);
        let parser = pulldown_cmark::Parser::new_ext(&text, options);
        let mut found: Vec<(String, String, Option<String>)> = parser
            .reference_definitions()
            .iter()
            .map(|(label, definition)| {
                (
                    label.to_owned(),
                    definition.dest.to_string(),
                    definition.title.as_ref().map(ToString::to_string),
                )
            })
            .collect();
        found.sort_unstable();
        found
    };
    let (old, new) = (definitions(before), definitions(after));
    if old == new {
        return Ok(());
    }
    let changed = old
        .iter()
        .chain(&new)
        .find(|definition| !old.contains(definition) || !new.contains(definition))
        .map_or_else(String::new, |(label, _, _)| format!(" `[{label}]`"));
    Err(format!(
        "the link reference definition{changed} would change"
    ))
}

/// `text` with each lone `\r` made a `\n` (same length, same offsets): pulldown-cmark reads a lone `\r` as
/// part of its line, where CommonMark (and so the page model and Hugo) ends the line there.
fn lone_crs_as_lf(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let lone = |at: usize| bytes[at] == b'\r' && bytes.get(at + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return std::borrow::Cow::Borrowed(text);
    }
    let replaced: String = text
        .char_indices()
        .map(|(at, c)| if c == '\r' && lone(at) { '\n' } else { c })
        .collect();
    std::borrow::Cow::Owned(replaced)
}

/// Whether an inserted call-out is read as code: an indented code block starts in it (its lines indented
/// for a list item that has ended above it, after a closing tag at the margin).
fn no_insertion_read_as_code(
    fixed_text: &str,
    outline: &[OutlineBlock],
    placed: &[Placed<'_>],
) -> Result<(), String> {
    for edit in placed
        .iter()
        .filter(|edit| edit.edit.kind == EditKind::Callout)
    {
        // The outline is in order of start: the blocks that start in the inserted text, found by bisection.
        let first = outline.partition_point(|block| block.range.start < edit.fixed.start);
        let indented_code = outline[first..]
            .iter()
            .take_while(|block| block.range.start < edit.fixed.end)
            .any(|block| {
                block.kind == BlockKind::Code
                    && !fixed_text[block.range.clone()]
                        .trim_start()
                        .starts_with(['`', '~'])
            });
        if indented_code {
            return Err("the inserted call-out would be an indented code block".to_owned());
        }
    }
    Ok(())
}

/// The model's blocks (see [`check`]).
fn same_model_blocks(before: &Page, after: &Page, edits: &[&Edit]) -> Result<(), String> {
    let (content, callouts): (Vec<&Edit>, Vec<&Edit>) = edits
        .iter()
        .copied()
        .partition(|edit| edit.kind == EditKind::Content);
    if content.is_empty() {
        return check_callouts(before, after, edits);
    }
    let middle_text =
        super::apply_edits(before.text(), &content).map_err(|error| error.to_string())?;
    let middle = Page::parse(before.source.with_text(middle_text), before.dialect);
    same_blocks(before, &middle, &content)?;
    let rebased: Vec<Edit> = callouts
        .iter()
        .map(|edit| rebased(edit, &content))
        .collect();
    let rebased: Vec<&Edit> = rebased.iter().collect();
    check_callouts(&middle, after, &rebased)
}

/// `before` and `after` hold blocks of the same kinds, levels and labels, in the same order, but for the
/// tables that start inside what `content` replaces (a regenerated region's table is the region's own).
/// A heading, list, code block, call-out or anything else a content edit adds or removes is refused.
fn same_blocks(before: &Page, after: &Page, content: &[&Edit]) -> Result<(), String> {
    let content = super::apply::normalized(content).map_err(|error| error.to_string())?;
    let replaced: Vec<(Range<usize>, Range<usize>)> = place(&content)
        .into_iter()
        .map(|placed| (placed.edit.range.clone(), placed.fixed))
        .collect();
    let original: Vec<Block> = blocks(before)
        .into_iter()
        .filter(|block| {
            block.kind != Kind::Table
                || !replaced
                    .iter()
                    .any(|(old, _)| inside(old, block.range.start))
        })
        .collect();
    let rewritten: Vec<Block> = blocks(after)
        .into_iter()
        .filter(|block| {
            block.kind != Kind::Table
                || !replaced
                    .iter()
                    .any(|(_, new)| inside(new, block.range.start))
        })
        .collect();
    for index in 0..original.len().max(rewritten.len()) {
        match (original.get(index), rewritten.get(index)) {
            (Some(old), Some(new))
                if old.kind == new.kind && old.level == new.level && old.label == new.label => {}
            (Some(old), Some(new)) => {
                return Err(format!(
                    "{} would become {}",
                    describe(old, before),
                    describe(new, after)
                ));
            }
            (Some(old), None) => {
                return Err(format!(
                    "{} is missing from the fixed page",
                    describe(old, before)
                ));
            }
            (None, Some(new)) => return Err(format!("{} would be added", describe(new, after))),
            (None, None) => {}
        }
    }
    Ok(())
}

/// The outline of `after` (every block at every depth, HTML blocks and directives included: what a
/// CommonMark or MDX parser makes of the page, where the model reads through HTML tags) is `before`'s
/// outside the edits: each block that starts outside them keeps its kind, depth and level, and starts and
/// ends at the same original bytes (through the edits). So an insertion cannot end an HTML block or a
/// directive early, turn raw HTML into a heading or move a block into or out of a container, and a removal
/// cannot let an HTML block swallow what follows. A table's rows and a list's items may change only where
/// an edit falls inside it. With `compare_tightness`, a list also stays tight or loose (what mdBook renders
/// with `<p>` in its items or without).
fn same_outline(
    before: &Page,
    after: &Page,
    (old_outline, new_outline): (&[OutlineBlock], &[OutlineBlock]),
    placed: &[Placed<'_>],
    compare_tightness: bool,
) -> Result<(), String> {
    let kept = old_outline
        .iter()
        .filter(|block| !in_an_original_range(placed, block.range.start));
    let mut carried = new_outline
        .iter()
        .filter(|block| !in_a_fixed_range(placed, block.range.start));
    for old in kept {
        let Some(new) = carried.next() else {
            return Err(format!(
                "{} is missing from the fixed page",
                describe_outline(old, before)
            ));
        };
        let start = to_original(placed, new.range.start);
        let end = trimmed_end(before.text(), start, to_original(placed, new.range.end));
        let old_end = trimmed_end(before.text(), old.range.start, old.range.end);
        let first = placed.partition_point(|edit| edit.edit.range.start < old.range.start);
        // An edit at the end of the block's last line (after trailing spaces, before the line break) is in
        // it, as one right after its text is: rows added after `| A | x | ` are the table's.
        let last_line_end = crate::doc::source::line_end(before.text(), old_end);
        let edited = placed
            .get(first)
            .is_some_and(|edit| edit.edit.range.start <= last_line_end);
        let same_counts = edited || (old.rows == new.rows && old.items == new.items);
        if (old.kind, old.depth, old.level) != (new.kind, new.depth, new.level)
            || (old.range.start, old_end) != (start, end)
            || !same_counts
        {
            return Err(format!(
                "{} would become {}",
                describe_outline(old, before),
                describe_outline(new, after)
            ));
        }
        if compare_tightness && old.tight != new.tight {
            let (was, would_be) = if old.tight {
                ("tight", "loose")
            } else {
                ("loose", "tight")
            };
            return Err(format!(
                "{} would turn from {was} to {would_be} (its items' text in or out of paragraphs)",
                describe_outline(old, before)
            ));
        }
        if runs_into_an_insertion(placed, after.text(), new) {
            return Err(format!(
                "{} would take in the inserted call-out",
                describe_outline(old, before)
            ));
        }
    }
    match carried.next() {
        Some(new) => Err(format!("{} would be added", describe_outline(new, after))),
        None => Ok(()),
    }
}

/// An outline block as the refusal names it: its kind, depth and lines.
fn describe_outline(block: &OutlineBlock, page: &Page) -> String {
    let lines = lines(&page.source, std::slice::from_ref(block));
    let line = &lines[0];
    let kind = block.kind.name();
    let depth = match block.depth {
        0 => String::new(),
        depth => format!(" at depth {depth}"),
    };
    format!(
        "the {kind} block{depth} (lines {}-{})",
        line.start_line, line.end_line
    )
}

/// `edit`'s range moved by what the `content` edits before it add or remove (an insertion at the same spot
/// comes first: see [`super::apply::normalized`]).
fn rebased(edit: &Edit, content: &[&Edit]) -> Edit {
    let shift = |offset: usize| -> usize {
        let growth: isize = content
            .iter()
            .filter(|other| other.range.end <= offset)
            .map(|other| other.replacement.len() as isize - other.range.len() as isize)
            .sum();
        offset.saturating_add_signed(growth)
    };
    Edit {
        range: shift(edit.range.start)..shift(edit.range.end),
        ..edit.clone()
    }
}

fn check_callouts(before: &Page, after: &Page, edits: &[&Edit]) -> Result<(), String> {
    let edits = super::apply::normalized(edits).map_err(|error| error.to_string())?;
    let placed = place(&edits);
    let original = blocks(before);
    let fixed = blocks(after);
    for edit in &placed {
        if !edit.edit.range.is_empty() {
            removed_are_callouts(before, &original, edit.edit.range.clone())?;
        }
        if !edit.fixed.is_empty() {
            inserted_is_one_callout(after, &fixed, edit.fixed.clone())?;
        }
    }
    let kept: Vec<&Block> = original
        .iter()
        .filter(|block| !in_an_original_range(&placed, block.range.start))
        .collect();
    let carried: Vec<&Block> = fixed
        .iter()
        .filter(|block| !in_a_fixed_range(&placed, block.range.start))
        .collect();
    for index in 0..kept.len().max(carried.len()) {
        let (Some(old), Some(new)) = (kept.get(index), carried.get(index)) else {
            let (block, what) = match kept.get(index) {
                Some(old) => (*old, "is missing from the fixed page"),
                None => (carried[index], "would be added"),
            };
            return Err(format!("{} {what}", describe(block, before)));
        };
        same_block(before, after, &placed, old, new)?;
    }
    Ok(())
}

fn same_block(
    before: &Page,
    after: &Page,
    placed: &[Placed<'_>],
    old: &Block,
    new: &Block,
) -> Result<(), String> {
    let start = to_original(placed, new.range.start);
    let end = trimmed_end(
        seen_text(before, new.kind),
        start,
        to_original(placed, new.range.end),
    );
    let old_end = trimmed_end(seen_text(before, old.kind), old.range.start, old.range.end);
    if old.kind != new.kind
        || old.level != new.level
        || old.label != new.label
        || old.range.start != start
        || old_end != end
    {
        return Err(changed_block(before, after, old, new));
    }
    // The edits are in order and do not overlap: only those ending after the block's start can fall in it.
    let first = placed.partition_point(|edit| edit.edit.range.end <= old.range.start);
    let edited = placed[first..]
        .iter()
        .take_while(|edit| edit.edit.range.start < old_end)
        .any(|edit| {
            let range = &edit.edit.range;
            (old.range.start < range.start && range.start < old_end)
                || (old.range.start < range.end && range.end < old_end)
        });
    if !edited || old.kind.holds_edits() {
        return Ok(());
    }
    if old.kind == Kind::Esm && adds_only_aside(before, after, old, new) {
        return Ok(());
    }
    Err(format!("an edit falls inside {}", describe(old, before)))
}

/// Whether the fixed statement binds what the original did, plus `Aside`.
fn adds_only_aside(before: &Page, after: &Page, old: &Block, new: &Block) -> bool {
    let mut expected = imports::read(before.text(), old.range.clone()).locals;
    expected.push(imports::Local {
        name: "Aside".to_owned(),
        binding: Binding::Named {
            imported: "Aside".to_owned(),
        },
    });
    let mut got = imports::read(after.text(), new.range.clone()).locals;
    let key = |local: &imports::Local| (local.name.clone(), format!("{:?}", local.binding));
    expected.sort_by_key(key);
    got.sort_by_key(key);
    expected == got
}

/// The blocks that start inside an inserted replacement must be one call-out (and what it holds) or one
/// `import { Aside }` statement, with nothing but blank space around it.
fn inserted_is_one_callout(
    page: &Page,
    blocks: &[Block],
    region: Range<usize>,
) -> Result<(), String> {
    let text = &page.text()[region.clone()];
    if is_blank(text) {
        return Ok(());
    }
    let starting: Vec<&Block> = starting_in(blocks, &region).iter().collect();
    if starting.is_empty() {
        // Text inside another block may only be the `Aside` specifier of an import (checked with that block).
        let in_import = blocks.iter().any(|block| {
            block.kind == Kind::Esm
                && block.range.start < region.start
                && region.end < block.range.end
        });
        return if in_import {
            Ok(())
        } else {
            Err("the inserted text is not a call-out".to_owned())
        };
    }
    let outer = outermost(&starting, "inserted", page)?;
    if outer.range.end > region.end {
        return Err(format!(
            "the inserted {} runs past the inserted text into the page",
            outer.kind.describe()
        ));
    }
    match outer.kind {
        Kind::Callout => {}
        Kind::Esm => {
            let locals = imports::read(page.text(), outer.range.clone()).locals;
            let aside_only = locals.len() == 1
                && locals[0].name == "Aside"
                && locals[0].binding
                    == Binding::Named {
                        imported: "Aside".to_owned(),
                    };
            if !aside_only {
                return Err("the inserted import does not bind exactly `Aside`".to_owned());
            }
        }
        _ => {
            return Err(format!(
                "the inserted text reads as {}, not as a call-out",
                describe(outer, page)
            ));
        }
    }
    only_blank_around(page.text(), &region, &outer.range, "inserted")
}

/// The blocks that start inside a removed range must be call-outs (and what they hold), with nothing but
/// blank space between them (two neighbouring removals are merged into one range).
fn removed_are_callouts(page: &Page, blocks: &[Block], region: Range<usize>) -> Result<(), String> {
    let starting: Vec<&Block> = starting_in(blocks, &region).iter().collect();
    let outer: Vec<&Block> = starting
        .iter()
        .filter(|block| {
            !starting.iter().any(|other| {
                !std::ptr::eq(*other, **block)
                    && other.range.start <= block.range.start
                    && block.range.end <= other.range.end
                    && (other.range.len() > block.range.len() || other.kind == Kind::Callout)
            })
        })
        .copied()
        .collect();
    let blank = |range: Range<usize>| page.text().get(range).is_some_and(is_blank);
    let mut cursor = region.start;
    for block in &outer {
        if block.kind != Kind::Callout || block.range.end > region.end {
            return Err(format!(
                "the removed text holds {}, not only a call-out",
                describe(block, page)
            ));
        }
        if !blank(cursor..block.range.start) {
            return Err("the removed text holds more than the call-out".to_owned());
        }
        cursor = block.range.end;
    }
    if !blank(cursor..region.end) {
        return Err("the removed text holds more than the call-out".to_owned());
    }
    Ok(())
}

/// The one block that holds every other block of `blocks`.
fn outermost<'a>(blocks: &[&'a Block], what: &str, page: &Page) -> Result<&'a Block, String> {
    let outer = blocks
        .iter()
        .max_by_key(|block| (block.range.len(), block.kind == Kind::Callout))
        .copied()
        .expect("blocks is not empty");
    if let Some(stray) = blocks
        .iter()
        .find(|block| block.range.start < outer.range.start || block.range.end > outer.range.end)
    {
        return Err(format!(
            "the {what} text holds {} besides {}",
            describe(stray, page),
            describe(outer, page)
        ));
    }
    Ok(outer)
}

fn only_blank_around(
    text: &str,
    region: &Range<usize>,
    block: &Range<usize>,
    what: &str,
) -> Result<(), String> {
    let blank = |range: Range<usize>| text.get(range).is_some_and(is_blank);
    if blank(region.start..block.start) && blank(block.end.min(region.end)..region.end) {
        Ok(())
    } else {
        Err(format!("the {what} text holds more than the call-out"))
    }
}

fn inside(region: &Range<usize>, offset: usize) -> bool {
    region.start <= offset && offset < region.end
}

/// The `blocks` (in order of start, as [`blocks`] gives them) that start inside `region`.
fn starting_in<'b>(blocks: &'b [Block], region: &Range<usize>) -> &'b [Block] {
    let first = blocks.partition_point(|block| block.range.start < region.start);
    let count = blocks[first..].partition_point(|block| block.range.start < region.end);
    &blocks[first..first + count]
}

/// Whether `offset` of the original text lies inside what an edit replaces. The placed edits are in order
/// and do not overlap, so their ends are in order too: the first edit ending after `offset` is the only
/// one that can hold it (bisection keeps a page of thousands of insertions linear).
fn in_an_original_range(placed: &[Placed<'_>], offset: usize) -> bool {
    let index = placed.partition_point(|edit| edit.edit.range.end <= offset);
    placed
        .get(index)
        .is_some_and(|edit| inside(&edit.edit.range, offset))
}

/// Whether `offset` of the fixed text lies inside an edit's replacement ([`in_an_original_range`]).
fn in_a_fixed_range(placed: &[Placed<'_>], offset: usize) -> bool {
    let index = placed.partition_point(|edit| edit.fixed.end <= offset);
    placed
        .get(index)
        .is_some_and(|edit| inside(&edit.fixed, offset))
}

/// Whether `block` of the fixed text, one that starts outside the edits and holds no other blocks (an HTML
/// block, a paragraph, a code block), ends inside an inserted call-out or after one: it took the call-out's
/// lines in as its own text (an HTML block that runs to the next blank line, a fenced code block the
/// call-out landed in), though mapped back to the original it ends where it did.
fn runs_into_an_insertion(placed: &[Placed<'_>], fixed_text: &str, block: &OutlineBlock) -> bool {
    if matches!(
        block.kind,
        BlockKind::List | BlockKind::Blockquote | BlockKind::Jsx | BlockKind::Directive
    ) {
        return false;
    }
    let end = trimmed_end(fixed_text, block.range.start, block.range.end);
    let Some(last) = end.checked_sub(1).filter(|last| *last >= block.range.start) else {
        return false;
    };
    // The edits that end after the block starts, up to the block's last byte.
    let first = placed.partition_point(|edit| edit.fixed.end <= block.range.start);
    placed[first..]
        .iter()
        .take_while(|edit| edit.fixed.start <= last)
        .any(|edit| {
            // An import specifier added to a line (`{ Aside, Tabs }`) is no call-out's lines.
            edit.edit.kind == EditKind::Callout
                && fixed_text[edit.fixed.clone()].contains(['\n', '\r'])
        })
}

/// `edits` (normalised: sorted, not overlapping) with where each replacement lies in the fixed text.
fn place(edits: &[Edit]) -> Vec<Placed<'_>> {
    let mut shift: isize = 0;
    edits
        .iter()
        .map(|edit| {
            let start = edit.range.start.saturating_add_signed(shift);
            shift += edit.replacement.len() as isize - edit.range.len() as isize;
            Placed {
                edit,
                fixed: start..start + edit.replacement.len(),
            }
        })
        .collect()
}

/// The original offset of fixed offset `offset`; an offset inside a replacement maps to the edit's start.
fn to_original(placed: &[Placed<'_>], offset: usize) -> usize {
    // The first edit whose replacement ends after `offset` holds it or comes after it; the edit before
    // it gives the shift.
    let index = placed.partition_point(|edit| edit.fixed.end <= offset);
    if let Some(edit) = placed.get(index)
        && edit.fixed.start <= offset
    {
        return edit.edit.range.start;
    }
    let shift = index.checked_sub(1).map_or(0, |before| {
        placed[before].fixed.end as isize - placed[before].edit.range.end as isize
    });
    offset.saturating_add_signed(-shift)
}

/// The text a block's kind is parsed from: pulldown-cmark's blocks see the masked text (MDX, directives and
/// shortcodes blanked), so blank space after them is blank in that text.
fn seen_text(page: &Page, kind: Kind) -> &str {
    match kind {
        Kind::Heading | Kind::Table | Kind::List | Kind::Code => &page.masked,
        Kind::FrontMatter | Kind::Esm | Kind::Element | Kind::Callout => page.text(),
    }
}

/// `end` moved back over trailing blank space, never before `start`.
fn trimmed_end(text: &str, start: usize, end: usize) -> usize {
    let end = end.min(text.len()).max(start);
    text.get(start..end)
        .map_or(end, |part| start + trim_blank_end(part).len())
}

/// What the refusal says of `old` becoming `new`: both described, or, where they read the same (the
/// block moved its start or end, or changed a label the description does not show), the lines each spans.
fn changed_block(before: &Page, after: &Page, old: &Block, new: &Block) -> String {
    let (old_text, new_text) = (describe(old, before), describe(new, after));
    if old_text != new_text {
        return format!("{old_text} would become {new_text}");
    }
    let span = |block: &Block, page: &Page| {
        let first = page.source.position(block.range.start).line;
        let last = page
            .source
            .position(block.range.end.saturating_sub(1).max(block.range.start))
            .line;
        format!("{first}-{last}")
    };
    format!(
        "{old_text} would change: it spans lines {} and would span lines {} of the fixed page",
        span(old, before),
        span(new, after)
    )
}

fn describe(block: &Block, page: &Page) -> String {
    let line = page.source.position(block.range.start).line;
    match block.kind {
        Kind::Heading => format!(
            "the level-{} heading \"{}\" (line {line})",
            block.level, block.label
        ),
        Kind::Element => format!("the <{}> element (line {line})", block.label),
        kind => format!("the {} (line {line})", kind.describe()),
    }
}

fn blocks(page: &Page) -> Vec<Block> {
    let plain = |kind, range: &Range<usize>| Block {
        kind,
        level: 0,
        label: String::new(),
        range: range.clone(),
    };
    let mut blocks: Vec<Block> = Vec::new();
    blocks.extend(
        page.front_matter
            .iter()
            .map(|range| plain(Kind::FrontMatter, range)),
    );
    blocks.extend(page.esm.iter().map(|range| plain(Kind::Esm, range)));
    blocks.extend(page.headings.iter().map(|heading| Block {
        kind: Kind::Heading,
        level: heading.level,
        label: heading.title.clone(),
        range: heading.range.clone(),
    }));
    blocks.extend(
        page.tables
            .iter()
            .map(|table| plain(Kind::Table, &table.range)),
    );
    blocks.extend(page.lists.iter().map(|list| plain(Kind::List, &list.range)));
    blocks.extend(page.code_blocks.iter().map(|code| Block {
        label: code.info.clone(),
        ..plain(Kind::Code, &code.range)
    }));
    blocks.extend(page.elements.iter().map(|element| Block {
        label: element.name.to_string(),
        ..plain(Kind::Element, &element.range())
    }));
    blocks.extend(page.callouts.iter().map(|callout| Block {
        label: format!("{:?} {}", callout.syntax, callout.kind),
        ..plain(Kind::Callout, &callout.range)
    }));
    // Ranges end at their last non-blank byte: parsers differ on whether a block owns its line break.
    for block in &mut blocks {
        block.range.end = trimmed_end(
            seen_text(page, block.kind),
            block.range.start,
            block.range.end,
        );
    }
    blocks.sort_by_key(|block| {
        (
            block.range.start,
            std::cmp::Reverse(block.range.end),
            block.kind,
        )
    });
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Dialect;
    use crate::doc::source::SourceText;

    fn checked(before: &str, edits: &[Edit], dialect: Dialect) -> Result<(), String> {
        let refs: Vec<&Edit> = edits.iter().collect();
        let after = super::super::apply_edits(before, &refs).unwrap();
        let parse = |text: &str| Page::parse(SourceText::new("t", text.to_owned()), dialect);
        check(&parse(before), &parse(&after), &refs)
    }

    #[test]
    fn link_definitions_must_stay_what_they_were() {
        let options = mdbook_options();
        let same = |before: &str, after: &str| same_link_definitions(before, after, options);
        assert!(
            same(
                "[r]: /u\n\n[x][r] 日本\n",
                "[r]: /u\n\n> [!NOTE]\n> x\n\n[x][r] 日本\n"
            )
            .is_ok()
        );
        // Dropped, moved to another destination, or made of paragraph text.
        assert!(same("> [r]: /u\n\n[x][r]\n", "[x][r]\n").is_err());
        assert!(same("[r]: /u\n[r]: /v\n", "[r]: /v\n").is_err());
        let made = same("text\n[r]: /u\n\n[x][r] 🚀\n", "[r]: /u\n\n[x][r] 🚀\n");
        assert_eq!(
            made,
            Err("the link reference definition `[r]` would change".to_owned())
        );
    }

    fn insert(at: usize, text: &str) -> Edit {
        Edit {
            file: None,
            range: at..at,
            replacement: text.to_owned(),
            kind: EditKind::Callout,
        }
    }

    fn remove(range: Range<usize>) -> Edit {
        Edit {
            file: None,
            range,
            replacement: String::new(),
            kind: EditKind::Callout,
        }
    }

    fn rewrite(range: Range<usize>, text: &str) -> Edit {
        Edit {
            file: None,
            range,
            replacement: text.to_owned(),
            kind: EditKind::Content,
        }
    }

    const PAGE: &str = "# 日本\n\n| a |\n| - |\n| b |\n\n## Next\n\nText.\n";

    #[test]
    fn a_content_edit_keeps_every_block_or_is_refused() {
        let cell = PAGE.find("| b |").unwrap() + 2..PAGE.find("| b |").unwrap() + 3;
        let renamed = rewrite(cell.clone(), "Zero Trust Read 🙂");
        assert_eq!(checked(PAGE, &[renamed], Dialect::Markdown), Ok(()));
        let row_end = PAGE.find("| b |").unwrap() + 5;
        let row = rewrite(row_end..row_end, "\n| c 日本 |");
        assert_eq!(checked(PAGE, &[row], Dialect::Markdown), Ok(()));
        let heading = rewrite(cell, "b |\n\n## Injected");
        assert!(
            checked(PAGE, &[heading], Dialect::Markdown)
                .unwrap_err()
                .contains("heading")
        );
    }

    /// Rows added after a last row with spaces or a tab after its text (where SL008 adds them: at the end of
    /// the line) extend the table; a fuzz campaign found them refused as a change of structure.
    #[test]
    fn rows_added_after_trailing_spaces_of_the_last_row_pass() {
        for last_row in ["| 日本 | x | ", "| 日本 | x \t", "| 日本 | x |  "] {
            let page = format!("## User\n\n| Name | D |\n| --- | --- |\n{last_row}\n\n## Next\n");
            let at = page.find(last_row).unwrap() + last_row.len();
            let rows = rewrite(at..at, "\n| API Tokens Read 🙂 | |\n| Zone Read | |");
            assert_eq!(
                checked(&page, &[rows], Dialect::Mdx),
                Ok(()),
                "{last_row:?}"
            );
        }
    }

    #[test]
    fn a_callout_insertion_after_a_content_edit_is_checked_where_it_lands() {
        let cell = PAGE.find("| b |").unwrap() + 2..PAGE.find("| b |").unwrap() + 3;
        let at = PAGE.find("\n\n## Next").unwrap();
        let edits = [
            rewrite(cell, "a much longer 名前"),
            insert(at, "\n\n> [!NOTE]\n> Scope 🙂 note."),
        ];
        assert_eq!(checked(PAGE, &edits, Dialect::Markdown), Ok(()));
    }

    #[test]
    fn a_callout_between_blocks_passes() {
        let at = PAGE.find("\n\n## Next").unwrap();
        let callout = "\n\n> [!NOTE]\n> Scope 🙂 note.";
        assert_eq!(
            checked(PAGE, &[insert(at, callout)], Dialect::Markdown),
            Ok(())
        );
        let mdx = "import { Tabs } from \"~/components\";\n\n## A\n\n:::note\nx\n:::\n\n## B\n";
        let start = mdx.find(":::note").unwrap();
        let end = mdx.find("## B").unwrap();
        assert_eq!(checked(mdx, &[remove(start..end)], Dialect::Mdx), Ok(()));
    }

    #[test]
    fn a_callout_glued_to_a_heading_fails() {
        let at = PAGE.find("## Next").unwrap();
        let glued = "\n:::note\nx\n:::";
        assert!(checked(PAGE, &[insert(at, glued)], Dialect::Mdx).is_err());
    }

    #[test]
    fn joined_lines_and_extra_blocks_fail() {
        let crlf = "## Intro\r\n> **Note:** x\r\n## Perms\r\n";
        let joined = remove(8..25);
        assert!(checked(crlf, &[joined], Dialect::Markdown).is_err());
        let at = PAGE.find("\n\n## Next").unwrap();
        let heading = "\n\n> [!NOTE]\n> x\n\n## Extra";
        let error = checked(PAGE, &[insert(at, heading)], Dialect::Markdown).unwrap_err();
        assert!(error.contains("Extra"), "{error}");
        let not_a_callout = "\n\nJust text.";
        assert!(checked(PAGE, &[insert(at, not_a_callout)], Dialect::Markdown).is_err());
        let inside_table = PAGE.find("| b |").unwrap() + 2;
        assert!(
            checked(
                PAGE,
                &[insert(inside_table, "\n\n> [!NOTE]\n> x\n\n")],
                Dialect::Markdown
            )
            .is_err()
        );
    }

    #[test]
    fn a_block_that_only_moves_its_end_is_named_with_its_lines() {
        let page = "# 日本\n\n- AI Gateway Read\n\n1. Step one\n\n   ### Heading 😀\n\n   text\n";
        let at = page.find("\n\n   ### Heading").unwrap();
        let error =
            checked(page, &[insert(at, "\n\n> [!NOTE]\n> x")], Dialect::Markdown).unwrap_err();
        assert_eq!(
            error,
            "the list (line 5) would change: it spans lines 5-9 and would span lines 5-5 of the fixed page"
        );
    }

    #[test]
    fn only_an_aside_specifier_may_go_into_an_import() {
        let mdx = "import { Tabs } from \"~/components\";\n\n## A\n\nText.\n";
        let end = mdx.find("Text.").unwrap() + 5;
        let aside = insert(end, "\n\n<Aside type=\"note\">\n\nx\n\n</Aside>");
        let brace = mdx.find('{').unwrap() + 2;
        let good = [aside.clone(), insert(brace, "Aside, ")];
        assert_eq!(checked(mdx, &good, Dialect::Mdx), Ok(()));
        let bad = [aside, insert(brace, "Card, ")];
        assert!(checked(mdx, &bad, Dialect::Mdx).is_err());
    }

    #[test]
    fn an_insertion_that_ends_an_html_block_or_a_directive_early_fails() {
        let callout = "\n> [!NOTE]\n> Scope 🙂 note.\n";
        // `## 次へ` is raw HTML inside the `<div>` block; a blank line before it would make it a heading.
        let html = "## Permissions\n\n- AI Gateway Run\n\n<div>\n## 次へ\n\nText.\n";
        let at = html.find("## 次へ").unwrap();
        let error = checked(html, &[insert(at, callout)], Dialect::Markdown).unwrap_err();
        assert!(
            error.contains("the level-2 heading \"次へ\" (line 9) would be added"),
            "{error}"
        );
        // Inside an unclosed directive, the call-out's own `:::` would end it: `## Next` leaves it.
        let directive = "## Permissions\n\n- AI Gateway Read مرحبا\n\n:::note\n## Next\n";
        let at = directive.find("## Next").unwrap();
        let error = checked(
            directive,
            &[insert(at, "\n:::note\nx\n:::\n")],
            Dialect::Mdx,
        )
        .unwrap_err();
        assert!(error.contains("the directive block"), "{error}");
    }

    #[test]
    fn a_removal_that_lets_an_html_block_swallow_a_heading_fails() {
        // The quote lines are raw text of the `<div>` block (no call-out to the page model either).
        let page = "# T\n\n<div>\n> [!NOTE]\n> Scope e\u{301} note.\n\n## Permissions\n\n- x\n";
        let start = page.find("> [!NOTE]").unwrap();
        let end = page.find("## Permissions").unwrap();
        let error = checked(page, &[remove(start..end)], Dialect::Markdown).unwrap_err();
        assert!(
            error.contains("the removed text holds more than the call-out"),
            "{error}"
        );
    }

    #[test]
    fn a_callout_next_to_a_closed_html_block_or_after_a_lazy_unicode_line_passes() {
        let html = "## Permissions\n\n<div>\n日本\n</div>\n\n## Next\n";
        let at = html.find("\n## Next").unwrap();
        let callout = "\n> [!NOTE]\n> Scope 🙂 note.\n";
        assert_eq!(
            checked(html, &[insert(at, callout)], Dialect::Markdown),
            Ok(())
        );
        // A line of U+2029 is a paragraph, not a blank line: the call-out goes after it.
        let separator = "## Permissions\n\n- x\n\n\u{2029}\n\n## Next\n";
        let at = separator.find("\n## Next").unwrap();
        assert_eq!(
            checked(separator, &[insert(at, callout)], Dialect::Markdown),
            Ok(())
        );
    }

    #[test]
    fn an_html_block_that_takes_in_the_inserted_callout_fails() {
        // `- <div>` opens an HTML block that runs to the next blank line: a quote right below its last line
        // is raw text of the block, though the block still ends where the insertion starts, mapped back.
        let page = "## G 日本\n\n- <div>\n  - AI Gateway Run é\u{301}\n\n~~~\nx\n";
        let at = page.find("\n\n~~~").unwrap() + 1;
        let tight = "  > [!NOTE]\n  > Scope 🙂 note.\n";
        let error = checked(page, &[insert(at, tight)], Dialect::Markdown).unwrap_err();
        assert!(
            error.contains("the inserted text is not a call-out"),
            "{error}"
        );
        let apart = "\n  > [!NOTE]\n  > Scope 🙂 note.\n";
        assert_eq!(
            checked(page, &[insert(at, apart)], Dialect::Markdown),
            Ok(())
        );
    }

    #[test]
    fn a_fenced_code_block_that_takes_in_the_inserted_callout_fails() {
        // As mdBook renders it, the fence after the HTML block is a top-level code block running to the
        // closing fence: a call-out inserted after its first line is code text, though the block starts and
        // ends where it did, mapped back.
        let page =
            "## G 日本\n\n- AI Gateway Read\n\n<details>\n</details>\n\n   ```sh\nnpm i 🚀\n```\n";
        let at = page.find("npm").unwrap();
        let callout = "\n> [!NOTE]\n> Scope é\u{301} note.\n\n";
        let error = checked(page, &[insert(at, callout)], Dialect::Markdown).unwrap_err();
        assert!(
            error.contains("would take in the inserted call-out"),
            "{error}"
        );
    }

    #[test]
    fn a_list_that_would_turn_loose_or_tight_fails() {
        let loose = "## G 日本\n\n1. Item 🚀:\n   > **Note:** scope é\u{301}.\n\n2. Two\n";
        let note = loose.find("   > **Note:**").unwrap();
        let end = loose.find("\n2. Two").unwrap() + 1;
        let error = checked(loose, &[remove(note..end)], Dialect::Markdown).unwrap_err();
        assert!(error.contains("would turn from loose to tight"), "{error}");
        let note_end = loose.find("\n\n2. Two").unwrap() + 1;
        assert_eq!(
            checked(loose, &[remove(note..note_end)], Dialect::Markdown),
            Ok(())
        );
        let tight = "1. a שלום\n   it is shown once.\n2. b\n";
        let at = tight.find("2. b").unwrap();
        let error = checked(
            tight,
            &[insert(at, "\n   > [!NOTE]\n   > Scope note.\n")],
            Dialect::Markdown,
        )
        .unwrap_err();
        assert!(error.contains("would turn from tight to loose"), "{error}");
        assert_eq!(
            checked(
                tight,
                &[insert(at, "   > [!NOTE]\n   > Scope note.\n")],
                Dialect::Markdown
            ),
            Ok(())
        );
    }

    #[test]
    fn a_shortcode_line_that_continues_a_list_item_is_kept_as_mdbook_renders_it() {
        // To pulldown-cmark (and Hugo) `{{< x >}}` is a lazy line of the item "item"; removing the call-out
        // and its blank line would join the two lists.
        let page = "- item 日本\n  > [!NOTE]\n  > Scope note.\n\n{{< x >}}\n- two\n";
        let start = page.find("  > [!NOTE]").unwrap();
        let end = page.find("{{< x >}}").unwrap();
        let error = checked(page, &[remove(start..end)], Dialect::Markdown).unwrap_err();
        assert!(error.starts_with("as mdBook renders the page"), "{error}");
    }

    #[test]
    fn lone_cr_line_endings_are_line_endings_to_the_rendered_check() {
        // `  <div>` ends the list and opens an HTML block that takes in `## Next`; a call-out after the
        // `<div>` line would end the block there and make `## Next` a heading.
        let page = "## G 日本\r\r-  AI Gateway Read\r  <div>\r## Next\r";
        let at = page.find("## Next").unwrap();
        let callout = "\r> [!NOTE]\r> Scope 🙂 note.\r\r";
        let error = checked(page, &[insert(at, callout)], Dialect::Markdown).unwrap_err();
        assert!(error.starts_with("as mdBook renders the page"), "{error}");
        assert_eq!(lone_crs_as_lf("a\rb\r\nc\r"), "a\nb\r\nc\n");
    }
}
