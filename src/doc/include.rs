//! Includes: MDX `<Render file="x" product="p" params={{...}} />` and mdBook `{{#include path}}`.
//!
//! Detection is pure; reading the included file is the caller's job (see `crate::walk::FsIncludes`).

use std::ops::Range;

use super::Element;
use super::mdx::{Scan, TagKind, lone_carriage_returns_as_line_feeds, parse_tag};

/// One include in a page: where it is and what it includes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    /// The include element or link in the page.
    pub range: Range<usize>,
    /// What it includes.
    pub target: IncludeTarget,
}

/// What an include points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncludeTarget {
    /// A partial, resolved through the policy's partials pattern.
    Partial {
        /// The `file` attribute: the partial's name under the partials pattern.
        file: String,
        /// The `product` attribute: whose partials directory holds the file (else the product the page's own
        /// directory names).
        product: Option<String>,
        /// String-valued `params`, substituted for `{props.<name>}`.
        params: Vec<(String, String)>,
    },
    /// A file relative to the including page, optionally a part of it.
    File {
        /// The path as written, relative to the including page.
        path: String,
        /// The whole file, a line range or an anchor.
        part: FilePart,
    },
}

/// Which part of an mdBook-included file to take.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FilePart {
    /// The whole file.
    Whole,
    /// 1-based, inclusive line bounds (`file.md:2:10`, `file.md:2:`, `file.md::10`, `file.md:5`).
    Lines(Option<usize>, Option<usize>),
    /// Between `ANCHOR: name` and `ANCHOR_END: name`.
    Anchor(String),
}

/// Whether `text` may hold an include: a `<Render`, an mdBook `{{#` or a Hugo `render` shortcode (see
/// [`opens_hugo_render`]). A quick test before the pre-pass that lists them.
pub fn may_include(text: &str) -> bool {
    text.contains("<Render")
        || text.contains("{{#")
        || memchr::memmem::find_iter(text.as_bytes(), b"{{")
            .any(|at| opens_hugo_render(text, at + 2))
}

/// Whether the Hugo shortcode opened by the `{{` that ends at `at` may be a `render` (`{{<` or `{{%`,
/// optional ASCII whitespace, a name starting with `render` in any case): every shortcode
/// [`detect`] reads as an include is one.
pub fn opens_hugo_render(text: &str, at: usize) -> bool {
    let Some(rest) = text[at..].strip_prefix(['<', '%']) else {
        return false;
    };
    let name = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
    name.get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("render"))
}

/// The `file` and `product` of a `<Render>` tag: what a partial include's target is resolved from.
pub type RenderTag = (String, Option<String>);

/// The `file` and `product` attributes of every `<Render>` tag that the pre-pass could read in `text`,
/// each once: a tag is parsed at each `<Render` wherever it stands (in a code block, a comment, ...).
/// The pre-pass parses its tags the same way ([`parse_tag`] at the tag's `<`, in the text with lone
/// `\r`s made line feeds), at some of these places, and [`detect`] reads the `<Render>` elements among
/// them, so the partials `detect` finds name a subset of these. `None` when `text` holds a `{{`, which
/// may open another kind of include (`{{#include}}`, a Hugo `render` shortcode).
pub fn render_tags(text: &str) -> Option<Vec<RenderTag>> {
    if memchr::memmem::find(text.as_bytes(), b"{{").is_some() {
        return None;
    }
    let read = lone_carriage_returns_as_line_feeds(text);
    let mut tags: Vec<RenderTag> = Vec::new();
    for at in memchr::memmem::find_iter(read.as_bytes(), b"<Render") {
        let Some(tag) = parse_tag(&read, at) else {
            continue;
        };
        if tag.name != "Render" || tag.kind == TagKind::Close {
            continue;
        }
        let Some(file) = tag.text_attribute(text, "file") else {
            continue;
        };
        let found = (
            file.to_owned(),
            tag.text_attribute(text, "product").map(str::to_owned),
        );
        if !tags.contains(&found) {
            tags.push(found);
        }
    }
    Some(tags)
}

