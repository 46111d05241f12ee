//! The JSON report's shape (version 1), asserted field by field on the example tree.

use std::process::Command;

use serde_json::{Value, json};

fn run(args: &[&str]) -> (Value, i32) {
    let output = Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("scope-lint runs");
    let report = serde_json::from_slice(&output.stdout).expect("stdout is one JSON document");
    (report, output.status.code().expect("an exit code"))
}

#[test]
fn the_example_tree_reports_both_required_callouts_and_the_claim() {
    let (report, code) = run(&["check", "examples/cloudflare-docs", "--format", "json"]);
    assert_eq!(code, 1);
    let docs = "examples/cloudflare-docs/src/content/docs";
    assert_eq!(
        report,
        json!({
            "version": 1,
            "diagnostics": [
                {
                    "code": "SL001",
                    "name": "missing-callout",
                    "severity": "error",
                    "path": format!("{docs}/ai-gateway/configuration/authentication.mdx"),
                    "line": 10, "column": 1, "end_line": 10, "end_column": 56,
                    "message": "this page must carry the AI Gateway account-scope call-out (policy: pages matching `**/ai-gateway/configuration/authentication.mdx`)",
                    "help": "say that AI Gateway permissions are account-scoped only; `scope-lint fix` inserts the call-out"
                },
                {
                    "code": "SL003",
                    "name": "contradicting-claim",
                    "severity": "error",
                    "path": format!("{docs}/ai-gateway/configuration/tenants.mdx"),
                    "line": 11, "column": 49, "end_line": 11, "end_column": 100,
                    "message": "this claims a token can be narrowed to one gateway, but AI Gateway permissions are account-scoped only",
                    "help": "say that a token with AI Gateway permissions reaches every gateway in the account"
                },
                {
                    "code": "SL001",
                    "name": "missing-callout",
                    "severity": "error",
                    "path": format!("{docs}/fundamentals/api/reference/permissions.mdx"),
                    "line": 32, "column": 1, "end_line": 32, "end_column": 8,
                    "message": "section \"Account permissions\" lists AI Gateway permission groups (AI Gateway Read, AI Gateway Edit, AI Gateway Run) (through examples/cloudflare-docs/src/content/partials/fundamentals/account-permissions-table.mdx) but has no call-out that they are account-scoped only",
                    "help": "add a call-out saying AI Gateway tokens cannot be scoped below the account; `scope-lint fix` inserts it"
                }
            ],
            "summary": {"files": 7, "errors": 3, "warnings": 0}
        })
    );
}

#[test]
fn a_clean_tree_gives_an_empty_list_and_exit_zero() {
    let (report, code) = run(&[
        "check",
        "examples/cloudflare-docs/src/content/docs/r2",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        report,
        json!({"version": 1, "diagnostics": [], "summary": {"files": 1, "errors": 0, "warnings": 0}})
    );
}
