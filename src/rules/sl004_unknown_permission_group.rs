//! SL004 unknown-permission-group: names the table does not know, and former names of renamed groups.

use super::{Context, Edit, EditKind, Finding, Fix, Rule};
use crate::catalog::{RuleMeta, Severity};
use crate::doc::source::{line_end, line_start};
use crate::doc::{Page, TableBlock, UnitKind};
use crate::facts::split_rows::{self, SplitTable};
use crate::facts::{Facts, RenderedPartial};
use crate::text::normalize::{
    Mode, WILDCARD, fill_placeholders, is_code_identifier, normalize_name, normalize_text,
};

/// SL004 unknown-permission-group, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL004",
    name: "unknown-permission-group",
    severity: Severity::Warning,
    fix: true,
    summary: "a permissions table or list names a group the capability table does not know, or by a former name",
};

macro_rules! doc {
    () => {
        include_str!("sl004_unknown_permission_group.md")
    };
}

#[doc = doc!()]
pub(crate) struct UnknownPermissionGroup;

/// First header cells that mark a table of permission groups.
const NAME_HEADERS: &[&str] = &[
    "name",
    "names",
    "permission",
    "permissions",
    "permission group",
    "permission groups",
    "permission name",
    "group",
    "token permission",
    "token permissions",
];

impl Rule for UnknownPermissionGroup {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
    }

    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        self.former_names(context, out);
        self.listings(context, None, out);
        for rendered in &context.facts.rendered_partials {
            self.rendered_partial(context, rendered, out);
        }
    }
}

impl UnknownPermissionGroup {
    /// Unknown names in the page's permissions tables and lists. With `own_names` (a partial's names
    /// without the page's params), a cell known under either counts towards the table being a listing.
    /// A name with a placeholder no param fills could be any group's: it is checked where it is
    /// rendered.
    fn listings(
        &self,
        context: &Context<'_>,
        own_names: Option<&[String]>,
        out: &mut Vec<Finding>,
    ) {
        let page = context.page;
        let names = &context.facts.unit_names;
        let known_in = |unit: usize, name: &str| {
            is_known(context, name) || own_names.is_some_and(|own| is_known(context, &own[unit]))
        };
        let unknown = |unit: usize, name: &str| {
            !name.is_empty()
                && !name.contains(WILDCARD)
                && !is_known(context, name)
                && !known_before_a_note(context, unit)
        };
        // A generated scope matrix shows labels as "Name (dashboard: Label)"; SL010 checks its content.
        let generated = super::sl010_outdated_generated_table::generated_ranges(page);
        for table in page.tables.iter().filter(|table| {
            !generated
                .iter()
                .any(|region| region.contains(&table.range.start))
        }) {
            let cells = first_column(page, table, names);
            let known = cells
                .iter()
                .filter(|(unit, name)| known_in(*unit, name))
                .count();
            let header = table
                .has_header
                .then(|| table.rows.first().and_then(|row| row.first()))
                .flatten()
                .map(|&unit| names[unit].as_str());
            let named_header = header.is_some_and(|header| NAME_HEADERS.contains(&header));
            let listing = (named_header && known >= 1) || (known >= 2 && known * 2 >= cells.len());
            if let Some(split) = split_rows::read(table, names, context.matcher) {
                self.split_rows(context, &split, out);
            }
            if listing {
                for (unit, name) in cells.iter().filter(|(unit, name)| {
                    unknown(*unit, name) && may_name_a_group(context, *unit, name)
                }) {
                    out.push(self.finding(context, *unit, name));
                }
            }
        }
        for items in list_items(page, names) {
            let known = items
                .iter()
                .filter(|(unit, name)| known_in(*unit, name))
                .count();
            if known == 0 || known * 2 < items.len() {
                continue;
            }
            for (unit, name) in items
                .iter()
                .filter(|(unit, name)| unknown(*unit, name) && looks_like_group(context, name))
            {
                out.push(self.finding(context, *unit, name));
            }
        }
    }

