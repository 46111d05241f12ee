//! Properties of the fixes over generated pages: a fix only inserts (removing the inserted text gives back
//! the original byte for byte), the fixed page has no missing call-out, and a second round changes nothing.
//! Over every call-out form, LF and CRLF, with ESM and JSX around the sections and multi-byte text, the
//! insertions, moves and removals keep the page's block structure (`fix::keeps_structure`, the check that
//! runs before every write) and keep CRLF pages free of bare line breaks.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use scope_lint::doc::callout::{self, CalloutForm, NewCallout};
use scope_lint::doc::source::SourceText;
use scope_lint::doc::{Dialect, Page};
use scope_lint::lint::PageInput;
use scope_lint::policy::{load_policy_text, load_preset};
use scope_lint::rules::CATALOG;
use scope_lint::rules::Edit;
use scope_lint::source::memory::MemorySources;
use scope_lint::{Linter, fix};

#[derive(Debug, Clone)]
enum Block {
    Heading(u8, String),
    Paragraph(String),
    GroupTable(Vec<&'static str>),
    GroupList(Vec<&'static str>, bool),
    Code(&'static str),
    Quote(String),
}

const GROUPS: &[&str] = &[
    "AI Gateway Read",
    "AI Gateway Edit",
    "AI Gateway Run",
    "API Gateway Read",
    "Workers R2 Storage Bucket Item Read",
    "DNS Read",
    "**AI Gateway** > **Run**",
    "`AI Gateway - Read`",
];

fn words() -> impl Strategy<Value = String> {
    const WORDS: &[&str] = &[
        "tokens", "gateway", "é", "zone", "*bold*", "`code`", "\t", "R2", "bucket", "account",
    ];
    proptest::collection::vec(proptest::sample::select(WORDS), 1..8)
        .prop_map(|words| words.join(" "))
}

fn block() -> impl Strategy<Value = Block> {
    prop_oneof![
        (1u8..4, words()).prop_map(|(level, text)| Block::Heading(level, text)),
        words().prop_map(Block::Paragraph),
        proptest::collection::vec(proptest::sample::select(GROUPS), 1..4)
            .prop_map(Block::GroupTable),
        (
            proptest::collection::vec(proptest::sample::select(GROUPS), 1..4),
            any::<bool>()
        )
            .prop_map(|(groups, numbered)| Block::GroupList(groups, numbered)),
        proptest::sample::select(&["AI Gateway Read", "scope the token to a single gateway"][..])
            .prop_map(Block::Code),
        words().prop_map(Block::Quote),
    ]
}

fn render(blocks: &[Block], newline: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                lines.push(format!("{} {text}", "#".repeat(usize::from(*level))))
            }
            Block::Paragraph(text) => lines.push(text.clone()),
            Block::GroupTable(groups) => {
                lines.push("| Name | Description |".to_owned());
                lines.push("| --- | --- |".to_owned());
                lines.extend(
                    groups
                        .iter()
                        .map(|group| format!("| {group} | Grants access. |")),
                );
            }
            Block::GroupList(groups, numbered) => {
                for (index, group) in groups.iter().enumerate() {
                    let marker = if *numbered {
                        format!("{}.", index + 1)
                    } else {
                        "-".to_owned()
                    };
                    lines.push(format!("{marker} {group}"));
                }
            }
            Block::Code(text) => {
                lines.extend(["```text".to_owned(), (*text).to_owned(), "```".to_owned()])
            }
            Block::Quote(text) => lines.push(format!("> {text}")),
        }
        lines.push(String::new());
    }
    lines.join(newline)
}

fn linter() -> &'static Linter {
    static LINTER: std::sync::OnceLock<Linter> = std::sync::OnceLock::new();
    LINTER.get_or_init(|| {
        Linter::new(
            load_preset("cloudflare", Path::new("/"), None, CATALOG).expect("the preset loads"),
        )
    })
}

/// The page's own edits from every fixable finding.
fn plan(linter: &Linter, name: &str, text: &str) -> (Vec<Edit>, usize) {
    let relative = PathBuf::from(name);
    let report = linter.check(
        PageInput {
            display: relative.clone(),
            location: None,
            relative: &relative,
            text: text.to_owned(),
            included: false,
        },
        &MemorySources::default(),
    );
    let missing = report
        .findings
        .iter()
        .filter(|finding| finding.code == "SL001")
        .count();
    let edits = report
        .findings
        .into_iter()
        .filter_map(|finding| finding.fix)
        .flat_map(|fix| fix.edits)
        .filter(|edit| edit.file.is_none())
        .collect();
    (edits, missing)
}

