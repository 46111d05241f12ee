//! SL009 invalid-policy-example: a token-policy example pairs a group with a resource key its scopes do
//! not allow.

use std::ops::Range;

use regex::Regex;
use serde_json::{Map, Value};

use super::{Context, Finding, Rule};
use crate::catalog::{RuleMeta, Severity};
use crate::table::{CapabilityTable, GroupIndex};
use crate::text::normalize::normalize_name;

/// SL009 invalid-policy-example, declared once: its code, name, default severity, whether `fix` fixes it and a
/// one-line summary ([`super::CATALOG`] collects every rule's).
pub(super) const META: RuleMeta = RuleMeta {
    code: "SL009",
    name: "invalid-policy-example",
    severity: Severity::Error,
    fix: false,
    summary: "a token-policy example pairs a permission group with a resource key its scopes do not allow",
};

macro_rules! doc {
    () => {
        include_str!("sl009_invalid_policy_example.md")
    };
}

#[doc = doc!()]
pub(crate) struct InvalidPolicyExample;

impl Rule for InvalidPolicyExample {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn doc(&self) -> &'static str {
        doc!()
    }

    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        let mut kinds: Option<Vec<KeyPattern>> = None;
        for block in &context.page.code_blocks {
            let content = &context.page.text()[block.content.clone()];
            if !content.contains("permission_groups") {
                continue;
            }
            for document in json_documents(content, allows_comments(&block.info)) {
                let kinds = kinds.get_or_insert_with(|| key_patterns(context.table));
                for policy in policies(&document) {
                    self.check_policy(context, kinds, policy, block.content.clone(), out);
                }
            }
        }
    }
}

/// A resource type's key template as a pattern.
struct KeyPattern {
    kind: usize,
    regex: Regex,
    /// The template's fixed text before its first placeholder (`com.cloudflare.api.account.zone.`).
    prefix: String,
}

fn key_patterns(table: &CapabilityTable) -> Vec<KeyPattern> {
    table
        .resource_types
        .iter()
        .enumerate()
        .filter_map(|(kind, resource)| {
            let placeholder = Regex::new(r"\{[^{}]*\}").expect("valid regex");
            let mut pattern = String::from("^");
            let mut last = 0;
            for found in placeholder.find_iter(&resource.key) {
                pattern.push_str(&regex::escape(&resource.key[last..found.start()]));
                pattern.push_str("[^.]+?");
                last = found.end();
            }
            pattern.push_str(&regex::escape(&resource.key[last..]));
            pattern.push('$');
            let prefix = placeholder
                .find(&resource.key)
                .map_or(resource.key.as_str(), |found| {
                    &resource.key[..found.start()]
                });
            Some(KeyPattern {
                kind,
                regex: Regex::new(&pattern).ok()?,
                prefix: prefix.to_owned(),
            })
        })
        .collect()
}

/// The resource type a key names: one whose template it fits, or whose fixed prefix it ends with `*` after.
fn kind_of(patterns: &[KeyPattern], key: &str) -> Option<usize> {
    patterns
        .iter()
        .find(|pattern| pattern.regex.is_match(key))
        .or_else(|| {
            patterns
                .iter()
                .find(|pattern| key.strip_prefix(pattern.prefix.as_str()) == Some("*"))
        })
        .map(|pattern| pattern.kind)
}

/// Whether a code block's info string tags a JSON dialect with comments and trailing commas (`jsonc`,
/// `json5`): its content is read as such.
fn allows_comments(info: &str) -> bool {
    let language = info.split_whitespace().next().unwrap_or_default();
    ["jsonc", "json5"]
        .iter()
        .any(|tag| language.eq_ignore_ascii_case(tag))
}

/// The JSON documents of a code block: the whole content, else each `--data '...'` argument. With
/// `comments`, `//` and `/* */` comments and trailing commas are allowed.
fn json_documents(content: &str, comments: bool) -> Vec<Value> {
    if let Some(document) = json_value(content, comments) {
        return vec![document];
    }
    let flag = Regex::new(r#"(?:^|\s)(?:--data(?:-raw|-binary)?|-d|--json)(?:\s+|=)(['"])"#)
        .expect("valid regex");
    flag.captures_iter(content)
        .filter_map(|captures| {
            let quote = captures.get(1)?;
            let body = quoted(&content[quote.end()..], quote.as_str())?;
            json_value(&body, false)
        })
        .collect()
}

/// `text` read as JSON; with `comments`, also with `//` and `/* */` comments and trailing commas.
fn json_value(text: &str, comments: bool) -> Option<Value> {
    if let Ok(value) = serde_json::from_str(text) {
        return Some(value);
    }
    if !comments {
        return None;
    }
    let mut stripped = text.to_owned();
    json_strip_comments::strip(&mut stripped).ok()?;
    serde_json::from_str(&stripped).ok()
}

/// The text of a shell string that opened with `quote`, up to its closing quote.
fn quoted(rest: &str, quote: &str) -> Option<String> {
    if quote == "'" {
        return rest.find('\'').map(|end| rest[..end].to_owned());
    }
    let mut out = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '"' => return Some(out),
            _ => out.push(c),
        }
    }
    None
}

/// The token policies in a document: `{"policies": [...]}`, an array of policies, or one policy.
fn policies(document: &Value) -> Vec<&Map<String, Value>> {
    let is_policy = |value: &&Map<String, Value>| {
        value.get("resources").is_some_and(Value::is_object)
            && value.get("permission_groups").is_some_and(Value::is_array)
    };
    let candidates: Vec<&Value> = match document {
        Value::Object(object) => match object.get("policies") {
            Some(Value::Array(policies)) => policies.iter().collect(),
            _ => vec![document],
        },
        Value::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    candidates
        .into_iter()
        .filter_map(Value::as_object)
        .filter(is_policy)
        .collect()
}

/// The resource keys of a policy: flat keys, and the inner keys of the nested form.
fn resource_keys(resources: &Map<String, Value>) -> Vec<&str> {
    let mut keys = Vec::new();
    for (key, value) in resources {
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                keys.extend(inner.keys().map(String::as_str))
            }
            _ => keys.push(key.as_str()),
        }
    }
    keys
}

