//! SL002 stale-callout.

use super::{Context, Finding, Rule, Severity};
use crate::fix;

macro_rules! doc {
    () => {
        r#"## What it does

Reports a call-out that says a product's permissions are account-scoped only when the capability table now
gives one of the product's groups a finer scope (a resource type other than `account`).

The call-out is about the first product it names that has a `[[callouts]]` policy, so the AI Gateway
call-out that contrasts with R2 ("Unlike R2, which supports per-bucket scoping, ...") is about AI Gateway,
not R2.

## Why

The day per-resource scoping ships, the call-out that was true becomes false, and readers who design around
it pay for it. The table is the source of truth; the docs must follow it.

## Example

With `AI Gateway Run` given `scopes = ["account", "ai-gateway"]` in the table:

```markdown
> [!NOTE]
> AI Gateway permissions are account-scoped only.
```

is reported.

## How to fix

Remove the call-out (and, if you like, document the new scope). `scope-lint fix` fixes it: it removes the
call-out and one blank line next to it, and nothing else.
"#
    };
}

#[doc = doc!()]
pub struct StaleCallout;

impl Rule for StaleCallout {
    fn code(&self) -> &'static str {
        "SL002"
    }
    fn name(&self) -> &'static str {
        "stale-callout"
    }
    fn summary(&self) -> &'static str {
        "a call-out says a product is account-scoped only, but the table gives it a per-resource scope"
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
        for (index, reading) in context.facts.callouts.iter().enumerate() {
            let Some(subject) = reading.subject else {
                continue;
            };
            let stale = context
                .policy
                .callouts
                .iter()
                .enumerate()
                .any(|(policy, callout)| {
                    callout.product == subject && reading.says_account_only.contains(&policy)
                });
            if !stale || context.table.product_is_account_only(subject) {
                continue;
            }
            let Some(scope) = context.table.finer_scope(subject) else {
                continue;
            };
            let product = &context.table.products[subject].name;
            let group = context
                .table
                .product_groups(subject)
                .find(|&group| !context.table.is_account_only(group))
                .map(|group| context.table.groups[group].name.as_str())
                .unwrap_or_default();
            let message = format!(
                "this call-out says {product} permissions are account-scoped only, but the capability table gives `{group}` the `{}` scope",
                scope.id
            );
            out.push(
                Finding::new(self, context.page.callouts[index].range.clone(), message)
                    .help(format!("remove the call-out or describe the `{}` scope; `scope-lint fix` removes it", scope.id))
                    .fix(fix::remove_callout(context.page, index)),
            );
        }
    }
}