    /// Unknown names that a partial's table or list shows only with the values the page passes in
    /// `params`: reported on the page, at the include, naming the param. (On the partial itself the
    /// placeholder stands for any word, so nothing is reported there.)
    fn rendered_partial(
        &self,
        context: &Context<'_>,
        rendered: &RenderedPartial,
        out: &mut Vec<Finding>,
    ) {
        let partial = rendered.page.as_ref();
        let names_with = |params: &[(String, String)]| -> Vec<String> {
            partial
                .units
                .iter()
                .map(|unit| match unit.kind {
                    UnitKind::TableCell { .. } | UnitKind::ListItem { .. } => {
                        normalize_text(partial.unit_text(unit), Mode::Name, params)
                    }
                    _ => String::new(),
                })
                .collect()
        };
        let unit_names = names_with(&rendered.params);
        let own_names = names_with(&[]);
        let facts = Facts {
            unit_names,
            ..Facts::default()
        };
        let partial_context = Context {
            page: partial,
            facts: &facts,
            ..*context
        };
        let mut found = Vec::new();
        self.listings(&partial_context, Some(&own_names), &mut found);
        let text = context.page.text();
        let at = rendered.include.start..line_end(text, rendered.include.start);
        for finding in found {
            // The params whose value changes what a cell of the finding reads.
            let used: Vec<&(String, String)> = rendered
                .params
                .iter()
                .filter(|param| {
                    placeholder_ranges(partial, finding.span.clone()).any(|range| {
                        let text = &partial.text()[range];
                        normalize_text(text, Mode::Name, std::slice::from_ref(*param))
                            != normalize_text(text, Mode::Name, &[])
                    })
                })
                .collect();
            if used.is_empty() {
                // The partial names it whatever the page passes: reported on the partial.
                continue;
            }
            // Of those, the ones that alone make the name unknown (the others could stay); all of them
            // when only their combination does.
            let alone_unknown = |param: &&(String, String)| {
                placeholder_ranges(partial, finding.span.clone()).any(|range| {
                    let text = &partial.text()[range];
                    let name = normalize_text(text, Mode::Name, std::slice::from_ref(*param));
                    !name.is_empty() && !is_known(context, strip_marker(&name))
                })
            };
            let culprits: Vec<&(String, String)> =
                used.iter().copied().filter(alone_unknown).collect();
            let used = if culprits.is_empty() { used } else { culprits };
            let message = fill_placeholders(&finding.message, &rendered.params);
            let named: Vec<String> = used
                .iter()
                .map(|(key, value)| format!("`{key}: \"{value}\"`"))
                .collect();
            out.push(Finding {
                span: at.clone(),
                message: format!(
                    "{message} ({} in the params passed to the partial `{}`)",
                    named.join(", "),
                    rendered.file
                ),
                ..finding
            });
        }
    }

    /// Mentions that use a group's former name: reported with the current name, fixed by rewriting it.
    fn former_names(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        for mention in &context.facts.mentions {
            let group = &context.table.groups[mention.group];
            if group.former_names.is_empty() {
                continue;
            }
            let written = &context.page.text()[mention.span.clone()];
            // In a code span a character reference is literal text: `Teams Rea&#100;` is no former name.
            let code = crate::text::normalize::with_backticks_around(
                context.page.text(),
                mention.span.clone(),
            );
            if inside_longer_name(context.page.text(), mention.span.clone())
                || records_the_rename(context.page, mention.span.start)
                || (code.len() > written.len() && written.contains('&'))
            {
                continue;
            }
            // The name as the model reads it: tags, comments and `{...}` blanked (`<b>Teams</b> Write`).
            let masked = context
                .page
                .masked
                .get(mention.span.clone())
                .unwrap_or(written);
            let normalized = normalize_name(masked);
            let Some(former) = group
                .former_names
                .iter()
                .find(|former| normalize_name(former) == normalized)
            else {
                continue;
            };
            let unmarked = without_marks(masked);
            // Spacing is shown as written, but for the gaps the blanked tags leave.
            let shown = if masked == written {
                unmarked.trim().to_owned()
            } else {
                unmarked.split_whitespace().collect::<Vec<_>>().join(" ")
            };
            let label = is_a_reference_label(context.page.text(), mention.span.clone());
            let rename =
                rename_keeping_markup(written, masked, former, &group.name).filter(|_| !label);
            let mut help = format!(
                "the permission group kept its id under the new name `{}`",
                group.name
            );
            if label {
                help.push_str(
                    "; rename it by hand: the name is also the label of a reference link, whose definition must be renamed with it",
                );
            } else if rename.is_none() {
                help.push_str(
                    "; rename it by hand: `scope-lint fix` does not rewrite a name that markup or a line break splits this way",
                );
            }
            let fix = rename.map(|(range, replacement)| Fix {
                description: format!("rename `{shown}` to `{}`", group.name),
                edits: vec![Edit {
                    file: None,
                    range: mention.span.start + range.start..mention.span.start + range.end,
                    replacement,
                    kind: EditKind::Content,
                }],
            });
            out.push(
                Finding::new(
                    self,
                    mention.span.clone(),
                    format!("`{shown}` was renamed to `{}`", group.name),
                )
                .help(help)
                .fix(fix),
            );
        }
    }

