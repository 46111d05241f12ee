//! From intents to edits: each [`FixIntent`] a rule reported made into the byte edits of one fix (insert the
//! policy's call-out in a section or a page, move a call-out, remove one), each checked to land as one
//! call-out and to keep the page's block structure; an intent that cannot be made so gets no fix.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use super::placement::{
    Spot, after_block, after_listing, in_a_container_opened_after, line_after, own_lines, reindent,
    removal_ranges, section_end,
};
use super::{apply_edits, imports, structure};
use crate::doc::blank::trim_blank_end;
use crate::doc::blocks::BlockKind;
use crate::doc::callout::{self, CalloutForm, NewCallout};
use crate::doc::{Page, SectionId};
use crate::facts::UnsatisfiedSection;
use crate::policy::CalloutPolicy;
use crate::rules::{Context, Edit, EditKind, Finding, Fix, FixIntent};

/// How many rounds [`insert_in_rounds`] makes (each parses the page once): a listing that many anchors
/// wrap, each with no place for the call-out, is given up on after these, its finding left to a person.
const MAX_INSERTION_ROUNDS: usize = 8;

/// How many moves and removals of call-outs one page's fixes are made for: each is read back in a parse of
/// the whole page, so a page with thousands of misplaced call-outs would take minutes. The findings past it
/// stay without a fix in this round and keep their help: `fix`'s next round, on a page with fewer, makes
/// theirs.
const MAX_MOVES_CHECKED: usize = 64;

/// Turns the findings' [`FixIntent`]s into byte edits ([`Finding::fix`]); an intent that cannot be made into
/// edits that keep the page's structure leaves the finding without a fix. The insertions into one page are
/// made together ([`insert_for_sections`]), so a page with many sections lacking the call-out costs one parse.
pub fn resolve_intents(context: &Context<'_>, findings: &mut [Finding]) {
    let mut sections: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut moves_left = MAX_MOVES_CHECKED;
    for (index, finding) in findings.iter_mut().enumerate() {
        let Some(intent) = finding.intent.take() else {
            continue;
        };
        let callout_policy = |callout: usize| &context.policy.callouts[callout];
        if matches!(
            intent,
            FixIntent::MoveCallout { .. } | FixIntent::RemoveCallout { .. }
        ) {
            if moves_left == 0 {
                continue;
            }
            moves_left -= 1;
        }
        finding.fix = match &intent {
            FixIntent::InsertInSection { section, .. }
                if context.policy.placement_in_partial()
                    && section.listing.via.as_ref().is_some_and(|via| via.lines()) =>
            {
                withdraw_fix_promise(finding, OUTSIDE_THE_LINE_RANGE);
                continue;
            }
            FixIntent::InsertInSection { callout, .. } => {
                sections.entry(*callout).or_default().push(index);
                finding.intent = Some(intent);
                continue;
            }
            FixIntent::InsertInPage { callout, heading } => {
                insert_for_page(context, callout_policy(*callout), heading.as_deref())
            }
            FixIntent::MoveCallout { callout, .. } | FixIntent::RemoveCallout { callout }
                if !movable_whole(context.page, *callout) =>
            {
                withdraw_fix_promise(finding, SWALLOWS_WHAT_FOLLOWS);
                continue;
            }
            FixIntent::MoveCallout {
                callout,
                to,
                listing,
            } => move_callout(context, *callout, *to, listing.clone()),
            FixIntent::RemoveCallout { callout } => remove_callout(context.page, *callout),
        };
        if finding.fix.is_none() {
            withdraw_fix_promise(finding, CHANGES_THE_STRUCTURE);
        }
    }
    for (callout, all) in sections {
        insert_in_rounds(context, findings, callout, all);
    }
}

