//! Call-outs (admonitions, asides, notes): detecting every form DESIGN §4 lists, and those of other docs
//! frameworks.
//!
//! | form | syntax |
//! |---|---|
//! | Starlight directive | `:::note[Title]` ... `:::` |
//! | Starlight component | `<Aside type="note" title="...">` ... `</Aside>` |
//! | GFM / mdBook 0.5 alert | `> [!NOTE]` |
//! | mdbook-admonish | ```` ```admonish note ```` |
//! | plain blockquote | `> **Note:** ...` |
//! | Hugo shortcode | `{{<Aside type="note">}}` ... `{{</Aside>}}` |
//!
//! Besides, the call-outs of other docs frameworks are recognised but never written
//! ([`CalloutSyntax`], `callout/frameworks.rs`).

use crate::doc::blank::{is_blank, trim_blank_end};
use crate::doc::source::{container_prefix, line_start};
use std::ops::Range;

use pulldown_cmark::BlockQuoteKind;

use super::mdx::{Scan, TagKind};
use super::shortcode::ShortcodeStyle;
use super::{CodeBlock, Dialect, Element, TextUnit, UnitKind};

mod frameworks;
pub use frameworks::{is_callout_component, may_be_a_myst_fence, may_open_a_callout_component};

/// The syntax a call-out is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CalloutForm {
    /// Starlight `:::note[Title]` directive.
    Directive,
    /// Starlight `<Aside>` component.
    Aside,
    /// GFM alert `> [!NOTE]` (rendered natively by mdBook 0.5).
    GfmAlert,
    /// mdbook-admonish fence.
    Admonish,
    /// `> **Note:**` blockquote.
    Blockquote,
    /// Hugo `{{<Aside>}}` shortcode.
    Shortcode,
}

impl CalloutForm {
    /// Every form, in the order the guide lists them.
    pub const ALL: [CalloutForm; 6] = [
        CalloutForm::Directive,
        CalloutForm::Aside,
        CalloutForm::GfmAlert,
        CalloutForm::Admonish,
        CalloutForm::Blockquote,
        CalloutForm::Shortcode,
    ];

    /// The kinds this form renders and [`detect`] recognises again (the tool's own list: Starlight asides,
    /// GitHub alerts, mdbook-admonish directives).
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            CalloutForm::Directive | CalloutForm::Aside => &["note", "tip", "caution", "danger"],
            CalloutForm::GfmAlert => &["note", "tip", "important", "warning", "caution"],
            CalloutForm::Admonish => &[
                "note", "abstract", "info", "tip", "success", "question", "warning", "failure",
                "danger", "bug", "example", "quote",
            ],
            CalloutForm::Blockquote => NOTE_WORDS,
            CalloutForm::Shortcode => &["note", "tip", "caution", "danger", "warning"],
        }
    }

    /// How messages name the form: "Starlight `<Aside>`", "GFM alert `> [!NOTE]`", ...
    pub fn describe(self) -> &'static str {
        match self {
            CalloutForm::Directive => "Starlight `:::note` directive",
            CalloutForm::Aside => "Starlight `<Aside>`",
            CalloutForm::GfmAlert => "GFM alert `> [!NOTE]`",
            CalloutForm::Admonish => "mdbook-admonish fence",
            CalloutForm::Blockquote => "`> **Note:**` blockquote",
            CalloutForm::Shortcode => "Hugo `{{<Aside>}}` shortcode",
        }
    }
}

/// The syntax a call-out found on a page is written in: one of the forms `fix` writes, or a call-out of
/// another docs framework, recognised so that a page written for it is not asked for a second call-out,
/// and never written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalloutSyntax {
    /// A form `fix` writes.
    Written(CalloutForm),
    /// An MDX admonition component other than `<Aside>`: `<Note>`, `<Warning>`, `<Callout type="...">`,
    /// `<Admonition type="...">` (Mintlify, Docusaurus, Nextra, Fumadocs).
    Component,
    /// A `:::` container that is no MDX directive: `::: tip Title` (VitePress), `:::info Title`
    /// (Docusaurus), `:::{note}` (MyST), and any `:::note` of a Markdown page.
    ColonContainer,
    /// An MkDocs admonition: `!!! note "Title"`, `??? tip`, `???+ warning`, with its text indented below.
    Mkdocs,
    /// A MyST admonition fence: ```` ```{note} ````.
    MystFence,
    /// A GitBook hint: `{% hint style="info" %}` ... `{% endhint %}`.
    GitbookHint,
}

