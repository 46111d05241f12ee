//! `scope-lint fix` never damages a page: bytes outside the insertion survive (CRLF, BOM, tabs), the file
//! mode survives, untouched files are not rewritten, a file changed since it was read is left alone, and a
//! fix that would not remove its finding writes nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scope_lint::policy::SettingsSource;
use scope_lint::rules::CATALOG;
use scope_lint::walk::{self, FsSources};
use scope_lint::{Linter, fix, policy as config};

const TABLE_PAGE: &str = "# Tokens\r\n\r\n| Name            | Description    |\r\n| --------------- | -------------- |\r\n| AI Gateway Read | Read gateways. |\r\n| AI Gateway Run  | Call gateways.\t|\r\n\r\n## Next\r\n\r\nText.\r\n";

fn scope_lint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("scope-lint runs")
}

fn temp_tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (name, bytes) in files {
        let path = dir.path().join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    dir
}

/// The one contiguous run of bytes `after` has in addition to `before`, when that is all that changed.
fn inserted<'a>(before: &[u8], after: &'a [u8]) -> Option<&'a [u8]> {
    let prefix = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    let suffix = before[prefix..]
        .iter()
        .rev()
        .zip(after[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (prefix + suffix == before.len()).then(|| &after[prefix..after.len() - suffix])
}

#[test]
fn crlf_bom_and_tabs_survive_and_only_the_callout_is_added() {
    let mut original = b"\xef\xbb\xbf".to_vec();
    original.extend_from_slice(TABLE_PAGE.as_bytes());
    let dir = temp_tree(&[("tokens.md", &original)]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fixed = fs::read(dir.path().join("tokens.md")).unwrap();
    let added = inserted(&original, &fixed).expect("the fix only inserts");
    let added = std::str::from_utf8(added).unwrap();
    assert!(
        added.contains("> [!NOTE]\r\n> **AI Gateway tokens are account-scoped**\r\n"),
        "{added:?}"
    );
    assert!(
        !added.replace("\r\n", "").contains('\n'),
        "every inserted line ends in CRLF"
    );
    assert!(fixed.starts_with(b"\xef\xbb\xbf# Tokens"));
    let second = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(
        String::from_utf8_lossy(&second.stdout),
        "nothing to fix in 1 file\n"
    );
    assert_eq!(fs::read(dir.path().join("tokens.md")).unwrap(), fixed);
}

/// A second byte-order mark is text of the page (only the file's first is taken off): the fix's checks
/// read the edited page with it kept, so offsets stay offsets (a run used to panic on such a page).
#[test]
fn a_second_byte_order_mark_stays_text_through_the_fix() {
    let original =
        "\u{feff}\u{feff}## Permissions\n\n- AI Gateway Read\n- AI Gateway Edit\n日本語 🚀\n";
    let dir = temp_tree(&[("a.md", original.as_bytes())]);
    let check = scope_lint(dir.path(), &["check", ".", "--format", "concise"]);
    assert_eq!(
        check.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let fixed = fs::read(dir.path().join("a.md")).unwrap();
    let added = inserted(original.as_bytes(), &fixed).expect("the fix only inserts");
    assert!(String::from_utf8_lossy(added).contains("> [!NOTE]"));
    let again = scope_lint(dir.path(), &["check", "."]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "no findings in 1 file\n"
    );
}

#[cfg(unix)]
#[test]
fn the_file_mode_survives_and_untouched_files_keep_their_mtime() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_tree(&[
        ("tokens.md", TABLE_PAGE.as_bytes()),
        ("clean.md", b"# Nothing here\n"),
    ]);
    let page = dir.path().join("tokens.md");
    let clean = dir.path().join("clean.md");
    fs::set_permissions(&page, fs::Permissions::from_mode(0o640)).unwrap();
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    fs::File::options()
        .write(true)
        .open(&clean)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        fs::metadata(&page).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        fs::metadata(&clean).unwrap().modified().unwrap(),
        old,
        "a file without an edit is not rewritten"
    );
    let leftovers: Vec<PathBuf> = fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".scope-lint-")
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file is left: {leftovers:?}"
    );
}

#[test]
fn diff_writes_nothing() {
    let dir = temp_tree(&[("tokens.md", TABLE_PAGE.as_bytes())]);
    let output = scope_lint(dir.path(), &["fix", "--diff", "."]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a pending fix is exit 1 (a \"fixes pending\" gate)"
    );
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(
        diff.starts_with("--- a/tokens.md\n+++ b/tokens.md\n"),
        "{diff}"
    );
    assert!(diff.contains("+> [!NOTE]"));
    assert_eq!(
        fs::read(dir.path().join("tokens.md")).unwrap(),
        TABLE_PAGE.as_bytes()
    );
}

#[test]
fn a_file_changed_since_it_was_read_is_left_alone() {
    let dir = temp_tree(&[("tokens.md", TABLE_PAGE.as_bytes())]);
    let page = dir.path().join("tokens.md");
    let linter = Linter::new(
        config::load(
            &SettingsSource {
                start: dir.path().to_path_buf(),
                ..Default::default()
            },
            CATALOG,
        )
        .unwrap(),
    );
    let sources = FsSources::default();
    let roots = [dir.path().to_path_buf()];
    let plan = walk::fix_plan::plan(
        walk::check_paths(&roots, &linter),
        &linter,
        &sources,
        &roots,
    );
    assert_eq!(plan.changes.len(), 1);
    fs::write(&page, "# Someone else's edit\n").unwrap();
    let errors = fix::write_changes(&plan.changes);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].to_string().ends_with(
            "tokens.md: changed on disk since it was read; left alone, run `scope-lint fix` again"
        ),
        "{}",
        errors[0]
    );
    assert_eq!(
        fs::read_to_string(&page).unwrap(),
        "# Someone else's edit\n"
    );
}

