//! NCR's operation table for `regmock openapi` (assembled by `crate::openapi`): "Get image tag list" under each
//! region prefix of [`REGIONS`], its parameters with their constraints, the 200 answer and the API Gateway's signature
//! headers as security schemes. Error answers come from `errors.json` and bodies from `schemas/ncr/`; the builder adds
//! both.

use super::auth::MAX_SKEW_MS;
use super::params::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use super::routes::REGIONS;
use crate::pipeline::Layer;
use serde_json::{Map, Value, json};

/// The component schema of an error body answered by `layer`: the gateway's `{"error":{…}}` or NCR's
/// `{"returnCode","returnMessage"}`.
///
/// ```
/// use regmock::pipeline::Layer;
/// use regmock::providers::ncr::openapi::error_schema;
/// assert_eq!((error_schema(Layer::Gateway), error_schema(Layer::Service)), ("gateway_error", "error"));
/// ```
pub fn error_schema(layer: Layer) -> &'static str {
    match layer {
        Layer::Gateway => "gateway_error",
        Layer::Service => "error",
    }
}

/// The region a dataset region id names on the "Get image tag list" page.
fn region_name(id: &str) -> &str {
    match id {
        "kr" => "Korea",
        "sgn" => "Singapore",
        "jpn" => "Japan",
        other => other,
    }
}

/// The `registry` path parameter, with `example` as its example.
fn registry_parameter(example: &str) -> Value {
    json!({
        "name": "registry", "in": "path", "required": true,
        "description": "Name of the registry where the image is registered.",
        "schema": { "type": "string", "minLength": 1 },
        "example": example,
    })
}

/// The `imageName` path parameter, with `example` as its example.
fn image_parameter(example: &str) -> Value {
    json!({
        "name": "imageName", "in": "path", "required": true,
        "description": "Name of the image, URI-encoded (`hello/world` is sent as `hello%2Fworld`) and decoded once. \
                        A raw `/` makes the path one the gateway has no API for (404, errorCode 300).",
        "schema": { "type": "string", "minLength": 1 },
        "example": example,
    })
}

/// The first registry and image with tags of `region` in the embedded dataset: the examples of that region's path.
fn example_image(data: Option<&crate::model::Dataset>, region: &str) -> Option<(String, String)> {
    data?
        .registries_of(crate::model::ProviderId::Ncr)
        .filter(|r| r.region == region)
        .find_map(|r| {
            r.namespaces
                .iter()
                .flat_map(|n| &n.repositories)
                .find(|repo| !repo.tags.is_empty())
                .map(|repo| (r.name.clone(), repo.name.clone()))
        })
}

