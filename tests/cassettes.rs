//! Replays every cassette in `cassettes/<provider>/` through every transport and compares the answer with the recorded
//! one. Deviations a vendor example forces (placeholders like `{Repository address}`, masked ids, self-contradicting
//! examples) are listed in the cassette's `placeholders` with a rule and a reason; nothing is skipped silently.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use regmock::http::Request;
use serde_json::Value;

fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || !text[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

fn request_of(cassette: &Value) -> Request {
    let r = &cassette["request"];
    let mut req = Request::new(r["method"].as_str().unwrap(), r["path"].as_str().unwrap());
    req.query = r["query"].as_str().map(str::to_string);
    if let Some(headers) = r["headers"].as_object() {
        for (n, v) in headers {
            req.headers
                .push((n.clone(), v.as_str().unwrap().to_string()));
        }
    }
    if let Some(body) = r.get("body").filter(|b| !b.is_null()) {
        req.body = match body {
            Value::String(s) => s.clone().into_bytes(),
            other => other.to_string().into_bytes(),
        };
    }
    if cassette["sign"].as_bool().unwrap_or(false) {
        let id = cassette["provider"].as_str().unwrap();
        let provider = regmock::providers::PROVIDERS
            .iter()
            .find(|p| p.id().as_str() == id)
            .unwrap_or_else(|| panic!("no provider {id}"));
        let key = regmock::pipeline::Credentials::default().keys[0].clone();
        provider.sign(&mut req, &key, common::fixed_now(), "127.0.0.1:8080");
    }
    req
}

/// Compares `actual` (status/headers/body) with the recorded response, applying the placeholder rules.
fn compare(name: &str, cassette: &Value, resp: &regmock::http::Response) {
    let recorded = &cassette["response"];
    assert_eq!(
        resp.status as u64,
        recorded["status"].as_u64().unwrap(),
        "{name}: status"
    );
    let mut actual = serde_json::json!({
        "status": resp.status,
        "headers": resp.headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), Value::from(v.clone()))).collect::<serde_json::Map<_, _>>(),
        "body": resp.body_json(),
    });
    let expected = serde_json::json!({
        "status": recorded["status"],
        "headers": recorded["headers"].as_object().cloned().unwrap_or_default().into_iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v)).collect::<serde_json::Map<_, _>>(),
        "body": recorded["body"],
    });
    for p in cassette["placeholders"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        let pointer = p["pointer"]
            .as_str()
            .unwrap()
            .to_ascii_lowercase_if_header();
        let got = actual
            .pointer(&pointer)
            .cloned()
            .unwrap_or_else(|| panic!("{name}: nothing at {pointer}"));
        match p["rule"].as_str().unwrap() {
            "any" => {}
            "glob" => {
                let text = got
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| got.to_string());
                let pattern = p["value"].as_str().unwrap();
                assert!(
                    glob(pattern, &text),
                    "{name}: {pointer} = {text:?} does not match {pattern:?}"
                );
            }
            other => panic!("{name}: unknown placeholder rule {other}"),
        }
        // The rule held: take the recorded value so the exact comparison below ignores this spot.
        if let Some(slot) = expected.pointer(&pointer).cloned() {
            *actual.pointer_mut(&pointer).unwrap() = slot;
        } else {
            let parent = &pointer[..pointer.rfind('/').unwrap()];
            if let Some(obj) = actual.pointer_mut(parent).and_then(Value::as_object_mut) {
                obj.remove(&pointer[pointer.rfind('/').unwrap() + 1..]);
            }
        }
    }
    // Only the headers the cassette records are compared.
    let recorded_headers = expected["headers"].as_object().cloned().unwrap_or_default();
    let actual_headers = actual["headers"].as_object().cloned().unwrap_or_default();
    for (n, v) in &recorded_headers {
        assert_eq!(actual_headers.get(n), Some(v), "{name}: header {n}");
    }
    assert_eq!(actual["body"], expected["body"], "{name}: body");
    if let Some(schema) = recorded["schema"].as_str() {
        common::assert_schema(schema, &resp.body_json());
        // The recorded (documented) body must fit the schema too, or the schema contradicts the vendor.
        common::assert_schema(schema, &recorded["body"]);
    }
}

trait HeaderPointer {
    fn to_ascii_lowercase_if_header(&self) -> String;
}

impl HeaderPointer for str {
    /// Header names compare case-insensitively, so header pointers are lower-cased like the header maps.
    fn to_ascii_lowercase_if_header(&self) -> String {
        match self.strip_prefix("/headers/") {
            Some(h) => format!("/headers/{}", h.to_ascii_lowercase()),
            None => self.to_string(),
        }
    }
}

fn cassette_files() -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for provider in std::fs::read_dir(common::root().join("cassettes")).unwrap() {
        let dir = provider.unwrap().path();
        if dir.is_dir() {
            for f in std::fs::read_dir(&dir).unwrap() {
                let f = f.unwrap().path();
                if f.extension().is_some_and(|e| e == "json") {
                    files.push(f);
                }
            }
        }
    }
    files.sort();
    files
}

#[tokio::test]
async fn every_cassette_replays_through_every_transport() {
    let files = cassette_files();
    assert!(
        files.len() >= 3,
        "expected the documented examples as cassettes, found {files:?}"
    );
    for path in files {
        let name = path
            .strip_prefix(common::root())
            .unwrap_or(&path)
            .display()
            .to_string();
        let cassette: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        common::assert_schema("cassette.schema.json", &cassette);
        let req = request_of(&cassette);
        let resp = common::answer_everywhere(&common::emulator(), &req).await;
        compare(&name, &cassette, &resp);
    }
}

#[test]
fn glob_rule_matches_runs_of_characters() {
    assert!(glob("*/group/busybox", "swr.example.com/group/busybox"));
    assert!(glob("050*6d70a960", "0503dda878000fed0f75c0096d70a960"));
    assert!(!glob("050*6d70a960", "0503dda878000fed0f75c0096d70a961"));
    assert!(glob("exact", "exact"));
    assert!(!glob("a*b*c", "acb"));
}