#[test]
fn a_fix_that_would_not_remove_its_finding_writes_nothing() {
    // The template does not say "account-scoped", so the inserted call-out would not be acceptable.
    let config = "extends = \"cloudflare\"\n\n[[callouts]]\nproduct = \"ai-gateway\"\ntemplate = \"Read about {product} tokens.\"\n";
    let dir = temp_tree(&[
        ("scope-lint.toml", config.as_bytes()),
        ("tokens.md", TABLE_PAGE.as_bytes()),
    ]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("./tokens.md: the fix for SL001 did not remove the finding"),
        "{stderr}"
    );
    assert_eq!(
        fs::read(dir.path().join("tokens.md")).unwrap(),
        TABLE_PAGE.as_bytes()
    );
}

/// The CLI's stdout, stderr and exit code, for messages in assertions.
fn outcome(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every file under `dir` with its bytes (links are followed), sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push((
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&path).unwrap(),
                ));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn one_unreadable_input_fixes_no_file_and_exits_2() {
    let dir = temp_tree(&[
        ("tokens.md", TABLE_PAGE.as_bytes()),
        ("other/more.md", TABLE_PAGE.as_bytes()),
        ("broken.md", b"caf\xe9\n"),
    ]);
    let before = snapshot(dir.path());
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", outcome(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.md:1:4: not valid UTF-8"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: nothing was written: 1 input could not be read; fix it and run `scope-lint fix` again"),
        "{stderr}"
    );
    assert!(
        !String::from_utf8_lossy(&output.stdout)
            .lines()
            .any(|line| line.starts_with("fixed "))
    );
    assert_eq!(
        snapshot(dir.path()),
        before,
        "no file changed, the good ones included"
    );
    let bad_config = temp_tree(&[
        ("scope-lint.toml", b"rules = 3\n"),
        ("tokens.md", TABLE_PAGE.as_bytes()),
    ]);
    let before = snapshot(bad_config.path());
    let output = scope_lint(bad_config.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(snapshot(bad_config.path()), before);
}

#[test]
fn crlf_move_keeps_every_line_apart() {
    let page = "# Permissions 日本\r\n\r\n## Intro\r\n> [!NOTE]\r\n> AI Gateway permissions are account-scoped only: a token cannot be restricted to a single gateway.\r\n## Perms\r\n\r\n| Name | Description |\r\n| --- | --- |\r\n| AI Gateway Read | 読む 🙂 |\r\n## Next\r\n\r\nText.\r\n";
    let dir = temp_tree(&[("p.md", page.as_bytes())]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join("p.md")).unwrap(),
        "# Permissions 日本\r\n\r\n## Intro\r\n\r\n## Perms\r\n\r\n| Name | Description |\r\n| --- | --- |\r\n| AI Gateway Read | 読む 🙂 |\r\n\r\n> [!NOTE]\r\n> AI Gateway permissions are account-scoped only: a token cannot be restricted to a single gateway.\r\n\r\n## Next\r\n\r\nText.\r\n"
    );
    let again = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "nothing to fix in 1 file\n"
    );
}

#[test]
fn crlf_removal_does_not_glue_a_table_row_to_the_next_heading() {
    let capabilities = include_str!("cmd/fix-stale.in/capabilities.toml");
    let config = include_str!("cmd/fix-stale.in/scope-lint.toml");
    let page = "# AI Gateway tokens\r\n\r\n| Name            | Description    |\r\n| --------------- | -------------- |\r\n| AI Gateway Read | Read gateways. |\r\n> **Note:** AI Gateway permissions are account-scoped only; they cannot be restricted to a single gateway.\r\n## Next\r\n\r\nمرحبا\r\n";
    let dir = temp_tree(&[
        ("capabilities.toml", capabilities.as_bytes()),
        ("scope-lint.toml", config.as_bytes()),
        ("g.md", page.as_bytes()),
    ]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join("g.md")).unwrap(),
        "# AI Gateway tokens\r\n\r\n| Name            | Description    |\r\n| --------------- | -------------- |\r\n| AI Gateway Read | Read gateways. |\r\n\r\n## Next\r\n\r\nمرحبا\r\n"
    );
}

const DIRECTIVE: &str = ":::note[AI Gateway tokens are account-scoped]\nAI Gateway permissions (AI Gateway Read/Edit/Run) are account-scoped only. Unlike R2 (which supports per-bucket token scoping), there is currently no resource type to scope an API token to a single AI Gateway. A token with AI Gateway Run can call any gateway in the account; it cannot be restricted to one.\n:::";

#[test]
fn an_export_further_down_does_not_pull_the_callout_onto_the_next_heading() {
    let page = "# T\n\n## Perms\n\n| Name | D |\n| --- | --- |\n| AI Gateway Read | x |\n\n## Next\n\nText.\n\nexport const x = 1;\n";
    let dir = temp_tree(&[("p.mdx", page.as_bytes())]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join("p.mdx")).unwrap(),
        format!(
            "# T\n\n## Perms\n\n| Name | D |\n| --- | --- |\n| AI Gateway Read | x |\n\n{DIRECTIVE}\n\n## Next\n\nText.\n\nexport const x = 1;\n"
        )
    );
}

#[test]
fn crlf_mdx_insertion_after_an_import_keeps_cr_and_lf_together() {
    let name = "src/content/docs/ai-gateway/configuration/authentication.mdx";
    let page = "---\r\ntitle: 日本\r\n---\r\nimport { Tabs } from \"~/components\";\r\n";
    let dir = temp_tree(&[(name, page.as_bytes())]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join(name)).unwrap(),
        format!("{page}\r\n{}\r\n", DIRECTIVE.replace('\n', "\r\n"))
    );
}

