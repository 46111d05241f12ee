//! Hugo shortcodes in every spacing writers use: `{{<Aside>}}`, `{{< aside type="note" >}}`,
//! `{{% aside %}}`, `{{%aside%}}`, closings `{{</Aside>}}`, `{{< /aside >}}`, `{{% /aside %}}`, self-closing
//! `{{< render file="x.md" />}}`, and escaped ones (`{{</* aside */>}}`, which Hugo prints as text).
//!
//! Names are kept as written; callers compare them case-insensitively, as Hugo's shortcode lookup on
//! case-insensitive file systems (and writers) do. [`ShortcodeStyle`] remembers how a page writes its
//! shortcodes so that a call-out the fix inserts is written the same way.

use std::ops::Range;

use super::mdx::{Attribute, AttributeValue, Tag, TagKind, parse_attribute};

/// One shortcode found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shortcode {
    /// A shortcode Hugo runs.
    Tag(Tag),
    /// `{{</* ... */>}}`: Hugo prints it as text; nothing in it is a call-out or include.
    Escaped,
}

/// Parses the shortcode whose `{{<` or `{{%` opener is at `pos` and whose closer (`>}}` or `%}}`) ends at
/// `end`. `None` when the text between is not a shortcode (no name, an unterminated quote).
pub fn parse(text: &str, pos: usize, end: usize) -> Option<Shortcode> {
    let inner_start = pos + 3;
    let inner_end = end.checked_sub(3)?.max(inner_start);
    let inner = &text[inner_start..inner_end];
    let trimmed = inner.trim();
    if trimmed.starts_with("/*") && trimmed.ends_with("*/") {
        return Some(Shortcode::Escaped);
    }
    let bytes = text.as_bytes();
    let skip_space = |mut index: usize| {
        while index < inner_end && bytes[index].is_ascii_whitespace() {
            index += 1;
        }
        index
    };
    let mut index = skip_space(inner_start);
    let closing = bytes.get(index) == Some(&b'/');
    if closing {
        index = skip_space(index + 1);
    }
    let name_start = index;
    while index < inner_end
        && (bytes[index].is_ascii_alphanumeric()
            || matches!(bytes[index], b'-' | b'_' | b'/' | b'.'))
    {
        index += 1;
    }
    if index == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = text[name_start..index].trim_end_matches('/').to_owned();
    let mut attributes = Vec::new();
    let mut self_closing = false;
    loop {
        index = skip_space(index);
        if index >= inner_end {
            break;
        }
        match bytes[index] {
            b'/' if skip_space(index + 1) >= inner_end && !closing => {
                self_closing = true;
                break;
            }
            quote @ (b'"' | b'`') => {
                // A positional parameter: `{{< aside "note" >}}`.
                let close = text[index + 1..inner_end].find(quote as char)?;
                attributes.push(Attribute {
                    name: attributes.len().to_string().into(),
                    value: AttributeValue::Text(index + 1..index + 1 + close),
                });
                index += close + 2;
            }
            _ if closing => return None,
            _ => {
                let (attribute, next) = parse_attribute(&text[..inner_end], index, inner_end)?;
                let attribute = match attribute.value {
                    // A bare word is a positional parameter, not a flag.
                    AttributeValue::None => Attribute {
                        name: attributes.len().to_string().into(),
                        value: AttributeValue::Text(index..next),
                    },
                    _ => attribute,
                };
                attributes.push(attribute);
                index = next.max(index + 1);
            }
        }
    }
    let kind = match (closing, self_closing) {
        (true, _) => TagKind::Close,
        (false, true) => TagKind::SelfClosing,
        (false, false) => TagKind::Open,
    };
    Some(Shortcode::Tag(Tag {
        name: name.into(),
        kind,
        range: pos..end,
        attributes,
    }))
}

/// How a page writes its shortcodes: `{{<Aside>}}`, `{{< aside >}}`, `{{% aside %}}`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeStyle {
    /// `<` or `%`.
    pub delimiter: char,
    /// Whether a space follows the opener and precedes the closer (`{{< aside >}}`).
    pub padded: bool,
    /// The call-out shortcode's name as the page spells it (`Aside`, `aside`).
    pub name: String,
}

impl Default for ShortcodeStyle {
    fn default() -> ShortcodeStyle {
        ShortcodeStyle {
            delimiter: '<',
            padded: false,
            name: "Aside".to_owned(),
        }
    }
}

impl ShortcodeStyle {
    /// The style of the shortcode written at `range` of `text`.
    pub fn of(text: &str, range: Range<usize>, name: &str) -> ShortcodeStyle {
        let written = &text[range];
        let delimiter = if written.starts_with("{{%") { '%' } else { '<' };
        let padded = written
            .get(3..)
            .is_some_and(|rest| rest.starts_with(char::is_whitespace));
        ShortcodeStyle {
            delimiter,
            padded,
            name: name.to_owned(),
        }
    }

