//! What a page says, for the rules to read: which groups are mentioned where, which sections list which
//! product's groups (directly or through a partial), and what each call-out says. Included files come
//! through the [`crate::source::Loader`]; nothing here opens a file.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub mod partial_placement;
pub mod split_rows;

use crate::doc::include::{FilePart, blank_outside, select_part};
use crate::doc::source::SourceText;
use crate::doc::{IncludeTarget, Page, SectionId, UnitKind};
use crate::policy::{CalloutPolicy, ListingKind, Policy};
use crate::source::{ContributionKey, Loader, Memo, resolve_include};
use crate::table::matcher::{Matcher, groups_of};
use crate::table::{CapabilityTable, GroupIndex, ProductIndex};
use crate::text::normalize::{Mode, WILDCARD, ends_with_word, normalize, normalize_text};

/// How deep partials may include partials.
const MAX_INCLUDE_DEPTH: usize = 8;

/// What one page says, resolved through what it includes: the input of every rule.
#[derive(Debug, Default)]
pub struct Facts {
    /// Group mentions in the page's own text (code blocks excluded).
    pub mentions: Vec<Mention>,
    /// Tables and lists that name a product's groups, here or in an included file.
    pub listings: Vec<Listing>,
    /// What each of the page's call-outs says (same order as `Page::callouts`).
    pub callouts: Vec<CalloutReading>,
    /// Call-outs in included files, which count for the section that includes them.
    pub included_callouts: Vec<IncludedCallout>,
    /// Products named anywhere on the page or in what it includes.
    pub named_products: Vec<ProductIndex>,
    /// Each text unit's name-normalised text (same order as `Page::units`).
    pub unit_names: Vec<String>,
    /// Every group named on the page or in what it includes (sorted, once each), for site-wide rules.
    pub named_groups: Vec<GroupIndex>,
    /// The partials the page renders with `params` (`<Render file="x" params={{...}} />`), for rules that
    /// read a partial's text with the page's values in its `{props.*}` placeholders.
    pub rendered_partials: Vec<RenderedPartial>,
}

/// A partial rendered by the page with `params`.
#[derive(Debug, Clone)]
pub struct RenderedPartial {
    /// The include element in the page.
    pub include: Range<usize>,
    /// The `file` the include names.
    pub file: String,
    /// The partial's page model (its text without the page's values).
    pub page: Arc<Page>,
    /// The string-valued `params` the page passes, substituted for `{props.<name>}`.
    pub params: Vec<(String, String)>,
}

/// A permission group named in the page's text.
#[derive(Debug, Clone)]
pub struct Mention {
    /// The group named.
    pub group: GroupIndex,
    /// The product the group belongs to.
    pub product: ProductIndex,
    /// Where the name is, as a byte range of the page.
    pub span: Range<usize>,
    /// Index into `Page::units`: the text unit the name is in.
    pub unit: usize,
    /// The call-out the mention is in.
    pub callout: Option<usize>,
    /// Whether the group name is what the table cell or list item starts with (so it lists the group,
    /// rather than mentioning it in a sentence).
    pub leading: bool,
}

/// A table or list that names groups of one product, on the page or in a file it includes.
#[derive(Debug, Clone)]
pub struct Listing {
    /// The product whose groups are listed.
    pub product: ProductIndex,
    /// A table or a list.
    pub kind: ListingKind,
    /// The section of the page the listing is in (for an included one, the section of the include).
    pub section: SectionId,
    /// The table or list, or the include that brings it in.
    pub anchor: Range<usize>,
    /// The product's groups it names, in order of first appearance.
    pub groups: Vec<GroupIndex>,
    /// Set when the listing is in an included file.
    pub via: Option<IncludedListing>,
}

/// Where an included listing comes from.
#[derive(Debug, Clone)]
pub struct IncludedListing {
    /// The included file.
    pub path: PathBuf,
    /// The included file's page model.
    pub page: Arc<Page>,
    /// The table or list in the included file.
    pub anchor: Range<usize>,
    /// The call-out policies (by index) whose acceptable call-out the included file itself holds in the
    /// section of the listing: what `placement = "partial"` asks for.
    pub carries: Vec<usize>,
    /// Whether the whole file is included (not a line range or an anchor of it).
    pub whole: bool,
}

