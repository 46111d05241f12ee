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
    let tree = SectionTree::of(page);
    let satisfied = accepting_sections(facts, index, policy.product);
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
        if tree.relates(listing.section, &satisfied) {
            continue;
        }
        entry_of.insert(listing.section.0, unsatisfied.len());
        unsatisfied.push(UnsatisfiedSection {
            section: listing.section,
            listing: listing.clone(),
            groups: listing.groups.clone(),
        });
    }
    let mut listing_sections: Vec<usize> = facts
        .listings
        .iter()
        .filter(|listing| listing.product == policy.product)
        .map(|listing| listing.section.0)
        .collect();
    listing_sections.sort_unstable();
    listing_sections.dedup();
    let spare = facts
        .callouts
        .iter()
        .enumerate()
        .filter(|(_, reading)| reading.accepts(index, policy.product))
        .filter(|(_, reading)| !tree.relates(reading.section, &listing_sections))
        .map(|(callout, _)| callout)
        .collect();
    (unsatisfied, spare)
}

/// The sections (as sorted, distinct section numbers) of the page's call-outs, and of the call-outs of
/// what it includes, that policy `index` accepts for `product`.
pub(crate) fn accepting_sections(facts: &Facts, index: usize, product: ProductIndex) -> Vec<usize> {
    let own = facts
        .callouts
        .iter()
        .filter(|reading| reading.accepts(index, product))
        .map(|reading| reading.section.0);
    let included = facts
        .included_callouts
        .iter()
        .filter(|included| included.reading.accepts(index, product))
        .map(|included| included.section.0);
    let mut sections: Vec<usize> = own.chain(included).collect();
    sections.sort_unstable();
    sections.dedup();
    sections
}

/// The page's sections as a tree of heading levels: two sections are related when one is the other or
/// holds it, as [`Page::section_contains`] reads it (a section of level 2 or deeper holds the deeper
/// sections up to the next heading of its level or above; the introduction and a level-1 title hold only
/// themselves). Built once, it answers for one section in a few steps, so a page of thousands of
/// sections and call-outs is not read once per section.
pub(crate) struct SectionTree {
    /// For each section number, the number after the last section it holds (itself + 1 when it holds
    /// none).
    end: Vec<usize>,
    /// For each section number, the nearest section before it of a lower level, if any.
    parent: Vec<Option<usize>>,
    /// For each section number, whether it may hold other sections (a heading of level 2 or deeper).
    holds: Vec<bool>,
}

impl SectionTree {
    pub(crate) fn of(page: &Page) -> SectionTree {
        let levels: Vec<u8> = page.headings.iter().map(|heading| heading.level).collect();
        let count = levels.len() + 1;
        let level = |section: usize| levels[section - 1];
        let mut end: Vec<usize> = (1..=count).collect();
        let holds: Vec<bool> = (0..count)
            .map(|section| section > 0 && level(section) >= 2)
            .collect();
        // The headings whose sections are still open, lowest level first.
        let mut open: Vec<usize> = Vec::new();
        let mut parent = vec![None];
        for section in 1..count {
            while let Some(&last) = open.last()
                && level(last) >= level(section)
            {
                end[last] = section;
                open.pop();
            }
            parent.push(open.last().copied());
            open.push(section);
        }
        for section in open {
            end[section] = count;
        }
        for (section, end) in end.iter_mut().enumerate() {
            if !holds[section] {
                *end = section + 1;
            }
        }
        SectionTree { end, parent, holds }
    }

    /// Whether `section` is related to one of `sections` (sorted section numbers): it is one of them, holds
    /// one, or one of them holds it.
    pub(crate) fn relates(&self, section: SectionId, sections: &[usize]) -> bool {
        let Some(&end) = self.end.get(section.0) else {
            return sections.binary_search(&section.0).is_ok();
        };
        let first = sections.partition_point(|&other| other < section.0);
        if sections.get(first).is_some_and(|&other| other < end) {
            return true;
        }
        let mut holder = self.parent[section.0];
        while let Some(above) = holder {
            if self.holds[above] && sections.binary_search(&above).is_ok() {
                return true;
            }
            holder = self.parent[above];
        }
        false
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::source::SourceText;

    /// For every page of up to five headings of levels 1 to 4 (with an introduction, multi-byte titles),
    /// the tree relates two sections exactly when one contains the other as the page model says.
    #[test]
    fn the_section_tree_relates_what_the_page_says_one_section_contains() {
        let mut pages = vec![Vec::new()];
        for length in 1..=5 {
            let longer: Vec<Vec<u8>> = pages
                .iter()
                .filter(|levels: &&Vec<u8>| levels.len() == length - 1)
                .flat_map(|levels| {
                    (1..=4).map(move |level| {
                        let mut longer = levels.clone();
                        longer.push(level);
                        longer
                    })
                })
                .collect();
            pages.extend(longer);
        }
        for levels in &pages {
            let mut text = String::from("序文 🚀\n\n");
            for (index, level) in levels.iter().enumerate() {
                text.push_str(&format!(
                    "{} 見出し {index} مرحبا\n\ntext\n\n",
                    "#".repeat(usize::from(*level))
                ));
            }
            let page = Page::parse(SourceText::new("t", text), crate::doc::Dialect::Markdown);
            assert_eq!(page.headings.len(), levels.len());
            let tree = SectionTree::of(&page);
            let related = |a: usize, b: usize| {
                page.section_contains(SectionId(a), SectionId(b))
                    || page.section_contains(SectionId(b), SectionId(a))
            };
            for a in 0..=levels.len() {
                for b in 0..=levels.len() {
                    assert_eq!(
                        tree.relates(SectionId(a), &[b]),
                        related(a, b),
                        "levels {levels:?}, sections {a} and {b}"
                    );
                    for c in b + 1..=levels.len() {
                        assert_eq!(
                            tree.relates(SectionId(a), &[b, c]),
                            related(a, b) || related(a, c),
                            "levels {levels:?}, section {a} and sections {b}, {c}"
                        );
                    }
                }
            }
        }
    }
}
