//! What a page says, for the rules to read: which groups are mentioned where, which sections list which
//! product's groups (directly or through a partial), and what each call-out says. Included files come
//! through the [`crate::source::Sources`]; nothing here opens a file.

use std::any::Any;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod callouts;
mod includes;
mod mentions;
pub mod partial_placement;
mod placement;
pub mod split_rows;

use callouts::*;
use includes::*;
pub use placement::{UnsatisfiedSection, page_has_callout, placement_status};

use crate::doc::include::{FilePart, blank_outside, select_part};
use crate::doc::source::SourceText;
use crate::doc::{IncludeTarget, Page, SectionId, UnitKind};
use crate::policy::{CalloutPolicy, ListingKind, Policy};
use crate::source::include_graph::MAX_INCLUDE_DEPTH;
use crate::source::{ContributionKey, Memo, Sources, resolve_include};
use crate::table::matcher::{Matcher, groups_of};
use crate::table::{CapabilityTable, GroupIndex, ProductIndex};
use crate::text::normalize::{Mode, WILDCARD, ends_with_word, normalize, normalize_text};

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
    /// The included file's page model, with what the include leaves out (outside its anchor or line range)
    /// blanked.
    pub page: Arc<Page>,
    /// The included file's page model as the file is written (the same as `page` when it is included
    /// whole): what an insertion into the file is made and read back in.
    pub file: Arc<Page>,
    /// The table or list in the included file.
    pub anchor: Range<usize>,
    /// The call-out policies (by index) whose acceptable call-out the included file itself holds in the
    /// section of the listing: what `placement = "partial"` asks for.
    pub carries: Vec<usize>,
    /// How the file is included (whole, an anchor, a line range): two renders of one listing that differ in
    /// it may differ in whether a call-out inserted into the file shows.
    pub part: FilePart,
}

impl IncludedListing {
    /// Whether the whole file is included (not a line range or an anchor of it).
    pub fn whole(&self) -> bool {
        self.part == FilePart::Whole
    }

    /// Whether a bounded line range of the file is included (`{{#include file.md:5:6}}`): a call-out added
    /// to the file would fall outside it (an open-ended range, `file.md:3:`, runs to the end of the file).
    pub fn lines(&self) -> bool {
        matches!(self.part, FilePart::Lines(_, Some(_)))
    }
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
    /// Indexes of the call-out policies, of products the call-out names, whose account-only phrases the
    /// call-out uses.
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
    pub sources: &'a dyn Sources,
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
        // Each included file's contribution is computed once: shared by the run when the sources keep a
        // memo, else kept for this page (a file included ten times, that includes another ten times, ...
        // would otherwise be gathered 10^depth times).
        let local;
        let memo = match self.sources.memo() {
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
}
