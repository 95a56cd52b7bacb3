//! Robustness: whatever arrives at `/` (any JSON shape, any bytes, broken or repeated headers, any method, broken
//! percent-encoding), the answer is HTTP 200, `application/json`, and either a success body or an API 3.0 error with a
//! code of the TCR catalogue. Never a 5xx, never a panic. Set `REGMOCK_LONG_FUZZ` (a case count, or any value for
//! 20,000) for a longer run.

use super::*;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use regmock::pipeline::ErrorCode;
use regmock::providers::tcr::errors::TcrCode;

const REGRESSIONS: &str = "proptest-regressions/tcr-robustness.txt";

fn cases() -> u32 {
    match std::env::var("REGMOCK_LONG_FUZZ") {
        Ok(v) => v.trim().parse().unwrap_or(20_000),
        Err(_) => 256,
    }
}

/// The contract every answer meets.
fn check(resp: &Response) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        resp.status,
        200,
        "body: {}",
        String::from_utf8_lossy(&resp.body)
    );
    prop_assert_eq!(resp.header_value("Content-Type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&resp.body).map_err(|e| {
        TestCaseError::fail(format!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&resp.body)
        ))
    })?;
    if !common::matches_schema(DESCRIBE, &body) {
        prop_assert!(
            common::matches_schema(ERROR, &body),
            "neither schema: {}",
            body
        );
        let code = body["Response"]["Error"]["Code"]
            .as_str()
            .unwrap_or_default();
        prop_assert!(
            TcrCode::parse(code).is_some(),
            "{} is not a TCR catalogue code",
            code
        );
    }
    let id = body["Response"]["RequestId"].as_str().unwrap_or_default();
    prop_assert!(
        uuid::Uuid::parse_str(id).is_ok_and(|u| u.hyphenated().to_string() == id),
        "RequestId {}",
        id
    );
    Ok(())
}

use regmock::providers::tcr::params::PARAMETERS as KNOWN;

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(KNOWN).prop_map(str::to_string),
        1 => "[A-Za-z]{0,12}",
        1 => ".{0,8}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![
            "tcr-okmj78",
            "team-01",
            "bulk-app",
            "nginx",
            "latest",
            "true",
            "False",
            "20",
            "0",
            "-1",
            "9223372036854775808",
            "",
            " ",
            "1e3",
            "\u{0}",
            "\u{e9}",
        ])
        .prop_map(|s| json!(s)),
        ".{0,16}".prop_map(Value::String),
        // huge strings, now and then
        (0..300_000usize).prop_map(|n| json!("x".repeat(n))),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(key(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// What to do with one header of a valid request.
#[derive(Debug, Clone)]
enum Edit {
    Keep,
    Drop,
    Empty,
    /// A second value after the valid one.
    Append(String),
    /// A value before the valid one (the first value counts).
    Prepend(String),
    Replace(String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let value = prop_oneof![
        "[ -~]{0,40}",
        prop::sample::select(vec![
            "DescribeImages", "2019-09-24", "ap-guangzhou", "application/json", "UNSIGNED-PAYLOAD", "127.0.0.1:8080",
            "1795521600", "-9223372036854775808", "internal-error", "forbidden", "OperationDenied",
            "TC3-HMAC-SHA256 Credential=regmock-access-key/2026-11-24/tcr/tc3_request, SignedHeaders=content-type;host, Signature=00",
            "TC3-HMAC-SHA256 Credential=a/b/c/tc3_request, SignedHeaders=x-unknown;;host, Signature=zz",
        ])
        .prop_map(str::to_string),
    ];
    prop_oneof![
        4 => Just(Edit::Keep),
        1 => Just(Edit::Drop),
        1 => Just(Edit::Empty),
        1 => value.clone().prop_map(Edit::Append),
        1 => value.clone().prop_map(Edit::Prepend),
        1 => value.prop_map(Edit::Replace),
    ]
}

const HEADERS: &[&str] = &[
    "Content-Type",
    "X-TC-Action",
    "X-TC-Version",
    "X-TC-Region",
    "X-TC-Timestamp",
    "Authorization",
    "X-TC-Token",
    "X-TC-Content-SHA256",
    "Host",
    "X-Regmock-Fault",
];

fn apply(mut req: Request, name: &str, edit: &Edit) -> Request {
    let current = req.header_value(name).map(str::to_string);
    let others: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case(name))
        .cloned()
        .collect();
    let mut mine: Vec<String> = current.into_iter().collect();
    match edit {
        Edit::Keep => return req,
        Edit::Drop => mine.clear(),
        Edit::Empty => mine = vec![String::new()],
        Edit::Append(v) => mine.push(v.clone()),
        Edit::Prepend(v) => mine.insert(0, v.clone()),
        Edit::Replace(v) => mine = vec![v.clone()],
    }
    req.headers = others;
    req.headers
        .extend(mine.into_iter().map(|v| (name.to_string(), v)));
    req
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just("POST".to_string()),
        2 => Just("GET".to_string()),
        2 => prop::sample::select(vec!["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "post"])
            .prop_map(str::to_string),
        1 => "[A-Z]{1,10}",
    ]
}

/// Query strings with broken escapes (`%`, `%z`, `%C3%28`), `+`, repeated and unknown keys.
fn query() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "RegistryId=tcr-okmj78",
            "NamespaceName=team-01",
            "RepositoryName=bulk-app",
            "RepositoryName=nginx",
            "Limit=5",
            "Limit=0",
            "Limit=%31%30",
            "Offset=-1",
            "Offset=99999999999999999999",
            "ExactMatch=True",
            "ExactMatch=maybe",
            "ImageVersion=late+st",
            "ImageVersion=%",
            "ImageVersion=%zz",
            "Digest=%C3%28",
            "%",
            "=",
            "&",
            "%00=%00",
            "RegistryId",
            "Foo=bar",
        ])
        .prop_map(str::to_string),
        "[%a-zA-Z0-9=&+._~-]{0,20}",
    ];
    prop::collection::vec(piece, 0..8).prop_map(|p| p.join("&"))
}

