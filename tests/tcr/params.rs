//! Filters and parameter forms: fuzzy vs exact ImageVersion, Digest, their combination, ExactMatch spellings, and the
//! GET (form-encoded query) form.

use super::*;

/// The digest bulk-app's tags "1", "2" and "3" share.
fn digest_of(version: &str) -> String {
    bulk_listing()
        .iter()
        .find(|i| i["ImageVersion"] == version)
        .unwrap()["Digest"]
        .as_str()
        .unwrap()
        .to_string()
}

fn bulk(extra: Value) -> Value {
    ok_body(&call(&describe(params(BULK, extra))))
}

/// A body without its RequestId, for comparing two answers.
fn without_id(mut body: Value) -> Value {
    body["Response"]
        .as_object_mut()
        .unwrap()
        .remove("RequestId");
    body
}

#[test]
fn fuzzy_latest_matches_two_tags_and_exact_matches_one() {
    // Given bulk-app's tags latest and latest-alpine
    let fuzzy = bulk(json!({"ImageVersion": "latest"}));
    let exact = bulk(json!({"ImageVersion": "latest", "ExactMatch": true}));
    // then fuzzy is a substring match and exact is equality
    assert_eq!(versions(&fuzzy), ["latest", "latest-alpine"]);
    assert_eq!(total(&fuzzy), 2);
    assert_eq!(versions(&exact), ["latest"]);
    assert_eq!(total(&exact), 1);
    insta::assert_json_snapshot!("fuzzy_latest", fuzzy, {REQUEST_ID => "[request-id]"});
    insta::assert_json_snapshot!("exact_latest", exact, {REQUEST_ID => "[request-id]"});
}

#[test]
fn fuzzy_match_ignores_case_and_exact_match_does_not() {
    let fuzzy = bulk(json!({"ImageVersion": "LATEST"}));
    assert_eq!(versions(&fuzzy), ["latest", "latest-alpine"]);
    let exact = bulk(json!({"ImageVersion": "LATEST", "ExactMatch": true}));
    assert_eq!(versions(&exact), Vec::<String>::new());
    assert_eq!(total(&exact), 0);
    let mixed = bulk(json!({"ImageVersion": "LaTeSt-AlP"}));
    assert_eq!(versions(&mixed), ["latest-alpine"]);
}

#[test]
fn fuzzy_match_is_a_substring_anywhere_in_the_tag() {
    // "alpine" is neither a prefix nor the whole tag
    assert_eq!(
        versions(&bulk(json!({"ImageVersion": "alpine"}))),
        ["latest-alpine"]
    );
    // "149" is in 149, 1490..1498 and 1149 (and 149x only): every match contains it
    let body = bulk(json!({"ImageVersion": "149", "Limit": 100}));
    let found = versions(&body);
    assert!(found.iter().all(|v| v.contains("149")), "{found:?}");
    let mut expected: Vec<&str> = bulk_listing()
        .iter()
        .map(|i| i["ImageVersion"].as_str().unwrap())
        .filter(|v| v.contains("149"))
        .collect();
    assert_eq!(found, expected);
    expected.sort_unstable();
    assert!(expected.contains(&"149") && expected.contains(&"1149") && expected.contains(&"1498"));
}

#[test]
fn digest_search_finds_the_three_tags_sharing_it_in_answer_order() {
    // Given tags 1, 2 and 3 share one digest (the dataset's digest_run of 3)
    let digest = digest_of("1");
    let body = bulk(json!({"Digest": digest}));
    // then a digest search returns exactly those three, ordered UpdateTime desc then ImageVersion asc
    assert_eq!(versions(&body), ["1", "2", "3"]);
    assert_eq!(total(&body), 3);
    let items = body["Response"]["ImageInfoList"].as_array().unwrap();
    assert!(items.iter().all(|i| i["Digest"] == digest.as_str()));
    insta::assert_json_snapshot!("digest_search", body, {REQUEST_ID => "[request-id]"});
}

#[test]
fn last_digest_run_is_1498_latest_and_latest_alpine() {
    let body = bulk(json!({"Digest": digest_of("latest")}));
    assert_eq!(versions(&body), ["1498", "latest", "latest-alpine"]);
}

#[test]
fn unknown_digest_matches_nothing() {
    let body = bulk(json!({"Digest": format!("sha256:{}", "0".repeat(64))}));
    assert_eq!(versions(&body), Vec::<String>::new());
    assert_eq!(total(&body), 0);
    // Digest is exact: a prefix of a real digest does not match
    let prefix = &digest_of("1")[..20];
    assert_eq!(total(&bulk(json!({"Digest": prefix}))), 0);
}

#[test]
fn image_version_and_digest_combine_with_and() {
    let digest = digest_of("1");
    // fuzzy "2" within the digest's tags: only "2" (the other tags containing 2 have other digests)
    assert_eq!(
        versions(&bulk(json!({"Digest": digest, "ImageVersion": "2"}))),
        ["2"]
    );
    // exact "3" with the digest
    assert_eq!(
        versions(&bulk(
            json!({"Digest": digest, "ImageVersion": "3", "ExactMatch": true})
        )),
        ["3"]
    );
    // a tag of another digest: nothing
    let none = bulk(json!({"Digest": digest, "ImageVersion": "latest"}));
    assert_eq!(total(&none), 0);
}

