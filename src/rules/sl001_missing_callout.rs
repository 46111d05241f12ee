//! SL001 missing-callout.

use super::{Context, Finding, FixIntent, Rule};
use crate::catalog::{RuleMeta, Severity};
use crate::doc::source::line_end;
use crate::facts::partial_placement;
use crate::facts::{Facts, UnsatisfiedSection, page_has_callout, placement_status};
use crate::policy::CalloutPolicy;

/// SL001 missing-callout, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL001",
    name: "missing-callout",
    severity: Severity::Error,
    fix: true,
    summary: "a place that must say a product's permissions are account-scoped only has no such call-out",
};

macro_rules! doc {
    () => {
        include_str!("sl001_missing_callout.md")
    };
}

#[doc = doc!()]
pub(crate) struct MissingCallout;

impl Rule for MissingCallout {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
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
        for section in lacking {
            out.push(self.listing_finding(context, policy, section).intent(
                FixIntent::InsertInSection {
                    callout: index,
                    section: section.clone(),
                },
            ));
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
        for section in lacking {
            let product = &context.table.products[policy.product].name;
            let groups = self.group_names(context, &section);
            let place = context.page.section_title(section.section);
            let partial = partial_placement::partial_shown(context.policy, &section);
            let inner = partial_placement::partial_section_shown(&section);
            let message = format!(
                "{place} renders {partial}{inner}, which lists {product} permission groups ({groups}) but has no call-out that they are account-scoped only (placement = \"partial\": the call-out belongs in the partial)"
            );
            let anchor = &section.listing.anchor;
            let first_line_end = line_end(context.page.text(), anchor.start).min(anchor.end);
            out.push(
                Finding::new(self, anchor.start..first_line_end, message)
                    .help(format!("add the call-out to {partial}, in the section that lists the groups; `scope-lint fix` inserts it there"))
                    .intent(FixIntent::InsertInSection {
                        callout: index,
                        section,
                    }),
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
                .intent(FixIntent::InsertInPage {
                    callout: index,
                    heading: requirement.heading.clone(),
                }),
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
