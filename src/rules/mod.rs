//! The rules: one file each, registered in [`RULES`]. A rule reads one page's [`Facts`] and reports
//! [`Finding`]s; rule codes are stable.

mod row_names;
mod sl001_missing_callout;
mod sl002_stale_callout;
mod sl003_contradicting_claim;
mod sl004_unknown_permission_group;
mod sl005_callout_wording;
mod sl006_misplaced_callout;
mod sl007_unused_suppression;
pub mod sl008_undocumented_group;
mod sl009_invalid_policy_example;
pub(crate) mod sl010_outdated_generated_table;
pub mod suppression;

use std::ops::Range;
use std::path::{Path, PathBuf};

pub use crate::facts::Facts;

use crate::doc::{Page, SectionId};
use crate::facts::UnsatisfiedSection;
use crate::policy::Policy;
use crate::table::CapabilityTable;
use crate::table::matcher::Matcher;

pub use crate::catalog::{RuleMeta, Severity};

/// A rule: what it checks, its documentation, and the check itself.
pub trait Rule: Sync {
    /// The rule's declaration (its file's `META`): code, name, default severity, fix, summary.
    fn meta(&self) -> &'static RuleMeta;
    /// The stable code: `SL001`.
    fn code(&self) -> &'static str {
        self.meta().code
    }
    /// The kebab-case name: `missing-callout`.
    fn name(&self) -> &'static str {
        self.meta().name
    }
    /// One line: what the rule reports.
    fn summary(&self) -> &'static str {
        self.meta().summary
    }
    /// The full documentation (Markdown): what it does, why, an example, how to fix.
    fn doc(&self) -> &'static str;
    /// The severity when the policy does not set one.
    fn default_severity(&self) -> Severity {
        self.meta().severity
    }
    /// Whether `scope-lint fix` can fix its findings.
    fn has_fix(&self) -> bool {
        self.meta().fix
    }
    /// Whether the rule checks the page's suppressions: it runs after the suppressions are applied to the
    /// other rules' findings, with [`Context::suppressions`] and [`Context::suppressions_used`] filled in.
    fn reads_suppressions(&self) -> bool {
        false
    }
    /// Reports the rule's findings on the page in `context` into `out`.
    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>);
}

/// Every rule, in code order.
pub const RULES: &[&dyn Rule] = &[
    &sl001_missing_callout::MissingCallout,
    &sl002_stale_callout::StaleCallout,
    &sl003_contradicting_claim::ContradictingClaim,
    &sl004_unknown_permission_group::UnknownPermissionGroup,
    &sl005_callout_wording::CalloutWording,
    &sl006_misplaced_callout::MisplacedCallout,
    &sl007_unused_suppression::UnusedSuppression,
    &sl008_undocumented_group::UndocumentedGroup,
    &sl009_invalid_policy_example::InvalidPolicyExample,
    &sl010_outdated_generated_table::OutdatedGeneratedTable,
];

/// Every rule's declaration, in code order: what the policy's `[rules]` is checked against. Each entry is
/// the `META` constant declared in the rule's own file.
pub const CATALOG: &[RuleMeta] = &[
    sl001_missing_callout::META,
    sl002_stale_callout::META,
    sl003_contradicting_claim::META,
    sl004_unknown_permission_group::META,
    sl005_callout_wording::META,
    sl006_misplaced_callout::META,
    sl007_unused_suppression::META,
    sl008_undocumented_group::META,
    sl009_invalid_policy_example::META,
    sl010_outdated_generated_table::META,
];

/// The rule with `code` (case-insensitive) or `name`.
pub fn find_rule(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .copied()
        .find(|rule| rule.code().eq_ignore_ascii_case(code_or_name) || rule.name() == code_or_name)
}

/// The code or name of the rule closest to `unknown` (a typo), when one is close enough to suggest.
pub fn closest_rule(unknown: &str) -> Option<&'static str> {
    crate::catalog::closest(CATALOG, unknown)
}

