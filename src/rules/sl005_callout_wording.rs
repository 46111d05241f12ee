//! SL005 callout-wording.

use super::{Context, Finding, Rule};
use crate::catalog::{RuleMeta, Severity};
use crate::doc::source::line_end;
use crate::table::{GroupIndex, ProductIndex};
use crate::text::normalize::normalize_name;

/// SL005 callout-wording, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL005",
    name: "callout-wording",
    severity: Severity::Warning,
    fix: false,
    summary: "a call-out names the wrong groups or lacks the policy's required phrases",
};

macro_rules! doc {
    () => {
        include_str!("sl005_callout_wording.md")
    };
}

#[doc = doc!()]
pub(crate) struct CalloutWording;

impl Rule for CalloutWording {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
    }

    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        for (index, reading) in context.facts.callouts.iter().enumerate() {
            let callout = &context.page.callouts[index];
            let first_line_end =
                line_end(context.page.text(), callout.range.start).min(callout.range.end);
            let span = callout.range.start..first_line_end;
            for (policy_index, policy) in context.policy.callouts.iter().enumerate() {
                if !reading.accepts(policy_index, policy.product)
                    || !context.table.product_is_account_only(policy.product)
                {
                    continue;
                }
                let product = &context.table.products[policy.product].name;
                let (named, unknown) = named_groups(context, policy.product, &reading.names);
                for word in unknown {
                    let word = crate::doc::callout::capitalize(&word);
                    out.push(
                        Finding::new(self, span.clone(), format!("this call-out names `{product} {word}`, which is not a permission group of {product}"))
                            .help(format!("the {product} groups are {}", group_list(context, policy.product))),
                    );
                }
                let missing: Vec<&str> = context
                    .table
                    .product_groups(policy.product)
                    .filter(|group| !named.is_empty() && !named.contains(group))
                    .map(|group| context.table.groups[group].display_name())
                    .collect();
                if !missing.is_empty() {
                    out.push(
                        Finding::new(
                            self,
                            span.clone(),
                            format!(
                                "this call-out lists {product} groups but not {}",
                                quoted(&missing)
                            ),
                        )
                        .help(format!(
                            "name every {product} group: {}",
                            group_list(context, policy.product)
                        )),
                    );
                }
                for (pattern, describe) in &policy.require {
                    if !pattern.regex().is_match(&reading.prose) {
                        out.push(
                            Finding::new(
                                self,
                                span.clone(),
                                format!("this {product} call-out does not say {describe}"),
                            )
                            .help(format!("add a sentence saying {describe}")),
                        );
                    }
                }
            }
        }
    }
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn group_list(context: &Context<'_>, product: ProductIndex) -> String {
    let names: Vec<&str> = context
        .table
        .product_groups(product)
        .map(|group| context.table.groups[group].display_name())
        .collect();
    quoted(&names)
}

/// The groups a call-out names after the product name ("ai gateway read/edit/run", "ai gateway read and
/// run"), and the permission words it uses that are no group of the product.
fn named_groups(
    context: &Context<'_>,
    product: ProductIndex,
    names: &str,
) -> (Vec<GroupIndex>, Vec<String>) {
    let mut named = Vec::new();
    let mut unknown = Vec::new();
    let product_names: Vec<String> = std::iter::once(&context.table.products[product].name)
        .chain(&context.table.products[product].aliases)
        .map(|name| normalize_name(name))
        .collect();
    for product_name in &product_names {
        for (start, _) in names.match_indices(product_name.as_str()) {
            let after = &names[start + product_name.len()..];
            let words = verb_list(context, after, &product_names);
            // One group after the product name is an example ("a token with AI Gateway Run"), not a list.
            if words.len() < 2 {
                continue;
            }
            for word in words {
                match context.matcher.group_by_verb(product, &word) {
                    Some(group) if !named.contains(&group) => named.push(group),
                    Some(_) => {}
                    None if !unknown.contains(&word) => unknown.push(word),
                    None => {}
                }
            }
        }
    }
    (named, unknown)
}

/// The permission words right after a product name: `read/edit/run`, `read edit and run`, and those of
/// full group names that follow (`read and ai gateway run`, a list item per group), unless a sentence
/// ends before the product name.
fn verb_list(context: &Context<'_>, after: &str, product_names: &[String]) -> Vec<String> {
    let tokens: Vec<&str> = after.split(' ').filter(|token| !token.is_empty()).collect();
    let mut words = Vec::new();
    let mut at = 0;
    while let Some(&raw) = tokens.get(at) {
        let token = raw.trim_end_matches('.');
        at += 1;
        if token == "and" || token == "or" {
            continue;
        }
        let Some(parts) = permission_words(context, token) else {
            let sentence_ended = at >= 2 && tokens[at - 2].ends_with('.');
            match product_name_before_a_verb(context, &tokens[at - 1..], product_names) {
                Some(length) if !words.is_empty() && !sentence_ended => at += length - 1,
                _ => break,
            }
            continue;
        };
        words.extend(parts.iter().map(|part| (*part).to_owned()));
    }
    words
}

/// The number of tokens of the product name that starts `tokens`, when a permission word follows it.
fn product_name_before_a_verb(
    context: &Context<'_>,
    tokens: &[&str],
    product_names: &[String],
) -> Option<usize> {
    product_names.iter().find_map(|name| {
        let length = name.split(' ').count();
        let named = tokens.iter().take(length).copied().eq(name.split(' '));
        let verb_after = tokens
            .get(length)
            .is_some_and(|next| permission_words(context, next.trim_end_matches('.')).is_some());
        (named && verb_after).then_some(length)
    })
}

/// The permission words of `token` (`read`, `read/edit`), when it is made of them only.
fn permission_words<'t>(context: &Context<'_>, token: &'t str) -> Option<Vec<&'t str>> {
    let parts: Vec<&str> = token.split('/').filter(|part| !part.is_empty()).collect();
    (!parts.is_empty()
        && parts
            .iter()
            .all(|part| context.matcher.is_level_in_a_callout(part)))
    .then_some(parts)
}
