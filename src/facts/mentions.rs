//! Mentions and listings: where the page's text names groups (table cells and list items, and prose when a
//! policy needs it; split product and level columns too), and which tables and lists name a product's
//! groups.

use super::*;
use crate::text::normalize::{is_code_identifier, with_backticks_around};

impl Gatherer<'_> {
    pub(super) fn mentions(&self, page: &Page, params: &[(String, String)], facts: &mut Facts) {
        facts.unit_names.reserve(page.units.len());
        // Each unit's innermost call-out, found in one sweep the first time a unit names a group.
        let mut callout_of_unit: Option<Vec<Option<usize>>> = None;
        // Where each list item's text starts, the same way.
        let mut item_starts: Option<HashMap<(usize, usize), usize>> = None;
        for (index, unit) in page.units.iter().enumerate() {
            let listable = matches!(
                unit.kind,
                UnitKind::TableCell { .. } | UnitKind::ListItem { .. }
            );
            if !listable && !self.every_unit {
                facts.unit_names.push(String::new());
                continue;
            }
            let text = page.unit_text(unit);
            // Most units name nothing: normalise without the offset map, and map offsets only on a match.
            let names = normalize_text(text, Mode::Name, params);
            let found = self.matcher.find_names(&names);
            // "Kong AI Gateway" names another company's product.
            facts.named_products.extend(
                found
                    .iter()
                    .filter(|found| {
                        !self.matcher.lexicon().owned_by_another(
                            &names[..found.range.start],
                            &names[found.range.end..],
                        )
                    })
                    .map(|found| self.matcher.product_of(found.item)),
            );
            let groups = groups_of(found);
            let wildcards = if listable && names.contains(WILDCARD) {
                self.matcher.wildcard_groups(&names)
            } else {
                Vec::new()
            };
            if !groups.is_empty() || !wildcards.is_empty() {
                let callout =
                    callout_of_unit.get_or_insert_with(|| innermost_callouts(page))[index];
                let mapped = normalize(text, unit.range.start, Mode::Name, params);
                let opens_its_item = match unit.kind {
                    UnitKind::ListItem { list, item } => {
                        item_starts.get_or_insert_with(|| item_text_starts(page))[&(list, item)]
                            == unit.range.start
                    }
                    _ => true,
                };
                for found in groups {
                    let span = mapped.source_range(found.range.clone(), page.text());
                    // `ai_gateway:read` is an identifier of code (an OAuth scope), not the group's name.
                    if is_code_identifier(with_backticks_around(page.text(), span.clone())) {
                        continue;
                    }
                    // "AI Gateway Run count" names no group: the name goes on into a longer phrase.
                    let goes_on = word_after_name(page.text(), span.end).is_some_and(|word| {
                        !self.matcher.lexicon().may_follow_a_listed_group(&word)
                    });
                    facts.mentions.push(Mention {
                        group: found.item,
                        product: self.table.groups[found.item].product,
                        leading: found.range.start == 0 && opens_its_item && !goes_on,
                        span,
                        unit: index,
                        callout,
                    });
                }
                // `AI Gateway {props.one}` could be any of the product's groups: each candidate is listed.
                for group in wildcards {
                    facts.mentions.push(Mention {
                        group,
                        product: self.table.groups[group].product,
                        span: unit.range.clone(),
                        unit: index,
                        callout,
                        leading: opens_its_item,
                    });
                }
            }
            facts.unit_names.push(names);
        }
        self.split_row_mentions(page, facts);
        facts.mentions.sort_by_key(|mention| mention.span.start);
    }

    /// The groups named by tables whose rows split them into a product cell and a level cell
    /// (`| AI Gateway | Read |`): each is a leading mention in the row's level cell, spanning the product
    /// cell (the row never spells the name out, so nothing rewrites it).
    fn split_row_mentions(&self, page: &Page, facts: &mut Facts) {
        let mut callout_of_unit: Option<Vec<Option<usize>>> = None;
        for table in &page.tables {
            let Some(split) = split_rows::read(table, &facts.unit_names, self.matcher) else {
                continue;
            };
            for row in &split.rows {
                let span = split_rows::product_span(page, row);
                for group in row.levels.iter().filter_map(|(_, group)| *group) {
                    let product = self.table.groups[group].product;
                    facts.named_products.push(product);
                    facts.mentions.push(Mention {
                        group,
                        product,
                        span: span.clone(),
                        unit: row.level_unit,
                        callout: callout_of_unit.get_or_insert_with(|| innermost_callouts(page))
                            [row.level_unit],
                        leading: true,
                    });
                }
            }
        }
    }

    /// Tables and lists (outside call-outs) that name groups of a product with a call-out policy.
    pub(super) fn listings(&self, page: &Page, mentions: &[Mention]) -> Vec<Listing> {
        let mut listings: Vec<Listing> = Vec::new();
        // (anchor, product) -> index in `listings`: a page of many tables is not searched per mention.
        let mut listing_of: std::collections::HashMap<(usize, usize, ProductIndex), usize> =
            std::collections::HashMap::new();
        let listed = mentions
            .iter()
            .filter(|mention| mention.callout.is_none() && mention.leading);
        for mention in listed {
            let Some(policy) = self
                .policy
                .callouts
                .iter()
                .find(|policy| policy.product == mention.product)
            else {
                continue;
            };
            let Some((kind, anchor)) = listing_block(page, page.units[mention.unit].kind) else {
                continue;
            };
            if !policy.listing.contains(&kind) {
                continue;
            }
            let key = (anchor.start, anchor.end, mention.product);
            match listing_of.get(&key).map(|&index| &mut listings[index]) {
                Some(listing) => {
                    if !listing.groups.contains(&mention.group) {
                        listing.groups.push(mention.group);
                    }
                }
                None => {
                    listing_of.insert(key, listings.len());
                    listings.push(Listing {
                        product: mention.product,
                        kind,
                        section: page.section_at(anchor.start),
                        anchor,
                        groups: vec![mention.group],
                        via: None,
                    });
                }
            }
        }
        listings
    }
}