#[test]
fn exact_match_false_or_null_means_fuzzy() {
    let absent = without_id(bulk(json!({"ImageVersion": "latest"})));
    for exact in [json!(false), json!(null), json!("false"), json!("FALSE")] {
        let body = without_id(bulk(json!({"ImageVersion": "latest", "ExactMatch": exact})));
        assert_eq!(body, absent, "ExactMatch {exact}");
    }
}

#[test]
fn exact_match_as_a_string_is_accepted_in_any_case() {
    for exact in ["true", "True", "TRUE"] {
        let body = bulk(json!({"ImageVersion": "latest", "ExactMatch": exact}));
        assert_eq!(versions(&body), ["latest"], "ExactMatch {exact:?}");
    }
}

#[test]
fn numeric_strings_are_accepted_for_limit_and_offset() {
    let strings = without_id(bulk(json!({"Limit": "7", "Offset": "3"})));
    let numbers = without_id(bulk(json!({"Limit": 7, "Offset": 3})));
    assert_eq!(strings, numbers);
    assert_eq!(
        strings["Response"]["ImageInfoList"]
            .as_array()
            .unwrap()
            .len(),
        7
    );
}

#[test]
fn limit_and_offset_are_integers_as_the_request_schema_says() {
    let numbers = without_id(bulk(json!({"Limit": 7, "Offset": 3})));
    // Given integers as JSON Schema counts them (a float with no fraction is one) and digit strings, then each is
    // the same page as plain numbers, and the request schema accepts the body
    for (limit, offset) in [(json!(7.0), json!(3.0)), (json!("7"), json!("03"))] {
        let request = params(BULK, json!({"Limit": limit, "Offset": offset}));
        assert!(
            common::matches_schema("tcr/describe_images.request.schema.json", &request),
            "{request}"
        );
        assert_eq!(
            without_id(bulk(json!({"Limit": limit, "Offset": offset}))),
            numbers,
            "{request}"
        );
    }
    // Given what the schema refuses (signs, spaces, fractions, empty), then each is InvalidParameter
    for limit in [
        json!(" 7"),
        json!("7 "),
        json!("+7"),
        json!("-0"),
        json!(""),
        json!(7.5),
        json!("7.0"),
    ] {
        let request = params(BULK, json!({"Limit": limit}));
        assert!(
            !common::matches_schema("tcr/describe_images.request.schema.json", &request),
            "{request}"
        );
        let body = assert_tcr_error(&call(&describe(request.clone())), "InvalidParameter");
        assert!(
            message(&body).contains("`Limit` must be an Integer"),
            "{request}: {body}"
        );
    }
    // And -0 as a JSON number is the integer 0: page 1 for Offset
    let zero = without_id(bulk(json!({"Limit": 7, "Offset": -0.0})));
    assert_eq!(zero, without_id(bulk(json!({"Limit": 7, "Offset": 0}))));
}

#[test]
fn json_nested_past_the_parsers_limit_is_named_as_such() {
    // Given a parameter nested 200 objects deep (valid JSON, past serde_json's 128 levels)
    let body = format!(
        r#"{{"RegistryId":{}1{}}}"#,
        r#"{"a":"#.repeat(200),
        "}".repeat(200)
    );
    // Then it is InvalidParameter saying so, not "not valid JSON"
    let answer = assert_tcr_error(&call(&describe_raw(body.as_bytes())), "InvalidParameter");
    assert!(
        message(&answer).contains("more than 128 levels deep"),
        "{answer}"
    );
}

#[test]
fn get_form_gives_the_same_answer_as_post() {
    // Given the Python SDK's GET form (booleans rendered True) and the same request as a JSON POST
    let get = call(&describe_get(
        "RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=bulk-app&ImageVersion=latest&Limit=20&Offset=1&ExactMatch=True",
    ));
    let post = call(&describe(params(
        BULK,
        json!({"ImageVersion": "latest", "Limit": 20, "Offset": 1, "ExactMatch": true}),
    )));
    // then both answer the same body
    let get = ok_body(&get);
    assert_eq!(versions(&get), ["latest"]);
    assert_eq!(without_id(get), without_id(ok_body(&post)));
}

#[test]
fn get_form_without_exact_match_is_fuzzy() {
    let body = ok_body(&call(&describe_get(
        "RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=bulk-app&ImageVersion=LATEST",
    )));
    assert_eq!(versions(&body), ["latest", "latest-alpine"]);
}

