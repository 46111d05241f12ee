//! Properties of the fixes over generated pages: a fix only inserts (removing the inserted text gives back
//! the original byte for byte), the fixed page has no missing call-out, and a second round changes nothing.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use scope_lint::config::load_preset;
use scope_lint::lint::{NoIncludes, PageInput};
use scope_lint::rules::Edit;
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
        Linter::new(load_preset("cloudflare", Path::new("/"), None).expect("the preset loads"))
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
        &NoIncludes,
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
