//! The policy: what the docs must say about the capability table's facts, and how to read the docs.
//!
//! A `scope-lint.toml` is found by walking up from the checked path (or given with `--config`). With none,
//! the default embedded preset (table and policy, see [`crate::table::preset`]) applies. Every key is documented in
//! `docs/src/configuration.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{self, RuleMeta, Severity};
use crate::doc::Dialect;
use crate::doc::callout::CalloutForm;
use crate::doc::source::SourceText;
use crate::error::{Error, Result};
use crate::table::preset::{self, Conventions, DEFAULT_PRESET};
use crate::table::{CapabilityTable, GroupIndex, ProductIndex, load_table};
use crate::toml_check::{KeySpec, TomlProblems, deserialize, read_text};

mod compile;
mod discover;
mod file;
mod merge;
mod pattern;
mod template;

use compile::*;
pub use discover::{discover, load};
pub use file::*;
pub use merge::{load_policy_text, load_preset, load_table_file};
use pattern::*;
pub use pattern::{PhraseRegex, PolicyRegex};
pub use template::TEMPLATE_PLACEHOLDERS;
use template::*;

/// The file name searched for.
pub const CONFIG_FILE: &str = "scope-lint.toml";

/// Phrases that make a call-out say "account-only", matched on its prose-normalised text.
pub const DEFAULT_ACCEPT: &[&str] = &[
    r"\baccount[- ]scoped\b",
    r"\baccount[- ](?:level|wide|scope)\b",
    r"\bscoped (?:only )?to (?:the|an|your|a whole|the whole|the entire) account\b",
    r"\b(?:whole|entire) account\b",
    r"\bper[- ]account\b",
    r"\bat the account level\b",
    r"\b(?:cannot|can't|can not|not) be (?:restricted|scoped|limited|narrowed) to (?:a single|one|an individual|individual|a specific|specific|a particular)\b",
    r"\b(?:cannot|can't|can not|not) be (?:restricted|scoped|limited|narrowed) (?:below|beneath|narrower than|more narrowly than) (?:the|an|your) account\b",
    r"\bno (?:resource type|way) to (?:scope|restrict|limit)\b",
    r"\bno per[- ]{noun}\b",
    r"\b(?:not|n't) (?:support|offer|provide|have) (?:a )?per[- ]{noun}\b",
    r"\b(?:any|every|all) {noun}s? in (?:the|an|your) account\b",
];

/// Which blocks count as listing a product's groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListingKind {
    /// A table (GFM or HTML).
    Table,
    /// A list (Markdown or HTML).
    List,
}

/// Where the call-out goes when the listing comes from a partial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// In the section of the page that renders the partial.
    #[default]
    Section,
    /// Inside the partial, after the listing.
    Partial,
}

/// The compiled policy.
#[derive(Debug)]
pub struct Policy {
    /// The directory paths in the policy are relative to (the config's directory, or the checked path).
    pub root: PathBuf,
    /// Where the policy came from, for messages.
    pub origin: String,
    /// The policy's `exclude` globs, matched against the path relative to `root`.
    pub exclude: GlobSet,
    /// `--exclude` globs from the command line: matched against the path relative to `root`, the path as
    /// shown and the file name, for walked and named files alike.
    pub command_line_exclude: GlobSet,
    /// `dialects`: globs that pick Markdown or MDX for the files they match (else the extension decides).
    pub dialects: Vec<(GlobMatcher, Dialect)>,
    /// Which files are partials, and where their call-outs go.
    pub partials: PartialsPolicy,
    /// Severity per rule code; `None` turns the rule off.
    pub severities: BTreeMap<&'static str, Option<Severity>>,
    /// Which call-out syntax new call-outs are written in.
    pub render: RenderPolicy,
    /// One compiled `[[callouts]]` entry per product that needs a call-out.
    pub callouts: Vec<CalloutPolicy>,
    /// The largest page, include or partial read, in bytes (`max-file-size`); larger files are errors.
    pub max_file_size: u64,
    /// The permissions reference pages SL008 reads.
    pub reference: ReferencePolicy,
    /// The conventions of the preset the policy extends (or the default preset's).
    pub conventions: &'static Conventions,
}

