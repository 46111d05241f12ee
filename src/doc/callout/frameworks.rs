//! The call-outs of other docs frameworks: recognised, so that a page written for one of them is not asked
//! for a second call-out and its call-outs are read, moved and removed like the others, but never written.
//!
//! - MDX admonition components other than `<Aside>`: `<Note>`, `<Tip>`, `<Info>`, `<Warning>`,
//!   `<Caution>`, `<Danger>`, `<Important>` (Mintlify), `<Callout type="...">` (Nextra, Fumadocs,
//!   Mintlify), `<Admonition type="...">` (Docusaurus); the kind is the `type` attribute, else the name.
//! - `:::` containers that are no MDX directive: `::: tip Title` (VitePress), `:::info Title`
//!   (Docusaurus), `:::{note}` (MyST), and `:::note` on a Markdown page, closed by a line of as many
//!   colons or more in the same container.
//! - MyST directive fences (```` ```{note} ````, ```` ```{warning} ````) and GitBook hints
//!   (`{% hint style="info" %}` ... `{% endhint %}`).
//! - MkDocs admonitions on Markdown pages: `!!! note "Title"`, `??? tip`, `???+ warning`, with their text
//!   indented four spaces below (CommonMark reads that text as an indented code block; it is the
//!   call-out's own text here).

use std::ops::Range;

use crate::doc::blank::{indent_width, is_blank};
use crate::doc::mdx::{AttributeValue, Scan};
use crate::doc::source::{container_prefix, line_end, next_line_start};
use crate::doc::{CodeBlock, Element};

use super::{Callout, CalloutSyntax};

/// The MDX components read as call-outs besides Starlight's `Aside`.
const COMPONENTS: &[&str] = &[
    "Note",
    "Tip",
    "Info",
    "Warning",
    "Caution",
    "Danger",
    "Important",
    "Callout",
    "Admonition",
];

/// The kinds a `:::` container call-out may have.
const CONTAINER_KINDS: &[&str] = &[
    "note",
    "tip",
    "info",
    "warning",
    "caution",
    "danger",
    "important",
];

/// Whether a tag named `name` may open or close a call-out component (`Aside` or one of the others),
/// ASCII case ignored: the prefilter's superset of what the page model reads.
pub fn is_callout_component(name: &str) -> bool {
    name.eq_ignore_ascii_case("aside")
        || COMPONENTS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name))
}

/// Whether the lower-cased text of a tag, from its name on (`note type="x">`), may start with the name
/// of a call-out component: the screen's test, which reads tags before their name ends.
pub fn may_open_a_callout_component(lowercase_tag: &str) -> bool {
    lowercase_tag.starts_with("aside")
        || COMPONENTS.iter().any(|known| {
            lowercase_tag
                .get(..known.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(known))
        })
}

/// Whether a fenced code block's info string (as written after the fence) may open a call-out fence that
/// is not mdbook-admonish's: a MyST directive (`{note}`), read here when it starts with `{`.
pub fn may_be_a_myst_fence(info: &str) -> bool {
    info.trim_start().starts_with('{')
}

/// The admonition components of the page (`elements` holds the JSX elements the pre-pass read).
pub(super) fn components(text: &str, elements: &[Element], callouts: &mut Vec<Callout>) {
    for element in elements
        .iter()
        .filter(|element| COMPONENTS.contains(&&*element.name))
    {
        let named_kind = element.name.to_ascii_lowercase();
        let kind = element
            .open
            .text_attribute(text, "type")
            .map(str::to_ascii_lowercase)
            .unwrap_or_else(|| match named_kind.as_str() {
                "callout" | "admonition" => "note".to_owned(),
                _ => named_kind,
            });
        let title = element
            .open
            .attributes
            .iter()
            .find(|attribute| attribute.name == "title")
            .and_then(|attribute| match &attribute.value {
                AttributeValue::Text(range) => Some(range.clone()),
                _ => None,
            });
        let body_end = element
            .close
            .as_ref()
            .map_or(element.open.range.end, |close| close.start);
        callouts.push(Callout {
            syntax: CalloutSyntax::Component,
            kind,
            range: element.range(),
            title,
            body: element.open.range.end..body_end,
        });
    }
}

/// The kinds of MyST's admonition directives (```` ```{note} ````).
const MYST_KINDS: &[&str] = &[
    "note",
    "tip",
    "hint",
    "important",
    "attention",
    "caution",
    "warning",
    "danger",
    "error",
    "seealso",
    "admonition",
];

