//! `placement = "partial"` with `--changed-since`: a branch that changes only the page that renders a
//! partial still reports the partial's missing call-out, on the page; one that changes only the partial
//! reports it on the pages that render it, once each, and never on the partial itself. The mdBook
//! preprocessor reports it on the chapter that includes the file, in `check` and `inject` mode alike.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_scope-lint");

const CONFIG: &str = "extends = \"cloudflare\"\n\n[partials]\npattern = \"src/content/partials/{product}/{file}.mdx\"\nfiles = [\"src/content/partials/**\"]\nplacement = \"partial\"\n";
const PARTIAL: &str = "| Name | What |\n| --- | --- |\n| AI Gateway Read | 読み取り 📖 |\n| AI Gateway Run | Call gateways. |\n";
const PAGE: &str = "---\ntitle: Tokens\n---\n\nimport { Render } from \"~/components\";\n\n## Groups 🔑\n\n<Render file=\"groups\" product=\"ai-gateway\" />\n";
const OTHER: &str = "# Other\n\nNothing about tokens here.\n";

#[path = "support/repo.rs"]
mod repo;
use repo::{git, write};

fn concise(dir: &Path, args: &[&str]) -> (String, Option<i32>) {
    let format: &[&str] = if args[0] == "check" {
        &["--format", "concise"]
    } else {
        &[]
    };
    let output: Output = Command::new(BIN)
        .args(&args[..1])
        .args(format)
        .args(&args[1..])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr),
        output.status.code(),
    )
}

/// A repository whose `main` has the config, the partial, the page and another page; `feature` then
/// changes `changed` (appending a line).
fn repository(changed: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "scope-lint.toml", CONFIG);
    write(root, "src/content/partials/ai-gateway/groups.mdx", PARTIAL);
    write(root, "src/content/docs/ai-gateway/tokens.mdx", PAGE);
    write(root, "src/content/docs/ai-gateway/other.md", OTHER);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    let path = root.join(changed);
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("\nA new line, é.\n");
    fs::write(&path, text).unwrap();
    git(root, &["commit", "-q", "-am", "change"]);
    dir
}

const ON_THE_PAGE: &str = "./src/content/docs/ai-gateway/tokens.mdx:9:1: SL001 section \"Groups 🔑\" renders src/content/partials/ai-gateway/groups.mdx, which lists AI Gateway permission groups (AI Gateway Read, AI Gateway Run) but has no call-out that they are account-scoped only (placement = \"partial\": the call-out belongs in the partial)\n";

#[test]
fn a_change_to_the_page_alone_reports_the_partials_missing_callout_on_the_page() {
    let dir = repository("src/content/docs/ai-gateway/tokens.mdx");
    let (out, code) = concise(dir.path(), &["check", "--changed-since", "main", "."]);
    assert!(out.starts_with(ON_THE_PAGE), "{out}");
    assert_eq!(out.matches(": SL001 ").count(), 1, "{out}");
    assert_eq!(code, Some(1));
}

#[test]
fn a_change_to_the_partial_alone_reports_on_the_page_that_renders_it_once() {
    let dir = repository("src/content/partials/ai-gateway/groups.mdx");
    let (out, code) = concise(dir.path(), &["check", "--changed-since", "main", "."]);
    assert!(out.starts_with(ON_THE_PAGE), "{out}");
    assert_eq!(out.matches(": SL001 ").count(), 1, "{out}");
    assert!(!out.contains("groups.mdx:"), "not on the partial: {out}");
    assert_eq!(code, Some(1));
}

#[test]
fn a_change_elsewhere_checks_neither() {
    let dir = repository("src/content/docs/ai-gateway/other.md");
    let (out, code) = concise(dir.path(), &["check", "--changed-since", "main", "."]);
    assert!(!out.contains("SL001"), "{out}");
    assert_eq!(code, Some(0));
}

