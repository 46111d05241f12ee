#![no_main]
//! Checks a page, applies every fix (insertions, moves and removals) whose edits are all in the page, and
//! holds the result to the oracle in `common`: the fixed findings are gone, a second round proposes no
//! edit, and the block structure is the original's plus or minus exactly the call-out.
//!
//! Selector byte: bits 0-1 the page path (mod 3), bits 2-4 the call-out form (mod 6), bit 5 a table where
//! AI Gateway is per-gateway (existing call-outs are stale: removals), bit 7 the page is included.

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((selector, text)) = common::split(data) else {
        return;
    };
    let relative = common::PATHS[usize::from(selector & 0x03) % common::PATHS.len()];
    let included = selector & 0x80 != 0;
    let variant = common::Variant {
        in_partial: false,
        ..common::Variant::from_selector(selector)
    };
    common::roundtrip(common::variant_linter(variant), relative, included, text);
});
