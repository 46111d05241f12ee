//! The policy: what the docs must say about the capability table's facts, and how to read the docs.
//!
//! A `scope-lint.toml` is found by walking up from the checked path (or given with `--config`). With none,
//! the embedded Cloudflare preset (table and policy) applies. Every key is documented in
//! `docs/src/configuration.md`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::catalog::{self, RULES, Severity};
use crate::doc::Dialect;
use crate::doc::callout::CalloutForm;
use crate::doc::source::SourceText;
use crate::error::{Error, Result};
use crate::table::preset::{self, DEFAULT_PRESET};
use crate::table::{CapabilityTable, GroupIndex, ProductIndex, load_table};
use crate::toml_check::{KeySpec, TomlProblems, deserialize, read_text};

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

const PAGE_KEYS: &[(&str, KeySpec)] = &[("path", KeySpec::Value), ("heading", KeySpec::Value)];
const REQUIRE_KEYS: &[(&str, KeySpec)] =
    &[("pattern", KeySpec::Value), ("describe", KeySpec::Value)];
const CALLOUT_KEYS: &[(&str, KeySpec)] = &[
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
const RENDER_PATH_KEYS: &[(&str, KeySpec)] = &[("glob", KeySpec::Value), ("form", KeySpec::Value)];
const REFERENCE_KEYS: &[(&str, KeySpec)] = &[
    ("pages", KeySpec::Value),
    ("sections", KeySpec::Map(&KeySpec::Value)),
];
const POLICY_KEYS: &[(&str, KeySpec)] = &[
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

/// Which blocks count as listing a product's groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ListingKind {
    Table,
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
    pub exclude: GlobSet,
    /// `--exclude` globs from the command line: matched against the path relative to `root`, the path as
    /// shown and the file name, for walked and named files alike.
    pub command_line_exclude: GlobSet,
    pub dialects: Vec<(GlobMatcher, Dialect)>,
    pub partials: PartialsPolicy,
    /// Severity per rule code; `None` turns the rule off.
    pub severities: BTreeMap<&'static str, Option<Severity>>,
    pub render: RenderPolicy,
    pub callouts: Vec<CalloutPolicy>,
    /// The largest page, include or partial read, in bytes (`max-file-size`); larger files are errors.
    pub max_file_size: u64,
    pub reference: ReferencePolicy,
}

/// The permissions reference pages (SL008): where every group of the table must appear.
#[derive(Debug, Default)]
pub struct ReferencePolicy {
    pub pages: GlobSet,
    /// (resource type index, the heading of the section that lists that scope's groups).
    pub sections: Vec<(usize, String)>,
}

#[derive(Debug)]
pub struct PartialsPolicy {
    pub pattern: String,
    pub files: GlobSet,
    pub placement: Placement,
}

#[derive(Debug)]
pub struct RenderPolicy {
    pub mdx: CalloutForm,
    pub markdown: CalloutForm,
    pub paths: Vec<(GlobMatcher, CalloutForm)>,
}

#[derive(Debug)]
pub struct CalloutPolicy {
    pub product: ProductIndex,
    pub kind: String,
    pub title: Option<String>,
    pub template: String,
    pub contrast: Option<ProductIndex>,
    pub example_group: Option<GroupIndex>,
    pub where_listed: bool,
    pub listing: Vec<ListingKind>,
    pub pages: Vec<PageRequirement>,
    pub accept: Vec<Regex>,
    pub require: Vec<(Regex, String)>,
}

#[derive(Debug)]
pub struct PageRequirement {
    pub glob: GlobMatcher,
    pub pattern: String,
    pub heading: Option<String>,
}

/// The capability table and the policy a run uses.
#[derive(Debug)]
pub struct Settings {
    pub table: CapabilityTable,
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

/// Loads the settings: the given or discovered config, else the embedded preset.
pub fn load(source: &SettingsSource) -> Result<Settings> {
    let config_path = match &source.config {
        Some(path) => Some(path.clone()),
        None => discover(&source.start),
    };
    match config_path {
        Some(path) => {
            let text = read_text(&path)?;
            let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
            let root = absolute
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            load_policy_text(&text, &root, source.capabilities.as_deref())
        }
        None => {
            // The preset's globs start with `**/`: matched against the whole absolute path, they find
            // `ai-gateway/configuration/authentication.mdx` whichever directory or file is checked.
            let absolute =
                std::path::absolute(&source.start).unwrap_or_else(|_| source.start.clone());
            let root = absolute
                .ancestors()
                .last()
                .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
            load_preset(DEFAULT_PRESET.name, &root, source.capabilities.as_deref())
        }
    }
}

/// The first `scope-lint.toml` in `start` or one of its ancestors.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(start).ok()?;
    let first = if absolute.is_dir() {
        absolute.as_path()
    } else {
        absolute.parent()?
    };
    let found = first
        .ancestors()
        .map(|dir| dir.join(CONFIG_FILE))
        .find(|candidate| candidate.is_file())?;
    // Shown in messages: relative to the working directory when it is below it.
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| found.strip_prefix(cwd).ok().map(Path::to_path_buf));
    Some(relative.unwrap_or(found))
}

