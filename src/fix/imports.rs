//! The names an MDX page's `import` and `export` statements bind, read from their specifiers (default,
//! named, `as` renames, namespace), so a fix knows whether `<Aside>` refers to the imported component and
//! where to add it.

use std::ops::Range;

/// How a local name is bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Binding {
    /// `import { Aside }` or `import { X as Aside }`: the export `imported`.
    Named { imported: String },
    /// `import Aside from "..."`.
    Default,
    /// `import * as Aside from "..."`.
    Namespace,
    /// `export const Aside = ...`, `export function Aside ...`.
    Declared,
}

/// One name an ESM statement binds in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Local {
    pub name: String,
    pub binding: Binding,
}

/// One `import` statement with named specifiers: where its braces are, so a name can be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamedImport {
    /// The module specifier, without quotes.
    pub source: String,
    /// The byte range of `{` ... `}`, closing brace included, in the text that was read.
    pub braces: Range<usize>,
}

/// What a run of ESM statements binds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Esm {
    pub locals: Vec<Local>,
    pub named_imports: Vec<NamedImport>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Word(&'a str),
    Text(&'a str),
    Punct(char),
}

/// Reads the statements in `text[range]`; offsets in the result are offsets into `text`.
pub(crate) fn read(text: &str, range: Range<usize>) -> Esm {
    let tokens = tokenize(text, range);
    let mut esm = Esm::default();
    let mut at = 0;
    while at < tokens.len() {
        at = match tokens[at].0 {
            Token::Word("import") => import(&tokens, at + 1, &mut esm),
            Token::Word("export") => export(&tokens, at + 1, &mut esm),
            _ => at + 1,
        };
    }
    esm
}

type Spanned<'a> = (Token<'a>, usize);