/// The permissions reference pages (SL008): where every group of the table must appear.
#[derive(Debug, Default)]
pub struct ReferencePolicy {
    /// The reference pages (`[reference] pages`).
    pub pages: GlobSet,
    /// (resource type index, the heading of the section that lists that scope's groups).
    pub sections: Vec<(usize, String)>,
}

/// `[partials]`: which files are partials and where a listing from one wants its call-out.
#[derive(Debug)]
pub struct PartialsPolicy {
    /// The pattern a `<Render file="x">` resolves through (`{product}` and `{file}` filled in).
    pub pattern: String,
    /// Globs of the files that are partials (checked for content, never required to carry a call-out).
    pub files: GlobSet,
    /// Where the call-out goes when the listing comes from a partial.
    pub placement: Placement,
}

/// `[render]`: the call-out form to write, per dialect and per path.
#[derive(Debug)]
pub struct RenderPolicy {
    /// The form for MDX pages.
    pub mdx: CalloutForm,
    /// The form for Markdown pages.
    pub markdown: CalloutForm,
    /// Per-path forms, first match wins over the dialect's form.
    pub paths: Vec<(GlobMatcher, CalloutForm)>,
}

/// One compiled `[[callouts]]` entry: which product needs a call-out, where, and what it must say.
#[derive(Debug)]
pub struct CalloutPolicy {
    /// The product whose groups need the call-out.
    pub product: ProductIndex,
    /// The call-out kind to write (`note`, `caution`, ...).
    pub kind: String,
    /// The call-out title to write, when it has one (placeholders unfilled).
    pub title: Option<String>,
    /// The body template (placeholders unfilled; see [`TEMPLATE_PLACEHOLDERS`]).
    pub template: String,
    /// The product the template contrasts with (`{contrast}`: one that can be scoped per resource).
    pub contrast: Option<ProductIndex>,
    /// The group `{example_group}` names.
    pub example_group: Option<GroupIndex>,
    /// Whether a section that lists the product's groups must carry the call-out.
    pub where_listed: bool,
    /// Which listings count (tables, lists or both).
    pub listing: Vec<ListingKind>,
    /// Pages that must carry the call-out whether or not they list the groups.
    pub pages: Vec<PageRequirement>,
    /// Phrases (prose-normalised regexes) that make a call-out say "account-only".
    pub accept: Vec<PolicyRegex>,
    /// Phrases a call-out must contain (SL005), each with how messages describe it.
    pub require: Vec<(PolicyRegex, String)>,
}

/// A page that must carry the call-out (`pages` of a `[[callouts]]` entry).
#[derive(Debug)]
pub struct PageRequirement {
    /// The compiled glob.
    pub glob: GlobMatcher,
    /// The glob as written, for messages.
    pub pattern: String,
    /// The heading whose section should hold the call-out, when given.
    pub heading: Option<String>,
}

/// The capability table and the policy a run uses.
#[derive(Debug)]
pub struct Settings {
    /// The capability table.
    pub table: CapabilityTable,
    /// The compiled policy.
    pub policy: Policy,
}

/// Where the settings come from.
#[derive(Debug, Default, Clone)]
pub struct SettingsSource {
    /// `--config FILE`.
    pub config: Option<PathBuf>,
    /// `--capabilities FILE`.
    pub capabilities: Option<PathBuf>,
    /// The path being checked, where discovery starts.
    pub start: PathBuf,
}

impl Policy {
    /// Whether the call-out belongs in the partial that lists the groups, not in the page that renders it.
    pub fn placement_in_partial(&self) -> bool {
        self.partials.placement == Placement::Partial
    }

    /// The dialect for `relative` (a path relative to the root): an override, else the extension's.
    pub fn dialect_for(&self, relative: &Path) -> Dialect {
        self.dialects
            .iter()
            .find(|(glob, _)| glob.is_match(relative))
            .map_or_else(|| Dialect::from_path(relative), |(_, dialect)| *dialect)
    }

