//! `scope-lint fix` never damages a page: bytes outside the insertion survive (CRLF, BOM, tabs), the file
//! mode survives, untouched files are not rewritten, a file changed since it was read is left alone, and a
//! fix that would not remove its finding writes nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scope_lint::config::SettingsSource;
use scope_lint::walk::{self, FsLoader};
use scope_lint::{Linter, config, fix};

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
        config::load(&SettingsSource {
            start: dir.path().to_path_buf(),
            ..Default::default()
        })
        .unwrap(),
    );
    let loader = FsLoader::default();
    let plan = fix::plan(
        walk::check_paths(&[dir.path().to_path_buf()], &linter),
        &linter,
        &loader,
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

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = temp_tree(&[
        ("tokens.md", TABLE_PAGE.as_bytes()),
        ("broken.md", b"caf\xe9\n"),
    ]);
    let output = scope_lint(dir.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("broken.md:1:4: not valid UTF-8"));
    assert_eq!(
        fs::read(dir.path().join("broken.md")).unwrap(),
        b"caf\xe9\n"
    );
    let bad_config = temp_tree(&[
        ("scope-lint.toml", b"rules = 3\n"),
        ("tokens.md", TABLE_PAGE.as_bytes()),
    ]);
    let output = scope_lint(bad_config.path(), &["fix", "."]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        fs::read(bad_config.path().join("tokens.md")).unwrap(),
        TABLE_PAGE.as_bytes()
    );
}
