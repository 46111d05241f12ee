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
    pub extends: Option<Spanned<String>>,
    pub capabilities: Option<Spanned<String>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    pub dialects: Option<BTreeMap<String, Spanned<Dialect>>>,
    pub partials: Option<PartialsFile>,
    pub rules: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    pub render: Option<RenderFile>,
    pub callouts: Option<Vec<CalloutFile>>,
    pub max_file_size: Option<Spanned<i64>>,
    pub reference: Option<ReferenceFile>,
}

/// `[reference]`: the permissions reference pages, and the heading of the section for each resource type.
#[derive(Debug, Default, Deserialize)]
pub struct ReferenceFile {
    pub pages: Option<Vec<Spanned<String>>>,
    pub sections: Option<BTreeMap<String, Spanned<String>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct PartialsFile {
    pub pattern: Option<String>,
    pub files: Option<Vec<Spanned<String>>>,
    pub placement: Option<Placement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct RenderFile {
    pub mdx: Option<CalloutForm>,
    pub markdown: Option<CalloutForm>,
    #[serde(default)]
    pub paths: Vec<RenderPathFile>,
}

#[derive(Debug, Deserialize)]
pub struct RenderPathFile {
    pub glob: Spanned<String>,
    pub form: CalloutForm,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct CalloutFile {
    pub product: Spanned<String>,
    pub kind: Option<Spanned<String>>,
    pub title: Option<String>,
    pub template: String,
    pub contrast: Option<Spanned<String>>,
    pub example_group: Option<Spanned<String>>,
    pub where_listed: Option<bool>,
    pub listing: Option<Vec<ListingKind>>,
    #[serde(default)]
    pub pages: Vec<Spanned<PageFile>>,
    pub accept: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub require: Vec<RequireFile>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum PageFile {
    Glob(String),
    Detailed {
        path: String,
        heading: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
pub struct RequireFile {
    pub pattern: Spanned<String>,
    pub describe: String,
}