#[test]
fn an_include_cycle_stops_every_write_and_says_so() {
    let cycle = "# 自己 😀\n\n{{#include self.md}}\n";
    let dir = temp_tree(&[
        ("tokens.md", TABLE_PAGE.as_bytes()),
        ("self.md", cycle.as_bytes()),
    ]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", outcome(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr,
        "error: ./self.md:3:1: include cycle: ./self.md -> ./self.md; this include of ./self.md is not followed\n\
         error: nothing was written: the run has 1 error (above); fix it and run `scope-lint fix` again\n"
    );
    assert_eq!(
        fs::read(dir.path().join("tokens.md")).unwrap(),
        TABLE_PAGE.as_bytes()
    );
}

#[test]
fn every_line_keeps_its_own_line_break_when_the_callout_lands_after_it() {
    // A CRLF page whose last line ends in LF, and a page that mixes CR, LF and CRLF (a table row ends
    // in a lone CR): the call-out goes after the last line's break, which stays as it was.
    let crlf_last_lf =
        "# P 日本\r\n\r\n## Account permissions\r\n\r\n- AI Gateway Read\r\n- AI Gateway Run\n";
    let mixed = "# P\r\n\n## Account permissions\r\r\n| Name | D |\n| --- | --- |\r\n\
                 | AI Gateway Read | R |\r| AI Gateway Run | 🚀 |\n";
    for original in [crlf_last_lf, mixed] {
        let dir = temp_tree(&[("a.md", original.as_bytes())]);
        let output = scope_lint(dir.path(), &["fix", "."]);
        assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
        let fixed = String::from_utf8(fs::read(dir.path().join("a.md")).unwrap()).unwrap();
        let added = fixed
            .strip_prefix(original)
            .unwrap_or_else(|| panic!("{fixed:?} does not start with the page"));
        assert!(added.starts_with("\r\n> [!NOTE]\r\n"), "{added:?}");
        assert!(added.ends_with("restricted to one.\r\n"), "{added:?}");
        assert!(
            !added.replace("\r\n", "").contains(['\r', '\n']),
            "{added:?}"
        );
        let again = scope_lint(dir.path(), &["check", "."]);
        assert_eq!(
            String::from_utf8_lossy(&again.stdout),
            "no findings in 1 file\n"
        );
    }
}

#[test]
fn one_stray_crlf_line_does_not_make_the_callout_crlf() {
    // The first line ends in CRLF, the other nine in LF: the call-out is written with LF.
    let page = TABLE_PAGE
        .replacen("\r\n", "\u{1}", 1)
        .replace("\r\n", "\n")
        .replace('\u{1}', "\r\n");
    let dir = temp_tree(&[("tokens.md", page.as_bytes())]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    let fixed = fs::read(dir.path().join("tokens.md")).unwrap();
    let added = inserted(page.as_bytes(), &fixed).expect("the fix only inserts");
    let added = std::str::from_utf8(added).unwrap();
    assert!(
        added.contains("> [!NOTE]\n> **AI Gateway tokens are account-scoped**\n"),
        "{added:?}"
    );
    assert!(!added.contains('\r'), "{added:?}");
}

#[test]
fn a_multi_line_template_keeps_crlf_and_the_quote_prefix_inside_a_list_item() {
    let config = "extends = \"cloudflare\"\n\n[[callouts]]\nproduct = \"ai-gateway\"\ntemplate = \"\"\"\n{product} permissions ({groups}) are account-scoped only.\n\nA token cannot be restricted to a single {noun}; it can call any {noun} in the account.\n\"\"\"\nwhere-listed = false\npages = [\"setup.md\"]\n";
    let page = "# Set up 日本\r\n\r\n1. Open the dashboard.\r\n2. Create a token with **AI Gateway** > **Run**:\r\n   it is shown once.\r\n3. Call the gateway.\r\n\r\n## Next\r\n";
    let dir = temp_tree(&[
        ("scope-lint.toml", config.as_bytes()),
        ("setup.md", page.as_bytes()),
    ]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join("setup.md")).unwrap(),
        // No blank line above the call-out: one there would make the tight list loose.
        "# Set up 日本\r\n\r\n1. Open the dashboard.\r\n2. Create a token with **AI Gateway** > **Run**:\r\n   it is shown once.\r\n   > [!NOTE]\r\n   > AI Gateway permissions (AI Gateway Read/Edit/Run) are account-scoped only.\r\n   >\r\n   > A token cannot be restricted to a single gateway; it can call any gateway in the account.\r\n3. Call the gateway.\r\n\r\n## Next\r\n"
    );
}

