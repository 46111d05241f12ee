//! The call-out a policy inserts: its template placeholders, filled from the capability table.

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
    placeholders(template)
        .filter(|name| !TEMPLATE_PLACEHOLDERS.contains(name))
        .map(str::to_owned)
        .collect()
}

/// The names of the `{name}` placeholders (ASCII letters and `_`) in `text`, left to right, as the
/// matches of `\{([A-Za-z_]+)\}` (read by hand: a regex compiled at every start costs more than the scan).
fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while let Some(offset) = memchr::memchr(b'{', &bytes[at..]) {
            let open = at + offset;
            let name_end = bytes[open + 1..]
                .iter()
                .position(|&byte| !(byte.is_ascii_alphabetic() || byte == b'_'))
                .map_or(bytes.len(), |length| open + 1 + length);
            if name_end > open + 1 && bytes.get(name_end) == Some(&b'}') {
                at = name_end + 1;
                return Some(&text[open + 1..name_end]);
            }
            at = open + 1;
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_read_as_the_regex_reads_them() {
        let regex = regex::Regex::new(r"\{([A-Za-z_]+)\}").unwrap();
        for text in [
            "{product} tokens ({groups})",
            "{{product}}",
            "{a}{b}",
            "{ product }",
            "{pro-duct} {x_y} {}",
            "{日本} {café} {noun}",
            "trailing {",
            "{a",
            "{a}}{",
            "שלום {product}😀{noun}",
        ] {
            let expected: Vec<&str> = regex
                .captures_iter(text)
                .map(|captures| captures.get(1).unwrap().as_str())
                .collect();
            assert_eq!(placeholders(text).collect::<Vec<_>>(), expected, "{text}");
        }
    }
}
