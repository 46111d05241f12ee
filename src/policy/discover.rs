//! Which settings a run uses: the `scope-lint.toml` found walking up from the checked path, the one given
//! with `--config`, or else the default embedded preset.

use super::*;

/// Loads the settings: the given or discovered config, else the embedded preset; `[rules]` is checked
/// against `rules` (the engine's `rules::CATALOG`).
pub fn load(source: &SettingsSource, rules: &'static [RuleMeta]) -> Result<Settings> {
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
            load_policy_text(&text, &root, source.capabilities.as_deref(), rules)
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
            load_preset(
                DEFAULT_PRESET.name,
                &root,
                source.capabilities.as_deref(),
                rules,
            )
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
