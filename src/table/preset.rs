//! The embedded presets: compiled into the binary so that `scope-lint docs/` works with no config at all.

use super::CapabilityTable;
use super::embedded::{EmbeddedGroup, EmbeddedProduct, EmbeddedResourceType, EmbeddedTable};

/// One embedded preset: a capability table and the policy that goes with it, under a name a config can
/// give in `extends`. A second preset is one more entry in [`PRESETS`] and a folder under `presets/`.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The name `extends` gives.
    pub name: &'static str,
    /// The capability table (TOML): the source of truth that `compiled_table` is generated from (a run
    /// does not parse it; the tests load it and keep the two equal).
    pub table: &'static str,
    /// The same table compiled into the binary (generated from `table`, see [`super::embedded`]): what
    /// a run loads.
    pub compiled_table: &'static EmbeddedTable,
    /// Where the compiled table's source is, from the crate root (the test that keeps it current writes
    /// it there).
    pub compiled_table_path: &'static str,
    /// The policy (`scope-lint.toml` text).
    pub policy: &'static str,
    /// The site generator's conventions that a policy extending this preset follows.
    pub conventions: Conventions,
}

/// What a documentation site's generator fixes by convention, which the engine follows where the policy does
/// not say otherwise: which directory names a page's product, where partials are, and where the call-out
/// component is imported from. A policy that extends a preset follows its conventions; one that extends
/// none follows the default preset's.
#[derive(Debug, Clone, Copy)]
pub struct Conventions {
    /// Directories whose child directory is a page's product (for a `<Render>` without `product`), tried in
    /// order, the last one in the page's path: `src/content/docs/<product>/...`.
    pub product_directories: &'static [&'static str],
    /// Where a `<Render file=... product=... />` finds its partial when the policy sets no
    /// `[partials] pattern`.
    pub partials_pattern: &'static str,
    /// The module sources that provide the `<Aside>` component; the first is imported when a page has none.
    pub component_sources: &'static [&'static str],
}

impl Preset {
    /// How the preset's table is named in messages: `embedded preset "NAME"`.
    pub fn origin(&self) -> String {
        format!("embedded preset \"{}\"", self.name)
    }

    /// The preset's capability table, from its compiled form (no parsing).
    pub fn capability_table(&self) -> CapabilityTable {
        self.compiled_table.table(self.origin())
    }
}

/// The embedded presets; the first is used when there is no config at all.
pub const PRESETS: &[Preset] = &[Preset {
    name: "cloudflare",
    table: CLOUDFLARE_CAPABILITIES,
    compiled_table: &CLOUDFLARE_COMPILED_TABLE,
    compiled_table_path: "presets/cloudflare/capabilities.rs",
    policy: CLOUDFLARE_POLICY,
    conventions: Conventions {
        // Starlight: `src/content/docs/<product>/...`; Hugo: `content/<product>/...`.
        product_directories: &["docs", "content"],
        partials_pattern: "src/content/partials/{product}/{file}.mdx",
        component_sources: &["~/components", "@astrojs/starlight/components"],
    },
}];

/// The preset used when there is no config at all.
pub const DEFAULT_PRESET: &Preset = &PRESETS[0];

/// The Cloudflare capability table (`presets/cloudflare/capabilities.toml`).
pub const CLOUDFLARE_CAPABILITIES: &str =
    include_str!("../../presets/cloudflare/capabilities.toml");

/// The Cloudflare capability table compiled (`presets/cloudflare/capabilities.rs`, generated from
/// `capabilities.toml`).
static CLOUDFLARE_COMPILED_TABLE: EmbeddedTable =
    include!("../../presets/cloudflare/capabilities.rs");

/// The Cloudflare policy (`presets/cloudflare/scope-lint.toml`).
pub const CLOUDFLARE_POLICY: &str = include_str!("../../presets/cloudflare/scope-lint.toml");

/// The permission-groups listing, in the API's shape, that the embedded table is refreshed from with
/// `scope-lint import` (`presets/cloudflare/permission_groups.json`): the groups whose ids and scopes the
/// research notes confirm.
pub const CLOUDFLARE_LISTING: &str =
    include_str!("../../presets/cloudflare/permission_groups.json");

/// How the embedded table is named in messages and `--help`.
pub const CLOUDFLARE_ORIGIN: &str = "embedded preset \"cloudflare\"";

/// The preset named `name`.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|preset| preset.name == name)
}

/// The names of the embedded presets, for messages.
pub fn preset_names() -> Vec<&'static str> {
    PRESETS.iter().map(|preset| preset.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::load_table;

    #[test]
    fn the_cloudflare_table_loads_and_knows_the_seed_facts() {
        let table = load_table(CLOUDFLARE_CAPABILITIES, CLOUDFLARE_ORIGIN).unwrap();
        let gateway = table.product_index("ai-gateway").unwrap();
        assert!(table.product_is_account_only(gateway));
        let names: Vec<&str> = table
            .product_groups(gateway)
            .map(|group| table.groups[group].display_name())
            .collect();
        assert_eq!(
            names,
            vec!["AI Gateway Read", "AI Gateway Edit", "AI Gateway Run"]
        );
        let r2 = table.product_index("r2").unwrap();
        assert_eq!(table.finer_scope(r2).unwrap().id, "r2-bucket");
        assert!(table.groups.len() > 200);
    }

    /// Each preset's compiled table is generated from its TOML: the checked-in file is what `render`
    /// makes of the loaded TOML, and it gives back exactly the loaded table. `SCOPE_LINT_BLESS=1`
    /// rewrites the file instead of failing.
    #[test]
    fn each_compiled_table_is_its_toml_loaded() {
        for preset in PRESETS {
            let loaded = load_table(preset.table, &preset.origin()).unwrap();
            let toml_path = preset.compiled_table_path.replace(".rs", ".toml");
            let rendered = crate::table::embedded::render(&loaded, &toml_path);
            let path =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(preset.compiled_table_path);
            if std::env::var_os("SCOPE_LINT_BLESS").is_some() {
                std::fs::write(&path, &rendered).unwrap();
                continue;
            }
            let checked_in = std::fs::read_to_string(&path).unwrap();
            assert!(
                checked_in == rendered,
                "{} is not current: run `SCOPE_LINT_BLESS=1 cargo test --lib table::preset`",
                path.display()
            );
            assert_eq!(
                format!("{:?}", preset.capability_table()),
                format!("{loaded:?}"),
                "the compiled table of `{}` differs from its TOML",
                preset.name
            );
        }
    }
}