/// A call-out found on a page: its syntax, kind, and where its title and body are.
#[derive(Debug, Clone)]
pub struct Callout {
    /// Which syntax it is written in.
    pub syntax: CalloutSyntax,
    /// `note`, `tip`, `caution`, `danger`, `warning`, `important`.
    pub kind: String,
    /// The whole call-out, markers included.
    pub range: Range<usize>,
    /// Its title, when it has one.
    pub title: Option<Range<usize>>,
    /// The content between the markers.
    pub body: Range<usize>,
}

impl Callout {
    /// Whether the call-out ends where its markers say: a `:::` directive or an admonish fence whose last
    /// line closes its opening fence (as many markers or more, nothing else). One that is never closed runs
    /// to the end of the page or of its container and holds whatever follows (headings, tables, other
    /// call-outs), so moving or removing it whole would take those with it. The other forms end at a
    /// closing tag, shortcode or the blockquote's end.
    pub fn ends_with_its_closing_fence(&self, text: &str) -> bool {
        let marker = match self.syntax {
            CalloutSyntax::Written(CalloutForm::Directive) => ':',
            CalloutSyntax::Written(CalloutForm::Admonish) | CalloutSyntax::MystFence => {
                match fence_line(text[self.range.clone()].lines().next()) {
                    Some(line) if line.starts_with('~') => '~',
                    _ => '`',
                }
            }
            _ => return true,
        };
        let mut lines = text[self.range.clone()].lines();
        let run = |line: &str| line.chars().take_while(|c| *c == marker).count();
        let Some(opening) = fence_line(lines.next()).map(run) else {
            return false;
        };
        lines
            .next_back()
            .and_then(|line| fence_line(Some(line)))
            .is_some_and(|line| run(line) >= opening.max(3) && run(line) == line.chars().count())
    }

    /// Whether every line of a `:::` directive or container call-out sits at least as far in as its opening fence,
    /// counting indentation and blockquote markers: inside a list item or a blockquote, the directive ends
    /// with its container (as remark-directive reads it), and a line further out (`2. Next step` under
    /// `   :::note`, a heading after `> :::note`) means the model's range ran past the container to a
    /// stray `:::`. The other forms are read by pulldown-cmark, which ends them with their container.
    pub fn stays_in_its_container(&self, text: &str) -> bool {
        if !matches!(
            self.syntax,
            CalloutSyntax::Written(CalloutForm::Directive) | CalloutSyntax::ColonContainer
        ) {
            return true;
        }
        let line_start = crate::doc::source::line_start(text, self.range.start);
        let column = container_prefix(&text[line_start..self.range.start]).len();
        text[self.range.clone()]
            .lines()
            .skip(1)
            .filter(|line| !line.trim().is_empty())
            .all(|line| container_prefix(line).len() >= column)
    }
}

/// A line of a fenced call-out without its container prefix (indentation, `>` markers) and trailing blanks.
fn fence_line(line: Option<&str>) -> Option<&str> {
    line.map(|line| line[container_prefix(line).len()..].trim_end())
}

/// A blockquote as pulldown-cmark saw it; [`detect`] decides whether it is a call-out.
#[derive(Debug, Clone)]
pub struct RawBlockquote {
    /// A GFM alert's kind (`[!NOTE]`), when the blockquote has one.
    pub kind: Option<BlockQuoteKind>,
    /// The whole blockquote.
    pub range: Range<usize>,
}

