//! Fuzzing every provider as an attacker would: arbitrary methods, paths (invalid percent-encoding, invalid UTF-8
//! escapes), queries, headers and bodies built around each provider's documented example. Every answer is below 500,
//! is JSON, and fits one of the provider's schemas (its success or error bodies), or is regmock's own `{"message"}` for
//! a path no provider claims. `REGMOCK_LONG_FUZZ=N` runs N cases per provider (CI runs a few hundred).
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use proptest::prelude::*;
use regmock::http::{Request, Response};

fn cases() -> u32 {
    match std::env::var("REGMOCK_LONG_FUZZ") {
        Ok(v) => v.trim().parse().unwrap_or(100_000),
        Err(_) => 200,
    }
}

fn emulator() -> regmock::Emulator {
    common::unthrottled()
}

/// The schemas of `provider`'s bodies (every file of `schemas/<provider>/`).
fn schemas(provider: &str) -> Vec<String> {
    let dir = common::root().join("schemas").join(provider);
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| format!("{provider}/{}", e.unwrap().file_name().to_string_lossy()))
        .filter(|n| n.ends_with(".json") && !n.contains(".request."))
        .collect();
    out.sort();
    out
}

fn check(provider: &str, req: &Request, resp: &Response) -> Result<(), TestCaseError> {
    let shown = || {
        format!(
            "{} {} -> {}: {}",
            req.method,
            req.target(),
            resp.status,
            String::from_utf8_lossy(&resp.body)
        )
    };
    prop_assert!(resp.status < 500, "{}", shown());
    let body: serde_json::Value =
        serde_json::from_slice(&resp.body).map_err(|_| TestCaseError::fail(shown()))?;
    let own = body
        .get("message")
        .is_some_and(serde_json::Value::is_string)
        && resp.status == 404;
    let fits = own
        || schemas(provider)
            .iter()
            .any(|s| common::matches_schema(s, &body));
    prop_assert!(fits, "{provider}: no schema fits {}", shown());
    Ok(())
}

/// Path text: plain characters, `/`, and percent-escapes valid or not.
fn segment() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[a-zA-Z0-9._~$-]{1,8}",
            Just("/".to_string()),
            "%[0-9A-Fa-f]{2}",
            "%[G-Zg-z%]{0,2}",
            Just("%C3%28".to_string()),
            Just("%FF%FE".to_string()),
            Just("..".to_string()),
        ],
        0..6,
    )
    .prop_map(|parts| parts.concat())
}

fn header() -> impl Strategy<Value = (String, String)> {
    let names = prop::sample::select(vec![
        "Authorization",
        "X-Auth-Token",
        "X-Sdk-Date",
        "x-ncp-apigw-timestamp",
        "x-ncp-iam-access-key",
        "x-ncp-apigw-signature-v2",
        "X-TC-Action",
        "X-TC-Version",
        "X-TC-Region",
        "X-TC-Timestamp",
        "X-TC-Token",
        "X-TC-Content-SHA256",
        "Content-Type",
        "Host",
    ]);
    let values = prop_oneof![
        "[ -~]{0,40}",
        Just("-9223372036854775808".to_string()),
        Just("99999999999999999999".to_string()),
        Just("DescribeImages".to_string()),
        Just("2019-09-24".to_string()),
        Just("TC3-HMAC-SHA256 Credential=regmock-access-key/2026-11-24/tcr/tc3_request, SignedHeaders=content-type;host, Signature=00".to_string()),
        Just("SDK-HMAC-SHA256 Access=regmock-access-key, SignedHeaders=host, Signature=00".to_string()),
    ];
    (names.prop_map(str::to_string), values)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(Vec::new()),
        prop::collection::vec(any::<u8>(), 0..64),
        "\\{\"[A-Za-z]{1,12}\": ?(\"[ -~]{0,12}\"|-?[0-9]{1,20}|true|null|\\[\\]|\\{\\})\\}".prop_map(String::into_bytes),
        Just(br#"{"RegistryId":"tcr-okmj78","NamespaceName":"team-01","RepositoryName":"nginx","Limit":-1,"Offset":9223372036854775807}"#.to_vec()),
    ]
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS"
        ])
        .prop_map(str::to_string),
        "[A-Z]{1,8}",
    ]
}

/// One fuzz case against provider number `which` of `PROVIDERS`.
#[allow(clippy::too_many_arguments)]
fn one_case(
    which: usize,
    keep_path: bool,
    extra_path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    keep_example_headers: bool,
    method: String,
    body: Vec<u8>,
) -> Result<(), TestCaseError> {
    let provider = regmock::providers::PROVIDERS[which];
    let example = provider.example();
    let mut req = Request::new(&method, "/");
    req.path = if keep_path {
        example.path.clone()
    } else {
        format!("{}{extra_path}", example.path)
    };
    req.query = query.map(|q| q.replace(['#', ' '], ""));
    if keep_example_headers {
        req.headers = example.headers.clone();
    }
    req.headers.extend(headers);
    req.body = body;
    let resp = emulator().dispatch(&req);
    check(provider.id().as_str(), &req, &resp)
}

macro_rules! fuzz_provider {
    ($name:ident, $which:expr) => {
        proptest! {
            #![proptest_config(common::proptest_config(cases(), "proptest-regressions/fuzz.txt"))]

            /// `REGMOCK_LONG_FUZZ` cases (200 by default) against this provider.
            #[test]
            fn $name(
                keep_path in any::<bool>(),
                extra_path in segment(),
                query in prop::option::of("[ -~]{0,40}"),
                headers in prop::collection::vec(header(), 0..6),
                keep_example_headers in any::<bool>(),
                method in method(),
                body in body(),
            ) {
                one_case($which, keep_path, extra_path, query, headers, keep_example_headers, method, body)?;
            }
        }
    };
}

// One test per entry of PROVIDERS, so a long run counts its cases per provider.
fuzz_provider!(fuzz_first_provider, 0);
fuzz_provider!(fuzz_second_provider, 1);
fuzz_provider!(fuzz_third_provider, 2);

#[test]
fn one_fuzz_test_per_provider() {
    assert_eq!(
        regmock::providers::PROVIDERS.len(),
        3,
        "add a fuzz_provider! line"
    );
}