#[test]
fn the_page_given_alone_reports_and_fix_of_that_page_writes_the_partial() {
    let dir = repository("src/content/docs/ai-gateway/other.md");
    let page = "src/content/docs/ai-gateway/tokens.mdx";
    let (out, code) = concise(dir.path(), &["check", page]);
    assert!(out.starts_with(&ON_THE_PAGE[2..]), "{out}");
    assert_eq!(code, Some(1));
    let (out, code) = concise(dir.path(), &["fix", page]);
    assert_eq!(code, Some(0), "{out}");
    let partial = fs::read_to_string(
        dir.path()
            .join("src/content/partials/ai-gateway/groups.mdx"),
    )
    .unwrap();
    assert!(
        partial.starts_with(PARTIAL) && partial[PARTIAL.len()..].starts_with("\n:::note["),
        "{partial}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(page)).unwrap(),
        PAGE,
        "the page is not changed"
    );
    let (out, code) = concise(dir.path(), &["check", "."]);
    assert!(!out.contains("SL001"), "{out}");
    assert_eq!(code, Some(0));
}

/// An mdBook request for a book at `root` whose chapter `chapter.md` includes `groups.md`, which is a
/// chapter too, with `placement = "partial"` and `mode`.
fn book_request(root: &Path, mode: &str) -> String {
    let chapter = "# Tokens 🔑\n\n## Groups — グループ\n\n{{#include groups.md}}\n";
    let groups = "- AI Gateway Read: 読み取り\n- AI Gateway Run\n";
    write(root, "src/chapter.md", chapter);
    write(root, "src/groups.md", groups);
    let item = |name: &str, path: &str, content: &str| {
        serde_json::json!({"Chapter": {
            "name": name, "content": content, "number": null, "sub_items": [],
            "path": path, "source_path": path, "parent_names": []
        }})
    };
    serde_json::json!([
        {
            "root": root,
            "config": {
                "book": {"title": "T", "authors": [], "description": null, "language": "en",
                         "text-direction": null},
                "preprocessor": {"scope-lint": {
                    "command": "scope-lint mdbook", "before": ["links"], "mode": mode,
                    "extends": "cloudflare", "partials": {"placement": "partial"}
                }}
            },
            "renderer": "html",
            "mdbook_version": "0.5.4"
        },
        {"items": [item("Tokens", "chapter.md", chapter), item("Groups", "groups.md", groups)]}
    ])
    .to_string()
}

fn preprocess(request: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .arg("mdbook")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_mdbook_preprocessor_reports_on_the_including_chapter_once_in_both_modes() {
    let dir = tempfile::tempdir().unwrap();
    for mode in ["check", "inject"] {
        let output = preprocess(&book_request(dir.path(), mode));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("error[SL001]: section \"Groups — グループ\" renders src/groups.md, which lists AI Gateway permission groups (AI Gateway Read, AI Gateway Run) but has no call-out"),
            "{mode}: {stderr}"
        );
        assert!(stderr.contains(" --> src/chapter.md:5:1\n"), "{stderr}");
        assert_eq!(stderr.matches("error[SL001]").count(), 1, "{stderr}");
        assert_eq!(output.status.code(), Some(1), "{mode}: {stderr}");
        assert!(output.stdout.is_empty(), "a failed build answers nothing");
    }
    assert_eq!(
        fs::read_to_string(dir.path().join("src/groups.md")).unwrap(),
        "- AI Gateway Read: 読み取り\n- AI Gateway Run\n",
        "the preprocessor never writes the source"
    );
}

/// The policy of the book-style trees below.
const PARTIAL_PLACEMENT: &str = "extends = \"cloudflare\"\n\n[partials]\nplacement = \"partial\"\n";

/// A book-style tree with `placement = "partial"`: `groups.md` lists the AI Gateway groups, `b.md`
/// includes it with `include`.
fn book_tree(include: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "scope-lint.toml", PARTIAL_PLACEMENT);
    write(
        root,
        "groups.md",
        "# Groups — グループ\n\n## List\n\n<!-- ANCHOR: list -->\n- AI Gateway Read\n- AI Gateway Run 🚀\n<!-- ANCHOR_END: list -->\n",
    );
    write(root, "b.md", &format!("# B\n\n## Perms\n\n{include}\n"));
    dir
}

