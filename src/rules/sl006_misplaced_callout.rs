//! SL006 misplaced-callout.

use super::{Context, Finding, FixIntent, Rule};
use crate::catalog::{RuleMeta, Severity};
use crate::facts::partial_placement;
use crate::facts::placement_status;

/// SL006 misplaced-callout, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL006",
    name: "misplaced-callout",
    severity: Severity::Warning,
    fix: true,
    summary: "the call-out is on the page but not in the section that lists the groups",
};

macro_rules! doc {
    () => {
        include_str!("sl006_misplaced_callout.md")
    };
}

#[doc = doc!()]
pub(crate) struct MisplacedCallout;

impl Rule for MisplacedCallout {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
    }

    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        let in_partial = context.policy.placement_in_partial();
        if context.is_partial && !in_partial {
            return;
        }
        for (index, policy) in context.policy.callouts.iter().enumerate() {
            if !policy.where_listed || !context.table.product_is_account_only(policy.product) {
                continue;
            }
            let (unsatisfied, spare) =
                placement_status(context.page, context.facts, index, policy, in_partial);
            for (section, callout) in unsatisfied.iter().zip(spare) {
                let product = &context.table.products[policy.product].name;
                let here = context
                    .page
                    .section_title(context.facts.callouts[callout].section);
                let there = context.page.section_title(section.section);
                let message = format!(
                    "the {product} call-out is in {here}, but the groups are listed in {there}"
                );
                out.push(
                    Finding::new(self, context.page.callouts[callout].range.clone(), message)
                        .help(format!(
                            "move it to the end of {there}; `scope-lint fix` moves it"
                        ))
                        .intent(FixIntent::MoveCallout {
                            callout,
                            to: section.section,
                            listing: section
                                .listing
                                .via
                                .is_none()
                                .then(|| section.listing.anchor.clone()),
                        }),
                );
            }
            if in_partial && !context.included {
                beside_renders(context, index, policy, out);
            }
        }
    }
}

/// `placement = "partial"`: a call-out on the page beside the render of a partial that lacks it does not
/// count for the partial's listing. It is reported here, without a fix (SL001's fix inserts the call-out into
/// the partial; this one is then a second copy for the author to remove or keep).
fn beside_renders(
    context: &Context<'_>,
    index: usize,
    policy: &crate::policy::CalloutPolicy,
    out: &mut Vec<Finding>,
) {
    let lacking = partial_placement::lacking_partials(context.facts, index, policy);
    let beside = partial_placement::callouts_beside_renders(
        context.page,
        context.facts,
        index,
        policy,
        &lacking,
    );
    for (callout, render) in beside {
        let product = &context.table.products[policy.product].name;
        let partial = partial_placement::partial_shown(context.policy, render);
        let here = context
            .page
            .section_title(context.facts.callouts[callout].section);
        let message = format!(
            "the {product} call-out is in {here}, but with placement = \"partial\" it belongs in {partial}, which lists the groups"
        );
        out.push(
            Finding::new(
                &MisplacedCallout,
                context.page.callouts[callout].range.clone(),
                message,
            )
            .help(format!(
                "`scope-lint fix` inserts the call-out into {partial} (SL001); then remove this one"
            )),
        );
    }
}
