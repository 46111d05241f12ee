//! Which listing sections lack the call-out their policy asks for, and which call-outs satisfy a section or
//! a page (for SL001 and SL006).

use super::*;

/// A listing section without the call-out it needs, for SL001 and SL006.
#[derive(Debug, Clone)]
pub struct UnsatisfiedSection {
    /// The section that lacks the call-out.
    pub section: SectionId,
    /// The first listing in the section.
    pub listing: Listing,
    /// The product's groups listed in the section.
    pub groups: Vec<GroupIndex>,
}

/// Which listing sections lack an acceptable call-out for policy `index`, and which acceptable call-outs on
/// the page sit outside every listing section (candidates to move).
pub fn placement_status(
    page: &Page,
    facts: &Facts,
    index: usize,
    policy: &CalloutPolicy,
    placement_in_partial: bool,
) -> (Vec<UnsatisfiedSection>, Vec<usize>) {
    let mut unsatisfied: Vec<UnsatisfiedSection> = Vec::new();
    // Section number -> its entry in `unsatisfied`, so a page of many sections is not searched per listing.
    let mut entry_of: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for listing in facts
        .listings
        .iter()
        .filter(|listing| listing.product == policy.product)
    {
        if listing.via.is_some() && placement_in_partial {
            continue;
        }
        if let Some(existing) = entry_of
            .get(&listing.section.0)
            .map(|&entry| &mut unsatisfied[entry])
        {
            for group in &listing.groups {
                if !existing.groups.contains(group) {
                    existing.groups.push(*group);
                }
            }
            continue;
        }
        if section_has_callout(page, facts, listing.section, index, policy.product) {
            continue;
        }
        entry_of.insert(listing.section.0, unsatisfied.len());
        unsatisfied.push(UnsatisfiedSection {
            section: listing.section,
            listing: listing.clone(),
            groups: listing.groups.clone(),
        });
    }
    let listing_sections: Vec<SectionId> = facts
        .listings
        .iter()
        .filter(|listing| listing.product == policy.product)
        .map(|listing| listing.section)
        .collect();
    let spare = facts
        .callouts
        .iter()
        .enumerate()
        .filter(|(_, reading)| reading.accepts(index, policy.product))
        .filter(|(_, reading)| {
            !listing_sections
                .iter()
                .any(|section| related(page, *section, reading.section))
        })
        .map(|(callout, _)| callout)
        .collect();
    (unsatisfied, spare)
}

fn related(page: &Page, a: SectionId, b: SectionId) -> bool {
    page.section_contains(a, b) || page.section_contains(b, a)
}

pub(crate) fn section_has_callout(
    page: &Page,
    facts: &Facts,
    section: SectionId,
    index: usize,
    product: ProductIndex,
) -> bool {
    let own = facts
        .callouts
        .iter()
        .any(|reading| reading.accepts(index, product) && related(page, section, reading.section));
    let included = facts.included_callouts.iter().any(|included| {
        included.reading.accepts(index, product) && related(page, section, included.section)
    });
    own || included
}

/// Whether the page (or what it includes) has any acceptable call-out for policy `index`.
pub fn page_has_callout(facts: &Facts, index: usize, product: ProductIndex) -> bool {
    facts
        .callouts
        .iter()
        .any(|reading| reading.accepts(index, product))
        || facts
            .included_callouts
            .iter()
            .any(|included| included.reading.accepts(index, product))
}
