//! TCR's operation table for `regmock openapi` (assembled by `crate::openapi`): `DescribeImages` as `POST /` with a
//! JSON body and as `GET /` with the parameters in the query (the SDKs' `reqMethod="GET"`), the API 3.0 common
//! parameters as `X-TC-*` headers, and TC3-HMAC-SHA256 as the security scheme. Every error is HTTP 200 with
//! `Response.Error`: the builder turns the 200 answer into a `oneOf` of the success and error bodies of `schemas/tcr/`.
//! The POST body's schema is `schemas/tcr/describe_images.request.schema.json`, which the builder places under
//! `components/schemas` with the others; the GET form's query parameters come from [`fields`], whose names, required
//! flags and descriptions a test keeps equal to that file's.

use super::REQUESTS_PER_SECOND;
use super::auth::MAX_SKEW_SECONDS;
use super::params::{DEFAULT_LIMIT, MAX_LIMIT};
use super::routes::{ACTION, VERSION};
use crate::pipeline::Layer;
use serde_json::{Value, json};

/// The component schema of an error body: API 3.0 has one shape for every layer.
///
/// ```
/// use regmock::pipeline::Layer;
/// assert_eq!(regmock::providers::tcr::openapi::error_schema(Layer::Gateway), "error");
/// ```
pub fn error_schema(_: Layer) -> &'static str {
    "error"
}

/// What a DescribeImages parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A non-empty name (empty is `InvalidParameterValue`).
    Name,
    /// Any string; empty filters nothing.
    Text,
    /// An integer of at least this value.
    Integer(i64),
    /// A boolean.
    Boolean,
}

/// One DescribeImages input parameter (the page's table, in its order).
#[derive(Debug, Clone)]
pub struct Field {
    /// Name, case-sensitive.
    pub name: &'static str,
    /// Whether the page marks it required.
    pub required: bool,
    /// Its type.
    pub kind: Kind,
    /// The page's description, plus regmock's reading where the page is silent.
    pub description: String,
    /// The value of the vendor's example request, if it has one.
    pub example: Option<&'static str>,
}

/// DescribeImages' input parameters (besides the common ones, which travel as `X-TC-*` headers).
///
/// ```
/// let names: Vec<_> = regmock::providers::tcr::openapi::fields().into_iter().map(|f| f.name).collect();
/// assert_eq!(names[..3], ["RegistryId", "NamespaceName", "RepositoryName"]);
/// ```
pub fn fields() -> Vec<Field> {
    vec![
    Field {
        name: "RegistryId",
        required: true,
        kind: Kind::Name,
        description: "Instance ID. An unknown one is `ResourceNotFound`.".into(),
        example: Some("tcr-okmj78"),
    },
    Field {
        name: "NamespaceName",
        required: true,
        kind: Kind::Name,
        description: "Namespace name. An unknown one is `ResourceNotFound.TcrResourceNotFound`.".into(),
        example: Some("team-01"),
    },
    Field {
        name: "RepositoryName",
        required: true,
        kind: Kind::Name,
        description: "Image repository name. An unknown one is `ResourceNotFound.TcrResourceNotFound`.".into(),
        example: Some("nginx"),
    },
    Field {
        name: "ImageVersion",
        required: false,
        kind: Kind::Text,
        description: "Image tag specified for fuzzy search: a case-insensitive substring, or byte-exact with \
                      `ExactMatch`."
            .into(),
        example: None,
    },
    Field {
        name: "Limit",
        required: false,
        kind: Kind::Integer(1),
        description: format!(
            "Number of entries per page (an Integer: 64-bit signed, a digit string too). Default value: {DEFAULT_LIMIT}. Above {MAX_LIMIT} (the related actions' \
             maximum) it is taken as {MAX_LIMIT} (`--strict`: `InvalidParameterValue`)."
        ),
        example: Some("20"),
    },
    Field {
        name: "Offset",
        required: false,
        kind: Kind::Integer(0),
        description: "Page number (an Integer: 64-bit signed, a digit string too). Default value: 1. Page k holds matches (k-1)·Limit+1 … k·Limit; 0, which the \
                      vendor's example sends, is page 1 (`--strict`: `InvalidParameterValue`)."
            .into(),
        example: Some("0"),
    },
    Field {
        name: "Digest",
        required: false,
        kind: Kind::Text,
        description: "Image digest specified for search: exact, and combined with `ImageVersion`.".into(),
        example: None,
    },
    Field {
        name: "ExactMatch",
        required: false,
        kind: Kind::Boolean,
        description: "Whether to use exact matching. Valid values: true (exact matching), null (fuzzy matching); \
                      false or absent are fuzzy too."
            .into(),
        example: None,
    },
    ]
}

