//! SL008 undocumented-group (site-wide): a group of the table that no permissions reference page names.
//!
//! Site-wide: each reference page contributes its [`ReferenceFacts`] while it is checked, and
//! [`check_site`] runs once after every page of the run was checked.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::suppression::{self, Reach, Suppression};
use super::{Context, Edit, EditKind, Finding, Fix, Rule, Severity};
use crate::catalog::RuleMeta;
use crate::doc::source::{line_end, line_start};
use crate::doc::{Page, TableBlock};
use crate::source::{Sources, resolve_include};
use crate::table::{CapabilityTable, GroupIndex};

/// SL008 undocumented-group, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL008",
    name: "undocumented-group",
    severity: Severity::Warning,
    fix: true,
    summary: "site-wide: a group of the capability table appears on no permissions reference page",
};

macro_rules! doc {
    () => {
        include_str!("sl008_undocumented_group.md")
    };
}

#[doc = doc!()]
pub struct UndocumentedGroup;

impl Rule for UndocumentedGroup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
    }

    /// Nothing to do per page: the pages' [`ReferenceFacts`] are checked together by [`check_site`].
    fn check(&self, _context: &Context<'_>, _out: &mut Vec<Finding>) {}
}

/// What a reference page tells the site-wide check.
#[derive(Debug, Clone)]
pub struct ReferenceFacts {
    /// The groups the page names.
    pub named_groups: Vec<GroupIndex>,
    /// The page's sections that list one resource type's groups (per `[reference] sections`).
    pub sections: Vec<ReferenceSection>,
    /// The page's valid suppressions of this rule.
    pub suppressions: Vec<Suppression>,
}

/// The section of a reference page that lists the groups of one resource type.
#[derive(Debug, Clone)]
pub struct ReferenceSection {
    /// The resource type index.
    pub kind: usize,
    /// The heading line's byte range.
    pub heading: Range<usize>,
    /// The heading's 1-based line, for next-line suppressions.
    pub line: usize,
    /// The heading's text.
    pub title: String,
    /// Where a row for a missing group goes, when the section has a table.
    pub rows: Option<RowTarget>,
}

/// A table that rows can be added to.
#[derive(Debug, Clone)]
pub struct RowTarget {
    /// The partial that holds the table, when it is not the page.
    pub file: Option<PathBuf>,
    /// Each data row's first cell (lowercase) and where its line starts, when the rows are (mostly) sorted.
    pub sorted: Option<Vec<(String, usize)>>,
    /// Where a row goes after the last one: the end of the last row's text, before its line ending.
    pub end: usize,
    /// How many cells a row has.
    pub columns: usize,
    /// What stands before each row: indentation, and `>` markers in a blockquote.
    pub indent: String,
    /// `
    /// ` or `\r
    /// `, as the table's rows end.
    pub line_ending: &'static str,
    /// How the table names groups, so that a new row names its group the same way.
    pub names: super::row_names::NameForm,
}

impl RowTarget {
    fn edit(&self, group: &crate::table::PermissionGroup) -> Edit {
        let name = &self.names.name_for(group);
        let key = name.to_lowercase();
        // The last gap between a row that sorts before the name and one that sorts after it.
        let before = self.sorted.as_ref().and_then(|rows| {
            (0..rows.len())
                .rev()
                .find(|&index| rows[index].0 > key && (index == 0 || rows[index - 1].0 <= key))
                .map(|index| rows[index].1)
        });
        let row = format!(
            "{}| {name} |{}",
            self.indent,
            " |".repeat(self.columns.saturating_sub(1))
        );
        let replacement = match before {
            Some(_) => format!("{row}{}", self.line_ending),
            None => format!("{}{row}", self.line_ending),
        };
        let at = before.unwrap_or(self.end);
        Edit {
            file: self.file.clone(),
            range: at..at,
            replacement,
            kind: EditKind::Content,
        }
    }
}