impl InvalidPolicyExample {
    fn check_policy(
        &self,
        context: &Context<'_>,
        patterns: &[KeyPattern],
        policy: &Map<String, Value>,
        block: Range<usize>,
        out: &mut Vec<Finding>,
    ) {
        let table = context.table;
        let groups: Vec<GroupIndex> = policy["permission_groups"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| group_of(context, entry))
            .collect();
        if groups.is_empty() {
            return;
        }
        let resources = policy["resources"]
            .as_object()
            .expect("checked by policies()");
        for key in resource_keys(resources) {
            let span = key_span(context, &block, key);
            let Some(kind) = kind_of(patterns, key) else {
                let known: Vec<&str> = table
                    .resource_types
                    .iter()
                    .map(|kind| kind.key.as_str())
                    .collect();
                out.push(
                    Finding::new(
                        self,
                        span,
                        format!("`{key}` is not a resource key of any resource type in the capability table"),
                    )
                    .help(format!("token resource keys look like {}", known.join(", "))),
                );
                continue;
            };
            for &group in &groups {
                let scopes = &table.groups[group].scopes;
                if scopes.contains(&kind) {
                    continue;
                }
                let allowed: Vec<&str> = scopes
                    .iter()
                    .map(|&scope| table.resource_types[scope].id.as_str())
                    .collect();
                let allowed_keys: Vec<String> = scopes
                    .iter()
                    .map(|&scope| format!("`{}`", table.resource_types[scope].key))
                    .collect();
                out.push(
                    Finding::new(
                        self,
                        span.clone(),
                        format!(
                            "`{}` cannot be scoped to `{key}` (a `{}` key): its scopes are {}",
                            table.groups[group].name,
                            table.resource_types[kind].id,
                            allowed.join(", ")
                        ),
                    )
                    .help(format!(
                        "use a key of the form {} for this group, or a group that can be scoped to a {}",
                        allowed_keys.join(" or "),
                        table.resource_types[kind].id
                    )),
                );
            }
        }
    }
}

/// The table group a `permission_groups` entry names: by id, else by name.
fn group_of(context: &Context<'_>, entry: &Value) -> Option<GroupIndex> {
    let by_id = entry.get("id").and_then(Value::as_str).and_then(|id| {
        context
            .table
            .groups
            .iter()
            .position(|group| group.id.as_deref() == Some(id))
    });
    by_id.or_else(|| {
        let name = entry.get("name").and_then(Value::as_str)?;
        context.matcher.exact_group(&normalize_name(name))
    })
}

/// Where `key` is written in the block (its first quoted occurrence), else the block.
fn key_span(context: &Context<'_>, block: &Range<usize>, key: &str) -> Range<usize> {
    let text = &context.page.text()[block.clone()];
    match text.find(&format!("\"{key}\"")) {
        Some(at) => block.start + at + 1..block.start + at + 1 + key.len(),
        None => block.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::preset::{CLOUDFLARE_CAPABILITIES, CLOUDFLARE_ORIGIN};

    #[test]
    fn keys_are_matched_to_resource_types_with_placeholders_and_wildcards() {
        let table = crate::table::load_table(CLOUDFLARE_CAPABILITIES, CLOUDFLARE_ORIGIN).unwrap();
        let patterns = key_patterns(&table);
        let kind =
            |key: &str| kind_of(&patterns, key).map(|kind| table.resource_types[kind].id.as_str());
        assert_eq!(
            kind("com.cloudflare.api.account.<ACCOUNT_ID>"),
            Some("account")
        );
        assert_eq!(kind("com.cloudflare.api.account.*"), Some("account"));
        assert_eq!(
            kind("com.cloudflare.api.account.zone.eb78d65290b24279ba6f44721b3ea3c4"),
            Some("zone")
        );
        assert_eq!(kind("com.cloudflare.api.account.zone.*"), Some("zone"));
        assert_eq!(kind("com.cloudflare.api.user.<USER_TAG>"), Some("user"));
        assert_eq!(
            kind("com.cloudflare.edge.r2.bucket.4793d734_eu_my-eu-bucket"),
            Some("r2-bucket")
        );
        assert_eq!(kind("com.cloudflare.edge.r2.bucket.*"), Some("r2-bucket"));
        assert_eq!(kind("com.cloudflare.api.account.worker.<WORKER_ID>"), None);
        assert_eq!(
            kind("com.cloudflare.edge.r2.bucket.my-bucket"),
            None,
            "a bucket key has three parts"
        );
        assert_eq!(kind("com.cloudflare.api.account.日本"), Some("account"));
    }

    #[test]
    fn json_is_read_from_whole_blocks_and_from_curl_data_arguments() {
        assert_eq!(json_documents("{\"a\": 1}", false).len(), 1);
        let curl = "curl https://x \\\n  --data '{\"b\": \"é\"}' \\\n  -d \"{\\\"c\\\": 2}\" --data-raw='[1]' --data @file.json";
        let documents = json_documents(curl, false);
        assert_eq!(
            documents,
            vec![
                serde_json::json!({"b": "é"}),
                serde_json::json!({"c": 2}),
                serde_json::json!([1])
            ]
        );
        assert!(json_documents("curl --data '{not json}'", false).is_empty());
        assert!(json_documents("curl -d \"{\\\"unterminated", false).is_empty());
    }
}
