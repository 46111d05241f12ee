//! Tables whose rows split a permission group across cells: a product cell and an access-level cell
//! (`| Account | AI Gateway | Read |`, `| AI Gateway | Edit |`), in Markdown and HTML tables.
//!
//! A table is read this way when its header names a product column (Product, Service, ...) and a level
//! column (Permission, Access, Access level, ...), or, without such a header, when one column holds only
//! the capability table's access levels (what follows a product's name in its groups' names: Read, Edit,
//! Run, ...), another mostly product names, and at least one row joins into a known group. A level cell
//! may list several levels (`Read, Edit`, `Read / Run`). A row whose level cell already names a whole
//! group is an ordinary listing row and is not read here.

use std::ops::Range;

use crate::doc::{Page, TableBlock};
use crate::table::GroupIndex;
use crate::table::matcher::{Matcher, level_words};

/// Header cells (name-normalised) that name the product column.
const PRODUCT_HEADERS: &[&str] = &[
    "product",
    "products",
    "product name",
    "service",
    "services",
    "service name",
];

/// Header cells (name-normalised) that name the access-level column.
const LEVEL_HEADERS: &[&str] = &[
    "permission",
    "permissions",
    "access",
    "access level",
    "access levels",
    "permission level",
    "permission levels",
    "permission type",
    "access type",
    "level",
    "levels",
];

/// A table read as product and level columns.
#[derive(Debug, Clone)]
pub struct SplitTable {
    /// Whether the header named both columns (else they were found from the cells).
    pub declared: bool,
    /// The data rows, in order.
    pub rows: Vec<SplitRow>,
}

/// One data row of a [`SplitTable`].
#[derive(Debug, Clone)]
pub struct SplitRow {
    /// Index into `Page::units`: the row's product cell.
    pub product_unit: usize,
    /// Index into `Page::units`: the row's level cell.
    pub level_unit: usize,
    /// The product cell's name-normalised text.
    pub product: String,
    /// Each level the level cell names (name-normalised), with the group the product and it make.
    pub levels: Vec<(String, Option<GroupIndex>)>,
}

impl SplitTable {
    /// Whether any row joins into a known group.
    pub fn names_a_group(&self) -> bool {
        self.rows
            .iter()
            .flat_map(|row| &row.levels)
            .any(|(_, group)| group.is_some())
    }
}

/// Reads `table` as product and level columns; `None` when it is not such a table. `names` holds each
/// unit's name-normalised text.
pub fn read(table: &TableBlock, names: &[String], matcher: &Matcher) -> Option<SplitTable> {
    let skip = usize::from(table.has_header);
    let data = &table.rows[skip.min(table.rows.len())..];
    let header: &[usize] = if table.has_header {
        table.rows.first().map_or(&[], Vec::as_slice)
    } else {
        &[]
    };
    let header_column = |known: &[&str], except: Option<usize>| {
        header
            .iter()
            .position(|&unit| known.contains(&names[unit].as_str()))
            .filter(|column| Some(*column) != except)
    };
    let columns = table.rows.iter().map(Vec::len).max().unwrap_or(0);
    let declared_level = header_column(LEVEL_HEADERS, None);
    let level_column = declared_level.or_else(|| level_column(data, names, matcher, columns))?;
    let declared_product = header_column(PRODUCT_HEADERS, Some(level_column));
    let product_column =
        declared_product.or_else(|| product_column(data, names, matcher, columns, level_column))?;
    let rows = data
        .iter()
        .filter_map(|row| split_row(row, product_column, level_column, names, matcher))
        .collect();
    let split = SplitTable {
        declared: declared_level.is_some() && declared_product.is_some(),
        rows,
    };
    (split.declared || split.names_a_group()).then_some(split)
}

