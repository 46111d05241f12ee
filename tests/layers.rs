//! The library's top-level modules (each file or folder directly under `src/`) import one way: a module may
//! use only modules in a lower layer (or its own). This test reads every `crate::` path, every
//! `use crate::{a, b}` group and every `super::` path that climbs out of a top-level module, builds the
//! module graph, and fails naming `file:line` for each import that points up or sideways, and for any cycle.
//!
//! The order is declared in `LAYERS` below and explained in `docs/ARCHITECTURE.md`; the binary
//! (`src/main.rs`, `src/cli*`, `src/bin/`) sits above all of it and is not checked here.
//!
//! `cargo test --test layers -- --nocapture` prints the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Bottom first. Modules on one line form one layer and must not import each other.
const LAYERS: &[&[&str]] = &[
    &["bytes"],
    &["doc", "text", "catalog"],
    &["error"],
    &["read", "guard"],
    &["toml_check"],
    &["table"],
    &["policy"],
    &["source"],
    &["facts"],
    &["rules"],
    &["fix"],
    &["lint"],
    &["walk"],
    &["changed", "report"],
    &["mdbook"],
];

/// Files that belong to the binary, not the library.
fn is_binary_file(relative: &Path) -> bool {
    let first = relative.components().next().unwrap().as_os_str();
    first == "main.rs" || first == "cli.rs" || first == "cli" || first == "bin"
}

#[derive(Debug, Clone)]
struct Import {
    from: String,
    to: String,
    file: PathBuf,
    line: usize,
}

#[test]
fn top_level_modules_import_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let declared = declared_modules(&src.join("lib.rs"));
    let layer_of = layer_index();
    let mut problems = Vec::new();
    for module in &declared {
        if !layer_of.contains_key(module.as_str()) {
            problems.push(format!(
                "src/lib.rs: module `{module}` is in no layer; add it to LAYERS in tests/layers.rs and to docs/ARCHITECTURE.md"
            ));
        }
    }
    for layer_module in layer_of.keys() {
        if !declared.contains(*layer_module) {
            problems.push(format!(
                "tests/layers.rs: LAYERS names `{layer_module}`, which src/lib.rs does not declare"
            ));
        }
    }
    let imports = library_imports(&src, &declared);
    for import in &imports {
        let (Some(&from), Some(&to)) = (
            layer_of.get(import.from.as_str()),
            layer_of.get(import.to.as_str()),
        ) else {
            continue;
        };
        if from <= to {
            problems.push(format!(
                "src/{}:{}: `{}` imports `{}`, which is {} (layer order: tests/layers.rs LAYERS, docs/ARCHITECTURE.md)",
                import.file.display(),
                import.line,
                import.from,
                import.to,
                if from == to { "in the same layer" } else { "above it" },
            ));
        }
    }
    let graph = graph_of(&imports);
    if let Some(cycle) = find_cycle(&graph) {
        problems.push(format!("import cycle: {}", cycle.join(" -> ")));
    }
    println!("top-level module graph (module -> modules it imports):");
    for (module, targets) in &graph {
        println!(
            "  {module} -> {}",
            targets.iter().cloned().collect::<Vec<_>>().join(", ")
        );
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn the_reader_finds_paths_groups_and_super() {
    let modules: BTreeSet<String> = ["a", "b", "c", "d"].map(String::from).into();
    let text = "use crate::a::X;\n// crate::d in a comment\nlet s = \"crate::d\";\nuse crate::{\n  b::{Y, Z},\n  c,\n};\nmod tests { use super::super::d; }\n";
    let found = imports_in(text, &["b".to_string()], &modules);
    let found: Vec<(String, usize)> = found.into_iter().collect();
    assert_eq!(
        found,
        vec![
            ("a".to_string(), 1),
            ("b".to_string(), 5),
            ("c".to_string(), 6),
            ("d".to_string(), 8)
        ]
    );
    // One `super` from a top-level file is the crate root; from a nested file it is the same module.
    assert_eq!(
        imports_in("use super::c::Z;", &["b".into()], &modules),
        vec![("c".into(), 1)]
    );
    assert!(imports_in("use super::c::Z;", &["b".into(), "x".into()], &modules).is_empty());
    assert!(imports_in("pub(super) fn f() {}", &["b".into()], &modules).is_empty());
}

fn layer_index() -> BTreeMap<&'static str, usize> {
    let mut index = BTreeMap::new();
    for (layer, modules) in LAYERS.iter().enumerate() {
        for module in *modules {
            index.insert(*module, layer);
        }
    }
    index
}

/// The `mod NAME;` items of the library root.
fn declared_modules(lib: &Path) -> BTreeSet<String> {
    let text = fs::read_to_string(lib).unwrap();
    let tokens = tokens(&strip(&text));
    let mut modules = BTreeSet::new();
    for window in tokens.windows(3) {
        if window[0].text == "mod" && window[2].text == ";" {
            modules.insert(window[1].text.clone());
        }
    }
    modules
}

