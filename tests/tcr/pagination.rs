//! Limit / Offset (a 1-based page number): defaults, clamping, strict mode, rejected values, pages past the end, order.

use super::*;

fn page(limit: Value, offset: Value) -> Response {
    call(&describe(params(
        BULK,
        json!({"Limit": limit, "Offset": offset}),
    )))
}

fn strict() -> Emulator {
    common::emulator_with(
        common::embedded(),
        Options {
            strict: true,
            rate_limit: RateLimit::Off,
            ..Default::default()
        },
    )
}

/// Tags of bulk-app's ordered listing, 0-based `range`.
fn listed(range: std::ops::Range<usize>) -> Vec<String> {
    bulk_listing()[range]
        .iter()
        .map(|i| i["ImageVersion"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn middle_page_holds_items_741_to_750() {
    // Given bulk-app's 1,500 images; when page 75 of 10 is asked for
    let body = ok_body(&page(json!(10), json!(75)));
    // then it holds the 1-based items (75-1)*10+1 ..= 750, and TotalCount is all of them
    assert_eq!(versions(&body), listed(740..750));
    assert_eq!(total(&body), 1500);
    insta::assert_json_snapshot!("middle_page", body, {REQUEST_ID => "[request-id]"});
}

#[test]
fn page_past_the_end_is_empty_with_the_real_total() {
    let body = ok_body(&page(json!(10), json!(1000)));
    assert_eq!(body["Response"]["ImageInfoList"], json!([]));
    assert_eq!(total(&body), 1500);
    insta::assert_json_snapshot!("past_the_end", body, {REQUEST_ID => "[request-id]"});
}

#[test]
fn last_pages_hold_the_remainder() {
    assert_eq!(
        versions(&ok_body(&page(json!(100), json!(15)))),
        listed(1400..1500)
    );
    assert!(versions(&ok_body(&page(json!(100), json!(16)))).is_empty());
    assert_eq!(
        versions(&ok_body(&page(json!(90), json!(17)))),
        listed(1440..1500)
    );
}

#[test]
fn page_4_of_30_is_items_91_to_120() {
    // The SDK docstring writes "90-120"; by its own formula page 4 of 30 is 91..=120.
    assert_eq!(
        versions(&ok_body(&page(json!(30), json!(4)))),
        listed(90..120)
    );
}

#[test]
fn offset_0_is_page_1() {
    let zero = versions(&ok_body(&page(json!(5), json!(0))));
    let one = versions(&ok_body(&page(json!(5), json!(1))));
    let absent = versions(&ok_body(&call(&describe(params(
        BULK,
        json!({"Limit": 5}),
    )))));
    assert_eq!(zero, listed(0..5));
    assert_eq!(one, zero);
    assert_eq!(absent, zero);
}

#[test]
fn limit_defaults_to_20() {
    let body = ok_body(&call(&describe(params(BULK, json!({})))));
    assert_eq!(versions(&body), listed(0..20));
    let page2 = ok_body(&call(&describe(params(BULK, json!({"Offset": 2})))));
    assert_eq!(versions(&page2), listed(20..40));
    let null = ok_body(&call(&describe(params(
        BULK,
        json!({"Limit": null, "Offset": null}),
    ))));
    assert_eq!(versions(&null), listed(0..20));
}

#[test]
fn limit_above_100_is_clamped_to_100() {
    for limit in [json!(101), json!(1000), json!("101"), json!(i64::MAX)] {
        let body = ok_body(&page(limit.clone(), json!(1)));
        assert_eq!(versions(&body), listed(0..100), "Limit {limit}");
    }
    // and page 2 of a clamped Limit is the second 100
    assert_eq!(
        versions(&ok_body(&page(json!(101), json!(2)))),
        listed(100..200)
    );
}

#[test]
fn strict_refuses_limit_above_100_and_offset_0() {
    let emu = strict();
    for (limit, offset, name) in [(101, 1, "Limit"), (20, 0, "Offset")] {
        let resp = emu.dispatch(&describe(params(
            BULK,
            json!({"Limit": limit, "Offset": offset}),
        )));
        let body = assert_tcr_error(&resp, "InvalidParameterValue");
        assert!(message(&body).contains(name), "{}", message(&body));
    }
    // while the edges that are documented still pass
    let ok = ok_body(&emu.dispatch(&describe(params(BULK, json!({"Limit": 100, "Offset": 1})))));
    assert_eq!(versions(&ok), listed(0..100));
    let ok = ok_body(&emu.dispatch(&describe(params(BULK, json!({"Limit": 1, "Offset": 15})))));
    assert_eq!(versions(&ok), listed(14..15));
}

#[test]
fn limit_below_1_is_an_invalid_value() {
    for limit in [json!(0), json!(-1), json!("0"), json!(i64::MIN)] {
        let body = assert_tcr_error(&page(limit.clone(), json!(1)), "InvalidParameterValue");
        assert!(
            message(&body).contains("`Limit`"),
            "Limit {limit}: {}",
            message(&body)
        );
    }
    insta::assert_json_snapshot!(
        "error_limit_0",
        page(json!(0), json!(1)).body_json(),
        {REQUEST_ID => "[request-id]"}
    );
}

#[test]
fn negative_offset_is_an_invalid_value() {
    for offset in [json!(-1), json!("-1"), json!(i64::MIN)] {
        let body = assert_tcr_error(&page(json!(10), offset.clone()), "InvalidParameterValue");
        assert!(
            message(&body).contains("`Offset`"),
            "Offset {offset}: {}",
            message(&body)
        );
    }
}

#[test]
fn huge_offset_is_an_empty_page_not_a_panic() {
    for limit in [1, 20, 100, 1000] {
        let body = ok_body(&page(json!(limit), json!(i64::MAX)));
        assert_eq!(
            body["Response"]["ImageInfoList"],
            json!([]),
            "Limit {limit}"
        );
        assert_eq!(total(&body), 1500);
    }
    let as_string = ok_body(&page(json!(100), json!(i64::MAX.to_string())));
    assert_eq!(total(&as_string), 1500);
}

#[test]
fn non_integer_limit_or_offset_is_an_invalid_parameter() {
    // Numbers that are not Integers: a fraction, and a value beyond the 64-bit range
    for bad in [
        json!(2.5),
        json!(u64::MAX),
        json!("2.5"),
        json!("ten"),
        json!(true),
    ] {
        assert_tcr_error(&page(bad.clone(), json!(1)), "InvalidParameter");
        assert_tcr_error(&page(json!(10), bad), "InvalidParameter");
    }
}

#[test]
fn order_is_update_time_desc_then_image_version_asc() {
    // Given every image of bulk-app, read in pages of 100
    let all = bulk_listing();
    assert_eq!(all.len(), 1500);
    // then the sequence is sorted by (UpdateTime desc, ImageVersion asc, byte order)
    for pair in all.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let key = |i: &Value| {
            (
                i["UpdateTime"].as_str().unwrap().to_string(),
                i["ImageVersion"].as_str().unwrap().to_string(),
            )
        };
        let ((ta, va), (tb, vb)) = (key(a), key(b));
        assert!(
            ta > tb || (ta == tb && va < vb),
            "{ta} {va} before {tb} {vb}"
        );
    }
    // ties exist, so the tie-break is exercised ("1" and "10..." share an update time before "2")
    assert!(
        all.windows(2)
            .any(|p| p[0]["UpdateTime"] == p[1]["UpdateTime"])
    );
    // and every tag of the dataset is there once
    let mut names: Vec<String> = listed(0..1500);
    names.sort();
    let mut expected: Vec<String> = (1..=1498).map(|n| n.to_string()).collect();
    expected.extend(["latest".to_string(), "latest-alpine".to_string()]);
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn order_is_the_same_when_filtered() {
    // A filtered answer is the ordered listing with the other tags left out
    let body = ok_body(&call(&describe(params(
        BULK,
        json!({"ImageVersion": "7", "Limit": 100}),
    ))));
    let expected: Vec<String> = listed(0..1500)
        .into_iter()
        .filter(|v| v.contains('7'))
        .take(100)
        .collect();
    assert_eq!(versions(&body), expected);
}
