//! Fixes: the rules' [`FixIntent`]s made into byte edits (insert, move, remove a call-out), edits applied to
//! text and checked to keep the page's block structure, and files written safely (only the edited bytes
//! change; atomic rename). Planning a whole run's fixes and re-checking the fixed pages is
//! [`crate::walk::fix_plan`], above the engine.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::doc::callout::{self, CalloutForm, NewCallout};
use crate::doc::source::SourceText;
use crate::doc::{Dialect, Page, SectionId};
use crate::error::{Error, Result};
use crate::facts::UnsatisfiedSection;
use crate::policy::CalloutPolicy;
use crate::rules::{Context, Edit, EditKind, Finding, Fix, FixIntent};

mod imports;
mod structure;
mod write;

/// Turns the findings' [`FixIntent`]s into byte edits ([`Finding::fix`]); an intent that cannot be made into
/// edits that keep the page's structure leaves the finding without a fix. The insertions into one page are
/// made together ([`insert_for_sections`]), so a page with many sections lacking the call-out costs one parse.
pub fn resolve_intents(context: &Context<'_>, findings: &mut [Finding]) {
    let mut sections: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (index, finding) in findings.iter_mut().enumerate() {
        let Some(intent) = finding.intent.take() else {
            continue;
        };
        let callout_policy = |callout: usize| &context.policy.callouts[callout];
        finding.fix = match &intent {
            FixIntent::InsertInSection { callout, .. } => {
                sections.entry(*callout).or_default().push(index);
                finding.intent = Some(intent);
                continue;
            }
            FixIntent::InsertInPage { callout, heading } => {
                insert_for_page(context, callout_policy(*callout), heading.as_deref())
            }
            FixIntent::MoveCallout { callout, to } => move_callout(context, *callout, *to),
            FixIntent::RemoveCallout { callout } => remove_callout(context.page, *callout),
        };
    }
    for (callout, indexes) in sections {
        let lacking: Vec<&UnsatisfiedSection> = indexes
            .iter()
            .filter_map(|&index| match &findings[index].intent {
                Some(FixIntent::InsertInSection { section, .. }) => Some(section),
                _ => None,
            })
            .collect();
        let fixes = insert_for_sections(context, &context.policy.callouts[callout], &lacking);
        for (index, fix) in indexes.into_iter().zip(fixes) {
            findings[index].fix = fix;
            findings[index].intent = None;
        }
    }
}

/// Where a new call-out goes and how it is indented.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spot {
    /// The byte offset after which the call-out is inserted (the end of the last line of content).
    offset: usize,
    indent: String,
}

/// The fix for a listing section without a call-out: insert it at the end of the section (or inside the
/// partial, when the policy places it there).
pub fn insert_for_section(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    section: &UnsatisfiedSection,
) -> Option<Fix> {
    insert_for_sections(context, policy, &[section])
        .pop()
        .flatten()
}

/// [`insert_for_section`] for each of `sections`, in order. The insertions into the page itself are read
/// back in one parse of the page with all of them applied; only one that does not land there as a call-out
/// is tried again alone. A page with many sections lacking the call-out costs one parse, not one a section.
pub fn insert_for_sections(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    sections: &[&UnsatisfiedSection],
) -> Vec<Option<Fix>> {
    let drafts: Vec<Option<(&Page, bool, Vec<Edit>)>> = sections
        .iter()
        .map(|section| draft_for_section(context, policy, section))
        .collect();
    let own: Vec<&Edit> = drafts
        .iter()
        .flatten()
        .filter(|(_, in_partial, _)| !in_partial)
        .map(|(_, _, edits)| &edits[0])
        .collect();
    let mut landed_together = lands_together(context.page, &own).into_iter();
    drafts
        .into_iter()
        .map(|draft| {
            let (page, in_partial, edits) = draft?;
            let together = !in_partial && landed_together.next().unwrap_or(false);
            (together || lands_as_callout(page, &edits[0]))
                .then(|| described(context, policy, edits))
        })
        .collect()
}

