//! File names and page text that try to forge report lines or drive the terminal: every human-facing output
//! shows them escaped, and JSON keeps a name that is not UTF-8 exactly.
#![cfg(unix)]

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LISTING: &str = "# Tokens\n\n## AI Gateway\n\n- AI Gateway Read\n- AI Gateway Run\n";

/// A page whose text carries an escape sequence, a C1 CSI, a carriage return and a bidi override on the
/// line that a finding shows.
const HOSTILE_TEXT: &str =
    "# Tokens\n\n- AI Gateway Read \u{1b}]0;pwned\u{7}\u{1b}[31mred \u{9b}2J \u{202e}txt\n";

fn scope_lint(dir: &Path, args: &[&OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("scope-lint runs")
}

fn write(dir: &Path, name: &[u8], text: &str) -> PathBuf {
    let path = dir.join(OsStr::from_bytes(name));
    std::fs::write(&path, text).expect("the file is written");
    path
}

/// No control character (but line breaks and tabs) and no bidi control in `output`, and no line that starts
/// with the forged code.
fn assert_unforgeable(output: &[u8]) {
    let text = String::from_utf8_lossy(output);
    for line in text.lines() {
        assert!(
            !line.starts_with("error[SL999]"),
            "forged line: {line:?}\n{text}"
        );
        let bad: Vec<char> = line
            .chars()
            .filter(|c| {
                (c.is_control() && *c != '\t')
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
            .collect();
        assert!(bad.is_empty(), "raw {bad:?} in {line:?}");
    }
}

#[test]
fn a_file_name_with_a_line_feed_cannot_start_a_report_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), b"a\nerror[SL999]: x.md", LISTING);
    write(
        dir.path(),
        b"\x1b]0;title\x07\x1b[2Jb\r\xc2\x9b\xe2\x80\xae.md",
        LISTING,
    );
    let output = scope_lint(dir.path(), &[OsStr::new("check"), OsStr::new(".")]);
    assert_eq!(output.status.code(), Some(1));
    assert_unforgeable(&output.stdout);
    assert_unforgeable(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(" --> ./a\\nerror[SL999]: x.md:5:1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(" --> ./\\x1b]0;title\\x07\\x1b[2Jb\\r\\u{9b}\\u{202e}.md:5:1\n"),
        "{stdout}"
    );
}

#[test]
fn page_text_with_escape_sequences_is_shown_escaped_in_the_snippet() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), b"page.md", HOSTILE_TEXT);
    let output = scope_lint(dir.path(), &[OsStr::new("page.md")]);
    assert_eq!(output.status.code(), Some(1));
    assert_unforgeable(&output.stdout);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "3 | - AI Gateway Read \\x1b]0;pwned\\x07\\x1b[31mred \\u{9b}2J \\u{202e}txt\n"
        ),
        "{stdout}"
    );
}

#[test]
fn error_fix_and_diff_lines_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), b"bad\nerror[SL999]: x.md", "ok\n\u{0}binary");
    write(dir.path(), b"fix\nerror[SL999]: y.md", LISTING);
    let check = scope_lint(dir.path(), &[OsStr::new("check"), OsStr::new(".")]);
    assert_eq!(check.status.code(), Some(2));
    assert_unforgeable(&check.stdout);
    assert_unforgeable(&check.stderr);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(
        stderr,
        "error: ./bad\\nerror[SL999]: x.md: binary file (NUL byte on line 2), not checked\n"
    );
    let diff = scope_lint(
        dir.path(),
        &[OsStr::new("fix"), OsStr::new("--diff"), OsStr::new(".")],
    );
    assert_unforgeable(&diff.stdout);
    assert!(String::from_utf8_lossy(&diff.stdout).contains("fix\\nerror[SL999]: y.md"));
    // An unreadable input stops every write (see fix_safety.rs), so the binary page goes first.
    std::fs::remove_file(
        dir.path()
            .join(OsStr::from_bytes(b"bad\nerror[SL999]: x.md")),
    )
    .unwrap();
    let fix = scope_lint(dir.path(), &[OsStr::new("fix"), OsStr::new(".")]);
    assert_unforgeable(&fix.stdout);
    assert_unforgeable(&fix.stderr);
    assert!(
        String::from_utf8_lossy(&fix.stdout)
            .lines()
            .any(|line| line.starts_with("fixed ./fix\\nerror[SL999]: y.md: ")),
        "{}",
        String::from_utf8_lossy(&fix.stdout)
    );
}

