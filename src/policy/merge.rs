//! Loading a policy: an embedded preset, or a policy file merged over the preset it `extends`, with the
//! capability table it names (or the preset's).

use super::*;

/// The embedded preset `name`, with paths relative to `root`; `[rules]` is checked against `rules` (the
/// engine's `rules::CATALOG`).
pub fn load_preset(
    name: &str,
    root: &Path,
    capabilities: Option<&Path>,
    rules: &'static [RuleMeta],
) -> Result<Settings> {
    let preset =
        preset::preset(name).ok_or_else(|| Error::Usage(format!("unknown preset `{name}`")))?;
    let table = match capabilities {
        Some(path) => load_table_file(path)?,
        None => preset.capability_table(),
    };
    let source = SourceText::new(
        format!("{} policy", preset.origin()),
        preset.policy.to_owned(),
    );
    let (file, problems): (PolicyFile, _) = deserialize(&source, POLICY_KEYS, "the policy")?;
    let conventions = &preset.conventions;
    let layers = Layers {
        file,
        file_is_preset: true,
        base: PolicyFile::default(),
    };
    let policy = compile(layers, problems, root, &table, conventions, rules)?;
    Ok(Settings { table, policy })
}

/// Reads a capability table from disk.
pub fn load_table_file(path: &Path) -> Result<CapabilityTable> {
    let text = read_text(path)?;
    load_table(&text.text, &path.display().to_string())
}

/// Loads a policy from `text` (a `scope-lint.toml` or an equivalent), resolving paths against `root` and
/// checking `[rules]` against `rules` (the engine's `rules::CATALOG`).
pub fn load_policy_text(
    text: &SourceText,
    root: &Path,
    capabilities: Option<&Path>,
    rules: &'static [RuleMeta],
) -> Result<Settings> {
    let (file, problems): (PolicyFile, _) = deserialize(text, POLICY_KEYS, "the policy")?;
    let mut conventions = &DEFAULT_PRESET.conventions;
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
            conventions = &preset.conventions;
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
        (None, None, Some(name)) => preset::preset(name.get_ref())
            .expect("checked above")
            .capability_table(),
        (None, None, None) => DEFAULT_PRESET.capability_table(),
    };
    let layers = Layers {
        file,
        file_is_preset: false,
        base,
    };
    let policy = compile(layers, problems, root, &table, conventions, rules)?;
    Ok(Settings { table, policy })
}
