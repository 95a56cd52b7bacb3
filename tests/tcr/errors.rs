//! Error answers: one natural trigger per code, the documented check order, the rate limit, injected faults, and every
//! catalogue code reachable.

use super::*;
use regmock::pipeline::{Clock, Credentials, ErrorCode, KeyPair};
use regmock::providers::tcr::errors::TcrCode;
use std::collections::BTreeMap;

/// A request with one common header replaced (`None` drops it), then signed.
fn with_header(name: &str, value: Option<&str>) -> Request {
    let mut req = unsigned_post(params(NGINX, json!({})).to_string().as_bytes());
    req.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    if let Some(v) = value {
        req.headers.push((name.to_string(), v.to_string()));
    }
    sign(req)
}

fn with_fault(fault: &str) -> Request {
    describe(params(NGINX, json!({}))).header("X-Regmock-Fault", fault)
}

fn snapshot(name: &str, resp: &Response) {
    insta::assert_json_snapshot!(name, resp.body_json(), {REQUEST_ID => "[request-id]"});
}

/// Every code the spec (and errors.json) lists for TCR.
const SPEC_CODES: &[&str] = &[
    "AuthFailure.SignatureFailure",
    "AuthFailure.SignatureExpire",
    "AuthFailure.SecretIdNotFound",
    "AuthFailure.InvalidAuthorization",
    "AuthFailure.TokenFailure",
    "AuthFailure.UnauthorizedOperation",
    "InvalidAction",
    "NoSuchVersion",
    "MissingParameter",
    "InvalidParameter",
    "InvalidParameterValue",
    "UnknownParameter",
    "UnsupportedProtocol",
    "RequestLimitExceeded",
    "FailedOperation",
    "FailedOperation.EmptyCoreBody",
    "InternalError",
    "InternalError.DbError",
    "InternalError.ErrorTcrInternal",
    "InternalError.ErrorTcrInvalidMediaType",
    "InternalError.ErrorTcrResourceConflict",
    "InternalError.ErrorTcrUnauthorized",
    "InvalidParameter.ErrorTcrInvalidParameter",
    "OperationDenied",
    "ResourceNotFound",
    "ResourceNotFound.TcrResourceNotFound",
    // Reached only through `--ambiguity` (tcr.unknown-secret-id.code, tcr.not-found.*-code) or the fault header.
    "AuthFailure.InvalidSecretId",
    "ResourceNotFound.ErrNoNamespace",
    "ResourceNotFound.ErrNoRepo",
    // The generic common codes, reached only through the fault header.
    "UnauthorizedOperation",
    "UnsupportedOperation",
];

#[test]
fn methods_other_than_get_and_post_are_unsupported_protocol() {
    for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"] {
        // signed or not: the method is checked first
        let mut req = describe(params(NGINX, json!({})));
        req.method = method.to_string();
        let body = assert_tcr_error(&call(&req), "UnsupportedProtocol");
        assert!(message(&body).contains(method), "{}", message(&body));
        let mut bare = Request::new(method, "/");
        bare.body = b"{}".to_vec();
        assert_tcr_error(&call(&bare), "UnsupportedProtocol");
    }
    let mut req = describe(params(NGINX, json!({})));
    req.method = "PUT".into();
    snapshot("error_unsupported_protocol", &call(&req));
}

#[test]
fn missing_common_headers_are_missing_parameter() {
    for (header, parameter) in [
        ("X-TC-Action", "Action"),
        ("X-TC-Version", "Version"),
        ("X-TC-Region", "Region"),
    ] {
        for value in [None, Some(""), Some("  ")] {
            let body = assert_tcr_error(&call(&with_header(header, value)), "MissingParameter");
            assert!(
                message(&body).contains(&format!("`{parameter}`")),
                "{header} {value:?}: {}",
                message(&body)
            );
        }
    }
    snapshot(
        "error_missing_action",
        &call(&with_header("X-TC-Action", None)),
    );
}