const DIRECTIVE_KINDS: &[&str] = &["note", "tip", "caution", "danger", "warning", "important"];
const NOTE_WORDS: &[&str] = &["note", "tip", "important", "warning", "caution", "danger"];

/// Finds every call-out; adds title units for the ones with a title.
pub fn detect(
    text: &str,
    dialect: Dialect,
    scan: &Scan,
    elements: &[Element],
    quotes: &[RawBlockquote],
    code_blocks: &[CodeBlock],
    units: &mut Vec<TextUnit>,
) -> Vec<Callout> {
    let mut callouts = Vec::new();
    directives(text, scan, units, &mut callouts);
    asides(text, elements, &mut callouts);
    shortcodes(text, scan, &mut callouts);
    blockquotes(text, quotes, &mut callouts);
    admonish_fences(code_blocks, &mut callouts);
    frameworks::components(text, elements, &mut callouts);
    frameworks::colon_containers(scan, code_blocks, &mut callouts);
    frameworks::myst_fences(code_blocks, &mut callouts);
    frameworks::gitbook_hints(scan, code_blocks, &mut callouts);
    if dialect == Dialect::Markdown {
        frameworks::mkdocs_admonitions(scan, code_blocks, &mut callouts);
    }
    callouts.sort_by_key(|callout| callout.range.start);
    for callout in &callouts {
        if let Some(title) = &callout.title {
            units.push(TextUnit {
                kind: UnitKind::CalloutTitle,
                range: title.clone(),
                raw: true,
            });
        }
    }
    callouts
}

/// The `:::note` (and other call-out) directives. One never closed, and not ended by a blockquote or list
/// item, holds the lines right below its opening line, up to a blank line, a heading, another directive or
/// a line that starts with a tag: the short note its writer meant (remark-directive runs it to the end of
/// the page or of its JSX element, which is why `fix` never moves or removes it). A table or list after it
/// stays a listing, and its text is read as the call-out's.
fn directives(text: &str, scan: &Scan, units: &[TextUnit], callouts: &mut Vec<Callout>) {
    let mut barriers: Option<Vec<usize>> = None;
    for directive in &scan.directives {
        if !DIRECTIVE_KINDS.contains(&directive.name.as_str()) {
            continue;
        }
        let (range, body_end) = match (&directive.close, directive.container_end) {
            (None, None) => {
                let barriers = barriers.get_or_insert_with(|| note_barriers(text, scan, units));
                let end = unclosed_note_end(text, directive.open.end, barriers);
                (directive.open.start..end, end)
            }
            _ => (directive.range(), directive.body_end()),
        };
        callouts.push(Callout {
            syntax: CalloutSyntax::Written(CalloutForm::Directive),
            kind: directive.name.clone(),
            range,
            title: directive.title.clone(),
            body: (directive.open.end + 1).min(body_end)..body_end,
        });
    }
}

/// Where an unclosed note's text stops at the latest, in order: the lines of headings, and the starts of
/// directives and of tags that open their line.
fn note_barriers(text: &str, scan: &Scan, units: &[TextUnit]) -> Vec<usize> {
    // Only the spaces before a tag are read, never its line: a line of many tags stays linear.
    let opens_its_line = |offset: usize| {
        let before = text[..offset].trim_end_matches([' ', '\t']);
        before.is_empty() || before.ends_with('\n')
    };
    let headings = units
        .iter()
        .filter(|unit| unit.kind == UnitKind::Heading)
        .map(|unit| line_start(text, unit.range.start));
    let directives = scan.directives.iter().map(|directive| directive.open.start);
    let tags = scan
        .tags
        .iter()
        .map(|tag| tag.range.start)
        .filter(|&start| opens_its_line(start));
    let mut starts: Vec<usize> = headings.chain(directives).chain(tags).collect();
    starts.sort_unstable();
    starts
}

