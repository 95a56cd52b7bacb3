//! OpenAPI 3.1 documents for the emulated APIs (`regmock openapi`), which the vendors publish none of, so that Prism,
//! Schemathesis and client generators can use them.
//!
//! A document is assembled from three sources, each written once:
//! - the provider's operation table, `providers/<p>/openapi.rs`: paths, parameters with their documented constraints,
//!   the 200 answers, security schemes and the vendor's servers, built from the provider's own constants;
//! - the body schemas of `schemas/<p>/` (the answers', and TCR's request body), embedded in the binary and placed under `components/schemas` (named after
//!   the file, `list_repos_details.response` for `list_repos_details.response.schema.json`). JSON Schema 2020-12 is
//!   OpenAPI 3.1's dialect, so they go in unchanged except for `$schema` and `$id`: the document's
//!   `jsonSchemaDialect` says 2020-12 once, and without `$id` every `$ref` resolves inside the document;
//! - the provider's error catalogue (`errors.json`): every code is listed on every operation, grouped by HTTP status,
//!   with the body shape of the layer that answers it, because the `X-Regmock-Fault` header can make any code answer
//!   any operation. A status the operation already answers (TCR's errors are HTTP 200) becomes a `oneOf` of the
//!   success body and the error bodies.
//!
//! Every answer carries the provider's request-id header (when it has one), and an error may carry
//! `X-Regmock-Explain`; both are documented on every response.

use crate::model::ProviderId;
use crate::pipeline::{EXPLAIN_HEADER, ErrorCode, FAULT_HEADER, Layer, Spec};
use crate::providers::{ncr, swr, tcr};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The OpenAPI version of every document.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// The dialect of every schema in a document (also OpenAPI 3.1's default).
pub const JSON_SCHEMA_DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Where `regmock serve` listens by default; the first server of every document.
pub const LOCAL_SERVER: &str = "http://127.0.0.1:8080";

/// The body schemas of `schemas/<provider>/`, embedded: provider, component name, file text.
pub const SCHEMAS: &[(ProviderId, &str, &str)] = &[
    (
        ProviderId::Swr,
        "list_repos_details.response",
        include_str!("../schemas/swr/list_repos_details.response.schema.json"),
    ),
    (
        ProviderId::Swr,
        "list_repository_tags.response",
        include_str!("../schemas/swr/list_repository_tags.response.schema.json"),
    ),
    (
        ProviderId::Swr,
        "show_repo_tag.response",
        include_str!("../schemas/swr/show_repo_tag.response.schema.json"),
    ),
    (
        ProviderId::Swr,
        "error",
        include_str!("../schemas/swr/error.schema.json"),
    ),
    (
        ProviderId::Swr,
        "gateway_error",
        include_str!("../schemas/swr/gateway_error.schema.json"),
    ),
    (
        ProviderId::Ncr,
        "get_image_tag_list.response",
        include_str!("../schemas/ncr/get_image_tag_list.response.schema.json"),
    ),
    (
        ProviderId::Ncr,
        "error",
        include_str!("../schemas/ncr/error.schema.json"),
    ),
    (
        ProviderId::Ncr,
        "gateway_error",
        include_str!("../schemas/ncr/gateway_error.schema.json"),
    ),
    (
        ProviderId::Tcr,
        "describe_images.request",
        include_str!("../schemas/tcr/describe_images.request.schema.json"),
    ),
    (
        ProviderId::Tcr,
        "describe_images.response",
        include_str!("../schemas/tcr/describe_images.response.schema.json"),
    ),
    (
        ProviderId::Tcr,
        "error",
        include_str!("../schemas/tcr/error.schema.json"),
    ),
];

