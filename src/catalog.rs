//! The rule catalog: each rule's stable code, name, default severity, whether `fix` fixes its findings and a
//! one-line summary, declared once as data. It sits below the policy (which validates `[rules]` against it)
//! and the rules (each of which points at its entry); a rule's checks and documentation live in
//! `src/rules/`.

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

/// SL001 missing-callout.
pub const SL001: RuleMeta = RuleMeta {
    code: "SL001",
    name: "missing-callout",
    severity: Severity::Error,
    fix: true,
    summary: "a place that must say a product's permissions are account-scoped only has no such call-out",
};

/// SL002 stale-callout.
pub const SL002: RuleMeta = RuleMeta {
    code: "SL002",
    name: "stale-callout",
    severity: Severity::Error,
    fix: true,
    summary: "a call-out says a product is account-scoped only, but the table gives it a per-resource scope",
};

/// SL003 contradicting-claim.
pub const SL003: RuleMeta = RuleMeta {
    code: "SL003",
    name: "contradicting-claim",
    severity: Severity::Error,
    fix: false,
    summary: "prose claims a token can be narrowed to one resource of an account-only product",
};

/// SL004 unknown-permission-group.
pub const SL004: RuleMeta = RuleMeta {
    code: "SL004",
    name: "unknown-permission-group",
    severity: Severity::Warning,
    fix: true,
    summary: "a permissions table or list names a group the capability table does not know, or by a former name",
};

/// SL005 callout-wording.
pub const SL005: RuleMeta = RuleMeta {
    code: "SL005",
    name: "callout-wording",
    severity: Severity::Warning,
    fix: false,
    summary: "a call-out names the wrong groups or lacks the policy's required phrases",
};

/// SL006 misplaced-callout.
pub const SL006: RuleMeta = RuleMeta {
    code: "SL006",
    name: "misplaced-callout",
    severity: Severity::Warning,
    fix: true,
    summary: "the call-out is on the page but not in the section that lists the groups",
};

/// SL007 unused-suppression.
pub const SL007: RuleMeta = RuleMeta {
    code: "SL007",
    name: "unused-suppression",
    severity: Severity::Warning,
    fix: false,
    summary: "an inline suppression matched nothing, or is ignored (no reason, unknown rule)",
};

/// SL008 undocumented-group.
pub const SL008: RuleMeta = RuleMeta {
    code: "SL008",
    name: "undocumented-group",
    severity: Severity::Warning,
    fix: true,
    summary: "site-wide: a group of the capability table appears on no permissions reference page",
};

/// SL009 invalid-policy-example.
pub const SL009: RuleMeta = RuleMeta {
    code: "SL009",
    name: "invalid-policy-example",
    severity: Severity::Error,
    fix: false,
    summary: "a token-policy example pairs a permission group with a resource key its scopes do not allow",
};

/// SL010 outdated-generated-table.
pub const SL010: RuleMeta = RuleMeta {
    code: "SL010",
    name: "outdated-generated-table",
    severity: Severity::Error,
    fix: true,
    summary: "a `scope-lint:table` region differs from the scope matrix of the capability table",
};

/// Every rule, in code order.
pub const RULES: &[RuleMeta] = &[
    SL001, SL002, SL003, SL004, SL005, SL006, SL007, SL008, SL009, SL010,
];

/// The rule with `code` (case-insensitive) or `name`.
pub fn find(code_or_name: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .find(|rule| rule.code.eq_ignore_ascii_case(code_or_name) || rule.name == code_or_name)
}

/// The code or name of the rule closest to `unknown` (a typo), when one is close enough to suggest.
pub fn closest(unknown: &str) -> Option<&'static str> {
    let unknown = unknown.to_ascii_lowercase();
    RULES
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
