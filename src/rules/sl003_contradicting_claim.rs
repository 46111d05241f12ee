//! SL003 contradicting-claim.

use super::{Context, Finding, Rule, Severity};

macro_rules! doc {
    () => {
        r#"## What it does

Reports prose that claims a token, key or permission can be narrowed to one resource (or a chosen few) of
an account-only product. The resource is the product's `noun` in the capability table ("gateway"); a claim
counts only on a page that names the product or sits in its directory (`.../ai-gateway/...`). Code blocks
and inline code are not prose and are not checked.

SL003 reads each sentence as a relation, not as a fixed phrase. A claim is a sentence in which

- a credential (a token, key, permission or credential, one of the product's group names, or a pronoun
  standing for one: "restrict **it** to ...", "**they** can now be scoped to ...")
- is restricted, by a verb of restricting in any form (scope, limit, restrict, narrow, confine, constrain,
  bind, tie, isolate, pin, lock down: "scoped to", "restriction of tokens to", "scoping ... to"),
- to an instance of the resource, named in any way: a quantifier ("a single", "one", "specific",
  "individual", "particular", "each", "a given", "selected"), a determiner or possessive ("your gateway",
  "this gateway", "the gateway that serves tenant A", "the gateway named `prod`"), a named instance in code
  ("the `support-bot` gateway", "`tenant-a-gateway`"), "per gateway" or "at the gateway level";

or a compound noun on the resource noun qualifies a credential ("per-gateway tokens", "gateway-scoped
keys", "gateway-level permissions", "tokens are gateway-scoped"), or a credential can *only* use one
instance ("a token can only call one gateway"). "Scoped to every gateway", "to the gateways in your
account" and "rate limits are scoped to a single gateway" (no credential) are not claims.

A sentence is not a claim of what is possible today when a negation reaches the claim (before it: "there is
no way to", "cannot", "never", "unable to", "without"; after it: "... is not supported", "... isn't
possible"), unless the negation is a pseudo-negation ("not only", "you don't need to") or a termination
term ends its reach ("but", "however", "; ", ", which", a leading clause such as "If you don't share
tokens, ..."); when it is a question; when a condition governs it ("if you could scope ...", "whether");
when it is about the future ("will be able to", "is planned", "coming soon"); or when it reports what
someone asks or believes ("customers ask whether ...", "a common misconception is that ..."). Typographic
apostrophes, quotes and dashes read as their ASCII forms (`can’t` is `can't`).

A call-out that says the product has *stopped* being account-only ("AI Gateway tokens can now be scoped to a
single gateway") is such a claim: SL003 reports it, and the call-out does not count as the account-only
call-out its section needs (SL001).

The word lists are data, embedded from `src/prose.toml`; the resource noun and product name come from the
capability table, so a second product's claims need no change to them.

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