/// Makes the insertions of call-out `callout` for the findings `pending` (by index), a round at a time: a
/// round inserts once per listing of a partial ([`one_insertion_per_partial_listing`]); a finding left out
/// for another that got its fix goes away with that fix, and one left out for another that got none is
/// tried in the next round (a call-out the anchor cannot hold may still fit the file included whole).
fn insert_in_rounds(
    context: &Context<'_>,
    findings: &mut [Finding],
    callout: usize,
    mut pending: Vec<usize>,
) {
    let mut rounds_left = MAX_INSERTION_ROUNDS;
    // The partial sections (file, section number in the file) a call-out was inserted into.
    let mut landed: Vec<((PathBuf, usize), bool)> = Vec::new();
    while !pending.is_empty() {
        if rounds_left == 0 {
            for index in pending {
                findings[index].intent = None;
                withdraw_fix_promise(&mut findings[index], CHANGES_THE_STRUCTURE);
            }
            return;
        }
        rounds_left -= 1;
        let (kept, left_out) = one_insertion_per_partial_listing(context, findings, pending);
        let lacking: Vec<&UnsatisfiedSection> = kept
            .iter()
            .filter_map(|&index| match &findings[index].intent {
                Some(FixIntent::InsertInSection { section, .. }) => Some(section),
                _ => None,
            })
            .collect();
        let fixes = insert_for_sections(context, &context.policy.callouts[callout], &lacking);
        for (&index, fix) in kept.iter().zip(fixes) {
            if fix.is_some() {
                landed.extend(partial_section_of(&findings[index]));
            }
            findings[index].fix = fix;
            findings[index].intent = None;
            if findings[index].fix.is_none() {
                withdraw_fix_promise(&mut findings[index], CHANGES_THE_STRUCTURE);
            }
        }
        pending = Vec::new();
        for (index, kept_instead) in left_out {
            // A render of the whole file sees any call-out inserted into the listing's section.
            let seen_whole = partial_section_of(&findings[index])
                .is_some_and(|(place, whole)| whole && landed.iter().any(|(at, _)| *at == place));
            if findings[kept_instead].fix.is_some() || seen_whole {
                findings[index].intent = None;
            } else {
                pending.push(index);
            }
        }
    }
}

/// The partial section a finding's insertion goes into (the file and the listing's section number in it),
/// and whether its render is the whole file; `None` for a finding about the page's own listing.
fn partial_section_of(finding: &Finding) -> Option<((PathBuf, usize), bool)> {
    match &finding.intent {
        Some(FixIntent::InsertInSection { section, .. }) => {
            let via = section.listing.via.as_ref()?;
            let file_section = via.file.section_at(via.anchor.start).0;
            Some(((via.path.clone(), file_section), via.whole()))
        }
        _ => None,
    }
}

/// The findings (by index) of `indexes` to insert a call-out for, without a second insertion into the same
/// listing of a partial (`placement = "partial"`, a page that includes the file both by anchor and whole):
/// the one through an anchor is kept, as a call-out inside the anchor is seen by both includes. Also the
/// findings left out, each with the one kept instead of it (see [`insert_in_rounds`]).
fn one_insertion_per_partial_listing(
    context: &Context<'_>,
    findings: &[Finding],
    mut indexes: Vec<usize>,
) -> (Vec<usize>, Vec<(usize, usize)>) {
    if !context.policy.placement_in_partial() {
        return (indexes, Vec::new());
    }
    let via = |index: usize| match &findings[index].intent {
        Some(FixIntent::InsertInSection { section, .. }) => section.listing.via.as_ref(),
        _ => None,
    };
    // Through an anchor before through the whole file; otherwise in the findings' order.
    indexes.sort_by_key(|&index| (via(index).is_some_and(|via| via.whole()), index));
    let mut first_of: Vec<((&std::path::Path, &std::ops::Range<usize>), usize)> = Vec::new();
    let mut left_out = Vec::new();
    indexes.retain(|&index| {
        let Some(via) = via(index) else {
            return true;
        };
        let key = (via.path.as_path(), &via.anchor);
        match first_of.iter().find(|(seen, _)| *seen == key) {
            Some(&(_, first)) => {
                left_out.push((index, first));
                false
            }
            None => {
                first_of.push((key, index));
                true
            }
        }
    });
    indexes.sort_unstable();
    (indexes, left_out)
}

/// Why a finding about a partial included by line range has no fix.
const OUTSIDE_THE_LINE_RANGE: &str = "`scope-lint fix` cannot, as the page includes a line range of the \
     file and a call-out added to the file would fall outside it (write it inside those lines, or include \
     an anchor of the file)";

