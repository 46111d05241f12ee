//! The permission-groups listing: reading the API's JSON (the v4 envelope or a bare array) into
//! [`ListedGroup`]s, and writing a table's groups back in that shape ([`listing_of`]).

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::doc::source::Position;
use crate::error::{Error, Problem};
use crate::table::CapabilityTable;
use crate::text::normalize::normalize_name;

/// One group of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedGroup {
    /// The group's API id.
    pub id: Option<String>,
    /// The group's API name.
    pub name: String,
    /// The API scope strings (`com.cloudflare.api.account`).
    pub scopes: Vec<String>,
}

/// Reads a listing: the API envelope or a bare array. Unknown fields are ignored.
pub fn parse_listing(text: &str, path: &Path) -> Result<Vec<ListedGroup>, Error> {
    let document: Value = serde_json::from_str(text).map_err(|error| {
        let position = (error.line() > 0).then(|| Position {
            line: error.line(),
            column: error.column().max(1),
        });
        let text = error.to_string();
        let message = text.split(" at line ").next().unwrap_or(&text);
        Error::invalid(
            path,
            position,
            format!("not a valid JSON listing: {message}"),
        )
    })?;
    let entries = match &document {
        Value::Array(entries) => entries,
        Value::Object(envelope) => {
            if envelope.get("success") == Some(&Value::Bool(false)) {
                return Err(Error::invalid(
                    path,
                    None,
                    format!(
                        "the listing reports `\"success\": false` (errors: {})",
                        envelope.get("errors").unwrap_or(&Value::Null)
                    ),
                ));
            }
            match envelope.get("result") {
                Some(Value::Array(entries)) => entries,
                _ => {
                    return Err(Error::invalid(
                        path,
                        None,
                        "expected the API envelope `{\"result\": [...]}` or an array of permission groups",
                    ));
                }
            }
        }
        _ => {
            return Err(Error::invalid(
                path,
                None,
                "expected the API envelope `{\"result\": [...]}` or an array of permission groups",
            ));
        }
    };
    let mut problems = Vec::new();
    let mut groups = Vec::new();
    let mut ids = HashMap::new();
    for (index, entry) in entries.iter().enumerate() {
        match listed_group(entry) {
            Ok(group) => {
                if let Some(id) = &group.id
                    && let Some(first) = ids.insert(id.clone(), index)
                {
                    problems.push(format!(
                        "result[{index}]: id `{id}` is listed twice (first at result[{first}])"
                    ));
                }
                groups.push(group);
            }
            Err(message) => problems.push(format!("result[{index}]: {message}")),
        }
    }
    if problems.is_empty() {
        Ok(groups)
    } else {
        Err(invalid(path, problems))
    }
}

fn listed_group(entry: &Value) -> Result<ListedGroup, String> {
    let Value::Object(fields) = entry else {
        return Err("expected an object with `id`, `name` and `scopes`".to_owned());
    };
    let name = match fields.get("name") {
        Some(Value::String(name)) if !normalize_name(name).is_empty() => name.trim().to_owned(),
        Some(Value::String(_)) => return Err("`name` is empty".to_owned()),
        _ => return Err("missing string `name`".to_owned()),
    };
    let id = match fields.get("id") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if !id.trim().is_empty() => Some(id.trim().to_owned()),
        Some(_) => return Err(format!("group `{name}`: `id` must be a non-empty string")),
    };
    let scopes = match fields.get("scopes") {
        Some(Value::Array(scopes)) if !scopes.is_empty() => scopes
            .iter()
            .map(|scope| match scope {
                Value::String(scope) => Ok(scope.trim().to_owned()),
                _ => Err(format!("group `{name}`: every scope must be a string")),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err(format!("group `{name}`: missing non-empty array `scopes`")),
    };
    Ok(ListedGroup { id, name, scopes })
}

pub(super) fn invalid(path: &Path, messages: Vec<String>) -> Error {
    Error::Invalid {
        path: path.to_path_buf(),
        problems: messages
            .into_iter()
            .map(|message| Problem {
                position: None,
                message,
            })
            .collect(),
    }
}

/// A listing in the API's shape (`{success, errors, messages, result}`) made from `table`: every group
/// with its id, name and API scopes. Groups without an id, and scopes without an `api-scope`, cannot be
/// listed and are left out.
pub fn listing_of(table: &CapabilityTable) -> String {
    let result: Vec<Value> = table
        .groups
        .iter()
        .filter_map(|group| {
            let id = group.id.as_ref()?;
            let scopes: Vec<&str> = group
                .scopes
                .iter()
                .filter_map(|&kind| table.resource_types[kind].api_scope.as_deref())
                .collect();
            Some(serde_json::json!({ "id": id, "name": group.name, "scopes": scopes }))
        })
        .collect();
    let document = serde_json::json!({
        "success": true, "errors": [], "messages": [], "result": result
    });
    format!(
        "{}\n",
        serde_json::to_string_pretty(&document).expect("the listing serialises")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::import::testing::{ZONE, listed};

    #[test]
    fn the_envelope_and_a_bare_array_are_read_and_unknown_fields_ignored() {
        let envelope = r#"{"success": true, "errors": [], "messages": [], "result": [
            {"id": "a1", "name": "DNS Read", "description": "d", "is_selectable": true, "scopes": ["com.cloudflare.api.account.zone"]}]}"#;
        let bare = r#"[{"id": "a1", "name": "DNS Read", "category": "c", "scopes": ["com.cloudflare.api.account.zone"]}]"#;
        let expected = vec![listed(Some("a1"), "DNS Read", &[ZONE])];
        assert_eq!(
            parse_listing(envelope, Path::new("l.json")).unwrap(),
            expected
        );
        assert_eq!(parse_listing(bare, Path::new("l.json")).unwrap(), expected);
        let failed = parse_listing(
            r#"{"success": false, "errors": [{"code": 10000}], "result": null}"#,
            Path::new("l.json"),
        )
        .unwrap_err();
        assert_eq!(
            failed.to_string(),
            "l.json: the listing reports `\"success\": false` (errors: [{\"code\":10000}])"
        );
        let twice = parse_listing(
            r#"[{"id": "a", "name": "X Read", "scopes": ["s"]}, {"id": "a", "name": "Y Read", "scopes": ["s"]}]"#,
            Path::new("l.json"),
        )
        .unwrap_err();
        assert_eq!(
            twice.to_string(),
            "l.json: result[1]: id `a` is listed twice (first at result[0])"
        );
    }
}
