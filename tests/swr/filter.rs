//! The `filter=key::value|...` grammar and the individual query parameters.

use super::*;

fn repo_names(target: &str) -> Vec<String> {
    names(&ok_body(&get(target), LIST_REPOS), "name")
}

#[test]
fn individual_parameters_filter_repositories() {
    assert_eq!(
        repo_names("/v2/manage/repos?namespace=group&name=busy"),
        ["busybox"]
    );
}

#[test]
fn filter_string_equals_individual_parameters() {
    let individual = repo_names("/v2/manage/repos?namespace=team&category=linux&limit=50");
    let filtered = repo_names("/v2/manage/repos?filter=namespace::team|category::linux|limit::50");
    assert!(!individual.is_empty());
    assert_eq!(individual, filtered);
}

#[test]
fn percent_encoded_filter_is_decoded_once() {
    let encoded = repo_names("/v2/manage/repos?filter=namespace%3A%3Agroup%7Cname%3A%3Abusybox");
    assert_eq!(encoded, ["busybox"]);
}

#[test]
fn filter_overrides_individual_parameters() {
    // `namespace=library` alone would exclude busybox; the filter wins and selects it.
    let names = repo_names("/v2/manage/repos?namespace=library&filter=name::busybox");
    assert_eq!(names, ["busybox"]);
}

#[test]
fn empty_filter_is_ignored() {
    assert_eq!(
        repo_names("/v2/manage/repos?filter=&name=busybox"),
        ["busybox"]
    );
}

#[test]
fn unknown_filter_keys_are_ignored() {
    assert_eq!(
        repo_names("/v2/manage/repos?filter=colour::blue|name::busybox"),
        ["busybox"]
    );
}

#[test]
fn empty_filter_values_count_as_not_given() {
    let all = repo_names("/v2/manage/repos?filter=namespace::group");
    assert_eq!(
        repo_names("/v2/manage/repos?filter=namespace::group|name::"),
        all
    );
}

#[test]
fn repeated_filter_key_keeps_the_last_value() {
    assert_eq!(
        repo_names("/v2/manage/repos?filter=name::nginx|name::busybox"),
        ["busybox"]
    );
}

#[test]
fn trailing_and_doubled_bars_are_skipped() {
    assert_eq!(
        repo_names("/v2/manage/repos?filter=name::busybox||"),
        ["busybox"]
    );
}

#[test]
fn segment_without_double_colon_is_rejected() {
    for filter in [
        "name=busybox",
        "name:busybox",
        "busybox",
        "name::busybox|limit",
    ] {
        let resp = get(&format!("/v2/manage/repos?filter={filter}"));
        assert_service_error(&resp, 400, "SVCSTG.SWR.4000014", "Invalid parameter.");
    }
}

#[test]
fn name_and_namespace_match_fuzzily_ignoring_case() {
    let names = repo_names("/v2/manage/repos?namespace=GRO&name=BUSY");
    assert_eq!(names, ["busybox"]);
}

#[test]
fn category_matches_exactly() {
    let body = ok_body(
        &get("/v2/manage/repos?category=database&limit=1000"),
        LIST_REPOS,
    );
    let items = body.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|r| r["category"] == "database"));
    // A prefix of a category is not a category.
    assert!(repo_names("/v2/manage/repos?category=data").is_empty());
}

#[test]
fn tag_filter_is_a_substring_match() {
    let body = ok_body(
        &get("/v2/manage/namespaces/group/repos/bulk-app/tags?filter=tag::v0.1.1|limit::1000"),
        LIST_TAGS,
    );
    let tags = names(&body, "Tag");
    assert!(tags.contains(&"v0.1.1".to_string()));
    assert!(tags.contains(&"v0.1.10".to_string()));
    assert!(tags.iter().all(|t| t.contains("v0.1.1")));
}

#[test]
fn invalid_limits_and_offsets_are_rejected() {
    for query in [
        "limit=abc",
        "limit=-1",
        "limit=0",
        "limit=1001",
        "limit=1.5",
        "offset=-10",
        "offset=x",
        "filter=limit::abc",
        "filter=offset::-1",
        "limit=99999999999999999999999",
    ] {
        let resp = get(&format!(
            "/v2/manage/namespaces/group/repos/busybox/tags?{query}"
        ));
        assert_service_error(&resp, 400, "SVCSTG.SWR.4000014", "Invalid parameter.");
    }
}

#[test]
fn repository_offset_must_be_a_multiple_of_limit() {
    let resp = get("/v2/manage/repos?limit=10&offset=5");
    assert_service_error(&resp, 400, "SVCSTG.SWR.4000014", "Invalid parameter.");
    // The tag list documents no such rule.
    let tags = ok_body(
        &get("/v2/manage/namespaces/group/repos/bulk-app/tags?limit=10&offset=5"),
        LIST_TAGS,
    );
    assert_eq!(tags.as_array().unwrap().len(), 10);
}

#[test]
fn invalid_order_values_are_rejected() {
    for query in [
        "order_column=size",
        "order_type=sideways",
        "filter=order_column::tag_count",
    ] {
        let resp = get(&format!(
            "/v2/manage/namespaces/group/repos/busybox/tags?{query}"
        ));
        assert_service_error(&resp, 400, "SVCSTG.SWR.4000014", "Invalid parameter.");
    }
}
