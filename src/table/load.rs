//! Loading and validating a capability table (schema v1).

use std::collections::HashMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::{CapabilityTable, PermissionGroup, Product, ResourceType};
use crate::doc::source::SourceText;
use crate::error::Error;
use crate::table::matcher::claim_regex;
use crate::text::normalize::normalize_name;
use crate::toml_check::{KeySpec, TomlProblems, deserialize};

/// The schema versions this build reads.
pub const SUPPORTED_SCHEMA: &str = "^1";

const RESOURCE_KEYS: &[(&str, KeySpec)] = &[
    ("id", KeySpec::Value),
    ("key", KeySpec::Value),
    ("api-scope", KeySpec::Value),
    ("description", KeySpec::Value),
];
const PRODUCT_KEYS: &[(&str, KeySpec)] = &[
    ("id", KeySpec::Value),
    ("name", KeySpec::Value),
    ("aliases", KeySpec::Value),
    ("noun", KeySpec::Value),
    ("import-prefixes", KeySpec::Value),
];
const GROUP_KEYS: &[(&str, KeySpec)] = &[
    ("name", KeySpec::Value),
    ("id", KeySpec::Value),
    ("label", KeySpec::Value),
    ("aliases", KeySpec::Value),
    ("former-names", KeySpec::Value),
    ("product", KeySpec::Value),
    ("scopes", KeySpec::Value),
];
const TABLE_KEYS: &[(&str, KeySpec)] = &[
    ("schema", KeySpec::Value),
    ("resource-types", KeySpec::Tables(RESOURCE_KEYS)),
    ("products", KeySpec::Tables(PRODUCT_KEYS)),
    ("groups", KeySpec::Tables(GROUP_KEYS)),
];

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawTable {
    schema: Option<Spanned<String>>,
    #[serde(default)]
    resource_types: Vec<RawResourceType>,
    #[serde(default)]
    products: Vec<RawProduct>,
    #[serde(default)]
    groups: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawResourceType {
    id: Spanned<String>,
    key: String,
    api_scope: Option<String>,
    /// Accepted for the reader of the table; nothing uses it.
    #[serde(rename = "description")]
    _description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawProduct {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    noun: Option<Spanned<String>>,
    #[serde(default)]
    import_prefixes: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RawGroup {
    name: Spanned<String>,
    id: Option<String>,
    label: Option<Spanned<String>>,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    #[serde(default)]
    former_names: Vec<Spanned<String>>,
    product: Spanned<String>,
    scopes: Spanned<Vec<Spanned<String>>>,
}

/// Every key a capability table may hold, nested ones included.
pub fn table_key_names() -> Vec<&'static str> {
    crate::toml_check::key_names(TABLE_KEYS)
}

/// Every key a capability table may hold, as its path from the top of the file.
pub fn table_key_paths() -> Vec<Vec<&'static str>> {
    crate::toml_check::key_paths(TABLE_KEYS)
}

/// Parses and validates a capability table; `path` is only used in messages.
pub fn load_table(text: &str, path: &str) -> Result<CapabilityTable, Error> {
    let source = SourceText::new(path, text.to_owned());
    let (raw, mut problems): (RawTable, _) =
        deserialize(&source, TABLE_KEYS, "the capability table")?;
    check_schema(raw.schema.as_ref(), &mut problems);
    let resource_types = resource_types(raw.resource_types, &mut problems);
    let products = products(raw.products, &mut problems);
    let groups = groups(raw.groups, &resource_types, &products, &mut problems);
    problems.finish(CapabilityTable {
        resource_types,
        products,
        groups,
        origin: path.to_owned(),
    })
}

fn check_schema(schema: Option<&Spanned<String>>, problems: &mut TomlProblems<'_>) {
    let Some(schema) = schema else {
        problems.push(
            None,
            format!("missing `schema` key (this build reads schema versions {SUPPORTED_SCHEMA}, write `schema = \"1.0\"`)"),
        );
        return;
    };
    let supported = semver::VersionReq::parse(SUPPORTED_SCHEMA).expect("valid requirement");
    let accepted = parse_lenient_version(schema.get_ref())
        .map(|version| supported.matches(&version))
        .unwrap_or(false);
    if !accepted {
        problems.push(
            Some(schema.span()),
            format!(
                "unsupported schema version `{}` (this build reads schema versions {SUPPORTED_SCHEMA})",
                schema.get_ref()
            ),
        );
    }
}

/// Accepts "1", "1.0" and "1.0.0".
fn parse_lenient_version(text: &str) -> Option<semver::Version> {
    let parts = text.trim().split('.').count();
    let padded = match parts {
        1 => format!("{text}.0.0"),
        2 => format!("{text}.0"),
        _ => text.to_owned(),
    };
    semver::Version::parse(padded.trim()).ok()
}

fn resource_types(raw: Vec<RawResourceType>, problems: &mut TomlProblems<'_>) -> Vec<ResourceType> {
    let mut seen = HashMap::new();
    raw.into_iter()
        .map(|kind| {
            note_duplicate(&mut seen, &kind.id, "resource type id", problems);
            ResourceType {
                id: kind.id.into_inner(),
                key: kind.key,
                api_scope: kind.api_scope,
            }
        })
        .collect()
}

fn products(raw: Vec<RawProduct>, problems: &mut TomlProblems<'_>) -> Vec<Product> {
    let mut ids = HashMap::new();
    let mut names = HashMap::new();
    raw.into_iter()
        .map(|product| {
            note_duplicate(&mut ids, &product.id, "product id", problems);
            for name in std::iter::once(&product.name).chain(&product.aliases) {
                let key = normalize_name(name.get_ref());
                if key.is_empty() {
                    problems.push(
                        Some(name.span()),
                        format!(
                            "product name `{}` is empty once markup and punctuation are removed; a name needs a letter or digit",
                            name.get_ref()
                        ),
                    );
                } else if let Some(first) = names.insert(key, name.span()) {
                    problems.push(
                        Some(name.span()),
                        format!(
                            "product name `{}` is used twice (first at line {})",
                            name.get_ref(),
                            problems_line(problems, &first)
                        ),
                    );
                }
            }
            if let Some(noun) = &product.noun {
                check_noun(product.name.get_ref(), noun, problems);
            }
            Product {
                id: product.id.into_inner(),
                name: product.name.into_inner(),
                aliases: product
                    .aliases
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
                noun: product.noun.map(Spanned::into_inner),
                import_prefixes: product.import_prefixes,
            }
        })
        .collect()
}

/// A product's noun must have a word in it, and the claim matcher built from it must compile.
fn check_noun(name: &str, noun: &Spanned<String>, problems: &mut TomlProblems<'_>) {
    if normalize_name(noun.get_ref()).is_empty() {
        problems.push(
            Some(noun.span()),
            format!(
                "noun `{}` is empty once markup and punctuation are removed; write the word for one resource (\"gateway\") or leave `noun` out",
                noun.get_ref()
            ),
        );
    } else if let Err(error) = claim_regex_fits(name, noun.get_ref()) {
        problems.push(
            Some(noun.span()),
            format!(
                "the claim matcher built from this noun ({} bytes) and the product name cannot be compiled: {}",
                noun.get_ref().len(),
                describe_regex_error(&error)
            ),
        );
    }
}

/// Lowercased name and noun bytes up to which the claim matcher always compiles (a unit test builds it at
/// this size from the characters that compile to the most states): below it the loader does not spend the
/// compilation on knowing that.
const CLAIM_REGEX_SAFE_BYTES: usize = 4096;

/// Whether the claim matcher of `name` and `noun` compiles, building it only when they are long enough
/// for it to exceed the regex size limit.
fn claim_regex_fits(name: &str, noun: &str) -> Result<(), regex::Error> {
    if name.to_lowercase().len() + noun.to_lowercase().len() <= CLAIM_REGEX_SAFE_BYTES {
        return Ok(());
    }
    claim_regex(name, noun).map(drop)
}

fn describe_regex_error(error: &regex::Error) -> String {
    match error {
        regex::Error::CompiledTooBig(limit) => {
            format!("it would exceed the {limit}-byte limit; use a short noun")
        }
        other => other.to_string(),
    }
}

fn groups(
    raw: Vec<RawGroup>,
    resource_types: &[ResourceType],
    products: &[Product],
    problems: &mut TomlProblems<'_>,
) -> Vec<PermissionGroup> {
    let mut names: HashMap<String, Range<usize>> = HashMap::new();
    raw.into_iter()
        .map(|group| {
            let every_name = std::iter::once(&group.name)
                .chain(group.label.as_ref())
                .chain(&group.aliases)
                .chain(&group.former_names);
            for name in every_name {
                let key = normalize_name(name.get_ref());
                if key.is_empty() {
                    problems.push(Some(name.span()), "a permission group name must not be empty");
                } else if let Some(first) = names.get(&key) {
                    let first_line = problems_line(problems, first);
                    problems.push(
                        Some(name.span()),
                        format!(
                            "permission group name or alias `{}` is used twice (first at line {first_line})",
                            name.get_ref()
                        ),
                    );
                } else {
                    names.insert(key, name.span());
                }
            }
            let product = products
                .iter()
                .position(|product| product.id == *group.product.get_ref());
            if product.is_none() {
                problems.push(
                    Some(group.product.span()),
                    format!(
                        "group `{}` names product `{}`, which is not defined in [[products]]",
                        group.name.get_ref(),
                        group.product.get_ref()
                    ),
                );
            }
            let scopes = scopes(&group, resource_types, problems);
            PermissionGroup {
                name: group.name.into_inner(),
                id: group.id,
                label: group.label.map(Spanned::into_inner),
                aliases: group.aliases.into_iter().map(Spanned::into_inner).collect(),
                former_names: group
                    .former_names
                    .into_iter()
                    .map(Spanned::into_inner)
                    .collect(),
                product: product.unwrap_or(0),
                scopes,
            }
        })
        .collect()
}

fn scopes(
    group: &RawGroup,
    resource_types: &[ResourceType],
    problems: &mut TomlProblems<'_>,
) -> Vec<usize> {
    if group.scopes.get_ref().is_empty() {
        problems.push(
            Some(group.scopes.span()),
            format!(
                "group `{}` has empty `scopes`; list at least one resource type",
                group.name.get_ref()
            ),
        );
    }
    let mut indexes = Vec::new();
    for scope in group.scopes.get_ref() {
        match resource_types.iter().position(|kind| kind.id == *scope.get_ref()) {
            Some(index) => indexes.push(index),
            None => problems.push(
                Some(scope.span()),
                format!(
                    "group `{}` names resource type `{}`, which is not defined in [[resource-types]]",
                    group.name.get_ref(),
                    scope.get_ref()
                ),
            ),
        }
    }
    indexes
}

fn note_duplicate(
    seen: &mut HashMap<String, Range<usize>>,
    id: &Spanned<String>,
    what: &str,
    problems: &mut TomlProblems<'_>,
) {
    if let Some(first) = seen.insert(id.get_ref().clone(), id.span()) {
        let first_line = problems_line(problems, &first);
        problems.push(
            Some(id.span()),
            format!(
                "{what} `{}` is used twice (first at line {first_line})",
                id.get_ref()
            ),
        );
    }
}

fn problems_line(problems: &TomlProblems<'_>, span: &Range<usize>) -> usize {
    problems.source().position(span.start).line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> String {
        load_table(text, "caps.toml").unwrap_err().to_string()
    }

    #[test]
    fn the_test_table_loads() {
        let table = load_table(super::super::tests::SMALL_TABLE, "caps.toml").unwrap();
        assert_eq!(table.groups.len(), 5);
        assert_eq!(table.products[0].noun.as_deref(), Some("gateway"));
    }

    #[test]
    fn every_unknown_key_is_reported_with_its_position() {
        let text =
            "schema = \"1.0\"\ncolour = 1\n[[products]]\nid = \"x\"\nname = \"X\"\nnoun2 = \"y\"\n";
        assert_eq!(
            errors(text),
            "caps.toml:2:1: unknown key `colour` in the capability table (expected one of: `schema`, `resource-types`, `products`, `groups`)\n\
             caps.toml:6:1: unknown key `noun2` in [[products]]; did you mean `noun`? (expected one of: `id`, `name`, `aliases`, `noun`, `import-prefixes`)"
        );
    }

    #[test]
    fn references_duplicates_empty_scopes_and_schema_are_all_reported() {
        let text = r#"schema = "2.0"
[[resource-types]]
id = "account"
key = "a.{account}"
[[products]]
id = "p"
name = "P"
[[groups]]
name = "P Read"
product = "q"
scopes = []
[[groups]]
name = "p  read"
product = "p"
scopes = ["zone"]
"#;
        assert_eq!(
            errors(text),
            "caps.toml:1:10: unsupported schema version `2.0` (this build reads schema versions ^1)\n\
             caps.toml:10:11: group `P Read` names product `q`, which is not defined in [[products]]\n\
             caps.toml:11:10: group `P Read` has empty `scopes`; list at least one resource type\n\
             caps.toml:13:8: permission group name or alias `p  read` is used twice (first at line 9)\n\
             caps.toml:15:11: group `p  read` names resource type `zone`, which is not defined in [[resource-types]]"
        );
    }

    #[test]
    fn a_missing_schema_and_a_syntax_error_are_reported() {
        assert_eq!(
            errors("[[products]]\nid = \"p\"\nname = \"P\"\n"),
            "caps.toml: missing `schema` key (this build reads schema versions ^1, write `schema = \"1.0\"`)"
        );
        assert!(errors("schema = \n").starts_with("caps.toml:1:"));
    }

    #[test]
    fn names_and_nouns_without_a_word_are_refused_with_their_line() {
        let text = r#"schema = "1.0"
[[resource-types]]
id = "account"
key = "a.{account}"
[[products]]
id = "p"
name = "**"
aliases = ["AI Gateway", " `_` "]
noun = "--"
[[groups]]
name = "**"
product = "p"
scopes = ["account"]
"#;
        assert_eq!(
            errors(text),
            "caps.toml:7:8: product name `**` is empty once markup and punctuation are removed; a name needs a letter or digit\n\
             caps.toml:8:26: product name ` `_` ` is empty once markup and punctuation are removed; a name needs a letter or digit\n\
             caps.toml:9:8: noun `--` is empty once markup and punctuation are removed; write the word for one resource (\"gateway\") or leave `noun` out\n\
             caps.toml:11:8: a permission group name must not be empty"
        );
    }

    #[test]
    fn a_noun_too_large_to_compile_is_refused_with_its_line() {
        let noun = "gateway ".repeat(200_000);
        let text = format!(
            "schema = \"1.0\"\n[[products]]\nid = \"p\"\nname = \"P\"\nnoun = \"{noun}\"\n"
        );
        let message = errors(&text);
        assert!(
            message.starts_with("caps.toml:5:8: the claim matcher built from this noun (1600000 bytes) and the product name cannot be compiled: it would exceed the "),
            "{message}"
        );
        assert!(
            message.ends_with("-byte limit; use a short noun"),
            "{message}"
        );
    }

    #[test]
    fn a_claim_matcher_within_the_safe_size_compiles_for_any_characters() {
        // Each character kind at the bound: ASCII, a regex meta character (escaped), 2-, 3- and 4-byte
        // UTF-8, and one that grows when lowercased.
        for c in ['a', '.', '(', 'é', '日', '😀', 'İ'] {
            let lowered = c.to_lowercase().to_string().len();
            let half = CLAIM_REGEX_SAFE_BYTES / 2 / lowered;
            let name = c.to_string().repeat(half);
            let noun = c.to_string().repeat(half);
            assert!(
                name.to_lowercase().len() + noun.to_lowercase().len() <= CLAIM_REGEX_SAFE_BYTES,
                "{c}"
            );
            assert!(claim_regex(&name, &noun).is_ok(), "{c}");
            let noun = c.to_string().repeat(2 * half);
            assert!(claim_regex("P", &noun).is_ok(), "{c}");
        }
    }

    #[test]
    fn schema_versions_in_the_supported_range_are_accepted() {
        for version in ["1", "1.0", "1.4.2"] {
            let text = format!("schema = \"{version}\"\n");
            assert!(load_table(&text, "caps.toml").is_ok(), "{version}");
        }
    }
}
