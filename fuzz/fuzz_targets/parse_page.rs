#![no_main]
//! Parses arbitrary text as a page in both dialects and calls the page model's accessors.

use libfuzzer_sys::fuzz_target;
use scope_lint::doc::source::SourceText;
use scope_lint::doc::{Dialect, Page, SectionId};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for dialect in [Dialect::Mdx, Dialect::Markdown] {
        let page = Page::parse(SourceText::new("t", text.to_owned()), dialect);
        for unit in &page.units {
            let _ = page.unit_text(unit);
        }
        for section in 0..=page.headings.len() {
            let section = SectionId(section);
            let _ = page.section_range(section);
            let _ = page.section_body_end(section);
            let _ = page.section_title(section);
            let _ = page.section_contains(SectionId(0), section);
            let _ = page.section_contains(section, SectionId(page.headings.len()));
        }
        for offset in [0, text.len() / 2, text.len()] {
            let _ = page.section_at(offset);
            let _ = page.source.position(offset);
        }
        for line in 1..=page.source.line_count() {
            let _ = page.source.line_range(line);
        }
    }
});