#[test]
fn a_partial_included_by_line_range_gets_no_fix_promise_and_fix_exits_1() {
    let dir = book_tree("{{#include groups.md:6:7}}");
    let (out, code) = concise(dir.path(), &["check", "b.md"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("b.md:5:1: SL001 section \"Perms\" renders groups.md"),
        "{out}"
    );
    let (out, code) = concise(dir.path(), &["fix", "b.md"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("`scope-lint fix` cannot, as the page includes a line range of the file"),
        "{out}"
    );
    assert!(
        !fs::read_to_string(dir.path().join("groups.md"))
            .unwrap()
            .contains("NOTE")
    );
}

#[test]
fn an_include_of_an_anchor_the_file_lacks_includes_nothing() {
    let dir = book_tree("{{#include groups.md:nope}}");
    let (out, code) = concise(dir.path(), &["check", "b.md"]);
    assert_eq!((out.as_str(), code), ("no findings in 1 file\n", Some(0)));
}

#[test]
fn a_partial_included_by_anchor_and_whole_gets_one_callout_inside_the_anchor() {
    let dir = book_tree("{{#include groups.md:list}}\n\n## Two\n\n{{#include groups.md}}");
    let (out, code) = concise(dir.path(), &["fix", "b.md"]);
    assert_eq!(code, Some(0), "{out}");
    let groups = fs::read_to_string(dir.path().join("groups.md")).unwrap();
    assert_eq!(groups.matches("[!NOTE]").count(), 1, "{groups}");
    let end = groups.find("<!-- ANCHOR_END: list -->").unwrap();
    assert!(groups.find("[!NOTE]").unwrap() < end, "{groups}");
    let (out, code) = concise(dir.path(), &["check", "b.md"]);
    assert_eq!((out.as_str(), code), ("no findings in 1 file\n", Some(0)));
}

#[test]
fn a_partial_included_by_anchor_after_multibyte_text_gets_the_callout_inside_the_anchor() {
    let dir = book_tree("{{#include groups.md:list}}");
    let (out, code) = concise(dir.path(), &["fix", "b.md"]);
    assert_eq!(code, Some(0), "{out}");
    let groups = fs::read_to_string(dir.path().join("groups.md")).unwrap();
    assert!(
        groups.starts_with("# Groups — グループ\n\n## List\n\n<!-- ANCHOR: list -->\n- AI Gateway Read\n- AI Gateway Run 🚀\n\n> [!NOTE]\n"),
        "{groups}"
    );
    assert!(
        groups.ends_with(".\n\n<!-- ANCHOR_END: list -->\n"),
        "{groups}"
    );
    let (out, code) = concise(dir.path(), &["check", "b.md"]);
    assert_eq!((out.as_str(), code), ("no findings in 1 file\n", Some(0)));
}

/// A whole include of `groups` (a file with two sections lacking the call-out): `check` gives a finding
/// whose message holds each of `messages`, and `fix` inserts two call-outs, after which nothing is left.
fn both_sections_reported_and_fixed(groups: &str, messages: [&str; 2]) {
    let dir = book_tree("{{#include groups.md}}");
    write(dir.path(), "groups.md", groups);
    let (out, code) = concise(dir.path(), &["check", "b.md"]);
    assert_eq!(code, Some(1), "{out}");
    for message in messages {
        assert!(out.contains(message), "{out}");
    }
    let (out, code) = concise(dir.path(), &["fix", "b.md"]);
    assert_eq!(code, Some(0), "{out}");
    let fixed = fs::read_to_string(dir.path().join("groups.md")).unwrap();
    assert_eq!(fixed.matches("[!NOTE]").count(), 2, "{fixed}");
    let (out, code) = concise(dir.path(), &["check", "b.md"]);
    assert_eq!((out.as_str(), code), ("no findings in 1 file\n", Some(0)));
}

#[test]
fn two_sections_of_a_partial_listing_the_same_group_are_two_findings_and_both_get_fixed() {
    both_sections_reported_and_fixed(
        "- AI Gateway Read — 読む\n## H\n- AI Gateway Read\n",
        [
            "renders groups.md, which lists",
            "renders groups.md (section \"H\"), which lists",
        ],
    );
}

#[test]
fn two_sections_of_a_partial_with_one_title_are_told_apart_by_line() {
    both_sections_reported_and_fixed(
        "## Ünïcode\n\n- AI Gateway Read\n\n## Ünïcode\n\n- AI Gateway Read 😀\n",
        [
            "renders groups.md (section \"Ünïcode\", line 1), which",
            "renders groups.md (section \"Ünïcode\", line 5), which",
        ],
    );
}

/// `page.md` rendering `part.md` (layouts a fuzzer generated: one partial rendered whole, by anchor and by
/// line range from sections of one title): `fix` exits 0 or 1, every finding left afterwards says why
/// `fix` did not make it (none still promises the fix), and they are `left`. Returns the partial as fixed.
fn fix_keeps_every_promise(page: &str, part: &str, left: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "scope-lint.toml", PARTIAL_PLACEMENT);
    write(root, "page.md", page);
    write(root, "part.md", part);
    let (out, code) = concise(root, &["fix", "page.md"]);
    assert!(matches!(code, Some(0 | 1)), "{out}");
    let (out, _) = concise(root, &["check", "page.md", "--select", "SL001"]);
    assert_eq!(out, left);
    let human = Command::new(BIN)
        .args(["check", "page.md"])
        .current_dir(root)
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(!human.contains("`scope-lint fix` inserts it"), "{human}");
    fs::read_to_string(root.join("part.md")).unwrap()
}

/// The partial's first section is rendered whole under one `## Setup` and as a line range under another:
/// two findings (the line range's has no fix), where one finding hid the other and `fix` exited 2.
#[test]
fn a_partial_rendered_whole_and_by_line_range_under_two_sections_of_one_title_keeps_fix_promises() {
    fix_keeps_every_promise(
        PAGE_180,
        PART_180,
        "page.md:5:3: SL001 section \"Account permissions\" renders part.md, which lists AI Gateway permission groups (AI Gateway Read) but has no call-out that they are account-scoped only (placement = \"partial\": the call-out belongs in the partial)\n\
         page.md:9:1: SL001 section \"Account permissions\" renders part.md, which lists AI Gateway permission groups (AI Gateway Read) but has no call-out that they are account-scoped only (placement = \"partial\": the call-out belongs in the partial)\n\
         page.md:19:1: SL001 section \"Setup\" renders part.md (section \"Partial ü\"), which lists AI Gateway permission groups (AI Gateway Read) but has no call-out that they are account-scoped only (placement = \"partial\": the call-out belongs in the partial)\n\
         found 3 errors and 0 warnings in 1 file\n",
    );
}

/// An anchor without an end (so running to the end of the file) that hides the partial's title, and the
/// whole file: the anchor's call-out finds no place, and the whole file's is still made (it was dropped
/// as a second insertion into the same listing, its promise kept).
#[test]
fn a_call_out_the_anchor_cannot_take_is_still_made_for_the_whole_file() {
    fix_keeps_every_promise(PAGE_183, PART_183, "no findings in 1 file\n");
}

/// The whole file and an anchor show the same section: two findings, as the call-out inserted for the
/// whole file falls outside the anchor (one finding for both promised what `fix` could not keep).
#[test]
fn the_whole_file_and_an_anchor_showing_one_section_are_two_findings() {
    fix_keeps_every_promise(
        PAGE_188,
        PART_188,
        "page.md:9:1: SL001 section \"Perms ü\" renders part.md (section \"Groups\"), which lists AI Gateway permission groups (AI Gateway Read, AI Gateway Run) but has no call-out that they are account-scoped only (placement = \"partial\": the call-out belongs in the partial)\n\
         page.md:15:3: SL001 section \"Perms ü\" renders part.md (section \"Groups\"), which lists AI Gateway permission groups (AI Gateway Read, AI Gateway Run) but has no call-out that they are account-scoped only (placement = \"partial\": the call-out belongs in the partial)\n\
         found 2 errors and 0 warnings in 1 file\n",
    );
}

const PAGE_180: &str = "# Page\n\n## Account permissions\n\nü {{#include part.md:2:9}}\n\n## Account permissions\n\n{{#include part.md:6:8}} é\n\n## Setup\n\nü {{#include part.md}}\n\n## Setup\n\nText before 日本語.\n\n{{#include part.md::8}}\n";
const PART_180: &str = "# Partial ü\n\n🙂\nü text\n<!-- ANCHOR: b -->\n- AI Gateway Read ü\nTrailing after table é\n<!-- ANCHOR_END: b -->\n{{#include other.md}}\nSome prose.\n\né <!-- ANCHOR: perms -->\n### Groups\n\n| Name | Description |\n| --- | --- |\n| AI Gateway Read | reads ✓ |\n| AI Gateway Run | runs 🙂 |\nTrailing after table é\né <!-- ANCHOR_END: perms -->\nIntro 日本語.\nIntro 日本語.\nü text\n<!-- ANCHOR: a -->\n## Permissions\n\n- AI Gateway Read\n- AI Gateway Run\nü text";
const PAGE_183: &str = "# Page\r\n\r\n## Perms ü\r\n\r\n{{#include part.md:b}}\r\n\r\n## Perms ü\r\n\r\n{{#include part.md}} é\r\n";
const PART_183: &str = "# Partial ü\n\nSome prose.\nIntro 日本語.\ntext <!-- ANCHOR: b --> trailing\n- AI Gateway Read ü\n{{#include other.md}}\nIntro 日本語.\nü text\n<!-- ANCHOR: perms -->\n### Groups\n\n- AI Gateway Read\n- AI Gateway Run\né <!-- ANCHOR_END: perms -->\nSome prose.\nü text\n<!-- note -->\né <!-- ANCHOR: ü -->\n- AI Gateway Read\n- AI Gateway Run\né <!-- ANCHOR_END: ü -->\n\n";
const PAGE_188: &str = "# Page\n\n## Perms ü\n\nü {{#include part.md}} é\n\n## Perms ü\n\n{{#include part.md:ü}}\n\n## Perms ü\n\nText before 日本語.\n\nü {{#include part.md:6:12}} é\n\n## Account permissions\n\nText before 日本語.\n\nü {{#include part.md:15}}\n";
const PART_188: &str = "\u{feff}# Partial ü\n\nü text\n<!-- note -->\ntext <!-- ANCHOR: ü -->\n### Groups\n\n- AI Gateway Read\n- AI Gateway Run\né <!-- ANCHOR_END: ü --> x\n<!-- note -->\n<!-- note -->\nIntro 日本語.\né <!-- ANCHOR: ü --> trailing\n## Permissions\n\n- AI Gateway Read ü\né <!-- ANCHOR_END: ü --> x\nIntro 日本語.";

/// Anchor `y` (inside a blockquote, no place for a call-out), anchor `x` and the whole file render two
/// listings of one section: the call-out inserted inside `x` is seen by the whole file's render too, so the
/// retry for the whole file's listing behind `y` inserts no second one (it wrote two).
#[test]
fn a_retry_for_the_whole_file_inserts_nothing_when_its_section_got_a_call_out() {
    let page = "# Page\n\n## One\n\n{{#include part.md:y}}\n\n## Two\n\n{{#include part.md:x}}\n\n## Three\n\n{{#include part.md}}\n";
    let part = "# Partial — 部分\n\n## Groups\n\n> <!-- ANCHOR: y -->\n> - AI Gateway Read\n> <!-- ANCHOR_END: y -->\n> - AI Gateway Run 🚀\n\n<!-- ANCHOR: x -->\n| Name | Notes |\n| --- | --- |\n| AI Gateway Edit | edits |\n<!-- ANCHOR_END: x -->\n";
    let fixed = fix_keeps_every_promise(
        page,
        part,
        "page.md:5:1: SL001 section \"One\" renders part.md, which lists AI Gateway permission groups (AI Gateway Read) but has no call-out that they are account-scoped only (placement = \"partial\": the call-out belongs in the partial)\n\
         found 1 error and 0 warnings in 1 file\n",
    );
    assert_eq!(fixed.matches("[!NOTE]").count(), 1, "{fixed}");
}