/// Every include of the page: `<Render>` elements, `{{#include}}` links and Hugo include shortcodes.
pub fn detect(text: &str, scan: &Scan, elements: &[Element]) -> Vec<Include> {
    let mut includes: Vec<Include> = elements
        .iter()
        .filter(|element| element.name == "Render")
        .filter_map(|element| {
            let file = element.open.text_attribute(text, "file")?.to_owned();
            let product = element
                .open
                .text_attribute(text, "product")
                .map(str::to_owned);
            let params = element
                .open
                .expression_attribute("params")
                .map(|range| parse_params(&text[range]))
                .unwrap_or_default();
            Some(Include {
                range: element.range(),
                target: IncludeTarget::Partial {
                    file,
                    product,
                    params,
                },
            })
        })
        .collect();
    includes.extend(hugo_renders(text, scan));
    includes.extend(scan.book_includes.iter().map(|include| {
        let (path, part) = parse_book_argument(&include.argument);
        Include {
            range: include.range.clone(),
            target: IncludeTarget::File { path, part },
        }
    }));
    includes.sort_by_key(|include| include.range.start);
    includes
}

/// Hugo `{{< render file="_x.md" >}}` shortcodes (any spacing, `{{% %}}` too, any case): a partial whose
/// product is the `productFolder` parameter (else the page's product directory), with every other named parameter as a param.
fn hugo_renders<'s>(text: &'s str, scan: &'s Scan) -> impl Iterator<Item = Include> + 's {
    const PRODUCT_KEYS: [&str; 1] = ["productFolder"];
    scan.shortcodes
        .iter()
        .filter(|tag| {
            tag.name.eq_ignore_ascii_case("render") && tag.kind != super::mdx::TagKind::Close
        })
        .filter_map(|tag| {
            let file = tag.text_attribute(text, "file")?.to_owned();
            let product = PRODUCT_KEYS
                .iter()
                .find_map(|key| tag.text_attribute(text, key))
                .map(str::to_owned);
            let params = tag
                .attributes
                .iter()
                .filter(|attribute| {
                    attribute.name != "file"
                        && !PRODUCT_KEYS.contains(&&*attribute.name)
                        && is_identifier(&attribute.name)
                        && !attribute.name.starts_with(|c: char| c.is_ascii_digit())
                })
                .filter_map(|attribute| match &attribute.value {
                    super::mdx::AttributeValue::Text(range) => {
                        Some((attribute.name.to_string(), text[range.clone()].to_owned()))
                    }
                    _ => None,
                })
                .collect();
            Some(Include {
                range: tag.range.clone(),
                target: IncludeTarget::Partial {
                    file,
                    product,
                    params,
                },
            })
        })
}

/// Reads the string-valued keys of a JS object literal: `{ editWord: "Edit", "src": 'dash' }`.
pub fn parse_params(expression: &str) -> Vec<(String, String)> {
    let inner = expression
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}');
    let mut params = Vec::new();
    let mut rest = inner;
    while let Some(colon) = rest.find(':') {
        let key = rest[..colon]
            .trim()
            .trim_start_matches(',')
            .trim()
            .trim_matches(['"', '\''])
            .to_owned();
        let value_part = rest[colon + 1..].trim_start();
        let Some(quote) = value_part
            .chars()
            .next()
            .filter(|c| matches!(c, '"' | '\'' | '`'))
        else {
            rest = value_part
                .find(',')
                .map_or("", |comma| &value_part[comma + 1..]);
            continue;
        };
        let Some(close) = value_part[1..].find(quote) else {
            break;
        };
        if is_identifier(&key) {
            params.push((key, value_part[1..1 + close].to_owned()));
        }
        rest = &value_part[close + 2..];
    }
    params
}

