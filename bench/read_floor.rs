//! The floor under the speed targets, as a whole command: `read-floor DIR...` lists each directory with the
//! walker `scope-lint check` uses (`ignore`'s walk on the calling thread, the files read on rayon's pool,
//! hidden entries skipped) and reads
//! every file `check` reads (`walk::EXTENSIONS`: `.md`, `.mdx`, `.markdown`) as UTF-8 text, doing nothing
//! else; it prints the number of files and bytes. Timed next to `baseline` with `bench/interleave.py`, it
//! shows how much of a target is left for everything a check does besides listing and reading the tree. See
//! bench/README.md.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use ignore::WalkBuilder;
use scope_lint::walk::has_page_extension;

fn main() {
    let (files, bytes) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let read = |path: &Path| match std::fs::read_to_string(path) {
        Ok(text) => {
            files.fetch_add(1, Ordering::Relaxed);
            bytes.fetch_add(text.len(), Ordering::Relaxed);
        }
        Err(error) => {
            eprintln!("{}: {error}", path.display());
            std::process::exit(2);
        }
    };
    for dir in std::env::args_os().skip(1) {
        let walk = WalkBuilder::new(&dir)
            .follow_links(true)
            .require_git(false)
            .build();
        // Pages are handed to rayon eight at a time as the walk finds them, as `check` hands them.
        rayon::in_place_scope(|scope| {
            let mut pages = Vec::with_capacity(8);
            for entry in walk.flatten() {
                if entry.file_type().is_some_and(|kind| kind.is_file())
                    && has_page_extension(entry.path())
                {
                    pages.push(entry);
                }
                if pages.len() == 8 {
                    let full = std::mem::replace(&mut pages, Vec::with_capacity(8));
                    scope.spawn(move |_| full.iter().for_each(|entry| read(entry.path())));
                }
            }
            scope.spawn(move |_| pages.iter().for_each(|entry| read(entry.path())));
        });
    }
    println!("{} files, {} bytes", files.into_inner(), bytes.into_inner());
}
