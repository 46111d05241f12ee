//! `scope-lint import`: refresh a capability table from the permission-groups API listing.
//!
//! The listing is what `GET /user/tokens/permission_groups` (or the account variant) returns: the v4
//! envelope `{success, errors, messages, result: [...]}` or a bare array of `{id, name, scopes}`. Groups are
//! keyed on `id`; the table text is edited with `toml_edit`, so comments, key order and hand-curated keys
//! (labels, aliases, products, nouns) survive. Pure: text in, planned text and changes out.
//!
//! - `mod.rs`: the plan: which table group each listed group is, their scopes, what changes.
//! - `listing.rs`: the listing's JSON, read and written.
//! - `edit.rs`: the edits to the table's text.
//! - `products.rs`: the product a new group gets.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;
use toml_edit::DocumentMut;

mod edit;
mod listing;
mod products;

use edit::{add_group, group_table, groups_array, scope_ids, update_group};
use listing::invalid;
pub use listing::{ListedGroup, listing_of, parse_listing};
pub use products::product_for;

use super::{CapabilityTable, load_table};
use crate::error::{Error, Problem};
use crate::text::normalize::normalize_name;

/// The product id a new group gets when no product's name or prefix fits its name.
pub const UNASSIGNED_PRODUCT: &str = "unassigned";

/// What happens to one group in an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A listing group the table lacks is added.
    Added,
    /// A table group the listing lacks is removed (`--prune`).
    Removed,
    /// The group's name changed upstream (same id): the old name becomes a former name.
    Renamed,
    /// The group's scopes changed.
    Rescoped,
    /// A table group without an id was matched by name and gets the listing's id.
    Identified,
}

impl ChangeKind {
    /// The word the reports use: `added`, `removed`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Rescoped => "rescoped",
            ChangeKind::Identified => "identified",
        }
    }
}

/// One change the import makes (or, with `--check`, would make). Scopes are resource type ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What happens to the group.
    pub kind: ChangeKind,
    /// The group's API id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The group's (new) name.
    pub name: String,
    /// The name before a rename.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_name: Option<String>,
    /// The scopes before a rescope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_scopes: Option<Vec<String>>,
    /// The group's scopes after the change (an added group's, a rescoped group's new ones).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// The product an added group was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
}

/// A table group the listing does not hold, kept because `--prune` was not given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// The group's API id, when the table has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The group's name.
    pub name: String,
}

/// What an import does: the changes, the groups it keeps although the listing lacks them, warnings, and
/// the table's new text (equal to the old text when there is no change).
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// Every change, in table order.
    pub changes: Vec<Change>,
    /// The table groups the listing lacks, kept.
    pub missing: Vec<Missing>,
    /// What the import could not decide or the user should look at, one sentence each.
    pub warnings: Vec<String>,
    /// The table's text after the import.
    pub text: String,
}

