//! The Markdown lists around an HTML tag that starts a line, read as CommonMark reads them.
//!
//! The masked text pulldown-cmark parsed has blank lines where tag lines were, so a list in the outline can
//! run on past an HTML block that ends it on the page (`- item`, a blank line, `<details>`) or stop before
//! one that its item holds. [`OpenLists`] reads, for each such tag, which lists hold its line (it is
//! indented to their item's content) and which it ends, and corrects the outline's lists: an ended list
//! stops before the tag's line, and its items after the HTML block make a list of their own.

use std::collections::VecDeque;
use std::ops::Range;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use super::line_end;
use crate::doc::blank::is_blank;
use crate::doc::blocks::{Block, BlockKind};

/// Where a tag that starts a line stands among the Markdown lists around it.
pub(super) struct ListPlace {
    /// The innermost list whose item the line belongs to, with that item's content column.
    pub(super) host: Option<(usize, usize)>,
    /// That list and the lists around it.
    around: Vec<usize>,
    /// The lists (inner ones last) that the line ends: it is indented less than their item's content.
    pub(super) ended: Vec<usize>,
}

/// Where a list item's content starts.
#[derive(Debug, Clone, Copy)]
struct ContentColumn {
    /// The least it can be: right after the marker and one space.
    least: usize,
    /// The column itself; `None` after a tab (a tab's width depends on the column it is at).
    exact: Option<usize>,
}

/// A list's items, as (item line start, content column): a run of a list's items shared with the lists
/// split off it, from `first`.
#[derive(Clone)]
struct Items {
    all: Rc<[(usize, ContentColumn)]>,
    first: usize,
}

impl Items {
    fn of_list(&self) -> &[(usize, ContentColumn)] {
        &self.all[self.first..]
    }
}

/// The outline's lists that hold the places tags are at, read in document order.
pub(super) struct OpenLists {
    /// The list blocks' indices, in document order (an outer list before the lists in it).
    order: Vec<usize>,
    next: usize,
    /// The lists split off ended lists, in document order (each starts after the HTML block that split
    /// it, and tags are read in order).
    spawned: VecDeque<usize>,
    /// The lists holding the place looked at last, outer first.
    open: Vec<usize>,
    /// Each list's items, read when first asked; `None` when they cannot be read.
    items: FxHashMap<usize, Option<Items>>,
}

impl OpenLists {
    pub(super) fn of(blocks: &[Block]) -> OpenLists {
        let mut order: Vec<usize> = (0..blocks.len())
            .filter(|&index| blocks[index].kind == BlockKind::List)
            .collect();
        order.sort_by_key(|&index| key(blocks, index));
        OpenLists {
            order,
            next: 0,
            spawned: VecDeque::new(),
            open: Vec::new(),
            items: FxHashMap::default(),
        }
    }

    /// Where the tag at `start`, `column` spaces into the line at `line_start`, stands; `None` when it
    /// cannot be told (an item whose first line or indentation is not plain spaces and a marker).
    pub(super) fn place(
        &mut self,
        text: &str,
        blocks: &[Block],
        start: usize,
        line_start: usize,
        column: usize,
    ) -> Option<ListPlace> {
        while let Some(list) = self.next_starting_by(blocks, start) {
            while self.open.last().is_some_and(|&open| {
                !(blocks[open].range.start <= blocks[list].range.start
                    && blocks[list].range.end <= blocks[open].range.end)
            }) {
                self.open.pop();
            }
            self.open.push(list);
        }
        // A list the outline ends before the line, with only blank lines between, may still hold it: the
        // line was blank in the masked text, so nothing after it told pulldown-cmark the item goes on.
        let holding: Vec<usize> = self
            .open
            .iter()
            .copied()
            .filter(|&list| {
                let range = &blocks[list].range;
                range.start <= start
                    && (start < range.end || is_blank(&text[range.end.min(line_start)..line_start]))
            })
            .collect();
        let mut place = ListPlace {
            host: None,
            around: Vec::new(),
            ended: Vec::new(),
        };
        for list in holding {
            if !place.ended.is_empty() {
                place.ended.push(list);
                continue;
            }
            let items = self.items_of(text, blocks, list)?;
            let items = items.of_list();
            let holder = items.partition_point(|(item_line, _)| *item_line <= line_start);
            let (_, content) = items[holder.checked_sub(1)?];
            if column < content.least {
                if start < blocks[list].range.end {
                    place.ended.push(list);
                }
                continue;
            }
            let exact = content.exact?;
            if column < exact {
                return None;
            }
            place.host = Some((list, exact));
            place.around.push(list);
        }
        Some(place)
    }