/// The page an insertion for `section` goes into, whether that is a partial, and the edits (the call-out
/// first), before they are read back.
fn draft_for_section<'p>(
    context: &'p Context<'_>,
    policy: &CalloutPolicy,
    section: &'p UnsatisfiedSection,
) -> Option<(&'p Page, bool, Vec<Edit>)> {
    if let (Some(via), true) = (&section.listing.via, context.policy.placement_in_partial()) {
        // The end of the partial's section that holds the listing, as for a page; a line range or anchor of
        // a file ends where the listing does, so the call-out goes right after it, inside the part.
        let spot = if via.whole {
            section_end(&via.page, via.page.section_at(via.anchor.start))
        } else {
            after_block(&via.page, via.anchor.clone())
        };
        let relative = via
            .path
            .strip_prefix(&context.policy.root)
            .unwrap_or(&via.path);
        let form = context.policy.form_for(relative, via.page.dialect);
        let mut edits = unverified_insertion(context, policy, &via.page, &spot, form)?;
        for edit in &mut edits {
            edit.file = Some(via.path.clone());
        }
        return Some((&via.page, true, edits));
    }
    let spot = section_end(context.page, section.section);
    let form = context
        .policy
        .form_for(context.relative, context.page.dialect);
    let edits = unverified_insertion(context, policy, context.page, &spot, form)?;
    Some((context.page, false, edits))
}

/// For each of `insertions` (into `page`, at distinct offsets), whether it is read back as a call-out when
/// all of them are applied at once; all `false` when they cannot be applied together.
fn lands_together(page: &Page, insertions: &[&Edit]) -> Vec<bool> {
    let mut offsets: Vec<usize> = insertions.iter().map(|edit| edit.range.start).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let distinct = offsets.len() == insertions.len();
    let text = if distinct && insertions.iter().all(|edit| edit.range.is_empty()) {
        apply_edits(page.text(), insertions).ok()
    } else {
        None
    };
    let Some(text) = text else {
        return vec![false; insertions.len()];
    };
    let reparsed = Page::parse(SourceText::new(page.source.path(), text), page.dialect);
    let mut starts: Vec<usize> = reparsed
        .callouts
        .iter()
        .map(|callout| callout.range.start)
        .collect();
    starts.sort_unstable();
    // Where each inserted text lies in the fixed page: after every insertion before it.
    let mut order: Vec<usize> = (0..insertions.len()).collect();
    order.sort_unstable_by_key(|&index| insertions[index].range.start);
    let mut growth_before = vec![0; insertions.len()];
    let mut growth = 0;
    for index in order {
        growth_before[index] = growth;
        growth += insertions[index].replacement.len();
    }
    insertions
        .iter()
        .zip(growth_before)
        .map(|(edit, growth)| {
            let start = edit.range.start + growth;
            let first = starts.partition_point(|&callout| callout < start);
            starts
                .get(first)
                .is_some_and(|&callout| callout < start + edit.replacement.len())
        })
        .collect()
}

/// The fix for a page the policy names: insert at the end of `heading`'s section, else after the block that
/// first mentions the product's groups, else at the end of the introduction.
pub fn insert_for_page(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    heading: Option<&str>,
) -> Option<Fix> {
    let page = context.page;
    let by_heading = heading
        .and_then(|title| {
            page.headings
                .iter()
                .position(|heading| heading.title == title)
        })
        .map(|index| section_end(page, SectionId(index + 1)));
    let by_mention = || {
        context
            .facts
            .mentions
            .iter()
            .find(|mention| mention.product == policy.product && mention.callout.is_none())
            .map(|mention| after_block(page, mention.span.clone()))
    };
    let spot = by_heading
        .or_else(by_mention)
        .unwrap_or_else(|| section_end(page, SectionId(0)));
    let form = context.policy.form_for(context.relative, page.dialect);
    let edits = insertion(context, policy, page, &spot, form)?;
    Some(described(context, policy, edits))
}

