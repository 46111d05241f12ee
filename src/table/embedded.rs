//! A preset's capability table compiled into the binary as Rust data, so that a run does not parse the
//! preset's TOML: parsing it was the largest part of start-up (about 6.6 M of 16 M instructions, on one
//! thread before any page is read).
//!
//! The TOML stays the source of truth. Each preset's data file (`presets/<name>/capabilities.rs`) is
//! generated from its `capabilities.toml` by [`render`], and a unit test of [`super::preset`] requires
//! the checked-in file to equal what [`render`] makes of the loaded TOML and [`EmbeddedTable::table`] to
//! give back exactly the loaded table. After editing a preset's TOML, regenerate the file with
//! `SCOPE_LINT_BLESS=1 cargo test --lib table::preset`.

use super::{CapabilityTable, PermissionGroup, Product, ResourceType};

/// A capability table as static data: what [`crate::table::load_table`] makes of a preset's TOML.
#[derive(Debug)]
pub struct EmbeddedTable {
    /// The resource types, in table order.
    pub resource_types: &'static [EmbeddedResourceType],
    /// The products, in table order.
    pub products: &'static [EmbeddedProduct],
    /// The permission groups, in table order.
    pub groups: &'static [EmbeddedGroup],
}

/// A [`ResourceType`] as static data.
#[derive(Debug)]
pub struct EmbeddedResourceType {
    /// [`ResourceType::id`].
    pub id: &'static str,
    /// [`ResourceType::key`].
    pub key: &'static str,
    /// [`ResourceType::api_scope`].
    pub api_scope: Option<&'static str>,
}

/// A [`Product`] as static data.
#[derive(Debug)]
pub struct EmbeddedProduct {
    /// [`Product::id`].
    pub id: &'static str,
    /// [`Product::name`].
    pub name: &'static str,
    /// [`Product::aliases`].
    pub aliases: &'static [&'static str],
    /// [`Product::noun`].
    pub noun: Option<&'static str>,
    /// [`Product::import_prefixes`].
    pub import_prefixes: &'static [&'static str],
}

/// A [`PermissionGroup`] as static data.
#[derive(Debug)]
pub struct EmbeddedGroup {
    /// [`PermissionGroup::name`].
    pub name: &'static str,
    /// [`PermissionGroup::id`].
    pub id: Option<&'static str>,
    /// [`PermissionGroup::label`].
    pub label: Option<&'static str>,
    /// [`PermissionGroup::aliases`].
    pub aliases: &'static [&'static str],
    /// [`PermissionGroup::former_names`].
    pub former_names: &'static [&'static str],
    /// [`PermissionGroup::product`].
    pub product: usize,
    /// [`PermissionGroup::scopes`].
    pub scopes: &'static [usize],
}

impl EmbeddedTable {
    /// The table, named `origin` in messages.
    pub fn table(&self, origin: String) -> CapabilityTable {
        CapabilityTable {
            resource_types: self
                .resource_types
                .iter()
                .map(|kind| ResourceType {
                    id: kind.id.to_owned(),
                    key: kind.key.to_owned(),
                    api_scope: kind.api_scope.map(str::to_owned),
                })
                .collect(),
            products: self
                .products
                .iter()
                .map(|product| Product {
                    id: product.id.to_owned(),
                    name: product.name.to_owned(),
                    aliases: owned(product.aliases),
                    noun: product.noun.map(str::to_owned),
                    import_prefixes: owned(product.import_prefixes),
                })
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|group| PermissionGroup {
                    name: group.name.to_owned(),
                    id: group.id.map(str::to_owned),
                    label: group.label.map(str::to_owned),
                    aliases: owned(group.aliases),
                    former_names: owned(group.former_names),
                    product: group.product,
                    scopes: group.scopes.to_vec(),
                })
                .collect(),
            origin,
        }
    }
}

fn owned(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|text| (*text).to_owned()).collect()
}

/// The Rust source of `table` as an [`EmbeddedTable`] expression (the content of a preset's
/// `capabilities.rs`), with a header naming `toml_path`, the file it is generated from.
pub fn render(table: &CapabilityTable, toml_path: &str) -> String {
    let mut out = format!(
        "// @generated from {toml_path} by `SCOPE_LINT_BLESS=1 cargo test --lib table::preset`; do not edit.\n\
         // See src/table/embedded.rs.\n\
         EmbeddedTable {{\n    resource_types: &[\n"
    );
    for kind in &table.resource_types {
        out += &format!(
            "        EmbeddedResourceType {{ id: {:?}, key: {:?}, api_scope: {:?} }},\n",
            kind.id, kind.key, kind.api_scope
        );
    }
    out += "    ],\n    products: &[\n";
    for product in &table.products {
        out += &format!(
            "        EmbeddedProduct {{ id: {:?}, name: {:?}, aliases: &{:?}, noun: {:?}, import_prefixes: &{:?} }},\n",
            product.id, product.name, product.aliases, product.noun, product.import_prefixes
        );
    }
    out += "    ],\n    groups: &[\n";
    for group in &table.groups {
        out += &format!(
            "        EmbeddedGroup {{ name: {:?}, id: {:?}, label: {:?}, aliases: &{:?}, former_names: &{:?}, product: {}, scopes: &{:?} }},\n",
            group.name,
            group.id,
            group.label,
            group.aliases,
            group.former_names,
            group.product,
            group.scopes
        );
    }
    out += "    ],\n}\n";
    out
}