fn import(tokens: &[Spanned<'_>], mut at: usize, esm: &mut Esm) -> usize {
    let word = |at: usize| match tokens.get(at) {
        Some((Token::Word(word), _)) => Some(*word),
        _ => None,
    };
    let punct =
        |at: usize, c: char| matches!(tokens.get(at), Some((Token::Punct(p), _)) if *p == c);
    // `import type { X }` binds types only; `import "x"` binds nothing.
    if word(at) == Some("type") && word(at + 1) != Some("from") {
        return at;
    }
    let mut locals = Vec::new();
    let mut braces = None;
    if let Some(name) = word(at).filter(|word| *word != "from") {
        locals.push(Local {
            name: name.to_owned(),
            binding: Binding::Default,
        });
        at += 1;
        if punct(at, ',') {
            at += 1;
        }
    }
    if punct(at, '*') && word(at + 1) == Some("as") {
        if let Some(name) = word(at + 2) {
            locals.push(Local {
                name: name.to_owned(),
                binding: Binding::Namespace,
            });
        }
        at += 3;
    } else if punct(at, '{') {
        let open = tokens[at].1;
        at += 1;
        while at < tokens.len() && !punct(at, '}') {
            let start = at;
            if word(at) == Some("type") && !punct(at + 1, ',') && !punct(at + 1, '}') {
                // `type X` is a type-only specifier: it binds no value.
                while at < tokens.len() && !punct(at, ',') && !punct(at, '}') {
                    at += 1;
                }
            } else {
                let imported = match &tokens[at].0 {
                    Token::Word(word) => Some((*word).to_owned()),
                    Token::Text(text) => Some((*text).to_owned()),
                    Token::Punct(_) => None,
                };
                at += 1;
                let local = if word(at) == Some("as") {
                    at += 1;
                    let local = word(at).map(str::to_owned);
                    at += 1;
                    local
                } else {
                    imported.clone()
                };
                if let (Some(imported), Some(name)) = (imported, local) {
                    locals.push(Local {
                        name,
                        binding: Binding::Named { imported },
                    });
                }
            }
            // Past the comma, or past a token that starts no specifier, so the loop always advances.
            if punct(at, ',') || at == start {
                at += 1;
            }
        }
        if let Some((_, close)) = tokens.get(at) {
            braces = Some(open..close + 1);
        }
        at += 1;
    }
    if word(at) != Some("from") {
        // Not an import statement we understand; bind nothing from it rather than guess.
        return at;
    }
    let source = match tokens.get(at + 1) {
        Some((Token::Text(source), _)) => (*source).to_owned(),
        _ => return at + 1,
    };
    esm.locals.extend(locals);
    if let Some(braces) = braces {
        esm.named_imports.push(NamedImport { source, braces });
    }
    at + 2
}

fn export(tokens: &[Spanned<'_>], at: usize, esm: &mut Esm) -> usize {
    let word = |at: usize| match tokens.get(at) {
        Some((Token::Word(word), _)) => Some(*word),
        _ => None,
    };
    let mut at = at;
    if word(at) == Some("async") {
        at += 1;
    }
    if matches!(
        word(at),
        Some("const" | "let" | "var" | "function" | "class")
    ) {
        at += 1;
        if matches!(tokens.get(at), Some((Token::Punct('*'), _))) {
            at += 1;
        }
        if let Some(name) = word(at) {
            esm.locals.push(Local {
                name: name.to_owned(),
                binding: Binding::Declared,
            });
        }
    }
    at + 1
}

/// Identifiers, string literals and single punctuation characters, with their offsets; comments and
/// whitespace are skipped.
fn tokenize(text: &str, range: Range<usize>) -> Vec<Spanned<'_>> {
    let mut tokens = Vec::new();
    let mut at = range.start;
    let end = range.end.min(text.len());
    while at < end {
        let rest = &text[at..end];
        let Some(c) = rest.chars().next() else { break };
        if c.is_whitespace() {
            at += c.len_utf8();
        } else if rest.starts_with("//") {
            at += rest.find('\n').unwrap_or(rest.len());
        } else if let Some(comment) = rest.strip_prefix("/*") {
            at += comment.find("*/").map_or(rest.len(), |index| index + 4);
        } else if c == '"' || c == '\'' || c == '`' {
            // An unclosed string runs to the end of the statement.
            let body = &rest[1..];
            let (literal, consumed) = body
                .find(c)
                .map_or((body, rest.len()), |index| (&body[..index], index + 2));
            tokens.push((Token::Text(literal), at));
            at += consumed;
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            tokens.push((Token::Word(&rest[..len]), at));
            at += len;
        } else {
            tokens.push((Token::Punct(c), at));
            at += c.len_utf8();
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locals(statement: &str) -> Vec<(String, Binding)> {
        read(statement, 0..statement.len())
            .locals
            .into_iter()
            .map(|local| (local.name, local.binding))
            .collect()
    }

    fn named(name: &str) -> Binding {
        Binding::Named {
            imported: name.to_owned(),
        }
    }

    #[test]
    fn every_specifier_form_is_read() {
        assert_eq!(
            locals("import { Asides, Aside as A } from \"~/components\";"),
            vec![
                ("Asides".into(), named("Asides")),
                ("A".into(), named("Aside"))
            ]
        );
        assert_eq!(
            locals("import Card, { Aside, Tabs as T } from '~/components'"),
            vec![
                ("Card".into(), Binding::Default),
                ("Aside".into(), named("Aside")),
                ("T".into(), named("Tabs"))
            ]
        );
        assert_eq!(
            locals("import * as Aside from \"x\";\nexport const Note = 1;"),
            vec![
                ("Aside".into(), Binding::Namespace),
                ("Note".into(), Binding::Declared)
            ]
        );
        assert_eq!(
            locals(
                "import {\n  // Aside\n  Tabs, /* Aside */\n  type Aside,\n} from \"~/components\";"
            ),
            vec![("Tabs".into(), named("Tabs"))]
        );
        assert_eq!(locals("import type { Aside } from \"x\";"), vec![]);
        assert_eq!(locals("export { Aside } from \"x\";"), vec![]);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_panic_and_braces_are_char_boundaries(text in "(import|export|\\{|\\}|,| |as|\\*|from|\"|'|`|日本|🙂|e\u{301}|/\\*|\\*/|//|\n|Aside|type|;)*") {
            let esm = read(&text, 0..text.len());
            for import in esm.named_imports {
                proptest::prop_assert!(text.is_char_boundary(import.braces.start));
                proptest::prop_assert!(text.is_char_boundary(import.braces.end));
            }
        }
    }

    #[test]
    fn an_unclosed_string_ends_the_statement() {
        let text = "import { Aside } from \"日本";
        assert_eq!(read(text, 0..text.len()).named_imports[0].source, "日本");
    }

    #[test]
    fn named_imports_know_their_braces() {
        let text = "import 日本, { Tabs } from \"~/components\";";
        let esm = read(text, 0..text.len());
        let braces = esm.named_imports[0].braces.clone();
        assert_eq!(&text[braces], "{ Tabs }");
        assert_eq!(esm.named_imports[0].source, "~/components");
    }
}
