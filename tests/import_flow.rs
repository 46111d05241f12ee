//! The path from the API's permission-groups listing to the docs: `import` refreshes a copy of the embedded
//! table, and `check` then sees what the change means for pages (renamed groups, stale call-outs).

use std::path::Path;
use std::process::{Command, Output};

use scope_lint::table::import::listing_of;
use scope_lint::table::load_table;
use scope_lint::table::preset::CLOUDFLARE_CAPABILITIES;
use serde_json::{Value, json};

fn scope_lint(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .args(args)
        .current_dir(directory)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A docs tree with a copy of the embedded table (`table_text`) and a config that uses it.
fn site(table_text: &str) -> tempfile::TempDir {
    let directory = tempfile::tempdir().unwrap();
    std::fs::write(directory.path().join("capabilities.toml"), table_text).unwrap();
    std::fs::write(
        directory.path().join("scope-lint.toml"),
        "extends = \"cloudflare\"\ncapabilities = \"capabilities.toml\"\n",
    )
    .unwrap();
    directory
}

/// The listing the table itself gives, as JSON.
fn own_listing(table_text: &str) -> Value {
    let table = load_table(table_text, "capabilities.toml").unwrap();
    serde_json::from_str(&listing_of(&table)).unwrap()
}

fn write_listing(directory: &Path, listing: &Value) {
    std::fs::write(
        directory.join("listing.json"),
        serde_json::to_string_pretty(listing).unwrap(),
    )
    .unwrap();
}

fn group_mut<'a>(listing: &'a mut Value, name: &str) -> &'a mut Value {
    listing["result"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|group| group["name"] == name)
        .unwrap_or_else(|| panic!("{name} is in the listing"))
}

/// The standard AI Gateway call-out.
const CALLOUT: &str = "> [!NOTE]\n> AI Gateway permissions (AI Gateway Read/Edit/Run) are account-scoped only. \
    There is no resource type to scope an API token to a single AI Gateway.\n";

const IMPORT: &[&str] = &["import", "listing.json", "--table", "capabilities.toml"];

#[test]
fn a_listing_made_from_the_embedded_table_round_trips_and_comments_survive() {
    let directory = site(CLOUDFLARE_CAPABILITIES);
    write_listing(directory.path(), &own_listing(CLOUDFLARE_CAPABILITIES));
    let check = scope_lint(
        directory.path(),
        &[IMPORT, &["--check", "--format", "json"]].concat(),
    );
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    let report: Value = serde_json::from_str(&stdout(&check)).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["changes"], json!([]));
    let import = scope_lint(directory.path(), IMPORT);
    assert_eq!(import.status.code(), Some(0));
    let after = std::fs::read_to_string(directory.path().join("capabilities.toml")).unwrap();
    assert_eq!(after, CLOUDFLARE_CAPABILITIES);
    assert!(after.starts_with("# The embedded Cloudflare capability table"));
}

#[test]
fn an_added_a_renamed_and_a_rescoped_group_are_the_three_changes_and_the_old_name_is_then_reported()
{
    let directory = site(CLOUDFLARE_CAPABILITIES);
    let mut listing = own_listing(CLOUDFLARE_CAPABILITIES);
    group_mut(&mut listing, "Workers AI Read")["name"] = json!("Workers AI Invoke");
    group_mut(&mut listing, "DNS Read")["scopes"] = json!([
        "com.cloudflare.api.account.zone",
        "com.cloudflare.api.account"
    ]);
    listing["result"].as_array_mut().unwrap().push(json!({
        "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "name": "AI Gateway Admin",
        "description": "Grants full access to AI Gateways",
        "is_selectable": true,
        "scopes": ["com.cloudflare.api.account"]
    }));
    write_listing(directory.path(), &listing);

    let check = scope_lint(
        directory.path(),
        &[IMPORT, &["--check", "--format", "json"]].concat(),
    );
    assert_eq!(check.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&check)).unwrap();
    assert_eq!(
        report["changes"],
        json!([
            {"kind": "renamed", "id": "a92d2450e05d4e7bb7d0a64968f83d11", "name": "Workers AI Invoke",
             "old_name": "Workers AI Read"},
            {"kind": "rescoped", "id": "47aa30b6eb97ecae0518b750d6b142b6", "name": "DNS Read",
             "old_scopes": ["zone"], "scopes": ["account", "zone"]},
            {"kind": "added", "id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "name": "AI Gateway Admin",
             "scopes": ["account"], "product": "ai-gateway"}
        ])
    );
    let unchanged = std::fs::read_to_string(directory.path().join("capabilities.toml")).unwrap();
    assert_eq!(unchanged, CLOUDFLARE_CAPABILITIES, "--check writes nothing");

    assert_eq!(scope_lint(directory.path(), IMPORT).status.code(), Some(0));
    let again = scope_lint(directory.path(), &[IMPORT, &["--check"]].concat());
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));

    std::fs::write(
        directory.path().join("workers-ai.md"),
        "# Workers AI tokens\n\n| Name | Description |\n| --- | --- |\n| Workers AI Read | Run models. |\n",
    )
    .unwrap();
    let page = scope_lint(directory.path(), &["check", "workers-ai.md"]);
    let report = stdout(&page);
    assert!(
        report.contains(
            "warning[SL004]: `Workers AI Read` was renamed to `Workers AI Invoke`\n --> workers-ai.md:5:3"
        ),
        "{report}"
    );
}

