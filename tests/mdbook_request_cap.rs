//! The mdBook request has a size cap: a larger request is an error naming the limit, exit 2, and no book
//! is written back.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn preprocess(input: &[u8], args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .arg("mdbook")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("scope-lint runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    // The child may stop reading once past its limit: a broken pipe here is expected.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("scope-lint finishes")
}

fn request() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/mdbook/v05-check.json");
    let text = std::fs::read_to_string(path).expect("fixture exists");
    // The same book with a long multi-byte chapter, so it is well past a small limit.
    text.replacen(
        "This book lists the permission groups our tokens use.",
        &"日本語のテキスト 🚀 é. ".repeat(2000),
        1,
    )
    .into_bytes()
}

#[test]
fn a_request_past_the_limit_is_an_error_with_exit_2_and_no_book() {
    let input = request();
    let output = preprocess(&input, &["--max-request-size", "4096"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty(), "no book is written back");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "scope-lint: <stdin>: the request is larger than 4 KiB (`scope-lint mdbook --max-request-size`), not read\n"
    );
}

#[test]
fn a_request_within_the_limit_is_answered() {
    let input = request();
    let limit = input.len().to_string();
    let output = preprocess(&input, &["--max-request-size", &limit]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the fixture's book has findings: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("SL001"),
        "the book is read and checked"
    );
    let output = preprocess(&input, &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the default limit is generous"
    );
}
