//! Lists written as HTML (`<ul>`/`<ol>` with `<li>`), from the pre-pass's tags: in Markdown pages (an HTML
//! block mdBook passes through) and in MDX pages (JSX elements, also inside components such as
//! `<Tabs><TabItem>`). Each `<li>` is an item; its text is what lies between `<li>` and `</li>` (or the
//! next `<li>`, or the list's end, since `</li>` is optional in HTML) before any list nested in it, with the
//! inline tags masked as everywhere else. A nested list is a list of its own.

use std::ops::Range;

use super::mdx::{Tag, TagKind};

/// One HTML list: its range (from `<ul>` to `</ul>`) and its items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlList {
    /// From `<ul>`/`<ol>` to the closing tag.
    pub range: Range<usize>,
    /// The `<li>` items, in order.
    pub items: Vec<HtmlItem>,
}

/// One `<li>` item of an [`HtmlList`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlItem {
    /// From `<li>` to `</li>` (or to where the item ends implicitly).
    pub range: Range<usize>,
    /// The item's own text: after `<li>`, before its end or its first nested list.
    pub content: Range<usize>,
}

struct OpenList {
    index: usize,
    item: Option<OpenItem>,
}

struct OpenItem {
    start: usize,
    content_start: usize,
    /// Where the item's own text ends: set by the first nested list.
    content_end: Option<usize>,
}

/// The HTML lists among `tags` (document order), outer lists before the lists nested in them.
pub fn detect(text: &str, tags: &[Tag]) -> Vec<HtmlList> {
    let mut lists: Vec<HtmlList> = Vec::new();
    let mut open: Vec<OpenList> = Vec::new();
    for tag in tags {
        let name: &str = &tag.name;
        let is_list = name.eq_ignore_ascii_case("ul") || name.eq_ignore_ascii_case("ol");
        let is_item = name.eq_ignore_ascii_case("li");
        match tag.kind {
            TagKind::Open if is_list => {
                if let Some(item) = open.last_mut().and_then(|list| list.item.as_mut()) {
                    item.content_end.get_or_insert(tag.range.start);
                }
                lists.push(HtmlList {
                    range: tag.range.clone(),
                    items: Vec::new(),
                });
                open.push(OpenList {
                    index: lists.len() - 1,
                    item: None,
                });
            }
            TagKind::Close if is_list => {
                let Some(mut list) = open.pop() else { continue };
                close_item(&mut lists, &mut list, tag.range.start, tag.range.start);
                lists[list.index].range.end = tag.range.end;
            }
            TagKind::Open if is_item => {
                let Some(list) = open.last_mut() else {
                    continue;
                };
                close_item(&mut lists, list, tag.range.start, tag.range.start);
                list.item = Some(OpenItem {
                    start: tag.range.start,
                    content_start: tag.range.end,
                    content_end: None,
                });
            }
            TagKind::Close if is_item => {
                if let Some(list) = open.last_mut() {
                    close_item(&mut lists, list, tag.range.start, tag.range.end);
                }
            }
            _ => {}
        }
    }
    // A list never closed ends with its last item, and an item never closed with its line.
    while let Some(mut list) = open.pop() {
        let end = list
            .item
            .as_ref()
            .map(|item| {
                item.content_end
                    .unwrap_or_else(|| super::source::line_end(text, item.content_start))
            })
            .unwrap_or(lists[list.index].range.end);
        close_item(&mut lists, &mut list, end, end);
        let last = lists[list.index].items.last().map(|item| item.range.end);
        let range = &mut lists[list.index].range;
        range.end = range.end.max(last.unwrap_or(range.end));
    }
    lists
}

/// Ends `list`'s open item: its text ends at `content_end` (unless a nested list ended it before), the
/// item at `end`.
fn close_item(lists: &mut [HtmlList], list: &mut OpenList, content_end: usize, end: usize) {
    let Some(item) = list.item.take() else { return };
    let content_end = item
        .content_end
        .unwrap_or(content_end)
        .max(item.content_start);
    lists[list.index].items.push(HtmlItem {
        range: item.start..end.max(content_end),
        content: item.content_start..content_end,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Dialect;
    use crate::doc::mdx::scan;

    fn lists(text: &str) -> Vec<(Range<usize>, Vec<String>)> {
        detect(text, &scan(text, Dialect::Mdx).tags)
            .into_iter()
            .map(|list| {
                let items = list
                    .items
                    .iter()
                    .map(|item| text[item.content.clone()].trim().to_owned())
                    .collect();
                (list.range, items)
            })
            .collect()
    }

    #[test]
    fn items_nested_lists_and_optional_closing_tags() {
        let text = "<ul class=\"x\">\n  <li>AI Gateway Read</li>\n  <LI>Tokens\n    <ol><li>日本 Run<li>Edit 🚀</ol>\n  </LI>\n  <li>last\n</ul>\n";
        let found = lists(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, 0..text.rfind("</ul>").unwrap() + 5);
        assert_eq!(found[0].1, vec!["AI Gateway Read", "Tokens", "last"]);
        assert_eq!(found[1].1, vec!["日本 Run", "Edit 🚀"]);
    }

    #[test]
    fn an_unclosed_list_ends_with_its_last_item_and_stray_items_are_ignored() {
        let text = "<li>stray</li>\n<ol>\n<li>one</li>\n<li>two\n";
        let found = lists(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, vec!["one", "two"]);
        assert!(found[0].0.end >= text.find("two").unwrap());
    }
}