    /// Rows that split a group into a product cell and a level cell, whose two cells make no known group:
    /// reported where the level reads as one of the table's levels and the table names real groups
    /// elsewhere, or where a known name is close (`| AI Gatewy | Read |`).
    fn split_rows(&self, context: &Context<'_>, split: &SplitTable, out: &mut Vec<Finding>) {
        let page = context.page;
        for row in &split.rows {
            let product = &page.text()[split_rows::product_span(page, row)];
            let level_cell = page.text()[page.units[row.level_unit].range.clone()].trim();
            let several = row.levels.len() > 1;
            for (level, _) in row.levels.iter().filter(|(_, group)| group.is_none()) {
                let joined = format!("{} {level}", row.product);
                let suggestion = context.matcher.closest_name(&joined, context.table);
                let product_known = context.matcher.exact_product(&row.product).is_some();
                let reads_as_group = if context.matcher.is_level(level) {
                    split.names_a_group() || suggestion.is_some()
                } else {
                    product_known && suggestion.is_some()
                };
                if !reads_as_group {
                    continue;
                }
                let shown_level = if several {
                    capitalised_level(level_cell, level)
                } else {
                    level_cell.trim_matches(['`', '*', '_']).trim().to_owned()
                };
                let shown = format!(
                    "{} {shown_level}",
                    product.trim_matches(['`', '*', '_']).trim()
                );
                let finding = Finding::new(
                    self,
                    split_rows::row_span(page, row),
                    format!("`{shown}` is not a permission group in the capability table"),
                );
                out.push(match suggestion {
                    Some(suggestion) => finding.help(format!("did you mean `{suggestion}`?")),
                    None => finding.help(format!(
                        "correct the product or the access level, or add the group to the capability table ({})",
                        context.table.origin
                    )),
                });
            }
        }
    }

    fn finding(&self, context: &Context<'_>, unit: usize, normalized: &str) -> Finding {
        let range = context.page.units[unit].range.clone();
        let written = crate::text::entity::decode_all(&context.page.text()[range.clone()]);
        // One line, as written: a name over two lines is quoted with a space for its line break.
        let shown = written
            .trim()
            .trim_matches(['`', '*', '_'])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let (start, end) = trimmed_bounds(context.page.text(), range);
        let finding = Finding::new(
            self,
            start..end,
            format!("`{shown}` is not a permission group in the capability table"),
        );
        let closest = context
            .matcher
            .closest_name(normalized, context.table)
            .or_else(|| {
                names_before_notes(context.page.unit_text(&context.page.units[unit]))
                    .iter()
                    .find_map(|name| context.matcher.closest_name(name, context.table))
            });
        match closest {
            Some(suggestion) => finding.help(format!("did you mean `{suggestion}`?")),
            None => finding.help(format!(
                "correct the name, or add the group to the capability table ({})",
                context.table.origin
            )),
        }
    }
}

/// The ranges of the units that overlap `span` (a finding's span in `page`), where a `{props.*}` may be.
fn placeholder_ranges(
    page: &Page,
    span: std::ops::Range<usize>,
) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    page.units
        .iter()
        .filter(move |unit| {
            unit.range.start < span.end.max(span.start + 1) && span.start < unit.range.end
        })
        .map(|unit| unit.range.clone())
}

/// The level `normalized` as the cell spells it (`Edit` in `Read, Edit`), else `normalized` itself.
fn capitalised_level(cell: &str, normalized: &str) -> String {
    cell.split(|c: char| !c.is_alphanumeric())
        .find(|word| word.to_lowercase() == normalized)
        .map_or_else(|| normalized.to_owned(), str::to_owned)
}

