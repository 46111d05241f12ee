//! SL001 missing-callout.

use super::facts::{Facts, UnsatisfiedSection, page_has_callout, placement_status};
use super::partial_placement;
use super::{Context, Finding, Fix, Rule, Severity};
use crate::config::CalloutPolicy;
use crate::doc::source::line_end;
use crate::fix;

macro_rules! doc {
    () => {
        r#"## What it does

Reports a place that must carry an account-scope call-out and has none:

- a section that lists permission groups of an account-only product (in a table or a list, Markdown or
  HTML `<ul>`/`<ol>`, also a table whose rows split the group into a product cell and an access-level cell
  such as `| Account | AI Gateway | Read |`; on the page or in a partial the section renders), when the
  policy has a `[[callouts]]` entry for that product with `where-listed = true` (the default);
- a page the policy names in `pages` for that product.

With `[partials] placement = "partial"`, a listing that comes from a partial needs the call-out in the
partial, in its section that holds the listing; a call-out on the page does not count. The finding is on
the page, at the line of the render (or the mdBook include), and names the partial, so checking the page alone
finds it; a partial that a checked page renders is not reported itself.

A product is account-only when every one of its groups can only be scoped to `account` in the capability
table. A call-out is acceptable when it is a call-out in any recognised form, names the product, and says
account-only scope in any of the `accept` phrasings ("account-scoped", "scoped to the account", "at the
account level", "cannot be restricted to a single gateway", ...), or denies in any wording that a token can
be narrowed to one resource (a sentence SL003 would read as a claim but for its negation: "you can't scope
these tokens to an individual gateway", "scoping a key to one gateway is not supported"). A phrasing
negated just before it ("are no longer account-scoped", "aren't account-wide anymore") does not count.

## Why

Readers assume a product's tokens can be narrowed the way R2's can be narrowed to one bucket. When several
tenants share an account, a token that cannot be narrowed reaches every resource of the product. The docs
must say so where the groups are listed, and on the pages the policy names.

## Example

```mdx
## Account permissions

| Name            | Description                        |
| --------------- | ---------------------------------- |
| AI Gateway Read | Grants read access to AI Gateways. |
| AI Gateway Run  | Grants access to run AI Gateways.  |
```

is reported: the section lists AI Gateway groups and says nothing about their scope.

## How to fix

Add the call-out at the end of the section. `scope-lint fix` fixes it: it renders the policy's template in
the page's own call-out form (`:::note` for MDX, `> [!NOTE]` for Markdown, or the form the policy sets) and
inserts it after the listing, before the next heading; on a page named in `pages`, at the end of the
configured `heading`'s section, else after the first block that mentions the groups.
"#
    };
}

#[doc = doc!()]
pub struct MissingCallout;

impl Rule for MissingCallout {
    fn code(&self) -> &'static str {
        "SL001"
    }
    fn name(&self) -> &'static str {
        "missing-callout"
    }
    fn summary(&self) -> &'static str {
        "a place that must say a product's permissions are account-scoped only has no such call-out"
    }
    fn doc(&self) -> &'static str {
        doc!()
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn has_fix(&self) -> bool {
        true
    }

    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        for (index, policy) in context.policy.callouts.iter().enumerate() {
            if !context.table.product_is_account_only(policy.product) {
                continue;
            }
            let before = out.len();
            if policy.where_listed {
                self.check_listings(context, index, policy, out);
            }
            if out.len() == before {
                self.check_required_page(context, index, policy, out);
            }
        }
    }
}

impl MissingCallout {
    fn check_listings(
        &self,
        context: &Context<'_>,
        index: usize,
        policy: &CalloutPolicy,
        out: &mut Vec<Finding>,
    ) {
        let in_partial = context.policy.placement_in_partial();
        if context.is_partial && !in_partial {
            return;
        }
        // With the call-out in the partial, the pages that render this file report what it lacks.
        if in_partial && context.included {
            return;
        }
        let (unsatisfied, spare) =
            placement_status(context.page, context.facts, index, policy, in_partial);
        // The first sections pair with the spare call-outs; SL006 reports those as misplaced.
        let lacking: Vec<&UnsatisfiedSection> = unsatisfied.iter().skip(spare.len()).collect();
        let fixes = fix::insert_for_sections(context, policy, &lacking);
        for (section, fix) in lacking.into_iter().zip(fixes) {
            out.push(self.listing_finding(context, policy, section, fix));
        }
        if in_partial {
            self.check_partials(context, index, policy, out);
        }
    }