/// The fix that moves call-out `callout` of the page to the end of `target`.
pub fn move_callout(context: &Context<'_>, callout: usize, target: SectionId) -> Option<Fix> {
    let page = context.page;
    let text = page.text();
    let lines = own_lines(text, page.callouts[callout].range.clone())?;
    let spot = section_end(page, target);
    if (lines.start..=lines.end).contains(&spot.offset) {
        return None;
    }
    let newline = page.source.newline();
    let moved = reindent(
        text[lines.clone()].trim_end_matches(['\n', '\r']),
        &spot.indent,
        newline,
    );
    let (removal, replacement) = removal_range(text, lines, newline);
    if removal.contains(&spot.offset) {
        return None;
    }
    let fix = Fix {
        description: format!("move the call-out to {}", page.section_title(target)),
        edits: vec![
            Edit {
                file: None,
                range: spot.offset..spot.offset,
                replacement: format!("{newline}{newline}{moved}"),
                kind: EditKind::Callout,
            },
            Edit {
                file: None,
                range: removal,
                replacement,
                kind: EditKind::Callout,
            },
        ],
    };
    keeps_page_structure(page, &fix.edits).then_some(fix)
}

/// The fix that removes call-out `callout` of the page, with one blank line around it; none when the
/// call-out shares a line with other content.
pub fn remove_callout(page: &Page, callout: usize) -> Option<Fix> {
    let lines = own_lines(page.text(), page.callouts[callout].range.clone())?;
    let (range, replacement) = removal_range(page.text(), lines, page.source.newline());
    let fix = Fix {
        description: "remove the stale call-out".to_owned(),
        edits: vec![Edit {
            file: None,
            range,
            replacement,
            kind: EditKind::Callout,
        }],
    };
    keeps_page_structure(page, &fix.edits).then_some(fix)
}

fn described(context: &Context<'_>, policy: &CalloutPolicy, edits: Vec<Edit>) -> Fix {
    Fix {
        description: format!(
            "insert the {} call-out",
            context.table.products[policy.product].name
        ),
        edits,
    }
}

/// The edits that insert the policy's call-out at `spot` of `page` in `form` (and its import, for `<Aside>`),
/// when the call-out is read back as one there.
fn insertion(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    page: &Page,
    spot: &Spot,
    form: CalloutForm,
) -> Option<Vec<Edit>> {
    let edits = unverified_insertion(context, policy, page, spot, form)?;
    lands_as_callout(page, &edits[0]).then_some(edits)
}

/// [`insertion`]'s edits, the call-out first, before they are read back.
fn unverified_insertion(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    page: &Page,
    spot: &Spot,
    form: CalloutForm,
) -> Option<Vec<Edit>> {
    let body = policy.body(context.table);
    let title = policy.title_text(context.table);
    let style = if form == CalloutForm::Shortcode {
        crate::doc::shortcode::page_style(page.text(), page.dialect)
    } else {
        crate::doc::shortcode::ShortcodeStyle::default()
    };
    let rendered = callout::render_styled(
        &NewCallout {
            form,
            kind: &policy.kind,
            title: title.as_deref(),
            body: &body,
        },
        &spot.indent,
        page.source.newline(),
        &style,
    );
    let newline = page.source.newline();
    let separator = if spot.offset == 0 {
        String::new()
    } else {
        format!("{newline}{newline}")
    };
    let trailer = if spot.offset == 0 {
        format!("{newline}{newline}")
    } else {
        String::new()
    };
    let mut edits = vec![Edit {
        file: None,
        range: spot.offset..spot.offset,
        replacement: format!("{separator}{rendered}{trailer}"),
        kind: EditKind::Callout,
    }];
    if form == CalloutForm::Aside {
        edits.extend(aside_import(page, context.policy.conventions.component_sources).ok()?);
    }
    // Whether the rest of the page keeps its structure is checked before writing: a template that breaks
    // it is reported as an error naming the file rather than silently not offered.
    Some(edits)
}

/// Whether the inserted text is read back as a call-out: not swallowed by an unclosed code fence, HTML
/// comment or JSX expression that runs to the end of the page.
fn lands_as_callout(page: &Page, insertion: &Edit) -> bool {
    let Ok(text) = apply_edits(page.text(), &[insertion]) else {
        return false;
    };
    let inserted = insertion.range.start..insertion.range.start + insertion.replacement.len();
    let reparsed = Page::parse(SourceText::new(page.source.path(), text), page.dialect);
    reparsed
        .callouts
        .iter()
        .any(|callout| inserted.contains(&callout.range.start))
}