fn trimmed_bounds(text: &str, range: std::ops::Range<usize>) -> (usize, usize) {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.start + slice.trim_end().len();
    (start, end.max(start))
}

fn is_known(context: &Context<'_>, normalized: &str) -> bool {
    context.matcher.exact_group(normalized).is_some()
        || !context.matcher.wildcard_groups(normalized).is_empty()
}

/// Whether the text of `unit` is a known group followed by notes ([`names_before_notes`]):
/// `AI Gateway Run[^1]`, "AI Gateway Run (formerly Invoke)", "AI Gateway Run ✅", or "AI Gateway Write
/// (dashboard: AI Gateway Edit)" as `scope-lint table` prints a group whose dashboard label differs.
fn known_before_a_note(context: &Context<'_>, unit: usize) -> bool {
    let text = context.page.unit_text(&context.page.units[unit]);
    names_before_notes(text)
        .iter()
        .any(|name| is_known(context, name))
}

/// The name-normalised forms of `text` without the notes it ends with, one more note gone in each, the
/// least stripped first: footnote references and comments, a note in parentheses, a note after a spaced em
/// or en dash (`— new`; a hyphen is the separator of `AI Gateway - Read`), symbols such as emoji (`✅`).
/// Empty when it ends in none of them.
fn names_before_notes(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut name = text.trim();
    while let Some(shorter) = without_a_note(name) {
        name = shorter;
        names.push(normalize_text(name, Mode::Name, &[]));
    }
    names
}

/// `text` (trimmed) without the last note it ends with, trimmed; `None` when it ends in none or nothing
/// would be left.
fn without_a_note(text: &str) -> Option<&str> {
    let without_references = without_footnote_references(text);
    if without_references.len() < text.len() {
        return Some(without_references).filter(|rest| !rest.is_empty());
    }
    let parenthesised = text
        .strip_suffix(')')
        .and_then(|body| body.rfind('('))
        .map(|open| &text[..open]);
    let dashed = [" — ", " – "]
        .iter()
        .filter_map(|dash| text.rfind(dash))
        .max()
        .map(|at| &text[..at]);
    let symbols = text.trim_end_matches(|c: char| {
        !(c.is_alphanumeric() || matches!(c, ')' | ']' | '>' | '`' | '*' | '_'))
    });
    let symbols = (symbols.len() < text.len()).then_some(symbols);
    parenthesised
        .or(symbols)
        .or(dashed)
        .map(str::trim_end)
        .filter(|shorter| !shorter.is_empty())
}

/// `text` without the footnote references and HTML comments it ends with (`[^1]`, `[^note] [^2]`,
/// `<!-- formerly AI Gateway Invoke -->`), trimmed.
fn without_footnote_references(text: &str) -> &str {
    let mut text = text.trim_end();
    loop {
        let reference = text.strip_suffix(']').and_then(|body| {
            let open = body.rfind("[^")?;
            let label = &body[open + 2..];
            (!label.is_empty() && !label.contains(['[', ']'])).then_some(open)
        });
        let comment = text.strip_suffix("-->").and_then(|body| body.rfind("<!--"));
        match reference.or(comment) {
            Some(open) => text = text[..open].trim_end(),
            None => return text,
        }
    }
}

/// Words that, right before a former name, say it is the old one: "AI Gateway Run (formerly AI Gateway
/// Invoke)" records the rename, and the fix must not rewrite that record.
const RENAME_RECORDS: &[&str] = &[
    "formerly",
    "previously",
    "renamed from",
    "old name",
    "former name",
    "was called",
    "was named",
    "known as",
    "used to be",
    "originally",
];

/// Whether the former name that starts at `start` is the page's record of the rename: a comment holds it,
/// or one of [`RENAME_RECORDS`] stands right before it on its line (after an opening parenthesis, quote,
/// colon or markup).
fn records_the_rename(page: &Page, start: usize) -> bool {
    if page
        .comments
        .iter()
        .any(|comment| comment.range.contains(&start))
    {
        return true;
    }
    let text = page.text();
    let line = &text[line_start(text, start)..start];
    let before = line
        .trim_end_matches(|c: char| c.is_whitespace() || "(*_`\"'\u{201c}\u{2018}:".contains(c))
        .to_lowercase();
    RENAME_RECORDS.iter().any(|record| {
        before
            .strip_suffix(record)
            .is_some_and(|rest| !rest.ends_with(char::is_alphanumeric))
    })
}

