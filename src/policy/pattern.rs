//! The policy's phrase regexes: compiled like `regex::Regex::new`, but without a literal prefilter; the
//! built-in ones and a preset's own only on first use, so that a run whose pages never reach a call-out
//! check does not pay for them.
//!
//! A phrase regex only reads one call-out's prose, a few sentences. A prefilter (the literals a match must
//! start with, found by expanding every case-insensitive spelling, built into a Teddy searcher) costs more to
//! build than it can save on so short a text: it is about half of each regex's compile time.

use std::sync::OnceLock;

use regex_automata::meta;
use regex_automata::util::syntax;

/// A compiled phrase regex.
pub type PhraseRegex = meta::Regex;

/// Bytes of lowercased product name and noun up to which every [`super::DEFAULT_ACCEPT`] pattern and every
/// preset's `require` pattern, with them substituted, compiles (a unit test builds each at this size from
/// the characters that cost the most): up to it those patterns are compiled lazily, beyond it at load
/// time, where an error is reported. A policy file's own patterns are always compiled at load time.
pub(super) const LAZY_SUBSTITUTION_BYTES: usize = 4096;

/// The size limit of `regex::Regex::new` (its `size_limit` default): a pattern compiles here exactly when
/// it compiles there.
const NFA_SIZE_LIMIT: usize = 10 * (1 << 20);

/// The lazy DFA's cache capacity of `regex::Regex::new` (its `dfa_size_limit` default).
const HYBRID_CACHE_CAPACITY: usize = 2 * (1 << 20);

/// Compiles `pattern` as `regex::Regex::new` does (same syntax, match semantics and limits, same errors),
/// without a literal prefilter.
pub(super) fn build(pattern: &str) -> Result<PhraseRegex, regex::Error> {
    let config = meta::Config::new()
        .match_kind(regex_automata::MatchKind::LeftmostFirst)
        .utf8_empty(true)
        .nfa_size_limit(Some(NFA_SIZE_LIMIT))
        .hybrid_cache_capacity(HYBRID_CACHE_CAPACITY)
        .auto_prefilter(false);
    meta::Builder::new()
        .configure(config)
        .syntax(syntax::Config::new().utf8(true))
        .build(pattern)
        .map_err(|error| match (error.size_limit(), error.syntax_error()) {
            (Some(limit), _) => regex::Error::CompiledTooBig(limit),
            (None, Some(syntax)) => regex::Error::Syntax(syntax.to_string()),
            (None, None) => regex::Error::Syntax(error.to_string()),
        })
}

/// A compiled regex, or the pattern of one that is known to compile and is built on first use.
#[derive(Debug)]
pub struct PolicyRegex {
    /// The pattern as compiled (with its flags).
    pattern: String,
    compiled: OnceLock<PhraseRegex>,
}

impl PolicyRegex {
    /// A regex compiled already from `pattern`.
    pub(super) fn compiled(pattern: String, regex: PhraseRegex) -> PolicyRegex {
        PolicyRegex {
            pattern,
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

    /// Whether the regex is compiled already.
    #[cfg(test)]
    pub(super) fn is_compiled(&self) -> bool {
        self.compiled.get().is_some()
    }

    /// The compiled regex.
    pub fn regex(&self) -> &PhraseRegex {
        self.compiled.get_or_init(|| {
            build(&self.pattern).expect(
                "only a pattern known to compile is compiled lazily (see LAZY_SUBSTITUTION_BYTES)",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{POLICY_KEYS, PolicyFile, SourceText, deserialize};
    use super::*;

    /// The templates compiled lazily: the built-in phrasings and every preset's `require` patterns.
    fn lazy_templates() -> Vec<String> {
        let mut templates: Vec<String> = super::super::DEFAULT_ACCEPT
            .iter()
            .map(|pattern| (*pattern).to_owned())
            .collect();
        for preset in crate::table::preset::PRESETS {
            let source = SourceText::new(preset.name.to_owned(), preset.policy.to_owned());
            let (file, _): (PolicyFile, _) = deserialize(&source, POLICY_KEYS, "the policy")
                .expect("the preset's policy parses");
            let callouts = file.callouts.unwrap_or_default();
            let required = callouts.iter().flat_map(|callout| &callout.require);
            templates.extend(required.map(|require| require.pattern.get_ref().clone()));
        }
        templates
    }

    #[test]
    fn the_lazy_phrasings_compile_with_any_noun_and_name_up_to_the_lazy_bound() {
        let templates = lazy_templates();
        assert!(
            templates.len() > super::super::DEFAULT_ACCEPT.len(),
            "the presets' require patterns"
        );
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
                for pattern in &templates {
                    let pattern = pattern
                        .replace("{noun}", &regex::escape(&noun.to_lowercase()))
                        .replace("{product}", &regex::escape(&name.to_lowercase()));
                    let lazy = PolicyRegex::lazy(format!("(?i){pattern}"));
                    assert!(build(&lazy.pattern).is_ok(), "{c}: {pattern:.40}");
                }
            }
        }
    }

    #[test]
    fn a_lazy_regex_matches_like_a_compiled_one() {
        let lazy = PolicyRegex::lazy(r"(?i)\baccount[- ]scoped\b".to_owned());
        let pattern = r"(?i)\baccount[- ]scoped\b";
        let compiled = PolicyRegex::compiled(pattern.to_owned(), build(pattern).unwrap());
        for text in ["Account-scoped", "account scoped 日本", "accountscoped"] {
            assert_eq!(
                lazy.regex().is_match(text),
                compiled.regex().is_match(text),
                "{text}"
            );
        }
    }

    #[test]
    fn compiles_matches_and_fails_like_regex_new() {
        let texts = [
            "AI Gateway tokens are Account-Scoped; per-gateway scoping is not available.",
            "日本語の account scoped テキスト, ai gateway 😀 per gateway",
            "accountscoped, no per\u{301}-gateway, שלום per-gateway",
        ];
        for pattern in [
            r"(?i)\baccount[- ]scoped\b",
            r"(?i)\b(?:no|not)\b[^.]*\bper[- ]gateway\b",
            r"(?i)gateway",
            r"(?i)(unclosed",
            r"[z-a]",
            r"(?:\w{100}){1000}",
        ] {
            match (build(pattern), regex::Regex::new(pattern)) {
                (Ok(ours), Ok(theirs)) => {
                    for text in texts {
                        let found: Vec<_> = ours.find_iter(text).map(|m| m.range()).collect();
                        let expected: Vec<_> = theirs.find_iter(text).map(|m| m.range()).collect();
                        assert_eq!(found, expected, "{pattern} on {text}");
                    }
                }
                (Err(ours), Err(theirs)) => assert_eq!(ours.to_string(), theirs.to_string()),
                (ours, theirs) => panic!("{pattern}: {:?} against {:?}", ours.err(), theirs.err()),
            }
        }
    }
}
