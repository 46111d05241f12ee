//! The capability table as a scope matrix (`scope-lint table`): Markdown for docs, JSON for tools.

use serde::Serialize;

use super::{CapabilityTable, ProductIndex};

/// A Markdown table: one row per group, one column per resource type, `✓` where the group can be scoped.
pub fn markdown(table: &CapabilityTable, product: Option<ProductIndex>) -> String {
    let mut out = String::from("| Permission group | Product |");
    for kind in &table.resource_types {
        out.push_str(&format!(" {} |", kind.id));
    }
    out.push_str("\n| --- | --- |");
    out.push_str(&" :-: |".repeat(table.resource_types.len()));
    out.push('\n');
    for (index, group) in table.groups.iter().enumerate() {
        if product.is_some_and(|product| product != group.product) {
            continue;
        }
        let mut name = group.name.clone();
        if let Some(label) = &group.label {
            name.push_str(&format!(" (dashboard: {label})"));
        }
        out.push_str(&format!(
            "| {} | {} |",
            escape_cell(&name),
            escape_cell(&table.products[group.product].name)
        ));
        for kind in 0..table.resource_types.len() {
            out.push_str(if table.groups[index].scopes.contains(&kind) {
                " ✓ |"
            } else {
                " |"
            });
        }
        out.push('\n');
    }
    out
}

/// A table cell's text with `|` escaped, so a name cannot split the row.
fn escape_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[derive(Serialize)]
struct JsonGroup<'a> {
    name: &'a str,
    id: Option<&'a str>,
    label: Option<&'a str>,
    aliases: &'a [String],
    former_names: &'a [String],
    product: &'a str,
    scopes: Vec<&'a str>,
    account_only: bool,
}

/// `{"version": 1, "groups": [{"name", "id", "label", "aliases", "former_names", "product", "scopes",
/// "account_only"}]}`.
pub fn json(table: &CapabilityTable, product: Option<ProductIndex>) -> String {
    let groups: Vec<JsonGroup<'_>> = table
        .groups
        .iter()
        .enumerate()
        .filter(|(_, group)| product.is_none_or(|product| product == group.product))
        .map(|(index, group)| JsonGroup {
            name: &group.name,
            id: group.id.as_deref(),
            label: group.label.as_deref(),
            aliases: &group.aliases,
            former_names: &group.former_names,
            product: &table.products[group.product].id,
            scopes: group
                .scopes
                .iter()
                .map(|&scope| table.resource_types[scope].id.as_str())
                .collect(),
            account_only: table.is_account_only(index),
        })
        .collect();
    let document = serde_json::json!({ "version": 1, "groups": groups });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&document).expect("the table serialises")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::tests::small_table;

    #[test]
    fn the_matrix_marks_each_scope() {
        let table = small_table();
        let gateway = table.product_index("ai-gateway");
        assert_eq!(
            markdown(&table, gateway),
            "| Permission group | Product | account | r2-bucket |\n| --- | --- | :-: | :-: |\n\
             | AI Gateway Read | AI Gateway | ✓ | |\n\
             | AI Gateway Write (dashboard: AI Gateway Edit) | AI Gateway | ✓ | |\n\
             | AI Gateway Run | AI Gateway | ✓ | |\n"
        );
        assert!(json(&table, None).contains("\"scopes\": [\n        \"r2-bucket\"\n      ]"));
    }

    #[test]
    fn cells_escape_pipes_and_json_lists_former_names() {
        let text = crate::table::tests::SMALL_TABLE.replace(
            "name = \"AI Gateway Run\"",
            "name = \"AI Gateway Run | Fast\"\nformer-names = [\"AI Gateway Invoke\"]",
        );
        let table = crate::table::load_table(&text, "caps.toml").unwrap();
        assert!(
            markdown(&table, None).contains("| AI Gateway Run \\| Fast | AI Gateway | ✓ | |\n")
        );
        assert!(
            json(&table, None)
                .contains("\"former_names\": [\n        \"AI Gateway Invoke\"\n      ]")
        );
    }
}