/// Why a finding has no fix: every edit tried would change the page's structure, or is not read back as a
/// call-out.
const CHANGES_THE_STRUCTURE: &str =
    "`scope-lint fix` found no edit here that keeps the page's structure";

/// Why a finding that moves or removes a call-out has no fix: the call-out is not [`movable_whole`].
const SWALLOWS_WHAT_FOLLOWS: &str = "`scope-lint fix` leaves it, as the call-out is not closed where its \
     text ends and holds what follows it (a fence or `:::` not closed, closed together with one inside, or \
     closed past the end of its list item or blockquote)";

/// A finding whose intent gave no fix no longer says that `scope-lint fix` makes it; its help says to make
/// the change by hand, and why the fix does not.
fn withdraw_fix_promise(finding: &mut Finding, reason: &str) {
    if let Some(help) = &mut finding.help
        && let Some(promise) = help.find("; `scope-lint fix`")
    {
        help.truncate(promise);
        help.push_str(" by hand: ");
        help.push_str(reason);
    }
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
        .zip(sections)
        .map(|(draft, section)| {
            let (page, in_partial, edits) = draft?;
            let together = !in_partial && landed_together.next().unwrap_or(false);
            if together || lands_intact(page, &edits) {
                return Some(described(context, policy, edits));
            }
            (!in_partial)
                .then(|| right_after_listing(context, policy, section, &edits[0]))
                .flatten()
        })
        .collect()
}

/// The insertion right after the block of `section`'s listing, when the one at the section's end
/// (`at_end`) is not read back as a call-out (the section ends in a code fence or HTML comment left open
/// to the end of the page, which would swallow it) or would change the page's structure; none when that
/// spot is not in the section.
fn right_after_listing(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    section: &UnsatisfiedSection,
    at_end: &Edit,
) -> Option<Fix> {
    let spot = spot_after_listing(
        context.page,
        section.listing.anchor.clone(),
        section.section,
        at_end.range.start,
    )?;
    let form = context
        .policy
        .form_for(context.relative, context.page.dialect);
    insertion(context, policy, context.page, &spot, form)
        .map(|edits| described(context, policy, edits))
}

/// The spot right after the block of the listing `anchor` of `section`, outside any generated region; none
/// when that is where the section ends anyway (`at_end`) or past the section's end (the listing and the
/// next heading in one blockquote).
fn spot_after_listing(
    page: &Page,
    anchor: Range<usize>,
    section: SectionId,
    at_end: usize,
) -> Option<Spot> {
    let spot = outside_generated_regions(page, after_listing(page, anchor.clone()));
    (spot.offset != at_end
        && page.section_at(spot.offset) == section
        && !in_a_container_opened_after(page, anchor.end, spot.offset))
    .then_some(spot)
}

/// `spot`, or the end of the line of the closing comment of the `scope-lint:table` region it falls in: the
/// next regeneration of the region would delete a call-out inside it.
fn outside_generated_regions(page: &Page, spot: Spot) -> Spot {
    let text = page.text();
    let regions = crate::rules::sl010_outdated_generated_table::generated_ranges(page);
    let Some(region) = regions
        .iter()
        .find(|region| region.start < spot.offset && spot.offset < region.end)
    else {
        return spot;
    };
    let close_line_end = text[region.end..]
        .find(['\r', '\n'])
        .map_or(text.len(), |offset| region.end + offset);
    Spot {
        offset: close_line_end,
        indent: spot.indent,
    }
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
        let spot = if via.whole() {
            section_end(&via.page, via.page.section_at(via.anchor.start))
        } else {
            outside_generated_regions(&via.page, after_listing(&via.page, via.anchor.clone()))
        };
        let relative = via
            .path
            .strip_prefix(&context.policy.root)
            .unwrap_or(&via.path);
        // The spot is found in the included part; the insertion is made and read back in the file as
        // written (what follows the part, such as an `ANCHOR_END` line, decides its blank lines).
        let form = context.policy.form_for(relative, via.file.dialect);
        let mut edits = unverified_insertion(context, policy, &via.file, &spot, form, Fit::Usual)?;
        for edit in &mut edits {
            edit.file = Some(via.path.clone());
        }
        return Some((&via.file, true, edits));
    }
    let spot = mid_line_end_moved(
        context.page,
        section,
        section_end(context.page, section.section),
    );
    let form = context
        .policy
        .form_for(context.relative, context.page.dialect);
    let edits = unverified_insertion(context, policy, context.page, &spot, form, Fit::Usual)?;
    Some((context.page, false, edits))
}

