//! Tables written as HTML (`<table>`, `<tr>`, `<td>`, `<th>`), read from the pre-pass's tags in one place
//! for the page model (`markdown::html`) and the prefilter's split-row reading, so that both read the
//! same cells. Only the outermost table's parts count: a table nested in a cell is that cell's text.

use std::ops::Range;

use super::mdx::{Tag, TagKind};

/// One part of an outermost HTML table, in the order of the tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TablePart {
    /// A `<table>` opens: its opening tag's range.
    Open(Range<usize>),
    /// The `</table>` that closes it: where that tag ends.
    Close(usize),
    /// A `<tr>` starts a row.
    Row,
    /// A `<td>` or `<th>` cell closed: its content (from the opening tag's end to the closing tag's
    /// start), and whether it is a `<th>`.
    Cell {
        /// The cell's content.
        content: Range<usize>,
        /// Whether the cell is a `<th>`.
        header: bool,
    },
}

/// The parts of the outermost HTML tables among `tags` (in text order), tag names in any case. A `</table>`
/// with no table open, and a cell closed with none open, are skipped.
pub fn table_parts(tags: &[Tag]) -> impl Iterator<Item = TablePart> + '_ {
    let mut depth = 0usize;
    let mut cell_start: Option<(usize, bool)> = None;
    tags.iter().filter_map(move |tag| {
        let part = tag.html_table_part()?;
        match (part, tag.kind) {
            ("table", TagKind::Open) => {
                depth += 1;
                (depth == 1).then(|| TablePart::Open(tag.range.clone()))
            }
            ("table", TagKind::Close) => {
                let was_outermost = depth == 1;
                depth = depth.saturating_sub(1);
                was_outermost.then_some(TablePart::Close(tag.range.end))
            }
            ("tr", TagKind::Open) if depth == 1 => Some(TablePart::Row),
            ("td" | "th", TagKind::Open) if depth == 1 => {
                cell_start = Some((tag.range.end, part == "th"));
                None
            }
            ("td" | "th", TagKind::Close) if depth == 1 => {
                cell_start.take().map(|(start, header)| TablePart::Cell {
                    content: start..tag.range.start.max(start),
                    header,
                })
            }
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Dialect;
    use crate::doc::mdx::scan;

    #[test]
    fn only_the_outermost_table_counts_in_any_case_next_to_multi_byte_text() {
        let text = "<TABLE><Tr><tH>日本</th><td>🚀<table><tr><td>x</td></tr></table></TD></tr></table>\
                    </table><td>y</td>";
        let between = |open: &str, close: &str| {
            let start = text.find(open).unwrap() + open.len();
            start..start + text[start..].find(close).unwrap()
        };
        let outer_close = "</TD></tr></table>";
        assert_eq!(
            table_parts(&scan(text, Dialect::Mdx).tags).collect::<Vec<_>>(),
            [
                TablePart::Open(0..7),
                TablePart::Row,
                TablePart::Cell {
                    content: between("<tH>", "</th>"),
                    header: true
                },
                TablePart::Cell {
                    content: between("</th><td>", "</TD>"),
                    header: false
                },
                TablePart::Close(text.find(outer_close).unwrap() + outer_close.len()),
            ]
        );
    }
}