/// The edits of each fixable finding of the page, one group per finding.
fn fix_groups(linter: &Linter, name: &str, text: &str) -> Vec<Vec<Edit>> {
    let relative = PathBuf::from(name);
    linter
        .check(
            PageInput {
                display: relative.clone(),
                location: None,
                relative: &relative,
                text: text.to_owned(),
                included: false,
            },
            &MemorySources::default(),
        )
        .findings
        .into_iter()
        .filter_map(|finding| finding.fix)
        .map(|fix| fix.edits)
        .collect()
}

/// `fixed` with every inserted replacement cut out again (from the last, so earlier offsets stay valid).
fn without_insertions(fixed: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| edit.range.start);
    sorted.dedup_by(|a, b| a.range == b.range && a.replacement == b.replacement);
    let mut shift: usize = sorted.iter().map(|edit| edit.replacement.len()).sum();
    let mut out = fixed.to_owned();
    for edit in sorted.into_iter().rev() {
        shift -= edit.replacement.len();
        let at = edit.range.start + shift;
        assert_eq!(
            &out[at..at + edit.replacement.len()],
            edit.replacement,
            "the insertion is where the edit says"
        );
        out.replace_range(at..at + edit.replacement.len(), "");
    }
    out
}

/// Pages the fuzzer found on which an inserted call-out used to be swallowed (unclosed fence, import,
/// expression or comment): either the fix lands and settles, or no fix is offered.
#[test]
fn fixes_are_never_swallowed_by_unclosed_constructs() {
    let linter = linter();
    let cases = [
        (
            "src/content/docs/ai-gateway/configuration/authentication.mdx",
            "import{",
        ),
        (
            "src/content/docs/ai-gateway/configuration/authentication.mdx",
            "```",
        ),
        (
            "src/content/docs/ai-gateway/configuration/authentication.mdx",
            "~~~\n",
        ),
        (
            "src/content/docs/ai-gateway/configuration/authentication.mdx",
            "{\n# }",
        ),
        (
            "notes.md",
            "| Permission |\n| --- |\n| AI Gateway Read |\n\n<!--\n",
        ),
    ];
    for (name, text) in cases {
        let (edits, _) = plan(linter, name, text);
        let refs: Vec<&Edit> = edits.iter().collect();
        let fixed = fix::apply_edits(text, &refs).expect("the edits apply");
        let (again, _) = plan(linter, name, &fixed);
        assert!(again.is_empty(), "{name} {text:?} -> {fixed:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn fixes_only_insert_and_settle_in_one_round(
        blocks in proptest::collection::vec(block(), 1..10),
        crlf in any::<bool>(),
        mdx in any::<bool>(),
    ) {
        let linter = linter();
        let name = if mdx { "page.mdx" } else { "page.md" };
        let text = render(&blocks, if crlf { "\r\n" } else { "\n" });
        let (edits, _) = plan(linter, name, &text);
        prop_assert!(edits.iter().all(|edit| edit.range.is_empty()), "SL001 fixes only insert");
        let refs: Vec<&Edit> = edits.iter().collect();
        let fixed = fix::apply_edits(&text, &refs).expect("the edits apply");
        prop_assert_eq!(without_insertions(&fixed, &edits), text.clone());
        if crlf {
            prop_assert!(!fixed.replace("\r\n", "").contains('\n'), "inserted lines keep CRLF");
        }
        let (again, missing) = plan(linter, name, &fixed);
        prop_assert_eq!(missing, 0, "no missing call-out is left:\n{}", fixed);
        prop_assert!(again.is_empty(), "a second round has nothing to do:\n{}", fixed);
    }
}

/// A block of a generated page for the structural properties.
#[derive(Debug, Clone)]
enum Part {
    Heading(u8, String),
    Paragraph(String),
    Table(Vec<&'static str>),
    List(Vec<&'static str>),
    /// An existing call-out in the page's form that says the product is account-scoped.
    Callout,
    Code,
    /// MDX only: an `import`/`export` statement.
    Esm(&'static str),
    /// MDX only: a JSX element around a paragraph.
    Jsx(String),
}

fn text() -> impl Strategy<Value = String> {
    const WORDS: &[&str] = &[
        "tokens",
        "日本語",
        "🙂",
        "e\u{301}",
        "مرحبا",
        "gateway",
        "*bold*",
        "`code`",
        "R2",
        "Ω",
    ];
    proptest::collection::vec(proptest::sample::select(WORDS), 1..6)
        .prop_map(|words| words.join(" "))
}

fn part(mdx: bool) -> impl Strategy<Value = Part> {
    let groups = || proptest::collection::vec(proptest::sample::select(&GROUPS[..3]), 1..3);
    let common = prop_oneof![
        3 => (2u8..4, text()).prop_map(|(level, text)| Part::Heading(level, text)),
        2 => text().prop_map(Part::Paragraph),
        2 => groups().prop_map(Part::Table),
        1 => groups().prop_map(Part::List),
        3 => Just(Part::Callout),
        1 => Just(Part::Code),
    ];
    if !mdx {
        return common.boxed();
    }
    prop_oneof![
        6 => common,
        1 => proptest::sample::select(
            &["import { Tabs, TabItem } from \"~/components\";", "export const 名前 = \"日本\";"][..]
        )
        .prop_map(Part::Esm),
        1 => text().prop_map(Part::Jsx),
    ]
    .boxed()
}

const BODY: &str = "AI Gateway permissions are account-scoped only: a token cannot be restricted to a single gateway.";

fn render_parts(parts: &[Part], form: CalloutForm, newline: &str) -> String {
    let mut lines: Vec<String> = vec!["# Page 日本".to_owned(), String::new()];
    for part in parts {
        match part {
            Part::Heading(level, text) => {
                lines.push(format!("{} {text}", "#".repeat(usize::from(*level))))
            }
            Part::Paragraph(text) => lines.push(text.clone()),
            Part::Table(groups) => {
                lines.push("| Name | Description |".to_owned());
                lines.push("| --- | --- |".to_owned());
                lines.extend(groups.iter().map(|group| format!("| {group} | 読む 🙂 |")));
            }
            Part::List(groups) => lines.extend(groups.iter().map(|group| format!("- {group}"))),
            Part::Callout => lines.push(callout::render(
                &NewCallout {
                    form,
                    kind: "note",
                    title: None,
                    body: BODY,
                },
                "",
                "\n",
            )),
            Part::Code => lines.push("```text\nAI Gateway Read\n```".to_owned()),
            Part::Esm(statement) => lines.push((*statement).to_owned()),
            Part::Jsx(text) => lines.push(format!(
                "<Tabs>\n<TabItem label=\"日本\">\n\n{text}\n\n</TabItem>\n</Tabs>"
            )),
        }
        lines.push(String::new());
    }
    lines.join("\n").replace('\n', newline)
}

/// A template of two paragraphs: every line must get the form's prefix and the page's line ending.
const MULTI_LINE: &str = "[[callouts]]\nproduct = \"ai-gateway\"\ntitle = \"{product} tokens are account-scoped\"\ntemplate = \"\"\"\n{product} permissions ({groups}) are account-scoped only.\n\nA token cannot be restricted to a single {noun}; it can call any {noun} in the account.\n\"\"\"\n";

fn form_name(form: CalloutForm) -> &'static str {
    match form {
        CalloutForm::Directive => "directive",
        CalloutForm::Aside => "aside",
        CalloutForm::GfmAlert => "gfm-alert",
        CalloutForm::Admonish => "admonish",
        CalloutForm::Blockquote => "blockquote",
        CalloutForm::Shortcode => "shortcode",
    }
}

/// A linter that renders `form` for every page; with `stale`, a table in which AI Gateway can be scoped to
/// one gateway, so existing call-outs are stale and removed.
fn form_linter(form: CalloutForm, stale: bool) -> Linter {
    // A Hugo shortcode would break an MDX page, and `<Aside>` and `:::note` are raw text on a Markdown page
    // (the policy refuses them there): those pages get the directive and the GFM alert.
    let mdx_form = match form {
        CalloutForm::Shortcode => CalloutForm::Directive,
        other => other,
    };
    let markdown_form = match form {
        CalloutForm::Aside | CalloutForm::Directive => CalloutForm::GfmAlert,
        other => other,
    };
    let render = format!(
        "[render]\nmdx = \"{}\"\nmarkdown = \"{}\"\n",
        form_name(mdx_form),
        form_name(markdown_form)
    );
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cmd/fix-stale.in");
    let (policy, root) = if stale {
        let base = std::fs::read_to_string(fixtures.join("scope-lint.toml")).unwrap();
        (format!("{base}\n{render}"), fixtures)
    } else {
        (
            format!("extends = \"cloudflare\"\n\n{render}\n{MULTI_LINE}"),
            PathBuf::from("/"),
        )
    };
    let settings = load_policy_text(
        &SourceText::new("scope-lint.toml", policy),
        &root,
        None,
        CATALOG,
    )
    .expect("the policy loads");
    Linter::new(settings)
}

fn form_linters() -> &'static Vec<((CalloutForm, bool), Linter)> {
    static LINTERS: std::sync::OnceLock<Vec<((CalloutForm, bool), Linter)>> =
        std::sync::OnceLock::new();
    LINTERS.get_or_init(|| {
        CalloutForm::ALL
            .iter()
            .flat_map(|form| [false, true].map(|stale| ((*form, stale), form_linter(*form, stale))))
            .collect()
    })
}

fn form_strategy(mdx: bool) -> impl Strategy<Value = CalloutForm> {
    let forms: &'static [CalloutForm] = if mdx {
        &[
            CalloutForm::Directive,
            CalloutForm::Aside,
            CalloutForm::GfmAlert,
            CalloutForm::Admonish,
            CalloutForm::Blockquote,
        ]
    } else {
        &[
            CalloutForm::GfmAlert,
            CalloutForm::Admonish,
            CalloutForm::Blockquote,
            CalloutForm::Shortcode,
        ]
    };
    proptest::sample::select(forms)
}

fn page_strategy() -> impl Strategy<Value = (bool, CalloutForm, Vec<Part>, bool, bool)> {
    any::<bool>().prop_flat_map(|mdx| {
        (
            Just(mdx),
            form_strategy(mdx),
            proptest::collection::vec(part(mdx), 1..9),
            any::<bool>(),
            any::<bool>(),
        )
    })
}

fn headings(text: &str, dialect: Dialect) -> Vec<(u8, String)> {
    Page::parse(SourceText::new("p", text.to_owned()), dialect)
        .headings
        .into_iter()
        .map(|heading| (heading.level, heading.title))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn inserts_moves_and_removals_keep_the_block_structure(
        (mdx, form, parts, crlf, stale) in page_strategy()
    ) {
        let linter = &form_linters()
            .iter()
            .find(|(key, _)| *key == (form, stale))
            .expect("a linter per form")
            .1;
        let (name, dialect) = if mdx { ("page.mdx", Dialect::Mdx) } else { ("page.md", Dialect::Markdown) };
        let text = render_parts(&parts, form, if crlf { "\r\n" } else { "\n" });
        let source = SourceText::new(name, text.clone());
        let combined = fix::combine(&source, dialect, &fix_groups(linter, name, &text))
            .map_err(|(_, error)| TestCaseError::fail(format!("{error}\n--- before\n{text}")))?;
        let (edits, fixed) = (combined.edits, combined.after);
        let refs: Vec<&Edit> = edits.iter().collect();
        prop_assert_eq!(fix::apply_edits(&text, &refs).expect("the edits apply"), fixed.clone());
        if let Err(error) = fix::keeps_structure(&source, &fixed, &refs, dialect) {
            return Err(TestCaseError::fail(format!("{error}\n--- before\n{text}\n--- after\n{fixed}")));
        }
        prop_assert_eq!(headings(&fixed, dialect), headings(&text, dialect), "the headings survive:\n{}", fixed);
        if edits.iter().all(|edit| edit.range.is_empty()) {
            prop_assert_eq!(without_insertions(&fixed, &edits), text.clone());
        }
        if crlf {
            let bare = fixed.replace("\r\n", "");
            prop_assert!(!bare.contains('\n') && !bare.contains('\r'), "CR and LF stay paired:\n{:?}", fixed);
        }
        let (again, _) = plan(linter, name, &fixed);
        prop_assert!(again.is_empty(), "a second round has nothing to do:\n--- before\n{}\n--- after\n{}", text, fixed);
    }
}
