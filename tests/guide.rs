//! The user guide stays in sync with the code: the rule pages are exactly `scope-lint explain`'s text, the
//! rule index matches the registry, and every configuration and capability-table key is documented.
//! Regenerate the rule pages with `SCOPE_LINT_BLESS=1 cargo test --test guide`.

use std::path::{Path, PathBuf};

use scope_lint::rules::RULES;

fn guide(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs/src")
        .join(path)
}

fn check_or_bless(path: &Path, expected: &str) {
    if std::env::var_os("SCOPE_LINT_BLESS").is_some() {
        std::fs::write(path, expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "{} is out of date; run `SCOPE_LINT_BLESS=1 cargo test --test guide`",
        path.display()
    );
}

#[test]
fn rule_pages_are_the_explain_text() {
    for rule in RULES {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_scope-lint"))
            .args(["explain", rule.code()])
            .output()
            .unwrap();
        let explain = String::from_utf8(output.stdout).unwrap();
        let page = guide(&format!("rules/{}.md", rule.code().to_lowercase()));
        check_or_bless(&page, &explain);
    }
}

#[test]
fn the_rule_index_lists_every_rule() {
    let mut index = String::from(
        "# Rules\n\nEvery rule has a stable code, a default level and its own page. Change a level, or turn a rule off, in\n`[rules]` of the [configuration](../configuration.md). `scope-lint explain CODE` prints the same pages.\n\n| code | name | default | `fix` | what it reports |\n|---|---|---|---|---|\n",
    );
    for rule in RULES {
        index.push_str(&format!(
            "| [{code}]({file}.md) | {name} | {level} | {fix} | {summary} |\n",
            code = rule.code(),
            file = rule.code().to_lowercase(),
            name = rule.name(),
            level = rule.default_severity().as_str(),
            fix = if rule.has_fix() { "yes" } else { "no" },
            summary = rule.summary(),
        ));
    }
    check_or_bless(&guide("rules/index.md"), &index);
    let summary = std::fs::read_to_string(guide("SUMMARY.md")).unwrap();
    for rule in RULES {
        let entry = format!(
            "[{} {}](rules/{}.md)",
            rule.code(),
            rule.name(),
            rule.code().to_lowercase()
        );
        assert!(summary.contains(&entry), "SUMMARY.md lacks {entry}");
    }
}

#[test]
fn every_key_is_documented() {
    let configuration = std::fs::read_to_string(guide("configuration.md")).unwrap();
    for key in scope_lint::config::policy_key_names() {
        assert!(
            configuration.contains(&format!("`{key}`")),
            "configuration.md does not document `{key}`"
        );
    }
    let capabilities = std::fs::read_to_string(guide("capabilities.md")).unwrap();
    for key in scope_lint::table::table_key_names() {
        assert!(
            capabilities.contains(&format!("`{key}`")),
            "capabilities.md does not document `{key}`"
        );
    }
}
