//! SL003 contradicting-claim.

use super::{Context, Finding, Rule};
use crate::catalog::{RuleMeta, Severity};
use rustc_hash::FxHashSet as HashSet;

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
        let status_rows = status_rows(context);
        for unit in &page.units {
            if matches!(unit.kind, UnitKind::TableCell { table, row, .. } if status_rows.contains(&(table, row)))
            {
                continue;
            }
            let text = page.unit_text(unit);
            for claim in &claims {
                for found in context
                    .matcher
                    .prose_claims(text, unit.range.start, claim.product)
                {
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

/// The body rows of the page's tables (table and row index) with a cell that says the row's feature is
/// missing or only planned ("| Per-gateway tokens | ❌ No |"): such a row states a status, not a claim.
fn status_rows(context: &Context<'_>) -> HashSet<(usize, usize)> {
    let page = context.page;
    let lexicon = context.matcher.lexicon();
    let mut rows = HashSet::default();
    for (table, block) in page.tables.iter().enumerate() {
        let body = usize::from(block.has_header);
        for (row, cells) in block.rows.iter().enumerate().skip(body) {
            let denied = cells
                .iter()
                .any(|&cell| lexicon.denies_in_cell(page.unit_text(&page.units[cell])));
            if denied {
                rows.insert((table, row));
            }
        }
    }
    rows
}