/// The MyST directive fences of the page that are admonitions: a fenced code block whose info string
/// starts with `{note}` (or another admonition kind). Its content is the call-out's text.
pub(super) fn myst_fences(code_blocks: &[CodeBlock], callouts: &mut Vec<Callout>) {
    for code in code_blocks {
        let Some(kind) = myst_kind(&code.info) else {
            continue;
        };
        callouts.push(Callout {
            syntax: CalloutSyntax::MystFence,
            kind,
            range: code.range.clone(),
            title: None,
            body: code.content.clone(),
        });
    }
}

/// The admonition kind a MyST fence's info string (`{warning}`, `{admonition} Title`) names.
fn myst_kind(info: &str) -> Option<String> {
    let inner = info.strip_prefix('{')?;
    let kind = inner[..inner.find('}')?].to_ascii_lowercase();
    MYST_KINDS.contains(&kind.as_str()).then_some(kind)
}

/// The GitBook hints of the page: a line `{% hint style="info" %}` (outside code blocks), up to the next
/// line `{% endhint %}`; one never closed is no call-out. The kind is the `style` (`info`, `success`,
/// `warning`, `danger`).
pub(super) fn gitbook_hints(scan: &Scan, code_blocks: &[CodeBlock], callouts: &mut Vec<Callout>) {
    let masked = scan.masked.as_str();
    if memchr::memmem::find(masked.as_bytes(), b"{%").is_none() {
        return;
    }
    let code = code_ranges(code_blocks);
    let mut open: Option<(usize, usize, String)> = None;
    for line in line_ranges(masked) {
        let text = &masked[line.clone()];
        let content = text.trim_start_matches([' ', '\t', '>']).trim_end();
        if !content.starts_with("{%") || in_code(&code, line.start) {
            continue;
        }
        let start = line.start + text.len() - text.trim_start_matches([' ', '\t', '>']).len();
        match (liquid_tag(content), open.take()) {
            (Some(("endhint", _)), Some((opened, body_start, kind))) => callouts.push(Callout {
                syntax: CalloutSyntax::GitbookHint,
                kind,
                range: opened..line.end,
                title: None,
                body: body_start..start.max(body_start),
            }),
            (Some(("hint", arguments)), _) => {
                let kind = hint_style(arguments).unwrap_or("info").to_ascii_lowercase();
                open = Some((start, line.end, kind));
            }
            (_, still_open) => open = still_open,
        }
    }
}

/// The name and arguments of a Liquid tag line (`{% hint style="info" %}`).
fn liquid_tag(line: &str) -> Option<(&str, &str)> {
    let inner = line.strip_prefix("{%")?.strip_suffix("%}")?;
    let inner = inner.trim_matches(|c: char| c == '-' || c.is_ascii_whitespace());
    let name_end = inner
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(inner.len());
    Some((&inner[..name_end], &inner[name_end..]))
}

/// The `style` argument of a hint tag (`style="warning"`).
fn hint_style(arguments: &str) -> Option<&str> {
    let value = arguments.split_once("style=")?.1.trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    Some(&value[..value.find(quote)?])
}

/// The range of each line of `text`, without its line break (`\n`, `\r\n` or a lone `\r`).
fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = Some(0);
    std::iter::from_fn(move || {
        let line_start = start?;
        let end = line_end(text, line_start);
        start = (end < text.len()).then(|| next_line_start(text, end));
        Some(line_start..end)
    })
}

/// Whether `offset` lies in one of `code` (sorted by start, apart).
fn in_code(code: &[Range<usize>], offset: usize) -> bool {
    let after = code.partition_point(|range| range.start <= offset);
    after
        .checked_sub(1)
        .is_some_and(|last| offset < code[last].end)
}

/// The code blocks' ranges, sorted by start.
fn code_ranges(code_blocks: &[CodeBlock]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = code_blocks.iter().map(|code| code.range.clone()).collect();
    ranges.sort_unstable_by_key(|range| range.start);
    ranges
}

/// A `:::` container opened and not yet closed.
struct OpenContainer {
    prefix: String,
    colons: usize,
    start: usize,
    kind: String,
    body_start: usize,
}