fn library_imports(src: &Path, modules: &BTreeSet<String>) -> Vec<Import> {
    let mut files = Vec::new();
    collect_rs_files(src, &mut files);
    let mut imports = Vec::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap().to_path_buf();
        if is_binary_file(&relative) || relative == Path::new("lib.rs") {
            continue;
        }
        let path = module_path(&relative);
        let text = fs::read_to_string(&file).unwrap();
        for (to, line) in imports_in(&text, &path, modules) {
            if to != path[0] {
                imports.push(Import {
                    from: path[0].clone(),
                    to,
                    file: relative.clone(),
                    line,
                });
            }
        }
    }
    imports
}

fn collect_rs_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_rs_files(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            files.push(path);
        }
    }
}

/// `table/load.rs` -> [table, load]; `table/mod.rs` -> [table]; `error.rs` -> [error].
fn module_path(relative: &Path) -> Vec<String> {
    let mut path: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = path.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        path.push(stem.to_string());
    }
    path
}

/// The top-level modules a file's code names, with the line of each mention.
fn imports_in(
    text: &str,
    file_path: &[String],
    modules: &BTreeSet<String>,
) -> Vec<(String, usize)> {
    let tokens = tokens(&strip(text));
    let mut found = Vec::new();
    // Inline modules (`mod tests { ... }`) deepen the path for `super::`.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let token = &tokens[i];
        match token.text.as_str() {
            "{" => depth += 1,
            "}" => {
                depth = depth.saturating_sub(1);
                while inline.last().is_some_and(|(_, d)| *d > depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t.text == "{") => {
                inline.push((tokens[i + 1].text.clone(), depth + 1));
            }
            "crate" if is_path_sep(&tokens, i + 1) && !is_dollar(&tokens, i) => {
                collect_targets(&tokens, i + 2, modules, &mut found);
            }
            "super" if !is_path_sep_before(&tokens, i) => {
                let mut supers = 0;
                let mut j = i;
                while tokens.get(j).is_some_and(|t| t.text == "super")
                    && is_path_sep(&tokens, j + 1)
                {
                    supers += 1;
                    j += 2;
                }
                if supers == 0 {
                    // `pub(super)`, or `super` alone.
                    i += 1;
                    continue;
                }
                let here = file_path.len() + inline.len();
                if supers >= here {
                    collect_targets(&tokens, j, modules, &mut found);
                }
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

fn is_path_sep(tokens: &[Token], i: usize) -> bool {
    tokens.get(i).is_some_and(|t| t.text == "::")
}

fn is_path_sep_before(tokens: &[Token], i: usize) -> bool {
    i > 0 && tokens[i - 1].text == "::"
}

fn is_dollar(tokens: &[Token], i: usize) -> bool {
    i > 0 && tokens[i - 1].text == "$"
}

/// At `start` (just after `crate::`): one name, or a `{ a, b::c, d::{..} }` group.
fn collect_targets(
    tokens: &[Token],
    start: usize,
    modules: &BTreeSet<String>,
    found: &mut Vec<(String, usize)>,
) {
    let Some(token) = tokens.get(start) else {
        return;
    };
    if token.text != "{" {
        if modules.contains(&token.text) {
            found.push((token.text.clone(), token.line));
        }
        return;
    }
    let mut depth = 0;
    let mut expect_name = true;
    for token in &tokens[start..] {
        match token.text.as_str() {
            "{" => {
                depth += 1;
                expect_name = depth == 1;
            }
            "}" => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            "," if depth == 1 => expect_name = true,
            name if expect_name && depth == 1 => {
                if modules.contains(name) {
                    found.push((name.to_string(), token.line));
                }
                expect_name = false;
            }
            _ => {}
        }
    }
}

#[derive(Debug)]
struct Token {
    text: String,
    line: usize,
}

/// The text with comments, strings and char literals blanked (line breaks kept, so lines still count).
fn strip(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut nesting = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    nesting += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    nesting -= 1;
                    out.push_str("  ");
                    i += 2;
                    if nesting == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            // Raw string r"..." / r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                match chars.get(j) {
                    None => break,
                    Some('"') if (1..=hashes).all(|k| chars.get(j + k) == Some(&'#')) => {
                        j += 1 + hashes;
                        break;
                    }
                    _ => j += 1,
                }
            }
            for &skipped in &chars[i..j.min(chars.len())] {
                out.push(blank(skipped));
            }
            i = j;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}'), not a lifetime ('a).
            let close = if next == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&k| chars[k] == '\'')
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(end) => {
                    out.extend(std::iter::repeat_n(' ', end + 1 - i));
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

fn tokens(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_alphanumeric() || c == '_' {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                tokens.push(Token {
                    text: chars[start..i].iter().collect(),
                    line: index + 1,
                });
            } else if c == ':' && chars.get(i + 1) == Some(&':') {
                tokens.push(Token {
                    text: "::".into(),
                    line: index + 1,
                });
                i += 2;
            } else if c.is_whitespace() {
                i += 1;
            } else {
                tokens.push(Token {
                    text: c.to_string(),
                    line: index + 1,
                });
                i += 1;
            }
        }
    }
    tokens
}

fn graph_of(imports: &[Import]) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for import in imports {
        graph
            .entry(import.from.clone())
            .or_default()
            .insert(import.to.clone());
    }
    graph
}

/// A cycle in the graph, as the modules along it, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        if let Some(cycle) = visit(node, graph, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}
