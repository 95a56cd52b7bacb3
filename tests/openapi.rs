//! `regmock openapi`: structural facts of each provider's OpenAPI 3.1 document, checked offline. The document is
//! validated against the OpenAPI 3.1 schema by `openapi-spec-validator` and exercised against `serve` by Schemathesis in
//! `.ci/run` (tests/openapi/run_schemathesis.sh); here: every path of the README's operations table is there, every
//! catalogue status is answered, every `$ref` resolves, the embedded schemas are the files, the documented examples
//! (cassettes and each provider's example request) match the document, and the document's parameter bounds and enums
//! are the emulator's.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use regmock::http::{Request, Response};
use regmock::model::ProviderId;
use regmock::openapi::{SCHEMAS, document};
use regmock::pipeline::Options;
use regmock::providers::PROVIDERS;
use regmock::providers::ncr::routes::REGIONS;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn ids() -> Vec<ProviderId> {
    PROVIDERS.iter().map(|p| p.id()).collect()
}

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if METHODS.contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone(), op));
            }
        }
    }
    out
}

/// The value at a local `$ref` (`#/a/b~1c`), if it exists.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// `value` with every local `$ref` object replaced by its target (the documents have no recursive references).
fn inline(doc: &Value, value: &Value) -> Value {
    match value {
        Value::Object(map) => match map.get("$ref").and_then(Value::as_str) {
            Some(r) => inline(doc, resolve(doc, r).unwrap()),
            None => Value::Object(
                map.iter()
                    .map(|(k, v)| (k.clone(), inline(doc, v)))
                    .collect(),
            ),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| inline(doc, v)).collect()),
        other => other.clone(),
    }
}

fn pointer_escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Whether `path` (a raw request path) is an instance of the template `template` (`{x}` = one non-empty segment).
fn path_matches(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            if t.starts_with('{') && t.ends_with('}') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

/// The operation answering `method path` in `doc`: (template, operation).
fn operation_for<'a>(doc: &'a Value, method: &str, path: &str) -> Option<(String, &'a Value)> {
    operations(doc)
        .into_iter()
        .find(|(m, t, _)| m == method && path_matches(t, path))
        .map(|(_, t, op)| (t, op))
}

/// Every violation of the JSON response schema that `doc` gives `method template` for `status`.
fn violations(doc: &Value, method: &str, template: &str, status: u16, body: &Value) -> Vec<String> {
    let at = format!(
        "#/paths/{}/{}/responses/{status}/content/application~1json/schema",
        pointer_escape(template),
        method.to_lowercase()
    );
    assert!(
        resolve(doc, &at).is_some(),
        "{method} {template}: no JSON response for {status}"
    );
    // The document itself is the root resource, so every `#/components/...` reference resolves as it does in OpenAPI.
    // As a URI fragment, the pointer's `{` and `}` are percent-encoded.
    let mut root = doc.clone();
    root["$ref"] = json!(at.replace('{', "%7B").replace('}', "%7D"));
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|e| panic!("compiling {at}: {e}"));
    validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