proptest! {
    #![proptest_config(common::proptest_config(cases(), REGRESSIONS))]

    #[test]
    fn any_json_body_gets_a_catalogue_answer(body in json_value()) {
        check(&call(&describe(body)))?;
    }

    #[test]
    fn any_values_for_the_known_fields_get_a_catalogue_answer(
        fields in prop::collection::btree_map(key(), json_value(), 0..8),
        repository in prop::sample::select(vec![NGINX, BULK]),
    ) {
        let mut body = params(repository, json!({}));
        for (k, v) in fields {
            body[k] = v;
        }
        check(&call(&describe(body)))?;
    }

    #[test]
    fn any_bytes_as_body_get_a_catalogue_answer(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        check(&call(&describe_raw(&body)))?;
        // and unsigned
        check(&call(&unsigned_post(&body)))?;
    }

    #[test]
    fn broken_headers_and_methods_get_a_catalogue_answer(
        edits in prop::collection::vec(edit(), HEADERS.len()),
        method in method(),
        post in any::<bool>(),
    ) {
        let mut req = if post {
            describe(params(BULK, json!({"Limit": 3})))
        } else {
            describe_get("RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=bulk-app&Limit=3")
        };
        req.method = method;
        for (name, edit) in HEADERS.iter().zip(&edits) {
            req = apply(req, name, edit);
        }
        let mut resp = call(&req);
        if req.method == "CONNECT" {
            // HTTP/1.1 would read a 2xx as an opened tunnel and drop the body: 405 with Allow, the body unchanged.
            prop_assert_eq!((resp.status, resp.header_value("Allow")), (405, Some("GET, POST")));
            resp.status = 200;
        }
        check(&resp)?;
    }

    #[test]
    fn any_query_string_gets_a_catalogue_answer(query in query(), signed in any::<bool>()) {
        let req = if signed {
            describe_get(&query)
        } else {
            let mut r = describe_get(&query);
            r.headers.retain(|(n, _)| n != "Authorization");
            r
        };
        check(&call(&req))?;
        // the same pieces as a POST's query (signed with it): the body counts, the query is not read
        let mut post = unsigned_post(params(NGINX, json!({})).to_string().as_bytes());
        post.query = Some(query);
        let resp = call(&sign(post));
        check(&resp)?;
        prop_assert_eq!(&resp.body_json()["Response"]["TotalCount"], &json!(1));
    }
}

#[test]
fn deeply_nested_json_is_an_invalid_parameter_not_a_stack_overflow() {
    for depth in [64, 200, 100_000] {
        let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_tcr_error(&call(&describe_raw(body.as_bytes())), "InvalidParameter");
        let object = format!("{}{}", "{\"RegistryId\":".repeat(depth), "}".repeat(depth));
        assert_tcr_error(&call(&describe_raw(object.as_bytes())), "InvalidParameter");
    }
}

#[test]
fn a_huge_valid_filter_is_answered() {
    let body = params(BULK, json!({"ImageVersion": "1".repeat(900_000)}));
    let body = ok_body(&call(&describe(body)));
    assert_eq!(total(&body), 0);
}

/// A valid DescribeImages body of exactly `len` bytes (padded in ImageVersion, which then matches nothing).
fn body_of_len(len: usize) -> Vec<u8> {
    let head = r#"{"RegistryId":"tcr-okmj78","NamespaceName":"team-01","RepositoryName":"bulk-app","ImageVersion":""#;
    let tail = r#""}"#;
    let mut body = head.as_bytes().to_vec();
    body.resize(len - tail.len(), b'z');
    body.extend_from_slice(tail.as_bytes());
    assert_eq!(body.len(), len);
    body
}

#[tokio::test]
async fn a_2_mib_body_over_the_server_is_invalid_parameter_in_the_tcr_shape() {
    // Given a signed, valid request whose body is 2 MiB
    let req = describe_raw(&body_of_len(2 << 20));
    // directly, it is answered (nothing matches the 2 MiB tag filter)
    assert_eq!(total(&ok_body(&call(&req))), 0);
    // over the real server, which reads at most 1 MiB, it is refused in TCR's error shape, still with HTTP 200
    let resp = common::via_server(&emu(), &req).await;
    let body = assert_tcr_error(&resp, "InvalidParameter");
    assert!(message(&body).contains("larger than"), "{}", message(&body));
    insta::assert_json_snapshot!("error_body_too_large", body, {REQUEST_ID => "[request-id]"});
}

#[tokio::test]
async fn the_server_reads_bodies_up_to_exactly_1_mib() {
    let limit = regmock::transport::server::MAX_BODY_BYTES;
    let at_limit = common::via_server(&emu(), &describe_raw(&body_of_len(limit))).await;
    assert_eq!(total(&ok_body(&at_limit)), 0);
    let over = common::via_server(&emu(), &describe_raw(&body_of_len(limit + 1))).await;
    assert_tcr_error(&over, "InvalidParameter");
}