    /// Ends the lists `place` says the tag's line (at `line_start`) ends, at `before` (the end of the
    /// text before that line), and makes its host list and the lists around it reach `html_end`. Items of
    /// an ended list after the HTML block make a list of their own, as they do on the page.
    pub(super) fn settle(
        &mut self,
        text: &str,
        blocks: &mut Vec<Block>,
        place: &ListPlace,
        line_start: usize,
        before: usize,
        html_end: usize,
    ) {
        for &list in &place.ended {
            let original = blocks[list].range.clone();
            blocks[list].range.end = before.max(original.start);
            let Some(items) = self.items_of(text, blocks, list) else {
                continue;
            };
            let of_list = items.of_list();
            let kept = of_list.partition_point(|(line, _)| *line < line_start);
            let rest = of_list.partition_point(|(line, _)| *line <= html_end);
            let rest_end = of_list.partition_point(|(line, _)| *line < original.end);
            blocks[list].items = Some(kept);
            if rest >= rest_end {
                continue;
            }
            let marker_column = original.start - line_start_of(text, original.start);
            blocks.push(Block {
                kind: BlockKind::List,
                range: of_list[rest].0 + marker_column..original.end,
                depth: 0,
                level: None,
                rows: None,
                items: Some(rest_end - rest),
                tight: blocks[list].tight,
            });
            let split = blocks.len() - 1;
            self.items.insert(
                split,
                Some(Items {
                    all: Rc::clone(&items.all),
                    first: items.first + rest,
                }),
            );
            self.spawned.push_back(split);
        }
        for &list in &place.around {
            let range = &mut blocks[list].range;
            range.end = range.end.max(html_end);
        }
    }

    /// The next list in document order, when it starts by `start`.
    fn next_starting_by(&mut self, blocks: &[Block], start: usize) -> Option<usize> {
        let listed = self.order.get(self.next).copied();
        let spawned = self.spawned.front().copied();
        let first = match (listed, spawned) {
            (Some(listed), Some(spawned)) if key(blocks, spawned) < key(blocks, listed) => spawned,
            (Some(listed), _) => listed,
            (None, spawned) => spawned?,
        };
        if blocks[first].range.start > start {
            return None;
        }
        if Some(first) == listed {
            self.next += 1;
        } else {
            self.spawned.pop_front();
        }
        Some(first)
    }

    /// The items of `list`, read the first time they are asked for (a cheap clone after that).
    fn items_of(&mut self, text: &str, blocks: &[Block], list: usize) -> Option<Items> {
        self.items
            .entry(list)
            .or_insert_with(|| {
                list_items(text, blocks[list].range.clone()).map(|all| Items {
                    all: all.into(),
                    first: 0,
                })
            })
            .clone()
    }
}

/// The order lists are read in: by start, an outer list before a list in it that starts with it.
fn key(blocks: &[Block], list: usize) -> (usize, std::cmp::Reverse<usize>) {
    (
        blocks[list].range.start,
        std::cmp::Reverse(blocks[list].range.end),
    )
}