    /// `placement = "partial"`: each partial the page renders whose listing lacks the call-out, reported at
    /// the page's first render of it; the fix inserts the call-out into the partial.
    fn check_partials(
        &self,
        context: &Context<'_>,
        index: usize,
        policy: &CalloutPolicy,
        out: &mut Vec<Finding>,
    ) {
        let lacking = partial_placement::lacking_partials(context.facts, index, policy);
        let sections: Vec<&UnsatisfiedSection> = lacking.iter().collect();
        let fixes = fix::insert_for_sections(context, policy, &sections);
        for (section, fix) in lacking.iter().zip(fixes) {
            let product = &context.table.products[policy.product].name;
            let groups = self.group_names(context, section);
            let place = context.page.section_title(section.section);
            let partial = partial_placement::partial_shown(context.policy, section);
            let message = format!(
                "{place} renders {partial}, which lists {product} permission groups ({groups}) but has no call-out that they are account-scoped only (placement = \"partial\": the call-out belongs in the partial)"
            );
            let anchor = &section.listing.anchor;
            let first_line_end = line_end(context.page.text(), anchor.start).min(anchor.end);
            out.push(
                Finding::new(self, anchor.start..first_line_end, message)
                    .help(format!("add the call-out to {partial}, in the section that lists the groups; `scope-lint fix` inserts it there"))
                    .fix(fix),
            );
        }
    }

    fn group_names(&self, context: &Context<'_>, section: &UnsatisfiedSection) -> String {
        section
            .groups
            .iter()
            .map(|&group| context.table.groups[group].display_name())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn listing_finding(
        &self,
        context: &Context<'_>,
        policy: &CalloutPolicy,
        section: &UnsatisfiedSection,
        fix: Option<Fix>,
    ) -> Finding {
        let product = &context.table.products[policy.product].name;
        let groups = section
            .groups
            .iter()
            .map(|&group| context.table.groups[group].display_name())
            .collect::<Vec<_>>()
            .join(", ");
        let place = context.page.section_title(section.section);
        let through = match &section.listing.via {
            Some(via) => format!(" (through {})", via.path.display()),
            None => String::new(),
        };
        let message = format!(
            "{place} lists {product} permission groups ({groups}){through} but has no call-out that they are account-scoped only"
        );
        let anchor = &section.listing.anchor;
        let text = context.page.text();
        let first_line_end = line_end(text, anchor.start).min(anchor.end);
        Finding::new(self, anchor.start..first_line_end, message)
            .help(format!("add a call-out saying {product} tokens cannot be scoped below the account; `scope-lint fix` inserts it"))
            .fix(fix)
    }

    fn check_required_page(
        &self,
        context: &Context<'_>,
        index: usize,
        policy: &CalloutPolicy,
        out: &mut Vec<Finding>,
    ) {
        let Some(requirement) = policy
            .pages
            .iter()
            .find(|page| page.glob.is_match(context.relative))
        else {
            return;
        };
        if page_has_callout(context.facts, index, policy.product) {
            return;
        }
        let product = &context.table.products[policy.product].name;
        let span = required_anchor(
            context,
            policy,
            requirement.heading.as_deref(),
            context.facts,
        );
        let message = format!(
            "this page must carry the {product} account-scope call-out (policy: pages matching `{}`)",
            requirement.pattern
        );
        out.push(
            Finding::new(self, span, message)
                .help(format!("say that {product} permissions are account-scoped only; `scope-lint fix` inserts the call-out"))
                .fix(fix::insert_for_page(context, policy, requirement.heading.as_deref())),
        );
    }
}

/// Where a required page's finding points: the configured heading, else the first mention of the product's
/// groups, else the first heading, else the start of the content.
fn required_anchor(
    context: &Context<'_>,
    policy: &CalloutPolicy,
    heading: Option<&str>,
    facts: &Facts,
) -> std::ops::Range<usize> {
    let page = context.page;
    if let Some(found) =
        heading.and_then(|title| page.headings.iter().find(|heading| heading.title == title))
    {
        return found.range.clone();
    }
    if let Some(mention) = facts
        .mentions
        .iter()
        .find(|mention| mention.product == policy.product)
    {
        return mention.span.clone();
    }
    if let Some(first) = page.headings.first() {
        return first.range.clone();
    }
    let start = page.front_matter.as_ref().map_or(0, |front| front.end);
    let start = start + page.text()[start..].len() - page.text()[start..].trim_start().len();
    let end = line_end(page.text(), start);
    start..end
}