/// The column whose non-empty data cells all name access levels (and which has one), from the right.
fn level_column(
    data: &[Vec<usize>],
    names: &[String],
    matcher: &Matcher,
    columns: usize,
) -> Option<usize> {
    (0..columns).rev().find(|&column| {
        let mut cells = data
            .iter()
            .filter_map(|row| row.get(column))
            .map(|&unit| names[unit].as_str())
            .filter(|name| !name.is_empty())
            .peekable();
        cells.peek().is_some()
            && cells.all(|name| levels_of(name, matcher).is_some_and(|levels| levels.known))
    })
}

/// The column (other than the level column) with the most product names, when at least half of its
/// non-empty data cells are product names.
fn product_column(
    data: &[Vec<usize>],
    names: &[String],
    matcher: &Matcher,
    columns: usize,
    level_column: usize,
) -> Option<usize> {
    (0..columns)
        .filter(|&column| column != level_column)
        .map(|column| {
            let cells: Vec<&str> = data
                .iter()
                .filter_map(|row| row.get(column))
                .map(|&unit| names[unit].as_str())
                .filter(|name| !name.is_empty())
                .collect();
            let products = cells
                .iter()
                .filter(|name| matcher.exact_product(name).is_some())
                .count();
            (column, products, cells.len())
        })
        .filter(|&(_, products, cells)| products >= 1 && products * 2 >= cells)
        .max_by_key(|&(column, products, _)| (products, std::cmp::Reverse(column)))
        .map(|(column, _, _)| column)
}

fn split_row(
    row: &[usize],
    product_column: usize,
    level_column: usize,
    names: &[String],
    matcher: &Matcher,
) -> Option<SplitRow> {
    let product_unit = *row.get(product_column)?;
    let level_unit = *row.get(level_column)?;
    let product = names[product_unit].as_str();
    let level_text = names[level_unit].as_str();
    if product.is_empty() || level_text.is_empty() || matcher.exact_group(level_text).is_some() {
        return None;
    }
    let levels = levels_of(level_text, matcher)?;
    Some(SplitRow {
        product_unit,
        level_unit,
        product: product.to_owned(),
        levels: levels
            .levels
            .into_iter()
            .map(|level| {
                let group = matcher.split_group(product, &level);
                (level, group)
            })
            .collect(),
    })
}

struct Levels {
    levels: Vec<String>,
    /// Whether every level is one of the table's access levels.
    known: bool,
}

/// The levels a level cell names: the whole cell when it is one level, else each word between joiners
/// (`read edit`, `read / run`, `read and edit`) when every one is a level; a cell of one short unknown
/// word is one (unknown) level. `None` for anything longer, which is not a level cell.
fn levels_of(cell: &str, matcher: &Matcher) -> Option<Levels> {
    if matcher.is_level(cell) {
        return Some(Levels {
            levels: vec![cell.to_owned()],
            known: true,
        });
    }
    let words = level_words(cell);
    if words.len() > 1 && words.iter().all(|word| matcher.is_level(word)) {
        return Some(Levels {
            levels: words.into_iter().map(str::to_owned).collect(),
            known: true,
        });
    }
    (words.len() == 1).then(|| Levels {
        levels: vec![cell.to_owned()],
        known: false,
    })
}

/// The source range a split row's finding or mention covers: the product cell (trimmed).
pub fn product_span(page: &Page, row: &SplitRow) -> Range<usize> {
    trimmed(page, page.units[row.product_unit].range.clone())
}

/// From the product cell's start to the level cell's end (trimmed), when both are on one line; else the
/// product cell.
pub fn row_span(page: &Page, row: &SplitRow) -> Range<usize> {
    let product = product_span(page, row);
    let level = trimmed(page, page.units[row.level_unit].range.clone());
    let (start, end) = (product.start.min(level.start), product.end.max(level.end));
    if page.text()[start..end].contains(['\n', '\r']) {
        product
    } else {
        start..end
    }
}