#[test]
fn missing_required_parameters_are_missing_parameter() {
    for name in ["RegistryId", "NamespaceName", "RepositoryName"] {
        let mut body = params(NGINX, json!({}));
        body.as_object_mut().unwrap().remove(name);
        let resp = call(&describe(body.clone()));
        let err = assert_tcr_error(&resp, "MissingParameter");
        assert!(
            message(&err).contains(&format!("`{name}`")),
            "{}",
            message(&err)
        );
        // null counts as absent
        body[name] = Value::Null;
        assert_tcr_error(&call(&describe(body)), "MissingParameter");
    }
    let mut body = params(NGINX, json!({}));
    body.as_object_mut().unwrap().remove("RepositoryName");
    snapshot("error_missing_repository_name", &call(&describe(body)));
}

#[test]
fn other_actions_are_invalid_action() {
    for action in [
        "DescribeRepositories",
        "describeimages",
        "DescribeImages ",
        "x",
    ] {
        let resp = call(&with_header("X-TC-Action", Some(action)));
        // a trailing space is trimmed: the header value is the action
        if action.trim() == "DescribeImages" {
            ok_body(&resp);
        } else {
            assert_tcr_error(&resp, "InvalidAction");
        }
    }
    snapshot(
        "error_invalid_action",
        &call(&with_header("X-TC-Action", Some("DescribeRepositories"))),
    );
}

#[test]
fn other_versions_are_no_such_version() {
    for version in ["2018-05-25", "2019-09-25", "v3", "20190924"] {
        assert_tcr_error(
            &call(&with_header("X-TC-Version", Some(version))),
            "NoSuchVersion",
        );
    }
    snapshot(
        "error_no_such_version",
        &call(&with_header("X-TC-Version", Some("2018-05-25"))),
    );
}

#[test]
fn any_non_empty_region_is_accepted() {
    // The instance is in ap-guangzhou; the region is not checked against it
    for region in ["ap-guangzhou", "ap-shanghai", "xx"] {
        ok_body(&call(&with_header("X-TC-Region", Some(region))));
    }
}

#[test]
fn undefined_parameters_are_unknown_parameter() {
    // names are case-sensitive: `limit` is not `Limit`
    for extra in [
        json!({"Foo": 1}),
        json!({"limit": 10}),
        json!({"Region": "ap-guangzhou"}),
    ] {
        let name = extra.as_object().unwrap().keys().next().unwrap().clone();
        let body = assert_tcr_error(&call(&describe(params(NGINX, extra))), "UnknownParameter");
        assert!(
            message(&body).contains(&format!("`{name}`")),
            "{}",
            message(&body)
        );
    }
    assert_tcr_error(
        &call(&describe_get(
            "RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=nginx&Page=1",
        )),
        "UnknownParameter",
    );
    snapshot(
        "error_unknown_parameter",
        &call(&describe(params(NGINX, json!({"Foo": 1})))),
    );
}

#[test]
fn wrong_json_types_are_invalid_parameter() {
    for (name, value) in [
        ("RegistryId", json!(1)),
        ("NamespaceName", json!(["team-01"])),
        ("RepositoryName", json!({"name": "nginx"})),
        ("RepositoryName", json!(true)),
        ("ImageVersion", json!(8)),
        ("Digest", json!([])),
        ("Limit", json!("twenty")),
        ("Limit", json!([20])),
        ("Offset", json!(false)),
        ("ExactMatch", json!(1)),
        ("ExactMatch", json!("yes")),
        ("ExactMatch", json!({})),
    ] {
        let mut body = params(NGINX, json!({}));
        body[name] = value.clone();
        let err = assert_tcr_error(&call(&describe(body)), "InvalidParameter");
        assert!(
            message(&err).contains(&format!("`{name}`")),
            "{name}={value}: {}",
            message(&err)
        );
    }
    let mut body = params(NGINX, json!({}));
    body["Limit"] = json!("twenty");
    snapshot("error_invalid_parameter_type", &call(&describe(body)));
}

