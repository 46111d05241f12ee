//! The whole outline: the recorded blocks joined with the MDX pre-pass's constructs (front matter, ESM,
//! directives, flow JSX and expressions), lists ended where MDX ends them, and each block's depth.

use std::collections::HashSet;
use std::ops::Range;

use rustc_hash::FxHashMap as HashMap;

use super::recorder::{Recorder, continues_on_next_line, trimmed_end};
use super::structure::{markers_end, only_markers};
use super::{Block, BlockKind};
use crate::doc::mdx::{Scan, TagKind};
use crate::doc::source::SourceText;
use crate::doc::{Dialect, Element};

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
        crate::doc::span::snap_in_place(text, &mut block.range);
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
        crate::doc::html_blocks::restore(text, scan, &mut blocks);
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
pub(super) fn constructs(
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
        tight: false,
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
        let range = match (&directive.close, directive.container_end) {
            (None, None) => directive.open.start..text.len(),
            _ => directive.range(),
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
    /// By line start: where the line's first byte that cannot be part of a container marker stands (so
    /// that a line of thousands of adjacent tags is read once, not once a tag).
    marker_ends: HashMap<usize, usize>,
}

impl<'t> LineStarts<'t> {
    fn new(source: &'t SourceText, constructs: HashMap<usize, usize>) -> Self {
        LineStarts {
            source,
            constructs,
            known: HashMap::default(),
            marker_ends: HashMap::default(),
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

    fn only_markers_before(&mut self, offset: usize) -> bool {
        let bytes = self.source.text.as_bytes();
        let line_start = self.source.line_start_of(offset);
        let marker_end = *self
            .marker_ends
            .entry(line_start)
            .or_insert_with(|| markers_end(bytes, line_start));
        offset <= marker_end && only_markers(&bytes[line_start..offset])
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
        let range = crate::doc::span::snap(text, range);
        recorder.event(text, text, &event, &range);
    }
    let mut blocks = recorder.finish();
    set_depths(&mut blocks);
    blocks
}