/// Plans the import of `listing` into the table whose text is `table_text` (at `table_path`). With
/// `prune`, groups missing from the listing are removed; otherwise they are reported in `missing`.
pub fn plan(
    table_text: &str,
    table_path: &Path,
    listing: &[ListedGroup],
    listing_path: &Path,
    prune: bool,
) -> Result<ImportPlan, Error> {
    let shown = table_path.display().to_string();
    let table = load_table(table_text, &shown)?;
    let scopes = resource_types_of(&table, listing, listing_path, table_path)?;
    let matches = match_groups(&table, listing);
    let mut document: DocumentMut = table_text
        .parse()
        .map_err(|error| Error::invalid(table_path, None, format!("{error}")))?;
    let mut plan = ImportPlan {
        changes: Vec::new(),
        missing: Vec::new(),
        warnings: Vec::new(),
        text: String::new(),
    };
    let mut added = Vec::new();
    for (listed, (found, scopes)) in listing.iter().zip(matches.iter().zip(&scopes)) {
        match found {
            Some(index) => {
                let group_table = group_table(&mut document, *index)?;
                update_group(&table, *index, listed, scopes, group_table, &mut plan);
            }
            None => added.push((listed, scopes)),
        }
    }
    for (listed, scopes) in added {
        add_group(&table, listed, scopes, &mut document, &mut plan)?;
    }
    let matched: HashSet<usize> = matches.iter().flatten().copied().collect();
    let mut removed = Vec::new();
    for (index, group) in table.groups.iter().enumerate() {
        if matched.contains(&index) {
            continue;
        }
        if prune {
            plan.changes.push(Change {
                kind: ChangeKind::Removed,
                id: group.id.clone(),
                name: group.name.clone(),
                old_name: None,
                old_scopes: None,
                scopes: Some(scope_ids(&table, group)),
                product: None,
            });
            removed.push(index);
        } else {
            plan.missing.push(Missing {
                id: group.id.clone(),
                name: group.name.clone(),
            });
        }
    }
    if !removed.is_empty() {
        let groups = groups_array(&mut document, table_path)?;
        for index in removed.into_iter().rev() {
            groups.remove(index);
        }
    }
    plan.text = if plan.changes.is_empty() {
        table_text.to_owned()
    } else if table_text.contains("\r\n") {
        // New keys and tables come out with `\n`: keep a CRLF file CRLF throughout.
        document
            .to_string()
            .replace("\r\n", "\n")
            .replace('\n', "\r\n")
    } else {
        document.to_string()
    };
    if let Err(error) = load_table(&plan.text, &shown) {
        return Err(Error::Invalid {
            path: table_path.to_path_buf(),
            problems: vec![Problem {
                position: None,
                message: format!("the imported table would be invalid, nothing written:\n{error}"),
            }],
        });
    }
    Ok(plan)
}

/// Each listed group's scopes as resource type indexes, through the resource types' `api-scope`.
fn resource_types_of(
    table: &CapabilityTable,
    listing: &[ListedGroup],
    listing_path: &Path,
    table_path: &Path,
) -> Result<Vec<Vec<usize>>, Error> {
    let by_scope: HashMap<&str, usize> = table
        .resource_types
        .iter()
        .enumerate()
        .filter_map(|(index, kind)| kind.api_scope.as_deref().map(|scope| (scope, index)))
        .collect();
    let mut problems = Vec::new();
    let mut unknown = HashSet::new();
    let mut all = Vec::new();
    for group in listing {
        let mut kinds = Vec::new();
        for scope in &group.scopes {
            match by_scope.get(scope.as_str()) {
                Some(&kind) if !kinds.contains(&kind) => kinds.push(kind),
                Some(_) => {}
                None => {
                    if unknown.insert(scope.clone()) {
                        problems.push(format!(
                            "unknown scope `{scope}` (group `{}`): no resource type in {} has `api-scope = \"{scope}\"`; add one",
                            group.name,
                            table_path.display()
                        ));
                    }
                }
            }
        }
        kinds.sort_unstable();
        all.push(kinds);
    }
    if problems.is_empty() {
        Ok(all)
    } else {
        Err(invalid(listing_path, problems))
    }
}

/// The table group each listed group is: by id, else (once) by name among groups without an id.
fn match_groups(table: &CapabilityTable, listing: &[ListedGroup]) -> Vec<Option<usize>> {
    let by_id: HashMap<&str, usize> = table
        .groups
        .iter()
        .enumerate()
        .filter_map(|(index, group)| group.id.as_deref().map(|id| (id, index)))
        .collect();
    let listed_ids: HashSet<&str> = listing.iter().filter_map(|g| g.id.as_deref()).collect();
    let mut taken = HashSet::new();
    let mut found = Vec::with_capacity(listing.len());
    for listed in listing {
        let by_name = || {
            let name = normalize_name(&listed.name);
            table.groups.iter().position(|group| {
                normalize_name(&group.name) == name
                    && group
                        .id
                        .as_deref()
                        .is_none_or(|id| listed.id.is_none() && !listed_ids.contains(id))
            })
        };
        let index = match listed.id.as_deref() {
            Some(id) => by_id.get(id).copied().or_else(by_name),
            None => by_name(),
        };
        found.push(index.filter(|index| taken.insert(*index)));
    }
    found
}

