//! Which product a new group belongs to: the longest whole-word prefix among the products' names,
//! aliases and import prefixes, else the `unassigned` product, added to the table when it lacks one.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::UNASSIGNED_PRODUCT;
use crate::table::CapabilityTable;
use crate::text::normalize::normalize_name;

/// The product whose name, alias or import prefix is the longest whole-word prefix of `name`.
pub fn product_for(table: &CapabilityTable, name: &str) -> Option<usize> {
    let name = normalize_name(name);
    table
        .products
        .iter()
        .enumerate()
        .flat_map(|(index, product)| {
            std::iter::once(&product.name)
                .chain(&product.aliases)
                .chain(&product.import_prefixes)
                .map(move |prefix| (normalize_name(prefix), index))
        })
        .filter(|(prefix, _)| {
            !prefix.is_empty()
                && name.starts_with(prefix.as_str())
                && name[prefix.len()..].is_empty_or_space()
        })
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, index)| index)
}

trait WordEnd {
    fn is_empty_or_space(&self) -> bool;
}

impl WordEnd for str {
    fn is_empty_or_space(&self) -> bool {
        self.is_empty() || self.starts_with(' ')
    }
}

pub(super) fn ensure_unassigned_product(table: &CapabilityTable, document: &mut DocumentMut) {
    if table.product_index(UNASSIGNED_PRODUCT).is_some() {
        return;
    }
    let Some(products) = document
        .get_mut("products")
        .and_then(Item::as_array_of_tables_mut)
    else {
        let mut products = ArrayOfTables::new();
        products.push(unassigned_product());
        document.insert("products", Item::ArrayOfTables(products));
        return;
    };
    if products
        .iter()
        .any(|product| product.get("id").and_then(Item::as_str) == Some(UNASSIGNED_PRODUCT))
    {
        return;
    }
    let position = products.iter().filter_map(Table::position).max();
    let mut product = unassigned_product();
    product.set_position(position);
    products.push(product);
}

fn unassigned_product() -> Table {
    let mut product = Table::new();
    product.insert("id", value(UNASSIGNED_PRODUCT));
    product.insert("name", value("Unassigned"));
    product
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::load_table;
    use crate::table::preset::{CLOUDFLARE_CAPABILITIES, CLOUDFLARE_ORIGIN};

    #[test]
    fn a_new_group_takes_the_longest_fitting_product_prefix() {
        let table = load_table(CLOUDFLARE_CAPABILITIES, CLOUDFLARE_ORIGIN).unwrap();
        let product =
            |name: &str| product_for(&table, name).map(|index| table.products[index].id.as_str());
        assert_eq!(product("AI Gateway Admin"), Some("ai-gateway"));
        assert_eq!(product("Zero Trust PII Admin"), Some("zero-trust-pii"));
        assert_eq!(product("AI Gatewayish Read"), None);
        assert_eq!(product("日本 Read"), None);
    }
}
