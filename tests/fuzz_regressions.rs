//! Inputs the fuzz targets in `fuzz/` found, minimized and kept here so they stay fixed. Each runs through
//! the same code as its target: `fuzz/fuzz_targets/common.rs` is included as a module, so the oracle is
//! the fuzzers' own (no panic; after `fix`, the fixed findings are gone, a second round changes nothing,
//! and the page's block structure is the original's plus or minus exactly the call-out).
//!
//! A case's selector byte is the target's (see the target's doc comment): it picks the page path, the
//! call-out form, and whether the table makes AI Gateway per-gateway (existing call-outs are then stale).

#[path = "../fuzz/fuzz_targets/common.rs"]
mod common;

use scope_lint::doc::source::SourceText;
use scope_lint::doc::{Dialect, Page};

/// What `fuzz_targets/fix_roundtrip.rs` does with one input.
fn fix_roundtrip(selector: u8, text: &str) {
    let relative = common::PATHS[usize::from(selector & 0x03) % common::PATHS.len()];
    let variant = common::Variant {
        in_partial: false,
        ..common::Variant::from_selector(selector)
    };
    common::roundtrip(
        common::variant_linter(variant),
        relative,
        selector & 0x80 != 0,
        text.to_owned(),
    );
}

/// What `fuzz_targets/check_site.rs` does with one input: the texts fill `common::SITE_FILES` in order.
fn check_site(selector: u8, texts: &[&str]) {
    let files = common::SITE_FILES
        .iter()
        .zip(texts)
        .map(|(path, text)| (std::path::PathBuf::from(path), (*text).to_owned()))
        .collect();
    common::site_roundtrip(
        common::variant_linter(common::Variant::from_selector(selector)),
        files,
    );
}

/// What `fuzz_targets/parse_page.rs` does first: parse in both dialects.
fn parse_both(text: &str) {
    for dialect in [Dialect::Mdx, Dialect::Markdown] {
        let page = Page::parse(SourceText::new("t", text.to_owned()), dialect);
        for unit in &page.units {
            let _ = page.unit_text(unit);
        }
    }
}

/// fix_roundtrip, 2026-12-01: a parser range that starts inside a replacement character (U+FFFD, three
/// bytes) after `{{#` in MDX panicked in `doc/markdown.rs` ("byte index is not a char boundary").
#[test]
fn mdx_shortcode_and_include_markers_next_to_a_replacement_character() {
    let text = ">}}\n{{#ou\u{fffd}\u{fffd}\u{fffd}\u{fffd}{{#ed.\n{{\u{fffd}\0\0\0\0\0\0\0}}#";
    parse_both(text);
    fix_roundtrip(b':', text);
}

/// fix_roundtrip, 2026-12-01: removing a stale Hugo-shortcode call-out that starts in the middle of a line
/// removed the whole line, so the text before the shortcode on that line (`>n\u{fffd}`) went with it.
#[test]
fn removing_a_stale_callout_that_starts_mid_line_keeps_the_text_before_it() {
    let text =
        ">n\u{fffd}{{<Aside typ=\"[\">}}\nAI Gateway ay  is account-scoped.\n{{</Aside>}}\n{{#";
    fix_roundtrip(b'1', text);
}

/// check_site, 2026-12-01 (a false alarm of the oracle, kept as a case): removing a stale directive that
/// follows a list item on a CRLF page; the list's range loses its trailing blank lines, its content stays.
#[test]
fn removing_a_stale_directive_after_a_crlf_list_item_keeps_the_list() {
    let page = "# T\r\n\r\n:::note[AI Gateway tokens are account-scoped]\r\nAI Gateway permissions (AI Gateway \
                Read/Edit/Run) are account-scoped only. A token cannot be restrictud to a single gateway.\r\n:::\r\n\r\n\
                ## Intro\r\n\r\nText\r\n\r\n## Perms\r\n\r\n- AI Gateway# T\r\n\r\n:::note[AI Gateway tokens are \
                account-scoped]\r\nAI Gateway  Read\r\n- AIa single gateway.\n\nMore.\n";
    check_site(b'$', &[page, "", "", ""]);
}

/// Issue 8's own examples, through the fuzzers' oracle: the oracle must hold on each (and, on the code the
/// issue was filed against, each of these failed it).
#[test]
fn issue_8_examples_hold_under_the_oracle() {
    // A JSX comment with CJK in MDX: the parser range started inside `日`.
    fix_roundtrip(0x00, "# T\n\n{/*日本*/}text\n\n- AI Gateway Run\n");
    // Moving a misplaced call-out on a CRLF page glued `## Intro## Perms`.
    let crlf = "# T\r\n\r\n:::note[AI Gateway tokens are account-scoped]\r\nAI Gateway permissions (AI Gateway \
                Read/Edit/Run) are account-scoped only. A token cannot be restricted to a single gateway.\r\n:::\r\n\
                \r\n## Intro\r\n\r\nText\r\n\r\n## Perms\r\n\r\n- AI Gateway Read\r\n- AI Gateway Run\r\n\r\n## Next\r\n";
    for selector in [0x00, 0x01, 0x02] {
        fix_roundtrip(selector, crlf);
    }
    // An ESM line after the section glued the call-out to the next heading (`:::## Next`); `Aside as A`
    // is not `Aside`. Every form, MDX and Markdown.
    let esm = "## Perms\n\n| AI Gateway Read | 日本 |\n| --- | --- |\n\nimport { Aside as A } from \"~/components\";\n\n## Next 😀\n";
    for form in 0..6u8 {
        fix_roundtrip(form << 2, esm);
        fix_roundtrip((form << 2) | 0x01, esm);
    }
}

/// fix_roundtrip, 2026-12-02: in an included MDX page, a list after a paragraph with unclosed JSX tags got
/// the call-out after its first item, splitting the list in two.
#[test]
fn a_callout_after_a_list_in_an_included_mdx_page_does_not_split_it() {
    let text = "You can scope a token\n<tr><td><cod\u{12}1. Create a\"token:\n\n   - `AI Gateway - Read`\n   - `AI2. Next\natewai Run.\n";
    fix_roundtrip(0x82, text);
}

/// fix_roundtrip, 2026-12-02: on a required page, the spot after the list item that names the group was
/// inside a `:::note` directive the item opens (its body is outdented): the call-out landed inside it and a
/// lazy line joined it. A spot inside another call-out, or a call-out that reaches past its own text, is
/// not offered as a fix.
#[test]
fn a_callout_is_never_inserted_inside_another_callout() {
    let text = "1. Cre\u{fffd}te a token:\0\n    `AI Gateway - Read`\n   - ``AI \u{fffd}ateway - Edit`&\n\n   :::note\n  \u{fffd}x\n   :::\n\n1. Next\n";
    fix_roundtrip(0x12, text);
}

/// fix_roundtrip, 2026-12-02 (after the fixes above): a required page whose first heading sits inside a list
/// item put the call-out at column 0 before the heading, ending the list. An insertion is now offered only
/// when the page's block structure is kept, as moves and removals already were.
#[test]
fn an_insertion_that_would_end_a_list_is_not_offered() {
    let text = "1. Create a token:\n\n   # - Edit`&\n:::\n   note\n   [^x\n   :::\n\n4. Next\n";
    for selector in [0x02, 0x12, 0x06, 0x0a] {
        fix_roundtrip(selector, text);
    }
}