fn is_identifier(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// Splits `file.md:2:10` / `file.rs:anchor` into the path and the part.
pub fn parse_book_argument(argument: &str) -> (String, FilePart) {
    let argument = argument.split_whitespace().next().unwrap_or("");
    let Some((path, selector)) = argument.split_once(':') else {
        return (argument.to_owned(), FilePart::Whole);
    };
    let path = path.to_owned();
    if selector.is_empty() {
        return (path, FilePart::Whole);
    }
    let (first, second) = match selector.split_once(':') {
        Some((first, second)) => (first, Some(second)),
        None => (selector, None),
    };
    let number = |text: &str| text.parse::<usize>().ok();
    match (number(first), second) {
        (Some(line), None) => (path, FilePart::Lines(Some(line), Some(line))),
        (start, Some(end)) if start.is_some() || first.is_empty() => {
            (path, FilePart::Lines(start, number(end)))
        }
        _ if first
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-') =>
        {
            (path, FilePart::Anchor(first.to_owned()))
        }
        _ => (path, FilePart::Whole),
    }
}

/// The byte range of `text` that `part` selects (whole lines, line breaks included).
pub fn select_part(text: &str, part: &FilePart) -> Range<usize> {
    match part {
        FilePart::Whole => 0..text.len(),
        FilePart::Lines(start, end) => {
            let starts = line_starts(text);
            let first = start.unwrap_or(1).max(1) - 1;
            let last = end.unwrap_or(starts.len()).min(starts.len());
            if first >= last {
                return text.len()..text.len();
            }
            let begin = starts[first];
            let finish = starts.get(last).copied().unwrap_or(text.len());
            begin..finish
        }
        // mdBook includes nothing for an anchor the file does not have.
        FilePart::Anchor(name) => anchor_range(text, name).unwrap_or(text.len()..text.len()),
    }
}

/// `text` with every byte outside `keep` blanked (line breaks kept; a character of several bytes becomes
/// as many spaces), so offsets still match the file.
pub fn blank_outside(text: &str, keep: Range<usize>) -> String {
    let mut blanked = String::with_capacity(text.len());
    for (index, c) in text.char_indices() {
        if keep.contains(&index) || c == '\n' || c == '\r' {
            blanked.push(c);
        } else {
            blanked.extend(std::iter::repeat_n(' ', c.len_utf8()));
        }
    }
    blanked
}

fn anchor_range(text: &str, name: &str) -> Option<Range<usize>> {
    let starts = line_starts(text);
    let line_text = |index: usize| {
        let end = starts.get(index + 1).copied().unwrap_or(text.len());
        &text[starts[index]..end]
    };
    let open =
        (0..starts.len()).find(|&index| anchor_name(line_text(index), "ANCHOR:") == Some(name))?;
    let from = starts.get(open + 1).copied().unwrap_or(text.len());
    // An anchor that is never ended runs to the end of the file, as in mdBook.
    let to = (open + 1..starts.len())
        .find(|&index| anchor_name(line_text(index), "ANCHOR_END:") == Some(name))
        .map_or(text.len(), |close| starts[close]);
    Some(from..to)
}

/// The anchor name after `marker` on `line`, as mdBook reads it (`ANCHOR:\s*([\w_-]+)`): compared whole,
/// so `list` is not `listing`.
fn anchor_name<'l>(line: &'l str, marker: &str) -> Option<&'l str> {
    let rest = line[line.find(marker)? + marker.len()..].trim_start();
    let length = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    (length > 0).then(|| &rest[..length])
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.match_indices('\n')
                .map(|(index, _)| index + 1)
                .filter(|&index| index < text.len()),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hugo_render_shortcode_in_any_spacing_is_an_include() {
        for page in [
            "{{< render file=\"x\" >}}",
            "{{%RENDER file=\"x\"%}}",
            "{{<\n\trender >}}",
        ] {
            assert!(opens_hugo_render(page, 2), "{page}");
        }
        for page in ["{{< aside >}}", "{{< rend", "{{% /note %}}", "{{ render }}"] {
            assert!(!opens_hugo_render(page, 2), "{page}");
        }
        assert!(may_include("日本 {{< aside >}} {{< Render file=\"x\" >}}"));
        assert!(!may_include("日本 {{< aside >}} {{% note %}} <Rend> {{"));
    }

    #[test]
    fn params_keep_string_values_only() {
        assert_eq!(
            parse_params("{{ editWord: \"Edit\", src: 'dash', n: 3, \"q\": `x` }}"),
            vec![
                ("editWord".to_owned(), "Edit".to_owned()),
                ("src".to_owned(), "dash".to_owned()),
                ("q".to_owned(), "x".to_owned())
            ]
        );
        assert_eq!(
            parse_params("{\n\t\teditWord: \"Write\",\n\t\tsrc: \"api\",\n\t}"),
            vec![
                ("editWord".to_owned(), "Write".to_owned()),
                ("src".to_owned(), "api".to_owned())
            ]
        );
    }

    #[test]
    fn book_arguments_select_lines_and_anchors() {
        assert_eq!(
            parse_book_argument("a.md"),
            ("a.md".into(), FilePart::Whole)
        );
        assert_eq!(
            parse_book_argument("a.md:2:4"),
            ("a.md".into(), FilePart::Lines(Some(2), Some(4)))
        );
        assert_eq!(
            parse_book_argument("a.md::4"),
            ("a.md".into(), FilePart::Lines(None, Some(4)))
        );
        assert_eq!(
            parse_book_argument("a.md:3"),
            ("a.md".into(), FilePart::Lines(Some(3), Some(3)))
        );
        assert_eq!(
            parse_book_argument("a.rs:main"),
            ("a.rs".into(), FilePart::Anchor("main".into()))
        );
        let text = "one\ntwo\nthree\n";
        assert_eq!(
            &text[select_part(text, &FilePart::Lines(Some(2), Some(3)))],
            "two\nthree\n"
        );
        let anchored = "x\n// ANCHOR: part\nin\n// ANCHOR_END: part\ny\n";
        assert_eq!(
            &anchored[select_part(anchored, &FilePart::Anchor("part".into()))],
            "in\n"
        );
    }

    #[test]
    fn blanking_outside_a_part_keeps_every_offset_of_the_file() {
        let text = "# グループ — é\u{301} 😀\r\n<!-- ANCHOR: a -->\nשלום 🚀\n<!-- ANCHOR_END: a -->\n日本\n";
        let keep = select_part(text, &FilePart::Anchor("a".into()));
        let blanked = blank_outside(text, keep.clone());
        assert_eq!(blanked.len(), text.len());
        assert_eq!(&blanked[keep.clone()], &text[keep]);
        assert!(blanked.starts_with("  ") && blanked.contains("\r\n"));
    }

    #[test]
    fn an_anchor_is_found_by_its_whole_name_and_a_missing_one_includes_nothing() {
        let text = "- AI Gateway Read — 読む\n<!-- ANCHOR: listing -->\nlong 😀\n<!-- ANCHOR_END: listing -->\n<!-- ANCHOR: list -->\nשלום\n<!-- ANCHOR_END: list -->\n";
        let part = |name: &str| &text[select_part(text, &FilePart::Anchor(name.into()))];
        assert_eq!(part("list"), "שלום\n");
        assert_eq!(part("listing"), "long 😀\n");
        assert_eq!(part("nope"), "");
        assert_eq!(part("lis"), "");
        let unended = "a\n// ANCHOR: open\nrest é\u{301}\nend";
        assert_eq!(
            &unended[select_part(unended, &FilePart::Anchor("open".into()))],
            "rest é\u{301}\nend"
        );
    }

    /// Every partial the pre-pass reads as included is among the raw `<Render>` tags, wherever the
    /// tags stand (code blocks and spans, comments, expressions, other tags' attributes), next to
    /// multi-byte text and lone carriage returns; a text with `{{` is left to the pre-pass.
    #[test]
    fn raw_render_tags_hold_every_partial_the_pre_pass_reads() {
        let pieces = [
            "<Render file=\"a\" />",
            "<Render file='b' product=\"p\" />",
            "<Render\n  file=\"c\"\r  product={x}\n/>",
            "<Render file={d} />",
            "<Render file=\"e\">inner</Render>",
            "<Renderer file=\"f\" />",
            "```\n",
            "`",
            "<!-- ",
            " -->",
            "{/* ",
            " */}",
            "{",
            "}",
            "<Aside title=\"",
            "\">",
            "\n\n",
            "\r",
            "\n",
            "    ",
            "> ",
            "日本",
            "😀",
            "e\u{301}",
            "مرحبا",
            "\u{feff}",
            "text ",
        ];
        let mut seed = 11u64;
        let mut read = 0;
        for length in 0..600 {
            let text = crate::bytes::pieced_text(&pieces, length, &mut seed);
            let Some(tags) = render_tags(&text) else {
                assert!(text.contains("{{"), "{text:?}");
                continue;
            };
            for dialect in [super::super::Dialect::Mdx, super::super::Dialect::Markdown] {
                let scan = crate::doc::mdx::scan(&text, dialect);
                let elements = crate::doc::markdown::pair_elements(&scan.tags);
                for include in detect(&text, &scan, &elements) {
                    if let IncludeTarget::Partial { file, product, .. } = include.target {
                        read += 1;
                        assert!(
                            tags.contains(&(file.clone(), product.clone())),
                            "{file:?} {product:?} not among {tags:?} in {text:?}"
                        );
                    }
                }
            }
        }
        assert!(read > 1000, "the pre-pass read {read} includes");
        assert_eq!(
            render_tags("{{< render file=\"x\" >}} <Render file=\"y\" />"),
            None
        );
    }
}