/// Whether `edits` leave `page`'s block structure as it was, plus or minus exactly the call-outs they insert
/// or remove ([`structure::check`]): a move or removal that would join the blocks around it (two lists
/// become one) is not offered as a fix, and the finding stays for a person to fix.
fn keeps_page_structure(page: &Page, edits: &[Edit]) -> bool {
    let refs: Vec<&Edit> = edits.iter().collect();
    let Ok(text) = apply_edits(page.text(), &refs) else {
        return false;
    };
    let fixed = Page::parse(SourceText::new(page.source.path(), text), page.dialect);
    structure::check(page, &fixed, &refs).is_ok()
}

/// Whether `<Aside>` needs an import, from the names the page's ESM binds: `Ok(None)` when `Aside` is already
/// bound to a component, `Ok(Some(edit))` to add it, `Err(())` when `Aside` names a namespace object, which
/// `<Aside>` cannot render.
fn aside_import(page: &Page, component_sources: &[&str]) -> Result<Option<Edit>, ()> {
    let text = page.text();
    let mut locals = Vec::new();
    let mut named_imports = Vec::new();
    for range in &page.esm {
        let esm = imports::read(text, range.clone());
        locals.extend(esm.locals);
        named_imports.extend(esm.named_imports);
    }
    if let Some(local) = locals.iter().find(|local| local.name == "Aside") {
        return match local.binding {
            imports::Binding::Namespace => Err(()),
            _ => Ok(None),
        };
    }
    let newline = page.source.newline();
    let components = named_imports
        .iter()
        .find(|import| component_sources.contains(&import.source.as_str()));
    if let Some(import) = components {
        let brace = import.braces.start;
        let inside = &text[brace + 1..import.braces.end - 1];
        let spaces = inside.len() - inside.trim_start().len();
        let insert_at = brace + 1 + spaces;
        let replacement = if inside.trim().is_empty() {
            "Aside "
        } else {
            "Aside, "
        };
        return Ok(Some(Edit {
            file: None,
            range: insert_at..insert_at,
            replacement: replacement.to_owned(),
            kind: EditKind::Callout,
        }));
    }
    // After the front matter and the blank lines that follow it, so the import is a block of its own.
    let after_front = page
        .front_matter
        .as_ref()
        .map_or(0, |front| line_after(text, front.end));
    let rest = &text[after_front..];
    let at = after_front + (rest.len() - rest.trim_start_matches(['\r', '\n']).len());
    let source = component_sources.first().ok_or(())?;
    let statement = format!("import {{ Aside }} from \"{source}\";{newline}{newline}");
    let separated = at == 0 || text[..at].ends_with(&format!("{newline}{newline}"));
    Ok(Some(Edit {
        file: None,
        range: at..at,
        replacement: if separated {
            statement
        } else {
            format!("{newline}{statement}")
        },
        kind: EditKind::Callout,
    }))
}

/// The end of the last non-blank line of `section`'s own content (before its first subsection), never
/// before the section's heading, the front matter or an `import`/`export` statement of that section.
fn section_end(page: &Page, section: SectionId) -> Spot {
    let text = page.text();
    let end = page.section_body_end(section);
    let heading_end = page
        .heading_of(section)
        .map_or(0, |heading| heading.range.end);
    // Only ESM lines before the end of this section: one further down the page belongs to another section.
    let esm_end = page
        .esm
        .iter()
        .map(|range| range.end)
        .filter(|esm_end| *esm_end <= end)
        .max()
        .unwrap_or(0);
    let front_end = page.front_matter.as_ref().map_or(0, |front| front.end);
    let floor = heading_end.max(esm_end).max(front_end).min(end);
    Spot {
        offset: content_end(text, end).max(content_end(text, floor)),
        indent: String::new(),
    }
}

/// The end of the last line before `limit` that is not blank (only spaces, tabs and line breaks), without
/// its line break: the place to insert after so that the line and its ending stay whole. A `limit` inside a
/// line counts the part of the line before it.
fn content_end(text: &str, limit: usize) -> usize {
    let head = &text[..limit];
    let content = head.trim_end_matches([' ', '\t', '\r', '\n']);
    if content.is_empty() {
        return 0;
    }
    // Keep trailing spaces and tabs of the last content line: insert at the end of the line itself.
    head[content.len()..]
        .find(['\r', '\n'])
        .map_or(limit, |index| content.len() + index)
}

