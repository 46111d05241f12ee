//! The capability table: which permission group can be scoped to which resource type.
//!
//! The table is data (TOML, schema v1, see `docs/src/capabilities.md`); this module holds its typed form and
//! the questions the rules ask of it.

pub mod embedded;
pub mod import;
mod load;
pub mod matcher;
pub mod preset;
pub mod render;

pub use load::{SUPPORTED_SCHEMA, load_table, table_key_names, table_key_paths};

/// The id of the resource type that makes a group "account-only" when it is the group's only scope.
pub const ACCOUNT_RESOURCE: &str = "account";

/// Index of a product in [`CapabilityTable::products`].
pub type ProductIndex = usize;
/// Index of a permission group in [`CapabilityTable::groups`].
pub type GroupIndex = usize;

/// The capability table: resource types, products and permission groups with the scopes each group can be
/// narrowed to.
#[derive(Debug, Clone)]
pub struct CapabilityTable {
    /// The scopes a token's policy can name (account, zone, bucket, ...).
    pub resource_types: Vec<ResourceType>,
    /// The products whose groups the table lists.
    pub products: Vec<Product>,
    /// Every permission group.
    pub groups: Vec<PermissionGroup>,
    /// Where the table came from, as shown in messages (a path or `embedded preset "cloudflare"`).
    pub origin: String,
}

/// One scope of a token policy.
#[derive(Debug, Clone)]
pub struct ResourceType {
    /// The id the table and the policy use: `account`, `zone`, `r2-bucket`.
    pub id: String,
    /// The token-policy resource key, with `{placeholders}`: `com.cloudflare.api.account.{account}`.
    pub key: String,
    /// The scope string the permission-groups API reports: `com.cloudflare.api.account`.
    pub api_scope: Option<String>,
}

/// A product of the table.
#[derive(Debug, Clone)]
pub struct Product {
    /// The id the policy and `<Render product>` use: `ai-gateway`.
    pub id: String,
    /// The name readers see: "AI Gateway".
    pub name: String,
    /// Other names of the product in prose: "Workers R2" for R2.
    pub aliases: Vec<String>,
    /// The noun for one resource of the product: "gateway", "bucket".
    pub noun: Option<String>,
    /// Extra group-name prefixes that give a group imported from the API this product (besides the
    /// product's name and aliases).
    pub import_prefixes: Vec<String>,
}

/// A permission group: its names, its product and the scopes it can be narrowed to.
#[derive(Debug, Clone)]
pub struct PermissionGroup {
    /// The API name: "AI Gateway Write".
    pub name: String,
    /// The API's id of the group, which stays the same when the group is renamed.
    pub id: Option<String>,
    /// The name readers see in the dashboard, when it differs: "AI Gateway Edit".
    pub label: Option<String>,
    /// Other names that refer to this group (dashboard names, old names).
    pub aliases: Vec<String>,
    /// Names the group had before it was renamed upstream (same id). Pages that still use one are
    /// reported with the current name.
    pub former_names: Vec<String>,
    /// The product the group belongs to.
    pub product: ProductIndex,
    /// Indexes into [`CapabilityTable::resource_types`].
    pub scopes: Vec<usize>,
}

impl PermissionGroup {
    /// The name to show readers: the label when there is one, else the API name.
    pub fn display_name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }

    /// Every name this group answers to: the API name, the label, the aliases and the former names.
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(self.label.as_deref())
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.former_names.iter().map(String::as_str))
    }
}

impl CapabilityTable {
    /// The index of the product with `id`.
    pub fn product_index(&self, id: &str) -> Option<ProductIndex> {
        self.products.iter().position(|product| product.id == id)
    }

    /// The groups of `product`, in table order.
    pub fn product_groups(&self, product: ProductIndex) -> impl Iterator<Item = GroupIndex> + '_ {
        (0..self.groups.len()).filter(move |&group| self.groups[group].product == product)
    }

    /// Whether `group` can only be granted on a whole account.
    pub fn is_account_only(&self, group: GroupIndex) -> bool {
        let scopes = &self.groups[group].scopes;
        scopes.len() == 1 && self.resource_types[scopes[0]].id == ACCOUNT_RESOURCE
    }

    /// Whether every group of `product` is account-only (and it has at least one).
    pub fn product_is_account_only(&self, product: ProductIndex) -> bool {
        let mut groups = self.product_groups(product).peekable();
        groups.peek().is_some() && groups.all(|group| self.is_account_only(group))
    }

    /// The first resource type finer than an account that some group of `product` can be scoped to.
    pub fn finer_scope(&self, product: ProductIndex) -> Option<&ResourceType> {
        self.product_groups(product)
            .flat_map(|group| self.groups[group].scopes.iter())
            .map(|&scope| &self.resource_types[scope])
            .find(|kind| kind.id != ACCOUNT_RESOURCE)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const SMALL_TABLE: &str = r#"
schema = "1.0"

[[resource-types]]
id = "account"
key = "com.cloudflare.api.account.{account}"
api-scope = "com.cloudflare.api.account"

[[resource-types]]
id = "r2-bucket"
key = "com.cloudflare.edge.r2.bucket.{account}_{jurisdiction}_{bucket}"
api-scope = "com.cloudflare.edge.r2.bucket"

[[products]]
id = "ai-gateway"
name = "AI Gateway"
noun = "gateway"

[[products]]
id = "r2"
name = "R2"
aliases = ["Workers R2"]
noun = "bucket"

[[groups]]
name = "AI Gateway Read"
product = "ai-gateway"
scopes = ["account"]

[[groups]]
name = "AI Gateway Write"
label = "AI Gateway Edit"
product = "ai-gateway"
scopes = ["account"]

[[groups]]
name = "AI Gateway Run"
product = "ai-gateway"
scopes = ["account"]

[[groups]]
name = "Workers R2 Storage Read"
product = "r2"
scopes = ["account"]

[[groups]]
name = "Workers R2 Storage Bucket Item Read"
product = "r2"
scopes = ["r2-bucket"]
"#;

    pub(crate) fn small_table() -> CapabilityTable {
        load_table(SMALL_TABLE, "caps.toml").expect("the test table loads")
    }

    #[test]
    fn account_only_is_decided_per_group_and_per_product() {
        let table = small_table();
        let gateway = table.product_index("ai-gateway").unwrap();
        let r2 = table.product_index("r2").unwrap();
        assert!(table.product_is_account_only(gateway));
        assert!(!table.product_is_account_only(r2));
        assert_eq!(table.finer_scope(r2).unwrap().id, "r2-bucket");
        assert!(table.finer_scope(gateway).is_none());
        assert_eq!(table.groups[1].display_name(), "AI Gateway Edit");
    }
}
