//! The linter a command runs with: the settings (`--config`, `--capabilities`) loaded, and for `check` and
//! `fix` the rule selection (`--select`, `--extend-select`, `--ignore`) and `--exclude` applied.

use std::path::PathBuf;

use scope_lint::policy::{self as config, SettingsSource};
use scope_lint::rules::{RULES, find_rule};
use scope_lint::{Error, Linter};

use crate::cli::{SelectionArgs, SettingsArgs};

/// The linter of the settings found from the first path (or `.`).
pub fn linter(settings: &SettingsArgs, paths: &[PathBuf]) -> Result<Linter, Error> {
    let source = SettingsSource {
        config: settings.config.clone(),
        capabilities: settings.capabilities.clone(),
        start: paths.first().cloned().unwrap_or_else(|| PathBuf::from(".")),
    };
    Ok(Linter::new(config::load(
        &source,
        scope_lint::rules::CATALOG,
    )?))
}

/// The linter for `check`/`fix`, with `--select`/`--extend-select`/`--ignore` and `--exclude` applied.
pub fn selected_linter(
    settings: &SettingsArgs,
    selection: &SelectionArgs,
    paths: &[PathBuf],
) -> Result<Linter, Error> {
    let mut linter = linter(settings, paths)?;
    let policy = &mut linter.settings.policy;
    let selected = rule_codes(&selection.select, "--select")?;
    let extended = rule_codes(&selection.extend_select, "--extend-select")?;
    let ignored = rule_codes(&selection.ignore, "--ignore")?;
    for rule in RULES {
        let code = rule.code();
        let configured = policy.severities.get(code).copied().flatten();
        let on = if selected.is_empty() {
            configured.is_some() || extended.contains(&code)
        } else {
            selected.contains(&code) || extended.contains(&code)
        } && !ignored.contains(&code);
        let severity = on.then(|| configured.unwrap_or(rule.default_severity()));
        policy.severities.insert(code, severity);
    }
    let mut globs = globset::GlobSetBuilder::new();
    for pattern in &selection.exclude {
        let glob = globset::Glob::new(pattern)
            .map_err(|error| Error::Usage(format!("--exclude `{pattern}`: {}", error.kind())))?;
        globs.add(glob);
    }
    policy.command_line_exclude = globs
        .build()
        .map_err(|error| Error::Usage(format!("--exclude: {error}")))?;
    Ok(linter)
}

/// Rule codes or names (`SL001`, `missing-callout`) as codes; an unknown one is a usage error with the
/// closest known name.
fn rule_codes(names: &[String], flag: &str) -> Result<Vec<&'static str>, Error> {
    names
        .iter()
        .filter(|name| !name.trim().is_empty())
        .map(|name| {
            let name = name.trim();
            find_rule(name).map(|rule| rule.code()).ok_or_else(|| {
                let hint = scope_lint::rules::closest_rule(name)
                    .map(|known| format!("; did you mean `{known}`?"))
                    .unwrap_or_default();
                Error::Usage(format!(
                    "{flag}: unknown rule `{name}`{hint} (`scope-lint rules` lists them)"
                ))
            })
        })
        .collect()
}