/// The `:::` containers of the page that the pre-pass did not read as directives. They are read on the
/// masked text (a directive's fence lines, comments and front matter are blanked there), outside code
/// blocks; one never closed is no call-out.
pub(super) fn colon_containers(
    scan: &Scan,
    code_blocks: &[CodeBlock],
    callouts: &mut Vec<Callout>,
) {
    let masked = scan.masked.as_str();
    if memchr::memmem::find(masked.as_bytes(), b":::").is_none() {
        return;
    }
    let code = code_ranges(code_blocks);
    let mut open: Vec<OpenContainer> = Vec::new();
    for line in line_ranges(masked) {
        let text = &masked[line.clone()];
        let prefix = container_prefix(text);
        let rest = &text[prefix.len()..];
        if !rest.starts_with(":::") || in_code(&code, line.start) {
            continue;
        }
        let colons = rest.len() - rest.trim_start_matches(':').len();
        let after = &rest[colons..];
        let fence_start = line.start + prefix.len();
        if is_blank(after) {
            let Some(opener) = open
                .iter()
                .rposition(|opened| opened.prefix == prefix && opened.colons <= colons)
            else {
                continue;
            };
            let opened = open.drain(opener..).next().expect("found above");
            callouts.push(Callout {
                syntax: CalloutSyntax::ColonContainer,
                kind: opened.kind,
                range: opened.start..line.end,
                title: None,
                body: opened.body_start..fence_start.max(opened.body_start),
            });
        } else if let Some((kind, kind_end)) = container_kind(after) {
            open.push(OpenContainer {
                prefix: prefix.to_owned(),
                colons,
                start: fence_start,
                kind,
                body_start: fence_start + colons + kind_end,
            });
        }
    }
}

/// The kind of a container opened by `:::` and then `after` (`tip Title`, ` warning`, `{note}`), and where
/// in `after` the kind ends; `None` when it names no call-out kind.
fn container_kind(after: &str) -> Option<(String, usize)> {
    let trimmed = after.trim_start_matches([' ', '\t']);
    let braced = trimmed.starts_with('{');
    let name_start = after.len() - trimmed.len() + usize::from(braced);
    let name_part = &after[name_start..];
    let name_len = name_part
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(name_part.len());
    let kind = name_part[..name_len].to_ascii_lowercase();
    if !CONTAINER_KINDS.contains(&kind.as_str()) {
        return None;
    }
    let mut end = name_start + name_len;
    if braced {
        if !after[end..].starts_with('}') {
            return None;
        }
        end += 1;
    }
    Some((kind, end))
}

/// The MkDocs admonitions of a Markdown page: an opener line (`!!!`, `???` or `???+`, a kind word, maybe
/// a quoted title) at most three spaces in, outside code blocks, and the lines below it indented four
/// columns further (blank lines between them included); one with no such line is no call-out.
pub(super) fn mkdocs_admonitions(
    scan: &Scan,
    code_blocks: &[CodeBlock],
    callouts: &mut Vec<Callout>,
) {
    let masked = scan.masked.as_str();
    let bytes = masked.as_bytes();
    if memchr::memmem::find(bytes, b"!!!").is_none()
        && memchr::memmem::find(bytes, b"???").is_none()
    {
        return;
    }
    let code = code_ranges(code_blocks);
    let lines: Vec<Range<usize>> = line_ranges(masked).collect();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index].clone();
        index += 1;
        let text = &masked[line.clone()];
        let content = text.trim_start_matches(' ');
        let indent = text.len() - content.len();
        let Some((kind, kind_end)) = admonition_kind(content) else {
            continue;
        };
        if indent > 3 || in_code(&code, line.start) {
            continue;
        }
        let mut last_body_line = None;
        for (offset, below) in lines[index..].iter().enumerate() {
            let below_text = &masked[below.clone()];
            if is_blank(below_text) {
                continue;
            }
            if indent_width(below_text) < indent + 4 {
                break;
            }
            last_body_line = Some(index + offset);
        }
        let Some(last) = last_body_line else {
            continue;
        };
        let start = line.start + indent;
        callouts.push(Callout {
            syntax: CalloutSyntax::Mkdocs,
            kind,
            range: start..lines[last].end,
            title: None,
            body: start + kind_end..lines[last].end,
        });
        index = last + 1;
    }
}

/// The kind of an MkDocs admonition opener line (`!!! note "Title"`), lower-cased, and where the kind word
/// ends in `line`.
fn admonition_kind(line: &str) -> Option<(String, usize)> {
    let marker = ["???+", "!!!", "???"]
        .into_iter()
        .find(|marker| line.starts_with(marker))?;
    let after = &line[marker.len()..];
    let word = after.trim_start_matches([' ', '\t']);
    if word.len() == after.len() {
        return None;
    }
    let word_start = marker.len() + after.len() - word.len();
    let word_len = word
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(word.len());
    if word_len == 0 || !word.as_bytes()[0].is_ascii_alphabetic() {
        return None;
    }
    Some((word[..word_len].to_ascii_lowercase(), word_start + word_len))
}

#[cfg(test)]
mod tests {
    use crate::doc::source::SourceText;
    use crate::doc::{Dialect, Page};

    use super::*;

