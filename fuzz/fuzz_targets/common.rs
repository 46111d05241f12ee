//! Shared helpers for the fuzz targets (included with `#[path]`/`mod`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scope_lint::Linter;
use scope_lint::lint::{NoIncludes, PageInput, PageReport};

/// The three page paths the targets check: MDX, Markdown, and a page the policy requires a call-out on.
pub const PATHS: [&str; 3] = [
    "src/content/docs/ai-gateway/get-started.mdx",
    "src/content/docs/ai-gateway/notes.md",
    "src/content/docs/ai-gateway/configuration/authentication.mdx",
];

pub fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(|| {
        let settings = scope_lint::config::load_preset("cloudflare", Path::new("."), None)
            .expect("the embedded preset loads");
        Linter::new(settings)
    })
}

/// The page path (`selector & 0x7f` modulo 3) and whether the page counts as included (bit 7).
pub fn target(selector: u8) -> (&'static str, bool) {
    (
        PATHS[usize::from(selector & 0x7f) % PATHS.len()],
        selector & 0x80 != 0,
    )
}

/// Splits the fuzz input into a selector byte and the page text (invalid UTF-8 is replaced).
pub fn split(data: &[u8]) -> Option<(u8, String)> {
    let (&selector, rest) = data.split_first()?;
    Some((selector, String::from_utf8_lossy(rest).into_owned()))
}

/// Checks `text` as the page at `relative`, with no includes.
pub fn check(relative: &str, included: bool, text: String) -> PageReport {
    linter().check(
        PageInput {
            display: PathBuf::from(relative),
            location: None,
            relative: Path::new(relative),
            text,
            included,
        },
        &NoIncludes,
    )
}