/// The spot after the block holding `range`: inside the innermost list item that holds it (with the item's
/// indentation), else after the top-level block.
fn after_block(page: &Page, range: Range<usize>) -> Spot {
    let item = page
        .lists
        .iter()
        .filter(|list| !list.html)
        .flat_map(|list| list.items.iter())
        .filter(|item| item.range.start <= range.start && range.end <= item.range.end)
        .min_by_key(|item| item.range.len());
    if let Some(item) = item {
        return Spot {
            offset: content_end(page.text(), item.range.end),
            indent: " ".repeat(item.content_indent),
        };
    }
    let block_end = page
        .blocks
        .iter()
        .filter(|block| block.start <= range.start && range.start < block.end.max(block.start + 1))
        .map(|block| block.end)
        .max()
        .unwrap_or(range.end);
    let element_end = page
        .elements
        .iter()
        .filter(|element| element.range().start <= range.start && range.end <= element.range().end)
        .map(|element| element.range().end)
        .max()
        .unwrap_or(0);
    let end = block_end.max(element_end).max(range.end);
    Spot {
        offset: content_end(page.text(), end),
        indent: String::new(),
    }
}

/// From the start of `range`'s first line to the end of its last line, line break included.
fn whole_lines(text: &str, range: Range<usize>) -> Range<usize> {
    let start = text[..range.start].rfind('\n').map_or(0, |index| index + 1);
    start..line_after(text, range.end.max(start))
}

/// The offset just after the line break that ends the line holding `offset` (or the end of the text).
fn line_after(text: &str, offset: usize) -> usize {
    if offset > 0 && text.as_bytes().get(offset - 1) == Some(&b'\n') {
        return offset;
    }
    text[offset..]
        .find('\n')
        .map_or(text.len(), |index| offset + index + 1)
}

/// What removing `lines` takes with it: one blank line that separates them from what follows (or, when
/// nothing but blank lines follows, the blank line before them), so the blocks around keep one blank line between
/// them. Between two lines of content with no blank line on either side, the lines are replaced by a line
/// break, so the blocks before and after are not joined into one. Returns the range and its replacement.
fn removal_range(text: &str, lines: Range<usize>, newline: &str) -> (Range<usize>, String) {
    let blank_after = blank_lines_from(text, lines.end);
    let content_after = lines.end + blank_after.iter().sum::<usize>() < text.len();
    let blank_before = blank_line_before(text, lines.start);
    match (blank_after.first(), content_after, blank_before) {
        (Some(first_blank), true, _) => (lines.start..lines.end + first_blank, String::new()),
        (None, true, None) if lines.start > 0 => (lines, newline.to_owned()),
        (_, false, Some(blank_before)) => (blank_before..lines.end, String::new()),
        _ => (lines, String::new()),
    }
}

/// The lengths (line break included) of the blank lines that start at `offset`, in order.
fn blank_lines_from(text: &str, offset: usize) -> Vec<usize> {
    let mut lengths = Vec::new();
    let mut at = offset;
    while at < text.len() {
        let rest = &text[at..];
        let line_len = rest.find('\n').map_or(rest.len(), |index| index + 1);
        if !rest[..line_len]
            .trim_matches([' ', '\t', '\r', '\n'])
            .is_empty()
        {
            break;
        }
        lengths.push(line_len);
        at += line_len;
    }
    lengths
}

/// The start of the line before the one at `line_start`, when that line is blank.
fn blank_line_before(text: &str, line_start: usize) -> Option<usize> {
    let before = text[..line_start].strip_suffix('\n')?;
    let start = before.rfind('\n').map_or(0, |index| index + 1);
    before[start..]
        .trim_matches([' ', '\t', '\r'])
        .is_empty()
        .then_some(start)
}

/// The whole lines of a call-out, when nothing but indentation shares them; a call-out that shares a line
/// with other content (a list marker, a quote marker, text) is not moved or removed automatically.
fn own_lines(text: &str, range: Range<usize>) -> Option<Range<usize>> {
    let lines = whole_lines(text, range.clone());
    let before = &text[lines.start..range.start];
    let after = &text[range.end.min(lines.end)..lines.end];
    let only_space = |part: &str| part.trim_matches([' ', '\t', '\r', '\n']).is_empty();
    (only_space(before) && only_space(after)).then_some(lines)
}

