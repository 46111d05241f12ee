//! Fixes: planning the edits (insert, move, remove a call-out), applying them to text, and writing files
//! safely (only the edited bytes change; atomic rename; nothing written when the re-check fails).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::config::CalloutPolicy;
use crate::doc::callout::{self, CalloutForm, NewCallout};
use crate::doc::source::SourceText;
use crate::doc::{Dialect, Page, SectionId};
use crate::error::{Error, Result};
use crate::lint::{Linter, Loader, PageInput};
use crate::rules::facts::UnsatisfiedSection;
use crate::rules::{Context, Edit, Finding, Fix};
use crate::walk::{CheckRun, FsLoader};

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
    if let (Some(via), true) = (&section.listing.via, context.policy.placement_in_partial()) {
        let spot = after_block(&via.page, via.anchor.clone());
        let relative = via
            .path
            .strip_prefix(&context.policy.root)
            .unwrap_or(&via.path);
        let form = context.policy.form_for(relative, via.page.dialect);
        let mut edits = insertion(context, policy, &via.page, &spot, form)?;
        for edit in &mut edits {
            edit.file = Some(via.path.clone());
        }
        return Some(described(context, policy, edits));
    }
    let spot = section_end(context.page, section.section);
    let form = context
        .policy
        .form_for(context.relative, context.page.dialect);
    let edits = insertion(context, policy, context.page, &spot, form)?;
    Some(described(context, policy, edits))
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
    let lines = whole_lines(page.text(), page.callouts[callout].range.clone());
    let spot = section_end(page, target);
    if lines.contains(&spot.offset) {
        return None;
    }
    let original = &page.text()[lines.clone()];
    let newline = page.source.newline();
    let moved = reindent(
        original.trim_end_matches(['\n', '\r']),
        &spot.indent,
        newline,
    );
    let removal = removal_range(page.text(), lines);
    Some(Fix {
        description: format!("move the call-out to {}", page.section_title(target)),
        edits: vec![
            Edit {
                file: None,
                range: spot.offset..spot.offset,
                replacement: format!("{newline}{newline}{moved}"),
            },
            Edit {
                file: None,
                range: removal,
                replacement: String::new(),
            },
        ],
    })
}

