//! A no-op mdBook preprocessor for `bench/mdbook-overhead.sh`: what any preprocessor pays for the protocol.
//! It answers `supports` with yes, reads the request with the same pipe pacing scope-lint uses
//! (`scope_lint::mdbook::PacedPipe`), finds the book (the second element of the `[context, book]` array)
//! with one scan of the bytes, and writes it back unchanged.

use std::io::{Read, Write};

fn main() {
    if std::env::args().nth(1).as_deref() == Some("supports") {
        return;
    }
    let mut request = Vec::new();
    if let Err(error) =
        scope_lint::mdbook::PacedPipe::new(std::io::stdin().lock()).read_to_end(&mut request)
    {
        eprintln!("noop-preprocessor: reading the request: {error}");
        std::process::exit(1);
    }
    let Some(book) = second_element(&request) else {
        eprintln!("noop-preprocessor: the request is not a [context, book] array");
        std::process::exit(1);
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(book)
        .and_then(|()| stdout.flush())
        .is_err()
    {
        std::process::exit(1);
    }
}

/// The bytes of the second element of a top-level JSON array of two.
fn second_element(json: &[u8]) -> Option<&[u8]> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    let mut start = None;
    for (index, &byte) in json.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(&json[start?..index]);
                }
            }
            b',' if depth == 1 => start = Some(index + 1),
            _ => {}
        }
    }
    None
}