#[test]
fn get_form_plus_is_a_space_and_percent_escapes_are_decoded_once() {
    // `+` is a space: the namespace asked for is "team 01", which does not exist
    let plus = call(&describe_get(
        "RegistryId=tcr-okmj78&NamespaceName=team+01&RepositoryName=nginx",
    ));
    let body = assert_tcr_error(&plus, "ResourceNotFound.TcrResourceNotFound");
    assert!(
        message(&body).contains("namespace team 01 "),
        "{}",
        message(&body)
    );
    // and the POST naming "team 01" answers the same
    let post = call(&describe(
        json!({"RegistryId": REGISTRY, "NamespaceName": "team 01", "RepositoryName": NGINX}),
    ));
    assert_eq!(without_id(body), without_id(post.body_json()));
    // %2D is "-", decoded once: bulk%2Dapp is bulk-app, bulk%252Dapp is the (unknown) "bulk%2Dapp"
    let once = ok_body(&call(&describe_get(
        "RegistryId=tcr-okmj78&NamespaceName=team%2D01&RepositoryName=bulk%2Dapp&Limit=1",
    )));
    assert_eq!(total(&once), 1500);
    let twice = call(&describe_get(
        "RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=bulk%252Dapp",
    ));
    let body = assert_tcr_error(&twice, "ResourceNotFound.TcrResourceNotFound");
    assert!(
        message(&body).contains("team-01/bulk%2Dapp"),
        "{}",
        message(&body)
    );
    // %2B is a literal plus in a tag filter; "latest+" matches nothing, "latest" two
    let escaped = ok_body(&call(&describe_get(
        "RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=bulk-app&ImageVersion=latest%2B",
    )));
    assert_eq!(total(&escaped), 0);
}

#[test]
fn get_form_repeated_key_keeps_the_last_value() {
    let body = ok_body(&call(&describe_get(
        "RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=bulk-app&Limit=1&Limit=3",
    )));
    assert_eq!(versions(&body).len(), 3);
}

#[test]
fn non_ascii_filter_is_the_same_escaped_or_raw() {
    // Python escapes non-ASCII ("\u00e9"), Node sends raw UTF-8: the same filter either way
    let escaped = call(&describe_raw(
        br#"{"RegistryId": "tcr-okmj78", "NamespaceName": "team-01", "RepositoryName": "bulk-app", "ImageVersion": "v1-\u00e9"}"#,
    ));
    let raw = call(&describe_raw(
        "{\"RegistryId\":\"tcr-okmj78\",\"NamespaceName\":\"team-01\",\"RepositoryName\":\"bulk-app\",\"ImageVersion\":\"v1-\u{e9}\"}"
            .as_bytes(),
    ));
    assert_eq!(without_id(ok_body(&escaped)), without_id(ok_body(&raw)));
    assert_eq!(total(&ok_body(&raw)), 0);
}

#[test]
fn empty_body_is_an_empty_object() {
    // `{}` from an SDK with nothing set and an empty body read the same: the first required name is missing
    for body in [&b""[..], b"{}", b"  \n"] {
        let resp = call(&describe_raw(body));
        let body = assert_tcr_error(&resp, "MissingParameter");
        assert!(message(&body).contains("RegistryId"), "{}", message(&body));
    }
}

#[test]
fn post_reads_the_body_not_the_query() {
    let mut req = unsigned_post(params(BULK, json!({"Limit": 3})).to_string().as_bytes());
    req.query = Some("Limit=1&Foo=bar".into());
    let body = ok_body(&call(&sign(req)));
    assert_eq!(versions(&body).len(), 3);
}

#[test]
fn get_reads_the_query_not_the_body() {
    let mut req =
        describe_get("RegistryId=tcr-okmj78&NamespaceName=team-01&RepositoryName=bulk-app&Limit=2");
    req.body = params(BULK, json!({"Limit": 5, "Foo": 1}))
        .to_string()
        .into_bytes();
    // the GET's signature covers the empty-body hash, so re-sign with the body present
    let body = ok_body(&call(&sign(req)));
    assert_eq!(versions(&body).len(), 2);
}

#[test]
fn tags_a_dataset_marks_deleted_are_not_listed() {
    // TCR has no soft delete: a tag a dataset marks `deleted` is neither listed nor counted (as for NCR).
    let tag = |name: &str, deleted: Option<&str>| {
        json!({"name": name, "digest": format!("sha256:{}", "2".repeat(64)), "size": 1,
            "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z", "deleted": deleted})
    };
    let data = json!({"registries": [{"provider": "tcr", "name": REGISTRY, "region": "ap-guangzhou",
        "namespaces": [{"name": NAMESPACE, "repositories": [{"name": "app", "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            "tags": [tag("gone", Some("2026-01-02T00:00:00Z")), tag("live", None)]}]}]}]});
    let data = regmock::model::Dataset::parse("deleted.json", &data.to_string())
        .unwrap()
        .prepare()
        .unwrap();
    let emu = common::emulator_with(data, Default::default());
    for filter in [
        json!({}),
        json!({"ImageVersion": "gone", "ExactMatch": true}),
    ] {
        let body = ok_body(&emu.dispatch(&describe(params("app", filter.clone()))));
        let expected: &[&str] = if filter == json!({}) { &["live"] } else { &[] };
        assert_eq!(versions(&body), expected, "{filter}");
        assert_eq!(total(&body), expected.len() as u64, "{filter}");
    }
}
