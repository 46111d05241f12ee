//! Applying edits and verifying them: edits applied to a text (in order, overlaps refused), several fixes
//! of one file combined while each keeps the page's block structure (checked by re-parsing, see
//! [`super::structure`]), and the unified diff `fix --diff` shows.

use std::path::Path;

use super::structure;
use crate::doc::source::SourceText;
use crate::doc::{Dialect, Page};
use crate::error::{Error, Result};
use crate::rules::{Edit, EditKind};

/// The edits in order, identical ones once, and overlapping removals (two stale call-outs next to each
/// other, each taking the blank line between them) merged into one; any other overlap is an error.
pub(super) fn normalized(edits: &[&Edit]) -> Result<Vec<Edit>> {
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

/// Re-parses the fixed text and checks that its blocks are the original's plus exactly the inserted call-out,
/// minus exactly the removed one (see `fix/structure.rs`).
pub fn keeps_structure(
    source: &SourceText,
    after: &str,
    edits: &[&Edit],
    dialect: Dialect,
) -> Result<()> {
    let before = Page::parse(source.clone(), dialect);
    let fixed = Page::parse(source.with_text(after.to_owned()), dialect);
    structure::check(&before, &fixed, edits).map_err(structure_error)
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

/// Applies `fixes` (each a group of edits) to `source`: all at once when that leaves the page's structure
/// intact ([`keeps_structure`]: one parse for a page with a thousand fixes); otherwise one after the other,
/// keeping each that keeps it together with the ones already kept. A fix that breaks the structure on its
/// own is an error (its index and the problem): nothing is written for the file.
pub fn combine(
    source: &SourceText,
    dialect: Dialect,
    fixes: &[Vec<Edit>],
) -> Result<Combined, (usize, Error)> {
    let before = Page::parse(source.clone(), dialect);
    let attempt = |edits: &[Edit]| -> Result<String> {
        let refs: Vec<&Edit> = edits.iter().collect();
        let after = apply_edits(&source.text, &refs)?;
        let fixed = Page::parse(source.with_text(after.clone()), dialect);
        structure::check(&before, &fixed, &refs).map_err(structure_error)?;
        Ok(after)
    };
    if fixes.len() > 1 {
        let all: Vec<Edit> = fixes.iter().flatten().cloned().collect();
        if let Ok(after) = attempt(&all) {
            return Ok(Combined {
                after,
                edits: all,
                deferred: Vec::new(),
            });
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    fn edit(range: Range<usize>, replacement: &str) -> Edit {
        Edit {
            file: None,
            range,
            replacement: replacement.to_owned(),
            kind: EditKind::Callout,
        }
    }

    #[test]
    fn a_fix_that_changes_the_structure_is_refused_with_its_index_and_the_block() {
        // A call-out between the listing and the heading, both inside one blockquote, ends the quote: the
        // write-time check refuses it even though `check` would not offer it (`fix::intents`).
        let text = "> - AI Gateway Read\n>\n> ## Other\n";
        let source = SourceText::new("t.md", text.to_owned());
        let callout = edit(
            20..20,
            "\n> [!NOTE]\n> AI Gateway permissions are account-scoped only.\n",
        );
        let kept = edit(text.len()..text.len(), "");
        let (index, error) = combine(&source, Dialect::Markdown, &[vec![kept], vec![callout]])
            .expect_err("the call-out changes the structure");
        assert_eq!(index, 1);
        assert!(
            error
                .to_string()
                .contains("the fix would change the page's structure: "),
            "{error}"
        );
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
}