#[test]
fn every_document_is_openapi_3_1_with_unique_operation_ids_and_resolvable_refs() {
    for id in ids() {
        // Arrange + Act
        let doc = document(id);
        // Assert
        assert_eq!(doc["openapi"], "3.1.0", "{id:?}");
        assert_eq!(
            doc["jsonSchemaDialect"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert_eq!(doc["servers"][0]["url"], "http://127.0.0.1:8080");
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in &all {
            assert!(resolve(&doc, r).is_some(), "{id:?}: {r} does not resolve");
        }
        let ops = operations(&doc);
        let op_ids: BTreeSet<&str> = ops
            .iter()
            .map(|(_, _, op)| op["operationId"].as_str().unwrap())
            .collect();
        assert_eq!(op_ids.len(), ops.len(), "{id:?}: operationIds repeat");
        for (m, t, op) in &ops {
            assert!(op["responses"]["200"].is_object(), "{m} {t}: no 200");
        }
        // Every security requirement names a declared scheme.
        for requirement in doc["security"].as_array().unwrap() {
            for name in requirement.as_object().unwrap().keys() {
                assert!(
                    doc["components"]["securitySchemes"][name].is_object(),
                    "{id:?}: {name}"
                );
            }
        }
    }
}

#[test]
fn the_readme_operations_table_is_in_the_documents() {
    // Arrange: `| SWR | … | \`GET /v2/manage/repos\` | …` rows of "## Supported operations".
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let table = readme
        .split("## Supported operations")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let mut seen = 0;
    for row in table.lines().filter(|l| l.starts_with("| ")) {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let Some(id) = ids()
            .into_iter()
            .find(|id| id.as_str().eq_ignore_ascii_case(cells[1]))
        else {
            continue;
        };
        let doc = document(id);
        // Act: every `METHOD /path` span of the path column (`GET /?…` is the query form of `/`).
        for span in cells[3].split('`').skip(1).step_by(2) {
            let Some((method, path)) = span.split_once(' ') else {
                continue;
            };
            if !METHODS.contains(&method.to_lowercase().as_str()) {
                continue;
            }
            let path = path.split('?').next().unwrap();
            // Assert
            assert!(
                doc["paths"][path][method.to_lowercase()].is_object(),
                "{id:?}: README's {method} {path} is not in the document"
            );
            seen += 1;
        }
    }
    assert_eq!(seen, 3 + 3 + 2, "README rows read");
}

#[test]
fn every_operation_answers_every_catalogue_status_with_each_code_named() {
    for provider in PROVIDERS {
        let doc = document(provider.id());
        let catalogue = provider.catalogue();
        for (method, path, op) in operations(&doc) {
            for code in catalogue.codes() {
                let status = catalogue.get(code).status.to_string();
                let response = &op["responses"][&status];
                assert!(
                    response.is_object(),
                    "{method} {path}: no {status} for {code}"
                );
                let text = response["description"].as_str().unwrap();
                assert!(
                    text.contains(&format!("`{code}`")),
                    "{method} {path} {status}: {code} not named"
                );
            }
        }
    }
}

#[test]
fn tcr_errors_share_the_200_answer_as_a_one_of() {
    let doc = document(ProviderId::Tcr);
    for method in ["post", "get"] {
        let schema =
            &doc["paths"]["/"][method]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(
            schema,
            &json!({"oneOf": [
                {"$ref": "#/components/schemas/describe_images.response"},
                {"$ref": "#/components/schemas/error"},
            ]}),
            "{method}"
        );
    }
}

#[test]
fn the_embedded_schemas_are_the_files_of_schemas_without_id_and_dialect() {
    for id in ids() {
        // Arrange: every file of schemas/<p>/.
        let dir = common::root().join("schemas").join(id.as_str());
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        let doc = document(id);
        for file in &files {
            let name = file.strip_suffix(".schema.json").unwrap();
            // Assert: embedded, and equal to the file less `$schema`/`$id`.
            assert!(
                SCHEMAS.iter().any(|(p, n, _)| *p == id && *n == name),
                "schemas/{}/{file} is not in openapi::SCHEMAS",
                id.as_str()
            );
            let mut expected: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
            let map = expected.as_object_mut().unwrap();
            map.remove("$schema");
            map.remove("$id");
            assert_eq!(doc["components"]["schemas"][name], expected, "{file}");
        }
        let embedded = SCHEMAS.iter().filter(|(p, _, _)| *p == id).count();
        assert_eq!(
            embedded,
            files.len(),
            "{id:?}: SCHEMAS lists a file schemas/ lacks"
        );
        let text = doc["components"]["schemas"].to_string();
        assert!(!text.contains("\"$id\"") && !text.contains("\"$schema\""));
    }
}

#[test]
fn every_documented_exchange_matches_the_document() {
    let mut checked = 0;
    for id in ids() {
        // Arrange: the cassettes (the vendor's documented examples and errors) of this provider.
        let doc = document(id);
        let dir = common::root().join("cassettes").join(id.as_str());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let cassette: Value =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            let method = cassette["request"]["method"].as_str().unwrap();
            let path = cassette["request"]["path"].as_str().unwrap();
            // A path or method the API does not have matches no operation; its answer is the "no such API" error.
            let Some((template, _)) = operation_for(&doc, method, path) else {
                let body = &cassette["response"]["body"];
                let code = [
                    &body["error_code"],
                    &body["error"]["errorCode"],
                    &body["Response"]["Error"]["Code"],
                ]
                .into_iter()
                .find_map(Value::as_str);
                assert!(
                    matches!(code, Some("APIGW.0101" | "300" | "UnsupportedProtocol")),
                    "{}: {method} {path} matches no operation",
                    file.display()
                );
                continue;
            };
            let status = cassette["response"]["status"].as_u64().unwrap() as u16;
            // Act + Assert
            let errors = violations(
                &doc,
                method,
                &template,
                status,
                &cassette["response"]["body"],
            );
            assert!(errors.is_empty(), "{}: {errors:#?}", file.display());
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked} cassettes checked");
}

fn no_auth() -> regmock::Emulator {
    common::emulator_with(
        common::embedded(),
        Options {
            no_auth: true,
            ..Options::default()
        },
    )
}

fn assert_conforms(doc: &Value, req: &Request, resp: &Response) {
    let (template, op) = operation_for(doc, &req.method, &req.path)
        .unwrap_or_else(|| panic!("{} {}: no operation", req.method, req.path));
    assert!(
        op["responses"][resp.status.to_string()].is_object(),
        "{} {template}: status {} is undocumented",
        req.method,
        resp.status
    );
    let errors = violations(doc, &req.method, &template, resp.status, &resp.body_json());
    assert!(
        errors.is_empty(),
        "{} {}: {errors:#?}",
        req.method,
        req.target()
    );
}

#[test]
fn each_providers_example_request_is_answered_as_the_document_says() {
    let emulator = no_auth();
    for provider in PROVIDERS {
        // Arrange
        let doc = document(provider.id());
        let req = provider.example();
        // Act
        let resp = emulator.dispatch(&req);
        // Assert: 200, and the body is the document's 200 body (for TCR, the success branch of the oneOf).
        assert!(succeeded(&resp), "{:?}: {}", provider.id(), resp.status);
        assert_conforms(&doc, &req, &resp);
        if provider.id() == ProviderId::Tcr {
            let errors =
                violations_of_component(&doc, "describe_images.response", &resp.body_json());
            assert!(errors.is_empty(), "{errors:#?}");
        }
    }
}

fn violations_of_component(doc: &Value, name: &str, body: &Value) -> Vec<String> {
    let mut root = doc.clone();
    root["$ref"] = json!(format!("#/components/schemas/{name}"));
    let validator = jsonschema::draft202012::new(&root).unwrap();
    validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

/// A request for `method template` built from the document's own examples: path parameters, the required query
/// parameters and headers (an example, else the first enum value), the request body's examples; `set` adds or replaces
/// query parameters.
fn example_request(doc: &Value, method: &str, template: &str, set: &[(&str, String)]) -> Request {
    let op = &doc["paths"][template][method.to_lowercase()];
    let params: Vec<Value> = op["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| inline(doc, p))
        .collect();
    let value_of = |p: &Value| -> Option<String> {
        let v = p
            .get("example")
            .cloned()
            .or_else(|| p["schema"]["enum"].get(0).cloned())?;
        Some(match v {
            Value::String(s) => s,
            other => other.to_string(),
        })
    };
    let encode = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let mut path = template.to_string();
    let mut query: Vec<(String, String)> = Vec::new();
    let mut headers = Vec::new();
    for p in &params {
        let name = p["name"].as_str().unwrap();
        let required = p["required"].as_bool().unwrap_or(false);
        match p["in"].as_str().unwrap() {
            "path" => {
                path = path.replace(&format!("{{{name}}}"), &encode(&value_of(p).unwrap()));
            }
            "query" if required => query.push((name.into(), value_of(p).unwrap())),
            "header" if required => {
                // X-TC-Timestamp has neither: under no-auth any number does.
                headers.push((name.to_string(), value_of(p).unwrap_or_else(|| "0".into())));
            }
            _ => {}
        }
    }
    for (k, v) in set {
        query.retain(|(q, _)| q != k);
        query.push((k.to_string(), v.clone()));
    }
    let mut target = path;
    if !query.is_empty() {
        let q: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        target = format!("{target}?{}", q.join("&"));
    }
    let mut req = Request::new(method, &target);
    req.headers = headers;
    if let Some(body) = op["requestBody"]["content"]["application/json"]["schema"].as_object() {
        let schema = inline(doc, &Value::Object(body.clone()));
        let mut object = serde_json::Map::new();
        for (name, prop) in schema["properties"].as_object().unwrap() {
            if let Some(example) = prop["examples"].get(0) {
                object.insert(name.clone(), example.clone());
            }
        }
        req.body = serde_json::to_vec(&object).unwrap();
        req.headers
            .push(("Content-Type".into(), "application/json".into()));
    }
    req
}

/// Whether an answer is the provider's refusal of a parameter: a 400, or TCR's parameter codes in a 200.
fn refused(resp: &Response) -> bool {
    let code = resp.body_json()["Response"]["Error"]["Code"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    resp.status == 400 || code.starts_with("InvalidParameter")
}

fn succeeded(resp: &Response) -> bool {
    resp.status == 200 && resp.body_json()["Response"]["Error"].is_null()
}

#[test]
fn the_documents_examples_succeed_and_their_integer_bounds_are_the_emulators() {
    let emulator = no_auth();
    let mut bounds = 0;
    for id in ids() {
        let doc = document(id);
        for (method, template, op) in operations(&doc) {
            // Arrange + Act: the operation as its examples describe it.
            let req = example_request(&doc, &method, &template, &[]);
            let resp = emulator.dispatch(&req);
            // Assert: found, except where the embedded dataset has no images (NCR's Singapore and Japan registries).
            let has_data = id != ProviderId::Ncr || template.starts_with(REGIONS[0].0);
            assert!(
                succeeded(&resp) || (!has_data && resp.status == 404),
                "{method} {}: {} {}",
                req.target(),
                resp.status,
                String::from_utf8_lossy(&resp.body)
            );
            assert_conforms(&doc, &req, &resp);
            // Each integer query parameter: its documented minimum and maximum are accepted (not refused as a
            // parameter error), one beyond is refused.
            for p in op["parameters"].as_array().unwrap() {
                let p = inline(&doc, p);
                let schema = &p["schema"];
                if p["in"] != "query" || schema["type"] != "integer" {
                    continue;
                }
                let name = p["name"].as_str().unwrap();
                let mut cases = Vec::new();
                if let Some(min) = schema["minimum"].as_i64() {
                    cases.push((min.to_string(), true));
                    cases.push(((min as i128 - 1).to_string(), false));
                }
                if let Some(max) = schema["maximum"].as_u64() {
                    cases.push((max.to_string(), true));
                    cases.push(((max as u128 + 1).to_string(), false));
                }
                for (value, accepted) in cases {
                    // SWR's repository list also wants the offset to be a multiple of the limit: make that hold.
                    let mut set = vec![(name, value.clone())];
                    if id == ProviderId::Swr && name == "offset" {
                        set.push(("limit", "1".to_string()));
                    }
                    let req = example_request(&doc, &method, &template, &set);
                    let resp = emulator.dispatch(&req);
                    assert_conforms(&doc, &req, &resp);
                    let outcome = accepted != refused(&resp);
                    assert!(
                        outcome,
                        "{method} {template} {name}={value}: expected {}, got {} {}",
                        if accepted { "acceptance" } else { "a refusal" },
                        resp.status,
                        String::from_utf8_lossy(&resp.body)
                    );
                    bounds += 1;
                }
            }
        }
    }
    // Both sides of both ends: SWR limit (and offset's minimum: its digits have no maximum, past 2^64 it is an
    // offset past the end) on two lists, NCR page and pagesize on three paths, TCR Limit and Offset on GET.
    assert_eq!(
        bounds,
        2 * (4 + 2) + 3 * (4 + 4) + (4 + 4),
        "bounds checked"
    );
}

#[test]
fn every_enum_value_of_a_query_parameter_is_accepted() {
    let emulator = no_auth();
    for id in ids() {
        let doc = document(id);
        for (method, template, op) in operations(&doc) {
            for p in op["parameters"].as_array().unwrap() {
                let p = inline(&doc, p);
                if p["in"] != "query" {
                    continue;
                }
                for value in p["schema"]["enum"].as_array().into_iter().flatten() {
                    let value = value.as_str().unwrap().to_string();
                    let name = p["name"].as_str().unwrap();
                    let req = example_request(&doc, &method, &template, &[(name, value.clone())]);
                    let resp = emulator.dispatch(&req);
                    assert!(
                        !refused(&resp),
                        "{method} {template} {name}={value}: {}",
                        resp.status
                    );
                    assert_conforms(&doc, &req, &resp);
                }
            }
        }
    }
}

#[test]
fn swr_categories_are_the_categories_of_the_200_body() {
    let doc = document(ProviderId::Swr);
    let category = &doc["components"]["schemas"]["list_repos_details.response"]["items"]["properties"]
        ["category"]["enum"];
    let param = doc["paths"]["/v2/manage/repos"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "category")
        .unwrap();
    let mut a: Vec<&str> = category
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut b: Vec<&str> = param["schema"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn tcr_request_body_schema_file_and_query_parameters_name_the_same_fields() {
    // Given the POST body's schema (a file of schemas/tcr/) and the fields the GET form's parameters come from
    let text = std::fs::read_to_string(
        common::root().join("schemas/tcr/describe_images.request.schema.json"),
    )
    .unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let fields = regmock::providers::tcr::openapi::fields();
    // Then both have the same names, the same required ones and the same descriptions
    let names: Vec<&str> = file["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut field_names: Vec<&str> = fields.iter().map(|f| f.name).collect();
    field_names.sort_unstable();
    assert_eq!(names, field_names);
    let required: Vec<&str> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.name)
        .collect();
    assert_eq!(file["required"], json!(required));
    for field in &fields {
        let property = &file["properties"][field.name];
        assert_eq!(
            property["description"],
            field.description.as_str(),
            "{}",
            field.name
        );
        let nullable = property["type"]
            .as_array()
            .or_else(|| property["anyOf"].as_array())
            .unwrap()
            .iter()
            .any(|t| *t == json!("null") || t["type"] == "null");
        assert_eq!(
            nullable, !field.required,
            "{}: an optional field may be null",
            field.name
        );
    }
}

#[test]
fn tcr_defines_every_parameter_the_emulator_reads_and_no_other() {
    let emulator = no_auth();
    let doc = document(ProviderId::Tcr);
    let body = &doc["components"]["schemas"]["describe_images.request"];
    let names: Vec<String> = body["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    for name in &names {
        // Arrange: the example body plus `name` as null (absent for the optional ones, MissingParameter otherwise).
        let mut req = example_request(&doc, "POST", "/", &[]);
        let mut object: Value = serde_json::from_slice(&req.body).unwrap();
        object[name] = Value::Null;
        req.body = serde_json::to_vec(&object).unwrap();
        // Act
        let resp = emulator.dispatch(&req);
        // Assert: a known parameter, so never UnknownParameter, and the answer conforms.
        assert_ne!(
            resp.body_json()["Response"]["Error"]["Code"],
            "UnknownParameter",
            "{name}"
        );
        assert_conforms(&doc, &req, &resp);
    }
    let mut req = example_request(&doc, "POST", "/", &[]);
    let mut object: Value = serde_json::from_slice(&req.body).unwrap();
    object["Undefined"] = json!(1);
    req.body = serde_json::to_vec(&object).unwrap();
    let resp = emulator.dispatch(&req);
    assert_eq!(
        resp.body_json()["Response"]["Error"]["Code"],
        "UnknownParameter"
    );
    assert_eq!(body["additionalProperties"], false);
}

#[test]
fn the_cli_writes_the_same_document_to_a_file_and_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    for id in ids() {
        let out = dir.path().join(format!("{}.json", id.as_str()));
        let bin = env!("CARGO_BIN_EXE_regmock");
        let status = std::process::Command::new(bin)
            .args(["openapi", "--provider", id.as_str(), "--out"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let stdout = std::process::Command::new(bin)
            .args(["openapi", "--provider", id.as_str()])
            .output()
            .unwrap();
        assert!(stdout.status.success());
        let printed: Value = serde_json::from_slice(&stdout.stdout).unwrap();
        assert_eq!(file, printed);
        assert_eq!(file, document(id));
    }
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args(["openapi", "--provider", "aws"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("use one of swr, ncr, tcr"));
}

#[test]
fn openapi_help_is_reviewed() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_regmock"))
        .args(["openapi", "--help"])
        .output()
        .unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("openapi_help", String::from_utf8(out.stdout).unwrap());
}
