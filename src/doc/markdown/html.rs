//! Tables and lists written as HTML (`<table>`, `<tr>`, `<td>`; `<ul>`, `<li>`), read from the pre-pass's
//! tags rather than from pulldown-cmark, which sees only HTML blocks there.

use std::ops::Range;

use super::builder::{Builder, trim_end};
use crate::doc::html_table::{TablePart, table_parts};
use crate::doc::mdx;
use crate::doc::{ListBlock, ListItem, TableBlock, TextUnit, UnitKind};

impl Builder<'_> {
    /// Tables written as HTML (`<table>`, `<tr>`, `<th>`, `<td>`), from the pre-pass's tags.
    pub(super) fn html_tables(&mut self, tags: &[mdx::Tag]) {
        let mut open_table: Option<usize> = None;
        for part in table_parts(tags) {
            match part {
                TablePart::Open(range) => {
                    self.tables.push(TableBlock {
                        range,
                        rows: Vec::new(),
                        has_header: false,
                        html: true,
                    });
                    open_table = Some(self.tables.len() - 1);
                }
                TablePart::Close(end) => {
                    if let Some(index) = open_table.take() {
                        self.tables[index].range.end = end;
                    }
                }
                TablePart::Row => {
                    if let Some(index) = open_table {
                        self.tables[index].rows.push(Vec::new());
                    }
                }
                TablePart::Cell { content, header } => {
                    if let Some(index) = open_table {
                        self.html_cell(index, content, header);
                    }
                }
            }
        }
    }

    /// The HTML lists as list blocks, each `<li>`'s own text as its unit.
    pub(super) fn html_list_blocks(&mut self) {
        for list in std::mem::take(&mut self.html_lists) {
            let index = self.lists.len();
            let mut items = Vec::with_capacity(list.items.len());
            for (item, html_item) in list.items.iter().enumerate() {
                items.push(ListItem {
                    range: html_item.range.clone(),
                    content_indent: 0,
                });
                let content = trim_end(self.text, html_item.content.clone());
                if !self.text[content.clone()].trim().is_empty() {
                    self.units.push(TextUnit {
                        kind: UnitKind::ListItem { list: index, item },
                        range: content,
                        raw: false,
                    });
                }
            }
            self.lists.push(ListBlock {
                range: list.range,
                items,
                html: true,
            });
        }
    }

    fn html_cell(&mut self, table_index: usize, range: Range<usize>, header: bool) {
        let table = &mut self.tables[table_index];
        if table.rows.is_empty()
            || (header && !table.has_header && table.rows.len() == 1 && table.rows[0].is_empty())
        {
            if table.rows.is_empty() {
                table.rows.push(Vec::new());
            }
            if header {
                table.has_header = true;
            }
        }
        let row = table.rows.len() - 1;
        let column = table.rows[row].len();
        self.units.push(TextUnit {
            kind: UnitKind::TableCell {
                table: table_index,
                row,
                column,
            },
            range,
            raw: false,
        });
        let unit = self.units.len() - 1;
        self.tables[table_index].rows[row].push(unit);
    }
}

/// The ranges of the outermost HTML tables, from `<table>` to its `</table>`.
pub(super) fn html_table_ranges(tags: &[mdx::Tag]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = None;
    for part in table_parts(tags) {
        match part {
            TablePart::Open(range) => start = Some(range.start),
            TablePart::Close(end) => ranges.extend(start.take().map(|start| start..end)),
            _ => {}
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use crate::doc::markdown::tests::page;
    use crate::doc::{Dialect, UnitKind};

    #[test]
    fn gfm_and_html_tables_have_cells() {
        let text = "| Name | Description |\n| --- | --- |\n| AI Gateway Read | r |\n\n<table>\n<tr><th>Permission</th></tr>\n<tr>\n\t\t\t<td>\n\t\t\t\t<code>Workers R2 Storage Write</code>\n\t\t\t</td>\n</tr>\n</table>\n";
        let page = page(text, Dialect::Mdx);
        assert_eq!(page.tables.len(), 2);
        let gfm = &page.tables[0];
        assert!(gfm.has_header);
        assert_eq!(
            page.unit_text(&page.units[gfm.rows[1][0]]).trim(),
            "AI Gateway Read"
        );
        let html = &page.tables[1];
        assert!(page.text()[html.range.clone()].starts_with("<table>"));
        assert_eq!(html.rows.len(), 2);
        assert_eq!(
            page.unit_text(&page.units[html.rows[1][0]]).trim(),
            "Workers R2 Storage Write"
        );
        let cells = page
            .units
            .iter()
            .filter(|unit| matches!(unit.kind, UnitKind::TableCell { .. }))
            .count();
        assert_eq!(cells, 6);
        let others = page
            .units
            .iter()
            .filter(|unit| !matches!(unit.kind, UnitKind::TableCell { .. }));
        assert!(
            others
                .clone()
                .all(|unit| !page.unit_text(unit).contains("Workers")),
            "indented cell text is not also read as prose"
        );
    }
}