#[test]
fn a_body_that_is_not_a_json_object_is_invalid_parameter() {
    for raw in [
        &b"RegistryId=tcr-okmj78"[..],
        b"{\"RegistryId\": ",
        b"[{\"RegistryId\": \"tcr-okmj78\"}]",
        b"\"tcr-okmj78\"",
        b"null",
        b"42",
        b"\xff\xfe{}",
    ] {
        assert_tcr_error(&call(&describe_raw(raw)), "InvalidParameter");
    }
    snapshot(
        "error_body_not_json",
        &call(&describe_raw(b"RegistryId=tcr-okmj78")),
    );
    snapshot("error_body_json_array", &call(&describe_raw(b"[]")));
}

#[test]
fn empty_required_names_are_invalid_parameter_value() {
    for name in ["RegistryId", "NamespaceName", "RepositoryName"] {
        let mut body = params(NGINX, json!({}));
        body[name] = json!("");
        let err = assert_tcr_error(&call(&describe(body)), "InvalidParameterValue");
        assert!(
            message(&err).contains(&format!("`{name}`")),
            "{}",
            message(&err)
        );
    }
    let mut body = params(NGINX, json!({}));
    body["RegistryId"] = json!("");
    snapshot("error_empty_registry_id", &call(&describe(body)));
}

#[test]
fn unknown_instance_is_resource_not_found() {
    let body =
        json!({"RegistryId": "tcr-nothere", "NamespaceName": NAMESPACE, "RepositoryName": NGINX});
    let resp = call(&describe(body));
    let err = assert_tcr_error(&resp, "ResourceNotFound");
    assert!(message(&err).contains("tcr-nothere"), "{}", message(&err));
    snapshot("error_unknown_instance", &resp);
}

#[test]
fn unknown_namespace_or_repository_is_tcr_resource_not_found() {
    for (registry, namespace, repository) in [
        (REGISTRY, "team-99", NGINX),
        (REGISTRY, NAMESPACE, "nothing"),
        // names are case-sensitive
        (REGISTRY, NAMESPACE, "NGINX"),
        // the other instance exists but has no team-01
        ("tcr-demo0001", NAMESPACE, NGINX),
    ] {
        let body = json!({"RegistryId": registry, "NamespaceName": namespace, "RepositoryName": repository});
        let err = assert_tcr_error(
            &call(&describe(body)),
            "ResourceNotFound.TcrResourceNotFound",
        );
        assert!(
            message(&err).contains(namespace),
            "{registry}/{namespace}/{repository}: {}",
            message(&err)
        );
    }
    let ns = json!({"RegistryId": REGISTRY, "NamespaceName": "team-99", "RepositoryName": NGINX});
    snapshot("error_unknown_namespace", &call(&describe(ns)));
    let repo =
        json!({"RegistryId": REGISTRY, "NamespaceName": NAMESPACE, "RepositoryName": "nothing"});
    snapshot("error_unknown_repository", &call(&describe(repo)));
}

/// One repair of a request.
type Fix = dyn Fn(&mut Request);

#[test]
fn checks_run_in_the_documented_order() {
    // One request wrong in every way; fixing one fault at a time reveals the next check.
    let mut req = Request::new("PUT", "/");
    req.body = b"[not json".to_vec();
    let steps: [(&str, &Fix); 7] = [
        ("UnsupportedProtocol", &|r| r.method = "POST".into()),
        ("MissingParameter", &|r| {
            r.headers.push(("X-TC-Action".into(), "Nope".into()))
        }),
        ("InvalidAction", &|r| {
            r.headers.retain(|(n, _)| n != "X-TC-Action");
            r.headers
                .push(("X-TC-Action".into(), "DescribeImages".into()));
            r.headers.push(("X-TC-Version".into(), "1999-01-01".into()));
        }),
        ("NoSuchVersion", &|r| {
            r.headers.retain(|(n, _)| n != "X-TC-Version");
            r.headers.push(("X-TC-Version".into(), "2019-09-24".into()));
        }),
        // region missing
        ("MissingParameter", &|r| {
            r.headers
                .push(("X-TC-Region".into(), "ap-guangzhou".into()));
            r.headers
                .push(("Content-Type".into(), "application/json".into()));
        }),
        // no Authorization
        ("AuthFailure.InvalidAuthorization", &|r| {
            regmock::providers::tcr::auth::sign(r, SECRET_ID, SECRET_KEY, now(), HOST);
        }),
        // signed: now the body is read
        ("InvalidParameter", &|r| {
            r.body = params(NGINX, json!({})).to_string().into_bytes();
            regmock::providers::tcr::auth::sign(r, SECRET_ID, SECRET_KEY, now(), HOST);
        }),
    ];
    for (code, fix) in steps {
        assert_tcr_error(&call(&req), code);
        fix(&mut req);
    }
    ok_body(&call(&req));
}

