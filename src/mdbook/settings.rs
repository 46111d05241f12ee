//! The book's settings: `[preprocessor.scope-lint]` read from the book's config and checked key by key
//! (its own keys, mdBook's, and policy keys written inline), and the policy it selects loaded.

use super::*;

/// The keys mdBook itself reads from a preprocessor table.
const MDBOOK_KEYS: &[&str] = &["command", "renderers", "before", "after", "optional"];
/// Our own keys.
const OWN_KEYS: &[&str] = &["capabilities", "config", "mode", "fail-on"];
/// Policy keys that may be written inline instead of in a scope-lint.toml.
const POLICY_KEYS: &[&str] = &[
    "extends", "exclude", "dialects", "partials", "rules", "render", "callouts",
];

/// What the preprocessor does with the book (`mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Report findings; fail the build per `fail-on`.
    #[default]
    Check,
    /// Insert missing call-outs into the rendered chapters (never into the sources).
    Inject,
}

/// When findings fail the book build (`fail-on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Fail on an error-level finding.
    #[default]
    Error,
    /// Fail on any finding.
    Warning,
    /// Never fail; findings are still printed.
    Never,
}

/// `[preprocessor.scope-lint]`, as read from the book's config.
#[derive(Debug, Default)]
pub struct BookSettings {
    /// The capability table to use (`capabilities`), relative to the book root.
    pub capabilities: Option<PathBuf>,
    /// The `scope-lint.toml` to use (`config`), relative to the book root.
    pub config: Option<PathBuf>,
    /// Check or inject.
    pub mode: Mode,
    /// When findings fail the build.
    pub fail_on: FailOn,
    /// Policy keys written inline, as TOML.
    pub inline_policy: Option<String>,
}

/// Reads `[preprocessor.scope-lint]` (or the preprocessor table whose command runs scope-lint).
pub fn book_settings(context: &PreprocessorContext) -> Result<BookSettings> {
    let book_toml = context.root.join("book.toml");
    let tables: BTreeMap<String, serde_json::Value> = context
        .config
        .preprocessors()
        .map_err(|error| Error::invalid(&book_toml, None, format!("{error:#}")))?;
    let Some((name, table)) = tables
        .iter()
        .find(|(name, _)| name.as_str() == "scope-lint")
        .or_else(|| {
            tables.iter().find(|(_, table)| {
                table
                    .get("command")
                    .and_then(serde_json::Value::as_str)
                    .is_some_and(|command| command.contains("scope-lint"))
            })
        })
    else {
        return Ok(BookSettings::default());
    };
    let Some(table) = table.as_object() else {
        return Ok(BookSettings::default());
    };
    let context_name = format!("[preprocessor.{name}]");
    let unknown: Vec<&str> = table
        .keys()
        .map(String::as_str)
        .filter(|key| {
            !MDBOOK_KEYS.contains(key) && !OWN_KEYS.contains(key) && !POLICY_KEYS.contains(key)
        })
        .collect();
    if !unknown.is_empty() {
        let known: Vec<&str> = OWN_KEYS
            .iter()
            .chain(POLICY_KEYS)
            .chain(MDBOOK_KEYS)
            .copied()
            .collect();
        return Err(Error::invalid(
            &book_toml,
            None,
            format!(
                "unknown key{} {} in {context_name} (expected one of: {})",
                if unknown.len() == 1 { "" } else { "s" },
                quote_all(&unknown),
                quote_all(&known)
            ),
        ));
    }
    let field = |key: &str| table.get(key).cloned();
    let parse = |key: &str| -> Result<Option<String>> {
        match field(key) {
            None => Ok(None),
            Some(serde_json::Value::String(text)) => Ok(Some(text)),
            Some(other) => Err(Error::invalid(
                &book_toml,
                None,
                format!("`{key}` in {context_name} must be a string, not `{other}`"),
            )),
        }
    };
    let mode = match parse("mode")?.as_deref() {
        None | Some("check") => Mode::Check,
        Some("inject") => Mode::Inject,
        Some(other) => {
            return Err(Error::invalid(
                &book_toml,
                None,
                format!("`mode = \"{other}\"` in {context_name}: expected \"check\" or \"inject\""),
            ));
        }
    };
    let fail_on = match parse("fail-on")?.as_deref() {
        None | Some("error") => FailOn::Error,
        Some("warning") => FailOn::Warning,
        Some("never") => FailOn::Never,
        Some(other) => {
            return Err(Error::invalid(
                &book_toml,
                None,
                format!(
                    "`fail-on = \"{other}\"` in {context_name}: expected \"error\", \"warning\" or \"never\""
                ),
            ));
        }
    };
    let inline: serde_json::Map<String, serde_json::Value> = table
        .iter()
        .filter(|(key, _)| POLICY_KEYS.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let inline_policy = if inline.is_empty() {
        None
    } else {
        Some(toml::to_string(&inline).map_err(|error| {
            Error::invalid(
                &book_toml,
                None,
                format!("the inline policy in {context_name} cannot be read: {error}"),
            )
        })?)
    };
    Ok(BookSettings {
        capabilities: parse("capabilities")?.map(PathBuf::from),
        config: parse("config")?.map(PathBuf::from),
        mode,
        fail_on,
        inline_policy,
    })
}

fn quote_all(keys: &[&str]) -> String {
    keys.iter()
        .map(|key| format!("`{key}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The policy: `config`, else inline keys, else a scope-lint.toml above the book, else the preset.
pub(super) fn load_settings(
    context: &PreprocessorContext,
    book: &BookSettings,
) -> Result<Settings> {
    let capabilities = book
        .capabilities
        .as_ref()
        .map(|path| context.root.join(path));
    if let Some(inline) = &book.inline_policy {
        let source = SourceText::new(
            context.root.join("book.toml [preprocessor.scope-lint]"),
            inline.clone(),
        );
        return config::load_policy_text(
            &source,
            &context.root,
            capabilities.as_deref(),
            crate::rules::CATALOG,
        )
        .map_err(without_positions);
    }
    config::load(
        &config::SettingsSource {
            config: book.config.as_ref().map(|path| context.root.join(path)),
            capabilities,
            start: context.root.clone(),
        },
        crate::rules::CATALOG,
    )
}

/// Positions in a policy rebuilt from book.toml would point into text the user never wrote.
fn without_positions(error: Error) -> Error {
    match error {
        Error::Invalid { path, problems } => Error::Invalid {
            path,
            problems: problems
                .into_iter()
                .map(|problem| crate::error::Problem {
                    position: None,
                    ..problem
                })
                .collect(),
        },
        other => other,
    }
}
