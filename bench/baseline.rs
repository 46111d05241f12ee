//! The speed baseline, as a whole command: `baseline DIR...` walks each directory on one thread, reads
//! every `.md`, `.mdx` and `.markdown` file (skipping hidden entries) and parses it once with pulldown-cmark
//! (mdBook's options), consuming every event; it prints the number of files and events. `bench/speed.sh`
//! times it side by side with `scope-lint check` with hyperfine. See bench/README.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser};

fn main() {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM;
    let (mut files, mut events) = (0usize, 0usize);
    for dir in std::env::args_os().skip(1) {
        let mut pages = Vec::new();
        markdown_files(Path::new(&dir), &mut pages);
        for page in pages {
            let text = match std::fs::read_to_string(&page) {
                Ok(text) => text,
                Err(error) => {
                    eprintln!("{}: {error}", page.display());
                    std::process::exit(2);
                }
            };
            files += 1;
            for event in Parser::new_ext(&text, options) {
                black_box(&event);
                events += 1;
            }
        }
    }
    println!("{files} files, {events} events");
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| {
                ["md", "mdx", "markdown"]
                    .iter()
                    .any(|known| extension.eq_ignore_ascii_case(known))
            })
        {
            out.push(path);
        }
    }
}