#[test]
fn authentication_comes_before_parameters_and_faults() {
    // An unsigned request with a bad body and a fault header: the signature is checked first
    let mut req = unsigned_post(b"[").header("X-Regmock-Fault", "internal-error");
    assert_tcr_error(&call(&req), "AuthFailure.InvalidAuthorization");
    // signed, the fault wins over the body
    req = sign(req);
    assert_tcr_error(&call(&req), "InternalError");
}

// ---- rate limit ----

fn limited(per_second: RateLimit, credentials: Credentials, no_auth: bool) -> Emulator {
    Emulator::with(
        common::embedded(),
        credentials,
        Options {
            clock: Clock::Fixed(common::fixed_now()),
            rate_limit: per_second,
            no_auth,
            ..Default::default()
        },
    )
}

fn signed_as(secret_id: &str, secret_key: &str) -> Request {
    let mut req = unsigned_post(params(NGINX, json!({})).to_string().as_bytes());
    regmock::providers::tcr::auth::sign(&mut req, secret_id, secret_key, now(), HOST);
    req
}

fn two_keys() -> Credentials {
    let mut credentials = Credentials::default();
    credentials.keys.push(KeyPair {
        access_key: "second-key".into(),
        secret_key: "second-secret".into(),
    });
    credentials
}

#[test]
fn documented_limit_admits_100_requests_per_second_then_refuses() {
    // Given the documented 100 requests per second and a clock that never moves
    let emu = limited(RateLimit::Documented, Credentials::default(), false);
    let req = describe(params(NGINX, json!({})));
    for n in 1..=100 {
        assert_eq!(
            emu.dispatch(&req).body_json()["Response"]["TotalCount"],
            1,
            "request {n}"
        );
    }
    // then the 101st in the same second is refused
    let resp = emu.dispatch(&req);
    let body = assert_tcr_error(&resp, "RequestLimitExceeded");
    assert!(message(&body).contains("100"), "{}", message(&body));
    snapshot("error_request_limit_exceeded", &resp);
}

#[test]
fn limit_counts_each_secret_id_apart() {
    let emu = limited(RateLimit::PerSecond(2), two_keys(), false);
    let first = signed_as(SECRET_ID, SECRET_KEY);
    let second = signed_as("second-key", "second-secret");
    ok_body(&emu.dispatch(&first));
    ok_body(&emu.dispatch(&first));
    assert_tcr_error(&emu.dispatch(&first), "RequestLimitExceeded");
    // the other SecretId still has its own budget
    ok_body(&emu.dispatch(&second));
    ok_body(&emu.dispatch(&second));
    assert_tcr_error(&emu.dispatch(&second), "RequestLimitExceeded");
}

#[test]
fn limit_comes_after_authentication_and_before_faults() {
    let emu = limited(RateLimit::PerSecond(1), Credentials::default(), false);
    let req = describe(params(NGINX, json!({})));
    ok_body(&emu.dispatch(&req));
    // an unauthenticated request is refused by authentication, not counted
    assert_tcr_error(
        &emu.dispatch(&unsigned_post(b"{}")),
        "AuthFailure.InvalidAuthorization",
    );
    // over the limit, a fault header does not get through
    assert_tcr_error(
        &emu.dispatch(&req.clone().header("X-Regmock-Fault", "internal-error")),
        "RequestLimitExceeded",
    );
}

#[test]
fn without_authentication_every_caller_counts_as_one() {
    let emu = limited(RateLimit::PerSecond(2), two_keys(), true);
    ok_body(&emu.dispatch(&signed_as(SECRET_ID, SECRET_KEY)));
    ok_body(&emu.dispatch(&signed_as("second-key", "second-secret")));
    assert_tcr_error(
        &emu.dispatch(&signed_as("third", "x")),
        "RequestLimitExceeded",
    );
}