/// `at_end`, the end of `section`, or the spot right after its listing's block when the section ends in
/// the middle of a line (the next heading sits in a list item: `- ## Next`) and that spot is in the
/// section. An insertion there would split the item's marker from its heading, and is never taken: trying
/// it first would read the page back once for every such section.
fn mid_line_end_moved(page: &Page, section: &UnsatisfiedSection, at_end: Spot) -> Spot {
    if ends_a_line(page.text(), at_end.offset) {
        return at_end;
    }
    let after = after_listing(page, section.listing.anchor.clone());
    if after.offset != at_end.offset && page.section_at(after.offset) == section.section {
        after
    } else {
        at_end
    }
}

/// Whether `offset` of `text` is at the end of a line (a line break or the end of the text follows).
fn ends_a_line(text: &str, offset: usize) -> bool {
    offset == text.len() || line_break_at(text, offset).is_some()
}

/// For each of `insertions` (into `page`, at distinct offsets), whether it is read back as a call-out when
/// all of them are applied at once; all `false` when they cannot be applied together or together change the
/// page's structure ([`structure::check`]), so that each is then tried alone.
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
    let reparsed = Page::parse(page.source.with_text(text), page.dialect);
    if structure::check(page, &reparsed, insertions).is_err() {
        return vec![false; insertions.len()];
    }
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
        .unwrap_or_else(|| section_end(page, introduction(page)));
    let form = context.policy.form_for(context.relative, page.dialect);
    let edits = insertion(context, policy, page, &spot, form)?;
    Some(described(context, policy, edits))
}

/// The section that holds the page's introduction: the text under its level-1 title when the page opens
/// with one (the title's own text, before the first subsection), else the text before the first heading.
fn introduction(page: &Page) -> SectionId {
    let opens_with_title = page
        .headings
        .first()
        .is_some_and(|heading| heading.level == 1);
    SectionId(usize::from(opens_with_title))
}

/// Whether call-out `callout` of the page can be moved or removed whole: it ends where its markers say
/// ([`crate::doc::callout::Callout::ends_with_its_closing_fence`]) and inside its list item or blockquote
/// ([`crate::doc::callout::Callout::stays_in_its_container`]), holds no heading, and shares its closing
/// line with no directive inside it. One that fails these has swallowed what follows it (a fence
/// never closed, a `:::` that closes a mistyped `:::x` and the note around it at once, a stray `:::` in a
/// later list item that the model reads as the closer of a note in an earlier one): the writer meant a
/// short note, but its range holds sections, tables and other notes, which moving or removing it would
/// take along. Such a finding is left to a person.
fn movable_whole(page: &Page, callout: usize) -> bool {
    let range = &page.callouts[callout].range;
    let holds = |inner: &Range<usize>| range.start < inner.start && inner.end <= range.end;
    page.callouts[callout].ends_with_its_closing_fence(page.text())
        && page.callouts[callout].stays_in_its_container(page.text())
        && !page.headings.iter().any(|heading| holds(&heading.range))
        && !page.outline.iter().any(|block| {
            // Any directive, not only a call-out: a mistyped `:::x` inside is no call-out. Ends are
            // compared without line breaks, which a `\r\n` page counts in one range and not the other.
            let closing_line_end = |end: usize| trim_blank_end(&page.text()[..end]).len();
            block.kind == BlockKind::Directive
                && range.start < block.range.start
                && closing_line_end(block.range.end) == closing_line_end(range.end)
        })
}

