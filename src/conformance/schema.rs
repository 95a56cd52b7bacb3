//! The JSON Schemas of `schemas/`, embedded in the binary, and one validator (draft 2020-12, formats checked).
//!
//! Each body is judged twice: against the schema with every `additionalProperties: false` removed (a violation there is
//! a required failure: a documented field is missing or has the wrong type) and against the schema as written (a
//! violation only there means extra fields: recommended, since every SDK studied ignores unknown keys).

use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Every schema a check may name, by its path under `schemas/`.
const SCHEMAS: &[(&str, &str)] = &[
    (
        "cassette.schema.json",
        include_str!("../../schemas/cassette.schema.json"),
    ),
    (
        "swr/list_repos_details.response.schema.json",
        include_str!("../../schemas/swr/list_repos_details.response.schema.json"),
    ),
    (
        "swr/list_repository_tags.response.schema.json",
        include_str!("../../schemas/swr/list_repository_tags.response.schema.json"),
    ),
    (
        "swr/show_repo_tag.response.schema.json",
        include_str!("../../schemas/swr/show_repo_tag.response.schema.json"),
    ),
    (
        "swr/error.schema.json",
        include_str!("../../schemas/swr/error.schema.json"),
    ),
    (
        "swr/gateway_error.schema.json",
        include_str!("../../schemas/swr/gateway_error.schema.json"),
    ),
    (
        "ncr/get_image_tag_list.response.schema.json",
        include_str!("../../schemas/ncr/get_image_tag_list.response.schema.json"),
    ),
    (
        "ncr/error.schema.json",
        include_str!("../../schemas/ncr/error.schema.json"),
    ),
    (
        "ncr/gateway_error.schema.json",
        include_str!("../../schemas/ncr/gateway_error.schema.json"),
    ),
    (
        "tcr/describe_images.response.schema.json",
        include_str!("../../schemas/tcr/describe_images.response.schema.json"),
    ),
    (
        "tcr/error.schema.json",
        include_str!("../../schemas/tcr/error.schema.json"),
    ),
];

struct Pair {
    strict: jsonschema::Validator,
    relaxed: jsonschema::Validator,
}

fn compile(schema: &Value) -> jsonschema::Validator {
    // The embedded schemas are compiled by a unit test below; failing here means the binary itself is broken.
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(schema)
        .expect("embedded schema compiles")
}

fn relax(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            map.values_mut().for_each(relax);
        }
        Value::Array(items) => items.iter_mut().for_each(relax),
        _ => {}
    }
}

fn validators() -> &'static HashMap<&'static str, Arc<Pair>> {
    static CACHE: OnceLock<HashMap<&'static str, Arc<Pair>>> = OnceLock::new();
    CACHE.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|(name, text)| {
                let strict: Value = serde_json::from_str(text).expect("embedded schema is JSON");
                let mut relaxed = strict.clone();
                relax(&mut relaxed);
                (
                    *name,
                    Arc::new(Pair {
                        strict: compile(&strict),
                        relaxed: compile(&relaxed),
                    }),
                )
            })
            .collect()
    })
}

/// What the schemas say about one body.
#[derive(Debug, Clone, Default)]
pub(crate) struct Verdict {
    /// Schemas the body was judged against (empty: not judged).
    pub schemas: Vec<&'static str>,
    /// Required violations: missing fields, wrong types, a body that is not JSON.
    pub hard: Vec<String>,
    /// Extra, undocumented fields.
    pub extra: Vec<String>,
    /// The body has the provider's error shape.
    pub is_error: bool,
}

/// Which schemas a body must match and whether it is an error body; each provider module supplies one.
pub(crate) type Chooser = fn(u16, &Value) -> (&'static [&'static str], bool);

