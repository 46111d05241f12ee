//! SL003 contradicting-claim.

use super::{Context, Finding, Rule};
use crate::catalog::{RuleMeta, Severity};
use rustc_hash::FxHashMap as HashMap;

use crate::doc::UnitKind;

/// SL003 contradicting-claim, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL003",
    name: "contradicting-claim",
    severity: Severity::Error,
    fix: false,
    summary: "prose claims a token can be narrowed to one resource of an account-only product",
};

macro_rules! doc {
    () => {
        include_str!("sl003_contradicting_claim.md")
    };
}

#[doc = doc!()]
pub(crate) struct ContradictingClaim;

/// Whether the page lives in the product's directory (`.../ai-gateway/...`).
fn in_product_directory(context: &Context<'_>, product: crate::table::ProductIndex) -> bool {
    let id = context.table.products[product].id.as_str();
    context
        .relative
        .components()
        .any(|component| component.as_os_str() == id)
}

impl Rule for ContradictingClaim {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
    }

    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        let claims: Vec<_> = context
            .matcher
            .claims
            .iter()
            .filter(|claim| {
                context.facts.named_products.contains(&claim.product)
                    || in_product_directory(context, claim.product)
            })
            .collect();
        if claims.is_empty() {
            return;
        }
        let page = context.page;
        // Whether a table row states a status, asked only of rows that hold a claim, once per row.
        let mut status_rows: HashMap<(usize, usize), bool> = HashMap::default();
        // The units in order of their start, made once for the first claim a pronoun may read.
        let unit_starts = std::cell::OnceCell::new();
        for unit in &page.units {
            let text = page.unit_text(unit);
            for claim in &claims {
                let mut found = context
                    .matcher
                    .prose_claims(text, unit.range.start, claim.product);
                if found.is_empty() {
                    continue;
                }
                if matches!(unit.kind, UnitKind::Paragraph | UnitKind::ListItem { .. }) {
                    let starts = unit_starts.get_or_init(|| units_by_start(page));
                    let before = texts_before(page, starts, unit);
                    found = context.matcher.prose_claims_after(
                        text,
                        unit.range.start,
                        claim.product,
                        &before,
                    );
                }
                if let UnitKind::TableCell { table, row, .. } = unit.kind
                    && *status_rows
                        .entry((table, row))
                        .or_insert_with(|| states_a_status(context, table, row))
                {
                    continue;
                }
                if !matches!(unit.kind, UnitKind::TableCell { .. })
                    && context.matcher.lexicon().labels_a_missing_feature(text)
                {
                    continue;
                }
                for found in found {
                    let product = &context.table.products[claim.product];
                    let noun = product.noun.as_deref().unwrap_or("resource");
                    let message = format!(
                        "this claims a token can be narrowed to one {noun}, but {} permissions are account-scoped only",
                        product.name
                    );
                    out.push(Finding::new(self, found.range, message).help(format!(
                        "say that a token with {} permissions reaches every {noun} in the account",
                        product.name
                    )));
                }
            }
        }
    }
}

/// The page's units (by index) in order of where they start.
fn units_by_start(page: &crate::doc::Page) -> Vec<usize> {
    let mut order: Vec<usize> = (0..page.units.len()).collect();
    order.sort_by_key(|&index| page.units[index].range.start);
    order
}

/// What a paragraph or list item comes after, for a pronoun that opens it: the text of the unit right
/// before it, which is its section's heading when it opens the section (none when it is the page's
/// first). A pronoun refers to what was said last: in "## AI Gateway tokens" / "Turn on caching." / "You
/// can limit it to a single gateway.", "it" is the cache. `by_start` is [`units_by_start`].
fn texts_before<'p>(
    page: &'p crate::doc::Page,
    by_start: &[usize],
    unit: &crate::doc::TextUnit,
) -> Vec<&'p str> {
    let earlier =
        by_start.partition_point(|&index| page.units[index].range.start < unit.range.start);
    earlier
        .checked_sub(1)
        .map(|last| page.unit_text(&page.units[by_start[last]]))
        .into_iter()
        .collect()
}

/// Whether body row `row` of the page's table `table` has a cell that says the row's feature is missing
/// or only planned ("| Per-gateway tokens | ❌ No |"): such a row states a status, not a claim.
fn states_a_status(context: &Context<'_>, table: usize, row: usize) -> bool {
    let page = context.page;
    let Some(block) = page.tables.get(table) else {
        return false;
    };
    if row == 0 && block.has_header {
        return false;
    }
    let lexicon = context.matcher.lexicon();
    block.rows.get(row).is_some_and(|cells| {
        cells
            .iter()
            .any(|&cell| lexicon.denies_in_cell(page.unit_text(&page.units[cell])))
    })
}
