//! Where a page's lines may be rows of a GFM table: the screen reads a line with a `|` as a split row only
//! there, so a `|` in a TypeScript union type or a shell pipe costs no exact reading.
//!
//! A GFM table is a header row, a delimiter row (`| --- | :-: |`) right below it, and the rows after it up
//! to the first blank line. The model parses the structure text: the masked text (the page with the
//! constructs the MDX pre-pass recognises blanked to spaces, offsets kept), with a thematic break on the
//! lines that hold only constructs and the first `<` or `{` kept where a construct starts a line of text.
//! This reads the masked text, so its tables lie within what this reads:
//!
//! - a line blank in the raw text is blank in the structure text, and ends a table (a line the pre-pass
//!   blanks whole may still be a row there: the structure text keeps the `{` or `<` of a construct that
//!   starts a line of text, so such a line does not end a region);
//! - a delimiter row of the structure text is, in the masked text, a line that holds a `-` and only
//!   CommonMark whitespace (space, tab, line tabulation, form feed), `|`, `-`, `:` and `>` (blockquote
//!   markers); a line that holds a `<` or a `{` is read as one too (leniently);
//! - lines break at `\n`, `\r` and `\r\n`, as CommonMark breaks them.
//!
//! So every row the model can read lies in a *table region*: from the line before the first possible
//! delimiter row of a run of non-blank lines to the end of that run. Lines outside every region are ruled
//! out. Reading is over-approximate (a fenced code block that shows a table is a region too), never under.
//!
//! Making the masked text takes the MDX pre-pass, so the screen first reads the raw text alone
//! ([`TableLines::of_raw`]), which gives regions that hold every region of the masked text: the pre-pass
//! only blanks characters to spaces, and a line it blanks in part holds what starts or ends the construct
//! (`<`, `>`, `{`, `}`) or a directive fence (`:::`, blanked from the fence to the line's end); a line it
//! blanks whole has no `-` left. So a raw line with a `-` and one of those, or with only delimiter-row
//! characters, is read as a possible delimiter row; a line outside these regions is in no region of the
//! masked text, and most pages with pipes (code with union types) are ruled out without the pre-pass.

use std::ops::Range;

use crate::text::lines::lines_and_breaks;

/// The table regions of a page, in order.
#[derive(Debug, Default)]
pub(super) struct TableLines {
    regions: Vec<Range<usize>>,
}

impl TableLines {
    /// The table regions of a page with the `raw` text and the `masked` text (the same lines: the pre-pass
    /// keeps every line break), in one pass over its lines.
    pub(super) fn of(raw: &str, masked: &str) -> TableLines {
        TableLines::read(raw, masked, may_be_a_delimiter_row)
    }

    /// Regions that hold every region [`TableLines::of`] finds with any masked text of `raw`, read from
    /// the raw text alone (see the module doc).
    pub(super) fn of_raw(raw: &str) -> TableLines {
        TableLines::read(raw, raw, may_be_a_delimiter_row_once_masked)
    }

    /// The regions of `raw` with the lines of `structure` read as delimiter rows by `delimiter_row`.
    fn read(raw: &str, structure: &str, delimiter_row: fn(&str) -> bool) -> TableLines {
        let mut regions = Vec::new();
        let mut run: Option<Run> = None;
        for (line, _) in lines_and_breaks(structure) {
            let content = &structure[line.clone()];
            if raw[line.clone()]
                .bytes()
                .all(|byte| matches!(byte, b' ' | b'\t'))
            {
                if let Some(ended) = run.take()
                    && let Some(start) = ended.table_start
                {
                    regions.push(start..ended.end);
                }
                continue;
            }
            let current = run.get_or_insert(Run {
                previous_line: None,
                table_start: None,
                end: line.end,
            });
            if current.table_start.is_none()
                && let Some(header) = current.previous_line
                && delimiter_row(content)
            {
                current.table_start = Some(header);
            }
            current.previous_line = Some(line.start);
            current.end = line.end;
        }
        if let Some(ended) = run
            && let Some(start) = ended.table_start
        {
            regions.push(start..ended.end);
        }
        TableLines { regions }
    }

    /// Whether some of `span` (a line of the page, or more) lies in a table region.
    pub(super) fn overlaps(&self, span: Range<usize>) -> bool {
        let first_ending_after = self
            .regions
            .partition_point(|region| region.end <= span.start);
        self.regions
            .get(first_ending_after)
            .is_some_and(|region| region.start < span.end.max(span.start + 1))
    }
}

/// A run of non-blank lines read so far.
struct Run {
    /// Where the last line read starts.
    previous_line: Option<usize>,
    /// Where the region starts, once a delimiter row is met: at the line before it (the header).
    table_start: Option<usize>,
    /// The end of the last line read.
    end: usize,
}

/// Whether the raw `line` may be a delimiter row of the structure text (see the module doc).
fn may_be_a_delimiter_row(line: &str) -> bool {
    line.contains('-')
        && (line.contains(['<', '{'])
            || line
                .bytes()
                .all(|byte| matches!(byte, b' ' | b'\t' | 0x0b | 0x0c | b'|' | b'-' | b':' | b'>')))
}