    /// The opening shortcode with `attributes` (already written, `type="note"`).
    pub fn open(&self, attributes: &str) -> String {
        let (open, close) = self.delimiters();
        let pad = if self.padded { " " } else { "" };
        let attributes = if attributes.is_empty() {
            String::new()
        } else {
            format!(" {attributes}")
        };
        format!("{open}{pad}{}{attributes}{pad}{close}", self.name)
    }

    /// The closing shortcode.
    pub fn close(&self) -> String {
        let (open, close) = self.delimiters();
        let pad = if self.padded { " " } else { "" };
        format!("{open}{pad}/{}{pad}{close}", self.name)
    }

    fn delimiters(&self) -> (&'static str, &'static str) {
        if self.delimiter == '%' {
            ("{{%", "%}}")
        } else {
            ("{{<", ">}}")
        }
    }
}

/// How the page `text` writes its call-out shortcodes: like its first `aside` shortcode; with none, the
/// spacing of its first shortcode of any name and the default `{{<Aside>}}` otherwise.
pub fn page_style(text: &str, dialect: super::Dialect) -> ShortcodeStyle {
    if !text.contains("{{<") && !text.contains("{{%") {
        return ShortcodeStyle::default();
    }
    let shortcodes = super::mdx::scan(text, dialect).shortcodes;
    let opening = |tag: &&Tag| tag.kind != TagKind::Close;
    if let Some(aside) = shortcodes
        .iter()
        .filter(opening)
        .find(|tag| tag.name.eq_ignore_ascii_case("aside"))
    {
        return ShortcodeStyle::of(text, aside.range.clone(), &aside.name);
    }
    shortcodes
        .iter()
        .find(opening)
        .map_or_else(ShortcodeStyle::default, |first| ShortcodeStyle {
            padded: ShortcodeStyle::of(text, first.range.clone(), "Aside").padded,
            ..ShortcodeStyle::default()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(text: &str) -> Tag {
        let close = if text.starts_with("{{%") {
            "%}}"
        } else {
            ">}}"
        };
        let end = text.rfind(close).unwrap() + 3;
        match parse(text, 0, end) {
            Some(Shortcode::Tag(tag)) => tag,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn every_spacing_and_delimiter_is_one_shortcode() {
        for (text, name, kind) in [
            ("{{<Aside>}}", "Aside", TagKind::Open),
            ("{{< Aside >}}", "Aside", TagKind::Open),
            ("{{<  aside\ttype=\"note\"  >}}", "aside", TagKind::Open),
            ("{{% aside %}}", "aside", TagKind::Open),
            ("{{%aside%}}", "aside", TagKind::Open),
            ("{{</Aside>}}", "Aside", TagKind::Close),
            ("{{< /aside >}}", "aside", TagKind::Close),
            ("{{% /aside %}}", "aside", TagKind::Close),
            ("{{%/ASIDE%}}", "ASIDE", TagKind::Close),
            (
                "{{< render file=\"_x.md\" />}}",
                "render",
                TagKind::SelfClosing,
            ),
        ] {
            let tag = tag(text);
            assert_eq!((&*tag.name, tag.kind), (name, kind), "{text}");
            assert_eq!(tag.range, 0..text.len());
        }
    }

    #[test]
    fn named_and_positional_parameters_keep_their_ranges() {
        let text = "{{< aside type=\"tip\" header='日本 🚀' \"ignored\" bare >}}";
        let tag = tag(text);
        assert_eq!(tag.text_attribute(text, "type"), Some("tip"));
        assert_eq!(tag.text_attribute(text, "header"), Some("日本 🚀"));
        assert_eq!(tag.text_attribute(text, "2"), Some("ignored"));
        assert_eq!(tag.text_attribute(text, "3"), Some("bare"));
    }

    #[test]
    fn escaped_and_nameless_shortcodes_are_not_tags() {
        assert_eq!(parse("{{</* aside */>}}", 0, 17), Some(Shortcode::Escaped));
        assert_eq!(parse("{{< >}}", 0, 7), None);
        assert_eq!(parse("{{< 1x >}}", 0, 10), None);
        assert_eq!(parse("{{< a x=\"open >}}", 0, 17), None);
    }

    #[test]
    fn styles_render_the_way_they_were_read() {
        let text = "{{% aside type=\"note\" %}}";
        let style = ShortcodeStyle::of(text, 0..text.len(), "aside");
        assert_eq!(style.open("type=\"note\""), text);
        assert_eq!(style.close(), "{{% /aside %}}");
        let tight = ShortcodeStyle::default();
        assert_eq!(tight.open(""), "{{<Aside>}}");
        assert_eq!(tight.close(), "{{</Aside>}}");
    }
}
