//! SL006 misplaced-callout.

use super::facts::placement_status;
use super::partial_placement;
use super::{Context, Finding, Rule, Severity};
use crate::fix;

macro_rules! doc {
    () => {
        r#"## What it does

Reports an acceptable account-scope call-out that is on the page but not in the section that lists the
product's groups, while that section has none. Each such call-out is paired with the first section that
lacks one; sections left over are reported by SL001.

With `[partials] placement = "partial"`, it also reports a call-out on the page beside the render of a
partial whose listing lacks one: that call-out belongs in the partial. This finding has no fix (SL001's fix
inserts the call-out into the partial; the page's copy is left for the author).

## Why

Readers scan the permissions table of the section they need; a call-out three sections away, or at the top
of a long reference page, is not read where the decision is made.

## Example

```markdown
> [!NOTE]
> AI Gateway permissions are account-scoped only.

## Account permissions

| Name            | Description |
| --------------- | ----------- |
| AI Gateway Run  | Run access. |
```

reports the note: it belongs in "Account permissions".

## How to fix

Move the call-out to the end of the section that lists the groups. `scope-lint fix` fixes it: it moves the
call-out's lines unchanged (re-indented for their new place) and removes them from the old place.
"#
    };
}

#[doc = doc!()]
pub struct MisplacedCallout;

impl Rule for MisplacedCallout {
    fn code(&self) -> &'static str {
        "SL006"
    }
    fn name(&self) -> &'static str {
        "misplaced-callout"
    }
    fn summary(&self) -> &'static str {
        "the call-out is on the page but not in the section that lists the groups"
    }
    fn doc(&self) -> &'static str {
        doc!()
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn has_fix(&self) -> bool {
        true
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
                        .fix(fix::move_callout(context, callout, section.section)),
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
    policy: &crate::config::CalloutPolicy,
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