    /// Each call-out of `text` read as `dialect`: its syntax, kind and own text (title, then body).
    fn read(text: &str, dialect: Dialect) -> Vec<(CalloutSyntax, String, String)> {
        let page = Page::parse(SourceText::new("t", text.to_owned()), dialect);
        page.callouts
            .iter()
            .map(|callout| {
                let title = callout
                    .title
                    .clone()
                    .map_or("", |title| &page.text()[title]);
                let body = page.text()[callout.body.clone()].trim();
                (
                    callout.syntax,
                    callout.kind.clone(),
                    format!("{title}|{body}"),
                )
            })
            .collect()
    }

    #[test]
    fn admonition_components_are_call_outs() {
        let text = "<Note>注意 🚀 A</Note>\n\n<Callout type=\"warning\" title=\"Ünïcode\">\nB\n</Callout>\n\n<Admonition>\nC\n</Admonition>\n\n<Notebook>D</Notebook>\n";
        assert_eq!(
            read(text, Dialect::Mdx),
            vec![
                (CalloutSyntax::Component, "note".into(), "|注意 🚀 A".into()),
                (
                    CalloutSyntax::Component,
                    "warning".into(),
                    "Ünïcode|B".into()
                ),
                (CalloutSyntax::Component, "note".into(), "|C".into()),
            ]
        );
        assert!(is_callout_component("warning") && !is_callout_component("Notebook"));
        assert!(may_open_a_callout_component("note type=\"x\">"));
        assert!(!may_open_a_callout_component("span>"));
    }

    #[test]
    fn colon_containers_that_are_no_directive_are_call_outs() {
        let mdx = ":::info 日本語 title\nA ✓\n:::\n\n:::note\nB\n:::\n\n::: tip\nC\n:::\n";
        assert_eq!(
            read(mdx, Dialect::Mdx),
            vec![
                (
                    CalloutSyntax::ColonContainer,
                    "info".into(),
                    "|日本語 title\nA ✓".into()
                ),
                (
                    CalloutSyntax::Written(super::super::CalloutForm::Directive),
                    "note".into(),
                    "|B".into()
                ),
                (CalloutSyntax::ColonContainer, "tip".into(), "|C".into()),
            ]
        );
        let markdown = "::: warning שלום\r\nA\r\n:::\r\n\r\n:::{note}\nB\n:::\n\n> ::: tip\n> C\n> :::\n\n::: details\nD\n:::\n\n::: tip\nnever closed\n\n```\n::: tip\n:::\n```\n";
        assert_eq!(
            read(markdown, Dialect::Markdown),
            vec![
                (
                    CalloutSyntax::ColonContainer,
                    "warning".into(),
                    "|שלום\r\nA".into()
                ),
                (CalloutSyntax::ColonContainer, "note".into(), "|B".into()),
                (
                    CalloutSyntax::ColonContainer,
                    "tip".into(),
                    "|> C\n>".into()
                ),
            ]
        );
    }

    #[test]
    fn nested_colon_containers_need_a_longer_outer_fence() {
        let text = "::::: tip\nA\n::: warning\nB\n:::\nC\n:::::\n";
        let read = read(text, Dialect::Markdown);
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].1, "tip");
        assert_eq!(read[1].1, "warning");
    }

    #[test]
    fn mkdocs_admonitions_hold_their_indented_lines() {
        let text = "!!! note \"Scope ✓\"\n\n    A 日本\n\n    B\n\nAfter.\n\n??? tip\n    C\n\n???+ warning\nnot indented\n\n    !!! danger\n        code\n";
        assert_eq!(
            read(text, Dialect::Markdown),
            vec![
                (
                    CalloutSyntax::Mkdocs,
                    "note".into(),
                    "|\"Scope ✓\"\n\n    A 日本\n\n    B".into()
                ),
                (CalloutSyntax::Mkdocs, "tip".into(), "|C".into()),
            ]
        );
        assert!(
            read(text, Dialect::Mdx).is_empty(),
            "MkDocs pages are Markdown"
        );
    }

    #[test]
    fn myst_fences_and_gitbook_hints_are_call_outs() {
        let text = "```{warning}\nA 🚀\n```\n\n```{code-block} python\nx\n```\n\n{% hint style=\"danger\" %}\nB é\n{% endhint %}\n\n{% hint %}\nC\n{% endhint %}\n\n{% hint style='success' %}\nnever closed\n";
        assert_eq!(
            read(text, Dialect::Markdown),
            vec![
                (CalloutSyntax::MystFence, "warning".into(), "|A 🚀".into()),
                (CalloutSyntax::GitbookHint, "danger".into(), "|B é".into()),
                (CalloutSyntax::GitbookHint, "info".into(), "|C".into()),
            ]
        );
        assert_eq!(liquid_tag("{%- endhint -%}"), Some(("endhint", "")));
        assert_eq!(hint_style(" style=\"info\""), Some("info"));
    }
}