/// The OpenAPI 3.1 document (JSON) of `provider`'s API as regmock serves it.
///
/// ```
/// use regmock::model::ProviderId;
/// // Arrange + Act
/// let doc = regmock::openapi::document(ProviderId::Swr);
/// // Assert: the documented operation, its 200 body from `schemas/`, and its errors from `errors.json`.
/// let op = &doc["paths"]["/v2/manage/repos"]["get"];
/// assert_eq!(op["operationId"], "list_repos_details");
/// assert_eq!(
///     op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
///     "#/components/schemas/list_repos_details.response"
/// );
/// assert!(op["responses"]["400"]["description"].as_str().unwrap().contains("SVCSTG.SWR.4000014"));
/// ```
pub fn document(provider: ProviderId) -> Value {
    // One match, so a new provider cannot be forgotten here: the compiler asks for its arm.
    match provider {
        ProviderId::Swr => build::<swr::Swr>(swr::openapi::document(), swr::openapi::error_schema),
        ProviderId::Ncr => build::<ncr::Ncr>(ncr::openapi::document(), ncr::openapi::error_schema),
        ProviderId::Tcr => build::<tcr::Tcr>(tcr::openapi::document(), tcr::openapi::error_schema),
    }
}

/// An embedded schema file as a component: parsed, without `$schema` and `$id`.
fn component_schema(text: &str) -> Value {
    // The files are compiled in and checked by tests/openapi.rs, so a parse failure is an editing mistake.
    let mut schema: Value = serde_json::from_str(text).expect("schemas/ files are valid JSON");
    if let Some(map) = schema.as_object_mut() {
        map.remove("$schema");
        map.remove("$id");
    }
    schema
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn build<S: Spec>(part: Value, error_schema: fn(Layer) -> &'static str) -> Value {
    let Value::Object(mut part) = part else {
        unreachable!("a provider's openapi::document() is a JSON object");
    };
    let id = S::ID;

    let mut info = part.remove("info").unwrap_or_else(|| json!({}));
    info["version"] = json!(env!("CARGO_PKG_VERSION"));
    let description = info["description"].as_str().unwrap_or_default().to_string();
    info["description"] = json!(format!(
        "{description}\n\nGenerated by `regmock openapi --provider {id}` (regmock {version}) from the operation table \
         in `src/providers/{id}/openapi.rs`, the schemas in `schemas/{id}/` and the error catalogue \
         `src/providers/{id}/errors.json`. regmock extensions, left out of the parameters so that clients and fuzzers \
         do not send them by accident: the request header `{FAULT_HEADER}` (`internal-error`, `forbidden`, or any \
         code of the catalogue) makes any operation answer that error, which is why every operation lists every code; \
         the response header `{EXPLAIN_HEADER}` says why authentication failed.",
        id = id.as_str(),
        version = env!("CARGO_PKG_VERSION"),
    ));

    let mut servers = vec![json!({
        "url": LOCAL_SERVER,
        "description": "regmock serve (its default address; `--addr` changes it)",
    })];
    if let Some(Value::Array(vendor)) = part.remove("servers") {
        servers.extend(vendor);
    }

    let mut components = match part.remove("components") {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("components/schemas is an object");
    for (_, name, text) in SCHEMAS.iter().filter(|(p, _, _)| *p == id) {
        schemas.insert((*name).to_string(), component_schema(text));
    }
    let headers = components
        .entry("headers")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("components/headers is an object");
    let mut common_headers = Map::new();
    if let Some(name) = S::REQUEST_ID_HEADER {
        headers.insert(
            name.to_string(),
            json!({
                "description": "The id of this request; sent with every answer.",
                "required": true,
                "schema": { "type": "string", "minLength": 1 },
            }),
        );
        common_headers.insert(
            name.to_string(),
            json!({ "$ref": format!("#/components/headers/{name}") }),
        );
    }
    headers.insert(
        EXPLAIN_HEADER.to_string(),
        json!({
            "description": "regmock only: why authentication failed (unknown key, clock skew, a missing signed \
                            header, or the canonical request and string to sign the emulator computed). The vendor's \
                            body is unchanged.",
            "schema": { "type": "string" },
        }),
    );
    let mut error_headers = common_headers.clone();
    error_headers.insert(
        EXPLAIN_HEADER.to_string(),
        json!({ "$ref": format!("#/components/headers/{EXPLAIN_HEADER}") }),
    );

    let errors = errors_by_status::<S>(error_schema);
    let mut paths = match part.remove("paths") {
        Some(Value::Object(map)) => map,
        _ => Map::new(),
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            if !is_method(method) {
                continue;
            }
            let responses = op["responses"]
                .as_object_mut()
                .expect("every operation has responses");
            for response in responses.values_mut() {
                add_headers(response, &common_headers);
            }
            for (status, (described, bodies)) in &errors {
                add_errors(responses, *status, described, bodies, &error_headers);
            }
        }
    }

    let mut doc = Map::new();
    doc.insert("openapi".into(), json!(OPENAPI_VERSION));
    doc.insert("jsonSchemaDialect".into(), json!(JSON_SCHEMA_DIALECT));
    doc.insert("info".into(), info);
    doc.insert("servers".into(), Value::Array(servers));
    // What the provider adds beyond the above (security, tags, externalDocs) goes in as written.
    doc.extend(part);
    doc.insert("paths".into(), Value::Object(paths));
    doc.insert("components".into(), Value::Object(components));
    Value::Object(doc)
}

fn is_method(key: &str) -> bool {
    matches!(
        key,
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"
    )
}

/// Status → (Markdown list of the codes answered with it, the component names of their bodies).
type ErrorsByStatus = BTreeMap<u16, (String, Vec<&'static str>)>;

fn errors_by_status<S: Spec>(error_schema: fn(Layer) -> &'static str) -> ErrorsByStatus {
    let catalogue = S::Code::catalogue();
    let mut out = ErrorsByStatus::new();
    for code in catalogue.codes() {
        let entry = catalogue.get(code);
        let (list, bodies) = out.entry(entry.status).or_default();
        let layer = match entry.layer {
            Layer::Gateway => " (API gateway)",
            Layer::Service => "",
        };
        list.push_str(&format!("\n- `{code}`{layer}: {}", entry.message));
        let body = error_schema(entry.layer);
        if !bodies.contains(&body) {
            bodies.push(body);
        }
    }
    out
}

fn add_headers(response: &mut Value, headers: &Map<String, Value>) {
    if headers.is_empty() {
        return;
    }
    let map = response
        .as_object_mut()
        .expect("a response is an object")
        .entry("headers")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("response headers are an object");
    for (name, header) in headers {
        map.entry(name.clone()).or_insert_with(|| header.clone());
    }
}

/// Adds the errors answered with `status` to `responses`: a new response, or a `oneOf` with the body already there.
fn add_errors(
    responses: &mut Map<String, Value>,
    status: u16,
    described: &str,
    bodies: &[&str],
    headers: &Map<String, Value>,
) {
    let mut schemas: Vec<Value> = bodies.iter().map(|b| schema_ref(b)).collect();
    match responses.get_mut(&status.to_string()) {
        Some(response) => {
            let content = &mut response["content"]["application/json"];
            let success = content["schema"].take();
            schemas.insert(0, success);
            content["schema"] = json!({ "oneOf": schemas });
            let before = response["description"].as_str().unwrap_or_default();
            response["description"] = json!(format!(
                "{before}\n\nOr an error, in the same status:{described}"
            ));
            add_headers(response, headers);
        }
        None => {
            let schema = if schemas.len() == 1 {
                schemas.remove(0)
            } else {
                json!({ "oneOf": schemas })
            };
            let mut response = json!({
                "description": format!("Errors (`errors.json`):{described}"),
                "content": { "application/json": { "schema": schema } },
            });
            add_headers(&mut response, headers);
            responses.insert(status.to_string(), response);
        }
    }
}
