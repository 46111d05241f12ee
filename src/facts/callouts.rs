//! What each call-out says: the products it names, what it is about, whether it says "account-only" in one
//! of the policy's phrasings (and is not negated), read from its own text without the call-outs nested in it.

use super::*;

impl Gatherer<'_> {
    /// What `callout` says in its own text: the text of the call-outs `inner` to it is theirs (reading it
    /// again for every enclosing call-out would make nested call-outs quadratic).
    pub(super) fn read_callout(
        &self,
        page: &Page,
        callout: &crate::doc::Callout,
        inner: &[Range<usize>],
        params: &[(String, String)],
    ) -> CalloutReading {
        let mut names = String::new();
        let mut prose = String::new();
        for (text, _, raw) in own_parts(page, callout, inner) {
            names.push_str(&normalize_text(text, Mode::Name, params));
            names.push(' ');
            prose.push_str(&normalize_text(text, Mode::Prose, params));
            prose.push_str(if raw { ". " } else { " " });
        }
        let mut products: Vec<ProductIndex> = Vec::new();
        let mut contrasts: Vec<ProductIndex> = Vec::new();
        for found in self.matcher.find_products(&names) {
            if !products.contains(&found.item) {
                products.push(found.item);
            }
            if is_contrast(&names[..found.range.start]) {
                contrasts.push(found.item);
            }
        }
        // "Unlike R2, ..." names R2 as a contrast: the call-out is about the product it goes on to name.
        let subject = products
            .iter()
            .copied()
            .filter(|product| !contrasts.contains(product))
            .find(|product| {
                self.policy
                    .callouts
                    .iter()
                    .any(|policy| policy.product == *product)
            });
        // A call-out that says the product can now be narrowed to one resource says the opposite of
        // account-only, whatever account-only phrase it also uses.
        let says_account_only = self
            .policy
            .callouts
            .iter()
            .enumerate()
            // Only a policy whose product the call-out names reads this list (`accepts`, SL002's subject):
            // the phrasings are not matched for the others.
            .filter(|(_, policy)| products.contains(&policy.product))
            .filter(|(_, policy)| {
                self.says_account_only(&prose, policy)
                    || self.matcher.denies_claim(&prose, policy.product)
            })
            .filter(|(_, policy)| !self.callout_claims(page, callout, inner, policy.product))
            .map(|(index, _)| index)
            .collect();
        CalloutReading {
            section: page.section_at(callout.range.start),
            products,
            subject,
            names,
            prose,
            says_account_only,
        }
    }

    /// Whether the call-out's prose uses one of the policy's account-only phrasings, and not negated ("are
    /// no longer account-scoped" says the product has stopped being account-only).
    pub(super) fn says_account_only(
        &self,
        prose: &str,
        policy: &crate::policy::CalloutPolicy,
    ) -> bool {
        policy.accept.iter().any(|regex| {
            regex.regex().find_iter(prose).any(|found| {
                !self
                    .matcher
                    .lexicon()
                    .negates_what_follows(tail(&prose[..found.start()]))
            })
        })
    }

    /// Whether the call-out's own title or body claims a token can be narrowed to one of `product`'s
    /// resources.
    fn callout_claims(
        &self,
        page: &Page,
        callout: &crate::doc::Callout,
        inner: &[Range<usize>],
        product: ProductIndex,
    ) -> bool {
        own_parts(page, callout, inner)
            .any(|(text, base, _)| !self.matcher.prose_claims(text, base, product).is_empty())
    }
}