fn trimmed(page: &Page, range: Range<usize>) -> Range<usize> {
    let slice = &page.text()[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.start + slice.trim_end().len();
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::source::SourceText;
    use crate::doc::{Dialect, UnitKind};
    use crate::table::tests::small_table;
    use crate::text::normalize::{Mode, normalize_text};

    /// A row read back: the product cell and, per level, the group's name (or `?level`).
    type Row = (String, Vec<String>);

    /// Each table of `text` read as split rows: whether declared, and its rows.
    fn read_all(text: &str, dialect: Dialect) -> Vec<Option<(bool, Vec<Row>)>> {
        let table = small_table();
        let matcher = Matcher::new(&table);
        let page = Page::parse(SourceText::new("t", text.to_owned()), dialect);
        let names: Vec<String> = page
            .units
            .iter()
            .map(|unit| match unit.kind {
                UnitKind::TableCell { .. } => normalize_text(page.unit_text(unit), Mode::Name, &[]),
                _ => String::new(),
            })
            .collect();
        page.tables
            .iter()
            .map(|block| {
                read(block, &names, &matcher).map(|split| {
                    let rows = split
                        .rows
                        .iter()
                        .map(|row| {
                            let levels = row
                                .levels
                                .iter()
                                .map(|(level, group)| match group {
                                    Some(group) => table.groups[*group].name.clone(),
                                    None => format!("?{level}"),
                                })
                                .collect();
                            (row.product.clone(), levels)
                        })
                        .collect();
                    (split.declared, rows)
                })
            })
            .collect()
    }

    #[test]
    fn a_header_naming_the_columns_declares_the_table() {
        let text = "| Scope | Product | Access level |\n| --- | --- | --- |\n| Account | AI Gateway | Read |\n| Account | AI Gateway | Edit, Run |\n| Account | AI Gatewy 日本 | Read |\n| Account | Workers R2 | Read / Write |\n";
        let found = read_all(text, Dialect::Markdown);
        let (declared, rows) = found[0].clone().expect("a split table");
        assert!(declared);
        assert_eq!(
            rows,
            vec![
                ("ai gateway".into(), vec!["AI Gateway Read".into()]),
                (
                    "ai gateway".into(),
                    vec!["AI Gateway Write".into(), "AI Gateway Run".into()]
                ),
                ("ai gatewy 日本".into(), vec!["?read".into()]),
                ("workers r2".into(), vec!["?read".into(), "?write".into()]),
            ]
        );
    }

    #[test]
    fn the_generated_scope_matrix_is_not_split() {
        // SL010's region: whole group names with a Product column, and check marks per resource type.
        let matrix = crate::table::render::markdown(&small_table(), None);
        assert_eq!(read_all(&matrix, Dialect::Markdown), vec![None]);
    }

    #[test]
    fn without_header_words_the_levels_and_a_known_group_decide() {
        let split = "<table><tr><td>AI Gateway</td><td>Run</td></tr><tr><td>R2</td><td>Read</td></tr></table>\n";
        let found = read_all(split, Dialect::Mdx);
        let (declared, rows) = found[0].clone().expect("a split table");
        assert!(!declared);
        assert_eq!(rows[0].1, vec!["AI Gateway Run".to_owned()]);
        assert_eq!(
            rows[1].1,
            vec!["?read".to_owned()],
            "R2 has two groups ending in Read: none is picked"
        );
        for not_split in [
            // A product next to an unrelated word.
            "| Product | Notes |\n| --- | --- |\n| AI Gateway | Read the overview |\n| AI Gateway | Edit |\n",
            // Levels, but no row makes a known group.
            "| Feature | Status |\n| --- | --- |\n| Dashboards | Read |\n",
            // A whole group name in the level cell is an ordinary listing row.
            "| Name | Access |\n| --- | --- |\n| AI Gateway Read | Read |\n",
        ] {
            assert!(
                read_all(not_split, Dialect::Markdown)[0]
                    .as_ref()
                    .is_none_or(|(_, rows)| rows.is_empty()),
                "{not_split}"
            );
        }
    }
}