/// The embedded preset `name`, with paths relative to `root`.
pub fn load_preset(name: &str, root: &Path, capabilities: Option<&Path>) -> Result<Settings> {
    let preset =
        preset::preset(name).ok_or_else(|| Error::Usage(format!("unknown preset `{name}`")))?;
    let table = match capabilities {
        Some(path) => load_table_file(path)?,
        None => load_table(preset.table, &preset.origin())?,
    };
    let source = SourceText::new(
        format!("{} policy", preset.origin()),
        preset.policy.to_owned(),
    );
    let (file, problems): (PolicyFile, _) = deserialize(&source, POLICY_KEYS, "the policy")?;
    let policy = compile(file, PolicyFile::default(), problems, root, &table)?;
    Ok(Settings { table, policy })
}

/// Reads a capability table from disk.
pub fn load_table_file(path: &Path) -> Result<CapabilityTable> {
    let text = read_text(path)?;
    load_table(&text.text, &path.display().to_string())
}

/// Loads a policy from `text` (a `scope-lint.toml` or an equivalent), resolving paths against `root`.
pub fn load_policy_text(
    text: &SourceText,
    root: &Path,
    capabilities: Option<&Path>,
) -> Result<Settings> {
    let (file, problems): (PolicyFile, _) = deserialize(text, POLICY_KEYS, "the policy")?;
    let base = match &file.extends {
        Some(name) => {
            let preset = preset::preset(name.get_ref()).ok_or_else(|| {
                Error::invalid(
                    text.path(),
                    Some(text.position(name.span().start)),
                    format!(
                        "unknown preset `{}` in `extends` (known: {})",
                        name.get_ref(),
                        preset::preset_names().join(", ")
                    ),
                )
            })?;
            let source = SourceText::new(
                format!("{} policy", preset.origin()),
                preset.policy.to_owned(),
            );
            deserialize::<PolicyFile>(&source, POLICY_KEYS, "the policy")?.0
        }
        None => PolicyFile::default(),
    };
    let table = match (capabilities, &file.capabilities, &file.extends) {
        (Some(path), _, _) => load_table_file(path)?,
        (None, Some(relative), _) => load_table_file(&root.join(relative.get_ref()))?,
        (None, None, Some(name)) => {
            let preset = preset::preset(name.get_ref()).expect("checked above");
            load_table(preset.table, &preset.origin())?
        }
        (None, None, None) => load_table(DEFAULT_PRESET.table, &DEFAULT_PRESET.origin())?,
    };
    let policy = compile(file, base, problems, root, &table)?;
    Ok(Settings { table, policy })
}