/// Where the text of a note left unclosed, whose opening line ends at `open_end`, ends: before the first
/// blank line below it or the first of `barriers` after it, trimmed of blank space.
fn unclosed_note_end(text: &str, open_end: usize, barriers: &[usize]) -> usize {
    let next = barriers.partition_point(|&start| start <= open_end);
    let until = barriers.get(next).copied().unwrap_or(text.len());
    // The first piece is the rest of the opening line (its line break); then the lines below it.
    let mut end = open_end;
    for (index, line) in text[open_end..until].split_inclusive('\n').enumerate() {
        if index > 0 && is_blank(line) {
            break;
        }
        end += line.len();
    }
    trim_blank_end(&text[..end]).len().max(open_end)
}

fn asides(text: &str, elements: &[Element], callouts: &mut Vec<Callout>) {
    for element in elements.iter().filter(|element| element.name == "Aside") {
        let kind = element.open.text_attribute(text, "type").unwrap_or("note");
        let title = element
            .open
            .attributes
            .iter()
            .find(|attribute| attribute.name == "title")
            .and_then(|attribute| match &attribute.value {
                super::mdx::AttributeValue::Text(range) => Some(range.clone()),
                _ => None,
            });
        let body_end = element
            .close
            .as_ref()
            .map_or(element.open.range.end, |close| close.start);
        callouts.push(Callout {
            syntax: CalloutSyntax::Written(CalloutForm::Aside),
            kind: kind.to_ascii_lowercase(),
            range: element.range(),
            title,
            body: element.open.range.end..body_end,
        });
    }
}

/// Shortcode names that are call-outs (compared case-insensitively): Cloudflare's `Aside` and the
/// admonition shortcodes of common Hugo themes. A name that is itself a kind (`{{% note %}}`) gives the kind.
const CALLOUT_SHORTCODES: &[&str] = &[
    "aside",
    "callout",
    "notice",
    "alert",
    "admonition",
    "hint",
    "note",
    "tip",
    "warning",
    "caution",
    "important",
    "danger",
];

/// Whether a shortcode named `name` is a call-out.
pub fn is_callout_shortcode(name: &str) -> bool {
    CALLOUT_SHORTCODES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(name))
}

/// A call-out shortcode's kind: its `type` parameter, a first positional parameter that is a kind word,
/// the name when the name is a kind word, else `note`.
fn shortcode_kind(text: &str, tag: &super::mdx::Tag) -> String {
    let name = tag.name.to_ascii_lowercase();
    let positional = tag
        .text_attribute(text, "0")
        .map(str::to_ascii_lowercase)
        .filter(|kind| NOTE_WORDS.contains(&kind.as_str()) || kind == "info");
    tag.text_attribute(text, "type")
        .map(str::to_ascii_lowercase)
        .or(positional)
        .unwrap_or_else(|| {
            if NOTE_WORDS.contains(&name.as_str()) {
                name
            } else {
                "note".to_owned()
            }
        })
}

fn shortcodes(text: &str, scan: &Scan, callouts: &mut Vec<Callout>) {
    let mut open: Vec<&super::mdx::Tag> = Vec::new();
    for tag in &scan.shortcodes {
        if !is_callout_shortcode(&tag.name) {
            continue;
        }
        match tag.kind {
            TagKind::Open => open.push(tag),
            TagKind::Close => {
                let Some(depth) = open
                    .iter()
                    .rposition(|start| start.name.eq_ignore_ascii_case(&tag.name))
                else {
                    continue;
                };
                let start = open[depth];
                open.truncate(depth);
                let title = start
                    .attributes
                    .iter()
                    .find(|attribute| attribute.name == "header" || attribute.name == "title")
                    .and_then(|attribute| match &attribute.value {
                        super::mdx::AttributeValue::Text(range) => Some(range.clone()),
                        _ => None,
                    });
                callouts.push(Callout {
                    syntax: CalloutSyntax::Written(CalloutForm::Shortcode),
                    kind: shortcode_kind(text, start),
                    range: start.range.start..tag.range.end,
                    title,
                    body: start.range.end..tag.range.start,
                });
            }
            TagKind::SelfClosing => {}
        }
    }
}

