//! The policy file as written: its keys (for did-you-mean and the guide) and the serde types it
//! deserialises into, before names are resolved against the capability table.

use super::*;

pub(super) const PAGE_KEYS: &[(&str, KeySpec)] =
    &[("path", KeySpec::Value), ("heading", KeySpec::Value)];
pub(super) const REQUIRE_KEYS: &[(&str, KeySpec)] =
    &[("pattern", KeySpec::Value), ("describe", KeySpec::Value)];
pub(super) const CALLOUT_KEYS: &[(&str, KeySpec)] = &[
    ("product", KeySpec::Value),
    ("kind", KeySpec::Value),
    ("title", KeySpec::Value),
    ("template", KeySpec::Value),
    ("contrast", KeySpec::Value),
    ("example-group", KeySpec::Value),
    ("where-listed", KeySpec::Value),
    ("listing", KeySpec::Value),
    ("pages", KeySpec::ValuesOrTables(PAGE_KEYS)),
    ("accept", KeySpec::Value),
    ("require", KeySpec::Tables(REQUIRE_KEYS)),
];
pub(super) const RENDER_PATH_KEYS: &[(&str, KeySpec)] =
    &[("glob", KeySpec::Value), ("form", KeySpec::Value)];
pub(super) const REFERENCE_KEYS: &[(&str, KeySpec)] = &[
    ("pages", KeySpec::Value),
    ("sections", KeySpec::Map(&KeySpec::Value)),
];
pub(super) const POLICY_KEYS: &[(&str, KeySpec)] = &[
    ("extends", KeySpec::Value),
    ("capabilities", KeySpec::Value),
    ("exclude", KeySpec::Value),
    ("dialects", KeySpec::Map(&KeySpec::Value)),
    (
        "partials",
        KeySpec::Table(&[
            ("pattern", KeySpec::Value),
            ("files", KeySpec::Value),
            ("placement", KeySpec::Value),
        ]),
    ),
    ("rules", KeySpec::Map(&KeySpec::Value)),
    (
        "render",
        KeySpec::Table(&[
            ("mdx", KeySpec::Value),
            ("markdown", KeySpec::Value),
            ("paths", KeySpec::Tables(RENDER_PATH_KEYS)),
        ]),
    ),
    ("callouts", KeySpec::Tables(CALLOUT_KEYS)),
    ("max-file-size", KeySpec::Value),
    ("reference", KeySpec::Table(REFERENCE_KEYS)),
];

/// Every key a `scope-lint.toml` may hold, nested ones included.
pub fn policy_key_names() -> Vec<&'static str> {
    crate::toml_check::key_names(POLICY_KEYS)
}

/// Every key a `scope-lint.toml` may hold, as its path from the top of the file.
pub fn policy_key_paths() -> Vec<Vec<&'static str>> {
    crate::toml_check::key_paths(POLICY_KEYS)
}

/// The policy file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PolicyFile {
    /// `extends`: the embedded preset whose table and policy this file is merged over.
    pub extends: Option<Spanned<String>>,
    /// `capabilities`: a capability table file, relative to the policy's directory.
    pub capabilities: Option<Spanned<String>>,
    /// `exclude`: globs of files never checked.
    pub exclude: Option<Vec<Spanned<String>>>,
    /// `dialects`: glob to `markdown` or `mdx`.
    pub dialects: Option<BTreeMap<String, Spanned<Dialect>>>,
    /// `[partials]`: which files are partials and where a listing from one wants its call-out.
    pub partials: Option<PartialsFile>,
    /// `[rules]`: rule code or name to `error`, `warning` or `off`.
    pub rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// `[render]`: the call-out syntax new call-outs are written in.
    pub render: Option<RenderFile>,
    /// `[[callouts]]`: which products need a call-out, where, and what it must say.
    pub callouts: Option<Vec<CalloutFile>>,
    /// `max-file-size`, in bytes.
    pub max_file_size: Option<Spanned<i64>>,
    /// `[reference]`: the permissions reference pages SL008 checks.
    pub reference: Option<ReferenceFile>,
}

/// `[reference]`: the permissions reference pages, and the heading of the section for each resource type.
#[derive(Debug, Default, Deserialize)]
pub struct ReferenceFile {
    /// Globs of the reference pages.
    pub pages: Option<Vec<Spanned<String>>>,
    /// Resource type id to the heading of the section that lists its groups.
    pub sections: Option<BTreeMap<String, Spanned<String>>>,
}

/// `[partials]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PartialsFile {
    /// The pattern a `<Render file>` resolves through.
    pub pattern: Option<String>,
    /// Globs of the partial files.
    pub files: Option<Vec<Spanned<String>>>,
    /// `section` or `partial`.
    pub placement: Option<Placement>,
}

/// `[render]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RenderFile {
    /// The call-out form for MDX pages.
    pub mdx: Option<Spanned<CalloutForm>>,
    /// The call-out form for Markdown pages.
    pub markdown: Option<Spanned<CalloutForm>>,
    /// `[[render.paths]]`: forms for the files a glob matches.
    #[serde(default)]
    pub paths: Vec<RenderPathFile>,
}

/// One `[[render.paths]]` entry.
#[derive(Debug, Deserialize)]
pub struct RenderPathFile {
    /// The files it applies to.
    pub glob: Spanned<String>,
    /// The call-out form to write there.
    pub form: CalloutForm,
}

/// One `[[callouts]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CalloutFile {
    /// The product id.
    pub product: Spanned<String>,
    /// The call-out kind (`note`, `caution`, ...).
    pub kind: Option<Spanned<String>>,
    /// The call-out title template.
    pub title: Option<String>,
    /// The call-out body template.
    pub template: String,
    /// The contrasting product's id.
    pub contrast: Option<Spanned<String>>,
    /// The id or name of the group `{example_group}` names.
    pub example_group: Option<Spanned<String>>,
    /// Whether sections listing the groups must carry the call-out (default true).
    pub where_listed: Option<bool>,
    /// Which listings count (default both).
    pub listing: Option<Vec<ListingKind>>,
    /// Pages that must carry the call-out.
    #[serde(default)]
    pub pages: Vec<Spanned<PageFile>>,
    /// Extra account-only phrases (regexes), added to the built-in ones.
    pub accept: Option<Vec<Spanned<String>>>,
    /// Phrases the call-out must contain.
    #[serde(default)]
    pub require: Vec<RequireFile>,
}

/// A `pages` entry: a glob, or a table with the glob and the heading to place the call-out under.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum PageFile {
    /// Just the glob.
    Glob(String),
    /// The glob with a heading.
    Detailed {
        /// The glob.
        path: String,
        /// The heading whose section should hold the call-out.
        heading: Option<String>,
    },
}

/// One `[[callouts.require]]` entry.
#[derive(Debug, Deserialize)]
pub struct RequireFile {
    /// A regex the call-out's prose-normalised text must match.
    pub pattern: Spanned<String>,
    /// How messages describe the phrase when it is missing.
    pub describe: String,
}
