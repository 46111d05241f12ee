//! SL003 contradicting-claim.

use super::{Context, Finding, Rule, Severity};

macro_rules! doc {
    () => {
        r#"## What it does

Reports prose that claims a token can be narrowed to one resource of an account-only product: "scope the
token to a single gateway", "restrict it to specific gateways", "per-gateway tokens", "gateway-scoped
tokens". The resource is the product's `noun` in the capability table (or its name); a claim counts only on a
page that names the product or sits in its directory (`.../ai-gateway/...`), and a negated sentence ("there is no way to scope a token to a single gateway")
is not a claim. Code blocks are not prose and are not checked.

## Why

The claim is false: the table says the product's groups can only be granted on a whole account. A reader who
believes it builds a multi-tenant design on a boundary that does not exist.

## Example

```markdown
For isolation, scope the token to a single gateway.
```

is reported on a page about AI Gateway. "Scope the token to a single bucket" is not: R2 buckets can be
scoped.

## How to fix

Rewrite the sentence to say what is true (a token reaches every gateway in the account) and how to isolate
tenants instead (separate accounts, or a Worker binding). `scope-lint fix` does not change it: the right
wording depends on the page. Suppress a deliberate exception by rewording or with the rule's level in
`[rules]`.
"#
    };
}

#[doc = doc!()]
pub struct ContradictingClaim;

/// Whether the page lives in the product's directory (`.../ai-gateway/...`).
fn in_product_directory(context: &Context<'_>, product: crate::table::ProductIndex) -> bool {
    let id = context.table.products[product].id.as_str();
    context
        .relative
        .components()
        .any(|component| component.as_os_str() == id)
}

impl Rule for ContradictingClaim {
    fn code(&self) -> &'static str {
        "SL003"
    }
    fn name(&self) -> &'static str {
        "contradicting-claim"
    }
    fn summary(&self) -> &'static str {
        "prose claims a token can be narrowed to one resource of an account-only product"
    }
    fn doc(&self) -> &'static str {
        doc!()
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
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
        for unit in &page.units {
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