/// The items of the list spanning `range`: each item line's start and its content column (CommonMark's
/// rule: the marker's width and the spaces after it, one space when there are five or more or the line
/// holds only the marker). An item line is a line whose marker stands where the first item's does, or
/// less than the current item's content to the side (siblings may be indented differently); a marker
/// indented to the item's content starts a list inside it. `None` when the first item's marker has more
/// than spaces before it on its line (a list in a blockquote, or one that starts another item's line).
fn list_items(text: &str, range: Range<usize>) -> Option<Vec<(usize, ContentColumn)>> {
    let first_line = line_start_of(text, range.start);
    let marker_column = range.start - first_line;
    if !text[first_line..range.start]
        .bytes()
        .all(|byte| byte == b' ')
    {
        return None;
    }
    let mut items: Vec<(usize, ContentColumn)> = Vec::new();
    let mut line = first_line;
    while line < range.end {
        let end = line_end(text, line);
        let content = &text[line..end];
        let spaces = content.len() - content.trim_start_matches(' ').len();
        let sibling = items
            .last()
            .is_none_or(|(_, item)| spaces < item.least && spaces <= marker_column + 3);
        if (spaces == marker_column || sibling)
            && let Some(marker) = marker_width(&content[spaces..])
        {
            let after = &content[spaces + marker..];
            let gap = after.len() - after.trim_start_matches(' ').len();
            let least = spaces + marker + 1;
            let exact = if after[gap..].starts_with('\t') {
                None
            } else if is_blank(after) || gap >= 5 {
                Some(least)
            } else {
                Some(spaces + marker + gap)
            };
            items.push((line, ContentColumn { least, exact }));
        }
        line = next_line_start(text, end);
    }
    Some(items)
}

/// The width of the list marker (`-`, `+`, `*`, or one to nine digits and `.` or `)`) that starts `line`
/// and is followed by a space, a tab or the line's end.
pub(crate) fn marker_width(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let width = match bytes.first()? {
        b'-' | b'+' | b'*' => 1,
        _ => {
            let digits = bytes
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count();
            if !(1..=9).contains(&digits) || !matches!(bytes.get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
    };
    matches!(bytes.get(width), None | Some(b' ' | b'\t')).then_some(width)
}

/// Whether the line before the one starting at `line_start` is blank (or there is none).
pub(super) fn follows_blank_line(text: &str, line_start: usize) -> bool {
    let Some(mut end) = line_start.checked_sub(1) else {
        return true;
    };
    let bytes = text.as_bytes();
    if bytes[end] == b'\n' && end > 0 && bytes[end - 1] == b'\r' {
        end -= 1;
    }
    is_blank(&text[line_start_of(text, end)..end])
}

/// The start of the line holding `offset`.
fn line_start_of(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |at| at + 1)
}

/// The start of the line after the one that ends at `end` (`\n`, `\r\n` or `\r`).
fn next_line_start(text: &str, end: usize) -> usize {
    if text[end..].starts_with("\r\n") {
        end + 2
    } else {
        end + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(text: &str) -> Vec<(usize, usize, Option<usize>)> {
        list_items(text, 0..text.len())
            .expect("items")
            .into_iter()
            .map(|(line, content)| (line, content.least, content.exact))
            .collect()
    }

    #[test]
    fn items_are_read_at_every_line_break_and_indent() {
        assert_eq!(columns("- a\n- b 日本"), [(0, 2, Some(2)), (4, 2, Some(2))]);
        assert_eq!(columns("9. a\r10. b\r"), [(0, 3, Some(3)), (5, 4, Some(4))]);
        assert_eq!(
            columns("- a\r\n  - inner\r\n- b"),
            [(0, 2, Some(2)), (16, 2, Some(2))]
        );
        // A sibling may be indented differently; a marker at the item's content is a nested list.
        assert_eq!(
            columns(" - a\n- b\n  - c"),
            [(0, 3, Some(3)), (5, 2, Some(2))]
        );
        assert_eq!(
            columns("-\tx\n-      code"),
            [(0, 2, None), (4, 2, Some(2))]
        );
    }

    #[test]
    fn a_blank_line_before_is_read_at_every_line_break() {
        assert!(follows_blank_line("a\n\n<x>", 3));
        assert!(follows_blank_line("a\r\n\r\n<x>", 5));
        assert!(follows_blank_line("a\r\r<x>", 3));
        assert!(follows_blank_line("a\n  \n<x>", 5));
        assert!(!follows_blank_line("a\n<x>", 2));
        assert!(!follows_blank_line("a\r\n<x>", 3));
        assert!(follows_blank_line("<x>", 0));
    }
}