    /// Whether `[reference] pages` names this page as a permissions reference page (SL008).
    pub fn is_reference_page(&self, relative: &Path) -> bool {
        self.reference.pages.is_match(relative)
    }

    /// Whether some call-out policy names this page in `pages`.
    pub fn requires_page(&self, relative: &Path) -> bool {
        self.callouts.iter().any(|callout| {
            callout
                .pages
                .iter()
                .any(|page| page.glob.is_match(relative))
        })
    }

    /// The directory of the `scope-lint.toml` this policy was read from (its root), when it was read from a
    /// file: the project `fix` may write partials in besides the paths given.
    pub fn config_dir(&self) -> Option<&Path> {
        Path::new(&self.origin)
            .is_file()
            .then_some(self.root.as_path())
    }

    /// Why this policy cannot report a missing or stale call-out anywhere, when it requires none: it extends
    /// no preset and has no `[[callouts]]` (an empty config file), or it sets `callouts = []`, and it names
    /// no `[reference]` pages either (a preset names some).
    pub fn requires_nothing(&self) -> Option<String> {
        (self.callouts.is_empty() && self.reference.pages.is_empty()).then(|| {
            format!(
                "{}: the policy requires no call-outs (it extends no preset and has no [[callouts]]), so no page \
                 is checked for a missing, stale or misplaced call-out; add `extends = \"{}\"` or a \
                 [[callouts]] table",
                self.origin, DEFAULT_PRESET.name
            )
        })
    }

    /// Whether the file (relative to the root) is a partial.
    pub fn is_partial(&self, relative: &Path) -> bool {
        self.partials.files.is_match(relative)
    }

    /// Whether the policy's `exclude` matches the file (relative to the root).
    pub fn is_excluded(&self, relative: &Path) -> bool {
        self.exclude.is_match(relative)
    }

    /// Whether a `--exclude` glob matches the file: its path `relative` to the root, `shown` as the user gave
    /// it (also without a leading `./`), its path below the directory the walk started from (`in_walk`:
    /// `legacy/**` excludes `docs/legacy/a.md` of `check docs/`, with no `scope-lint.toml` too), or its
    /// file name.
    pub fn is_excluded_by_command_line(
        &self,
        relative: &Path,
        shown: &Path,
        in_walk: Option<&Path>,
    ) -> bool {
        let set = &self.command_line_exclude;
        !set.is_empty()
            && (set.is_match(relative)
                || set.is_match(shown)
                || shown
                    .strip_prefix(".")
                    .is_ok_and(|below| set.is_match(below))
                || in_walk.is_some_and(|below| set.is_match(below))
                || shown.file_name().is_some_and(|name| set.is_match(name)))
    }

    /// The severity rule `code` reports at; `None` when the policy turns it off.
    pub fn severity(&self, code: &str) -> Option<Severity> {
        self.severities.get(code).copied().flatten()
    }