/// What one call-out says: the products it names, what it is about and whether it says "account-only".
#[derive(Debug, Clone)]
pub struct CalloutReading {
    /// The section the call-out is in.
    pub section: SectionId,
    /// Products named in the call-out, in order of first appearance.
    pub products: Vec<ProductIndex>,
    /// The first named product that has a call-out policy: what the call-out is about.
    pub subject: Option<ProductIndex>,
    /// Name-normalised text (title and body).
    pub names: String,
    /// Prose-normalised text (title and body).
    pub prose: String,
    /// Indexes of the call-out policies whose account-only phrases the call-out uses.
    pub says_account_only: Vec<usize>,
}

impl CalloutReading {
    /// Whether the call-out is an acceptable call-out for policy `index` about `product`.
    pub fn accepts(&self, index: usize, product: ProductIndex) -> bool {
        self.products.contains(&product) && self.says_account_only.contains(&index)
    }
}

/// A call-out in an included file, read as if it stood where the include is.
#[derive(Debug, Clone)]
pub struct IncludedCallout {
    /// The section of the page that holds the include.
    pub section: SectionId,
    /// The include element or link in the page.
    pub include: Range<usize>,
    /// What the call-out says.
    pub reading: CalloutReading,
}

/// Gathers facts; holds what every page needs.
pub struct Gatherer<'a> {
    /// The capability table the names are looked up in.
    pub table: &'a CapabilityTable,
    /// The policy: call-outs, partials, placement.
    pub policy: &'a Policy,
    /// The table's names compiled for searching text.
    pub matcher: &'a Matcher,
    /// Reads included files and partials (nothing is read here otherwise).
    pub loader: &'a dyn Loader,
    /// Whether to find group names in prose too (paragraphs, headings), not only in table cells and list
    /// items: needed where a policy requires the call-out on the page (to place it after the first
    /// mention); elsewhere only listings count, and skipping prose saves most of the work.
    pub every_unit: bool,
}