#[test]
fn limit_off_never_refuses() {
    let emu = limited(RateLimit::Off, Credentials::default(), false);
    let req = describe(params(NGINX, json!({})));
    for _ in 0..150 {
        ok_body(&emu.dispatch(&req));
    }
}

#[test]
fn a_new_second_admits_again() {
    // Given a real clock and 3 requests per second
    let emu = Emulator::with(
        common::embedded(),
        Credentials::default(),
        Options {
            clock: Clock::System,
            rate_limit: RateLimit::PerSecond(3),
            ..Default::default()
        },
    );
    let fresh = || {
        let mut req = unsigned_post(params(NGINX, json!({})).to_string().as_bytes());
        let ts = chrono::Utc::now().timestamp();
        regmock::providers::tcr::auth::sign(&mut req, SECRET_ID, SECRET_KEY, ts, HOST);
        req
    };
    // when requests are sent until one is refused (at most 3 pass in one second; a second boundary may reset once)
    let mut refused = None;
    for _ in 0..20 {
        let resp = emu.dispatch(&fresh());
        if resp.body_json()["Response"]["Error"]["Code"] == "RequestLimitExceeded" {
            refused = Some(resp);
            break;
        }
        ok_body(&resp);
    }
    assert_tcr_error(
        &refused.expect("a fourth request in one second is refused"),
        "RequestLimitExceeded",
    );
    // then, a second later, requests are admitted again
    std::thread::sleep(std::time::Duration::from_millis(1100));
    ok_body(&emu.dispatch(&fresh()));
}

// ---- injected faults and catalogue coverage ----

#[test]
fn internal_error_fault_is_internal_error() {
    for fault in ["internal-error", "Internal-Error", " internal-error "] {
        assert_tcr_error(&call(&with_fault(fault)), "InternalError");
    }
    snapshot(
        "error_fault_internal_error",
        &call(&with_fault("internal-error")),
    );
}

#[test]
fn forbidden_fault_is_unauthorized_operation() {
    let resp = call(&with_fault("forbidden"));
    assert_tcr_error(&resp, "AuthFailure.UnauthorizedOperation");
    snapshot("error_fault_forbidden", &resp);
}

#[test]
fn unknown_fault_is_invalid_parameter_listing_the_known_values() {
    let resp = call(&with_fault("meltdown"));
    let body = assert_tcr_error(&resp, "InvalidParameter");
    let text = message(&body);
    assert!(text.contains("X-Regmock-Fault"), "{text}");
    assert!(
        text.contains("internal-error") && text.contains("forbidden"),
        "{text}"
    );
    for code in TcrCode::ALL {
        assert!(
            text.contains(code.as_str()),
            "{} not listed: {text}",
            code.as_str()
        );
    }
    // codes are case-sensitive: a lower-cased code is not a code
    assert_tcr_error(&call(&with_fault("operationdenied")), "InvalidParameter");
    snapshot("error_fault_unknown", &resp);
}

#[test]
fn the_catalogue_is_the_specified_one() {
    let catalogue: Vec<&str> = {
        let mut c: Vec<&str> = TcrCode::catalogue().codes().collect();
        c.sort_unstable();
        c
    };
    let mut named: Vec<&str> = TcrCode::ALL.iter().map(|c| c.as_str()).collect();
    named.sort_unstable();
    let mut spec: Vec<&str> = SPEC_CODES.to_vec();
    spec.sort_unstable();
    assert_eq!(named, spec);
    assert_eq!(catalogue, spec);
    // every entry is an HTTP 200 (the SDKs drop the body of any other status)
    for code in TcrCode::ALL {
        assert_eq!(code.entry().status, 200, "{}", code.as_str());
        assert!(!code.entry().message.is_empty());
    }
    assert_eq!(
        TcrCode::SignatureFailure.entry().message,
        "The provided credentials could not be validated. Please check your signature is correct."
    );
}

