//! SWR emulator tests: one module per topic. Every body is checked against `schemas/swr/`.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod errors;
mod examples;
mod filter;
mod pagination;
mod props;
mod routes;

use regmock::http::Response;
use serde_json::Value;

/// Schema file of each operation's 200 body.
pub const LIST_REPOS: &str = "swr/list_repos_details.response.schema.json";
pub const LIST_TAGS: &str = "swr/list_repository_tags.response.schema.json";
pub const SHOW_TAG: &str = "swr/show_repo_tag.response.schema.json";
pub const ERROR: &str = "swr/error.schema.json";
pub const GATEWAY_ERROR: &str = "swr/gateway_error.schema.json";

/// Dispatches an authenticated GET directly (no sockets).
pub fn get(target: &str) -> Response {
    common::emulator().dispatch(&common::swr_get(target))
}

/// Body of a 200 answer, schema-checked against `schema`.
pub fn ok_body(resp: &Response, schema: &str) -> Value {
    common::ok_json(resp, schema)
}

/// Names in a list answer, by key (`name` for repositories, `Tag` for tags).
pub fn names(body: &Value, key: &str) -> Vec<String> {
    body.as_array()
        .expect("array body")
        .iter()
        .map(|item| item[key].as_str().expect("string name").to_string())
        .collect()
}

/// Asserts an SWR service error: status, code, message; checks the body schema.
pub fn assert_service_error(resp: &Response, status: u16, code: &str, message: &str) {
    let body = common::json_with_status(resp, status, ERROR);
    assert_eq!(body["error_code"], code);
    assert_eq!(body["error_msg"], message);
    assert_eq!(body["errors"][0]["errorCode"], code);
    assert!(resp.header_value("x-request-id").is_some());
}

/// Asserts the API gateway's error: status and code; checks the body schema and the request id echo.
pub fn assert_gateway_error(resp: &Response, status: u16, code: &str) {
    let body = common::json_with_status(resp, status, GATEWAY_ERROR);
    assert_eq!(body["error_code"], code);
    assert_eq!(
        Some(body["request_id"].as_str().unwrap()),
        resp.header_value("x-request-id")
    );
}