/// NCR's part of its OpenAPI document: `info`, `servers`, `paths` (one per region, with the 200 answer),
/// `components` (parameters, security schemes) and `security`.
///
/// ```
/// // Arrange + Act
/// let part = regmock::providers::ncr::openapi::document();
/// // Assert: one path per region prefix.
/// assert!(part["paths"]["/ncr/sgn-api/v2/repositories/{registry}/{imageName}/tags"]["get"].is_object());
/// ```
pub fn document() -> Value {
    let mut paths = Map::new();
    let data = crate::model::Dataset::embedded().ok();
    for (prefix, region) in REGIONS {
        let name = region_name(region);
        // Each region is its own data space, so its examples must name an image of that region, or a client
        // generated from the document (Schemathesis' examples phase) meets only 404s there.
        let examples = example_image(data.as_ref(), region)
            .unwrap_or_else(|| ("ncr-example".to_string(), "hello/world".to_string()));
        paths.insert(
            format!("{prefix}/repositories/{{registry}}/{{imageName}}/tags"),
            json!({ "get": {
                "operationId": format!("get_image_tag_list_{region}"),
                "summary": format!("Get image tag list ({name} Region)"),
                "description": format!(
                    "Tags of one image in a registry of the {name} region (each region is a separate data space: \
                     a registry of another region is a 404), most recently updated first, ties by name. Tags a \
                     dataset marks deleted are not listed."
                ),
                "parameters": [
                    registry_parameter(&examples.0),
                    image_parameter(&examples.1),
                    { "$ref": "#/components/parameters/page" },
                    { "$ref": "#/components/parameters/pagesize" },
                ],
                "responses": { "200": {
                    "description": "One page: `count` of all tags, `next`/`previous` page numbers or null. A page \
                                    past the end has empty `results`, and `previous` is the last page with items.",
                    "content": { "application/json": { "schema": {
                        "$ref": "#/components/schemas/get_image_tag_list.response"
                    } } },
                } },
            } }),
        );
    }
    let signature = |version: &str| {
        json!({
            "type": "apiKey", "in": "header", "name": format!("x-ncp-apigw-signature-{version}"),
            "description": "Base64 HMAC-SHA256, keyed with the secret key, of `{METHOD} {path and query as sent}\\n\
                            {x-ncp-apigw-timestamp}\\n{x-ncp-iam-access-key}`. v2 is the documented header; NAVER's \
                            SDKs send the same value as v1. When both are sent, v2 is checked.",
        })
    };
    json!({
        "info": {
            "title": "NAVER Cloud Container Registry (NCR) API v2, as emulated by regmock",
            "description": "NAVER Cloud Container Registry, \"Get image tag list\" in the Korea, Singapore and \
                            Japan regions (one path prefix each, on one host). The vendor publishes no OpenAPI \
                            document; this one follows that page, the API Gateway's signature and error rules and, \
                            where they are silent, regmock's documented choices (README, \"Behaviour where the \
                            vendor docs are silent\"). NCR's own error body is undocumented: regmock answers the \
                            `{returnCode, returnMessage}` shape NAVER's generated clients read.",
        },
        "servers": [{ "url": "https://ncr.apigw.ntruss.com", "description": "NAVER Cloud public zone" }],
        "security": [
            { "x-ncp-apigw-timestamp": [], "x-ncp-iam-access-key": [], "x-ncp-apigw-signature-v2": [] },
            { "x-ncp-apigw-timestamp": [], "x-ncp-iam-access-key": [], "x-ncp-apigw-signature-v1": [] },
        ],
        "paths": paths,
        "components": {
            "parameters": {
                "page": {
                    "name": "page", "in": "query",
                    "description": "Page number to query, greater than 0 (else 400). Default 1, and at most 2^64-1 \
                                    (regmock's choices; the page gives none).",
                    "schema": { "type": "integer", "minimum": 1, "maximum": u64::MAX, "default": 1 },
                },
                "pagesize": {
                    "name": "pagesize", "in": "query",
                    "description": format!(
                        "Size of the page to query, greater than 0 (else 400). Default {DEFAULT_PAGE_SIZE}; values \
                         above {MAX_PAGE_SIZE} are taken as {MAX_PAGE_SIZE} (Docker Hub's numbers), and at most \
                         2^64-1 (regmock's choices; the page gives none)."
                    ),
                    "schema": {
                        "type": "integer", "minimum": 1, "maximum": u64::MAX, "default": DEFAULT_PAGE_SIZE,
                    },
                },
            },
            "securitySchemes": {
                "x-ncp-apigw-timestamp": {
                    "type": "apiKey", "in": "header", "name": "x-ncp-apigw-timestamp",
                    "description": format!(
                        "Unix time in milliseconds; at most {} minutes from the emulator's clock.",
                        MAX_SKEW_MS / 60_000
                    ),
                },
                "x-ncp-iam-access-key": {
                    "type": "apiKey", "in": "header", "name": "x-ncp-iam-access-key",
                    "description": "The (sub) account's access key.",
                },
                "x-ncp-apigw-signature-v2": signature("v2"),
                "x-ncp-apigw-signature-v1": signature("v1"),
            },
        },
    })
}
