//! SWR's operation table for `regmock openapi` (assembled by `crate::openapi`): the three paths, every documented
//! parameter with its constraints, the 200 answers, the security schemes. Error answers come from `errors.json` and
//! bodies from `schemas/swr/`; the builder adds both. Numbers come from [`params`](super::params), the path prefix
//! from [`PATH_PREFIX`], so nothing here is a second copy.

use super::PATH_PREFIX;
use super::auth::MAX_SKEW;
use super::params::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::pipeline::Layer;
use serde_json::{Value, json};

/// Organization name (list and show pages): 1 to 64 characters, a lowercase letter first, a lowercase letter or digit
/// last, lowercase letters and digits separated by single `.`, `_` or `-`, or by `__`.
pub const NAMESPACE_PATTERN: &str = "^[a-z][a-z0-9]*(?:(?:[._-]|__)[a-z0-9]+)*$";

/// Repository name (show-tag page): 1 to 128 characters, a lowercase letter or digit first and last, lowercase letters
/// and digits separated by single `.`, `/`, `_` or `-`, or by `__`; `/` is sent as `$` (or percent-encoded, as the SDK
/// does).
pub const REPOSITORY_PATTERN: &str = "^[a-z0-9]+(?:(?:[./_$-]|__)[a-z0-9]+)*$";

/// Tag name: the pages say only "tag name"; this is the tag grammar of the OCI distribution spec that every registry
/// tag follows.
pub const TAG_PATTERN: &str = "^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$";

/// Repository categories (list-repositories page; `windows` from the SDK docstring), as the 200 schema lists them.
pub const CATEGORIES: &[&str] = &[
    "app_server",
    "linux",
    "framework_app",
    "database",
    "lang",
    "arm",
    "other",
    "windows",
];

/// Sort columns regmock accepts for repositories (`updated_at` individually; `name`, `updated_time`, `tag_count` in
/// `filter`); `updated_time` is `updated_at`.
pub const REPO_ORDER_COLUMNS: &[&str] = &["updated_at", "updated_time", "name", "tag_count"];

/// Sort columns regmock accepts for tags (the page names `updated_at`).
pub const TAG_ORDER_COLUMNS: &[&str] = &["updated_at", "updated_time", "name"];

/// The component schema of an error body answered by `layer`: the gateway's `{"error_code","error_msg","request_id"}`
/// or SWR's own (the combined or the legacy appendix form).
///
/// ```
/// use regmock::pipeline::Layer;
/// use regmock::providers::swr::openapi::error_schema;
/// assert_eq!((error_schema(Layer::Gateway), error_schema(Layer::Service)), ("gateway_error", "error"));
/// ```
pub fn error_schema(layer: Layer) -> &'static str {
    match layer {
        Layer::Gateway => "gateway_error",
        Layer::Service => "error",
    }
}

