#![no_main]
//! A small site in memory: the input after the selector byte is split at `0xff` into up to five files that
//! can include each other (`{{#include a.md}}`, `<Render file="x" />`, `<Render file="y" product="p" />`,
//! cycles included). Every file is checked as `scope-lint check` does (a file another includes is a
//! partial), every fix is applied, and the fixed site is held to the oracle: fixed findings gone, a second
//! round a no-op, each changed file's block structure kept but for the call-out.
//!
//! Selector byte: bits 2-4 the call-out form (mod 6), bit 5 a stale table, bit 6 placement in the partial.

use std::collections::BTreeMap;
use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let linter = common::variant_linter(common::Variant::from_selector(selector));
    let files: BTreeMap<PathBuf, String> = common::SITE_FILES
        .iter()
        .zip(common::pieces(rest, common::SITE_FILES.len()))
        .map(|(path, text)| (PathBuf::from(path), text))
        .collect();
    common::site_roundtrip(linter, files);
});