/// Moves every line of `text` from its common indentation to `indent`.
fn reindent(text: &str, indent: &str, newline: &str) -> String {
    let common = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    text.lines()
        .map(|line| {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() {
                String::new()
            } else {
                format!("{indent}{}", &line[common.min(line.len())..])
            }
        })
        .collect::<Vec<_>>()
        .join(newline)
}

/// The edits in order, identical ones once, and overlapping removals (two stale call-outs next to each
/// other, each taking the blank line between them) merged into one; any other overlap is an error.
fn normalized(edits: &[&Edit]) -> Result<Vec<Edit>> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    // At one spot, text rewritten in place (a table's new row) comes before a call-out inserted there, so
    // the call-out follows the table instead of splitting it.
    sorted.sort_by_key(|edit| {
        (
            edit.range.start,
            edit.range.end,
            edit.kind == EditKind::Callout,
        )
    });
    sorted.dedup_by(|a, b| a.range == b.range && a.replacement == b.replacement);
    let mut merged: Vec<Edit> = Vec::with_capacity(sorted.len());
    for edit in sorted {
        match merged.last_mut() {
            Some(last) if last.range.end > edit.range.start => {
                if !(last.replacement.is_empty() && edit.replacement.is_empty()) {
                    return Err(Error::Internal(format!(
                        "two fixes edit overlapping bytes {:?} and {:?}",
                        last.range, edit.range
                    )));
                }
                last.range.end = last.range.end.max(edit.range.end);
            }
            _ => merged.push(edit.clone()),
        }
    }
    Ok(merged)
}

/// Applies edits to `text`; edits must not overlap (identical edits are applied once, overlapping removals
/// are merged).
pub fn apply_edits(text: &str, edits: &[&Edit]) -> Result<String> {
    let sorted = normalized(edits)?;
    let mut out = String::with_capacity(text.len() + 512);
    let mut cursor = 0;
    for edit in &sorted {
        if edit.range.end > text.len()
            || !text.is_char_boundary(edit.range.start)
            || !text.is_char_boundary(edit.range.end)
        {
            return Err(Error::Internal(format!(
                "a fix edits bytes {:?} outside the text",
                edit.range
            )));
        }
        out.push_str(&text[cursor..edit.range.start]);
        out.push_str(&edit.replacement);
        cursor = edit.range.end;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

/// A unified diff of one file's change.
pub fn unified_diff(path: &Path, before: &str, after: &str) -> String {
    let display = crate::text::escape::escape_path(path);
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!(
                "a/{}",
                display.trim_start_matches("./").trim_start_matches('/')
            ),
            &format!(
                "b/{}",
                display.trim_start_matches("./").trim_start_matches('/')
            ),
        )
        .to_string()
}

/// One file that the fixes change.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// The file as the run names it.
    pub path: PathBuf,
    /// The file's text as read (byte-order mark removed).
    pub before: String,
    /// The file's text with the fixes applied.
    pub after: String,
    /// Whether the file started with a byte-order mark (it is written back with it).
    pub bom: bool,
    /// What was done, one line per fix.
    pub descriptions: Vec<String>,
    /// The file that is written: `path` with every symbolic link resolved.
    pub real: PathBuf,
    /// The file's size, modification time and inode when the fix was planned.
    pub stamp: Option<write::Stamp>,
}

/// The planned fixes of a run, verified by checking the fixed pages again.
#[derive(Debug, Default)]
pub struct FixPlan {
    /// Every file the fixes change, in path order.
    pub changes: Vec<FileChange>,
    /// The findings left after the fixes, per page (pages with none are left out).
    pub remaining: Vec<(SourceText, Vec<Finding>)>,
    /// What could not be fixed or verified (nothing of such a file is written).
    pub errors: Vec<Error>,
    /// How many files were checked.
    pub files: usize,
}

/// Re-parses the fixed text and checks that its blocks are the original's plus exactly the inserted call-out,
/// minus exactly the removed one (see `fix/structure.rs`).
pub fn keeps_structure(
    source: &SourceText,
    after: &str,
    edits: &[&Edit],
    dialect: Dialect,
) -> Result<()> {
    let before = Page::parse(source.clone(), dialect);
    let fixed = Page::parse(SourceText::new(source.path(), after.to_owned()), dialect);
    structure::check(&before, &fixed, edits).map_err(structure_error)
}

