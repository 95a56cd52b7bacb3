//! Pagination, Content-Range, total_range and ordering.

use super::*;

#[test]
fn default_limit_is_100_without_content_range() {
    let resp = get("/v2/manage/repos");
    let body = ok_body(&resp, LIST_REPOS);
    assert_eq!(body.as_array().unwrap().len(), 100);
    assert_eq!(resp.header_value("content-range"), None);
    // total_range is the total number of matches on every item.
    let total = body[0]["total_range"].as_u64().unwrap();
    assert!(total >= 250);
    assert!(
        body.as_array()
            .unwrap()
            .iter()
            .all(|r| r["total_range"] == total)
    );
}

#[test]
fn content_range_is_offset_count_total() {
    let resp = get("/v2/manage/namespaces/group/repos/bulk-app/tags?limit=1000&offset=1000");
    let body = ok_body(&resp, LIST_TAGS);
    assert_eq!(body.as_array().unwrap().len(), 500);
    assert_eq!(resp.header_value("content-range"), Some("1000-500/1500"));
}

#[test]
fn content_range_is_sent_for_paging_inside_filter() {
    let resp = get("/v2/manage/namespaces/group/repos/bulk-app/tags?filter=offset::0|limit::10");
    assert_eq!(resp.header_value("content-range"), Some("0-10/1500"));
}

#[test]
fn offset_past_the_end_is_an_empty_page() {
    let resp = get("/v2/manage/namespaces/group/repos/bulk-app/tags?limit=100&offset=5000");
    let body = ok_body(&resp, LIST_TAGS);
    assert_eq!(body, serde_json::json!([]));
    assert_eq!(resp.header_value("content-range"), Some("5000-0/1500"));
}

#[test]
fn bulk_repository_pages_cover_all_1500_tags_once() {
    let mut seen = Vec::new();
    for offset in (0..1500).step_by(400) {
        let body = ok_body(
            &get(&format!(
                "/v2/manage/namespaces/group/repos/bulk-app/tags?limit=400&offset={offset}"
            )),
            LIST_TAGS,
        );
        seen.extend(names(&body, "Tag"));
    }
    assert_eq!(seen.len(), 1500);
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), 1500);
}

#[test]
fn default_order_is_most_recently_updated_first() {
    let body = ok_body(
        &get("/v2/manage/namespaces/group/repos/bulk-app/tags?limit=1000"),
        LIST_TAGS,
    );
    let updated: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["updated"].as_str().unwrap())
        .collect();
    assert!(updated.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn ties_in_update_time_are_broken_by_name_ascending() {
    let body = ok_body(
        &get(
            "/v2/manage/namespaces/group/repos/bulk-app/tags?limit=1000&order_column=updated_at&order_type=asc",
        ),
        LIST_TAGS,
    );
    let items = body.as_array().unwrap();
    let mut ties = 0;
    for w in items.windows(2) {
        assert!(w[0]["updated"].as_str() <= w[1]["updated"].as_str());
        if w[0]["updated"] == w[1]["updated"] {
            ties += 1;
            assert!(w[0]["Tag"].as_str() < w[1]["Tag"].as_str());
        }
    }
    assert!(
        ties > 0,
        "the dataset must contain ties for this test to mean anything"
    );
}

#[test]
fn both_documented_column_spellings_sort_by_update_time() {
    let at = get("/v2/manage/repos?order_column=updated_at&order_type=asc&limit=50");
    let time = get("/v2/manage/repos?filter=order_column::updated_time|order_type::asc|limit::50");
    assert_eq!(ok_body(&at, LIST_REPOS), ok_body(&time, LIST_REPOS));
}

#[test]
fn repositories_sort_by_name_and_tag_count() {
    let by_name = names(
        &ok_body(
            &get("/v2/manage/repos?filter=order_column::name|order_type::asc|limit::1000"),
            LIST_REPOS,
        ),
        "name",
    );
    let mut sorted = by_name.clone();
    sorted.sort();
    assert_eq!(by_name, sorted);

    let body = ok_body(
        &get("/v2/manage/repos?filter=order_column::tag_count|order_type::desc|limit::1000"),
        LIST_REPOS,
    );
    let counts: Vec<u64> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["num_images"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(counts[0], 1500, "bulk-app has the most tags");
}

#[test]
fn tags_sort_by_name_descending() {
    let body = ok_body(
        &get(
            "/v2/manage/namespaces/group/repos/bulk-app/tags?order_column=name&order_type=desc&limit=3",
        ),
        LIST_TAGS,
    );
    assert_eq!(names(&body, "Tag"), ["v0.9.99", "v0.9.98", "v0.9.97"]);
}

#[test]
fn filtered_sorted_page_snapshot() {
    let body = ok_body(
        &get(
            "/v2/manage/repos?filter=namespace::team|category::lang|order_column::name|order_type::asc|limit::2|offset::2",
        ),
        LIST_REPOS,
    );
    insta::assert_json_snapshot!("filtered_sorted_page", body);
}

#[test]
fn an_offset_past_u64_is_a_page_past_the_end_like_any_other() {
    // Given offsets at and past 2^64 − 1, on both lists (the repository list's offset a multiple of its limit)
    for target in [
        "/v2/manage/namespaces/group/repos/bulk-app/tags?limit=10&offset=18446744073709551616",
        "/v2/manage/namespaces/group/repos/bulk-app/tags?limit=10&offset=99999999999999999999999",
        "/v2/manage/repos?limit=1&offset=18446744073709551616",
    ] {
        // Then each is an empty page, not "offset must be a non-negative integer"
        let resp = get(target);
        let schema = if target.contains("/tags") {
            LIST_TAGS
        } else {
            LIST_REPOS
        };
        assert_eq!(ok_body(&resp, schema), serde_json::json!([]), "{target}");
    }
}

#[test]
fn a_limit_past_u64_is_refused_as_a_limit_above_1000_is() {
    // Given a limit past 2^64 and one just above the documented 1000
    let detail = |query: &str| {
        let resp = get(&format!(
            "/v2/manage/namespaces/group/repos/bulk-app/tags?{query}"
        ));
        assert_service_error(&resp, 400, "SVCSTG.SWR.4000014", "Invalid parameter.");
        common::json_with_status(&resp, 400, ERROR)["errors"][0]["detail"].clone()
    };
    // Then both are refused alike, and the huge one still reads as a number above the maximum under the clamp
    // ambiguity (below)
    let huge = detail("limit=18446744073709551616");
    assert!(huge.to_string().contains("from 1 to 1000"), "{huge}");
    let emulator = regmock::Emulator::with(
        regmock::model::Dataset::embedded().unwrap(),
        regmock::Credentials::default(),
        regmock::Options::default().with(
            regmock::conformance::ambiguities::Emulated::default()
                .select("swr.limit.above-max=clamp")
                .unwrap(),
        ),
    );
    let clamped = emulator.dispatch(
        &regmock::http::Request::get(
            "/v2/manage/namespaces/group/repos/bulk-app/tags?limit=18446744073709551616",
        )
        .header("X-Auth-Token", "t"),
    );
    assert_eq!(clamped.header_value("content-range"), Some("0-1000/1500"));
}
