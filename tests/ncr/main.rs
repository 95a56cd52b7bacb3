//! NCR emulator tests: one module per topic. Every body is checked against `schemas/ncr/`.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../common/mod.rs"]
mod common;

mod auth;
mod examples;
mod pagination;
mod props;
mod routes;

use regmock::http::{Request, Response};
use serde_json::Value;

pub const TAG_LIST: &str = "ncr/get_image_tag_list.response.schema.json";
pub const ERROR: &str = "ncr/error.schema.json";
pub const GATEWAY_ERROR: &str = "ncr/gateway_error.schema.json";

/// A GET signed with the default credentials at the tests' fixed clock.
pub fn signed(target: &str) -> Request {
    let mut req = Request::get(target);
    common::ncr_signer::sign(
        &mut req,
        "regmock-access-key",
        "regmock-secret-key",
        common::fixed_now().timestamp_millis() as u64,
    );
    req
}

/// Dispatches a signed GET directly (no sockets).
pub fn get(target: &str) -> Response {
    common::emulator().dispatch(&signed(target))
}

/// Body of a 200 answer, schema-checked.
pub fn ok_body(resp: &Response) -> Value {
    common::ok_json(resp, TAG_LIST)
}

/// Tag names of a tag-list body.
pub fn names(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

/// Asserts the gateway's error body.
pub fn assert_gateway_error(resp: &Response, status: u16, code: &str, details: &str) {
    let body = common::json_with_status(resp, status, GATEWAY_ERROR);
    assert_eq!(body["error"]["errorCode"], code);
    assert_eq!(body["error"]["details"], details);
}

/// Asserts NCR's own error body.
pub fn assert_ncr_error(resp: &Response, status: u16, message_prefix: &str) {
    let body = common::json_with_status(resp, status, ERROR);
    assert_eq!(body["returnCode"], status);
    let msg = body["returnMessage"].as_str().unwrap();
    assert!(msg.starts_with(message_prefix), "{msg}");
}

pub const EXAMPLE: &str = "/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags";
pub const BULK: &str = "/ncr/api/v2/repositories/ncr-example/bulk%2Fapp/tags";