/// Merges `file` over `base` (the extended preset) and resolves names against `table`.
fn compile(
    file: PolicyFile,
    base: PolicyFile,
    mut problems: TomlProblems<'_>,
    root: &Path,
    table: &CapabilityTable,
) -> Result<Policy> {
    let origin = problems.source().path().display().to_string();
    let exclude = globs(
        file.exclude.or(base.exclude).unwrap_or_default(),
        &mut problems,
    );
    let dialects = file
        .dialects
        .or(base.dialects)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(pattern, dialect)| {
            compile_glob(&pattern, Some(dialect.span()), &mut problems)
                .map(|glob| (glob, dialect.into_inner()))
        })
        .collect();
    let partials = partials(
        file.partials.or(base.partials).unwrap_or_default(),
        &mut problems,
    );
    let severities = severities(file.rules.or(base.rules).unwrap_or_default(), &mut problems);
    let render = render(
        file.render.or(base.render).unwrap_or_default(),
        &mut problems,
    );
    let callouts = file
        .callouts
        .or(base.callouts)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|callout| compile_callout(callout, table, &render, &mut problems))
        .collect();
    let max_file_size = max_file_size(file.max_file_size.or(base.max_file_size), &mut problems);
    // The preset's sections name the preset's resource types: with a table of one's own, those it lacks
    // are skipped rather than reported (a section of one's own `[reference]` must exist).
    let reference = match (file.reference, base.reference) {
        (Some(own), _) => reference(own, table, Some(&mut problems)),
        (None, inherited) => reference(inherited.unwrap_or_default(), table, None),
    };
    problems.finish(Policy {
        max_file_size,
        root: root.to_path_buf(),
        origin,
        exclude,
        command_line_exclude: GlobSet::empty(),
        dialects,
        partials,
        severities,
        render,
        callouts,
        reference,
    })
}

fn max_file_size(value: Option<Spanned<i64>>, problems: &mut TomlProblems<'_>) -> u64 {
    let Some(value) = value else {
        return crate::read::DEFAULT_MAX_FILE_SIZE;
    };
    match u64::try_from(*value.get_ref()) {
        Ok(bytes) if bytes > 0 => bytes,
        _ => {
            problems.push(
                Some(value.span()),
                format!(
                    "`max-file-size` must be a positive number of bytes, not {}",
                    value.get_ref()
                ),
            );
            crate::read::DEFAULT_MAX_FILE_SIZE
        }
    }
}

fn reference(
    file: ReferenceFile,
    table: &CapabilityTable,
    mut problems: Option<&mut TomlProblems<'_>>,
) -> ReferencePolicy {
    let mut sections = Vec::new();
    for (id, heading) in file.sections.unwrap_or_default() {
        match table.resource_types.iter().position(|kind| kind.id == id) {
            Some(kind) => sections.push((kind, heading.into_inner())),
            None => {
                let Some(problems) = problems.as_deref_mut() else {
                    continue;
                };
                problems.push(
                Some(heading.span()),
                format!(
                    "[reference] sections names resource type `{id}`, which the capability table ({}) does not define",
                    table.origin
                ),
            );
            }
        }
    }
    sections.sort_unstable();
    let pages = file.pages.unwrap_or_default();
    let pages = match problems {
        Some(problems) => globs(pages, problems),
        None => {
            let mut builder = GlobSetBuilder::new();
            for pattern in &pages {
                if let Ok(glob) = Glob::new(pattern.get_ref()) {
                    builder.add(glob);
                }
            }
            builder.build().unwrap_or_else(|_| GlobSet::empty())
        }
    };
    ReferencePolicy { pages, sections }
}

fn partials(file: PartialsFile, problems: &mut TomlProblems<'_>) -> PartialsPolicy {
    PartialsPolicy {
        pattern: file
            .pattern
            .unwrap_or_else(|| "src/content/partials/{product}/{file}.mdx".to_owned()),
        files: globs(file.files.unwrap_or_default(), problems),
        placement: file.placement.unwrap_or_default(),
    }
}

fn render(file: RenderFile, problems: &mut TomlProblems<'_>) -> RenderPolicy {
    RenderPolicy {
        mdx: file.mdx.unwrap_or(CalloutForm::Directive),
        markdown: file.markdown.unwrap_or(CalloutForm::GfmAlert),
        paths: file
            .paths
            .into_iter()
            .filter_map(|path| {
                compile_glob(path.glob.get_ref(), Some(path.glob.span()), problems)
                    .map(|glob| (glob, path.form))
            })
            .collect(),
    }
}