/// The fix that moves call-out `callout` of the page to the end of `target`, or, when the call-out would
/// not be read back there (the section ends in a code fence or HTML comment left open to the end of the
/// page) or would change the page's structure, right after `listing` (the section's listing, when it is
/// in the page's text); none when the call-out is not [`movable_whole`] or neither spot works.
pub fn move_callout(
    context: &Context<'_>,
    callout: usize,
    target: SectionId,
    listing: Option<Range<usize>>,
) -> Option<Fix> {
    let page = context.page;
    if !movable_whole(page, callout) {
        return None;
    }
    let lines = own_lines(page.text(), page.callouts[callout].range.clone())?;
    let at_end = section_end(page, target);
    let after_its_listing =
        listing.and_then(|listing| spot_after_listing(page, listing, target, at_end.offset));
    std::iter::once(at_end)
        .chain(after_its_listing)
        .filter(|spot| !(lines.start..=lines.end).contains(&spot.offset))
        .find_map(|spot| move_to(page, target, lines.clone(), &spot))
}

/// The fix that moves the call-out on `lines` of `page` to `spot` in section `target`; none when every way
/// of removing its lines changes the page's structure or hides the call-out.
fn move_to(page: &Page, target: SectionId, lines: Range<usize>, spot: &Spot) -> Option<Fix> {
    let text = page.text();
    let newline = page.source.newline();
    let moved = reindent(
        text[lines.clone()].trim_end_matches(['\n', '\r']),
        &spot.indent,
        newline,
    );
    removal_ranges(text, lines, newline)
        .into_iter()
        .filter(|(removal, _)| !removal.contains(&spot.offset))
        .map(|(removal, replacement)| Fix {
            description: format!("move the call-out to {}", page.section_title(target)),
            edits: vec![
                Edit {
                    file: None,
                    range: spot.offset..spot.offset,
                    replacement: format!(
                        "{newline}{newline}{moved}{}",
                        blank_line_below(text, spot, &removal, newline)
                    ),
                    kind: EditKind::Callout,
                },
                Edit {
                    file: None,
                    range: removal,
                    replacement,
                    kind: EditKind::Callout,
                },
            ],
        })
        .find(|fix| keeps_page_structure(page, &fix.edits))
}

/// The line break that keeps a blank line between a call-out moved to `spot` and the line right below it
/// (the next section's heading), as an inserted call-out keeps one: none inside a list item, where it
/// would make the list loose, or when that line is not there (at the end of the page, or removed with the
/// call-out's old place).
fn blank_line_below<'n>(
    text: &str,
    spot: &Spot,
    removal: &Range<usize>,
    newline: &'n str,
) -> &'n str {
    let next_line = spot.offset + line_break_at(text, spot.offset).map_or(0, str::len);
    let keeps_next_line = !removal.contains(&next_line);
    if spot.indent.is_empty() && keeps_next_line && content_on_next_line(text, spot.offset) {
        newline
    } else {
        ""
    }
}

/// The fix that removes call-out `callout` of the page, with one blank line around it; none when the
/// call-out shares a line with other content or is not [`movable_whole`].
pub fn remove_callout(page: &Page, callout: usize) -> Option<Fix> {
    if !movable_whole(page, callout) {
        return None;
    }
    let lines = own_lines(page.text(), page.callouts[callout].range.clone())?;
    removal_ranges(page.text(), lines, page.source.newline())
        .into_iter()
        .map(|(range, replacement)| Fix {
            description: "remove the stale call-out".to_owned(),
            edits: vec![Edit {
                file: None,
                range,
                replacement,
                kind: EditKind::Callout,
            }],
        })
        .find(|fix| keeps_page_structure(page, &fix.edits))
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

/// How an insertion meets the line above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fit {
    /// A blank line above the call-out, except where [`keeps_list_tight`] says a list would turn loose.
    Usual,
    /// No blank line above a quote call-out inside a list item: it interrupts the item's text.
    Tight,
}