/// SWR's part of its OpenAPI document: `info`, `paths` (with their 200 answers), `components` (parameters, headers,
/// security schemes) and `security`.
///
/// ```
/// // Arrange + Act
/// let part = regmock::providers::swr::openapi::document();
/// // Assert: limit carries the documented range.
/// let limit = &part["components"]["parameters"]["limit"]["schema"];
/// assert_eq!((limit["minimum"].as_u64(), limit["maximum"].as_u64()), (Some(1), Some(1000)));
/// ```
pub fn document() -> Value {
    let repos = format!("{PATH_PREFIX}repos");
    let tags = format!("{PATH_PREFIX}namespaces/{{namespace}}/repos/{{repository}}/tags");
    let tag = format!("{tags}/{{tag}}");
    let param = |name: &str| json!({ "$ref": format!("#/components/parameters/{name}") });
    let ok = |description: &str, schema: &str, ranged: bool| {
        let mut response = json!({
            "description": description,
            "content": { "application/json": { "schema": {
                "$ref": format!("#/components/schemas/{schema}")
            } } },
        });
        if ranged {
            response["headers"] = json!({
                "Content-Range": { "$ref": "#/components/headers/Content-Range" }
            });
        }
        json!({ "200": response })
    };
    json!({
        "info": {
            "title": "Huawei Cloud SWR API v2 (manage), as emulated by regmock",
            "description": "Huawei Cloud SoftWare Repository for Container (SWR), API v2 `manage` operations: \
                            \"Querying the Image Repository List\", \"Querying the List of Image Repository Tags\" \
                            and \"查询指定tag的镜像的详情\" (show tag). The vendor publishes no OpenAPI document; this one \
                            follows those pages, the official Python SDK (`huaweicloudsdkswr`) and, where the pages \
                            are silent, regmock's documented choices (README, \"Behaviour where the vendor docs are \
                            silent\"). Send `X-Auth-Token` or the SDK's AK/SK signature; the regional endpoint is \
                            `https://{Endpoint}` (see Huawei Cloud's Regions and Endpoints).",
        },
        "security": [
            { "X-Auth-Token": [] },
            { "SDK-HMAC-SHA256": [], "X-Sdk-Date": [] },
        ],
        "paths": {
            repos: { "get": {
                "operationId": "list_repos_details",
                "summary": "Querying the Image Repository List",
                "description": "Repositories of every namespace, most recently updated first unless ordered. A \
                                non-empty `filter` replaces every individual query parameter.",
                "parameters": [
                    {
                        "name": "namespace", "in": "query",
                        "description": "Organization name, fuzzy (case-insensitive substring) match. Organization \
                                        names have 1 to 64 characters.",
                        "schema": { "type": "string", "maxLength": 64 },
                        "example": "group",
                    },
                    {
                        "name": "name", "in": "query",
                        "description": "Image repository name, fuzzy (case-insensitive substring) match.",
                        "schema": { "type": "string" },
                        "example": "busybox",
                    },
                    {
                        "name": "category", "in": "query",
                        "description": "Repository type, exact match; a category no repository has matches nothing.",
                        "schema": { "type": "string", "enum": CATEGORIES },
                    },
                    param("limit"),
                    {
                        "name": "offset", "in": "query",
                        "description": "Start index: 0 or a multiple of `limit` (else 400). Use it with `limit`. An \
                                        offset past the end answers `[]`.",
                        "schema": { "type": "integer", "minimum": 0, "default": 0 },
                    },
                    {
                        "name": "order_column", "in": "query",
                        "description": "Sort column (`updated_time` is `updated_at`); use it with `order_type`, \
                                        either alone defaults the other (`updated_at`, `desc`). Ties: namespace, \
                                        then name, ascending.",
                        "schema": { "type": "string", "enum": REPO_ORDER_COLUMNS },
                    },
                    param("order_type"),
                    {
                        "name": "filter", "in": "query",
                        "description": "`key::value` segments joined by `|`, keys `namespace`, `name`, `category`, \
                                        `limit`, `offset`, `order_column` (`name`, `updated_time`, `tag_count`), \
                                        `order_type`. A segment without `::` is a 400; empty segments and unknown \
                                        keys are ignored; a repeated key keeps its last value.",
                        "schema": { "$ref": "#/components/schemas/filter" },
                        "example": "namespace::group|name::busybox",
                    },
                ],
                "responses": ok(
                    "The matching repositories, one page. `Content-Range` is sent when `limit` or `offset` was \
                     given, individually or in `filter`; every item's `total_range` counts all matches.",
                    "list_repos_details.response",
                    true,
                ),
            } },
            tags: { "get": {
                "operationId": "list_repository_tags",
                "summary": "Querying the List of Image Repository Tags",
                "description": "Tags of one repository, most recently updated first unless ordered. A non-empty \
                                `filter` replaces every individual query parameter.",
                "parameters": [
                    param("namespace"),
                    param("repository"),
                    param("limit"),
                    {
                        "name": "offset", "in": "query",
                        "description": "Start index (any, unlike the repository list). Use it with `limit`. An \
                                        offset past the end answers `[]`.",
                        "schema": { "type": "integer", "minimum": 0, "default": 0 },
                    },
                    {
                        "name": "order_column", "in": "query",
                        "description": "Sort column (`updated_time` is `updated_at`); use it with `order_type`, \
                                        either alone defaults the other (`updated_at`, `desc`). Ties: tag name, \
                                        ascending.",
                        "schema": { "type": "string", "enum": TAG_ORDER_COLUMNS },
                    },
                    param("order_type"),
                    {
                        "name": "tag", "in": "query",
                        "description": "Image tag name, fuzzy (case-insensitive substring) match.",
                        "schema": { "type": "string" },
                        "example": "latest",
                    },
                    {
                        "name": "filter", "in": "query",
                        "description": "`key::value` segments joined by `|`, keys `offset`, `limit`, \
                                        `order_column`, `order_type`, `tag`. A segment without `::` is a 400; empty \
                                        segments and unknown keys are ignored; a repeated key keeps its last value.",
                        "schema": { "$ref": "#/components/schemas/filter" },
                        "example": "offset::0|limit::10|order_column::updated_at|order_type::desc",
                    },
                ],
                "responses": ok(
                    "The matching tags, one page (items use `Tag`, capital T). `Content-Range` is sent when `limit` \
                     or `offset` was given.",
                    "list_repository_tags.response",
                    true,
                ),
            } },
            tag: { "get": {
                "operationId": "show_repo_tag",
                "summary": "查询指定tag的镜像的详情 (show the image of one tag)",
                "parameters": [param("namespace"), param("repository"), {
                    "name": "tag", "in": "path", "required": true,
                    "description": "Tag name.",
                    "schema": { "type": "string", "pattern": TAG_PATTERN },
                    "example": "latest",
                }],
                "responses": ok(
                    "The tag (this page spells the key `tag`, lower case).",
                    "show_repo_tag.response",
                    false,
                ),
            } },
        },
        "components": {
            "schemas": {
                "filter": {
                    "type": "string",
                    "pattern": "^(?:[^|]*::[^|]*)?(?:\\|(?:[^|]*::[^|]*)?)*$",
                    "description": "`key::value|key::value…`, sent percent-encoded (as the SDK does) or raw.",
                },
            },
            "parameters": {
                "namespace": {
                    "name": "namespace", "in": "path", "required": true,
                    "description": "Organization name.",
                    "schema": {
                        "type": "string", "minLength": 1, "maxLength": 64, "pattern": NAMESPACE_PATTERN,
                    },
                    "example": "group",
                },
                "repository": {
                    "name": "repository", "in": "path", "required": true,
                    "description": "Image repository name; a `/` in it is sent as `$` (the page's rule) or \
                                    percent-encoded (`%2F`, as the SDK does).",
                    "schema": {
                        "type": "string", "minLength": 1, "maxLength": 128, "pattern": REPOSITORY_PATTERN,
                    },
                    "example": "busybox",
                },
                "limit": {
                    "name": "limit", "in": "query",
                    "description": format!(
                        "Number of records to return (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}, else 400). The \
                         page types it String; the value is an integer. Use it with `offset`."
                    ),
                    "schema": { "type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT },
                },
                "order_type": {
                    "name": "order_type", "in": "query",
                    "description": "Sort direction, any case. Use it with `order_column`.",
                    "schema": { "type": "string", "enum": ["desc", "asc"] },
                },
            },
            "headers": {
                "Content-Range": {
                    "description": "`{offset}-{count}/{total}`: start index, records on this page, all matches.",
                    "schema": { "type": "string", "pattern": "^[0-9]+-[0-9]+/[0-9]+$" },
                },
            },
            "securitySchemes": {
                "X-Auth-Token": {
                    "type": "apiKey", "in": "header", "name": "X-Auth-Token",
                    "description": "An IAM user token (`X-Subject-Token` of IAM's token API). regmock accepts any \
                                    non-empty token, or only those `--credentials` lists.",
                },
                "SDK-HMAC-SHA256": {
                    "type": "apiKey", "in": "header", "name": "Authorization",
                    "description": "The official SDKs' AK/SK signature: `SDK-HMAC-SHA256 Access=<AK>, \
                                    SignedHeaders=<names>, Signature=<hex HMAC-SHA256 of the string to sign, keyed \
                                    with the SK>`, over the canonical request of the request as sent.",
                },
                "X-Sdk-Date": {
                    "type": "apiKey", "in": "header", "name": "X-Sdk-Date",
                    "description": format!(
                        "Signing time `YYYYMMDDTHHMMSSZ` (UTC), signed with the request; at most {} minutes from the \
                         emulator's clock.",
                        MAX_SKEW.num_minutes()
                    ),
                },
            },
        },
    })
}
