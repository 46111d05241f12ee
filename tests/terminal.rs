//! Terminal behaviour trycmd cannot express: a closed stdout (`scope-lint rules | head -1`) and an mdBook
//! preprocessor started on a terminal.

use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_scope-lint");

/// Runs scope-lint with a stdout pipe whose reader is already closed: every write fails with EPIPE.
fn with_closed_stdout(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(BIN)
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_stdout_ends_every_subcommand_quietly() {
    let cases: &[(&[&str], i32)] = &[
        (&["rules"], 0),
        (&["explain", "SL001"], 0),
        (&["table"], 0),
        (&["table", "--format", "json"], 0),
        (&["completions", "zsh"], 0),
        (&["man"], 0),
        (&["--help"], 0),
        // The findings still decide the exit status.
        (&["check", "examples/cloudflare-docs"], 1),
        (&["examples/cloudflare-docs", "--format", "sarif"], 1),
        (
            &["check", "examples/cloudflare-docs", "--format", "concise"],
            1,
        ),
        (&["fix", "--diff", "examples/cloudflare-docs"], 1),
    ];
    for (args, status) in cases {
        let output = with_closed_stdout(args);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr, "", "{args:?} printed to stderr");
        assert_eq!(output.status.code(), Some(*status), "{args:?}");
    }
}

#[test]
fn the_preprocessor_on_a_terminal_explains_itself_instead_of_waiting() {
    // `script` (util-linux) gives the command a pseudo-terminal; CI images have it.
    let Ok(probe) = Command::new("script").arg("--version").output() else {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    };
    assert!(probe.status.success());
    let mdbook_bin = BIN.replace("scope-lint", "mdbook-scope-lint");
    for command in [format!("{BIN} mdbook"), mdbook_bin] {
        let output = Command::new("timeout")
            .args(["20", "script", "-qec", &command, "/dev/null"])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout).replace('\r', "");
        assert_eq!(output.status.code(), Some(2), "{command}: {text}");
        assert!(
            text.contains("reads mdBook's JSON on stdin")
                && text.contains("command = \"scope-lint mdbook\""),
            "{command}: {text}"
        );
    }
}
