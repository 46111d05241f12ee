//! `scope-lint debug blocks FILE...`: prints the page model's block outline as JSON, to compare with what
//! other parsers make of the same page (`tests/mdast/dump.mjs` prints mdast in the same shape).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use scope_lint::Error;
use scope_lint::doc::blocks::{self, BlockLines};
use scope_lint::doc::source::SourceText;
use scope_lint::doc::{Dialect, Page};

#[derive(Debug, Args)]
pub struct DebugArgs {
    #[command(subcommand)]
    pub view: DebugView,
}

#[derive(Debug, Subcommand)]
pub enum DebugView {
    /// Print every block of each page (kind, lines, depth) as one JSON document
    #[command(
        long_about = "Print the page model's blocks as one JSON document: an array of {\"path\", \"blocks\"}, where \
        each block at every depth, in document order, is {\"kind\", \"start_line\", \"end_line\", \"depth\"} plus \
        \"level\" for headings, \"rows\" for tables (the header row counts, the delimiter row does not) and \
        \"items\" for lists. Kinds: heading, paragraph, table, list, code, blockquote, jsx, expression, esm, \
        directive, html, thematic-break, front-matter. Lines are 1-based; depth counts the enclosing lists, \
        blockquotes, JSX elements and directives. `.mdx` files are read as MDX, others as Markdown.\n\n\
        tests/mdast/dump.mjs prints the same shape from @mdx-js/mdx's mdast, to compare the two."
    )]
    Blocks {
        /// The pages (files, not directories)
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(serde::Serialize)]
struct FileBlocks {
    path: String,
    blocks: Vec<BlockLines>,
}

/// Runs `debug blocks`: every file is read first, so a bad one prints nothing and exits 2.
pub fn run(args: DebugArgs) -> Result<u8, Error> {
    let DebugView::Blocks { files } = args.view;
    let mut out = Vec::with_capacity(files.len());
    for path in &files {
        out.push(outline(path)?);
    }
    let mut json = serde_json::to_string_pretty(&out).expect("the outline serialises");
    json.push('\n');
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(json.as_bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::io(Path::new("<stdout>"), error))
        }
        _ => Ok(0),
    }
}

fn outline(path: &Path) -> Result<FileBlocks, Error> {
    let text = scope_lint::walk::read_source(path)?;
    let page = Page::parse(SourceText::new(path, text), Dialect::from_path(path));
    Ok(FileBlocks {
        path: path.to_string_lossy().into_owned(),
        blocks: blocks::lines(&page.source, &page.outline),
    })
}
