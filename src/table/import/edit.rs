//! Editing the table's text with `toml_edit`: a matched group identified, renamed or rescoped in place,
//! a new group appended, a pruned one removed; comments, key order and hand-curated keys stay.

use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, value};

use super::listing::ListedGroup;
use super::products::{ensure_unassigned_product, product_for};
use super::{Change, ChangeKind, ImportPlan, UNASSIGNED_PRODUCT};
use crate::error::Error;
use crate::table::{CapabilityTable, PermissionGroup};
use crate::text::normalize::normalize_name;

pub(super) fn groups_array<'d>(
    document: &'d mut DocumentMut,
    table_path: &Path,
) -> Result<&'d mut ArrayOfTables, Error> {
    document
        .get_mut("groups")
        .and_then(Item::as_array_of_tables_mut)
        .ok_or_else(|| {
            Error::invalid(
                table_path,
                None,
                "`groups` must be written as [[groups]] tables to be updated by import",
            )
        })
}

pub(super) fn group_table(document: &mut DocumentMut, index: usize) -> Result<&mut Table, Error> {
    groups_array(document, Path::new("the capability table"))?
        .get_mut(index)
        .ok_or_else(|| Error::Internal(format!("group {index} is not in the parsed table")))
}

pub(super) fn scope_ids(table: &CapabilityTable, group: &PermissionGroup) -> Vec<String> {
    let mut kinds = group.scopes.clone();
    kinds.sort_unstable();
    kinds
        .iter()
        .map(|&kind| table.resource_types[kind].id.clone())
        .collect()
}

pub(super) fn update_group(
    table: &CapabilityTable,
    index: usize,
    listed: &ListedGroup,
    scopes: &[usize],
    group_table: &mut Table,
    plan: &mut ImportPlan,
) {
    let group = &table.groups[index];
    let id = listed.id.clone().or_else(|| group.id.clone());
    if group.id.is_none()
        && let Some(new_id) = &listed.id
    {
        insert_after(group_table, "id", value(new_id.as_str()), &["name"]);
        plan.changes
            .push(change(ChangeKind::Identified, &id, &listed.name));
    }
    if group.name != listed.name {
        rename(group, listed, group_table);
        let mut renamed = change(ChangeKind::Renamed, &id, &listed.name);
        renamed.old_name = Some(group.name.clone());
        plan.changes.push(renamed);
    }
    let mut old_scopes = group.scopes.clone();
    old_scopes.sort_unstable();
    if old_scopes != scopes {
        let new_scopes: Vec<String> = scopes
            .iter()
            .map(|&kind| table.resource_types[kind].id.clone())
            .collect();
        group_table.insert("scopes", value(string_array(&new_scopes)));
        let mut rescoped = change(ChangeKind::Rescoped, &id, &listed.name);
        rescoped.old_scopes = Some(scope_ids(table, group));
        rescoped.scopes = Some(new_scopes);
        plan.changes.push(rescoped);
    }
}

fn change(kind: ChangeKind, id: &Option<String>, name: &str) -> Change {
    Change {
        kind,
        id: id.clone(),
        name: name.to_owned(),
        old_name: None,
        old_scopes: None,
        scopes: None,
        product: None,
    }
}

/// Renames the group: the old name becomes a former name; a label, alias or former name equal to the
/// new name is dropped (the name now says it).
fn rename(group: &PermissionGroup, listed: &ListedGroup, group_table: &mut Table) {
    let new_name = normalize_name(&listed.name);
    group_table.insert("name", value(listed.name.as_str()));
    if group
        .label
        .as_deref()
        .is_some_and(|label| normalize_name(label) == new_name)
    {
        group_table.remove("label");
    }
    for key in ["aliases", "former-names"] {
        if let Some(array) = group_table.get_mut(key).and_then(Item::as_array_mut) {
            array.retain(|item| {
                item.as_str()
                    .is_none_or(|name| normalize_name(name) != new_name)
            });
            if array.is_empty() {
                group_table.remove(key);
            }
        }
    }
    let old_name = group.name.as_str();
    match group_table
        .get_mut("former-names")
        .and_then(Item::as_array_mut)
    {
        Some(former) => former.push(old_name),
        None => insert_after(
            group_table,
            "former-names",
            value(string_array(&[old_name.to_owned()])),
            &["aliases", "label", "id", "name"],
        ),
    }
}

/// Inserts `key` right after the first of `after` that the table has (at the end when it has none),
/// leaving the other keys where they are.
fn insert_after(table: &mut Table, key: &str, item: Item, after: &[&str]) {
    table.insert(key, item);
    let order: Vec<String> = table.iter().map(|(name, _)| name.to_owned()).collect();
    let Some(anchor) = after
        .iter()
        .find_map(|wanted| order.iter().position(|name| name == wanted))
    else {
        return;
    };
    let rank = |name: &str| -> (usize, bool) {
        if name == key {
            (anchor, true)
        } else {
            (
                order.iter().position(|known| known == name).unwrap_or(0),
                false,
            )
        }
    };
    table.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
}