/// The word right after a group's name that ends at `end`, lowercased, when only spaces stand between
/// them and it is a word of ASCII letters. `None` at punctuation, markup, a line break, the end of the
/// text, or a word with any other character in it (`é`, also as `e` and a combining accent, `日本語`, a
/// contraction such as `isn't`): each of those ends a name.
fn word_after_name(text: &str, end: usize) -> Option<String> {
    let rest = after_closing_markup(text.get(end..)?);
    let after_spaces = trim_spaces(rest);
    if after_spaces.len() == rest.len() {
        return None;
    }
    let word_end = after_spaces
        .find(|c: char| c.is_whitespace() || (c.is_ascii_punctuation() && c != '\''))
        .unwrap_or(after_spaces.len());
    let word = &after_spaces[..word_end];
    (!word.is_empty() && word.bytes().all(|byte| byte.is_ascii_alphabetic()))
        .then(|| word.to_ascii_lowercase())
}

/// `rest` after the markup that may close around a name (`**`, `_`, `` ` ``, `~`, a link's `](...)`, a
/// closing tag such as `</kbd>`): "**AI Gateway Run** count" reads as "AI Gateway Run count".
fn after_closing_markup(mut rest: &str) -> &str {
    loop {
        let trimmed = rest.trim_start_matches(['*', '_', '`', '~']);
        let trimmed = if let Some(link) = trimmed.strip_prefix("](") {
            link.find(')').map_or(trimmed, |close| &link[close + 1..])
        } else if trimmed.starts_with("</") {
            trimmed
                .find('>')
                .map_or(trimmed, |close| &trimmed[close + 1..])
        } else {
            trimmed
        };
        if trimmed.len() == rest.len() {
            return rest;
        }
        rest = trimmed;
    }
}

/// `text` after the spaces at its start (no line break), also written as character references (`&nbsp;`,
/// `&#160;`), as a reader sees them.
fn trim_spaces(mut text: &str) -> &str {
    loop {
        let trimmed =
            text.trim_start_matches(|c: char| c.is_whitespace() && !matches!(c, '\n' | '\r'));
        let trimmed = match crate::text::entity::decode(trimmed) {
            Some((length, c)) if c.is_whitespace() && !matches!(c, '\n' | '\r') => {
                &trimmed[length..]
            }
            _ => trimmed,
        };
        if trimmed.len() == text.len() {
            return text;
        }
        text = trimmed;
    }
}

/// Where the text of each list item (by list and item) starts: its first unit. A later paragraph of the
/// item ("1. Create a token." / "   AI Gateway Run is the permission it needs.") goes on with what the
/// item says; a group name opening it is a mention in a sentence, not the item listing the group.
fn item_text_starts(page: &Page) -> HashMap<(usize, usize), usize> {
    let mut starts: HashMap<(usize, usize), usize> = HashMap::new();
    for unit in &page.units {
        if let UnitKind::ListItem { list, item } = unit.kind {
            let start = starts.entry((list, item)).or_insert(unit.range.start);
            *start = (*start).min(unit.range.start);
        }
    }
    starts
}

/// The table or list a unit belongs to, as a listing block.
fn listing_block(page: &Page, kind: UnitKind) -> Option<(ListingKind, Range<usize>)> {
    match kind {
        UnitKind::TableCell { table, .. } => {
            Some((ListingKind::Table, page.tables[table].range.clone()))
        }
        UnitKind::ListItem { list, .. } => {
            Some((ListingKind::List, page.lists[list].range.clone()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::word_after_name;

    #[test]
    fn only_a_word_of_ascii_letters_after_a_space_goes_on_from_a_name() {
        let name = "AI Gateway Read";
        for (after, word) in [
            (" count", Some("count")),
            ("\tAPI docs", Some("api")),
            (" e\u{301}", None),
            ("** count", Some("count")),
            ("](x) history", Some("history")),
            ("</kbd> count", Some("count")),
            ("&nbsp;count", Some("count")),
            (" &#160;count", Some("count")),
            ("\u{a0}count", Some("count")),
            (" isn't", None),
            (" doesn’t", None),
            (" é", None),
            (" 日本語", None),
            (" 😀", None),
            (" 2x", None),
            (": Read", None),
            ("** the", Some("the")),
            ("\nthe", None),
            ("", None),
        ] {
            let text = format!("{name}{after}");
            assert_eq!(
                word_after_name(&text, name.len()).as_deref(),
                word,
                "{after:?}"
            );
        }
    }
}