/// The facts of a reference page (`context` is the page's) that [`check_site`] needs.
pub fn reference_facts(
    context: &Context<'_>,
    location: Option<&Path>,
    sources: &dyn Sources,
) -> ReferenceFacts {
    let page = context.page;
    let generated = super::sl010_outdated_generated_table::generated_ranges(page);
    let sections = context
        .policy
        .reference
        .sections
        .iter()
        .filter_map(|(kind, title)| {
            let wanted = title.trim().to_lowercase();
            let heading = page
                .headings
                .iter()
                .find(|heading| heading.title.trim().to_lowercase() == wanted)?;
            let section = page.section_range(page.section_at(heading.range.start));
            let own_table = page.tables.iter().find(|table| {
                section.contains(&table.range.start)
                    && !generated
                        .iter()
                        .any(|region| region.contains(&table.range.start))
            });
            let rows = match own_table {
                // A row of a table that splits groups into product and level cells is not one name
                // cell, and an HTML table takes no Markdown row: no row is offered (the finding stays
                // for a person).
                Some(table) if table.html || is_split(page, table, context) => None,
                Some(table) => Some(row_target(context.table, page, table, None)),
                None => included_table(context, location, sources, &section),
            };
            Some(ReferenceSection {
                kind: *kind,
                heading: heading.range.clone(),
                line: page.source.position(heading.range.start).line,
                title: heading.title.clone(),
                rows,
            })
        })
        .collect();
    let suppressions = suppression::parse(page)
        .into_iter()
        .filter(|suppression| {
            suppression.problem.is_none() && suppression.codes.contains(&UndocumentedGroup.code())
        })
        .collect();
    ReferenceFacts {
        named_groups: context.facts.named_groups.clone(),
        sections,
        suppressions,
    }
}

/// The first table of the first partial the section includes.
fn included_table(
    context: &Context<'_>,
    location: Option<&Path>,
    sources: &dyn Sources,
    section: &Range<usize>,
) -> Option<RowTarget> {
    let location = location?;
    context
        .page
        .includes
        .iter()
        .filter(|include| section.contains(&include.range.start))
        .find_map(|include| {
            let path = resolve_include(context.policy, sources, location, include)?;
            let partial = sources.load(&path, context.policy.dialect_for(&path))?;
            let table = partial.tables.first()?;
            (!table.html && !is_split(&partial, table, context))
                .then(|| row_target(context.table, &partial, table, Some(path)))
        })
}

/// Whether `table` of `page` splits its groups into a product cell and a level cell.
fn is_split(page: &Page, table: &TableBlock, context: &Context<'_>) -> bool {
    let names: Vec<String> = page
        .units
        .iter()
        .map(|unit| match unit.kind {
            crate::doc::UnitKind::TableCell { .. } => crate::text::normalize::normalize_text(
                page.unit_text(unit),
                crate::text::normalize::Mode::Name,
                &[],
            ),
            _ => String::new(),
        })
        .collect();
    crate::facts::split_rows::read(table, &names, context.matcher).is_some()
}

