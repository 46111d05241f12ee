//! What a rule is, as data: [`RuleMeta`] (stable code, name, default severity, whether `fix` fixes its
//! findings, a one-line summary) and [`Severity`], with lookups by code or name over a list of them.
//!
//! The entries themselves are declared in each rule's own file (`src/rules/slNNN_*.rs`, beside the rule and
//! its documentation) and collected in `rules::CATALOG`. This module sits in the lowest layer and holds no
//! entry: the policy, which sits below the rules, validates `[rules]` against the list its loader is given
//! (see `docs/ARCHITECTURE.md`, "The rule catalog").

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Reported; fails a run only with `--fail-on warning`.
    Warning,
    /// Reported; fails the run.
    Error,
}

impl Severity {
    /// `"warning"` or `"error"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// What is known about a rule without running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    /// The stable code: `SL001`.
    pub code: &'static str,
    /// The kebab-case name: `missing-callout`.
    pub name: &'static str,
    /// The default severity (the policy's `[rules]` may change it or turn the rule off).
    pub severity: Severity,
    /// Whether `scope-lint fix` can fix its findings.
    pub fix: bool,
    /// One line: what the rule reports.
    pub summary: &'static str,
}

/// The rule in `rules` with `code` (case-insensitive) or `name`.
pub fn find<'a>(rules: &'a [RuleMeta], code_or_name: &str) -> Option<&'a RuleMeta> {
    rules
        .iter()
        .find(|rule| rule.code.eq_ignore_ascii_case(code_or_name) || rule.name == code_or_name)
}

/// The code or name in `rules` closest to `unknown` (a typo), when one is close enough to suggest.
pub fn closest(rules: &[RuleMeta], unknown: &str) -> Option<&'static str> {
    let unknown = unknown.to_ascii_lowercase();
    rules
        .iter()
        .flat_map(|rule| [rule.code, rule.name])
        .map(|known| {
            let distance = strsim::levenshtein(&unknown, &known.to_ascii_lowercase());
            (distance, known)
        })
        .filter(|(distance, known)| *distance <= (known.len() / 3).max(1))
        .min()
        .map(|(_, known)| known)
}