/// What a rule sees of one page.
pub struct Context<'a> {
    /// The capability table.
    pub table: &'a CapabilityTable,
    /// The compiled policy.
    pub policy: &'a Policy,
    /// The table's names compiled for searching text.
    pub matcher: &'a Matcher,
    /// The page's model.
    pub page: &'a Page,
    /// What the page says, resolved through its includes.
    pub facts: &'a Facts,
    /// The page's path relative to the policy root, for the policy's globs.
    pub relative: &'a Path,
    /// Whether the page is a partial (checked for content, never required to carry a call-out).
    pub is_partial: bool,
    /// Whether another checked page includes the page: with `placement = "partial"`, those pages report
    /// what its listings lack.
    pub included: bool,
    /// The page's suppression comments, and (once the other rules ran) whether each matched a finding.
    pub suppressions: &'a [suppression::Suppression],
    /// The codes of each of `suppressions` that matched a finding, by index.
    pub suppressions_used: &'a [Vec<&'static str>],
}

/// One problem found on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's code (`SL001`).
    pub code: &'static str,
    /// The rule's name (`missing-callout`).
    pub name: &'static str,
    /// The severity the policy gives the rule.
    pub severity: Severity,
    /// Byte range in the page.
    pub span: Range<usize>,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it, when there is more to say.
    pub help: Option<String>,
    /// The byte edits that fix the finding, made from [`Finding::intent`] (or given by the rule).
    pub fix: Option<Fix>,
    /// What a fix should do, as the rule decided it; the engine turns it into [`Finding::fix`] with
    /// [`crate::fix::resolve_intents`]. Rules never build call-out edits themselves.
    pub intent: Option<FixIntent>,
}

/// A fix a rule asks for, before it is turned into byte edits (see [`crate::fix::resolve_intents`]).
#[derive(Debug, Clone)]
pub enum FixIntent {
    /// Insert the call-out of policy `callout` at the end of `section` (or in the partial that lists the
    /// groups, when the policy places it there).
    InsertInSection {
        /// Index into the policy's call-outs.
        callout: usize,
        /// The section that lacks the call-out.
        section: UnsatisfiedSection,
    },
    /// Insert the call-out of policy `callout` in a page the policy requires it on: at the end of
    /// `heading`'s section, else after the first mention of the product's groups, else after the
    /// introduction.
    InsertInPage {
        /// Index into the policy's call-outs.
        callout: usize,
        /// The heading the policy names for the call-out.
        heading: Option<String>,
    },
    /// Move the page's call-out `callout` to the end of section `to`, else right after the listing
    /// there (`listing`, when it is on the page) if the section's end would hide it.
    MoveCallout {
        /// Index into the page's call-outs.
        callout: usize,
        /// Where it belongs.
        to: SectionId,
        /// The listing of section `to`, when it is in the page's own text.
        listing: Option<Range<usize>>,
    },
    /// Remove the page's call-out `callout`.
    RemoveCallout {
        /// Index into the page's call-outs.
        callout: usize,
    },
}

/// Two intents are the same when they ask for the same edit at the same place.
impl PartialEq for FixIntent {
    fn eq(&self, other: &FixIntent) -> bool {
        use FixIntent::*;
        match (self, other) {
            (
                InsertInSection { callout, section },
                InsertInSection {
                    callout: other_callout,
                    section: other_section,
                },
            ) => {
                callout == other_callout
                    && section.section == other_section.section
                    && section.listing.anchor == other_section.listing.anchor
            }
            (
                InsertInPage { callout, heading },
                InsertInPage {
                    callout: other_callout,
                    heading: other_heading,
                },
            ) => callout == other_callout && heading == other_heading,
            (
                MoveCallout { callout, to, .. },
                MoveCallout {
                    callout: c, to: t, ..
                },
            ) => callout == c && to == t,
            (RemoveCallout { callout }, RemoveCallout { callout: c }) => callout == c,
            _ => false,
        }
    }
}

impl Eq for FixIntent {}

/// Byte-range edits that fix a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What the fix does, for `fix`'s report: "insert the AI Gateway call-out".
    pub description: String,
    /// The edits, applied together.
    pub edits: Vec<Edit>,
}

/// One byte-range replacement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The file to edit, when it is not the page itself (a partial).
    pub file: Option<PathBuf>,
    /// The byte range replaced, in the edited file's text.
    pub range: Range<usize>,
    /// What replaces it.
    pub replacement: String,
    /// What the edit does to the page's blocks, which `fix` verifies.
    pub kind: EditKind,
}