/// The query schema of one field (the GET form: form-encoded, `+` is a space).
fn query_schema(field: &Field) -> Value {
    match field.kind {
        Kind::Name => json!({ "type": "string", "minLength": 1 }),
        Kind::Text => json!({ "type": "string" }),
        Kind::Integer(min) => json!({ "type": "integer", "minimum": min, "maximum": i64::MAX }),
        Kind::Boolean => json!({ "type": "boolean" }),
    }
}

/// The API 3.0 common parameters DescribeImages reads, as `X-TC-*` headers.
fn common_parameters() -> Value {
    json!({
        "X-TC-Action": {
            "name": "X-TC-Action", "in": "header", "required": true,
            "description": "Common Params. The value used for this API. Another action is `InvalidAction`.",
            "schema": { "type": "string", "enum": [ACTION] },
        },
        "X-TC-Version": {
            "name": "X-TC-Version", "in": "header", "required": true,
            "description": "Common Params. The value used for this API. Another version is `NoSuchVersion`.",
            "schema": { "type": "string", "enum": [VERSION] },
        },
        "X-TC-Region": {
            "name": "X-TC-Region", "in": "header", "required": true,
            "description": "Common Params. A region of the product, e.g. ap-guangzhou. regmock accepts any \
                            non-empty region and finds instances by id alone.",
            "schema": { "type": "string", "minLength": 1 },
            "example": "ap-guangzhou",
        },
        "X-TC-Timestamp": {
            "name": "X-TC-Timestamp", "in": "header", "required": true,
            "description": format!(
                "Common Params. Unix time in whole seconds, at most {MAX_SKEW_SECONDS} s from the server's clock \
                 (`AuthFailure.SignatureExpire`); its UTC date is the credential scope's date. Checked with the \
                 signature (not under `--no-auth`)."
            ),
            "schema": { "type": "integer", "minimum": 0 },
        },
        "X-TC-Token": {
            "name": "X-TC-Token", "in": "header",
            "description": "Common Params. The token of temporary credentials (`AuthFailure.TokenFailure` when not \
                            accepted).",
            "schema": { "type": "string" },
        },
        "X-TC-Content-SHA256": {
            "name": "X-TC-Content-SHA256", "in": "header",
            "description": "`UNSIGNED-PAYLOAD` signs the hash of that text instead of the body's.",
            "schema": { "type": "string", "enum": ["UNSIGNED-PAYLOAD"] },
        },
        "X-TC-Language": {
            "name": "X-TC-Language", "in": "header",
            "description": "Common Params. Language of the messages; regmock ignores it (messages are English).",
            "schema": { "type": "string", "enum": ["zh-CN", "en-US"] },
        },
    })
}