/// Whether the raw `line` may be a delimiter row once the MDX pre-pass has blanked the constructs on it
/// (see the module doc).
fn may_be_a_delimiter_row_once_masked(line: &str) -> bool {
    let bytes = line.as_bytes();
    if memchr::memchr(b'-', bytes).is_none() {
        return false;
    }
    let mut only_delimiter_row_bytes = true;
    for &byte in bytes {
        match byte {
            b'<' | b'>' | b'{' | b'}' => return true,
            b' ' | b'\t' | 0x0b | 0x0c | b'|' | b'-' | b':' => {}
            _ => only_delimiter_row_bytes = false,
        }
    }
    only_delimiter_row_bytes || line.contains(":::")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regions(text: &str) -> Vec<&str> {
        TableLines::of(text, text)
            .regions
            .iter()
            .map(|region| &text[region.clone()])
            .collect()
    }

    #[test]
    fn a_region_runs_from_the_header_to_the_blank_line() {
        let text = "Intro — 日本\n| A | B 🚀 |\n| --- | :-: |\n| x | y |\nnot a row\n\n| after | blank |\n";
        assert_eq!(
            regions(text),
            ["| A | B 🚀 |\n| --- | :-: |\n| x | y |\nnot a row"]
        );
    }

    #[test]
    fn pipes_without_a_delimiter_row_are_no_region() {
        let code = "```ts\nconst ref = useRef<HTMLDivElement | null>(null);\ntype T = string | number; // é́\n```\n";
        assert!(regions(code).is_empty());
        assert!(!TableLines::of(code, code).overlaps(6..55));
    }

    #[test]
    fn a_delimiter_row_in_a_blockquote_or_with_a_construct_counts() {
        assert_eq!(
            regions("> | A | B |\n> |---|---|\n> | c | d |"),
            ["> | A | B |\n> |---|---|\n> | c | d |"]
        );
        assert_eq!(
            regions("| A | B |\n| --- | {/* x */} |\n"),
            ["| A | B |\n| --- | {/* x */} |"]
        );
        assert_eq!(
            regions("| A | B |\n|\u{c}---\u{b}| --- |\n"),
            ["| A | B |\n|\u{c}---\u{b}| --- |"]
        );
        // A delimiter row needs a header row above it in the same run.
        assert!(regions("| --- | --- |\n| a | b |").is_empty());
    }

    #[test]
    fn every_line_break_counts_and_crlf_is_one() {
        assert_eq!(
            regions("| A |\r| - |\r| b |\r\r| c |"),
            ["| A |\r| - |\r| b |"]
        );
        assert_eq!(
            regions("| A | עברית |\r\n| - | - |\r\n\r\n| c |"),
            ["| A | עברית |\r\n| - | - |"]
        );
    }

    #[test]
    fn a_line_the_pre_pass_blanks_whole_does_not_end_a_region() {
        let raw = "| A | B |\n| --- | --- |\n{x\n}| c | d |\n";
        let masked = crate::doc::mdx::scan(raw, crate::doc::Dialect::Mdx).masked;
        let regions = TableLines::of(raw, &masked).regions;
        assert_eq!(regions.len(), 1, "{masked:?}");
        assert_eq!(regions[0], 0..raw.len() - 1, "{masked:?}");
    }

    #[test]
    fn overlaps_reads_a_span_against_the_regions() {
        let text = "| A | B |\n|---|---|\n| c | d |\n\ntext | with pipe\n";
        let lines = TableLines::of(text, text);
        assert!(lines.overlaps(0..9));
        assert!(lines.overlaps(20..29));
        assert!(!lines.overlaps(31..48));
        // A line the screen cut at `\n` only may hold several CR-broken lines.
        assert!(TableLines::of("x\r| A |\r| - |", "x\r| A |\r| - |").overlaps(0..13));
    }

    /// Every region read in the masked text lies in a region read from the raw text alone.
    #[test]
    fn raw_regions_hold_the_masked_regions() {
        let pages = [
            "| A | B |\n| --- | --- |\n| c | 日本 |\n",
            "<!-- a\nb --> | --- |\n| x | y |\n",
            "| A |\n- :::note\n| b |\n",
            "| A | é́ |\n<Tag attr=\"a\n\"/>| --- |\n| c | d |\n",
            "| 🚀 | B |\n{x\n} | - | - |\n| c | d |\n",
            "| A | B |\n| --- | <b>x</b> |\n",
            "---\ntitle: x\n---\n\n| مرحبا | B |\n|:-:|---|\n",
            "export const a = {\n  b: '|---|',\n};\n\n| A | B |\n| - | - |\n",
            "| A | B |\n| {{< x >}} | --- |\n",
        ];
        for page in pages {
            let masked = crate::doc::mdx::scan(page, crate::doc::Dialect::Mdx).masked;
            let raw = TableLines::of_raw(page);
            for region in TableLines::of(page, &masked).regions {
                assert!(
                    raw.regions
                        .iter()
                        .any(|held| held.start <= region.start && region.end <= held.end),
                    "{page:?}: {region:?} not in {:?}",
                    raw.regions
                );
            }
        }
    }

    #[test]
    fn raw_regions_rule_out_pipes_in_code_without_a_delimiter_row() {
        let code = "```ts\ntype Mode = 'read' | 'write'; // 日本語\nconst f = (a: number) => a | 0;\n```\n";
        assert!(TableLines::of_raw(code).regions.is_empty());
        // A `-` next to what may end or start a construct keeps the run (leniently).
        let construct = "const x = 1;\n<div className=\"a-b\">\ntype T = 'read' | 'edit';\n";
        let regions = TableLines::of_raw(construct).regions;
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0], 0..construct.len() - 1);
    }
}