/// A few words ending in a permission level: "AI Gateway Admin", "Zone Settings Write".
fn looks_like_group(context: &Context<'_>, normalized: &str) -> bool {
    let words: Vec<&str> = normalized.split(' ').collect();
    words.len() >= 2
        && words.len() <= 7
        && words
            .last()
            .is_some_and(|last| context.matcher.is_verb(last))
}

/// Whether a permissions table's first cell (`unit`, name-normalised `normalized`) may be meant as a group
/// name, as it is or without its notes ([`names_before_notes`]): it reads like one ([`looks_like_group`]),
/// starts with a known group or product name ("AI Gateway Reed"), or is close to a known name ("AI Gatway
/// Run (formerly Invoke)"). Other rows ("All other permissions", "N/A", "See the dashboard for more.") are
/// notes, not names.
fn may_name_a_group(context: &Context<'_>, unit: usize, normalized: &str) -> bool {
    let may_name = |name: &str| {
        looks_like_group(context, name)
            || context
                .matcher
                .find_names(name)
                .first()
                .is_some_and(|found| found.range.start == 0)
            || context.matcher.is_close_to_a_name(name)
    };
    may_name(normalized)
        || names_before_notes(context.page.unit_text(&context.page.units[unit]))
            .iter()
            .any(|name| may_name(name))
}

/// The data rows' first cells: (unit, name-normalised text), but for cells that hold an identifier of
/// code (a table of OAuth scopes, `logs:read`, is not a table of permission groups).
fn first_column<'n>(page: &Page, table: &TableBlock, names: &'n [String]) -> Vec<(usize, &'n str)> {
    let skip = usize::from(table.has_header);
    table
        .rows
        .iter()
        .skip(skip)
        .filter_map(|row| row.first())
        .filter(|&&unit| !is_code_identifier(page.unit_text(&page.units[unit])))
        .map(|&unit| (unit, names[unit].as_str()))
        .collect()
}

/// Every list's items: (unit, name-normalised text without a kept list marker), one pass over the units;
/// items that hold an identifier of code are left out, as in [`first_column`].
fn list_items<'n>(page: &Page, names: &'n [String]) -> Vec<Vec<(usize, &'n str)>> {
    let mut lists = vec![Vec::new(); page.lists.len()];
    for (index, unit) in page.units.iter().enumerate() {
        if let UnitKind::ListItem { list, .. } = unit.kind
            && !is_code_identifier(page.unit_text(unit))
        {
            lists[list].push((index, strip_marker(&names[index])));
        }
    }
    lists
}

/// Drops a list marker that normalisation kept ("1." from "1. AI Gateway Read").
fn strip_marker(text: &str) -> &str {
    match text.split_once(' ') {
        Some((first, rest))
            if first
                .trim_end_matches('.')
                .chars()
                .all(|c| c.is_ascii_digit()) =>
        {
            rest
        }
        _ => text,
    }
}

