//! SL002 stale-callout.

use super::{Context, Finding, FixIntent, Rule};
use crate::catalog::{RuleMeta, Severity};

/// SL002 stale-callout, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL002",
    name: "stale-callout",
    severity: Severity::Error,
    fix: true,
    summary: "a call-out says a product is account-scoped only, but the table gives it a per-resource scope",
};

macro_rules! doc {
    () => {
        include_str!("sl002_stale_callout.md")
    };
}

#[doc = doc!()]
pub(crate) struct StaleCallout;

impl Rule for StaleCallout {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
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
                    .intent(FixIntent::RemoveCallout { callout: index }),
            );
        }
    }
}