fn severities(
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    problems: &mut TomlProblems<'_>,
) -> BTreeMap<&'static str, Option<Severity>> {
    let mut severities: BTreeMap<&'static str, Option<Severity>> = RULES
        .iter()
        .map(|rule| (rule.code, Some(rule.severity)))
        .collect();
    for (code, level) in rules {
        let Some(rule) = catalog::find(code.get_ref()) else {
            let hint = catalog::closest(code.get_ref())
                .map(|known| format!("; did you mean `{known}`?"))
                .unwrap_or_default();
            problems.push(
                Some(code.span()),
                format!("unknown rule `{}` in [rules]{hint}", code.get_ref()),
            );
            continue;
        };
        let severity = match level.get_ref().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "off" => None,
            other => {
                problems.push(
                    Some(level.span()),
                    format!(
                        "unknown level `{other}` for {} (expected `error`, `warning` or `off`)",
                        rule.code
                    ),
                );
                continue;
            }
        };
        severities.insert(rule.code, severity);
    }
    severities
}

fn compile_callout(
    file: CalloutFile,
    table: &CapabilityTable,
    render: &RenderPolicy,
    problems: &mut TomlProblems<'_>,
) -> Option<CalloutPolicy> {
    if let Some(kind) = &file.kind {
        check_kind(kind, file.product.get_ref(), render, problems);
    }
    let Some(product) = table.product_index(file.product.get_ref()) else {
        problems.push(
            Some(file.product.span()),
            format!(
                "callout names product `{}`, which the capability table ({}) does not define",
                file.product.get_ref(),
                table.origin
            ),
        );
        return None;
    };
    let noun = table.products[product]
        .noun
        .clone()
        .unwrap_or_else(|| "resource".to_owned());
    let name = table.products[product].name.clone();
    let substitute = |pattern: &str| {
        pattern
            .replace("{noun}", &regex::escape(&noun.to_lowercase()))
            .replace("{product}", &regex::escape(&name.to_lowercase()))
    };
    let contrast = file.contrast.as_ref().and_then(|contrast| {
        let index = table.product_index(contrast.get_ref());
        if index.is_none() {
            problems.push(
                Some(contrast.span()),
                format!(
                    "`contrast` names product `{}`, which the capability table ({}) does not define",
                    contrast.get_ref(),
                    table.origin
                ),
            );
        }
        index
    });
    let example_group = file.example_group.as_ref().and_then(|example| {
        let index = table.groups.iter().position(|group| group.all_names().any(|known| known == example.get_ref()));
        if index.is_none() {
            problems.push(Some(example.span()), format!("`example-group` names `{}`, which is not a permission group in the capability table ({})", example.get_ref(), table.origin));
        }
        index
    });
    let accept_patterns: Vec<(String, Option<std::ops::Range<usize>>)> = match file.accept {
        Some(patterns) => patterns
            .into_iter()
            .map(|pattern| (pattern.get_ref().clone(), Some(pattern.span())))
            .collect(),
        None => DEFAULT_ACCEPT
            .iter()
            .map(|pattern| ((*pattern).to_owned(), None))
            .collect(),
    };
    let accept = accept_patterns
        .into_iter()
        .filter_map(|(pattern, span)| compile_regex(&substitute(&pattern), span, problems))
        .collect();
    let require = file
        .require
        .into_iter()
        .filter_map(|require| {
            let regex = compile_regex(
                &substitute(require.pattern.get_ref()),
                Some(require.pattern.span()),
                problems,
            )?;
            Some((
                regex,
                require
                    .describe
                    .replace("{noun}", &noun)
                    .replace("{product}", &name),
            ))
        })
        .collect();
    let pages = file
        .pages
        .into_iter()
        .filter_map(|page| page_requirement(page, problems))
        .collect();
    let template_text = format!("{} {}", file.template, file.title.as_deref().unwrap_or(""));
    for name in unknown_placeholders(&template_text) {
        problems.push(
            Some(file.product.span()),
            format!(
                "the call-out template for `{}` uses unknown placeholder `{{{name}}}` (known: {})",
                file.product.get_ref(),
                TEMPLATE_PLACEHOLDERS.join(", ")
            ),
        );
    }
    if file.contrast.is_none() && template_text.contains("{contrast") {
        problems.push(
            Some(file.product.span()),
            format!(
                "the call-out template for `{}` uses `{{contrast}}` but sets no `contrast` product",
                file.product.get_ref()
            ),
        );
    }
    Some(CalloutPolicy {
        product,
        kind: file.kind.map_or_else(
            || "note".to_owned(),
            |kind| kind.into_inner().to_ascii_lowercase(),
        ),
        title: file.title,
        template: file.template.trim().to_owned(),
        contrast,
        example_group,
        where_listed: file.where_listed.unwrap_or(true),
        listing: file
            .listing
            .unwrap_or_else(|| vec![ListingKind::Table, ListingKind::List]),
        pages,
        accept,
        require,
    })
}