/// The edits that insert the policy's call-out at `spot` of `page` in `form` (and its import, for `<Aside>`),
/// when the call-out is read back as one there ([`lands_intact`]): the usual insertion, else, for a quote
/// call-out inside a list item (outside an HTML block), the one with no blank line above it, which keeps a
/// tight list tight (the blank line makes every item's text a paragraph: `<li><p>`).
fn insertion(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    page: &Page,
    spot: &Spot,
    form: CalloutForm,
) -> Option<Vec<Edit>> {
    let usual = unverified_insertion(context, policy, page, spot, form, Fit::Usual)?;
    if lands_intact(page, &usual) {
        return Some(usual);
    }
    let may_fit_tight = matches!(form, CalloutForm::GfmAlert | CalloutForm::Blockquote)
        && !spot.indent.is_empty()
        && !page.in_an_html_block(spot.offset);
    if !may_fit_tight {
        return None;
    }
    let tight = unverified_insertion(context, policy, page, spot, form, Fit::Tight)?;
    (tight != usual && lands_intact(page, &tight)).then_some(tight)
}

/// [`insertion`]'s edits, the call-out first, before they are read back.
fn unverified_insertion(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    page: &Page,
    spot: &Spot,
    form: CalloutForm,
    fit: Fit,
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
    // After the line break that ends the spot's line, when there is one, so that the line keeps its own
    // break (a page's last line may end in `\n` while the others end in `\r\n`).
    let line_break = line_break_at(page.text(), spot.offset);
    let (at, separator, closer) = match line_break {
        _ if spot.offset == 0 => (0, String::new(), ""),
        Some(line_break) if fit == Fit::Tight || keeps_list_tight(page, spot, form) => {
            (spot.offset + line_break.len(), String::new(), newline)
        }
        // A `\n` right after a lone `\r` would join it into one `\r\n` break: the blank line above the
        // call-out then takes the line's own `\r`.
        Some("\r") if newline == "\n" => (spot.offset + 1, "\r".to_owned(), newline),
        Some(line_break) => (spot.offset + line_break.len(), newline.to_owned(), newline),
        None => (spot.offset, format!("{newline}{newline}"), ""),
    };
    let trailer = if spot.offset == 0 {
        format!("{newline}{newline}")
    } else if spot.indent.is_empty() && content_on_next_line(page.text(), spot.offset) {
        // A line of text right below a quote or directive call-out would be read into it (a lazy
        // continuation line) by Markdown renderers that do not know the line's syntax (a Hugo shortcode
        // in mdBook): a blank line keeps it out. Inside a list item, where it would make the list loose,
        // the line below is the next item or the item's own text.
        newline.to_owned()
    } else {
        String::new()
    };
    let mut edits = vec![Edit {
        file: None,
        range: at..at,
        replacement: joined_apart(
            format!("{separator}{rendered}{closer}{trailer}"),
            &page.text()[at..],
        ),
        kind: EditKind::Callout,
    }];
    if form == CalloutForm::Aside {
        edits.extend(aside_import(page, context.policy.conventions.component_sources).ok()?);
    }
    // Whether the rest of the page keeps its structure is checked before writing: a template that breaks
    // it is reported as an error naming the file rather than silently not offered.
    Some(edits)
}

/// `inserted`, kept from joining the text `after` it into one line break: a last `\r` before a `\n` (a
/// blank line of a mostly lone-CR page) would make one `\r\n` of the two, so the call-out's last line ends
/// in `\r\n` and the `\n` stays a blank line.
fn joined_apart(mut inserted: String, after: &str) -> String {
    if inserted.ends_with('\r') && after.starts_with('\n') {
        inserted.push('\n');
    }
    inserted
}

/// Whether a quote call-out goes right below the line `spot` ends, with no blank line between: inside a
/// list item, below a line of a nested list (the listing), where a blank line would make the list loose
/// (every item's text a paragraph of its own). A quote interrupts the nested item's paragraph and, less
/// indented than its text, ends that item. Not when that line is raw text of an HTML block (`- <div>` above
/// it), which runs on to the next blank line.
fn keeps_list_tight(page: &Page, spot: &Spot, form: CalloutForm) -> bool {
    if !matches!(form, CalloutForm::GfmAlert | CalloutForm::Blockquote) || spot.indent.is_empty() {
        return false;
    }
    let text = page.text();
    let line_start = text[..spot.offset]
        .rfind(['\n', '\r'])
        .map_or(0, |at| at + 1);
    let line = &text[line_start..spot.offset];
    let indent = line.len() - line.trim_start_matches(' ').len();
    indent >= spot.indent.len()
        && crate::doc::list_marker_width(&line[indent..]).is_some()
        && !page.in_an_html_block(spot.offset)
}