/// For each unit of the page (in `Page::units` order), the innermost call-out its start is in: one sweep
/// over the unit starts and the call-outs, both sorted by offset.
pub(super) fn innermost_callouts(page: &Page) -> Vec<Option<usize>> {
    let mut callouts: Vec<usize> = (0..page.callouts.len()).collect();
    callouts.sort_by_key(|&index| {
        let range = &page.callouts[index].range;
        (
            range.start,
            std::cmp::Reverse(range.end),
            std::cmp::Reverse(index),
        )
    });
    let mut units: Vec<usize> = (0..page.units.len()).collect();
    units.sort_by_key(|&index| page.units[index].range.start);
    let mut innermost = vec![None; page.units.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut next = 0;
    for unit in units {
        let offset = page.units[unit].range.start;
        while let Some(&callout) = callouts.get(next)
            && page.callouts[callout].range.start <= offset
        {
            open.push(callout);
            next += 1;
        }
        while open
            .last()
            .is_some_and(|&callout| page.callouts[callout].range.end <= offset)
        {
            open.pop();
        }
        innermost[unit] = open.last().copied();
    }
    innermost
}

/// For each call-out (in `Page::callouts` order), the ranges of the call-outs directly inside it, in
/// source order: one sweep over the call-outs sorted by start.
pub(super) fn nested_callouts(callouts: &[crate::doc::Callout]) -> Vec<Vec<Range<usize>>> {
    let mut order: Vec<usize> = (0..callouts.len()).collect();
    order.sort_by_key(|&index| {
        let range = &callouts[index].range;
        (range.start, std::cmp::Reverse(range.end))
    });
    let mut nested = vec![Vec::new(); callouts.len()];
    let mut open: Vec<usize> = Vec::new();
    for index in order {
        let range = &callouts[index].range;
        while let Some(&top) = open.last() {
            let outer = &callouts[top].range;
            if outer.start <= range.start && range.end <= outer.end {
                if range.len() < outer.len() {
                    nested[top].push(range.clone());
                }
                break;
            }
            open.pop();
        }
        open.push(index);
    }
    nested
}

/// Drops a GFM alert's `[!NOTE]` marker line so that it is not read as words.
fn strip_alert_marker(text: &str) -> &str {
    let trimmed = text.trim_start_matches(['>', ' ', '\t']);
    if trimmed.starts_with("[!") {
        &trimmed[crate::doc::source::line_end(trimmed, 0)..]
    } else {
        text
    }
}

/// The last few hundred bytes of `text` (on a character boundary): a negation reaches a phrase only from a
/// few words before it, and a call-out with thousands of phrasings stays linear.
fn tail(text: &str) -> &str {
    const TAIL_BYTES: usize = 256;
    let mut start = text.len().saturating_sub(TAIL_BYTES);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Whether the text before a product name introduces it as a contrast ("unlike R2", "compared to R2").
fn is_contrast(before: &str) -> bool {
    const CONTRAST: &[&str] = &[
        "unlike",
        "like",
        "compared to",
        "contrast to",
        "contrast with",
        "opposed to",
        "than",
        "except",
    ];
    let before = before.trim_end();
    CONTRAST.iter().any(|word| ends_with_word(before, word))
}

/// The call-out's own text, as (text, its offset in the file, whether it is the title): the title (raw
/// text), then the body (MDX-masked) in pieces around the call-outs `inner` to it. A GFM alert's marker
/// line is dropped from the start of each part.
fn own_parts<'p>(
    page: &'p Page,
    callout: &crate::doc::Callout,
    inner: &[Range<usize>],
) -> impl Iterator<Item = (&'p str, usize, bool)> {
    let title = callout
        .title
        .iter()
        .map(|range| (&page.text()[range.clone()], range.start, true));
    let body = &callout.body;
    let mut pieces = Vec::with_capacity(inner.len() + 1);
    let mut start = body.start;
    for nested in inner {
        let end = nested.start.clamp(start, body.end);
        pieces.push(start..end);
        start = nested.end.clamp(start, body.end);
    }
    pieces.push(start..body.end);
    let body = pieces.into_iter().enumerate().filter_map(|(index, piece)| {
        let text = &page.masked[piece.clone()];
        let text = if index == 0 {
            strip_alert_marker(text)
        } else {
            text
        };
        (index == 0 || !text.trim().is_empty()).then_some((text, piece.start, false))
    });
    title
        .map(|(text, base, raw)| (strip_alert_marker(text), base, raw))
        .chain(body)
}