/// A call-out `kind` must be one that every form the policy renders accepts: otherwise the inserted
/// call-out would not be recognised (or rendered) and the fix would be dropped.
fn check_kind(
    kind: &Spanned<String>,
    product: &str,
    render: &RenderPolicy,
    problems: &mut TomlProblems<'_>,
) {
    let mut forms = vec![
        (render.mdx, "`[render] mdx`"),
        (render.markdown, "`[render] markdown`"),
    ];
    forms.extend(
        render
            .paths
            .iter()
            .map(|(_, form)| (*form, "`[[render.paths]]`")),
    );
    let mut reported: Vec<CalloutForm> = Vec::new();
    let wanted = kind.get_ref().to_ascii_lowercase();
    for (form, origin) in forms {
        if form.kinds().contains(&wanted.as_str()) || reported.contains(&form) {
            continue;
        }
        reported.push(form);
        problems.push(
            Some(kind.span()),
            format!(
                "call-out kind `{}` for `{product}` cannot be rendered as a {} ({origin}); it accepts {}",
                kind.get_ref(),
                form.describe(),
                form.kinds().join(", ")
            ),
        );
    }
}

fn page_requirement(
    page: Spanned<PageFile>,
    problems: &mut TomlProblems<'_>,
) -> Option<PageRequirement> {
    let span = page.span();
    let (pattern, heading) = match page.into_inner() {
        PageFile::Glob(pattern) => (pattern, None),
        PageFile::Detailed { path, heading } => (path, heading),
    };
    let glob = compile_glob(&pattern, Some(span), problems)?;
    Some(PageRequirement {
        glob,
        pattern,
        heading,
    })
}

fn compile_regex(
    pattern: &str,
    span: Option<std::ops::Range<usize>>,
    problems: &mut TomlProblems<'_>,
) -> Option<Regex> {
    match Regex::new(&format!("(?i){pattern}")) {
        Ok(regex) => Some(regex),
        Err(error) => {
            let message = error.to_string();
            let last = message
                .lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .to_owned();
            problems.push(
                span,
                format!("invalid regular expression `{pattern}`: {last}"),
            );
            None
        }
    }
}

fn compile_glob(
    pattern: &str,
    span: Option<std::ops::Range<usize>>,
    problems: &mut TomlProblems<'_>,
) -> Option<GlobMatcher> {
    match Glob::new(pattern) {
        Ok(glob) => Some(glob.compile_matcher()),
        Err(error) => {
            problems.push(span, format!("invalid glob `{pattern}`: {}", error.kind()));
            None
        }
    }
}

fn globs(patterns: Vec<Spanned<String>>, problems: &mut TomlProblems<'_>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        match Glob::new(pattern.get_ref()) {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(error) => problems.push(
                Some(pattern.span()),
                format!("invalid glob `{}`: {}", pattern.get_ref(), error.kind()),
            ),
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// The placeholders a call-out template may use.
pub const TEMPLATE_PLACEHOLDERS: &[&str] = &[
    "product",
    "groups",
    "noun",
    "contrast",
    "contrast_noun",
    "example_group",
];

impl CalloutPolicy {
    /// The call-out body: the template with its placeholders filled from the table.
    pub fn body(&self, table: &CapabilityTable) -> String {
        fill(&self.template, &self.values(table))
    }

    /// The call-out title, filled the same way.
    pub fn title_text(&self, table: &CapabilityTable) -> Option<String> {
        self.title
            .as_ref()
            .map(|title| fill(title, &self.values(table)))
    }