fn row_target(
    groups: &CapabilityTable,
    page: &Page,
    table: &TableBlock,
    file: Option<PathBuf>,
) -> RowTarget {
    let text = page.text();
    // A line the model reads into the table but that holds no `|` is no row a reader sees: a flow tag
    // right below the table (`</TabItem>`, blanked by the MDX pre-pass) is read as a row of empty cells.
    // Rows go above it, inside the table.
    let holds_a_pipe = |row: &&Vec<usize>| {
        row.first().is_some_and(|&unit| {
            let start = page.units[unit].range.start;
            text[line_start(text, start)..line_end(text, start)].contains('|')
        })
    };
    let body_rows: Vec<&Vec<usize>> = table
        .rows
        .iter()
        .skip(usize::from(table.has_header))
        .filter(holds_a_pipe)
        .collect();
    let first_cells = body_rows
        .iter()
        .filter_map(|row| row.first())
        .map(|&unit| text[page.units[unit].range.clone()].trim());
    let names = super::row_names::NameForm::of(first_cells, groups);
    let rows: Vec<(String, usize)> = body_rows
        .iter()
        .filter_map(|row| row.first())
        .map(|&unit| {
            let range = page.units[unit].range.clone();
            (
                text[range.clone()].trim().to_lowercase(),
                line_start(text, range.start),
            )
        })
        .collect();
    let columns = table.rows.first().map_or(2, Vec::len).max(1);
    let last_cell = table
        .rows
        .iter()
        .rev()
        .find(holds_a_pipe)
        .and_then(|row| row.last())
        .map_or(table.range.end, |&unit| page.units[unit].range.end);
    // After the last row's text, before its line ending: a call-out inserted at the end of the section lands
    // there too, and the row must stay above it, in the table.
    let end = line_end(text, last_cell);
    let last_line = rows
        .last()
        .map_or(line_start(text, table.range.start), |row| row.1);
    // The last row's container prefix: its indentation, and its `>` markers in a blockquote.
    let indent = crate::doc::source::container_prefix(&text[last_line..]).to_owned();
    // Hand-kept tables are sorted with a few slips ("Zone {props.one}" after "Zone Read"): nine in ten
    // rows in order is sorted enough to insert alphabetically.
    let in_order = rows
        .windows(2)
        .filter(|pair| pair[0].0 <= pair[1].0)
        .count();
    let sorted = (in_order * 10 >= rows.len().saturating_sub(1) * 9).then_some(rows);
    RowTarget {
        file,
        sorted,
        end,
        columns,
        indent,
        line_ending: page.source.newline(),
        names,
    }
}

/// The site-wide check: `pages` are the reference pages of the run (their index in the run and their
/// facts). Returns each finding with the index of the page it belongs to.
pub fn check_site(
    table: &CapabilityTable,
    severity: Severity,
    pages: &[(usize, &ReferenceFacts)],
) -> Vec<(usize, Finding)> {
    let documented: HashSet<GroupIndex> = pages
        .iter()
        .flat_map(|(_, facts)| facts.named_groups.iter().copied())
        .collect();
    let mut findings = Vec::new();
    for (index, group) in table.groups.iter().enumerate() {
        if documented.contains(&index) {
            continue;
        }
        let place = group.scopes.iter().find_map(|kind| {
            pages.iter().find_map(|(page, facts)| {
                facts
                    .sections
                    .iter()
                    .find(|section| section.kind == *kind)
                    .map(|section| (*page, section))
            })
        });
        let Some((page, section)) = place else {
            continue;
        };
        let facts = pages
            .iter()
            .find(|(index, _)| *index == page)
            .map(|(_, facts)| facts);
        let suppressed = facts.is_some_and(|facts| {
            facts
                .suppressions
                .iter()
                .any(|suppression| match suppression.reach {
                    Reach::File => true,
                    Reach::Line(line) => line == section.line,
                })
        });
        if suppressed {
            continue;
        }
        let scope = &table.resource_types[section.kind].id;
        let fix = section.rows.as_ref().map(|rows| {
            let written = rows.names.name_for(group);
            let written = if written == group.name {
                format!("`{written}`")
            } else {
                format!("`{written}` (`{}`)", group.name)
            };
            Fix {
                description: format!("add {written} to the table of section `{}`", section.title),
                edits: vec![rows.edit(group)],
            }
        });
        let mut finding = Finding::new(
            &UndocumentedGroup,
            section.heading.clone(),
            format!(
                "permission group `{}` (scope `{scope}`) is on no permissions reference page",
                group.name
            ),
        )
        .help(format!(
            "add a row for it to the table of section `{}`",
            section.title
        ))
        .fix(fix);
        finding.severity = severity;
        findings.push((page, finding));
    }
    findings
}