fn blockquotes(text: &str, quotes: &[RawBlockquote], callouts: &mut Vec<Callout>) {
    let mut markers = MarkerRuns::default();
    for quote in quotes {
        let range = trim_trailing_newlines(text, quote.range.clone());
        match quote.kind {
            Some(kind) => {
                let first_line_end = super::source::next_line_start(text, range.start);
                callouts.push(Callout {
                    syntax: CalloutSyntax::Written(CalloutForm::GfmAlert),
                    kind: alert_kind(kind).to_owned(),
                    range: range.clone(),
                    title: None,
                    body: first_line_end.min(range.end)..range.end,
                });
            }
            None => {
                let first = markers.end_of_run(text, range.start).min(range.end);
                if let Some(kind) = plain_note_kind(&text[first..range.end]) {
                    callouts.push(Callout {
                        syntax: CalloutSyntax::Written(CalloutForm::Blockquote),
                        kind,
                        range: range.clone(),
                        title: None,
                        body: range,
                    });
                }
            }
        }
    }
}

/// Whether a fenced code block with info string `info` is an mdbook-admonish call-out (```` ```admonish ````).
pub(crate) fn is_admonish(info: &str) -> bool {
    info.split_whitespace().next() == Some("admonish")
}

fn admonish_fences(code_blocks: &[CodeBlock], callouts: &mut Vec<Callout>) {
    for code in code_blocks {
        if !is_admonish(&code.info) {
            continue;
        }
        let mut words = code.info.split_whitespace().skip(1);
        let kind = words
            .next()
            .filter(|word| !word.contains('='))
            .unwrap_or("note")
            .to_ascii_lowercase();
        callouts.push(Callout {
            syntax: CalloutSyntax::Written(CalloutForm::Admonish),
            kind,
            range: code.range.clone(),
            title: None,
            body: code.content.clone(),
        });
    }
}

/// The lower-case word of a GFM alert kind (`note`, `warning`, ...).
pub fn alert_kind(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// `> **Note:** text`, `> Note: text`, `> **Warning**: text` are call-outs; other quotes are quotes.
/// Where the run of quote markers (`>`, spaces, tabs) starting at each quote ends. Nested quotes share
/// one run (`>>>> **Note:**`): each run is walked once, not once per quote in it.
#[derive(Default)]
struct MarkerRuns {
    /// Start -> end of each run walked so far.
    known: std::collections::BTreeMap<usize, usize>,
}

impl MarkerRuns {
    fn end_of_run(&mut self, text: &str, start: usize) -> usize {
        if let Some((_, &end)) = self.known.range(..=start).next_back()
            && start < end
        {
            return end;
        }
        let bytes = text.as_bytes();
        let mut index = start;
        while index < bytes.len() && matches!(bytes[index], b'>' | b' ' | b'\t') {
            if let Some(&end) = self.known.get(&index) {
                index = end;
                break;
            }
            index += 1;
        }
        self.known.insert(start, index);
        index
    }
}

/// The kind of a plain `> **Note:** ...` blockquote, given its text after the quote markers.
fn plain_note_kind(first: &str) -> Option<String> {
    // `**Note:**`, `__Note__:`, `*Note*:`: a few emphasis marks, never a long run of them.
    let marks = first
        .bytes()
        .take(4)
        .take_while(|byte| matches!(byte, b'*' | b'_'))
        .count();
    if marks > 3 {
        return None;
    }
    let word_part = &first[marks..];
    let word_len = word_part
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(word_part.len());
    let word = word_part[..word_len].to_ascii_lowercase();
    if !NOTE_WORDS.contains(&word.as_str()) {
        return None;
    }
    let after = word_part[word_len..].trim_start_matches(['*', '_']);
    (after.starts_with(':') || word_part[word_len..].starts_with(':')).then_some(word)
}

fn trim_trailing_newlines(text: &str, range: Range<usize>) -> Range<usize> {
    let trimmed = text[range.clone()].trim_end_matches(['\n', '\r']);
    range.start..range.start + trimmed.len()
}

/// A call-out to write into a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCallout<'a> {
    /// The syntax to write it in.
    pub form: CalloutForm,
    /// `note`, `tip`, `caution`, ...
    pub kind: &'a str,
    /// The title, for the forms that take one.
    pub title: Option<&'a str>,
    /// One paragraph of Markdown.
    pub body: &'a str,
}