/// The edit that renames `written` (a mention of the group by its `former` name, read as `masked`: the same
/// text with tags, comments and `{...}` blanked) to `current`, as a range
/// of `written` and its replacement, keeping the mention's markup: the words from the first to the last
/// are replaced when no markup or line break stands between them (`**Teams Write**` becomes
/// `**Zero Trust Write**`); otherwise only the words that differ, when they are the same words as the
/// former name's and no markup or line break stands among them (`**Teams** Write` becomes
/// `**Zero Trust** Write`, and `Teams` then `Read` on the next line becomes `Zero Trust` then `Read`: the
/// lines stay apart). `None` when neither keeps the markup balanced (`Tea**ms Wr**ite`) and the lines
/// apart.
fn rename_keeping_markup(
    written: &str,
    masked: &str,
    former: &str,
    current: &str,
) -> Option<(std::ops::Range<usize>, String)> {
    let written_words = word_ranges(masked);
    let (first, last) = (written_words.first()?, written_words.last()?);
    let span = &written[first.start..last.end];
    if !holds_markup(span) && !span.contains(['\n', '\r']) {
        return Some((first.start..last.end, current.to_owned()));
    }
    let former_words = word_ranges(former);
    let current_words = word_ranges(current);
    let word = |text: &str, range: &std::ops::Range<usize>| {
        crate::text::entity::decode_all(&text[range.clone()]).to_lowercase()
    };
    let same_words = written_words.len() == former_words.len()
        && written_words
            .iter()
            .zip(&former_words)
            .all(|(one, other)| word(written, one) == word(former, other));
    if !same_words {
        return None;
    }
    let kept_before = former_words
        .iter()
        .zip(&current_words)
        .take_while(|(one, other)| word(former, one) == word(current, other))
        .count();
    let most_after = former_words.len().min(current_words.len()) - kept_before;
    let kept_after = former_words
        .iter()
        .rev()
        .zip(current_words.iter().rev())
        .take(most_after)
        .take_while(|(one, other)| word(former, one) == word(current, other))
        .count();
    let (former_end, current_end) = (
        former_words.len() - kept_after,
        current_words.len() - kept_after,
    );
    if kept_before >= former_end || kept_before >= current_end {
        return None;
    }
    let replaced = written_words[kept_before].start..written_words[former_end - 1].end;
    if holds_markup(&written[replaced.clone()]) || written[replaced.clone()].contains(['\n', '\r'])
    {
        return None;
    }
    let replacement =
        &current[current_words[kept_before].start..current_words[current_end - 1].end];
    Some((replaced, replacement.to_owned()))
}

/// The byte ranges of the runs of letters and digits in `text`: a character reference to a letter or digit is
/// part of its run (`&#84;eams`), any other one (`&nbsp;`) separates runs.
fn word_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut words: Vec<std::ops::Range<usize>> = Vec::new();
    let mut reference_end = 0;
    for (at, c) in text.char_indices() {
        if at < reference_end {
            continue;
        }
        // A reference to a letter or digit is part of its word (`&#84;eams`), any other one separates.
        let (length, decoded) = match c {
            '&' => crate::text::entity::decode(&text[at..]).unwrap_or((c.len_utf8(), c)),
            _ => (c.len_utf8(), c),
        };
        reference_end = at + length;
        if !decoded.is_alphanumeric() {
            continue;
        }
        match words.last_mut() {
            Some(word) if word.end == at => word.end = at + length,
            _ => words.push(at..at + length),
        }
    }
    words
}

/// Whether the name at `span` is the whole text of a shortcut or collapsed reference link (`[Teams Read]`,
/// `[Teams Read][]`): its text is also the label that finds the link's definition, which a rename would
/// lose.
fn is_a_reference_label(text: &str, span: std::ops::Range<usize>) -> bool {
    let marks = ['*', '_', '~', '`'];
    let before = text[..span.start].trim_end_matches(marks);
    let after = text[span.end..].trim_start_matches(marks);
    let Some(after_label) = after.strip_prefix(']') else {
        return false;
    };
    before.ends_with('[') && (after_label.starts_with("[]") || !after_label.starts_with(['(', '[']))
}

/// `text` without its marks of code, emphasis and strikethrough; a `_` inside a word (`Teams_Read`) is
/// no mark in CommonMark and stays.
fn without_marks(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    // A run of `_` between two letters or digits.
    let in_a_word = |at: usize| {
        let before = chars[..at].iter().rev().find(|&&c| c != '_');
        let after = chars[at..].iter().find(|&&c| c != '_');
        before.is_some_and(|c| c.is_alphanumeric()) && after.is_some_and(|c| c.is_alphanumeric())
    };
    chars
        .iter()
        .enumerate()
        .filter(|&(at, &c)| match c {
            '`' | '*' | '~' => false,
            '_' => in_a_word(at),
            _ => true,
        })
        .map(|(_, &c)| c)
        .collect()
}

/// Whether `text` holds a character of inline markup: emphasis, code, strikethrough, a tag, a link, an
/// escape or an entity.
fn holds_markup(text: &str) -> bool {
    text.contains(['*', '_', '`', '~', '<', '>', '[', ']', '\\', '&'])
}

