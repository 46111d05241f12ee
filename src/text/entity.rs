//! HTML character references (`&nbsp;`, `&ndash;`, `&#160;`, `&#x2013;`) as a reader sees them: Markdown
//! and MDX both render them as the character, so `AI&nbsp;Gateway &ndash; Read` names `AI Gateway Read`.
//!
//! Numeric references cover every character; named ones cover those that appear in running text and names
//! (spaces, dashes, quotes, the markup escapes). An unknown name stays text, as it does in a browser.

/// Named references and the character each stands for.
const NAMED: &[(&str, char)] = &[
    ("nbsp", '\u{a0}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("hairsp", '\u{200a}'),
    ("numsp", '\u{2007}'),
    ("zwsp", '\u{200b}'),
    ("zwnj", '\u{200c}'),
    ("zwj", '\u{200d}'),
    ("shy", '\u{ad}'),
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("hyphen", '\u{2010}'),
    ("dash", '\u{2010}'),
    ("ndash", '\u{2013}'),
    ("mdash", '\u{2014}'),
    ("minus", '\u{2212}'),
    ("lsquo", '\u{2018}'),
    ("rsquo", '\u{2019}'),
    ("ldquo", '\u{201c}'),
    ("rdquo", '\u{201d}'),
    ("laquo", '\u{ab}'),
    ("raquo", '\u{bb}'),
    ("rarr", '\u{2192}'),
    ("larr", '\u{2190}'),
    ("middot", '\u{b7}'),
    ("bull", '\u{2022}'),
    ("hellip", '\u{2026}'),
    ("sol", '/'),
    ("colon", ':'),
    ("period", '.'),
    ("comma", ','),
    ("lpar", '('),
    ("rpar", ')'),
    ("vert", '|'),
    ("verbar", '|'),
];

/// The character reference at the start of `text` (which starts with `&`): its length in bytes and the
/// character it stands for.
pub fn decode(text: &str) -> Option<(usize, char)> {
    let body = text.strip_prefix('&')?;
    // The longest reference is short; a `;` further on is not this one's end.
    let end = body.bytes().take(32).position(|byte| byte == b';')?;
    let name = &body[..end];
    let c = if let Some(number) = name.strip_prefix('#') {
        let value = match number.strip_prefix(['x', 'X']) {
            Some(hex) if !hex.is_empty() && hex.len() <= 6 => u32::from_str_radix(hex, 16).ok()?,
            None if !number.is_empty() && number.len() <= 7 => number.parse::<u32>().ok()?,
            _ => return None,
        };
        // A reference to nothing, or to a surrogate, is U+FFFD in HTML.
        match value {
            0 => '\u{fffd}',
            _ => char::from_u32(value).unwrap_or('\u{fffd}'),
        }
    } else {
        NAMED
            .iter()
            .find(|(known, _)| *known == name)
            .map(|(_, c)| *c)?
    };
    Some((end + 2, c))
}

/// `text` with every character reference decoded (borrowed when there is none), for showing names.
pub fn decode_all(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match decode(rest) {
            Some((consumed, c)) => {
                out.push(c);
                rest = &rest[consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_numeric_references_decode() {
        assert_eq!(decode("&nbsp;Gateway"), Some((6, '\u{a0}')));
        assert_eq!(decode("&ndash;"), Some((7, '–')));
        assert_eq!(decode("&#160;"), Some((6, '\u{a0}')));
        assert_eq!(decode("&#x2013;x"), Some((8, '–')));
        assert_eq!(decode("&#X1F680;"), Some((9, '🚀')));
        assert_eq!(decode("&#xD800;"), Some((8, '\u{fffd}')));
        assert_eq!(decode("&#0;"), Some((4, '\u{fffd}')));
    }

    #[test]
    fn whole_texts_decode_for_display() {
        assert_eq!(
            decode_all("AI&nbsp;Gatewy &ndash; Run 日本"),
            "AI\u{a0}Gatewy – Run 日本"
        );
        assert_eq!(decode_all("R&D &amp; & &x;"), "R&D & & &x;");
    }

    #[test]
    fn anything_else_stays_text() {
        for text in [
            "&",
            "& Read",
            "&unknown;",
            "&#;",
            "&#x;",
            "&#99999999;",
            "&nbsp",
            "R&D; Read",
            "&日本;",
        ] {
            assert_eq!(decode(text), None, "{text}");
        }
    }
}