    /// The call-out form to render for a page.
    pub fn form_for(&self, relative: &Path, dialect: Dialect) -> CalloutForm {
        let default = match dialect {
            Dialect::Mdx => self.render.mdx,
            Dialect::Markdown => self.render.markdown,
        };
        // A `[[render.paths]]` form the page's dialect cannot hold (a Hugo shortcode breaks an MDX page;
        // `<Aside>` and `:::note` are raw text on a Markdown page) gives way to the dialect's form.
        let fits = |form: &CalloutForm| match dialect {
            Dialect::Mdx => *form != CalloutForm::Shortcode,
            Dialect::Markdown => !matches!(form, CalloutForm::Aside | CalloutForm::Directive),
        };
        self.render
            .paths
            .iter()
            .find(|(glob, _)| glob.is_match(relative))
            .map(|(_, form)| *form)
            .filter(fits)
            .unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rules these tests name, as the policy is given them (the engine passes `rules::CATALOG`, which
    /// this layer cannot see).
    const RULES: &[RuleMeta] = &[
        rule("SL001", "missing-callout", Severity::Error),
        rule("SL003", "contradicting-claim", Severity::Error),
        rule("SL004", "unknown-permission-group", Severity::Warning),
        rule("SL009", "invalid-policy-example", Severity::Error),
    ];

    const fn rule(code: &'static str, name: &'static str, severity: Severity) -> RuleMeta {
        RuleMeta {
            code,
            name,
            severity,
            fix: false,
            summary: "",
        }
    }

    fn settings(text: &str) -> Result<Settings> {
        load_policy_text(
            &SourceText::new("scope-lint.toml", text.to_owned()),
            Path::new("."),
            None,
            RULES,
        )
    }

    #[test]
    fn a_render_path_form_the_page_dialect_cannot_hold_gives_way_to_the_dialect_form() {
        let loaded = settings(
            "extends = \"cloudflare\"\n[render]\nmdx = \"aside\"\nmarkdown = \"blockquote\"\n\
             paths = [{ glob = \"shortcodes/**\", form = \"shortcode\" }, \
             { glob = \"jsx/**\", form = \"directive\" }]\n",
        )
        .unwrap();
        let form = |path: &str, dialect| loaded.policy.form_for(Path::new(path), dialect);
        assert_eq!(
            form("shortcodes/日本.md", Dialect::Markdown),
            CalloutForm::Shortcode
        );
        assert_eq!(form("shortcodes/🚀.mdx", Dialect::Mdx), CalloutForm::Aside);
        assert_eq!(form("jsx/a.mdx", Dialect::Mdx), CalloutForm::Directive);
        assert_eq!(form("jsx/a.md", Dialect::Markdown), CalloutForm::Blockquote);
        for (text, line) in [
            ("[render]\nmdx = \"shortcode\"\n", "2:7"),
            ("[render]\nmarkdown = \"directive\"\n", "2:12"),
        ] {
            let error = settings(text).unwrap_err().to_string();
            assert!(
                error.contains(&format!("scope-lint.toml:{line}")),
                "{error}"
            );
        }
    }

    #[test]
    fn the_preset_policy_compiles() {
        let settings = load_preset("cloudflare", Path::new("."), None, RULES).unwrap();
        assert_eq!(settings.policy.callouts.len(), 1);
        let callout = &settings.policy.callouts[0];
        assert_eq!(settings.table.products[callout.product].name, "AI Gateway");
        assert_eq!(callout.pages.len(), 1);
        assert!(
            settings
                .policy
                .is_partial(Path::new("src/content/partials/fundamentals/x.mdx"))
        );
        assert_eq!(settings.policy.severity("SL004"), Some(Severity::Warning));
    }

    #[test]
    fn the_preset_template_renders_the_design_wording() {
        let settings = load_preset("cloudflare", Path::new("."), None, RULES).unwrap();
        let callout = &settings.policy.callouts[0];
        assert_eq!(
            callout.body(&settings.table),
            "AI Gateway permissions (AI Gateway Read/Edit/Run) are account-scoped only. Unlike R2 (which supports \
             per-bucket token scoping), there is currently no resource type to scope an API token to a single AI \
             Gateway. A token with AI Gateway Run can call any gateway in the account; it cannot be restricted to one."
        );
        assert_eq!(
            callout.title_text(&settings.table).as_deref(),
            Some("AI Gateway tokens are account-scoped")
        );
    }

    #[test]
    fn templates_with_unknown_placeholders_are_rejected() {
        let text = "[[callouts]]\nproduct = \"ai-gateway\"\ntemplate = \"{product} {colour} {contrast}\"\n";
        assert_eq!(
            settings(text).unwrap_err().to_string(),
            "scope-lint.toml:2:11: the call-out template for `ai-gateway` uses unknown placeholder `{colour}` (known: product, groups, noun, contrast, contrast_noun, example_group)\n\
             scope-lint.toml:2:11: the call-out template for `ai-gateway` uses `{contrast}` but sets no `contrast` product"
        );
    }

    #[test]
    fn the_built_in_phrasings_accept_common_paraphrases() {
        let settings = load_preset("cloudflare", Path::new("."), None, RULES).unwrap();
        let accept = &settings.policy.callouts[0].accept;
        let says = |text: &str| accept.iter().any(|regex| regex.regex().is_match(text));
        for text in [
            "ai gateway permissions are account-scoped only.",
            "ai gateway tokens apply to the whole account.",
            "ai gateway permissions are granted at the account level.",
            "ai gateway permissions only exist at account scope.",
            "ai gateway tokens can't be limited to individual gateways.",
            "there's no way to scope a token to one gateway in ai gateway.",
            "ai gateway does not support per-gateway tokens.",
            "ai gateway tokens can't be scoped below the account.",
            "a token with ai gateway run works for every gateway in your account.",
        ] {
            assert!(says(text), "{text}");
        }
        assert!(!says("ai gateway tokens need the run permission."));
    }

    #[test]
    fn extends_merges_the_preset_under_the_file() {
        let settings =
            settings("extends = \"cloudflare\"\n[rules]\nSL004 = \"error\"\nSL003 = \"off\"\n")
                .unwrap();
        assert_eq!(settings.policy.callouts.len(), 1);
        assert_eq!(settings.policy.severity("SL004"), Some(Severity::Error));
        assert_eq!(settings.policy.severity("SL003"), None);
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let text = "exclude = [\"a/[\"]\n[rules]\nSL999 = \"error\"\nSL001 = \"loud\"\n[[callouts]]\nproduct = \"nope\"\ntemplate = \"x\"\n";
        let message = settings(text).unwrap_err().to_string();
        assert_eq!(
            message,
            "scope-lint.toml:1:12: invalid glob `a/[`: unclosed character class; missing ']'\n\
             scope-lint.toml:3:1: unknown rule `SL999` in [rules]\n\
             scope-lint.toml:4:9: unknown level `loud` for SL001 (expected `error`, `warning` or `off`)\n\
             scope-lint.toml:6:11: callout names product `nope`, which the capability table (embedded preset \"cloudflare\") does not define"
        );
    }

    #[test]
    fn a_policy_file_s_own_require_pattern_is_compiled_at_load_and_a_preset_s_on_first_use() {
        let text = "extends = \"cloudflare\"\n[[callouts]]\nproduct = \"ai-gateway\"\ntemplate = \"x\"\nrequire = [{ pattern = \"(日本\", describe = \"y\" }]\n";
        let message = settings(text).unwrap_err().to_string();
        assert!(
            message.starts_with("scope-lint.toml:5:24: invalid regular expression `(?i)(日本`"),
            "{message}"
        );
        let preset = load_preset("cloudflare", Path::new("."), None, RULES).unwrap();
        let inherited = settings("extends = \"cloudflare\"\n").unwrap();
        for settings in [preset, inherited] {
            let (require, describe) = &settings.policy.callouts[0].require[0];
            assert!(!require.is_compiled(), "{describe}");
            assert!(
                require
                    .regex()
                    .is_match("it cannot be restricted to a single gateway 🚀")
            );
        }
    }

    #[test]
    fn unknown_keys_and_presets_are_errors() {
        let message = settings("extend = \"cloudflare\"\n[rules]\nSL099 = \"error\"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "scope-lint.toml:1:1: unknown key `extend` in the policy; did you mean `extends`? (expected one of: `extends`, `capabilities`, `exclude`, `dialects`, `partials`, `rules`, `render`, `callouts`, `max-file-size`, `reference`)\n\
             scope-lint.toml:3:1: unknown rule `SL099` in [rules]; did you mean `SL009`?",
            "an unknown key does not hide the other problems"
        );
        let message = settings("extends = \"cloudflare\"\nmax-file-size = 0\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "scope-lint.toml:2:17: `max-file-size` must be a positive number of bytes, not 0"
        );
        let policy = settings("extends = \"cloudflare\"\nmax-file-size = 1024\n").unwrap();
        assert_eq!(policy.policy.max_file_size, 1024);
        let message = settings("extends = \"acme\"\n").unwrap_err().to_string();
        assert_eq!(
            message,
            "scope-lint.toml:1:11: unknown preset `acme` in `extends` (known: cloudflare)"
        );
    }
}