#[test]
fn a_listing_that_scopes_ai_gateway_per_gateway_makes_the_standard_callout_stale() {
    let table_text = format!(
        "{CLOUDFLARE_CAPABILITIES}\n[[resource-types]]\nid = \"ai-gateway\"\nkey = \"com.cloudflare.edge.ai.gateway.{{account}}_{{gateway}}\"\napi-scope = \"com.cloudflare.edge.ai.gateway\"\n"
    );
    let directory = site(&table_text);
    let mut listing = own_listing(&table_text);
    for name in ["AI Gateway Read", "AI Gateway Write", "AI Gateway Run"] {
        group_mut(&mut listing, name)["scopes"] = json!([
            "com.cloudflare.api.account",
            "com.cloudflare.edge.ai.gateway"
        ]);
    }
    write_listing(directory.path(), &listing);
    // A scope matrix generated before the import.
    let matrix = stdout(&scope_lint(
        directory.path(),
        &[
            "table",
            "--product",
            "ai-gateway",
            "--capabilities",
            "capabilities.toml",
        ],
    ));
    let region = format!(
        "# Gateway scopes\n\n{CALLOUT}\n<!-- scope-lint:table product=ai-gateway -->\n\n{matrix}\n<!-- /scope-lint:table -->\n\nAfter.\n"
    );
    std::fs::write(directory.path().join("matrix.md"), &region).unwrap();
    assert_eq!(
        scope_lint(directory.path(), &["check", "matrix.md"])
            .status
            .code(),
        Some(0)
    );

    let import = scope_lint(directory.path(), IMPORT);
    assert_eq!(import.status.code(), Some(0));
    assert_eq!(stdout(&import).matches("rescoped").count(), 3);

    let stale = stdout(&scope_lint(directory.path(), &["check", "matrix.md"]));
    assert!(
        stale.contains(
            "error[SL010]: the generated table (product `ai-gateway`) differs from the capability table\n --> matrix.md:6:1"
        ),
        "{stale}"
    );
    assert!(
        stale.contains("error[SL002]"),
        "the call-out is stale too: {stale}"
    );
    scope_lint(directory.path(), &["fix", "matrix.md"]);
    let fixed = std::fs::read_to_string(directory.path().join("matrix.md")).unwrap();
    assert!(
        fixed.contains("\n<!-- scope-lint:table product=ai-gateway -->\n\n| Permission group |")
    );
    assert!(fixed.ends_with("<!-- /scope-lint:table -->\n\nAfter.\n"));
    assert!(
        fixed.contains("| AI Gateway Run | AI Gateway | ✓ | | | | ✓ |"),
        "{fixed}"
    );
    let after_fix = stdout(&scope_lint(directory.path(), &["check", "matrix.md"]));
    assert!(
        !after_fix.contains("SL010") && !after_fix.contains("SL002"),
        "{after_fix}"
    );

    std::fs::write(
        directory.path().join("gateway.md"),
        format!("# Authenticated Gateway\n\n{CALLOUT}"),
    )
    .unwrap();
    let check = scope_lint(directory.path(), &["check", "gateway.md"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).starts_with("error[SL002]: "),
        "{}",
        stdout(&check)
    );
}

#[test]
fn an_unknown_scope_string_is_an_error_that_names_it_and_nothing_is_written() {
    let directory = site(CLOUDFLARE_CAPABILITIES);
    let mut listing = own_listing(CLOUDFLARE_CAPABILITIES);
    group_mut(&mut listing, "AI Gateway Run")["scopes"] = json!(["com.cloudflare.edge.ai.gateway"]);
    write_listing(directory.path(), &listing);
    let import = scope_lint(directory.path(), IMPORT);
    assert_eq!(import.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&import.stderr),
        "error: listing.json: unknown scope `com.cloudflare.edge.ai.gateway` (group `AI Gateway Run`): no resource type in capabilities.toml has `api-scope = \"com.cloudflare.edge.ai.gateway\"`; add one\n"
    );
    let after = std::fs::read_to_string(directory.path().join("capabilities.toml")).unwrap();
    assert_eq!(after, CLOUDFLARE_CAPABILITIES);
}