/// The table and listing helpers the tests of every file here share.
#[cfg(test)]
mod testing {
    use std::path::Path;

    use super::{ImportPlan, ListedGroup, plan};

    pub(super) const TABLE: &str = r#"# Comments survive.
schema = "1.0"

[[resource-types]]
id = "account"
key = "com.cloudflare.api.account.{account}"
api-scope = "com.cloudflare.api.account"

[[resource-types]]
id = "zone"
key = "com.cloudflare.api.account.zone.{zone}"
api-scope = "com.cloudflare.api.account.zone"

[[products]]
id = "ai-gateway"
name = "AI Gateway"
noun = "gateway"

[[products]]
id = "zero-trust"
name = "Zero Trust"
import-prefixes = ["Teams"]

[[groups]]
name = "AI Gateway Read"
id = "4dc8917b4b40457d88d3035d5dadb054"
product = "ai-gateway" # kept
scopes = ["account"]

[[groups]]
name = "AI Gateway Write"
label = "AI Gateway Edit"
product = "ai-gateway"
scopes = ["account"]

[[groups]]
name = "Teams Read"
id = "3f376c8e6f764a938b848bd01c8995c4"
product = "zero-trust"
scopes = ["account"]
"#;

    pub(super) fn listed(id: Option<&str>, name: &str, scopes: &[&str]) -> ListedGroup {
        ListedGroup {
            id: id.map(str::to_owned),
            name: name.to_owned(),
            scopes: scopes.iter().map(|scope| (*scope).to_owned()).collect(),
        }
    }

    pub(super) fn import(text: &str, listing: &[ListedGroup], prune: bool) -> ImportPlan {
        plan(
            text,
            Path::new("caps.toml"),
            listing,
            Path::new("l.json"),
            prune,
        )
        .unwrap()
    }

    pub(super) const ACCOUNT: &str = "com.cloudflare.api.account";
    pub(super) const ZONE: &str = "com.cloudflare.api.account.zone";
}

#[cfg(test)]
mod tests {
    use super::testing::{ACCOUNT, TABLE, ZONE, import, listed};
    use super::*;
    use crate::table::preset::{CLOUDFLARE_CAPABILITIES, CLOUDFLARE_LISTING, CLOUDFLARE_ORIGIN};
    use proptest::prelude::*;

    #[test]
    fn a_listing_made_from_the_table_changes_nothing() {
        let table = load_table(TABLE, "caps.toml").unwrap();
        let listing = parse_listing(&listing_of(&table), Path::new("l.json")).unwrap();
        let plan = import(TABLE, &listing, false);
        assert!(plan.changes.is_empty());
        assert_eq!(plan.text, TABLE);
        assert_eq!(
            plan.missing,
            vec![Missing {
                id: None,
                name: "AI Gateway Write".into()
            }],
            "a group without an id cannot be listed, so it is reported as missing"
        );
    }

    #[test]
    fn the_embedded_table_round_trips_with_no_change() {
        let table = load_table(CLOUDFLARE_CAPABILITIES, CLOUDFLARE_ORIGIN).unwrap();
        let listing = parse_listing(&listing_of(&table), Path::new("l.json")).unwrap();
        assert!(listing.len() >= 12, "the preset has ids: {}", listing.len());
        let plan = import(CLOUDFLARE_CAPABILITIES, &listing, false);
        assert_eq!(plan.changes, vec![]);
        assert_eq!(plan.text, CLOUDFLARE_CAPABILITIES);
    }

    #[test]
    fn the_embedded_table_is_up_to_date_with_its_listing_and_the_listing_restores_its_ids() {
        let listing =
            parse_listing(CLOUDFLARE_LISTING, Path::new("permission_groups.json")).unwrap();
        assert_eq!(
            import(CLOUDFLARE_CAPABILITIES, &listing, false).changes,
            vec![]
        );
        // Without the ids, importing the listing writes them back where they were: the preset is what
        // the import makes of the listing.
        let mut stripped = CLOUDFLARE_CAPABILITIES.to_owned();
        for group in &listing {
            let line = format!("id = \"{}\"\n", group.id.as_deref().unwrap());
            assert!(stripped.contains(&line), "{line}");
            stripped = stripped.replace(&line, "");
        }
        let refreshed = import(&stripped, &listing, false);
        assert_eq!(refreshed.changes.len(), listing.len());
        assert!(
            refreshed
                .changes
                .iter()
                .all(|change| change.kind == ChangeKind::Identified)
        );
        assert_eq!(refreshed.text, CLOUDFLARE_CAPABILITIES);
    }