#[test]
fn aside_is_imported_unless_a_specifier_binds_that_name() {
    let config = "extends = \"cloudflare\"\n\n[render]\nmdx = \"aside\"\n";
    let page = "---\r\ntitle: T\r\n---\r\n\r\nimport { Asides, Aside as A } from \"~/components\";\r\n\r\n## Groups\r\n\r\n- AI Gateway Read\r\n- AI Gateway Run 🙂\r\n";
    let bound = "import Aside from \"./Aside.astro\";\n\n## Groups\n\n- AI Gateway Read\n";
    let namespace = "import * as Aside from \"./asides\";\n\n## Groups\n\n- AI Gateway Read\n";
    let dir = temp_tree(&[
        ("scope-lint.toml", config.as_bytes()),
        ("p.mdx", page.as_bytes()),
        ("bound.mdx", bound.as_bytes()),
        ("namespace.mdx", namespace.as_bytes()),
    ]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", outcome(&output));
    let fixed = fs::read_to_string(dir.path().join("p.mdx")).unwrap();
    assert!(
        fixed.starts_with("---\r\ntitle: T\r\n---\r\n\r\nimport { Aside, Asides, Aside as A } from \"~/components\";\r\n"),
        "{fixed}"
    );
    assert!(fixed.ends_with("- AI Gateway Run 🙂\r\n\r\n<Aside type=\"note\" title=\"AI Gateway tokens are account-scoped\">\r\n\r\nAI Gateway permissions (AI Gateway Read/Edit/Run) are account-scoped only. Unlike R2 (which supports per-bucket token scoping), there is currently no resource type to scope an API token to a single AI Gateway. A token with AI Gateway Run can call any gateway in the account; it cannot be restricted to one.\r\n\r\n</Aside>\r\n"), "{fixed}");
    let bound_fixed = fs::read_to_string(dir.path().join("bound.mdx")).unwrap();
    assert!(
        bound_fixed.starts_with("import Aside from \"./Aside.astro\";\n\n## Groups"),
        "{bound_fixed}"
    );
    assert!(bound_fixed.contains("<Aside type=\"note\""));
    assert_eq!(
        fs::read_to_string(dir.path().join("namespace.mdx")).unwrap(),
        namespace,
        "`<Aside>` cannot render a namespace object: no fix is offered"
    );
}

#[test]
fn a_fix_that_would_change_the_page_structure_is_not_offered_and_writes_nothing() {
    // A fence line in the template closes the admonish fence early: the rest would become page content.
    let config = "extends = \"cloudflare\"\n\n[render]\nmarkdown = \"admonish\"\n\n[[callouts]]\nproduct = \"ai-gateway\"\ntemplate = \"\"\"\n{product} permissions are account-scoped only; a token cannot be restricted to a single {noun}.\n```\n\n# Surprise\n\"\"\"\n";
    let dir = temp_tree(&[
        ("scope-lint.toml", config.as_bytes()),
        ("tokens.md", TABLE_PAGE.as_bytes()),
    ]);
    let by_hand = "by hand: `scope-lint fix` found no edit here that keeps the page's structure";
    let checked = scope_lint(dir.path(), &["check", "."]);
    assert_eq!(checked.status.code(), Some(1), "{}", outcome(&checked));
    assert!(
        String::from_utf8_lossy(&checked.stdout).contains(by_hand),
        "{}",
        outcome(&checked)
    );
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", outcome(&output));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("nothing to fix in 1 file\n\nnot fixed automatically:\n"),
        "{stdout}"
    );
    assert!(stdout.contains(by_hand), "{stdout}");
    assert!(!stdout.lines().any(|line| line.starts_with("fixed ")));
    assert_eq!(
        fs::read(dir.path().join("tokens.md")).unwrap(),
        TABLE_PAGE.as_bytes()
    );
}

#[test]
fn a_listing_and_the_next_heading_in_one_blockquote_get_no_fix_promise() {
    // The call-out would go between the list and the heading inside the quote, ending the list there;
    // right after the quote is past the heading, in the next section.
    let page = "# AI Gateway 🙂\n\n> ## Permissions ✅\n>\n> - AI Gateway Read\n> - AI Gateway Edit\n>\n> ## Other\n";
    let dir = temp_tree(&[("tokens.md", page.as_bytes())]);
    let checked = scope_lint(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(checked.status.code(), Some(1), "{}", outcome(&checked));
    assert_eq!(
        String::from_utf8_lossy(&checked.stdout),
        "./tokens.md:5:3: SL001 section \"Permissions ✅\" lists AI Gateway permission groups (AI Gateway Read, AI Gateway Edit) but has no call-out that they are account-scoped only\nfound 1 error and 0 warnings in 1 file\n"
    );
    let explained = scope_lint(dir.path(), &["check", "."]);
    assert!(
        String::from_utf8_lossy(&explained.stdout).contains(
            "help: add a call-out saying AI Gateway tokens cannot be scoped below the account by hand: `scope-lint fix` found no edit here that keeps the page's structure"
        ),
        "{}",
        outcome(&explained)
    );
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", outcome(&output));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(
        fs::read(dir.path().join("tokens.md")).unwrap(),
        page.as_bytes()
    );
}

