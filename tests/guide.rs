//! The user guide stays in sync with the code: the rule pages are exactly `scope-lint explain`'s text, the
//! rule index matches the registry, and every configuration and capability-table key is a row of the
//! guide's table that documents its parent.
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

/// One row of a key table in the guide: the key path of the table that holds its key (empty at the top
/// level), the key names its first cell gives (`` `[[callouts]]` `` and `` `callouts` `` both name
/// `callouts`), and every code span in the row.
#[derive(Debug)]
struct KeyRow {
    parent: Vec<String>,
    keys: Vec<String>,
    code: Vec<String>,
}

/// A Markdown table as parsed: the heading above it, its header cells and its rows, each cell as its
/// plain text and its code spans.
struct Table {
    heading: Vec<String>,
    header: Vec<String>,
    rows: Vec<Vec<(String, Vec<String>)>>,
}

fn tables(markdown: &str) -> Vec<Table> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut found = Vec::new();
    let mut heading: Vec<String> = Vec::new();
    let mut in_heading = false;
    let mut current: Option<Table> = None;
    let mut row: Vec<(String, Vec<String>)> = Vec::new();
    let mut cell: Option<(String, Vec<String>)> = None;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = true;
                heading.clear();
            }
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Start(Tag::Table(_)) => {
                current = Some(Table {
                    heading: heading.clone(),
                    header: Vec::new(),
                    rows: Vec::new(),
                })
            }
            Event::End(TagEnd::Table) => found.extend(current.take()),
            Event::Start(Tag::TableCell) => cell = Some((String::new(), Vec::new())),
            Event::End(TagEnd::TableCell) => row.extend(cell.take()),
            Event::End(TagEnd::TableHead) => {
                let table = current.as_mut().expect("in a table");
                table.header = row.drain(..).map(|(text, _)| text).collect();
            }
            Event::End(TagEnd::TableRow) => {
                let table = current.as_mut().expect("in a table");
                table.rows.push(std::mem::take(&mut row));
            }
            Event::Code(code) => {
                if in_heading {
                    heading.push(code.to_string());
                }
                if let Some((text, spans)) = cell.as_mut() {
                    text.push_str(&code);
                    spans.push(code.to_string());
                }
            }
            Event::Text(text) => {
                if let Some((cell_text, _)) = cell.as_mut() {
                    cell_text.push_str(&text);
                }
            }
            _ => {}
        }
    }
    found
}

/// `[[resource-types]]` -> `resource-types`.
fn bare(key: &str) -> String {
    key.trim_matches(['[', ']']).to_owned()
}

/// The rows of the guide page's key tables (tables whose first header cell is `key`). A table's keys belong
/// to the table named by the code span of the heading above it (`` ## `[partials]` ``), or to the top level
/// when there is none; with a `where` column, each row says where its key belongs: `top level`, or the
/// singular of a top-level key (`resource type` for `resource-types`).
fn key_rows(page: &str, top_level: &[&str]) -> Vec<KeyRow> {
    let markdown = std::fs::read_to_string(guide(page)).unwrap();
    let mut rows = Vec::new();
    for table in tables(&markdown) {
        if table.header.first().map(String::as_str) != Some("key") {
            continue;
        }
        let where_column = table.header.iter().position(|cell| cell == "where");
        let heading_parent: Vec<String> = table
            .heading
            .first()
            .map(|code| bare(code).split('.').map(str::to_owned).collect())
            .unwrap_or_default();
        for row in &table.rows {
            let parent = match where_column {
                None => heading_parent.clone(),
                Some(column) => {
                    let place = row[column].0.trim();
                    if place == "top level" {
                        Vec::new()
                    } else {
                        let owner = top_level
                            .iter()
                            .find(|key| key.replace('-', " ").trim_end_matches('s') == place)
                            .unwrap_or_else(|| panic!("{page}: no top-level key is a \"{place}\""));
                        vec![(*owner).to_owned()]
                    }
                }
            };
            rows.push(KeyRow {
                parent,
                keys: row[0].1.iter().map(|code| bare(code)).collect(),
                code: row.iter().flat_map(|(_, spans)| spans.clone()).collect(),
            });
        }
    }
    rows
}

/// Each key is a row of the table that documents its parent; a key nested below a key that has no table
/// of its own (the entries of `pages`, `require`, `paths`) is named in its parent's row. Every row names a
/// key that exists there.
fn check_keys_documented(page: &str, paths: &[Vec<&'static str>]) {
    let top_level: Vec<&str> = paths
        .iter()
        .filter(|path| path.len() == 1)
        .map(|path| path[0])
        .collect();
    let rows = key_rows(page, &top_level);
    let row_of = |path: &[&str]| {
        let (key, parent) = path.split_last().expect("a key");
        rows.iter()
            .find(|row| row.parent == *parent && row.keys.iter().any(|name| name == key))
    };
    let has_table = |parent: &[&str]| rows.iter().any(|row| row.parent == *parent);
    for path in paths {
        let (key, parent) = path.split_last().expect("a key");
        if parent.is_empty() || has_table(parent) {
            assert!(
                row_of(path).is_some(),
                "{page}: `{key}` is not a row of the table for `{}`",
                if parent.is_empty() {
                    "the top level".to_owned()
                } else {
                    parent.join(".")
                }
            );
        } else {
            let owner = row_of(parent)
                .unwrap_or_else(|| panic!("{page}: `{}` is not documented", parent.join(".")));
            assert!(
                owner.code.iter().any(|code| code == key),
                "{page}: the row of `{}` does not name `{key}`",
                parent.join(".")
            );
        }
    }
    for row in &rows {
        for key in &row.keys {
            let mut path: Vec<&str> = row.parent.iter().map(String::as_str).collect();
            path.push(key);
            assert!(
                paths.contains(&path),
                "{page} documents `{}`, which is not a key there",
                path.join(".")
            );
        }
    }
}

#[test]
fn every_key_is_documented_in_its_table() {
    check_keys_documented("configuration.md", &scope_lint::policy::policy_key_paths());
    check_keys_documented("capabilities.md", &scope_lint::table::table_key_paths());
}

#[test]
fn the_key_tables_are_read_as_the_guide_shows_them() {
    let configuration = key_rows("configuration.md", &[]);
    let placement = configuration
        .iter()
        .find(|row| row.keys == ["placement"])
        .expect("the placement row");
    assert_eq!(placement.parent, ["partials"]);
    let callouts = configuration
        .iter()
        .find(|row| row.keys == ["callouts"])
        .expect("the callouts row");
    assert!(callouts.parent.is_empty());
    let capabilities = key_rows(
        "capabilities.md",
        &["schema", "resource-types", "products", "groups"],
    );
    let parents: Vec<(&[String], &[String])> = capabilities
        .iter()
        .filter(|row| row.keys == ["id"])
        .map(|row| (row.parent.as_slice(), row.keys.as_slice()))
        .collect();
    assert_eq!(
        parents,
        [
            (&["resource-types".to_owned()][..], &["id".to_owned()][..]),
            (&["products".to_owned()][..], &["id".to_owned()][..]),
            (&["groups".to_owned()][..], &["id".to_owned()][..]),
        ]
    );
}
