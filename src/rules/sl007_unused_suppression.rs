//! SL007 unused-suppression.

use super::{Context, Finding, Rule};
use crate::catalog::{RuleMeta, Severity};

/// The rule whose findings are made for the whole site, after the per-page pass.
const SITE_WIDE: &str = "SL008";

/// SL007 unused-suppression, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL007",
    name: "unused-suppression",
    severity: Severity::Warning,
    fix: false,
    summary: "an inline suppression matched nothing, or is ignored (no reason, unknown rule)",
};

macro_rules! doc {
    () => {
        include_str!("sl007_unused_suppression.md")
    };
}

#[doc = doc!()]
pub(crate) struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
    }
    fn reads_suppressions(&self) -> bool {
        true
    }

    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        for (suppression, matched) in context.suppressions.iter().zip(context.suppressions_used) {
            // Site-wide findings (SL008) come after the per-page pass: it cannot tell whether they match.
            // (A suppression that names no known rule is not one of them: `all` holds for no codes.)
            let site_wide_only = !suppression.codes.is_empty()
                && suppression.codes.iter().all(|code| *code == SITE_WIDE);
            if matched.is_empty() && site_wide_only {
                continue;
            }
            let unmatched: Vec<&str> = suppression
                .codes
                .iter()
                .filter(|code| **code != SITE_WIDE && !matched.contains(code))
                .copied()
                .collect();
            let message = match &suppression.problem {
                Some(problem) => problem.clone(),
                None if matched.is_empty() => format!(
                    "this suppression of {} matched nothing",
                    suppression.codes.join(", ")
                ),
                None if !unmatched.is_empty() => format!(
                    "{} in this suppression matched nothing ({} did)",
                    unmatched.join(", "),
                    matched.join(", ")
                ),
                None => continue,
            };
            out.push(
                Finding::new(self, suppression.range.clone(), message)
                    .help("delete it, or fix its rule codes and reason"),
            );
        }
    }
}