#[test]
fn overlapping_paths_fix_a_file_once() {
    let dir = temp_tree(&[("d/a.md", TABLE_PAGE.as_bytes())]);
    let output = scope_lint(dir.path(), &["fix", "d", "./d", "d/a.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("fixed ").count(), 1, "{stdout}");
    let fixed = fs::read_to_string(dir.path().join("d/a.md")).unwrap();
    assert_eq!(fixed.matches("[!NOTE]").count(), 1, "{fixed}");
}

#[cfg(unix)]
#[test]
fn a_directory_link_out_of_the_tree_is_never_written() {
    let dir = temp_tree(&[
        ("tree/docs/inside.md", TABLE_PAGE.as_bytes()),
        ("elsewhere/victim.md", TABLE_PAGE.as_bytes()),
    ]);
    std::os::unix::fs::symlink("../../elsewhere", dir.path().join("tree/docs/out")).unwrap();
    let output = scope_lint(&dir.path().join("tree"), &["fix", "docs"]);
    assert_eq!(output.status.code(), Some(2), "{}", outcome(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let real = fs::canonicalize(dir.path().join("elsewhere/victim.md")).unwrap();
    assert!(
        stderr.contains(&format!(
            "error: docs/out/victim.md: resolves to {}, outside the paths given; left alone",
            real.display()
        )),
        "{stderr}"
    );
    assert_eq!(fs::read(&real).unwrap(), TABLE_PAGE.as_bytes());
    assert_ne!(
        fs::read(dir.path().join("tree/docs/inside.md")).unwrap(),
        TABLE_PAGE.as_bytes(),
        "the page inside the tree is fixed"
    );
}

#[cfg(unix)]
#[test]
fn a_linked_page_is_fixed_once_through_the_link() {
    let dir = temp_tree(&[("docs/real.md", TABLE_PAGE.as_bytes())]);
    let link = dir.path().join("docs/link.md");
    std::os::unix::fs::symlink("real.md", &link).unwrap();
    let output = scope_lint(dir.path(), &["fix", "docs"]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout)
            .matches("fixed ")
            .count(),
        1
    );
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real.md"));
    let fixed = fs::read_to_string(dir.path().join("docs/real.md")).unwrap();
    assert_eq!(fixed.matches("[!NOTE]").count(), 1, "{fixed}");
}

#[cfg(unix)]
#[test]
fn hard_links_stay_linked_and_owner_and_group_are_kept() {
    use std::os::unix::fs::MetadataExt;
    let dir = temp_tree(&[
        ("docs/a.md", TABLE_PAGE.as_bytes()),
        ("docs/b.md", TABLE_PAGE.as_bytes()),
    ]);
    let (a, b, twin) = (
        dir.path().join("docs/a.md"),
        dir.path().join("docs/b.md"),
        dir.path().join("twin.md"),
    );
    fs::hard_link(&a, &twin).unwrap();
    // Where the process may (as root), give b.md another owner and group: the fix must keep them.
    let owned = std::os::unix::fs::chown(&b, Some(4242), Some(4343)).is_ok();
    let owner = fs::metadata(&b).unwrap();
    let output = scope_lint(dir.path(), &["fix", "docs"]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    let fixed = fs::read(&a).unwrap();
    assert_ne!(fixed, TABLE_PAGE.as_bytes());
    assert_eq!(
        fs::read(&twin).unwrap(),
        fixed,
        "the other name sees the fix"
    );
    assert_eq!(
        fs::metadata(&a).unwrap().ino(),
        fs::metadata(&twin).unwrap().ino()
    );
    assert_eq!(fs::metadata(&a).unwrap().nlink(), 2);
    let after = fs::metadata(&b).unwrap();
    assert_ne!(fs::read(&b).unwrap(), TABLE_PAGE.as_bytes());
    assert_eq!((after.uid(), after.gid()), (owner.uid(), owner.gid()));
    if owned {
        assert_eq!((after.uid(), after.gid()), (4242, 4343));
    }
}

#[cfg(unix)]
#[test]
fn two_hard_links_in_the_tree_are_one_file_fixed_once() {
    use std::os::unix::fs::MetadataExt;
    let dir = temp_tree(&[("docs/a.md", TABLE_PAGE.as_bytes())]);
    let (a, twin) = (
        dir.path().join("docs/a.md"),
        dir.path().join("docs/ツイン.md"),
    );
    fs::hard_link(&a, &twin).unwrap();
    let output = scope_lint(dir.path(), &["fix", "docs"]);
    // Before, the second name was planned as a file of its own and found "changed on disk" (exit 2).
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "fixed docs/a.md: insert the AI Gateway call-out\n"
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    let fixed = fs::read(&a).unwrap();
    let callout = inserted(TABLE_PAGE.as_bytes(), &fixed).expect("only an insertion");
    assert_eq!(
        String::from_utf8_lossy(callout).matches("[!NOTE]").count(),
        1
    );
    assert_eq!(fs::read(&twin).unwrap(), fixed);
    assert_eq!(
        fs::metadata(&a).unwrap().ino(),
        fs::metadata(&twin).unwrap().ino()
    );
}

/// Runs `scope-lint` as an unprivileged user: directly when the tests are not root, else through
/// `setpriv` as `nobody`; `None` when neither is possible (the caller says it skipped).
#[cfg(unix)]
fn unprivileged(dir: &Path, args: &[&str]) -> Option<Output> {
    let root = std::process::Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&root.stdout).trim() != "0" {
        return Some(scope_lint(dir, args));
    }
    let output = Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_scope-lint"),
        ])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .ok()?;
    // setpriv missing or not allowed, or the binary not reachable by `nobody`.
    (output.status.code() != Some(127)
        && output.status.code() != Some(126)
        && !String::from_utf8_lossy(&output.stderr).starts_with("setpriv:"))
    .then_some(output)
}

#[cfg(unix)]
#[test]
fn read_only_directories_and_files_are_reported_and_never_called_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_tree(&[
        ("ro/a.md", TABLE_PAGE.as_bytes()),
        ("rw/locked.md", TABLE_PAGE.as_bytes()),
        ("rw/open.md", TABLE_PAGE.as_bytes()),
    ]);
    let mode = |path: &str, mode| {
        fs::set_permissions(dir.path().join(path), fs::Permissions::from_mode(mode)).unwrap()
    };
    mode("ro/a.md", 0o666);
    mode("rw/locked.md", 0o444);
    mode("rw/open.md", 0o666);
    mode("rw", 0o777);
    mode("ro", 0o555);
    mode(".", 0o755);
    let Some(output) = unprivileged(dir.path(), &["fix", "ro", "rw"]) else {
        eprintln!(
            "SKIPPED read_only_directories_and_files_are_reported_and_never_called_fixed: running as root without setpriv"
        );
        mode("ro", 0o755);
        return;
    };
    mode("ro", 0o755);
    assert_eq!(output.status.code(), Some(2), "{}", outcome(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stdout
            .lines()
            .filter(|line| line.starts_with("fixed "))
            .collect::<Vec<_>>(),
        ["fixed rw/open.md: insert the AI Gateway call-out"],
        "{}",
        outcome(&output)
    );
    let ro = fs::canonicalize(dir.path().join("ro")).unwrap();
    assert!(
        stderr.contains(&format!(
            "error: ro/a.md: cannot create a temporary file in {}: permission denied; left alone",
            ro.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: rw/locked.md: not writable by this user; left alone"),
        "{stderr}"
    );
    assert_eq!(
        fs::read(dir.path().join("ro/a.md")).unwrap(),
        TABLE_PAGE.as_bytes()
    );
    assert_eq!(
        fs::read(dir.path().join("rw/locked.md")).unwrap(),
        TABLE_PAGE.as_bytes()
    );
    assert_ne!(
        fs::read(dir.path().join("rw/open.md")).unwrap(),
        TABLE_PAGE.as_bytes()
    );
}

#[test]
fn a_stale_callout_between_two_lists_is_left_for_a_person_rather_than_joining_them() {
    let capabilities = include_str!("cmd/fix-stale.in/capabilities.toml");
    let config = include_str!("cmd/fix-stale.in/scope-lint.toml");
    let page = "# AI Gateway tokens\n\n- AI Gateway Read\n\n> **Note:** AI Gateway permissions are account-scoped only; they cannot be restricted to a single gateway.\n\n- AI Gateway Run 🙂\n";
    let dir = temp_tree(&[
        ("capabilities.toml", capabilities.as_bytes()),
        ("scope-lint.toml", config.as_bytes()),
        ("g.md", page.as_bytes()),
    ]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", outcome(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with("nothing to fix in 1 file\n\nnot fixed automatically:\nerror[SL002]"),
        "{stdout}"
    );
    assert_eq!(fs::read_to_string(dir.path().join("g.md")).unwrap(), page);
}

#[test]
fn fixes_that_only_break_the_structure_together_are_applied_one_at_a_time() {
    let capabilities = include_str!("cmd/fix-stale.in/capabilities.toml");
    let config = include_str!("cmd/fix-stale.in/scope-lint.toml");
    let note = "> **Note:** AI Gateway permissions are account-scoped only; they cannot be restricted to a single gateway.\n";
    // Either removal alone keeps the two lists apart; both together would join them into one list.
    let page = format!(
        "# AI Gateway tokens\n\n- AI Gateway Read\n\n{note}\n{note}\n- AI Gateway Run 日本\n"
    );
    let dir = temp_tree(&[
        ("capabilities.toml", capabilities.as_bytes()),
        ("scope-lint.toml", config.as_bytes()),
        ("g.md", page.as_bytes()),
    ]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(1), "{}", outcome(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join("g.md")).unwrap(),
        format!("# AI Gateway tokens\n\n- AI Gateway Read\n\n{note}\n- AI Gateway Run 日本\n")
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.starts_with(
            "fixed ./g.md: remove the stale call-out\n\nnot fixed automatically:\nerror[SL002]"
        ),
        "{stdout}"
    );
    assert!(output.stderr.is_empty(), "{}", outcome(&output));
}

/// `fix` on a tree holding `page` as `name`: its exit code, and the page afterwards.
fn fixed_page(name: &str, page: &str, extra: &[(&str, &[u8])]) -> (Option<i32>, String, Output) {
    let mut files: Vec<(&str, &[u8])> = extra.to_vec();
    files.push((name, page.as_bytes()));
    let dir = temp_tree(&files);
    let output = scope_lint(dir.path(), &["fix", "."]);
    let after = fs::read_to_string(dir.path().join(name)).unwrap();
    (output.status.code(), after, output)
}

/// The GFM note `fix` writes into a Markdown page.
const GFM_NOTE: &str = "> [!NOTE]\n> **AI Gateway tokens are account-scoped**\n>\n> AI Gateway permissions (AI Gateway Read/Edit/Run) are account-scoped only. Unlike R2 (which supports per-bucket token scoping), there is currently no resource type to scope an API token to a single AI Gateway. A token with AI Gateway Run can call any gateway in the account; it cannot be restricted to one.";

#[test]
fn a_heading_inside_a_block_after_the_listing_puts_the_callout_before_the_block() {
    // The next heading sits inside a block (raw HTML, a directive, a blockquote, a list item, a `<Tabs>`
    // element): the call-out goes before that block, not into it and not splitting it.
    let cases = [
        ("page.md", "<div>\n\n## 次へ\n\nText.\n\n</div>\n"),
        (
            "page.md",
            "> Some quote 😀\n>\n> ### Heading inside a quote\n>\n> more\n",
        ),
        (
            "page.md",
            "1. Step one\n\n   ### Heading inside a list item مرحبا\n\n   text\n",
        ),
        ("page.mdx", ":::note\n## Next\n"),
        (
            "page.mdx",
            ":::tip\n### Heading in a directive\ntext\n:::\n\n## Next\n",
        ),
        (
            "page.mdx",
            "<Tabs>\n<TabItem label=\"Dashboard\">\n\n### Inside tab e\u{301}\n\ntext\n\n</TabItem>\n<TabItem label=\"API\">\n\nother\n\n</TabItem>\n</Tabs>\n\n## Next\n",
        ),
    ];
    for (name, block) in cases {
        let listing = "## Permissions 🔑\n\n| Name | Description |\n| --- | --- |\n| AI Gateway Read | x |\n\n";
        let page = format!("{listing}{block}");
        let (code, after, output) = fixed_page(name, &page, &[]);
        assert_eq!(code, Some(0), "{block:?}: {}", outcome(&output));
        let callout = if name.ends_with(".mdx") {
            DIRECTIVE
        } else {
            GFM_NOTE
        };
        assert_eq!(after, format!("{listing}{callout}\n\n{block}"), "{block:?}");
    }
}

#[test]
fn an_html_block_after_a_list_listing_ends_the_list_and_the_callout_goes_before_it() {
    // CommonMark ends the list at an unindented HTML block after a blank line (or at one that interrupts
    // a paragraph); the masked text the model parses has blank lines there, so the list used to run on
    // into the block and `fix` refused the page.
    let listing = "## Permissions 🔑\n\n- AI Gateway Read — ログ\n- AI Gateway Edit\n\n";
    let blocks = [
        "<details>\n<summary>More — מידע</summary>\n\n## Inside e\u{301}\n\n</details>\n",
        "<div class=\"note\">\n  <p>x</p>\n\n### Deeper 次\n\n</div>\n",
    ];
    for block in blocks {
        let page = format!("{listing}{block}");
        let (code, after, output) = fixed_page("page.md", &page, &[]);
        assert_eq!(code, Some(0), "{block:?}: {}", outcome(&output));
        assert_eq!(
            after,
            format!("{listing}{GFM_NOTE}\n\n{block}"),
            "{block:?}"
        );
    }
}

#[test]
fn a_quote_inside_an_html_block_is_raw_text_and_stays_where_it_is() {
    // `<div>` with the quote right below it is one raw HTML block (CommonMark, mdBook): the quote is text of
    // the block, no call-out, so the listing gets one of its own and the block is left as it is (moving the
    // quote out would turn raw text into a blockquote).
    let page = "# T\n\n<div>\n> [!NOTE]\n> AI Gateway permissions are account-scoped only. A token cannot be restricted to a single gateway.\n\n## Permissions مرحبا\n\n- AI Gateway Run\n";
    let (code, after, output) = fixed_page("div.md", page, &[]);
    assert_eq!(code, Some(0), "{}", outcome(&output));
    assert_eq!(after, format!("{page}\n{GFM_NOTE}\n"));
}

#[test]
fn a_heading_line_that_is_raw_html_text_does_not_end_the_section() {
    // `## 次へ` right below `<div>` is text of the HTML block: the section runs on to the page's end.
    let listing =
        "## Permissions 🔑\n\n| Name | Description |\n| --- | --- |\n| AI Gateway Read | x |\n\n";
    let block = "<div>\n## 次へ\n\nText.\n";
    let (code, after, output) = fixed_page("page.md", &format!("{listing}{block}"), &[]);
    assert_eq!(code, Some(0), "{}", outcome(&output));
    assert_eq!(after, format!("{listing}{block}\n{GFM_NOTE}\n"));
}

#[test]
fn a_stale_callout_is_removed_with_its_lazy_line_of_unicode_space() {
    let capabilities = include_str!("cmd/fix-stale.in/capabilities.toml");
    let config = include_str!("cmd/fix-stale.in/scope-lint.toml");
    let note = "> **Note:** AI Gateway permissions are account-scoped only; they cannot be restricted to a single gateway.\n";
    // Not blank lines: each is a lazy continuation line of the blockquote, removed with it.
    for lazy in ["\u{a0}", "\u{2029}", "\u{85}", "\u{c}", "\u{3000}"] {
        let page =
            format!("# AI Gateway tokens\n\n- AI Gateway Read\n\n{note}{lazy}\n\n## Next 日本\n");
        let extra: [(&str, &[u8]); 2] = [
            ("capabilities.toml", capabilities.as_bytes()),
            ("scope-lint.toml", config.as_bytes()),
        ];
        let (code, after, output) = fixed_page("g.md", &page, &extra);
        assert_eq!(code, Some(0), "{lazy:?}: {}", outcome(&output));
        assert_eq!(
            after, "# AI Gateway tokens\n\n- AI Gateway Read\n\n## Next 日本\n",
            "{lazy:?}"
        );
    }
}

#[test]
fn a_moved_callout_keeps_its_lines_of_unicode_space() {
    for space in ["\u{a0}", "\u{c}", "\u{2029}"] {
        let page = format!(
            "## Permissions\n\n- AI Gateway Run\n\n## Other\n\n:::note[AI Gateway]\n{space}\nAI Gateway permissions are account-scoped only. A token cannot be restricted to a single gateway.\n:::\n"
        );
        let (code, after, output) = fixed_page("m.mdx", &page, &[]);
        assert_eq!(code, Some(0), "{space:?}: {}", outcome(&output));
        assert_eq!(
            after,
            format!(
                "## Permissions\n\n- AI Gateway Run\n\n:::note[AI Gateway]\n{space}\nAI Gateway permissions are account-scoped only. A token cannot be restricted to a single gateway.\n:::\n\n## Other\n"
            ),
            "{space:?}"
        );
    }
}

#[test]
fn a_fix_that_would_take_the_file_over_max_file_size_writes_nothing() {
    let config = "extends = \"cloudflare\"\nmax-file-size = 1024\n";
    let page = format!(
        "## Permissions 日本\n\n- AI Gateway Run\n\n{}\n",
        "x".repeat(1024 - 60)
    );
    assert!(page.len() <= 1024);
    let (code, after, output) =
        fixed_page("near.md", &page, &[("scope-lint.toml", config.as_bytes())]);
    assert_eq!(code, Some(2), "{}", outcome(&output));
    assert_eq!(after, page);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("./near.md: the fixed file would be ")
            && stderr.contains(
                " bytes, larger than 1 KiB (the `max-file-size` limit); not written: the file stays as it was before this fix"
            ),
        "{stderr}"
    );
}

#[test]
fn many_fixes_of_one_page_are_applied_together() {
    let sections: String = (0..40)
        .map(|index| format!("## Section {index} 🙂\n\n- AI Gateway Run\n\n"))
        .collect();
    let (code, after, output) = fixed_page("many.md", &sections, &[]);
    assert_eq!(code, Some(0), "{}", outcome(&output));
    assert_eq!(after.matches("> [!NOTE]\n").count(), 40, "{after}");
    for index in 0..40 {
        let section = &after[after.find(&format!("## Section {index} ")).unwrap()..];
        let next = section[3..]
            .find("## Section")
            .map_or(section.len(), |end| end + 3);
        assert_eq!(section[..next].matches("> [!NOTE]").count(), 1, "{index}");
    }
}

#[test]
fn more_misplaced_callouts_than_one_round_checks_are_all_moved() {
    // 70 call-outs in the introduction, 70 sections that list the groups: one round makes 64 moves (each is
    // read back in a parse of the page), the next round the rest.
    let callout = "> [!NOTE]\n> AI Gateway permissions are account-scoped only: a token cannot be restricted to a single gateway.\n\n";
    let sections: String = (0..70)
        .map(|index| format!("## 節 {index} 🚀\n\n- AI Gateway Read\n\n"))
        .collect();
    let page = format!("{}{sections}", callout.repeat(70));
    let dir = temp_tree(&[("p.md", page.as_bytes())]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    let check = scope_lint(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(
        String::from_utf8_lossy(&check.stdout),
        "no findings in 1 file\n",
        "{}",
        outcome(&check)
    );
    let fixed = fs::read_to_string(dir.path().join("p.md")).unwrap();
    assert_eq!(fixed.matches("> [!NOTE]").count(), 70);
    assert!(
        fixed.starts_with("## 節 0 🚀\n\n- AI Gateway Read\n\n> [!NOTE]\n"),
        "{fixed}"
    );
}

#[test]
fn a_page_refused_in_the_first_round_does_not_stop_the_next_rounds_of_the_others() {
    // `near.md` is refused (its fix would pass `max-file-size`); `p.md` has more misplaced call-outs than
    // one round moves, so it needs a second round, which must still run.
    let config = "extends = \"cloudflare\"\nmax-file-size = 16384\n";
    let near = format!(
        "## Permissions 日本\n\n- AI Gateway Run\n\n{}\n",
        "x".repeat(16384 - 60)
    );
    let callout = "> [!NOTE]\n> AI Gateway permissions are account-scoped only: a token cannot be restricted to a single gateway.\n\n";
    let sections: String = (0..70)
        .map(|index| format!("## 節 {index} 🚀\n\n- AI Gateway Read\n\n"))
        .collect();
    let page = format!("{}{sections}", callout.repeat(70));
    assert!(page.len() < 16384);
    let dir = temp_tree(&[
        ("near.md", near.as_bytes()),
        ("p.md", page.as_bytes()),
        ("scope-lint.toml", config.as_bytes()),
    ]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(2), "{}", outcome(&output));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr
            .matches("./near.md: the fixed file would be ")
            .count(),
        1,
        "the refusal is reported once: {stderr}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("near.md")).unwrap(),
        near
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("fixed ./p.md: ").count(), 2, "{stdout}");
    let check = scope_lint(dir.path(), &["check", "--format", "concise", "p.md"]);
    assert_eq!(
        String::from_utf8_lossy(&check.stdout),
        "no findings in 1 file\n",
        "{}",
        outcome(&check)
    );
}

/// Runs `fix` on `page` (exit 0), asserts the call-out lands after the region's closing comment and that
/// `check` then finds nothing and a second `fix` changes nothing; returns the fixed page and where the
/// call-out starts in it.
fn fixed_around_a_region(page: &str) -> (String, usize) {
    let dir = temp_tree(&[("page.md", page.as_bytes())]);
    let output = scope_lint(dir.path(), &["fix", "page.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", outcome(&output));
    let fixed = fs::read_to_string(dir.path().join("page.md")).unwrap();
    let close = fixed
        .find("<!-- /scope-lint:table -->")
        .expect("the region stays");
    let callout = fixed.find("> [!NOTE]").expect("the call-out is inserted");
    assert!(close < callout, "{fixed}");
    let recheck = scope_lint(dir.path(), &["check", "page.md"]);
    assert_eq!(recheck.status.code(), Some(0), "{}", outcome(&recheck));
    let again = scope_lint(dir.path(), &["fix", "page.md"]);
    assert_eq!(again.status.code(), Some(0), "{}", outcome(&again));
    assert_eq!(
        fs::read_to_string(dir.path().join("page.md")).unwrap(),
        fixed
    );
    (fixed, callout)
}

#[test]
fn a_callout_after_a_generated_table_goes_after_the_region_not_into_it() {
    // The section ends in a fence never closed, so the call-out the regenerated table needs goes right
    // after the listing: after the region's closing comment, where the next regeneration leaves it.
    let (fixed, _) = fixed_around_a_region(
        "# Tokens — トークン\n\n## Matrix\n\n<!-- scope-lint:table -->\n| old |\n<!-- /scope-lint:table -->\n\n```\ncode never closed 😀\n",
    );
    assert!(
        fixed.ends_with("\n\n```\ncode never closed 😀\n"),
        "{fixed}"
    );
}

#[test]
fn a_callout_at_a_section_end_goes_after_a_generated_region_that_ends_it() {
    // The region's closing comment stands right above the next heading: it is the region's, not a note
    // on the heading, so the call-out goes after it, not into the region.
    let (fixed, callout) = fixed_around_a_region(
        "## P — 権限\n\n- AI Gateway Read\n\n<!-- scope-lint:table product=ai-gateway -->\n| x |\n<!-- /scope-lint:table -->\n## Next\n\nText 😀.\n",
    );
    assert!(callout < fixed.find("## Next").unwrap(), "{fixed}");
}