/// What an edit does to the page's block structure, which `fix` verifies before writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    /// Inserts or removes one whole call-out (or the `Aside` import it needs): the page's blocks are the
    /// original's plus or minus exactly that call-out.
    Callout,
    /// Rewrites text inside existing blocks (a renamed group, a regenerated table, a table row): the page
    /// keeps every block, of the same kind and level, in the same order.
    Content,
}

impl Finding {
    /// A finding of `rule` at `span`, at the rule's default severity, without help or fix.
    pub fn new(rule: &dyn Rule, span: Range<usize>, message: impl Into<String>) -> Finding {
        Finding {
            code: rule.code(),
            name: rule.name(),
            severity: rule.default_severity(),
            span,
            message: message.into(),
            help: None,
            fix: None,
            intent: None,
        }
    }

    /// The finding with `help`.
    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    /// The finding with byte edits the rule made itself (content edits, not call-outs: those are intents).
    pub fn fix(mut self, fix: Option<Fix>) -> Finding {
        self.fix = fix;
        self
    }

    /// The finding with a fix to be made from `intent` (see [`FixIntent`]).
    pub fn intent(mut self, intent: FixIntent) -> Finding {
        self.intent = Some(intent);
        self
    }
}

/// Runs every enabled rule over one page, applies the page's suppressions, then reports the suppressions
/// that matched nothing (SL007). Findings come sorted by position and code.
pub fn run(context: &Context<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in RULES.iter().filter(|rule| !rule.reads_suppressions()) {
        run_rule(*rule, context, &mut findings);
    }
    let suppressions = suppression::parse(context.page);
    if !suppressions.is_empty() {
        let used = suppression::apply(context.page, &suppressions, &mut findings);
        let after = Context {
            suppressions: &suppressions,
            suppressions_used: &used,
            ..*context
        };
        for rule in RULES.iter().filter(|rule| rule.reads_suppressions()) {
            run_rule(*rule, &after, &mut findings);
        }
    }
    sort_findings(&mut findings);
    findings.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    findings
}

/// Puts `findings` in report order: by position, then code, then message.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.span.start, a.code, &a.message).cmp(&(b.span.start, b.code, &b.message))
    });
}

fn run_rule(rule: &dyn Rule, context: &Context<'_>, findings: &mut Vec<Finding>) {
    let Some(severity) = context.policy.severity(rule.code()) else {
        return;
    };
    let start = findings.len();
    rule.check(context, findings);
    for finding in &mut findings[start..] {
        finding.severity = severity;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_ordered() {
        for (index, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.code(), format!("SL{:03}", index + 1));
            assert!(
                rule.name()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                rule.name()
            );
        }
        let mut names: Vec<&str> = RULES.iter().map(|rule| rule.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len());
    }

    #[test]
    fn the_catalog_lists_every_rule_in_order() {
        let metas: Vec<&RuleMeta> = RULES.iter().map(|rule| rule.meta()).collect();
        let catalog: Vec<&RuleMeta> = CATALOG.iter().collect();
        assert_eq!(metas, catalog);
    }

    #[test]
    fn every_rule_is_documented_in_the_same_sections() {
        for rule in RULES {
            let doc = rule.doc();
            for section in ["## What it does", "## Why", "## Example", "## How to fix"] {
                assert!(doc.contains(section), "{} lacks `{section}`", rule.code());
            }
            let fix_line = if rule.has_fix() {
                "`scope-lint fix` fixes it"
            } else {
                "`scope-lint fix` does not change it"
            };
            assert!(
                doc.contains(fix_line),
                "{} must say whether it has a fix",
                rule.code()
            );
        }
    }

    #[test]
    fn rules_are_found_by_code_or_name() {
        assert_eq!(find_rule("sl003").unwrap().name(), "contradicting-claim");
        assert_eq!(find_rule("missing-callout").unwrap().code(), "SL001");
        assert!(find_rule("SL099").is_none());
        assert_eq!(closest_rule("missing-calout"), Some("missing-callout"));
        assert_eq!(closest_rule("SL01"), Some("SL001"));
        assert_eq!(closest_rule("something-else-entirely"), None);
    }
}
