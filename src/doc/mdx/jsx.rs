//! One JSX construct read from a position in the text: a tag with its attributes (quoted strings and
//! `{...}` expressions), or a balanced expression, each searched for no further than [`MAX_CONSTRUCT`]
//! bytes.

use super::{Attribute, AttributeValue, Tag, TagKind};

/// The longest tag or expression we look for before deciding a `<` or `{` is plain text.
pub(super) const MAX_CONSTRUCT: usize = 8192;

/// Where the search for the end of a construct starting at `pos` stops: [`MAX_CONSTRUCT`] bytes on, floored
/// to a character boundary so that every slice up to it is valid.
pub(super) fn construct_limit(text: &str, pos: usize) -> usize {
    crate::doc::source::floor_char_boundary(text, (pos + MAX_CONSTRUCT).min(text.len()))
}

/// Where the string literal whose opening `quote` ends before `index` closes (the closing quote's index, or
/// `limit`), skipping escapes; `None` when a line break ends a `"`/`'` string first (a template literal may
/// span lines).
pub(super) fn string_end(bytes: &[u8], mut index: usize, limit: usize, quote: u8) -> Option<usize> {
    while index < limit && bytes[index] != quote {
        if bytes[index] == b'\\' {
            index += 1;
        }
        if quote != b'`' && bytes[index.min(limit - 1)] == b'\n' {
            return None;
        }
        index += 1;
    }
    Some(index)
}

/// Skips a balanced `{...}` starting at `pos`, honouring strings and template literals.
pub(super) fn skip_expression(text: &str, pos: usize) -> Option<usize> {
    skip_expression_with(text, pos, &mut |from, limit| {
        comment_end_within(text, from, limit)
    })
}

/// Where the first `*/` at or after `from` starts, when it ends by `limit`.
pub(super) fn comment_end_within(text: &str, from: usize, limit: usize) -> Option<usize> {
    text[from..limit].find("*/").map(|offset| from + offset)
}

/// [`skip_expression`], finding the end of a block comment with `comment_end` (`(from, limit)`: where the
/// first `*/` at or after `from` starts, when it ends by `limit`), which a caller that skips many
/// expressions can answer from memory.
pub(super) fn skip_expression_with(
    text: &str,
    pos: usize,
    comment_end: &mut dyn FnMut(usize, usize) -> Option<usize>,
) -> Option<usize> {
    let bytes = text.as_bytes();
    let limit = construct_limit(text, pos);
    let mut depth = 0usize;
    let mut index = pos;
    while index < limit {
        match bytes[index] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index + 1);
                }
            }
            quote @ (b'"' | b'\'' | b'`') => index = string_end(bytes, index + 1, limit, quote)?,
            b'/' if index + 1 < limit && bytes[index + 1] == b'*' => {
                index = comment_end(index + 2, limit)? + 1;
                continue;
            }
            _ => {}
        }
        index += 1;
    }
    None
}

/// Parses a JSX/HTML tag starting at the `<` at `pos`.
pub fn parse_tag(text: &str, pos: usize) -> Option<Tag> {
    let bytes = text.as_bytes();
    let limit = construct_limit(text, pos);
    let mut index = pos + 1;
    let closing = bytes.get(index) == Some(&b'/');
    if closing {
        index += 1;
    }
    let name_start = index;
    while index < limit
        && (bytes[index].is_ascii_alphanumeric()
            || matches!(bytes[index], b'.' | b'-' | b'_' | b':'))
    {
        index += 1;
    }
    if index == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = super::name_of(&text[name_start..index]);
    if name.ends_with(':') || name.contains("://") {
        return None;
    }
    let mut attributes = Vec::new();
    loop {
        while index < limit && bytes[index].is_ascii_whitespace() {
            index += 1;
        }
        if index >= limit {
            return None;
        }
        match bytes[index] {
            b'>' => {
                let kind = if closing {
                    TagKind::Close
                } else {
                    TagKind::Open
                };
                return Some(Tag {
                    name,
                    kind,
                    range: pos..index + 1,
                    attributes,
                });
            }
            b'/' if bytes.get(index + 1) == Some(&b'>') && !closing => {
                return Some(Tag {
                    name,
                    kind: TagKind::SelfClosing,
                    range: pos..index + 2,
                    attributes,
                });
            }
            b'{' => {
                // A spread attribute: `{...props}`.
                index = skip_expression(text, index)?;
            }
            _ if !closing => {
                let (attribute, next) = parse_attribute(text, index, limit)?;
                attributes.push(attribute);
                index = next;
            }
            _ => return None,
        }
    }
}

pub(crate) fn parse_attribute(
    text: &str,
    start: usize,
    limit: usize,
) -> Option<(Attribute, usize)> {
    let bytes = text.as_bytes();
    let mut index = start;
    while index < limit
        && (bytes[index].is_ascii_alphanumeric()
            || matches!(bytes[index], b'-' | b'_' | b':' | b'.'))
    {
        index += 1;
    }
    if index == start {
        return None;
    }
    let name = super::name_of(&text[start..index]);
    let mut cursor = index;
    while cursor < limit && bytes[cursor].is_ascii_whitespace() {
        cursor += 1;
    }
    if cursor >= limit || bytes[cursor] != b'=' {
        return Some((
            Attribute {
                name,
                value: AttributeValue::None,
            },
            index,
        ));
    }
    cursor += 1;
    while cursor < limit && bytes[cursor].is_ascii_whitespace() {
        cursor += 1;
    }
    if cursor >= limit {
        return None;
    }
    match &bytes[cursor] {
        quote @ (b'"' | b'\'') => {
            let close = text[cursor + 1..limit].find(*quote as char)?;
            let value = AttributeValue::Text(cursor + 1..cursor + 1 + close);
            Some((Attribute { name, value }, cursor + close + 2))
        }
        b'{' => {
            let end = skip_expression(text, cursor)?;
            let value = AttributeValue::Expression(cursor + 1..end - 1);
            Some((Attribute { name, value }, end))
        }
        _ => {
            let end = text[cursor..limit]
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .map_or(limit, |offset| cursor + offset);
            Some((
                Attribute {
                    name,
                    value: AttributeValue::Text(cursor..end),
                },
                end,
            ))
        }
    }
}