/// The fix that removes call-out `callout` of the page, with one blank line around it.
pub fn remove_callout(page: &Page, callout: usize) -> Fix {
    let lines = whole_lines(page.text(), page.callouts[callout].range.clone());
    Fix {
        description: "remove the stale call-out".to_owned(),
        edits: vec![Edit {
            file: None,
            range: removal_range(page.text(), lines),
            replacement: String::new(),
        }],
    }
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

/// The edits that insert the policy's call-out at `spot` of `page` in `form` (and its import, for `<Aside>`).
fn insertion(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    page: &Page,
    spot: &Spot,
    form: CalloutForm,
) -> Option<Vec<Edit>> {
    let body = policy.body(context.table);
    let title = policy.title_text(context.table);
    let rendered = callout::render(
        &NewCallout {
            form,
            kind: &policy.kind,
            title: title.as_deref(),
            body: &body,
        },
        &spot.indent,
        page.source.newline(),
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
    }];
    if !lands_as_callout(page, &edits[0]) {
        return None;
    }
    if form == CalloutForm::Aside {
        edits.extend(aside_import(page));
    }
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

/// Adds `Aside` to the page's `~/components` import, or adds that import after the front matter.
fn aside_import(page: &Page) -> Option<Edit> {
    let text = page.text();
    let imports_aside = page.esm.iter().any(|range| {
        let statement = &text[range.clone()];
        statement.contains("Aside") && statement.contains("import")
    });
    if imports_aside {
        return None;
    }
    let newline = page.source.newline();
    let components = page.esm.iter().find(|range| {
        text[(*range).clone()].contains("~/components") && text[(*range).clone()].contains('{')
    });
    if let Some(range) = components {
        let brace = range.start + text[range.clone()].find('{')?;
        let after_brace = &text[brace + 1..range.end];
        let spaces = after_brace.len() - after_brace.trim_start().len();
        let insert_at = brace + 1 + spaces;
        let replacement = if after_brace.trim_start().starts_with('}') {
            "Aside ".to_owned()
        } else {
            "Aside, ".to_owned()
        };
        return Some(Edit {
            file: None,
            range: insert_at..insert_at,
            replacement,
        });
    }
    // After the front matter and the blank lines that follow it, so the import is a block of its own.
    let after_front = page
        .front_matter
        .as_ref()
        .map_or(0, |front| line_after(text, front.end));
    let rest = &text[after_front..];
    let at = after_front + (rest.len() - rest.trim_start_matches(['\r', '\n']).len());
    let statement = format!("import {{ Aside }} from \"~/components\";{newline}{newline}");
    let separated = at == 0 || text[..at].ends_with(&format!("{newline}{newline}"));
    Some(Edit {
        file: None,
        range: at..at,
        replacement: if separated {
            statement
        } else {
            format!("{newline}{statement}")
        },
    })
}

/// The end of the last non-blank line of `section`'s own content (before its first subsection).
fn section_end(page: &Page, section: SectionId) -> Spot {
    let end = page.section_body_end(section);
    let content = page.text()[..end].trim_end();
    let floor = page
        .heading_of(section)
        .map_or(0, |heading| heading.range.end);
    let after_esm = page.esm.last().map_or(0, |range| range.end);
    let after_front = page.front_matter.as_ref().map_or(0, |front| front.end);
    Spot {
        offset: content
            .len()
            .max(floor.min(end))
            .max(after_esm.min(end))
            .max(after_front.min(end)),
        indent: String::new(),
    }
}

/// The spot after the block holding `range`: inside the innermost list item that holds it (with the item's
/// indentation), else after the top-level block.
fn after_block(page: &Page, range: Range<usize>) -> Spot {
    let item = page
        .lists
        .iter()
        .flat_map(|list| list.items.iter())
        .filter(|item| item.range.start <= range.start && range.end <= item.range.end)
        .min_by_key(|item| item.range.len());
    if let Some(item) = item {
        let content = page.text()[..item.range.end].trim_end();
        return Spot {
            offset: content.len(),
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
        offset: page.text()[..end].trim_end().len(),
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

/// `lines` plus one blank line that separates them from what follows (or precedes, at the end of the text).
fn removal_range(text: &str, lines: Range<usize>) -> Range<usize> {
    let after = &text[lines.end..];
    let blank_after = after.len() - after.trim_start_matches(['\r', '\n']).len();
    if blank_after > 0 && lines.end + blank_after < text.len() {
        let first_blank = after.find('\n').map_or(0, |index| index + 1);
        return lines.start..lines.end + first_blank;
    }
    let before = &text[..lines.start];
    let trimmed = before.trim_end_matches(['\r', '\n']);
    let gap = before.len() - trimmed.len();
    if gap > 1 {
        let newline = if before.ends_with("\r\n") { 2 } else { 1 };
        return lines.start - newline..lines.end;
    }
    lines
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

/// Applies edits to `text`; edits must not overlap (identical edits are applied once).
pub fn apply_edits(text: &str, edits: &[&Edit]) -> Result<String> {
    let mut sorted: Vec<&Edit> = edits.to_vec();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    sorted.dedup_by(|a, b| a.range == b.range && a.replacement == b.replacement);
    for pair in sorted.windows(2) {
        if pair[0].range.end > pair[1].range.start {
            return Err(Error::Internal(format!(
                "two fixes edit overlapping bytes {:?} and {:?}",
                pair[0].range, pair[1].range
            )));
        }
    }
    let mut out = String::with_capacity(text.len() + 512);
    let mut cursor = 0;
    for edit in sorted {
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
    let display = crate::report::escape::escape_path(path);
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

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, the original's
/// permissions, then a rename over the original.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let permissions = std::fs::metadata(path)
        .map_err(|error| Error::io(path, error))?
        .permissions();
    let mut temporary = tempfile::Builder::new()
        .prefix(".scope-lint-")
        .tempfile_in(&directory)
        .map_err(|error| Error::io(&directory, error))?;
    temporary
        .write_all(bytes)
        .map_err(|error| Error::io(path, error))?;
    temporary
        .as_file()
        .sync_all()
        .map_err(|error| Error::io(path, error))?;
    std::fs::set_permissions(temporary.path(), permissions)
        .map_err(|error| Error::io(path, error))?;
    temporary
        .persist(path)
        .map_err(|error| Error::io(path, error.error))?;
    Ok(())
}

/// One file that the fixes change.
#[derive(Debug, Clone)]
pub struct FileChange {
    pub path: PathBuf,
    /// The file's text as read (byte-order mark removed).
    pub before: String,
    pub after: String,
    /// Whether the file started with a byte-order mark (it is written back with it).
    pub bom: bool,
    /// What was done, one line per fix.
    pub descriptions: Vec<String>,
}

/// The planned fixes of a run, verified by checking the fixed pages again.
#[derive(Debug, Default)]
pub struct FixPlan {
    pub changes: Vec<FileChange>,
    /// The findings left after the fixes, per page (pages with none are left out).
    pub remaining: Vec<(SourceText, Vec<Finding>)>,
    pub errors: Vec<Error>,
    /// How many files were checked.
    pub files: usize,
}

/// Plans the fixes for every finding of `run` that has one, applies them in memory, and checks the fixed
/// pages again: a file whose fixed finding would still be reported is left out with an internal error.
pub fn plan(mut run: CheckRun, linter: &Linter, loader: &FsLoader) -> FixPlan {
    let files = run.files;
    let mut errors = std::mem::take(&mut run.errors);
    let mut targets: BTreeMap<PathBuf, Target> = BTreeMap::new();
    let mut owners: Vec<(usize, Vec<PathBuf>)> = Vec::new();
    for (index, report) in run.reports.iter().enumerate() {
        let page_path = report.source.path().to_path_buf();
        let mut touched = Vec::new();
        for finding in &report.findings {
            let Some(fix) = &finding.fix else { continue };
            for edit in &fix.edits {
                let path = edit.file.clone().unwrap_or_else(|| page_path.clone());
                let target = match targets.entry(path.clone()) {
                    std::collections::btree_map::Entry::Occupied(entry) => entry.into_mut(),
                    std::collections::btree_map::Entry::Vacant(entry) => {
                        let source = if edit.file.is_none() {
                            Ok(report.source.clone())
                        } else {
                            crate::walk::read_source(&path).map(|text| SourceText::new(&path, text))
                        };
                        match source {
                            Ok(source) => entry.insert(Target {
                                source,
                                edits: Vec::new(),
                                descriptions: Vec::new(),
                            }),
                            Err(error) => {
                                errors.push(error);
                                continue;
                            }
                        }
                    }
                };
                target.edits.push(edit.clone());
                if !target.descriptions.contains(&fix.description) {
                    target.descriptions.push(fix.description.clone());
                }
                if !touched.contains(&path) {
                    touched.push(path);
                }
            }
        }
        if !touched.is_empty() {
            owners.push((index, touched));
        }
    }
    let mut changes: BTreeMap<PathBuf, FileChange> = BTreeMap::new();
    for (path, target) in targets {
        let edits: Vec<&Edit> = target.edits.iter().collect();
        match apply_edits(&target.source.text, &edits) {
            Ok(after) if after != target.source.text => {
                changes.insert(
                    path.clone(),
                    FileChange {
                        path,
                        before: target.source.text.clone(),
                        after,
                        bom: target.source.bom,
                        descriptions: target.descriptions,
                    },
                );
            }
            Ok(_) => {}
            Err(error) => errors.push(in_file(&path, error)),
        }
    }
    let remaining = verify(&run, &owners, &mut changes, linter, loader, &mut errors);
    FixPlan {
        changes: changes.into_values().collect(),
        remaining,
        errors,
        files,
    }
}

struct Target {
    source: SourceText,
    edits: Vec<Edit>,
    descriptions: Vec<String>,
}

fn in_file(path: &Path, error: Error) -> Error {
    Error::Internal(format!(
        "{}: {error}; the file was not changed",
        path.display()
    ))
}

/// Checks every page again with the changes applied; drops the changes of a page whose fixed findings remain.
fn verify(
    run: &CheckRun,
    owners: &[(usize, Vec<PathBuf>)],
    changes: &mut BTreeMap<PathBuf, FileChange>,
    linter: &Linter,
    loader: &FsLoader,
    errors: &mut Vec<Error>,
) -> Vec<(SourceText, Vec<Finding>)> {
    let overlay = Overlay {
        changes: &*changes,
        inner: loader,
        parsed: Default::default(),
    };
    let mut rejected: Vec<PathBuf> = Vec::new();
    let mut remaining = Vec::new();
    for (index, report) in run.reports.iter().enumerate() {
        let path = report.source.path().to_path_buf();
        let touched = owners
            .iter()
            .find(|(owner, _)| *owner == index)
            .map(|(_, paths)| paths.as_slice());
        let Some(touched) =
            touched.filter(|paths| paths.iter().any(|path| changes.contains_key(path)))
        else {
            if !report.findings.is_empty() {
                remaining.push((report.source.clone(), report.findings.clone()));
            }
            continue;
        };
        let text = changes
            .get(&path)
            .map_or_else(|| report.source.text.clone(), |change| change.after.clone());
        let relative = crate::walk::relative_to_root(linter, &path);
        let again = crate::guard::page(&path, || {
            linter.check(
                PageInput {
                    display: path.clone(),
                    location: Some(&path),
                    relative: &relative,
                    text,
                    included: run.included.contains(&crate::lint::file_key(&path)),
                },
                &overlay,
            )
        });
        // A page whose re-check panicked is not written; the panic is its error.
        let again = match again {
            Ok(again) => again,
            Err(error) => {
                errors.push(error);
                rejected.extend(touched.iter().cloned());
                continue;
            }
        };
        let persisting: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|finding| finding.fix.is_some())
            .filter(|finding| {
                again
                    .findings
                    .iter()
                    .any(|after| after.code == finding.code && after.message == finding.message)
            })
            .collect();
        if let Some(finding) = persisting.first() {
            errors.push(Error::Internal(format!(
                "{}: the fix for {} did not remove the finding (\"{}\"); nothing was written for it",
                path.display(),
                finding.code,
                finding.message
            )));
            rejected.extend(touched.iter().cloned());
            remaining.push((report.source.clone(), report.findings.clone()));
        } else if !again.findings.is_empty() {
            remaining.push((again.source.clone(), again.findings));
        }
    }
    changes.retain(|path, _| !rejected.contains(path));
    remaining
}

/// A loader that sees the planned changes instead of the files on disk.
struct Overlay<'a> {
    changes: &'a BTreeMap<PathBuf, FileChange>,
    inner: &'a FsLoader,
    parsed: std::sync::Mutex<BTreeMap<PathBuf, Arc<Page>>>,
}

impl Loader for Overlay<'_> {
    fn load(&self, path: &Path, dialect: Dialect) -> Option<Arc<Page>> {
        let Some(change) = self.changes.get(path) else {
            return self.inner.load(path, dialect);
        };
        // A panic while parsing (caught per page) must not make the cache unusable for the other pages.
        let mut parsed = self
            .parsed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let page = parsed.entry(path.to_path_buf()).or_insert_with(|| {
            Arc::new(Page::parse(
                SourceText::new(path, change.after.clone()),
                dialect,
            ))
        });
        Some(Arc::clone(page))
    }
}

/// Writes every change: a file that changed on disk since it was read is left alone with an error.
pub fn write_changes(changes: &[FileChange]) -> Vec<Error> {
    let mut errors = Vec::new();
    for change in changes {
        let expected = with_bom(&change.before, change.bom);
        match std::fs::read(&change.path) {
            Ok(current) if current == expected.as_bytes() => {
                if let Err(error) =
                    write_atomic(&change.path, with_bom(&change.after, change.bom).as_bytes())
                {
                    errors.push(error);
                }
            }
            Ok(_) => errors.push(Error::Io {
                path: change.path.clone(),
                source: std::io::Error::other(
                    "changed on disk since it was read; left alone, run `scope-lint fix` again",
                ),
            }),
            Err(error) => errors.push(Error::io(&change.path, error)),
        }
    }
    errors
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
        let removal = removal_range(text, lines);
        let mut out = text.to_owned();
        out.replace_range(removal, "");
        assert_eq!(out, "a\n\nb\n");
        let at_end = "a\n\n> **Note:** x\n";
        let lines = whole_lines(at_end, 3..16);
        let mut out = at_end.to_owned();
        out.replace_range(removal_range(at_end, lines), "");
        assert_eq!(out, "a\n");
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