fn string_array(items: &[String]) -> Array {
    items.iter().map(String::as_str).collect()
}

pub(super) fn add_group(
    table: &CapabilityTable,
    listed: &ListedGroup,
    scopes: &[usize],
    document: &mut DocumentMut,
    plan: &mut ImportPlan,
) -> Result<(), Error> {
    let product = match product_for(table, &listed.name) {
        Some(product) => table.products[product].id.clone(),
        None => {
            plan.warnings.push(format!(
                "new group `{}` matches no product's name or `import-prefixes`; marked `{UNASSIGNED_PRODUCT}`, set its product by hand",
                listed.name
            ));
            ensure_unassigned_product(table, document);
            UNASSIGNED_PRODUCT.to_owned()
        }
    };
    let scope_names: Vec<String> = scopes
        .iter()
        .map(|&kind| table.resource_types[kind].id.clone())
        .collect();
    let mut group = Table::new();
    group.insert("name", value(listed.name.as_str()));
    if let Some(id) = &listed.id {
        group.insert("id", value(id.as_str()));
    }
    group.insert("product", value(product.as_str()));
    group.insert("scopes", value(string_array(&scope_names)));
    match document.get_mut("groups") {
        None => {
            let mut groups = ArrayOfTables::new();
            groups.push(group);
            document.insert("groups", Item::ArrayOfTables(groups));
        }
        Some(_) => groups_array(document, Path::new("the capability table"))?.push(group),
    }
    plan.changes.push(Change {
        kind: ChangeKind::Added,
        id: listed.id.clone(),
        name: listed.name.clone(),
        old_name: None,
        old_scopes: None,
        scopes: Some(scope_names),
        product: Some(product),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::table::import::ChangeKind;
    use crate::table::import::testing::{ACCOUNT, TABLE, ZONE, import, listed};

    #[test]
    fn added_renamed_rescoped_and_identified_groups_are_written_and_a_second_import_changes_nothing()
     {
        let listing = vec![
            listed(
                Some("4dc8917b4b40457d88d3035d5dadb054"),
                "AI Gateway Read",
                &[ACCOUNT, ZONE],
            ),
            listed(
                Some("6c8a3737f07f46369c1ea1f22138daaf"),
                "AI Gateway Write",
                &[ACCOUNT],
            ),
            listed(
                Some("3f376c8e6f764a938b848bd01c8995c4"),
                "Zero Trust Read",
                &[ACCOUNT],
            ),
            listed(
                Some("b33f02c6f7284e05a6f20741c0bb0567"),
                "Teams Write",
                &[ACCOUNT],
            ),
        ];
        let first = import(TABLE, &listing, false);
        let kinds: Vec<(ChangeKind, &str)> = first
            .changes
            .iter()
            .map(|change| (change.kind, change.name.as_str()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (ChangeKind::Rescoped, "AI Gateway Read"),
                (ChangeKind::Identified, "AI Gateway Write"),
                (ChangeKind::Renamed, "Zero Trust Read"),
                (ChangeKind::Added, "Teams Write"),
            ]
        );
        assert_eq!(first.changes[3].product.as_deref(), Some("zero-trust"));
        assert!(first.text.starts_with("# Comments survive."));
        assert!(
            first
                .text
                .contains("product = \"ai-gateway\" # kept\nscopes = [\"account\", \"zone\"]")
        );
        assert!(first.text.contains(
            "name = \"AI Gateway Write\"\nid = \"6c8a3737f07f46369c1ea1f22138daaf\"\nlabel = \"AI Gateway Edit\""
        ));
        assert!(first.text.contains(
            "name = \"Zero Trust Read\"\nid = \"3f376c8e6f764a938b848bd01c8995c4\"\nformer-names = [\"Teams Read\"]\nproduct"
        ));
        let second = import(&first.text, &listing, false);
        assert_eq!(second.changes, vec![]);
        assert_eq!(second.text, first.text);
    }

    #[test]
    fn a_group_renamed_back_drops_the_former_name_it_takes_again() {
        let renamed = import(
            TABLE,
            &[listed(
                Some("3f376c8e6f764a938b848bd01c8995c4"),
                "Zero Trust Read",
                &[ACCOUNT],
            )],
            false,
        );
        let back = import(
            &renamed.text,
            &[listed(
                Some("3f376c8e6f764a938b848bd01c8995c4"),
                "Teams Read",
                &[ACCOUNT],
            )],
            false,
        );
        assert!(back.text.contains("name = \"Teams Read\"\nid = \"3f376c8e6f764a938b848bd01c8995c4\"\nformer-names = [\"Zero Trust Read\"]"), "{}", back.text);
    }
}