/// The line break (`\r\n`, `\n` or `\r`) at `offset` of `text`, if one starts there.
fn line_break_at(text: &str, offset: usize) -> Option<&str> {
    let rest = &text[offset..];
    ["\r\n", "\n", "\r"]
        .into_iter()
        .find(|line_break| rest.starts_with(line_break))
}

/// Whether the line after the one that ends at `offset` (at its line break) holds something other than
/// whitespace.
fn content_on_next_line(text: &str, offset: usize) -> bool {
    let rest = &text[offset + line_break_at(text, offset).map_or(0, str::len)..];
    let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    !rest[..line_end].trim_matches([' ', '\t']).is_empty()
}

/// Whether the insertion `edits` (the call-out first, then its import, if any) land as one call-out and
/// keep the page's structure ([`lands_as_callout`], [`keeps_page_structure`]): one parse when the call-out
/// is the only edit.
fn lands_intact(page: &Page, edits: &[Edit]) -> bool {
    let [insertion] = edits else {
        return lands_as_callout(page, &edits[0]) && keeps_page_structure(page, edits);
    };
    let Ok(text) = apply_edits(page.text(), &[insertion]) else {
        return false;
    };
    let reparsed = Page::parse(page.source.with_text(text), page.dialect);
    lands_in(&reparsed, insertion) && structure::check(page, &reparsed, &[insertion]).is_ok()
}

/// Whether the inserted text is read back as a call-out: not swallowed by an unclosed code fence, HTML
/// comment or JSX expression that runs to the end of the page.
fn lands_as_callout(page: &Page, insertion: &Edit) -> bool {
    let Ok(text) = apply_edits(page.text(), &[insertion]) else {
        return false;
    };
    lands_in(
        &Page::parse(page.source.with_text(text), page.dialect),
        insertion,
    )
}

/// [`lands_as_callout`], on `reparsed`: the page with `insertion` (alone) applied.
fn lands_in(reparsed: &Page, insertion: &Edit) -> bool {
    let inserted = insertion.range.start..insertion.range.start + insertion.replacement.len();
    // Exactly one call-out of its own: one starts in the inserted text and ends in it (a lazy line after a
    // quote would carry it past), and no call-out of the page holds it (a spot inside a directive).
    let after = &reparsed.text()[inserted.end..];
    let line_break = if after.starts_with("\r\n") {
        2
    } else {
        usize::from(after.starts_with(['\r', '\n']))
    };
    let own = reparsed.callouts.iter().any(|callout| {
        inserted.contains(&callout.range.start) && callout.range.end <= inserted.end + line_break
    });
    let nested = reparsed
        .callouts
        .iter()
        .any(|callout| callout.range.start < inserted.start && inserted.start < callout.range.end);
    own && !nested
}

/// Whether `edits` leave `page`'s block structure as it was, plus or minus exactly the call-outs they insert
/// or remove ([`structure::check`]): an insertion that would split the blocks around it (a list ended by
/// the call-out) or a move or removal that would join them (two lists become one) is not offered as a fix,
/// and the finding stays for a person to fix.
fn keeps_page_structure(page: &Page, edits: &[Edit]) -> bool {
    let refs: Vec<&Edit> = edits.iter().collect();
    let Ok(text) = apply_edits(page.text(), &refs) else {
        return false;
    };
    let fixed = Page::parse(page.source.with_text(text), page.dialect);
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

#[cfg(test)]
mod tests {
    use super::content_on_next_line;

    #[test]
    fn the_next_line_holds_content_after_any_line_break() {
        for (text, offset) in [
            ("| a |\n{{% x %}}\n", 5),
            ("| a |\r\n日本\r\n", 5),
            ("| a |\r🚀", 5),
            ("- a\n  b", 3),
        ] {
            assert!(content_on_next_line(text, offset), "{text:?}");
        }
        for (text, offset) in [
            ("| a |\n\n{{% x %}}\n", 5),
            ("| a |\r\n \t\r\nx", 5),
            ("| a |", 5),
            ("| a |\n", 5),
        ] {
            assert!(!content_on_next_line(text, offset), "{text:?}");
        }
    }
}