#[test]
fn a_path_that_is_not_utf8_is_checked_and_kept_exactly_in_json() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), b"bad\xff.md", LISTING);
    let name = OsStr::from_bytes(b"bad\xff.md");
    let human = scope_lint(dir.path(), &[name]);
    assert_eq!(human.status.code(), Some(1), "not a panic (101)");
    assert!(String::from_utf8_lossy(&human.stdout).contains(" --> bad\\xff.md:5:1\n"));
    let json = scope_lint(
        dir.path(),
        &[
            OsStr::new("check"),
            OsStr::new("--format"),
            OsStr::new("json"),
            name,
        ],
    );
    assert_eq!(json.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(diagnostic["path"], "bad\u{fffd}.md");
    let bytes: Vec<u8> = diagnostic["path_bytes"]
        .as_array()
        .expect("path_bytes is an array")
        .iter()
        .map(|byte| u8::try_from(byte.as_u64().unwrap()).unwrap())
        .collect();
    assert_eq!(bytes, b"bad\xff.md");
    write(dir.path(), b"good.md", LISTING);
    let good = scope_lint(
        dir.path(),
        &[
            OsStr::new("check"),
            OsStr::new("--format"),
            OsStr::new("json"),
            OsStr::new("good.md"),
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&good.stdout).expect("valid JSON");
    assert!(report["diagnostics"][0].get("path_bytes").is_none());
}

/// The one-line formats escape too: `--format concise` (a problem matcher reads each line), and
/// `--format github`, whose workflow commands keep CR/LF in a file name as the runner's `%0D`/`%0A` and
/// write every other control as an escape, and whose job summary writes the name inside its heading.
#[test]
fn concise_and_github_lines_cannot_be_forged() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), b"a\nerror[SL999]: x.md", LISTING);
    write(
        dir.path(),
        b"b\x1b[31m\xe2\x80\xae\xc2\x9b.md",
        HOSTILE_TEXT,
    );
    let concise = scope_lint(
        dir.path(),
        &[
            OsStr::new("check"),
            OsStr::new("--format"),
            OsStr::new("concise"),
            OsStr::new("."),
        ],
    );
    assert_eq!(concise.status.code(), Some(1));
    assert_unforgeable(&concise.stdout);
    let stdout = String::from_utf8_lossy(&concise.stdout);
    assert!(
        stdout.starts_with("./a\\nerror[SL999]: x.md:5:1: SL001 section \"AI Gateway\" lists"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n./b\\x1b[31m\\u{202e}\\u{9b}.md:3:1: SL001 "),
        "{stdout}"
    );
    let summary = dir.path().join("summary.md");
    let github = Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["check", "--format", "github", "."])
        .output()
        .unwrap();
    assert_eq!(github.status.code(), Some(1));
    assert_unforgeable(&github.stdout);
    let stdout = String::from_utf8_lossy(&github.stdout);
    assert!(
        stdout.contains("::error file=a%0Aerror[SL999]%3A x.md,line=5,"),
        "{stdout}"
    );
    assert!(
        stdout.contains("::error file=b\\x1b[31m\\u{202e}\\u{9b}.md,line=3,"),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert_unforgeable(summary.as_bytes());
    assert!(
        summary.contains("\n### `a\\nerror[SL999]: x.md`\n"),
        "{summary}"
    );
}