    #[test]
    fn a_crlf_table_stays_crlf() {
        let crlf = TABLE.replace('\n', "\r\n");
        let listing = [listed(Some("b1"), "Teams Write", &[ACCOUNT])];
        let plan = import(&crlf, &listing, false);
        assert_eq!(plan.changes.len(), 1);
        assert!(
            !plan.text.replace("\r\n", "").contains('\n'),
            "{:?}",
            plan.text
        );
        assert!(plan.text.ends_with("name = \"Teams Write\"\r\nid = \"b1\"\r\nproduct = \"zero-trust\"\r\nscopes = [\"account\"]\r\n"));
    }

    #[test]
    fn unknown_scopes_are_errors_naming_them_and_missing_groups_are_pruned_only_on_request() {
        let error = plan(
            TABLE,
            Path::new("caps.toml"),
            &[listed(Some("x"), "X Read", &["com.example.gateway"])],
            Path::new("l.json"),
            false,
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "l.json: unknown scope `com.example.gateway` (group `X Read`): no resource type in caps.toml has `api-scope = \"com.example.gateway\"`; add one"
        );
        let listing = [listed(
            Some("4dc8917b4b40457d88d3035d5dadb054"),
            "AI Gateway Read",
            &[ACCOUNT],
        )];
        let kept = import(TABLE, &listing, false);
        assert_eq!(kept.changes, vec![]);
        assert_eq!(kept.missing.len(), 2);
        let pruned = import(TABLE, &listing, true);
        assert_eq!(pruned.changes.len(), 2);
        assert!(
            pruned
                .changes
                .iter()
                .all(|change| change.kind == ChangeKind::Removed)
        );
        assert!(!pruned.text.contains("Teams Read") && !pruned.text.contains("AI Gateway Write"));
        assert!(load_table(&pruned.text, "caps.toml").is_ok());
    }

    fn arbitrary_listing() -> impl Strategy<Value = Vec<ListedGroup>> {
        let ids = prop::sample::select(vec![
            Some("4dc8917b4b40457d88d3035d5dadb054"),
            Some("3f376c8e6f764a938b848bd01c8995c4"),
            Some("6c8a3737f07f46369c1ea1f22138daaf"),
            Some("b1"),
            Some("b2"),
            None,
        ]);
        let names = prop::sample::select(vec![
            "AI Gateway Read",
            "AI Gateway Write",
            "AI Gateway Edit",
            "Teams Read",
            "Zero Trust Read",
            "Teams Write",
            "Ünïcode 日本 Run",
            "Other Thing Read",
        ]);
        let scopes = prop::sample::subsequence(vec![ACCOUNT, ZONE], 1..=2);
        prop::collection::vec((ids, names, scopes), 0..6).prop_map(|entries| {
            let mut seen_ids = HashSet::new();
            let mut seen_names = HashSet::new();
            entries
                .into_iter()
                .filter(|(id, name, _)| {
                    id.is_none_or(|id| seen_ids.insert(id)) && seen_names.insert(*name)
                })
                .map(|(id, name, scopes)| listed(id, name, &scopes))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn a_second_import_of_any_listing_changes_nothing(listing in arbitrary_listing(), prune in any::<bool>()) {
            // A listing may clash with the table (a name two ids claim); then nothing is written at all.
            if let Ok(first) = plan(TABLE, Path::new("caps.toml"), &listing, Path::new("l.json"), prune) {
                let second = import(&first.text, &listing, prune);
                prop_assert_eq!(second.changes, vec![]);
                prop_assert_eq!(second.text, first.text);
            }
        }
    }
}
