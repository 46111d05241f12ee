//! SL006 misplaced-callout.

use super::{Context, Finding, FixIntent, Rule};
use crate::catalog::{self, RuleMeta};
use crate::facts::placement_status;

macro_rules! doc {
    () => {
        include_str!("sl006_misplaced_callout.md")
    };
}

#[doc = doc!()]
pub(crate) struct MisplacedCallout;

impl Rule for MisplacedCallout {
    fn meta(&self) -> &'static RuleMeta {
        &catalog::SL006
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
                        }),
                );
            }
        }
    }
}
