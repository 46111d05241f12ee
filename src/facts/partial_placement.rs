//! `[partials] placement = "partial"`: a listing that a page takes from a partial (`<Render file=... />`,
//! `{{#include ...}}`) is satisfied only by a call-out in that partial, in the partial's section that holds
//! the listing. A call-out on the page beside the render does not count.
//!
//! The page that renders the partial reports it (SL001 at the render's line, naming the partial), so a
//! check of that page alone, or of the files a change touched, sees it. A partial that a checked page renders
//! reports nothing itself (the pages do, and `fix` inserts the call-out once); a partial checked with no page
//! that renders it reports its own listings.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::placement::{SectionTree, accepting_sections};
use super::{Facts, IncludedListing, UnsatisfiedSection};
use crate::doc::Page;
use crate::doc::include::FilePart;
use crate::policy::{CalloutPolicy, Policy};

/// For each of `facts.listings` (of the file `page`): the call-out policies (by index) about the listing's
/// product whose acceptable call-out the file holds in the listing's section. Empty for a listing the file
/// takes from a file it includes (that listing carries its own).
pub(crate) fn carried_callouts(page: &Page, facts: &Facts, policy: &Policy) -> Vec<Vec<usize>> {
    if facts.listings.is_empty() {
        return Vec::new();
    }
    let tree = SectionTree::of(page);
    let satisfied: Vec<Vec<usize>> = policy
        .callouts
        .iter()
        .enumerate()
        .map(|(index, callout)| accepting_sections(facts, index, callout.product))
        .collect();
    facts
        .listings
        .iter()
        .map(|listing| {
            if listing.via.is_some() {
                return Vec::new();
            }
            policy
                .callouts
                .iter()
                .enumerate()
                .filter(|(_, callout)| callout.product == listing.product)
                .filter(|(index, _)| tree.relates(listing.section, &satisfied[*index]))
                .map(|(index, _)| index)
                .collect()
        })
        .collect()
}

/// The partials whose listing of `policy`'s product lacks the call-out, once per partial and section of
/// the partial and way of including it ([`PartialSectionKey`]), at the page's first render of it; `groups`
/// holds every group the renders list.
pub(crate) fn lacking_partials(
    facts: &Facts,
    index: usize,
    policy: &CalloutPolicy,
) -> Vec<UnsatisfiedSection> {
    let mut lacking: Vec<UnsatisfiedSection> = Vec::new();
    let mut entry_of: HashMap<PartialSectionKey, usize> = HashMap::new();
    for listing in facts
        .listings
        .iter()
        .filter(|listing| listing.product == policy.product)
    {
        let Some(via) = &listing.via else { continue };
        if via.carries.contains(&index) {
            continue;
        }
        let key = PartialSectionKey::of(via);
        if let Some(&entry) = entry_of.get(&key) {
            let known = &mut lacking[entry].groups;
            for group in &listing.groups {
                if !known.contains(group) {
                    known.push(*group);
                }
            }
            continue;
        }
        entry_of.insert(key, lacking.len());
        lacking.push(UnsatisfiedSection {
            section: listing.section,
            listing: listing.clone(),
            groups: listing.groups.clone(),
        });
    }
    lacking
}

/// What tells two renders of a partial's listing apart for [`lacking_partials`]: the file, the listing's
/// section in the file as written and the heading the render shows above it (by byte offset: an anchor or
/// line range blanks what it leaves out in place, so offsets agree between renders while section numbers
/// do not), and how the render includes the file (whole, an anchor, a line range). Renders that differ in
/// it are findings of their own, as a call-out `fix` inserts for one need not show in the other (nor can
/// `fix` land one inside a line range): one must not hide behind (or be taken for) another.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PartialSectionKey {
    path: PathBuf,
    file_section: usize,
    shown_heading: Option<usize>,
    part: FilePart,
}

impl PartialSectionKey {
    fn of(via: &IncludedListing) -> PartialSectionKey {
        let shown = via.page.section_at(via.anchor.start);
        PartialSectionKey {
            path: via.path.clone(),
            file_section: via.file.section_at(via.anchor.start).0,
            shown_heading: via
                .page
                .heading_of(shown)
                .map(|heading| heading.range.start),
            part: via.part.clone(),
        }
    }
}

/// The page's acceptable call-outs for policy `index` that sit in (or around) the section where a lacking
/// partial is rendered, each once, with the first such partial: they do not count for it (SL006).
pub(crate) fn callouts_beside_renders<'l>(
    page: &Page,
    facts: &Facts,
    index: usize,
    policy: &CalloutPolicy,
    lacking: &'l [UnsatisfiedSection],
) -> Vec<(usize, &'l UnsatisfiedSection)> {
    if lacking.is_empty() {
        return Vec::new();
    }
    let tree = SectionTree::of(page);
    facts
        .callouts
        .iter()
        .enumerate()
        .filter(|(_, reading)| reading.accepts(index, policy.product))
        .filter_map(|(callout, reading)| {
            lacking
                .iter()
                .find(|render| tree.relates(reading.section, &[render.section.0]))
                .map(|render| (callout, render))
        })
        .collect()
}

/// The path of the partial that holds `section`'s listing, as shown in messages: relative to the policy
/// root when it lies below it.
pub(crate) fn partial_shown(policy: &Policy, section: &UnsatisfiedSection) -> String {
    let Some(via) = &section.listing.via else {
        return String::new();
    };
    shown(&policy.root, &via.path)
}

/// ` (section "Title")` when the section's listing sits under a heading of the partial, else nothing, and
/// the heading's line when another heading of the partial has the same title: two sections of one partial
/// that lack the call-out are two findings, each with its own message.
pub(crate) fn partial_section_shown(section: &UnsatisfiedSection) -> String {
    let Some(via) = &section.listing.via else {
        return String::new();
    };
    let page = &via.page;
    let Some(heading) = page.heading_of(page.section_at(via.anchor.start)) else {
        return String::new();
    };
    // Counted in the whole file: two includes of different parts may show two sections of one title.
    let namesakes = via
        .file
        .headings
        .iter()
        .filter(|other| other.title == heading.title)
        .count();
    if namesakes > 1 {
        let line = page.source.line_of(heading.range.start);
        format!(" (section \"{}\", line {line})", heading.title)
    } else {
        format!(" (section \"{}\")", heading.title)
    }
}

fn shown(root: &Path, path: &Path) -> String {
    let absolute = |path: &Path| std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let relative = absolute(path)
        .strip_prefix(absolute(root))
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    relative.display().to_string()
}