    fn values(&self, table: &CapabilityTable) -> Vec<(&'static str, String)> {
        let product = &table.products[self.product];
        let groups: Vec<&str> = table
            .product_groups(self.product)
            .map(|group| table.groups[group].display_name())
            .collect();
        let contrast = self.contrast.map(|index| &table.products[index]);
        let example = self
            .example_group
            .or_else(|| table.product_groups(self.product).last())
            .map(|group| table.groups[group].display_name().to_owned())
            .unwrap_or_default();
        vec![
            ("product", product.name.clone()),
            ("groups", compress_groups(&product.name, &groups)),
            (
                "noun",
                product
                    .noun
                    .clone()
                    .unwrap_or_else(|| "resource".to_owned()),
            ),
            (
                "contrast",
                contrast
                    .map(|contrast| contrast.name.clone())
                    .unwrap_or_default(),
            ),
            (
                "contrast_noun",
                contrast
                    .and_then(|contrast| contrast.noun.clone())
                    .unwrap_or_else(|| "resource".to_owned()),
            ),
            ("example_group", example),
        ]
    }
}

/// `AI Gateway Read/Edit/Run` when every name starts with the product name, else a comma-separated list.
fn compress_groups(product: &str, groups: &[&str]) -> String {
    let prefix = format!("{product} ");
    let suffixes: Option<Vec<&str>> = groups
        .iter()
        .map(|group| group.strip_prefix(&prefix))
        .collect();
    match suffixes {
        Some(suffixes) if !suffixes.is_empty() => format!("{product} {}", suffixes.join("/")),
        _ => groups.join(", "),
    }
}

fn fill(template: &str, values: &[(&'static str, String)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// The `{name}` placeholders in `template` that [`TEMPLATE_PLACEHOLDERS`] does not define.
fn unknown_placeholders(template: &str) -> Vec<String> {
    let pattern = Regex::new(r"\{([A-Za-z_]+)\}").expect("valid regex");
    pattern
        .captures_iter(template)
        .map(|captures| captures[1].to_owned())
        .filter(|name| !TEMPLATE_PLACEHOLDERS.contains(&name.as_str()))
        .collect()
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
    /// no preset and has no `[[callouts]]` (an empty or `/dev/null` config), or it sets `callouts = []`, and
    /// it names no `[reference]` pages either.
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

    pub fn is_partial(&self, relative: &Path) -> bool {
        self.partials.files.is_match(relative)
    }

    pub fn is_excluded(&self, relative: &Path) -> bool {
        self.exclude.is_match(relative)
    }

    /// Whether a `--exclude` glob matches the file (`relative` to the root, or `shown` as the user gave it).
    pub fn is_excluded_by_command_line(&self, relative: &Path, shown: &Path) -> bool {
        let set = &self.command_line_exclude;
        !set.is_empty()
            && (set.is_match(relative)
                || set.is_match(shown)
                || shown.file_name().is_some_and(|name| set.is_match(name)))
    }

    pub fn severity(&self, code: &str) -> Option<Severity> {
        self.severities.get(code).copied().flatten()
    }

    /// The call-out form to render for a page.
    pub fn form_for(&self, relative: &Path, dialect: Dialect) -> CalloutForm {
        self.render
            .paths
            .iter()
            .find(|(glob, _)| glob.is_match(relative))
            .map_or(
                match dialect {
                    Dialect::Mdx => self.render.mdx,
                    Dialect::Markdown => self.render.markdown,
                },
                |(_, form)| *form,
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Result<Settings> {
        load_policy_text(
            &SourceText::new("scope-lint.toml", text.to_owned()),
            Path::new("."),
            None,
        )
    }

    #[test]
    fn the_preset_policy_compiles() {
        let settings = load_preset("cloudflare", Path::new("."), None).unwrap();
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
        let settings = load_preset("cloudflare", Path::new("."), None).unwrap();
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
        let settings = load_preset("cloudflare", Path::new("."), None).unwrap();
        let accept = &settings.policy.callouts[0].accept;
        let says = |text: &str| accept.iter().any(|regex| regex.is_match(text));
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