/// The real path of `path` and its stamp, when the real path lies under the real path of one of `roots`.
pub(crate) fn inside_roots(
    path: &Path,
    roots: &[PathBuf],
) -> Result<(PathBuf, Option<write::Stamp>)> {
    let real = std::fs::canonicalize(path).map_err(|error| Error::io(path, error))?;
    let current = [PathBuf::from(".")];
    let roots = if roots.is_empty() {
        &current[..]
    } else {
        roots
    };
    let inside = roots
        .iter()
        .filter_map(|root| std::fs::canonicalize(root).ok())
        .any(|root| real.starts_with(root));
    if !inside {
        return Err(Error::io(
            path,
            std::io::Error::other(format!(
                "resolves to {}, outside the paths given; left alone",
                real.display()
            )),
        ));
    }
    let stamp = std::fs::metadata(&real)
        .ok()
        .map(|metadata| write::Stamp::of(&metadata));
    Ok((real, stamp))
}

/// Two changes of one real file under different names (a page that is also included as a partial through
/// another path) would overwrite each other: neither is written.
pub(crate) fn refuse_shared_files(
    changes: &mut BTreeMap<PathBuf, FileChange>,
    errors: &mut Vec<Error>,
) {
    let mut by_real: BTreeMap<&Path, Vec<&Path>> = BTreeMap::new();
    for change in changes.values() {
        by_real.entry(&change.real).or_default().push(&change.path);
    }
    let shared: Vec<PathBuf> = by_real
        .into_values()
        .filter(|paths| paths.len() > 1)
        .flat_map(|paths| {
            errors.push(Error::Internal(format!(
                "{}: fixed through {} different paths ({}); nothing was written for it",
                paths[0].display(),
                paths.len(),
                paths
                    .iter()
                    .map(|path| path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
            paths.into_iter().map(Path::to_path_buf)
        })
        .collect();
    changes.retain(|path, _| !shared.contains(path));
}

/// Several fixes of one file applied together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Combined {
    /// The fixed text.
    pub after: String,
    /// The edits applied.
    pub edits: Vec<Edit>,
    /// The fixes left out (by index): each keeps the structure alone, but not together with the ones
    /// before it (two stale call-outs between two lists: removing both would join the lists).
    pub deferred: Vec<usize>,
}

/// Applies `fixes` (each a group of edits) to `source` one after the other, keeping each that leaves the
/// page's structure intact together with the ones already kept ([`keeps_structure`]). A fix that breaks
/// the structure on its own is an error (its index and the problem): nothing is written for the file.
pub fn combine(
    source: &SourceText,
    dialect: Dialect,
    fixes: &[Vec<Edit>],
) -> Result<Combined, (usize, Error)> {
    let before = Page::parse(source.clone(), dialect);
    let attempt = |edits: &[Edit]| -> Result<String> {
        let refs: Vec<&Edit> = edits.iter().collect();
        let after = apply_edits(&source.text, &refs)?;
        let fixed = Page::parse(SourceText::new(source.path(), after.clone()), dialect);
        structure::check(&before, &fixed, &refs).map_err(structure_error)?;
        Ok(after)
    };
    let mut accepted: Vec<Edit> = Vec::new();
    let mut after = source.text.clone();
    let mut deferred = Vec::new();
    for (index, group) in fixes.iter().enumerate() {
        let mut candidate = accepted.clone();
        candidate.extend(group.iter().cloned());
        match attempt(&candidate) {
            Ok(text) => {
                accepted = candidate;
                after = text;
            }
            Err(error) => match attempt(group) {
                Ok(_) => deferred.push(index),
                Err(_) => return Err((index, error)),
            },
        }
    }
    Ok(Combined {
        after,
        edits: accepted,
        deferred,
    })
}

fn structure_error(problem: String) -> Error {
    Error::Internal(format!(
        "the fix would change the page's structure: {problem}"
    ))
}

pub(crate) fn in_file(path: &Path, error: Error) -> Error {
    Error::Internal(format!(
        "{}: {error}; the file was not changed",
        path.display()
    ))
}

/// Writes one change (see [`write`]): through symbolic links, keeping hard links, mode, owner and group,
/// and only when the file is still what was read. On error nothing was written.
pub fn write_change(change: &FileChange) -> Result<()> {
    let expected = with_bom(&change.before, change.bom);
    let bytes = with_bom(&change.after, change.bom);
    write::write(&write::Job {
        shown: &change.path,
        real: &change.real,
        expected: expected.as_bytes(),
        stamp: change.stamp.as_ref(),
        bytes: bytes.as_bytes(),
    })
}

/// Writes `bytes` to `path` as a fix writes a page (see [`write`]): through a symbolic link, keeping links,
/// mode and owner, and only when the file still holds `expected`. On error nothing was written.
pub fn write_file(path: &Path, expected: &[u8], bytes: &[u8]) -> Result<()> {
    let real = std::fs::canonicalize(path).map_err(|error| Error::io(path, error))?;
    write::write(&write::Job {
        shown: path,
        real: &real,
        expected,
        stamp: None,
        bytes,
    })
}

/// Writes every change; returns the errors (a change with an error was not written).
pub fn write_changes(changes: &[FileChange]) -> Vec<Error> {
    changes
        .iter()
        .filter_map(|change| write_change(change).err())
        .collect()
}

fn with_bom(text: &str, bom: bool) -> String {
    if bom {
        format!("\u{feff}{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(range: Range<usize>, replacement: &str) -> Edit {
        Edit {
            file: None,
            range,
            replacement: replacement.to_owned(),
            kind: EditKind::Callout,
        }
    }

    #[test]
    fn edits_apply_in_order_and_overlaps_are_refused() {
        let text = "abcdef";
        let (first, second) = (edit(1..1, "X"), edit(3..5, ""));
        assert_eq!(apply_edits(text, &[&second, &first]).unwrap(), "aXbcf");
        let duplicate = edit(1..1, "X");
        assert_eq!(apply_edits(text, &[&first, &duplicate]).unwrap(), "aXbcdef");
        let overlapping = edit(4..6, "Y");
        assert!(apply_edits(text, &[&second, &overlapping]).is_err());
    }

    #[test]
    fn removal_takes_one_separating_blank_line() {
        let text = "a\n\n> [!NOTE]\n> x\n\nb\n";
        let lines = whole_lines(text, 3..15);
        assert_eq!(&text[lines.clone()], "> [!NOTE]\n> x\n");
        let removed = |text: &str, lines| {
            let (range, replacement) = removal_range(text, lines, "\n");
            let mut out = text.to_owned();
            out.replace_range(range, &replacement);
            out
        };
        assert_eq!(removed(text, lines), "a\n\nb\n");
        let at_end = "a\n\n> **Note:** x\n";
        assert_eq!(removed(at_end, whole_lines(at_end, 3..16)), "a\n");
    }

    #[test]
    fn removal_never_joins_lines_and_a_crlf_is_not_a_blank_line() {
        let removed = |text: &str, range: Range<usize>| {
            let (range, replacement) = removal_range(text, whole_lines(text, range), "\r\n");
            let mut out = text.to_owned();
            out.replace_range(range, &replacement);
            out
        };
        let glued = "## Intro\r\n> **Note:** x\r\n## Perms\r\n";
        assert_eq!(removed(glued, 10..23), "## Intro\r\n\r\n## Perms\r\n");
        let row = "| a |\r\n| - |\r\n| b |\r\n\r\n> **Note:** x\r\n## Next\r\n";
        assert_eq!(
            removed(row, 23..36),
            "| a |\r\n| - |\r\n| b |\r\n\r\n## Next\r\n"
        );
        let last = "text\r\n\r\n> **Note:** x\r\n";
        assert_eq!(removed(last, 8..22), "text\r\n");
    }

    #[test]
    fn reindent_moves_lines_to_the_new_indentation() {
        assert_eq!(
            reindent("   :::note\n   x\n   :::", "", "\n"),
            ":::note\nx\n:::"
        );
        assert_eq!(
            reindent(":::note\n\nx\n:::", "  ", "\r\n"),
            "  :::note\r\n\r\n  x\r\n  :::"
        );
    }
}
