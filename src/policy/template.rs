//! The call-out a policy inserts: its template placeholders, filled from the capability table.

use regex::Regex;

use super::*;

/// The placeholders a call-out template may use.
pub const TEMPLATE_PLACEHOLDERS: &[&str] = &[
    "product",
    "groups",
    "noun",
    "contrast",
    "contrast_noun",
    "example_group",
];

impl CalloutPolicy {
    /// The call-out body: the template with its placeholders filled from the table.
    pub fn body(&self, table: &CapabilityTable) -> String {
        fill(&self.template, &self.values(table))
    }

    /// The call-out title, filled the same way.
    pub fn title_text(&self, table: &CapabilityTable) -> Option<String> {
        self.title
            .as_ref()
            .map(|title| fill(title, &self.values(table)))
    }

    fn values(&self, table: &CapabilityTable) -> Vec<(&'static str, String)> {
        let product = &table.products[self.product];
        let groups: Vec<&str> = table
            .product_groups(self.product)
            .map(|group| table.groups[group].display_name())
            .collect();
        let contrast = self.contrast.map(|index| &table.products[index]);
        let example = self
            .example_group
            .or_else(|| table.product_groups(self.product).last())
            .map(|group| table.groups[group].display_name().to_owned())
            .unwrap_or_default();
        vec![
            ("product", product.name.clone()),
            ("groups", compress_groups(&product.name, &groups)),
            (
                "noun",
                product
                    .noun
                    .clone()
                    .unwrap_or_else(|| "resource".to_owned()),
            ),
            (
                "contrast",
                contrast
                    .map(|contrast| contrast.name.clone())
                    .unwrap_or_default(),
            ),
            (
                "contrast_noun",
                contrast
                    .and_then(|contrast| contrast.noun.clone())
                    .unwrap_or_else(|| "resource".to_owned()),
            ),
            ("example_group", example),
        ]
    }
}

/// `AI Gateway Read/Edit/Run` when every name starts with the product name, else a comma-separated list.
pub(super) fn compress_groups(product: &str, groups: &[&str]) -> String {
    let prefix = format!("{product} ");
    let suffixes: Option<Vec<&str>> = groups
        .iter()
        .map(|group| group.strip_prefix(&prefix))
        .collect();
    match suffixes {
        Some(suffixes) if !suffixes.is_empty() => format!("{product} {}", suffixes.join("/")),
        _ => groups.join(", "),
    }
}

pub(super) fn fill(template: &str, values: &[(&'static str, String)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// The `{name}` placeholders in `template` that [`TEMPLATE_PLACEHOLDERS`] does not define.
pub(super) fn unknown_placeholders(template: &str) -> Vec<String> {
    let pattern = Regex::new(r"\{([A-Za-z_]+)\}").expect("valid regex");
    pattern
        .captures_iter(template)
        .map(|captures| captures[1].to_owned())
        .filter(|name| !TEMPLATE_PLACEHOLDERS.contains(&name.as_str()))
        .collect()
}
