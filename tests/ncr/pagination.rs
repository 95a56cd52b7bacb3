//! page / pagesize: defaults, clamping, middle/last/past-the-end pages, and every rejected value.

use super::*;

#[test]
fn defaults_are_page_1_of_10() {
    let body = ok_body(&get(BULK));
    assert_eq!(body["count"], 1500);
    assert_eq!(body["results"].as_array().unwrap().len(), 10);
    assert_eq!(
        (body["next"].as_u64(), body["previous"].as_u64()),
        (Some(2), None)
    );
}

#[test]
fn middle_page_points_both_ways() {
    let body = ok_body(&get(&format!("{BULK}?page=7&pagesize=100")));
    assert_eq!(body["results"].as_array().unwrap().len(), 100);
    assert_eq!(
        (body["next"].as_u64(), body["previous"].as_u64()),
        (Some(8), Some(6))
    );
    insta::assert_json_snapshot!(
        "middle_page",
        ok_body(&get(&format!("{BULK}?page=7&pagesize=3")))
    );
}

#[test]
fn last_page_has_the_remainder_and_no_next() {
    let body = ok_body(&get(&format!("{BULK}?page=15&pagesize=100")));
    assert_eq!(body["results"].as_array().unwrap().len(), 100);
    assert!(body["next"].is_null());
    let partial = ok_body(&get(&format!("{BULK}?page=17&pagesize=90")));
    assert_eq!(partial["results"].as_array().unwrap().len(), 60);
    assert!(partial["next"].is_null());
    assert_eq!(partial["previous"], 16);
    insta::assert_json_snapshot!(
        "last_page",
        ok_body(&get(&format!("{BULK}?page=500&pagesize=3")))
    );
}

#[test]
fn page_past_the_end_is_empty_with_the_real_count() {
    let body = ok_body(&get(&format!("{BULK}?page=99&pagesize=100")));
    assert_eq!(body["results"], serde_json::json!([]));
    assert_eq!(body["count"], 1500);
    assert!(body["next"].is_null());
    assert_eq!(
        body["previous"], 15,
        "previous points at the last page with items"
    );
    let huge = ok_body(&get(&format!("{BULK}?page=18446744073709551615")));
    assert_eq!(huge["results"], serde_json::json!([]));
}

#[test]
fn page_size_above_100_is_clamped() {
    let body = ok_body(&get(&format!("{BULK}?pagesize=1000")));
    assert_eq!(body["results"].as_array().unwrap().len(), 100);
    assert_eq!(body["next"], 2);
}

#[test]
fn order_is_last_updated_descending_then_name() {
    let body = ok_body(&get(&format!("{BULK}?pagesize=100")));
    let rows: Vec<(i64, String)> = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["last_updated"].as_i64().unwrap(),
                t["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut ties = 0;
    for w in rows.windows(2) {
        assert!(w[0].0 >= w[1].0);
        if w[0].0 == w[1].0 {
            ties += 1;
            assert!(w[0].1 < w[1].1);
        }
    }
    assert!(ties > 0);
}

#[test]
fn multi_arch_tags_list_every_platform() {
    let body = ok_body(&get(&format!("{BULK}?pagesize=100")));
    let most = body["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["images"].as_array().unwrap().len())
        .max();
    assert!(most.unwrap() >= 2, "bulk/app has multi-arch tags");
}

#[test]
fn invalid_page_values_are_400() {
    for query in [
        "page=0",
        "page=-1",
        "page=abc",
        "page=",
        "page=1.5",
        "pagesize=0",
        "pagesize=-5",
        "pagesize=ten",
        "page=99999999999999999999999",
    ] {
        let resp = get(&format!("{BULK}?{query}"));
        assert_ncr_error(&resp, 400, "Bad Request");
    }
    insta::assert_json_snapshot!(
        "error_400_page_zero",
        get(&format!("{BULK}?page=0")).body_json()
    );
}

#[test]
fn a_repeated_key_keeps_its_last_value_and_v3_names_are_ignored() {
    let second = ok_body(&get(&format!("{BULK}?page=2&pagesize=5")));
    let repeated = ok_body(&get(&format!(
        "{BULK}?page=1&pagesize=100&page=2&pagesize=5"
    )));
    assert_eq!(names(&repeated), names(&second));
    assert_eq!(repeated["previous"], 1);
    // NAVER's v3 API names its parameters pageNo/pageSize: under v2 they are unknown keys, so the defaults apply
    let v3_names = ok_body(&get(&format!("{BULK}?pageNo=2&pageSize=5")));
    assert_eq!(names(&v3_names), names(&ok_body(&get(BULK))));
}