impl Gatherer<'_> {
    /// The facts of `page`, whose file is at `location` (when it is on disk), with `params` for `{props.*}`.
    pub fn facts(
        &self,
        page: &Page,
        location: Option<&Path>,
        params: &[(String, String)],
    ) -> Facts {
        let mut stack = Vec::new();
        // Each included file's contribution is computed once: shared by the run when the loader keeps a
        // memo, else kept for this page (a file included ten times, that includes another ten times, ...
        // would otherwise be gathered 10^depth times).
        let local;
        let memo = match self.loader.memo() {
            Some(memo) => &memo.contributions,
            None => {
                local = Memo::default();
                &local
            }
        };
        self.gather(page, location, params, &mut stack, memo)
    }

    fn gather(
        &self,
        page: &Page,
        location: Option<&Path>,
        params: &[(String, String)],
        stack: &mut Vec<PathBuf>,
        memo: &ContributionMemo,
    ) -> Facts {
        let mut facts = Facts::default();
        self.mentions(page, params, &mut facts);
        facts
            .named_products
            .extend(self.matcher.claim_products_in(&page.masked));
        // The front matter's title is the page's title on the site (a Starlight page has no `#` heading).
        if let Some(front_matter) = &page.front_matter {
            facts.named_products.extend(
                self.matcher
                    .claim_products_in(&page.text()[front_matter.clone()]),
            );
        }
        facts.listings = self.listings(page, &facts.mentions);
        let nested = nested_callouts(&page.callouts);
        facts.callouts = page
            .callouts
            .iter()
            .zip(&nested)
            .map(|(callout, inner)| self.read_callout(page, callout, inner, params))
            .collect();
        if stack.len() < MAX_INCLUDE_DEPTH {
            self.includes(page, location, params, stack, memo, &mut facts);
        }
        facts.named_products.sort_unstable();
        facts.named_products.dedup();
        facts
            .named_groups
            .extend(facts.mentions.iter().map(|mention| mention.group));
        facts.named_groups.sort_unstable();
        facts.named_groups.dedup();
        facts
    }

    fn mentions(&self, page: &Page, params: &[(String, String)], facts: &mut Facts) {
        facts.unit_names.reserve(page.units.len());
        // Each unit's innermost call-out, found in one sweep the first time a unit names a group.
        let mut callout_of_unit: Option<Vec<Option<usize>>> = None;
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
            facts.named_products.extend(
                found
                    .iter()
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
                for found in groups {
                    facts.mentions.push(Mention {
                        group: found.item,
                        product: self.table.groups[found.item].product,
                        leading: found.range.start == 0,
                        span: mapped.source_range(found.range, page.text()),
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
                        leading: true,
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
    fn listings(&self, page: &Page, mentions: &[Mention]) -> Vec<Listing> {
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

    /// What `callout` says in its own text: the text of the call-outs `inner` to it is theirs (reading it
    /// again for every enclosing call-out would make nested call-outs quadratic).
    fn read_callout(
        &self,
        page: &Page,
        callout: &crate::doc::Callout,
        inner: &[Range<usize>],
        params: &[(String, String)],
    ) -> CalloutReading {
        let mut names = String::new();
        let mut prose = String::new();
        for (text, _, raw) in own_parts(page, callout, inner) {
            names.push_str(&normalize_text(text, Mode::Name, params));
            names.push(' ');
            prose.push_str(&normalize_text(text, Mode::Prose, params));
            prose.push_str(if raw { ". " } else { " " });
        }
        let mut products: Vec<ProductIndex> = Vec::new();
        let mut contrasts: Vec<ProductIndex> = Vec::new();
        for found in self.matcher.find_products(&names) {
            if !products.contains(&found.item) {
                products.push(found.item);
            }
            if is_contrast(&names[..found.range.start]) {
                contrasts.push(found.item);
            }
        }
        // "Unlike R2, ..." names R2 as a contrast: the call-out is about the product it goes on to name.
        let subject = products
            .iter()
            .copied()
            .filter(|product| !contrasts.contains(product))
            .find(|product| {
                self.policy
                    .callouts
                    .iter()
                    .any(|policy| policy.product == *product)
            });
        // A call-out that says the product can now be narrowed to one resource says the opposite of
        // account-only, whatever account-only phrase it also uses.
        let says_account_only = self
            .policy
            .callouts
            .iter()
            .enumerate()
            .filter(|(_, policy)| {
                self.says_account_only(&prose, policy)
                    || self.matcher.denies_claim(&prose, policy.product)
            })
            .filter(|(_, policy)| !self.callout_claims(page, callout, inner, policy.product))
            .map(|(index, _)| index)
            .collect();
        CalloutReading {
            section: page.section_at(callout.range.start),
            products,
            subject,
            names,
            prose,
            says_account_only,
        }
    }

    /// Whether the call-out's prose uses one of the policy's account-only phrasings, and not negated ("are
    /// no longer account-scoped" says the product has stopped being account-only).
    fn says_account_only(&self, prose: &str, policy: &crate::policy::CalloutPolicy) -> bool {
        policy.accept.iter().any(|regex| {
            regex.find_iter(prose).any(|found| {
                !self
                    .matcher
                    .lexicon
                    .negates_what_follows(tail(&prose[..found.start()]))
            })
        })
    }

    /// Whether the call-out's own title or body claims a token can be narrowed to one of `product`'s
    /// resources.
    fn callout_claims(
        &self,
        page: &Page,
        callout: &crate::doc::Callout,
        inner: &[Range<usize>],
        product: ProductIndex,
    ) -> bool {
        own_parts(page, callout, inner)
            .any(|(text, base, _)| !self.matcher.prose_claims(text, base, product).is_empty())
    }

    fn includes(
        &self,
        page: &Page,
        location: Option<&Path>,
        params: &[(String, String)],
        stack: &mut Vec<PathBuf>,
        memo: &ContributionMemo,
        facts: &mut Facts,
    ) {
        let Some(location) = location else { return };
        for include in &page.includes {
            let Some(path) = resolve_include(self.policy, self.loader, location, include) else {
                continue;
            };
            // An include that closes a cycle is not followed (the run reports the cycle).
            if stack.contains(&path) || !self.loader.follows(location, &path) {
                continue;
            }
            let include_params: Vec<(String, String)> = match &include.target {
                IncludeTarget::Partial { params, .. } => params.clone(),
                IncludeTarget::File { .. } => params.to_vec(),
            };
            let part = match &include.target {
                IncludeTarget::File { part, .. } => Some(part.clone()),
                IncludeTarget::Partial { .. } => None,
            };
            // The depth is part of the key: deeper includes see fewer levels below them.
            let contribution = memo.get_or_compute(
                (path, include_params, part, stack.len()),
                |(path, params, part, _)| {
                    self.contribution(path, params, part.as_ref(), stack, memo)
                        .map(|contribution| contribution as Arc<dyn Any + Send + Sync>)
                },
            );
            let Some(contribution) =
                contribution.and_then(|contribution| contribution.downcast::<Contribution>().ok())
            else {
                continue;
            };
            if stack.is_empty()
                && let IncludeTarget::Partial { file, params, .. } = &include.target
                && !params.is_empty()
            {
                facts.rendered_partials.push(RenderedPartial {
                    include: include.range.clone(),
                    file: file.clone(),
                    page: Arc::clone(&contribution.page),
                    params: params.clone(),
                });
            }
            let section = page.section_at(include.range.start);
            facts
                .listings
                .extend(contribution.listings.iter().map(|listing| Listing {
                    section,
                    anchor: include.range.clone(),
                    ..listing.clone()
                }));
            facts
                .included_callouts
                .extend(contribution.readings.iter().map(|reading| IncludedCallout {
                    section,
                    include: include.range.clone(),
                    reading: reading.clone(),
                }));
            facts.named_products.extend(&contribution.named_products);
            facts.named_groups.extend(&contribution.named_groups);
        }
    }

    /// What the file at `path` (or `part` of it) brings to a page that includes it with `params`; `None`
    /// when it cannot be read.
    fn contribution(
        &self,
        path: &Path,
        params: &[(String, String)],
        part: Option<&FilePart>,
        stack: &mut Vec<PathBuf>,
        memo: &ContributionMemo,
    ) -> Option<Arc<Contribution>> {
        let dialect = self.policy.dialect_for(path);
        let whole = self.loader.load(path, dialect)?;
        let partial = match part {
            Some(part) if *part != FilePart::Whole => {
                let keep = select_part(whole.text(), part);
                let text = blank_outside(whole.text(), keep);
                Arc::new(Page::parse(SourceText::new(path, text), dialect))
            }
            _ => whole,
        };
        stack.push(path.to_path_buf());
        let inner = self.gather(&partial, Some(path), params, stack, memo);
        stack.pop();
        let carried = partial_placement::carried_callouts(&partial, &inner, self.policy);
        let whole = part.is_none_or(|part| *part == FilePart::Whole);
        Some(Arc::new(Contribution::of(
            inner, path, &partial, carried, whole,
        )))
    }
}

/// What an included file brings to the page that includes it: its listings (with where they are in the
/// file), every call-out in it, and the products it names.
#[derive(Debug)]
pub struct Contribution {
    /// The included file (or the part of it included), as parsed.
    page: Arc<Page>,
    listings: Vec<Listing>,
    readings: Vec<CalloutReading>,
    named_products: Vec<ProductIndex>,
    named_groups: Vec<GroupIndex>,
}

impl Contribution {
    /// The contribution of a file whose own facts are `inner`. A listing or call-out the file includes
    /// several times (or through several paths) is kept once, so that a contribution is never larger
    /// than what the files below it hold, however often they are included.
    /// `carried` holds, for each of the file's listings, the policies whose call-out the file holds in the
    /// listing's section; `whole` says whether the whole file is included.
    fn of(
        inner: Facts,
        path: &Path,
        partial: &Arc<Page>,
        carried: Vec<Vec<usize>>,
        whole: bool,
    ) -> Contribution {
        let mut listings: Vec<Listing> = Vec::new();
        let mut seen: HashMap<(ProductIndex, PathBuf, Range<usize>), usize> = HashMap::new();
        for (listing, carries) in inner.listings.into_iter().zip(carried) {
            let via = listing.via.clone().unwrap_or(IncludedListing {
                path: path.to_path_buf(),
                page: Arc::clone(partial),
                anchor: listing.anchor.clone(),
                carries,
                whole,
            });
            let key = (listing.product, via.path.clone(), via.anchor.clone());
            match seen.get(&key) {
                Some(&index) => {
                    let known = &mut listings[index].groups;
                    for group in listing.groups {
                        if !known.contains(&group) {
                            known.push(group);
                        }
                    }
                }
                None => {
                    seen.insert(key, listings.len());
                    listings.push(Listing {
                        via: Some(via),
                        ..listing
                    });
                }
            }
        }
        let mut readings: Vec<CalloutReading> = Vec::new();
        let mut seen_readings: HashSet<(String, String)> = HashSet::new();
        let all_readings = inner.callouts.into_iter().chain(
            inner
                .included_callouts
                .into_iter()
                .map(|included| included.reading),
        );
        for reading in all_readings {
            // Readings of one text are equal: their products and phrases follow from the two texts.
            if seen_readings.insert((reading.names.clone(), reading.prose.clone())) {
                readings.push(reading);
            }
        }
        Contribution {
            page: Arc::clone(partial),
            listings,
            readings,
            named_products: inner.named_products,
            named_groups: inner.named_groups,
        }
    }
}

/// Contributions computed once per run (or per page), held as `Any` by the source layer's memo.
type ContributionMemo = Memo<ContributionKey, Option<Arc<dyn Any + Send + Sync>>>;

/// Whether the text before a product name introduces it as a contrast ("unlike R2", "compared to R2").
fn is_contrast(before: &str) -> bool {
    const CONTRAST: &[&str] = &[
        "unlike",
        "like",
        "compared to",
        "contrast to",
        "contrast with",
        "opposed to",
        "than",
        "except",
    ];
    let before = before.trim_end();
    CONTRAST.iter().any(|word| ends_with_word(before, word))
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

/// For each unit of the page (in `Page::units` order), the innermost call-out its start is in: one sweep
/// over the unit starts and the call-outs, both sorted by offset.
fn innermost_callouts(page: &Page) -> Vec<Option<usize>> {
    let mut callouts: Vec<usize> = (0..page.callouts.len()).collect();
    callouts.sort_by_key(|&index| {
        let range = &page.callouts[index].range;
        (
            range.start,
            std::cmp::Reverse(range.end),
            std::cmp::Reverse(index),
        )
    });
    let mut units: Vec<usize> = (0..page.units.len()).collect();
    units.sort_by_key(|&index| page.units[index].range.start);
    let mut innermost = vec![None; page.units.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut next = 0;
    for unit in units {
        let offset = page.units[unit].range.start;
        while let Some(&callout) = callouts.get(next)
            && page.callouts[callout].range.start <= offset
        {
            open.push(callout);
            next += 1;
        }
        while open
            .last()
            .is_some_and(|&callout| page.callouts[callout].range.end <= offset)
        {
            open.pop();
        }
        innermost[unit] = open.last().copied();
    }
    innermost
}

/// For each call-out (in `Page::callouts` order), the ranges of the call-outs directly inside it, in
/// source order: one sweep over the call-outs sorted by start.
fn nested_callouts(callouts: &[crate::doc::Callout]) -> Vec<Vec<Range<usize>>> {
    let mut order: Vec<usize> = (0..callouts.len()).collect();
    order.sort_by_key(|&index| {
        let range = &callouts[index].range;
        (range.start, std::cmp::Reverse(range.end))
    });
    let mut nested = vec![Vec::new(); callouts.len()];
    let mut open: Vec<usize> = Vec::new();
    for index in order {
        let range = &callouts[index].range;
        while let Some(&top) = open.last() {
            let outer = &callouts[top].range;
            if outer.start <= range.start && range.end <= outer.end {
                if range.len() < outer.len() {
                    nested[top].push(range.clone());
                }
                break;
            }
            open.pop();
        }
        open.push(index);
    }
    nested
}

/// The call-out's own text, as (text, its offset in the file, whether it is the title): the title (raw
/// text), then the body (MDX-masked) in pieces around the call-outs `inner` to it. A GFM alert's marker
/// line is dropped from the start of each part.
fn own_parts<'p>(
    page: &'p Page,
    callout: &crate::doc::Callout,
    inner: &[Range<usize>],
) -> impl Iterator<Item = (&'p str, usize, bool)> {
    let title = callout
        .title
        .iter()
        .map(|range| (&page.text()[range.clone()], range.start, true));
    let body = &callout.body;
    let mut pieces = Vec::with_capacity(inner.len() + 1);
    let mut start = body.start;
    for nested in inner {
        let end = nested.start.clamp(start, body.end);
        pieces.push(start..end);
        start = nested.end.clamp(start, body.end);
    }
    pieces.push(start..body.end);
    let body = pieces.into_iter().enumerate().filter_map(|(index, piece)| {
        let text = &page.masked[piece.clone()];
        let text = if index == 0 {
            strip_alert_marker(text)
        } else {
            text
        };
        (index == 0 || !text.trim().is_empty()).then_some((text, piece.start, false))
    });
    title
        .map(|(text, base, raw)| (strip_alert_marker(text), base, raw))
        .chain(body)
}

/// Drops a GFM alert's `[!NOTE]` marker line so that it is not read as words.
fn strip_alert_marker(text: &str) -> &str {
    let trimmed = text.trim_start_matches(['>', ' ', '\t']);
    if trimmed.starts_with("[!") {
        &trimmed[crate::doc::source::line_end(trimmed, 0)..]
    } else {
        text
    }
}

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

/// The last few hundred bytes of `text` (on a character boundary): a negation reaches a phrase only from a
/// few words before it, and a call-out with thousands of phrasings stays linear.
fn tail(text: &str) -> &str {
    const TAIL_BYTES: usize = 256;
    let mut start = text.len().saturating_sub(TAIL_BYTES);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}