/// TCR's part of its OpenAPI document: `info`, `servers`, the `/` path with `post` and `get`, `components`
/// (the common header parameters, the security scheme) and `security`; the request body schema is a file of
/// `schemas/tcr/`.
///
/// ```
/// // Arrange + Act
/// let part = regmock::providers::tcr::openapi::document();
/// // Assert: the JSON form and the query form, with the same parameters.
/// let body = &part["paths"]["/"]["post"]["requestBody"]["content"]["application/json"]["schema"];
/// assert_eq!(body["$ref"], "#/components/schemas/describe_images.request");
/// assert_eq!(part["paths"]["/"]["get"]["parameters"].as_array().unwrap().len(), 7 + 8);
/// ```
pub fn document() -> Value {
    let mut query = Vec::new();
    for field in &fields() {
        let mut param = json!({
            "name": field.name, "in": "query", "required": field.required,
            "description": field.description,
            "schema": query_schema(field),
        });
        if let Some(example) = field.example {
            param["example"] = json!(example);
        }
        query.push(param);
    }
    let common = common_parameters();
    let headers: Vec<Value> = common
        .as_object()
        .expect("an object")
        .keys()
        .map(|name| json!({ "$ref": format!("#/components/parameters/{name}") }))
        .collect();
    let ok = json!({ "200": {
        "description": "`Response` with `ImageInfoList` (this page, `UpdateTime` descending, ties by \
                        `ImageVersion`), `TotalCount` (all matches) and `RequestId`.",
        "content": { "application/json": { "schema": {
            "$ref": "#/components/schemas/describe_images.response"
        } } },
    } });
    let description = format!(
        "Lists the image tags of one repository of a TCR instance. A maximum of {REQUESTS_PER_SECOND} requests can \
         be initiated per second for this API (per SecretId; `RequestLimitExceeded`). Parameter names are \
         case-sensitive; one the action does not define is `UnknownParameter`, a wrong type `InvalidParameter`."
    );
    let mut get_parameters = headers.clone();
    get_parameters.extend(query);
    json!({
        "info": {
            "title": format!("Tencent Cloud TCR API 3.0, {ACTION} ({VERSION}), as emulated by regmock"),
            "description": "Tencent Cloud Container Registry (TCR), API 3.0 action DescribeImages. API 3.0 routes \
                            by headers: every call is `POST /` (or `GET /`), naming its action in `X-TC-Action`. \
                            The vendor publishes no OpenAPI document; this one follows the DescribeImages page, the \
                            API 3.0 common parameters and error codes, the official SDKs and, where they are \
                            silent, regmock's documented choices (README, \"Behaviour where the vendor docs are \
                            silent\"). Every error is HTTP 200 with `Response.Error`, as the SDKs require.",
        },
        "servers": [{ "url": "https://tcr.tencentcloudapi.com", "description": "Tencent Cloud API 3.0 endpoint" }],
        "security": [{ "TC3-HMAC-SHA256": [] }],
        "paths": { "/": {
            "post": {
                "operationId": "describe_images",
                "summary": ACTION,
                "description": description,
                "parameters": headers,
                "requestBody": {
                    "required": true,
                    "content": { "application/json": { "schema": {
                        "$ref": "#/components/schemas/describe_images.request"
                    } } },
                },
                "responses": ok,
            },
            "get": {
                "operationId": "describe_images_get",
                "summary": format!("{ACTION} (GET form)"),
                "description": format!(
                    "{description} The SDKs' `reqMethod=\"GET\"`: the parameters in the query, form-encoded \
                     (`+` is a space, a repeated key keeps its last value); `ExactMatch` in any case."
                ),
                "parameters": get_parameters,
                "responses": ok,
            },
        } },
        "components": {
            "parameters": common,
            "securitySchemes": {
                "TC3-HMAC-SHA256": {
                    "type": "apiKey", "in": "header", "name": "Authorization",
                    "description": "`TC3-HMAC-SHA256 Credential=<SecretId>/<date>/<service>/tc3_request, \
                                    SignedHeaders=content-type;host, Signature=<hex>` over the canonical request \
                                    (the raw body bytes for POST, the query as sent for GET); the service and the \
                                    signed host are read as the Python and Node SDKs send them.",
                },
            },
        },
    })
}
