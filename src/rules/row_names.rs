//! Which name SL008 writes in a new table row: the form the table already uses. A table of dashboard names
//! (Cloudflare's Dashboard tab) gets the group's label (`AI Gateway Edit`); a table shared by the Dashboard
//! and API tabs, whose rows end in a `{props.*}` placeholder where the two names differ
//! (`Access: Apps and Policies {props.one}`, rendered with `editWord: "Edit"` or `"Write"`), gets the same
//! placeholder (`AI Gateway {props.one}`); any other table gets the API name.

use crate::table::{CapabilityTable, PermissionGroup as Group};

/// The naming of a table's first cells.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameForm {
    /// The `{props.*}` placeholder that ends most of the first cells that end in one.
    pub placeholder: Option<String>,
    /// Whether the cells name groups by their label (dashboard name) more often than by their API name.
    pub labels: bool,
}

impl NameForm {
    /// The naming used by `cells` (a table's first cells, trimmed).
    pub fn of<'c>(cells: impl Iterator<Item = &'c str>, table: &CapabilityTable) -> NameForm {
        let mut placeholders: Vec<(String, usize)> = Vec::new();
        let (mut by_label, mut by_name) = (0, 0);
        for cell in cells {
            if let Some(placeholder) = trailing_placeholder(cell) {
                match placeholders
                    .iter_mut()
                    .find(|(known, _)| known == placeholder)
                {
                    Some((_, count)) => *count += 1,
                    None => placeholders.push((placeholder.to_owned(), 1)),
                }
            }
            for group in &table.groups {
                let Some(label) = &group.label else { continue };
                if label.eq_ignore_ascii_case(&group.name) {
                    continue;
                }
                if cell.eq_ignore_ascii_case(label) {
                    by_label += 1;
                } else if cell.eq_ignore_ascii_case(&group.name) {
                    by_name += 1;
                }
            }
        }
        // The first of the most frequent placeholders.
        let mut best: Option<(String, usize)> = None;
        for (placeholder, count) in placeholders {
            if best.as_ref().is_none_or(|(_, most)| count > *most) {
                best = Some((placeholder, count));
            }
        }
        NameForm {
            placeholder: best.map(|(placeholder, _)| placeholder),
            labels: by_label > by_name,
        }
    }

    /// The name to write for `group` in a table of this naming.
    pub fn name_for(&self, group: &Group) -> String {
        let label = group
            .label
            .as_deref()
            .filter(|label| !label.eq_ignore_ascii_case(&group.name));
        match (label, &self.placeholder) {
            (Some(label), Some(placeholder)) => match shared_words(&group.name, label) {
                Some(prefix) => format!("{prefix}{placeholder}"),
                None if self.labels => label.to_owned(),
                None => group.name.clone(),
            },
            (Some(label), None) if self.labels => label.to_owned(),
            _ => group.name.clone(),
        }
    }
}

/// The `{props.name}` that `cell` ends with.
fn trailing_placeholder(cell: &str) -> Option<&str> {
    let cell = cell.trim_end();
    let start = cell.rfind("{props.")?;
    let placeholder = &cell[start..];
    let name = placeholder.strip_prefix("{props.")?.strip_suffix('}')?;
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then_some(placeholder)
}

/// The words two names share before each ends in one different word (`AI Gateway ` for `AI Gateway
/// Write` and `AI Gateway Edit`), with the space after them.
fn shared_words<'n>(name: &'n str, label: &str) -> Option<&'n str> {
    let (name_head, name_last) = name.rsplit_once(' ')?;
    let (label_head, label_last) = label.rsplit_once(' ')?;
    (name_head == label_head && !name_last.is_empty() && !label_last.is_empty())
        .then(|| &name[..name_head.len() + 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(name: &str, label: Option<&str>) -> Group {
        let toml = format!(
            "schema = \"1.0\"\n[[resource-types]]\nid = \"account\"\nkey = \"a\"\n[[products]]\nid = \"p\"\nname = \"P\"\n[[groups]]\nname = \"{name}\"\n{}product = \"p\"\nscopes = [\"account\"]\n",
            label.map_or(String::new(), |label| format!("label = \"{label}\"\n"))
        );
        let table = crate::table::load_table(&toml, "t.toml").expect("valid table");
        table.groups[0].clone()
    }

    #[test]
    fn the_name_follows_the_tables_form() {
        let write = group("AI Gateway Write", Some("AI Gateway Edit"));
        let read = group("AI Gateway Read", None);
        let placeholder = NameForm {
            placeholder: Some("{props.one}".into()),
            labels: false,
        };
        assert_eq!(placeholder.name_for(&write), "AI Gateway {props.one}");
        assert_eq!(placeholder.name_for(&read), "AI Gateway Read");
        let labels = NameForm {
            placeholder: None,
            labels: true,
        };
        assert_eq!(labels.name_for(&write), "AI Gateway Edit");
        assert_eq!(NameForm::default().name_for(&write), "AI Gateway Write");
        let renamed = group("Zero Trust Write", Some("Access: Things Edit"));
        assert_eq!(placeholder.name_for(&renamed), "Zero Trust Write");
    }

    #[test]
    fn a_trailing_placeholder_is_read_from_a_cell() {
        assert_eq!(
            trailing_placeholder("Access: Apps {props.one} "),
            Some("{props.one}")
        );
        assert_eq!(
            trailing_placeholder("日本語 {props.editWord}"),
            Some("{props.editWord}")
        );
        assert_eq!(trailing_placeholder("{props.one} Read"), None);
        assert_eq!(trailing_placeholder("Read {props.}"), None);
    }
}
