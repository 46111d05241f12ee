//! Shared loading of our TOML files: syntax and type errors with positions, and every unknown key at once.
//!
//! serde stops at the first unknown key; a user fixing a config wants all of them, so the keys are checked
//! first against a static description of the schema, then the file is deserialized.

use std::ops::Range;
use std::path::Path;

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};

use crate::doc::source::SourceText;
use crate::error::{Error, Problem};

/// What may appear under a key.
pub(crate) enum KeySpec {
    /// A plain value (string, number, array of values...).
    Value,
    /// A table with these keys.
    Table(&'static [(&'static str, KeySpec)]),
    /// An array of tables with these keys.
    Tables(&'static [(&'static str, KeySpec)]),
    /// A table whose keys are free (checked later) and whose values follow the inner spec.
    Map(&'static KeySpec),
    /// Either a plain value or an array whose elements may be tables with these keys.
    ValuesOrTables(&'static [(&'static str, KeySpec)]),
}

/// Every key `spec` allows, nested ones included (for the documentation test).
pub(crate) fn key_names(spec: &[(&'static str, KeySpec)]) -> Vec<&'static str> {
    let mut names = Vec::new();
    collect_names(spec, &mut names);
    names.sort_unstable();
    names.dedup();
    names
}

fn collect_names(spec: &[(&'static str, KeySpec)], names: &mut Vec<&'static str>) {
    for (name, inner) in spec {
        names.push(name);
        match inner {
            KeySpec::Table(keys) | KeySpec::Tables(keys) | KeySpec::ValuesOrTables(keys) => {
                collect_names(keys, names)
            }
            KeySpec::Map(_) | KeySpec::Value => {}
        }
    }
}

/// Every key `spec` allows as its path from the top of the file (`["callouts", "pages", "path"]`), for the
/// documentation test that looks each key up in the table documenting its parent.
pub(crate) fn key_paths(spec: &[(&'static str, KeySpec)]) -> Vec<Vec<&'static str>> {
    let mut paths = Vec::new();
    collect_paths(spec, &mut Vec::new(), &mut paths);
    paths
}

fn collect_paths(
    spec: &[(&'static str, KeySpec)],
    parent: &mut Vec<&'static str>,
    paths: &mut Vec<Vec<&'static str>>,
) {
    for (name, inner) in spec {
        parent.push(name);
        paths.push(parent.clone());
        if let KeySpec::Table(keys) | KeySpec::Tables(keys) | KeySpec::ValuesOrTables(keys) = inner
        {
            collect_paths(keys, parent, paths);
        }
        parent.pop();
    }
}

/// Collects the problems of one TOML file.
pub(crate) struct TomlProblems<'a> {
    source: &'a SourceText,
    problems: Vec<Problem>,
}

impl<'a> TomlProblems<'a> {
    pub(crate) fn new(source: &'a SourceText) -> Self {
        TomlProblems {
            source,
            problems: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, span: Option<Range<usize>>, message: impl Into<String>) {
        self.problems.push(Problem {
            position: span.map(|span| self.source.position(span.start)),
            message: message.into(),
        });
    }

    pub(crate) fn source(&self) -> &SourceText {
        self.source
    }

    /// `Ok(value)` when no problem was recorded, else every problem sorted by position.
    pub(crate) fn finish<T>(self, value: T) -> Result<T, Error> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.into_error())
        }
    }

    pub(crate) fn into_error(mut self) -> Error {
        self.problems.sort_by_key(|problem| problem.position);
        Error::Invalid {
            path: self.source.path().to_path_buf(),
            problems: self.problems,
        }
    }
}

/// Parses `source` as TOML into `T`. Keys that `spec` does not allow are returned as problems (so that the
/// caller can add the problems it finds in the values and report them all at once); a syntax or type error
/// ends the load with every problem found so far.
pub(crate) fn deserialize<'s, T: DeserializeOwned>(
    source: &'s SourceText,
    spec: &'static [(&'static str, KeySpec)],
    what: &str,
) -> Result<(T, TomlProblems<'s>), Error> {
    let mut problems = TomlProblems::new(source);
    // Parsed once: the keys are checked on the document, which is then deserialized.
    let document = match DeTable::parse(&source.text) {
        Ok(document) => document,
        Err(error) => {
            problems.push(error.span(), first_line(error.message()));
            return Err(problems.into_error());
        }
    };
    check_table(document.get_ref(), spec, what, &mut problems);
    match T::deserialize(toml::de::Deserializer::from(document)) {
        Ok(value) => Ok((value, problems)),
        Err(error) => {
            problems.push(error.span(), first_line(error.message()));
            Err(problems.into_error())
        }
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_owned()
}

/// The allowed key closest to `unknown`, when one is close enough to be a typo of it.
fn closest_key<'a>(unknown: &str, spec: &[(&'a str, KeySpec)]) -> Option<&'a str> {
    spec.iter()
        .map(|(known, _)| (strsim::levenshtein(unknown, known), *known))
        .filter(|(distance, known)| *distance <= (known.len() / 3).max(1))
        .min()
        .map(|(_, known)| known)
}

fn check_table(
    table: &DeTable<'_>,
    spec: &[(&str, KeySpec)],
    context: &str,
    problems: &mut TomlProblems<'_>,
) {
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        match spec.iter().find(|(allowed, _)| *allowed == name) {
            Some((_, inner)) => check_value(value.get_ref(), inner, name, problems),
            None => problems.push(
                Some(key.span()),
                format!(
                    "unknown key `{name}` in {context}{} (expected one of: {})",
                    closest_key(name, spec)
                        .map(|known| format!("; did you mean `{known}`?"))
                        .unwrap_or_default(),
                    spec.iter()
                        .map(|(allowed, _)| format!("`{allowed}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }
}

fn check_value(value: &DeValue<'_>, spec: &KeySpec, name: &str, problems: &mut TomlProblems<'_>) {
    match (spec, value) {
        (KeySpec::Table(inner), DeValue::Table(table)) => {
            check_table(table, inner, &format!("[{name}]"), problems);
        }
        (KeySpec::Tables(inner) | KeySpec::ValuesOrTables(inner), DeValue::Array(items)) => {
            for item in items.iter() {
                if let DeValue::Table(table) = item.get_ref() {
                    check_table(table, inner, &format!("[[{name}]]"), problems);
                }
            }
        }
        (KeySpec::Map(inner), DeValue::Table(table)) => {
            for (key, value) in table.iter() {
                let key: &str = key.get_ref();
                check_value(value.get_ref(), inner, &format!("{name}.{key}"), problems);
            }
        }
        _ => {}
    }
}

/// Reads a file named in a config, as text, with its path in the error.
pub(crate) fn read_text(path: &Path) -> Result<SourceText, Error> {
    let raw = crate::read::read_regular_file(path, crate::read::DEFAULT_MAX_FILE_SIZE)?;
    let text = String::from_utf8(raw).map_err(|_| {
        Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"),
        )
    })?;
    Ok(SourceText::new(path, text))
}