/// Whether the name at `span` is part of a longer title-case name: a capitalised word right before or after
/// it, separated only by spaces ("Cloudflare for Teams Read Only" is a dashboard role, not `Teams Read`).
fn inside_longer_name(text: &str, span: std::ops::Range<usize>) -> bool {
    let capitalised = |word: &str| word.chars().next().is_some_and(char::is_uppercase);
    let before = text[..span.start].trim_end_matches([' ', '\u{a0}']);
    let after = text[span.end..].trim_start_matches([' ', '\u{a0}']);
    let joined_before = before.len() < span.start;
    let joined_after = after.len() < text.len() - span.end;
    let previous = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    let next = after
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    (joined_before && capitalised(previous) && !before.ends_with(['.', ':', '|']))
        || (joined_after && capitalised(next))
}

#[cfg(test)]
mod tests {
    use super::rename_keeping_markup;
    use crate::doc::Dialect;

    /// `text` as the page model reads it: tags, comments and `{...}` blanked by the MDX pre-pass.
    fn masked(text: &str) -> String {
        crate::doc::mdx::scan(text, Dialect::Mdx).masked
    }

    fn renamed(written: &str, former: &str, current: &str) -> Option<String> {
        rename_keeping_markup(written, &masked(written), former, current).map(
            |(range, replacement)| {
                format!(
                    "{}{replacement}{}",
                    &written[..range.start],
                    &written[range.end..]
                )
            },
        )
    }

    #[test]
    fn a_rename_keeps_a_name_split_over_two_lines_on_two_lines() {
        assert_eq!(
            renamed("Teams\n  Read", "Teams Read", "Zero Trust Read").as_deref(),
            Some("Zero Trust\n  Read")
        );
        assert_eq!(
            renamed("Teams  \r\n  Report", "Teams Report", "Zero Trust Report").as_deref(),
            Some("Zero Trust  \r\n  Report")
        );
        assert_eq!(
            renamed("Old\nName Read", "Old Name Read", "New Thing Read"),
            None,
            "the words that change stand on two lines"
        );
    }

    #[test]
    fn a_rename_keeps_the_markup_around_and_inside_the_name() {
        for (written, expected) in [
            ("Teams Read", "Zero Trust Read"),
            ("**Teams Read**", "**Zero Trust Read**"),
            ("**Teams** Read", "**Zero Trust** Read"),
            ("`Teams` Read", "`Zero Trust` Read"),
            ("Teams **Read**", "Zero Trust **Read**"),
            ("~~Teams~~ Read", "~~Zero Trust~~ Read"),
            ("Teams&nbsp;Read", "Zero Trust&nbsp;Read"),
            ("Teams\\_Read", "Zero Trust\\_Read"),
            ("Teams Read 🚀", "Zero Trust Read 🚀"),
            (
                "<strong>Teams</strong> Read",
                "<strong>Zero Trust</strong> Read",
            ),
            ("<b>Teams Read</b>", "<b>Zero Trust Read</b>"),
            ("Teams <em>Read</em>", "Zero Trust <em>Read</em>"),
            (
                "<span>Teams</span>{/* 注 */} Read",
                "<span>Zero Trust</span>{/* 注 */} Read",
            ),
        ] {
            assert_eq!(
                renamed(written, "Teams Read", "Zero Trust Read").as_deref(),
                Some(expected),
                "{written}"
            );
        }
    }

    #[test]
    fn a_rename_that_would_split_markup_is_not_offered() {
        for (written, former, current, why) in [
            (
                "**Teams** Read",
                "Teams Read",
                "Zero Trust Edit",
                "every word changes, markup between",
            ),
            (
                "**Team**s Read",
                "Teams Read",
                "Zero Trust Read",
                "not the former name's words",
            ),
            (
                "<b>Teams</b> Read",
                "Teams Read",
                "Zero Trust Edit",
                "every word changes, a tag between",
            ),
            (
                "**Teams** Read",
                "Teams Read",
                "Teams Zero Read",
                "only words added",
            ),
            (
                "**Ünï** x `Read`",
                "Ünï x Read",
                "Über x Edit",
                "changed words apart",
            ),
        ] {
            assert_eq!(renamed(written, former, current), None, "{why}");
        }
    }
}
