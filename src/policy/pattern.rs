//! A policy regex compiled on first use, when it is known to compile: a run whose pages never reach a
//! call-out check does not pay for it.

use std::sync::OnceLock;

use regex::Regex;

/// Bytes of lowercased product name and noun up to which every [`super::DEFAULT_ACCEPT`] pattern, with
/// them substituted, compiles (a unit test builds each at this size from the characters that cost the
/// most): up to it those patterns are compiled lazily, beyond it at load time, where an error is reported.
pub(super) const LAZY_SUBSTITUTION_BYTES: usize = 4096;

/// A compiled regex, or the pattern of one that is known to compile and is built on first use.
#[derive(Debug)]
pub struct PolicyRegex {
    /// The pattern as compiled (with its flags).
    pattern: String,
    compiled: OnceLock<Regex>,
}

impl PolicyRegex {
    /// A regex compiled already.
    pub(super) fn compiled(regex: Regex) -> PolicyRegex {
        PolicyRegex {
            pattern: regex.as_str().to_owned(),
            compiled: OnceLock::from(regex),
        }
    }

    /// A regex built from `pattern` on first use: only for a pattern known to compile.
    pub(super) fn lazy(pattern: String) -> PolicyRegex {
        PolicyRegex {
            pattern,
            compiled: OnceLock::new(),
        }
    }

    /// The compiled regex.
    pub fn regex(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            Regex::new(&self.pattern).expect(
                "only a pattern known to compile is compiled lazily (see LAZY_SUBSTITUTION_BYTES)",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_phrasings_compile_with_any_noun_and_name_up_to_the_lazy_bound() {
        // Each character kind at the bound: ASCII, an escaped regex meta character, 2-, 3- and 4-byte
        // UTF-8, and one that grows when lowercased; all of it in the noun, or split with the name.
        for c in ['a', '.', '(', 'é', '日', '😀', 'İ'] {
            let lowered = c.to_lowercase().to_string().len();
            let whole = c.to_string().repeat(LAZY_SUBSTITUTION_BYTES / lowered);
            let half = c.to_string().repeat(LAZY_SUBSTITUTION_BYTES / 2 / lowered);
            for (noun, name) in [(whole.as_str(), ""), (half.as_str(), half.as_str())] {
                assert!(
                    noun.to_lowercase().len() + name.to_lowercase().len()
                        <= LAZY_SUBSTITUTION_BYTES
                );
                for pattern in super::super::DEFAULT_ACCEPT {
                    let pattern = pattern
                        .replace("{noun}", &regex::escape(&noun.to_lowercase()))
                        .replace("{product}", &regex::escape(&name.to_lowercase()));
                    let lazy = PolicyRegex::lazy(format!("(?i){pattern}"));
                    assert!(Regex::new(&lazy.pattern).is_ok(), "{c}: {pattern:.40}");
                }
            }
        }
    }

    #[test]
    fn a_lazy_regex_matches_like_a_compiled_one() {
        let lazy = PolicyRegex::lazy(r"(?i)\baccount[- ]scoped\b".to_owned());
        let compiled = PolicyRegex::compiled(Regex::new(r"(?i)\baccount[- ]scoped\b").unwrap());
        for text in ["Account-scoped", "account scoped 日本", "accountscoped"] {
            assert_eq!(
                lazy.regex().is_match(text),
                compiled.regex().is_match(text),
                "{text}"
            );
        }
    }
}
