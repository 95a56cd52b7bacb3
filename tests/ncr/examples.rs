//! The documented example through every transport, including `NcrMock`.

use super::*;
use regmock::pipeline::{Clock, Credentials, Options};

fn assert_documented(body: &Value) {
    assert_eq!(
        (
            body["count"].as_u64(),
            body["next"].is_null(),
            body["previous"].is_null()
        ),
        (Some(1), true, true)
    );
    let tag = &body["results"][0];
    assert_eq!(tag["name"], "ncpdocker");
    assert_eq!(tag["id"], 730606);
    assert_eq!(tag["image_id"], 322122);
    assert_eq!(tag["repository"], 5976);
    assert_eq!(tag["full_size"], 83518086);
    assert_eq!(tag["last_updated"], 1711928488000i64);
    assert_eq!(tag["v2"], true);
    let digest = tag["digest"].as_str().unwrap();
    assert!(
        digest.starts_with("sha256:a180") && digest.ends_with("b9dc"),
        "{digest}"
    );
    let image = &tag["images"][0];
    assert_eq!(image["architecture"], "amd64");
    assert_eq!(image["os"], "linux");
    assert_eq!(image["created"], 1711928488000i64);
    assert_eq!(image["updated"], 1711928488000i64);
    assert_eq!(image["latest_pulled"], 0);
    assert_eq!(
        image["mediaType"],
        "application/vnd.docker.container.image.v1+json"
    );
    assert_eq!(
        (image["features"].as_str(), image["os_features"].as_str()),
        (Some(""), Some(""))
    );
    assert!(image["os_version"].is_null() && image["variant"].is_null());
    assert_eq!(image["size"], 83518086);
}

#[tokio::test]
async fn documented_example_through_dispatch_and_axum_and_wiremock() {
    let resp = common::answer_everywhere(&common::emulator(), &signed(EXAMPLE)).await;
    let body = ok_body(&resp);
    assert_documented(&body);
    assert!(resp.header_value("x-ncp-trace-id").is_some());
    insta::assert_json_snapshot!("documented_example", body);
}

#[tokio::test]
async fn documented_example_through_ncr_mock() {
    let options = Options {
        clock: Clock::Fixed(common::fixed_now()),
        ..Options::default()
    };
    let ncr =
        regmock::NcrMock::start_with(common::embedded(), Credentials::default(), options).await;
    let resp = common::send(&ncr.uri(), &signed(EXAMPLE)).await;
    assert_documented(&ok_body(&resp));
    // NcrMock answers NCR only: SWR paths are not served there.
    let swr = common::send(&ncr.uri(), &common::swr_get("/v2/manage/repos")).await;
    assert_eq!(swr.status, 404);
}
