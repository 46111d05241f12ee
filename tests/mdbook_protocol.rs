//! The mdBook 0.5 preprocessor protocol, driven by the JSON fixtures in `tests/mdbook/`: what
//! `scope-lint mdbook` writes to stdout (only the book), to stderr (findings and errors, no backtrace) and
//! its exit status, for 0.5 input, 0.4 input, bad JSON, an empty book and bad configuration.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/mdbook/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the fixture exists")
}

fn preprocess(input: &str, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .arg("mdbook")
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scope-lint runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The v0.5 fixture with its `[preprocessor.scope-lint]` table and renderer changed.
fn variant(table: Value, renderer: &str, outputs: Option<Value>) -> String {
    let mut input: Value = serde_json::from_str(&fixture("v05-check.json")).unwrap();
    input[0]["config"]["preprocessor"]["scope-lint"] = table;
    input[0]["renderer"] = json!(renderer);
    if let Some(outputs) = outputs {
        input[0]["config"]["output"] = outputs;
    }
    input.to_string()
}

/// Like [`preprocess`], but writes the request `piece` bytes at a time, the way mdBook does (it serialises
/// straight into the unbuffered pipe).
fn preprocess_in_pieces(input: &str, piece: usize) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .arg("mdbook")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scope-lint runs");
    let mut stdin = child.stdin.take().unwrap();
    for chunk in input.as_bytes().chunks(piece) {
        stdin.write_all(chunk).unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn check_mode_reports_with_the_source_path_and_fails() {
    let output = preprocess(&fixture("v05-check.json"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stdout.is_empty(),
        "nothing but the book may reach stdout"
    );
    let stderr = stderr(&output);
    assert!(stderr.starts_with("error[SL001]: section \"Account permissions\" lists AI Gateway permission groups (AI Gateway Read, AI Gateway Run) but has no call-out"), "{stderr}");
    assert!(stderr.contains(" --> src/permissions.md:5:1\n"), "{stderr}");
    assert!(stderr.ends_with("scope-lint: the book has 1 finding at the failing level (fail-on = \"error\"); see the findings above\n"), "{stderr}");
    assert!(!stderr.contains("backtrace"));
}

#[test]
fn fail_on_never_returns_the_book_unchanged() {
    let input = variant(
        json!({"command": "scope-lint mdbook", "fail-on": "never"}),
        "html",
        None,
    );
    let output = preprocess(&input, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let original: Value = serde_json::from_str(&input).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        original[1].to_string(),
        "the book goes back byte for byte as mdBook sent it"
    );
    assert!(
        stderr(&output).contains("error[SL001]"),
        "findings are still shown"
    );
}

/// A chapter of the book in a request, at `name` (its path and source path) with `content`.
fn chapter(name: &str, content: &str) -> Value {
    json!({"Chapter": {
        "name": name, "content": content, "number": null, "sub_items": [], "path": name,
        "source_path": name, "parent_names": []
    }})
}

/// Runs the preprocessor in `inject` mode (`fail-on = "never"`) on a book of `chapters` (name, content):
/// the book it answers (its exit code checked to be 0) and its standard error.
fn injected(chapters: &[(&str, &str)]) -> (Value, String) {
    let mut input: Value = serde_json::from_str(&variant(
        json!({"mode": "inject", "fail-on": "never"}),
        "html",
        None,
    ))
    .unwrap();
    let items: Vec<Value> = chapters
        .iter()
        .map(|(name, content)| chapter(name, content))
        .collect();
    input[1]["items"] = json!(items);
    let output = preprocess(&input.to_string(), &[]);
    let stderr = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    (serde_json::from_slice(&output.stdout).unwrap(), stderr)
}

#[test]
fn inject_mode_puts_the_note_before_a_quote_that_holds_the_next_heading_and_never_splits_one() {
    let before_quote =
        "# パーミッション 🔑\n\n| Name | D |\n| --- | --- |\n| AI Gateway Read | x |\n\n";
    let quote = "> ### Quoted heading\n>\n> quoted text\n";
    // Here the listing and the next heading are in one blockquote: a note after the list would split it.
    let inside_quote = "# T\n\n> ## Permissions\n>\n> - AI Gateway Run\n>\n> ## Next\n>\n> text\n";
    let (book, stderr) = injected(&[
        ("a.md", &format!("{before_quote}{quote}")),
        ("b.md", inside_quote),
    ]);
    let first = book["items"][0]["Chapter"]["content"].as_str().unwrap();
    assert_note_between(first, before_quote, quote);
    assert_eq!(book["items"][1]["Chapter"]["content"], inside_quote);
    assert!(
        stderr.starts_with("error[SL001]: section \"Permissions\" lists AI Gateway permission groups (AI Gateway Run) but has no call-out that they are account-scoped only\n --> src/b.md:5:3\n"),
        "{stderr}"
    );
}

/// Asserts that `content` is `before`, the default Markdown note, then `after`.
fn assert_note_between(content: &str, before: &str, after: &str) {
    assert!(
        content.starts_with(&format!("{before}> [!NOTE]\n")),
        "{content}"
    );
    assert!(
        content.ends_with(&format!("cannot be restricted to one.\n\n{after}")),
        "{content}"
    );
}

#[test]
fn inject_mode_puts_the_note_after_a_list_ended_by_an_html_block() {
    // CommonMark ends the list at the unindented `<details>` after the blank line; the heading after the
    // block's blank line is where the section ends, inside what renders as the details element.
    let listing = "# パーミッション 🔑\n\n- AI Gateway Read\n- AI Gateway Run — עברית\n\n";
    let details = "<details>\n<summary>More é́</summary>\n\n## Inside\n\ntext\n\n</details>\n";
    let (book, stderr) = injected(&[("a.md", &format!("{listing}{details}"))]);
    let content = book["items"][0]["Chapter"]["content"].as_str().unwrap();
    assert_note_between(content, listing, details);
    assert_eq!(stderr, "", "nothing left to report");
}

#[test]
fn inject_mode_adds_a_gfm_note_to_the_chapter_only() {
    let input = variant(json!({"mode": "inject"}), "html", None);
    let output = preprocess(&input, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let book: Value = serde_json::from_slice(&output.stdout).unwrap();
    let content = book["items"][1]["Chapter"]["content"].as_str().unwrap();
    assert!(
        content.contains("| AI Gateway Run  | Call gateways. |\n\n> [!NOTE]\n> **AI Gateway tokens are account-scoped**\n>\n> AI Gateway permissions (AI Gateway Read/Edit/Run) are account-scoped only."),
        "{content}"
    );
    assert!(content.ends_with("cannot be restricted to one.\n\n## Zone permissions\n\nText.\n"));
    assert_eq!(
        book["items"][2]["Chapter"]["content"], "",
        "the draft chapter is left alone"
    );
}

#[test]
fn findings_are_printed_for_the_first_renderer_only() {
    let table = json!({"fail-on": "never"});
    let outputs = Some(json!({"html": {}, "markdown": {}}));
    let first = preprocess(&variant(table.clone(), "html", outputs.clone()), &[]);
    assert!(stderr(&first).contains("error[SL001]"));
    let second = preprocess(&variant(table, "markdown", outputs), &[]);
    assert_eq!(second.status.code(), Some(0));
    assert_eq!(stderr(&second), "", "the markdown run stays silent");
}

#[test]
fn mdbook_0_4_input_is_refused_in_one_sentence() {
    let output = preprocess(&fixture("v04.json"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_eq!(
        stderr(&output),
        "scope-lint: scope-lint speaks the mdBook 0.5 preprocessor protocol (>=0.5.0, <0.6.0) but was called by mdBook 0.4.40; upgrade mdBook to 0.5, or run `scope-lint check` on the book's src/ instead\n"
    );
}

#[test]
fn bad_json_is_reported_with_its_position() {
    let output = preprocess(&fixture("bad.json"), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "scope-lint: <stdin>:1:27: the input is not valid JSON: EOF while parsing an object at line 1 column 27\n"
    );
    let empty = preprocess("", &[]);
    assert!(
        stderr(&empty).starts_with("scope-lint: <stdin>: no input"),
        "{}",
        stderr(&empty)
    );
}

#[test]
fn an_empty_book_round_trips() {
    let output = preprocess(&fixture("empty-book.json"), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "{\"items\":[]}");
}

#[test]
fn supports_always_says_yes() {
    for renderer in ["html", "markdown", "epub"] {
        let output = Command::new(env!("CARGO_BIN_EXE_scope-lint"))
            .args(["mdbook", "supports", renderer])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn unknown_and_wrong_keys_are_named() {
    let input = variant(
        json!({"command": "scope-lint mdbook", "mod": "check", "colour": 1}),
        "html",
        None,
    );
    assert_eq!(
        stderr(&preprocess(&input, &[])),
        "scope-lint: /nonexistent/book/book.toml: unknown keys `colour`, `mod` in [preprocessor.scope-lint] (expected one of: `capabilities`, `config`, `mode`, `fail-on`, `extends`, `exclude`, `dialects`, `partials`, `rules`, `render`, `callouts`, `command`, `renderers`, `before`, `after`, `optional`)\n"
    );
    let input = variant(json!({"mode": "fix"}), "html", None);
    assert_eq!(
        stderr(&preprocess(&input, &[])),
        "scope-lint: /nonexistent/book/book.toml: `mode = \"fix\"` in [preprocessor.scope-lint]: expected \"check\" or \"inject\"\n"
    );
}

#[test]
fn inline_policy_keys_configure_the_run() {
    let input = variant(
        json!({"extends": "cloudflare", "rules": {"SL001": "off"}}),
        "html",
        None,
    );
    let output = preprocess(&input, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn a_request_written_a_few_bytes_at_a_time_gets_the_same_answer() {
    for (input, status) in [
        (fixture("v05-check.json"), 1),
        (variant(json!({"mode": "inject"}), "html", None), 0),
        (fixture("v04.json"), 1),
    ] {
        let whole = preprocess(&input, &[]);
        let pieces = preprocess_in_pieces(&input, 7);
        assert_eq!(pieces.status.code(), Some(status), "{}", stderr(&pieces));
        assert_eq!(whole.status.code(), pieces.status.code());
        assert_eq!(stderr(&whole), stderr(&pieces));
        assert_eq!(whole.stdout, pieces.stdout);
    }
}

/// The v0.5 fixture with one more chapter, `overview.md`, that `{{#include}}`s the permissions chapter:
/// as a sub-chapter of the introduction (before the permissions chapter arrives) or after it.
fn with_including_chapter(before: bool) -> String {
    let mut input: Value =
        serde_json::from_str(&variant(json!({"fail-on": "never"}), "html", None)).unwrap();
    let overview = json!({"Chapter": {
        "name": "Overview", "content": "# Overview\n\n{{#include permissions.md}}\n", "number": null,
        "sub_items": [], "path": "overview.md", "source_path": "overview.md", "parent_names": []
    }});
    if before {
        input[1]["items"][0]["Chapter"]["sub_items"] = json!([overview]);
    } else {
        input[1]["items"].as_array_mut().unwrap().push(overview);
    }
    input.to_string()
}

#[test]
fn a_chapter_another_chapter_includes_is_checked_as_a_partial_in_either_order() {
    let alone = preprocess(&variant(json!({"fail-on": "never"}), "html", None), &[]);
    assert!(stderr(&alone).contains(" --> src/permissions.md:5:1\n"));
    for before in [true, false] {
        let output = preprocess(&with_including_chapter(before), &[]);
        assert_eq!(output.status.code(), Some(0));
        assert_eq!(stderr(&output), "", "included before: {before}");
    }
}

#[test]
fn a_chapter_path_and_text_with_control_characters_are_escaped_on_stderr() {
    let mut input: Value = serde_json::from_str(&fixture("v05-check.json")).unwrap();
    let chapter = &mut input[1]["items"][1]["Chapter"];
    chapter["source_path"] = json!("perm\nerror[SL999]: x.md");
    chapter["content"] =
        json!("# Permissions\n\n## Account\n\n- AI Gateway Read \u{1b}]0;pwned\u{7}\u{202e}\n");
    let output = preprocess(&input.to_string(), &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr(&output);
    assert!(
        stderr.contains(" --> src/perm\\nerror[SL999]: x.md:5:1\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("- AI Gateway Read \\x1b]0;pwned\\x07\\u{202e}\n"),
        "{stderr}"
    );
    for line in stderr.lines() {
        assert!(!line.starts_with("error[SL999]"), "{line:?}");
        assert!(!line.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{line:?}");
    }
}

/// Two chapters that `{{#include}}` each other: as in `scope-lint check` (one include graph for every face),
/// the include that closes the cycle is the one from the chapter later in path order (`b.md`), so `a.md`
/// stays a page, is asked for its call-out, and gets SL001; `b.md` is its partial. Before, every included
/// chapter was a partial, and `a.md`'s table went unchecked.
#[test]
fn on_an_include_cycle_of_chapters_the_first_in_path_order_stays_a_page() {
    let mut input: Value =
        serde_json::from_str(&variant(json!({"fail-on": "never"}), "html", None)).unwrap();
    input[1]["items"] = json!([
        chapter(
            "b.md",
            "# ビ 🚀\n\n## Tokens\n\n{{#include a.md}}\n\n- AI Gateway Run\n"
        ),
        chapter(
            "a.md",
            "# ア\n\n## Permissions\n\n{{#include b.md}}\n\n| Permission | 説明 |\n| --- | --- |\n| AI Gateway Read | 読み取り |\n"
        ),
    ]);
    let output = preprocess(&input.to_string(), &[]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = stderr(&output);
    assert!(
        stderr.starts_with(
            "error[SL001]: section \"Permissions\" lists AI Gateway permission groups (AI Gateway Read) but has no call-out that they are account-scoped only\n --> src/a.md:7:1\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("found 1 error and 0 warnings in 2 files\nscope-lint: warning: src/b.md:5:1: include cycle: src/a.md -> src/b.md -> src/a.md; this include of src/a.md is not followed\n"),
        "{stderr}"
    );
}

/// A chapter whose includes nest nine deep (through other chapters) is a warning, as an include cycle is:
/// what lies past the eighth include is not read, and the build says so.
#[test]
fn a_chapter_whose_includes_nest_too_deep_is_a_warning_naming_the_chain() {
    let mut input: Value =
        serde_json::from_str(&variant(json!({"fail-on": "never"}), "html", None)).unwrap();
    let mut items = vec![chapter(
        "page.md",
        "# ページ\n\n## Permissions\n\n🚀 {{#include p0.md}}\n",
    )];
    for level in 0..9 {
        let content = if level < 8 {
            format!("مرحبا {level} {{{{#include p{}.md}}}}\n", level + 1)
        } else {
            "- AI Gateway Read\n".to_owned()
        };
        items.push(chapter(&format!("p{level}.md"), &content));
    }
    input[1]["items"] = json!(items);
    let output = preprocess(&input.to_string(), &[]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = stderr(&output);
    assert!(
        stderr.ends_with(
            "scope-lint: warning: src/page.md:5:3: includes nest more than 8 deep: src/page.md -> src/p0.md \
             -> src/p1.md -> src/p2.md -> src/p3.md -> src/p4.md -> src/p5.md -> src/p6.md -> src/p7.md -> \
             src/p8.md; what src/p7.md includes is not read\n"
        ),
        "{stderr}"
    );
}

/// The (file, line, code) of each finding in the preprocessor's stderr (`error[SL001]: ...` then
/// ` --> src/x.md:5:1`), as file names.
fn preprocessor_findings(stderr: &str) -> Vec<(String, String, String)> {
    let mut findings = Vec::new();
    let mut code = None;
    for line in stderr.lines() {
        if let Some(rest) = line
            .split_once('[')
            .filter(|(level, _)| !level.contains(' '))
        {
            code = rest.1.split_once(']').map(|(code, _)| code.to_owned());
        } else if let Some(place) = line.trim_start().strip_prefix("--> src/") {
            let mut parts = place.split(':');
            let (file, line) = (parts.next().unwrap(), parts.next().unwrap());
            findings.push((file.to_owned(), line.to_owned(), code.take().unwrap()));
        }
    }
    findings.sort();
    findings
}

/// Chapters the relevance prefilter rules out (prose in several scripts, a table of other words, a
/// shortcode-free include-free page) next to chapters whose findings hang on its edge cases (a name split by
/// inline tags, a split table row, a placeholder, a misspelt group): the preprocessor, which skips what the
/// prefilter rules out, reports what `scope-lint check --no-prefilter` reports on the same files.
#[test]
fn chapters_the_prefilter_rules_out_are_skipped_with_the_same_findings_as_a_full_parse() {
    let chapters = [
        (
            "a.md",
            "# 日本語 🚀\n\nשלום עולם. Workers KV stores data in é\u{301} regions.\n",
        ),
        (
            "b.md",
            "# Permissions\n\n## Account\n\n- <span>AI</span> Gateway Read\n",
        ),
        (
            "c.md",
            "# Tokens\n\n| Product | Level |\n| --- | --- |\n| AI Gateway | Read |\n",
        ),
        (
            "d.md",
            "# Table\n\n| Name | 説明 |\n| --- | --- |\n| Reads | the logs 😀 |\n",
        ),
        (
            "e.md",
            "# Partial\n\n## Permissions\n\n- {props.product} Read\n",
        ),
        (
            "f.md",
            "# Misspelt\n\n## Permissions\n\n- AI Gateway Raed\n",
        ),
        (
            "g.md",
            "# Scope\n\nYou can scope an AI Gateway token to a single gateway.\n",
        ),
    ];
    let mut input: Value =
        serde_json::from_str(&variant(json!({"fail-on": "never"}), "html", None)).unwrap();
    input[1]["items"] = chapters
        .iter()
        .map(|(path, content)| chapter(path, content))
        .collect();
    let output = preprocess(&input.to_string(), &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let from_book = preprocessor_findings(&stderr(&output));

    let dir = tempfile::tempdir().unwrap();
    for (path, content) in chapters {
        std::fs::write(dir.path().join(path), content).unwrap();
    }
    let checked = Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .args([
            "check",
            "--no-prefilter",
            "--format",
            "concise",
            "--fail-on",
            "never",
            ".",
        ])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let mut from_check: Vec<(String, String, String)> = String::from_utf8_lossy(&checked.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(4, ':');
            let (file, line, _, rest) =
                (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
            let code = rest.split_whitespace().next()?;
            let file = file.trim_start_matches("./");
            Some((file.to_owned(), line.to_owned(), code.to_owned()))
        })
        .collect();
    from_check.sort();
    assert_eq!(from_check.len(), 3, "{from_check:?}");
    assert_eq!(from_book, from_check);
}