/// A request that naturally triggers each code that has a natural trigger.
fn natural_triggers() -> Vec<(&'static str, Response)> {
    let mut expired = unsigned_post(params(NGINX, json!({})).to_string().as_bytes());
    regmock::providers::tcr::auth::sign(&mut expired, SECRET_ID, SECRET_KEY, now() - 301, HOST);
    let mut unknown_key = unsigned_post(params(NGINX, json!({})).to_string().as_bytes());
    regmock::providers::tcr::auth::sign(&mut unknown_key, "nobody", SECRET_KEY, now(), HOST);
    let mut wrong_secret = unsigned_post(params(NGINX, json!({})).to_string().as_bytes());
    regmock::providers::tcr::auth::sign(&mut wrong_secret, SECRET_ID, "wrong", now(), HOST);
    let strict_tokens = only_token_good();
    let throttled = limited(RateLimit::PerSecond(1), Credentials::default(), false);
    let ok = describe(params(NGINX, json!({})));
    throttled.dispatch(&ok);
    let mut put = ok.clone();
    put.method = "PUT".into();
    vec![
        ("AuthFailure.SignatureFailure", call(&wrong_secret)),
        ("AuthFailure.SignatureExpire", call(&expired)),
        ("AuthFailure.SecretIdNotFound", call(&unknown_key)),
        (
            "AuthFailure.InvalidAuthorization",
            call(&unsigned_post(b"{}")),
        ),
        (
            "AuthFailure.TokenFailure",
            strict_tokens.dispatch(&ok.clone().header("X-TC-Token", "bad")),
        ),
        (
            "InvalidAction",
            call(&with_header("X-TC-Action", Some("Nope"))),
        ),
        (
            "NoSuchVersion",
            call(&with_header("X-TC-Version", Some("1"))),
        ),
        ("MissingParameter", call(&describe(json!({})))),
        ("InvalidParameter", call(&describe_raw(b"[]"))),
        (
            "InvalidParameterValue",
            call(&describe(params(NGINX, json!({"Limit": 0})))),
        ),
        (
            "UnknownParameter",
            call(&describe(params(NGINX, json!({"Foo": 1})))),
        ),
        ("UnsupportedProtocol", call(&put)),
        ("RequestLimitExceeded", throttled.dispatch(&ok)),
        (
            "ResourceNotFound",
            call(&describe(
                json!({"RegistryId": "tcr-x", "NamespaceName": "a", "RepositoryName": "b"}),
            )),
        ),
        (
            "ResourceNotFound.TcrResourceNotFound",
            call(&describe(params("nothing", json!({})))),
        ),
    ]
}

#[test]
fn every_catalogue_code_is_reachable() {
    // Natural triggers where the dataset and the checks allow one; the fault header for the rest.
    let mut reached: BTreeMap<&str, &str> = BTreeMap::new();
    for (code, resp) in natural_triggers() {
        assert_tcr_error(&resp, code);
        reached.insert(code, "natural");
    }
    let mut injected = serde_json::Map::new();
    for code in TcrCode::ALL.iter().map(|c| c.as_str()) {
        if reached.contains_key(code) {
            continue;
        }
        let resp = call(&with_fault(code));
        let mut body = assert_tcr_error(&resp, code);
        body["Response"]["RequestId"] = json!("[request-id]");
        injected.insert(code.to_string(), body);
        reached.insert(code, "fault");
    }
    let all: Vec<&str> = TcrCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(reached.keys().copied().collect::<Vec<_>>(), {
        let mut a = all.clone();
        a.sort_unstable();
        a
    });
    // the codes with no natural trigger: the DescribeImages business codes, the permission refusal and the codes only an
    // `--ambiguity` alternative answers with
    insta::assert_json_snapshot!("error_fault_only_codes", injected);
}

#[test]
fn every_catalogue_code_can_be_asked_for_by_name() {
    for code in TcrCode::ALL {
        let resp = call(&with_fault(code.as_str()));
        let body = assert_tcr_error(&resp, code.as_str());
        assert_eq!(
            TcrCode::parse(body["Response"]["Error"]["Code"].as_str().unwrap()),
            Some(*code)
        );
        assert!(
            message(&body).starts_with(&code.entry().message),
            "{}: {}",
            code.as_str(),
            message(&body)
        );
    }
}
