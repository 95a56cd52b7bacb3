//! The suite against foreign implementations that are not regmock: canned servers with bugs no emulator quirk has.
//! They prove the newer checks have teeth: the repository sort (`swr.repos.sort`), the default slice of `limit` alone
//! (`swr.repos.content-range`), the TCR GET form (`tcr.images.get-form`) and `X-TC-Token` (`tcr.auth.signed`).

use regmock::conformance::{self, Config, Outcome, Target};
use regmock::model::ProviderId;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// One repository as the SWR list sends it.
fn repo(name: &str, updated: &str, tags: u64) -> serde_json::Value {
    serde_json::json!({
        "name": name, "category": "linux", "description": "", "size": 1, "is_public": false,
        "num_images": tags, "num_download": 0, "created_at": updated, "updated_at": updated, "logo": "",
        "url": "", "path": format!("swr.example.com/group/{name}"), "internal_path": format!("10.0.0.1/group/{name}"),
        "domain_name": "root", "namespace": "group", "tags": [], "status": false, "total_range": 3
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_ignores_paging_and_sorting_fails_the_sort_and_the_default_slice() {
    // Given a server answering every repository list with the same three repositories, in no order of any column
    let server = MockServer::start().await;
    let repos = serde_json::json!([
        repo("carrot", "2024-01-02T00:00:00.000000Z", 2),
        repo("apple", "2024-01-01T00:00:00.000000Z", 1),
        repo("banana", "2024-01-03T00:00:00.000000Z", 3),
    ]);
    Mock::given(method("GET"))
        .and(path("/v2/manage/repos"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(repos)
                .insert_header("Content-Range", "0-3/3"),
        )
        .mount(&server)
        .await;
    let tags = serde_json::json!([{"Tag": "latest", "updated": "2024-01-01T00:00:00Z", "digest": "sha256:00"}]);
    Mock::given(method("GET"))
        .and(path("/v2/manage/namespaces/group/repos/busybox/tags"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(tags)
                .insert_header("Content-Range", "0-1/1"),
        )
        .mount(&server)
        .await;
    // When the sort and Content-Range checks run against it
    let mut config = Config::new(ProviderId::Swr, &server.uri());
    config.targets = vec![Target::swr("group", "busybox")];
    config.checks = vec!["swr.repos.sort".into(), "swr.repos.content-range".into()];
    let report = conformance::run(&config).await;
    // Then both fail, each on what the server got wrong
    let human = report.human();
    let check = |id: &str| report.checks.iter().find(|c| c.id == id).unwrap();
    assert_eq!(check("swr.repos.sort").outcome, Outcome::Fail, "{human}");
    assert!(
        check("swr.repos.sort")
            .failures
            .iter()
            .any(|f| f.message.contains("out of order")
                || f.message.contains("every repository once")),
        "{human}"
    );
    let range = check("swr.repos.content-range");
    assert_eq!(range.outcome, Outcome::Fail, "{human}");
    assert!(
        range
            .failures
            .iter()
            .any(|f| f.message.contains("alone is not the slice")),
        "{human}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tcr_server_without_the_get_form_or_tokens_fails_those_checks() {
    // Given a TCR server that answers POST, refuses every GET and fails every request carrying X-TC-Token
    let server = MockServer::start().await;
    let error = |code: &str| {
        ResponseTemplate::new(200)
            .set_body_json(
                serde_json::json!({"Response": {"Error": {"Code": code, "Message": "no"},
                "RequestId": "00000000-0000-0000-0000-000000000000"}}),
            )
            .insert_header("Content-Type", "application/json")
    };
    Mock::given(wiremock::matchers::header_exists("X-TC-Token"))
        .respond_with(error("AuthFailure.SignatureFailure"))
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(error("UnsupportedProtocol"))
        .mount(&server)
        .await;
    let image = serde_json::json!({"ImageVersion": "v1", "Digest": "sha256:00", "Size": 1,
        "UpdateTime": "2024-01-01 00:00:00", "Kind": "docker", "KmsSignature": ""});
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(
                    serde_json::json!({"Response": {"ImageInfoList": [image], "TotalCount": 1,
                    "RequestId": "00000000-0000-0000-0000-000000000000"}}),
                )
                .insert_header("Content-Type", "application/json"),
        )
        .mount(&server)
        .await;
    // When the GET-form and signed-request checks run against it
    let mut config = Config::new(ProviderId::Tcr, &server.uri());
    config.targets = vec![Target::tcr("tcr-x", "ns", "repo")];
    config.checks = vec!["tcr.images.get-form".into(), "tcr.auth.signed".into()];
    let report = conformance::run(&config).await;
    // Then both fail: the GET form is not answered, and a token is refused with a code that is not the token's
    let human = report.human();
    for id in ["tcr.images.get-form", "tcr.auth.signed"] {
        let c = report.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(c.outcome, Outcome::Fail, "{id}: {human}");
    }
    assert!(human.contains("X-TC-Token"), "{human}");
}