/// Renders `callout` in its form; every line gets `indent`, lines end in `newline`, no trailing line break.
/// A body of several lines keeps its lines, each with the form's prefix (`> ` in quotes); a title is one
/// line (its line breaks become spaces).
pub fn render(callout: &NewCallout<'_>, indent: &str, newline: &str) -> String {
    render_styled(callout, indent, newline, &ShortcodeStyle::default())
}

/// [`render`], writing a shortcode call-out in `style` (the page's own spelling of its shortcodes).
pub fn render_styled(
    callout: &NewCallout<'_>,
    indent: &str,
    newline: &str,
    style: &ShortcodeStyle,
) -> String {
    let kind = callout.kind.to_ascii_lowercase();
    let body: Vec<&str> = callout
        .body
        .trim()
        .lines()
        .map(|line| line.trim_end_matches('\r'))
        .collect();
    let title = callout
        .title
        .map(|title| title.split_whitespace().collect::<Vec<_>>().join(" "));
    let title = title.as_deref();
    let plain = || body.iter().map(|line| (*line).to_owned());
    let quoted = |lines: &[&str]| -> Vec<String> {
        lines
            .iter()
            .map(|line| {
                if is_blank(line) {
                    ">".to_owned()
                } else {
                    format!("> {line}")
                }
            })
            .collect()
    };
    let lines: Vec<String> = match callout.form {
        CalloutForm::Directive => {
            let title = title.map(|title| format!("[{title}]")).unwrap_or_default();
            let mut lines = vec![format!(":::{kind}{title}")];
            lines.extend(plain());
            lines.push(":::".to_owned());
            lines
        }
        CalloutForm::Aside => {
            let title = title
                .map(|title| format!(" title=\"{}\"", title.replace('"', "&quot;")))
                .unwrap_or_default();
            let mut lines = vec![format!("<Aside type=\"{kind}\"{title}>"), String::new()];
            lines.extend(plain());
            lines.extend([String::new(), "</Aside>".to_owned()]);
            lines
        }
        CalloutForm::GfmAlert => {
            let mut lines = vec![format!("> [!{}]", alert_marker(&kind))];
            if let Some(title) = title {
                lines.push(format!("> **{title}**"));
                lines.push(">".to_owned());
            }
            lines.extend(quoted(&body));
            lines
        }
        CalloutForm::Admonish => {
            let title = title
                .map(|title| format!(" title=\"{}\"", title.replace('"', "\\\"")))
                .unwrap_or_default();
            let mut lines = vec![format!("```admonish {kind}{title}")];
            lines.extend(plain());
            lines.push("```".to_owned());
            lines
        }
        CalloutForm::Blockquote => {
            let label = capitalize(&kind);
            let (first, rest) = body.split_first().unwrap_or((&"", &[]));
            let mut lines = vec![format!("> **{label}:** {first}")];
            lines.extend(quoted(rest));
            lines
        }
        CalloutForm::Shortcode => {
            let title = title.unwrap_or("Note");
            let title = title.replace('"', "&quot;");
            let mut lines = vec![style.open(&format!("type=\"{kind}\" header=\"{title}\""))];
            lines.extend(plain());
            lines.push(style.close());
            lines
        }
    };
    lines
        .iter()
        .map(|line| {
            if is_blank(line) {
                String::new()
            } else {
                format!("{indent}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join(newline)
}

/// The GFM alert marker for a kind; kinds GFM lacks map to the nearest one.
fn alert_marker(kind: &str) -> &'static str {
    match kind {
        "tip" => "TIP",
        "important" => "IMPORTANT",
        "warning" => "WARNING",
        "caution" | "danger" => "CAUTION",
        _ => "NOTE",
    }
}

/// `note` -> `Note`.
pub fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::doc::source::SourceText;
    use crate::doc::{Dialect, Page};

    use super::*;

    fn forms(text: &str, dialect: Dialect) -> Vec<(CalloutSyntax, String)> {
        let page = Page::parse(SourceText::new("t", text.to_owned()), dialect);
        page.callouts
            .iter()
            .map(|callout| (callout.syntax, callout.kind.clone()))
            .collect()
    }

    #[test]
    fn every_form_is_recognised() {
        let mdx = ":::caution[Careful]\nA\n:::\n\n<Aside type=\"tip\" title=\"T\">\nB\n</Aside>\n";
        assert_eq!(
            forms(mdx, Dialect::Mdx),
            vec![
                (
                    CalloutSyntax::Written(CalloutForm::Directive),
                    "caution".into()
                ),
                (CalloutSyntax::Written(CalloutForm::Aside), "tip".into())
            ]
        );
        let markdown = "> [!WARNING]\n> A\n\n```admonish tip\nB\n```\n\n> **Note:** C\n\n> just a quote\n\n{{<Aside type=\"note\" header=\"Note\">}}\nD\n{{</Aside>}}\n";
        assert_eq!(
            forms(markdown, Dialect::Markdown),
            vec![
                (
                    CalloutSyntax::Written(CalloutForm::GfmAlert),
                    "warning".into()
                ),
                (CalloutSyntax::Written(CalloutForm::Admonish), "tip".into()),
                (
                    CalloutSyntax::Written(CalloutForm::Blockquote),
                    "note".into()
                ),
                (
                    CalloutSyntax::Written(CalloutForm::Shortcode),
                    "note".into()
                ),
            ]
        );
    }

    #[test]
    fn directive_titles_become_units() {
        let page = Page::parse(
            SourceText::new("t", ":::note[AI Gateway scope]\nBody\n:::\n".to_owned()),
            Dialect::Mdx,
        );
        let title = page
            .units
            .iter()
            .find(|unit| unit.kind == UnitKind::CalloutTitle)
            .unwrap();
        assert_eq!(page.unit_text(title), "AI Gateway scope");
        assert_eq!(&page.text()[page.callouts[0].body.clone()], "Body\n");
    }

    #[test]
    fn every_form_renders_and_is_recognised_again() {
        let callout = |form| NewCallout {
            form,
            kind: "note",
            title: Some("Scope"),
            body: "AI Gateway is account-scoped.",
        };
        let expected = [
            (
                CalloutForm::Directive,
                ":::note[Scope]\nAI Gateway is account-scoped.\n:::",
            ),
            (
                CalloutForm::Aside,
                "<Aside type=\"note\" title=\"Scope\">\n\nAI Gateway is account-scoped.\n\n</Aside>",
            ),
            (
                CalloutForm::GfmAlert,
                "> [!NOTE]\n> **Scope**\n>\n> AI Gateway is account-scoped.",
            ),
            (
                CalloutForm::Admonish,
                "```admonish note title=\"Scope\"\nAI Gateway is account-scoped.\n```",
            ),
            (
                CalloutForm::Blockquote,
                "> **Note:** AI Gateway is account-scoped.",
            ),
            (
                CalloutForm::Shortcode,
                "{{<Aside type=\"note\" header=\"Scope\">}}\nAI Gateway is account-scoped.\n{{</Aside>}}",
            ),
        ];
        for (form, text) in expected {
            assert_eq!(render(&callout(form), "", "\n"), text, "{form:?}");
            let dialect = if matches!(form, CalloutForm::Directive | CalloutForm::Aside) {
                Dialect::Mdx
            } else {
                Dialect::Markdown
            };
            assert_eq!(
                forms(&format!("{text}\n"), dialect),
                vec![(CalloutSyntax::Written(form), "note".to_owned())],
                "{form:?} is detected"
            );
        }
        assert_eq!(
            render(&callout(CalloutForm::Directive), "   ", "\r\n"),
            "   :::note[Scope]\r\n   AI Gateway is account-scoped.\r\n   :::"
        );
    }

    #[test]
    fn nested_quotes_walk_their_markers_once() {
        // 200,000 nested quotes on one line: one pulldown-cmark blockquote each, all sharing one run of
        // markers; the innermost holds the note.
        let depth = 200_000;
        let text = format!("{} **Note:** 日本 🚀\n", ">".repeat(depth));
        let page = super::super::Page::parse(
            super::super::source::SourceText::new("a.md", text),
            super::super::Dialect::Markdown,
        );
        assert_eq!(page.callouts.len(), depth);
        assert!(page.callouts.iter().all(|callout| callout.kind == "note"));
        let mut runs = MarkerRuns::default();
        let text = ">> > x";
        assert_eq!(runs.end_of_run(text, 1), 5);
        assert_eq!(runs.end_of_run(text, 0), 5);
        assert_eq!(runs.end_of_run(text, 3), 5);
        assert_eq!(
            runs.known.len(),
            2,
            "inside a known run nothing is walked or stored"
        );
        assert_eq!(plain_note_kind("****Note:** x"), None);
    }

    #[test]
    fn plain_note_words_need_a_colon() {
        assert_eq!(plain_note_kind("**Note:** x"), Some("note".into()));
        assert_eq!(plain_note_kind("**Note**: x"), Some("note".into()));
        assert_eq!(plain_note_kind("Notes are x"), None);
        assert_eq!(plain_note_kind("Warning: x"), Some("warning".into()));
    }

    #[test]
    fn a_fenced_callout_ends_with_its_closing_fence_only_when_its_last_line_closes_the_opening() {
        let closed = |text: &str, dialect: Dialect| {
            let page = Page::parse(SourceText::new("t", text.to_owned()), dialect);
            page.callouts
                .iter()
                .map(|callout| callout.ends_with_its_closing_fence(page.text()))
                .collect::<Vec<_>>()
        };
        let mdx = Dialect::Mdx;
        assert_eq!(closed(":::note\n日本 🚀\n:::\n", mdx), [true]);
        assert_eq!(closed("::::note\n日本\n:::\n", mdx), [false]);
        assert_eq!(closed(":::note\n日本 עברית\n", mdx), [false]);
        assert_eq!(closed("- 項目\n\n  :::note\n  日本\n  :::\n", mdx), [true]);
        assert_eq!(
            closed("```admonish note\n日本\n```\n", Dialect::Markdown),
            [true]
        );
        assert_eq!(
            closed(
                "````admonish note\n日本\n```x\n\n## Next\n",
                Dialect::Markdown
            ),
            [false]
        );
        assert_eq!(
            closed("> ~~~admonish note\n> 日本\n> ~~~\n", Dialect::Markdown),
            [true]
        );
        assert_eq!(closed("> [!NOTE]\n> 日本\n", Dialect::Markdown), [true]);
    }

    #[test]
    fn a_directive_stays_in_its_container_only_when_no_line_is_further_out_than_its_fence() {
        let inside = |text: &str| {
            let page = Page::parse(SourceText::new("t", text.to_owned()), Dialect::Mdx);
            page.callouts
                .iter()
                .map(|callout| callout.stays_in_its_container(page.text()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            inside("- 項目\n\n  :::note\n  日本 🚀\n\n  more\n  :::\n"),
            [true]
        );
        // The pre-pass ends a directive with its list item or quote, so the stray `:::` further out closes
        // nothing and the call-out stays inside.
        assert_eq!(
            inside("1. 一\n   :::note\n   日本\n2. 二\n   :::\n"),
            [true]
        );
        assert_eq!(inside("> :::note\n> عربي\n> :::\n"), [true]);
        assert_eq!(inside("> :::note\n> 日本\n\n## Next\n\n:::\n"), [true]);
        assert_eq!(inside(":::note\n日本\n:::\n"), [true]);
    }
}
