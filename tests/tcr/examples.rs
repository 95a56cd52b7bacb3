//! The DescribeImages page's documented example, reproduced through every transport.

use super::*;

const KMS_SIGNATURE: &str = "UKauWpHdjaTjTsE64BSFhJe0YZj7eXiu8DzkRgTk0vbuxl+ICYbVJ2p1afHGv/WsOqqJvEKJdNPU4iAGNYEbegTi/UwcrCRijNeFkzHNqljBa75g1u9LHjVmtE9dxzh17YGRHpDxbL2CCjZ9YgeCqppsl1LiXvlYdrMLgoqwHKwao3WnkZU2fye4HIreZ3CXGkjv7g8rbhmjwEZJUTWAuEws7eNSvl9RS8NAJctwvZWZQUGKkRpbBRkKxdENSIgRoA+SyX0Qmu2SxvwDRTsCwI+B1rJxLmw1wYgAh3mQiXtehBZAJdYLcOvokUgAUC8cpKpeJ+bSsYvCLh+uJlF4Pg==";

/// The example's request body, byte for byte as printed (string-typed Limit and Offset, Offset 0).
const EXAMPLE_BODY: &str = r#"{
"Limit": "20",
"NamespaceName": "team-01",
"RepositoryName": "nginx",
"RegistryId": "tcr-okmj78",
"Offset": "0"
}"#;

/// The example's one image.
fn vendor_image() -> Value {
    json!({
        "Digest": "sha256:a1801b843b1bfaf77c501e7a6d3f709401a1e0c83863037fa3aab063a7fdb9dc",
        "ImageVersion": "8",
        "Size": 83520757,
        "UpdateTime": "2022-08-06T07:31:01.207374Z",
        "Kind": "Artifact::application/vnd.docker.distribution.manifest.v2+json",
        "KmsSignature": KMS_SIGNATURE
    })
}

/// Position of `needle` in the raw body text (key order is not visible through `serde_json::Value`).
fn at(resp: &Response, needle: &str) -> usize {
    let text = String::from_utf8_lossy(&resp.body);
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle} not in {text}"))
}

#[tokio::test]
async fn documented_example_as_printed_returns_the_vendor_image() {
    // Given the embedded dataset; when the example's body (Limit "20", Offset "0" as strings) is sent
    let resp = common::answer_everywhere(&emu(), &describe_raw(EXAMPLE_BODY.as_bytes())).await;
    // then every transport answers the vendor's image, fields and values exactly
    let body = ok_body(&resp);
    assert_eq!(body["Response"]["ImageInfoList"], json!([vendor_image()]));
    assert_eq!(body["Response"]["TotalCount"], 1);
    insta::assert_json_snapshot!("documented_example", body, {REQUEST_ID => "[request-id]"});
}

#[tokio::test]
async fn documented_example_with_the_sdks_numbers_gives_the_same_answer() {
    // Given the request as both SDKs send it: Limit 20 and Offset 1 as JSON numbers, in the SDK model's field order
    let resp = common::answer_everywhere(
        &emu(),
        &describe(params(NGINX, json!({"Limit": 20, "Offset": 1}))),
    )
    .await;
    // then the answer is the documented one
    let body = ok_body(&resp);
    assert_eq!(body["Response"]["ImageInfoList"], json!([vendor_image()]));
    assert_eq!(body["Response"]["TotalCount"], 1);
}

#[test]
fn answer_keeps_the_vendor_example_key_order() {
    let resp = call(&describe_raw(EXAMPLE_BODY.as_bytes()));
    // Response: RequestId, ImageInfoList, TotalCount
    assert!(at(&resp, "\"RequestId\"") < at(&resp, "\"ImageInfoList\""));
    assert!(at(&resp, "\"ImageInfoList\"") < at(&resp, "\"TotalCount\""));
    // TcrImageInfo: Digest, ImageVersion, Size, UpdateTime, Kind, KmsSignature
    let keys = [
        "\"Digest\"",
        "\"ImageVersion\"",
        "\"Size\"",
        "\"UpdateTime\"",
        "\"Kind\"",
        "\"KmsSignature\"",
    ];
    let positions: Vec<usize> = keys.iter().map(|k| at(&resp, k)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

#[test]
fn example_request_without_paging_fields_uses_the_defaults() {
    let body = ok_body(&call(&describe(params(NGINX, json!({})))));
    assert_eq!(body["Response"]["ImageInfoList"], json!([vendor_image()]));
}

#[test]
fn unsigned_synthetic_images_have_an_empty_kms_signature_and_their_manifest_kind() {
    // Given bulk-app's synthetic images (no KMS signatures; single images and manifest lists)
    let kinds: std::collections::BTreeSet<&str> = bulk_listing()
        .iter()
        .map(|i| i["Kind"].as_str().unwrap())
        .collect();
    // then KmsSignature is present and empty, and Kind names the manifest media type
    assert!(bulk_listing().iter().all(|i| i["KmsSignature"] == ""));
    assert_eq!(
        kinds.into_iter().collect::<Vec<_>>(),
        vec![
            "Artifact::application/vnd.docker.distribution.manifest.list.v2+json",
            "Artifact::application/vnd.docker.distribution.manifest.v2+json",
        ]
    );
}

#[test]
fn update_time_has_microseconds_like_the_example() {
    for item in bulk_listing() {
        let t = item["UpdateTime"].as_str().unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.6fZ").is_ok()
                && t.len() == 27,
            "{t}"
        );
    }
}

#[test]
fn the_schema_takes_update_time_in_any_rfc_3339_offset_and_nothing_else() {
    // The page types UpdateTime String and shows it in UTC; another implementation may write its own zone
    let answer = |time: &str| {
        let mut image = vendor_image();
        image["UpdateTime"] = json!(time);
        json!({"Response": {"ImageInfoList": [image], "TotalCount": 1,
            "RequestId": "d76f7a1b-d9e9-4454-b95b-25c34f17b943"}})
    };
    for time in [
        "2022-08-06T07:31:01.207374Z",
        "2022-08-06T07:31:01Z",
        "2022-08-06T07:31:01+00:00",
        "2022-08-06T15:31:01.207+08:00",
        "2022-08-06t07:31:01z",
    ] {
        assert!(common::matches_schema(DESCRIBE, &answer(time)), "{time}");
    }
    for time in [
        "2022-08-06 07:31:01",
        "2022-08-06T07:31:01",
        "1659771061",
        "",
    ] {
        assert!(!common::matches_schema(DESCRIBE, &answer(time)), "{time}");
    }
}