/// Judges `body` against the first of `schemas` it satisfies.
pub(crate) fn judge(schemas: &'static [&'static str], is_error: bool, body: &[u8]) -> Verdict {
    let mut verdict = Verdict {
        schemas: schemas.to_vec(),
        is_error,
        ..Verdict::default()
    };
    if schemas.is_empty() {
        return verdict;
    }
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        verdict
            .hard
            .push(format!("the body is not JSON: {:?}", excerpt(body)));
        return verdict;
    };
    let pairs: Vec<Arc<Pair>> = schemas
        .iter()
        .filter_map(|s| validators().get(s).cloned())
        .collect();
    if pairs.iter().any(|p| p.strict.is_valid(&value)) {
        return verdict;
    }
    let messages = |v: &jsonschema::Validator| -> Vec<String> {
        v.iter_errors(&value)
            .take(3)
            .map(|e| {
                format!(
                    "{e} (at {})",
                    if e.instance_path.as_str().is_empty() {
                        "/"
                    } else {
                        e.instance_path.as_str()
                    }
                )
            })
            .collect()
    };
    match pairs.iter().find(|p| p.relaxed.is_valid(&value)) {
        Some(p) => verdict.extra = messages(&p.strict),
        None => {
            verdict.hard = pairs
                .first()
                .map(|p| messages(&p.relaxed))
                .unwrap_or_default()
        }
    }
    verdict
}

/// Every violation of `instance` against the embedded `schemas/<name>` as written (strict), as `message (at
/// pointer)`; `None` when no such schema is embedded. Used by `regmock cassettes check`.
pub(crate) fn validate(name: &str, instance: &Value) -> Option<Vec<String>> {
    let pair = validators().get(name)?;
    Some(
        pair.strict
            .iter_errors(instance)
            .map(|e| {
                let at = e.instance_path.as_str();
                format!(
                    "{} (at {})",
                    middle_cut(&e.to_string()),
                    if at.is_empty() { "/" } else { at }
                )
            })
            .collect(),
    )
}

/// The names of every embedded schema (paths under `schemas/`).
pub(crate) fn names() -> impl Iterator<Item = &'static str> {
    SCHEMAS.iter().map(|(n, _)| *n)
}

/// A violation's text at most 300 characters long. jsonschema quotes the whole offending value first (a whole body,
/// when the body is the wrong type) and says what is wrong last, so the middle is what goes.
fn middle_cut(message: &str) -> String {
    const KEEP: usize = 150;
    let chars = message.chars().count();
    if chars <= 2 * KEEP {
        return message.to_string();
    }
    let head: String = message.chars().take(KEEP).collect();
    let tail: String = message.chars().skip(chars - KEEP).collect();
    format!("{head} … {tail}")
}

/// Body text for a failure message: at most 300 characters.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out
}

/// The schema files of `provider`.
#[cfg(test)]
fn of(provider: crate::model::ProviderId) -> impl Iterator<Item = &'static str> {
    let prefix = format!("{}/", provider.as_str());
    SCHEMAS
        .iter()
        .map(|(n, _)| *n)
        .filter(move |n| n.starts_with(&prefix))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles_both_ways() {
        assert_eq!(validators().len(), SCHEMAS.len());
        assert_eq!(of(crate::model::ProviderId::Tcr).count(), 2);
    }

    #[test]
    fn extra_fields_are_told_apart_from_missing_ones() {
        let ok = br#"{"returnCode": 404, "returnMessage": "x"}"#;
        let extra = br#"{"returnCode": 404, "returnMessage": "x", "more": 1}"#;
        let wrong = br#"{"returnCode": "404", "returnMessage": "x"}"#;
        let j = |b: &[u8]| judge(&["ncr/error.schema.json"], true, b);
        assert!(j(ok).hard.is_empty() && j(ok).extra.is_empty());
        assert!(j(extra).hard.is_empty() && !j(extra).extra.is_empty());
        assert!(!j(wrong).hard.is_empty());
        assert!(!j(b"<html>").hard.is_empty());
    }

    #[test]
    fn a_violation_quoting_a_huge_value_keeps_what_is_wrong() {
        // Given a body of the wrong type, 100 KB long
        let body = Value::Array(vec![Value::String("x".repeat(100_000))]);
        // Then its violation is at most 300 characters and a few, still saying what is wrong
        let errors = validate("ncr/error.schema.json", &body).unwrap();
        assert!(errors[0].chars().count() < 320, "{}", errors[0]);
        assert!(errors[0].contains("is not of type"), "{}", errors[0]);
    }
}
