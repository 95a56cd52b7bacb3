//! The suite against foreign implementations that are not regmock: canned servers with bugs no emulator quirk has.
//! They prove the newer checks have teeth: the repository sort (`swr.repos.sort`), the default slice of `limit` alone
//! (`swr.repos.content-range`), the TCR GET form (`tcr.images.get-form`) and `X-TC-Token` (`tcr.auth.signed`).

use regmock::conformance::{self, CheckReport, Config, Outcome, Report, Target};
use regmock::model::ProviderId;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The report of check `id`, which the run must have.
fn check_of<'a>(report: &'a Report, id: &str) -> &'a CheckReport {
    report
        .checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id} in the report"))
}

/// One repository as the SWR list sends it.
fn repo(name: &str, updated: &str, tags: u64) -> serde_json::Value {
    serde_json::json!({
        "name": name, "category": "linux", "description": "", "size": 1, "is_public": false,
        "num_images": tags, "num_download": 0, "created_at": updated, "updated_at": updated, "logo": "",
        "url": "", "path": format!("swr.example.com/group/{name}"), "internal_path": format!("10.0.0.1/group/{name}"),
        "domain_name": "root", "namespace": "group", "tags": [], "status": false, "total_range": 3
    })
}

/// Mounts the SWR repository list as the one repository `repo`, with its Content-Range.
async fn mount_one_repo(server: &MockServer, repo: serde_json::Value) {
    Mock::given(method("GET"))
        .and(path("/v2/manage/repos"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!([repo]))
                .insert_header("Content-Range", "0-1/1"),
        )
        .mount(server)
        .await;
}

/// Query parameter `name` of `req` as a count (`None`: absent or not a count).
fn count_param(req: &wiremock::Request, name: &str) -> Option<usize> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse::<usize>().ok())
}

/// The page of `tags` that `offset` and `limit` of `req` select, with its Content-Range.
fn tag_page(tags: &[serde_json::Value], req: &wiremock::Request) -> ResponseTemplate {
    let offset = count_param(req, "offset").unwrap_or(0).min(tags.len());
    let limit = count_param(req, "limit").unwrap_or(100);
    let page: Vec<_> = tags.iter().skip(offset).take(limit).cloned().collect();
    ResponseTemplate::new(200)
        .insert_header(
            "Content-Range",
            format!("{offset}-{}/{}", page.len(), tags.len()).as_str(),
        )
        .set_body_json(page)
}

/// The suite's `checks` (all when empty) against `server` as NCR, with image `reg/img` in region `kr` as the target.
async fn run_ncr_image(server: &MockServer, checks: &[&str]) -> Report {
    let mut config = Config::new(ProviderId::Ncr, &server.uri());
    config.targets = vec![Target::ncr("kr", "reg", "img")];
    config.checks = checks.iter().map(|c| c.to_string()).collect();
    conformance::run(&config).await
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
    let check = |id: &str| check_of(&report, id);
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
        let c = check_of(&report, id);
        assert_eq!(c.outcome, Outcome::Fail, "{id}: {human}");
    }
    assert!(human.contains("X-TC-Token"), "{human}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tag_list_with_unreadable_times_fails_the_sort_instead_of_passing_any_order() {
    // Given a server that pages its tag list right, but writes update times as day/month/year (no RFC 3339 date-time,
    // and ambiguous) and ignores the requested order (time descending, whatever was asked)
    let server = MockServer::start().await;
    mount_one_repo(&server, repo("busybox", "2024-01-03T00:00:00.000000Z", 6)).await;
    let tags: Vec<serde_json::Value> = (0..6)
        .map(|i| {
            let updated = format!("0{}/07/2018 06:18:55", 6 - i);
            serde_json::json!({"Tag": format!("v{i}"), "updated": updated, "digest": format!("sha256:0{i}")})
        })
        .collect();
    Mock::given(method("GET"))
        .and(path("/v2/manage/namespaces/group/repos/busybox/tags"))
        .respond_with(move |req: &wiremock::Request| tag_page(&tags, req))
        .mount(&server)
        .await;
    // When the tag checks run against it
    let mut config = Config::new(ProviderId::Swr, &server.uri());
    config.targets = vec![Target::swr("group", "busybox")];
    config.checks = vec!["swr.tags".into()];
    let report = conformance::run(&config).await;
    // Then the sort fails on the time it cannot read, rather than passing with every time taken as equal
    let human = report.human();
    let sort = check_of(&report, "swr.tags.sort");
    assert_eq!(sort.outcome, Outcome::Fail, "{human}");
    assert!(
        sort.failures[0]
            .message
            .contains("does not read as a date-time"),
        "{human}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_over_64_mib_is_not_read_and_the_run_cannot_judge() {
    // Given a server whose repository list is valid JSON padded with 65 MiB of spaces
    let server = MockServer::start().await;
    let mut body = serde_json::to_vec(&serde_json::json!([repo(
        "busybox",
        "2024-01-03T00:00:00.000000Z",
        1
    )]))
    .unwrap();
    body.resize(body.len() + (65 << 20), b' ');
    Mock::given(method("GET"))
        .and(path("/v2/manage/repos"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(body, "application/json")
                .insert_header("Content-Range", "0-1/1"),
        )
        .mount(&server)
        .await;
    // When the suite runs against it
    let config = Config::new(ProviderId::Swr, &server.uri());
    let report = conformance::run(&config).await;
    // Then it stops reading at the cap and says so: it could not judge, and never passes
    assert_eq!(
        report.verdict,
        conformance::Verdict::Error,
        "{}",
        report.human()
    );
    assert!(
        report.human().contains("is over 64 MiB"),
        "{}",
        report.human()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tcr_server_whose_exact_match_ignores_case_fails_the_exact_check() {
    // Given a TCR server that pages and filters as documented, except that ExactMatch compares without letter case
    let server = MockServer::start().await;
    // No two names differ only in case, so only a case-flipped value tells the matchings apart.
    let names = [
        "latest",
        "Release-Alpine",
        "v1.2-RC",
        "stable",
        "Stable-slim",
        "edge",
    ];
    Mock::given(method("POST"))
        .respond_with(move |req: &wiremock::Request| {
            let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap_or_default();
            let number = |key: &str, default: u64| {
                body[key]
                    .as_u64()
                    .or_else(|| body[key].as_str().and_then(|s| s.parse().ok()))
                    .unwrap_or(default)
            };
            let version = body["ImageVersion"].as_str().unwrap_or("").to_ascii_lowercase();
            let exact = body["ExactMatch"] == true || body["ExactMatch"] == "true";
            let matching: Vec<&&str> = names
                .iter()
                .filter(|n| {
                    let n = n.to_ascii_lowercase();
                    if exact { n == version } else { n.contains(&version) }
                })
                .collect();
            let (limit, page) = (number("Limit", 20).max(1), number("Offset", 1).max(1));
            let start = usize::try_from((page - 1) * limit).unwrap_or(usize::MAX);
            let list: Vec<serde_json::Value> = matching
                .iter()
                .skip(start)
                .take(limit as usize)
                .enumerate()
                .map(|(i, n)| {
                    serde_json::json!({"ImageVersion": n, "Digest": format!("sha256:{:064x}", start + i),
                        "Size": 1, "UpdateTime": format!("2024-01-0{} 00:00:00", 9 - (start + i)),
                        "Kind": "docker", "KmsSignature": ""})
                })
                .collect();
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"Response": {"ImageInfoList": list,
                    "TotalCount": matching.len(), "RequestId": "00000000-0000-0000-0000-000000000000"}}))
                .insert_header("Content-Type", "application/json")
        })
        .mount(&server)
        .await;
    // When the exact check runs (after the walk it builds on)
    let mut config = Config::new(ProviderId::Tcr, &server.uri());
    config.targets = vec![Target::tcr("tcr-x", "ns", "repo")];
    config.cases = 32;
    config.checks = vec![
        "tcr.images.offset-is-page".into(),
        "tcr.images.exact".into(),
    ];
    let report = conformance::run(&config).await;
    // Then it fails: a name in the other case is no exact match
    let human = report.human();
    let exact = check_of(&report, "tcr.images.exact");
    assert_eq!(exact.outcome, Outcome::Fail, "{human}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_web_page_answered_with_200_fails_discovery_instead_of_leaving_nothing_to_judge() {
    for provider in [ProviderId::Swr, ProviderId::Ncr, ProviderId::Tcr] {
        // Given a server (a wrong base URL, say) answering every request with a 200 web page
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw("<html><body>hello</body></html>", "text/html"),
            )
            .mount(&server)
            .await;
        // When the suite runs against it
        let report = conformance::run(&Config::new(provider, &server.uri())).await;
        // Then discovery fails on the answer, so the run fails (exit 1) rather than "could not judge" (exit 2)
        let human = report.human();
        let discovery = check_of(&report, &format!("{}.discovery", provider.as_str()));
        assert_eq!(discovery.outcome, Outcome::Fail, "{human}");
        assert!(
            discovery.failures[0]
                .message
                .contains("without the documented list")
                && discovery.failures[0].actual.contains("text/html"),
            "{human}"
        );
        assert_eq!(report.exit_code(), 1, "{human}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_target_that_hangs_on_a_bad_limit_fails_that_check_and_is_still_judged_on_the_others() {
    // Given a server that pages its tags right but never answers a limit or offset that is not a count
    let server = MockServer::start().await;
    mount_one_repo(&server, repo("busybox", "2024-01-03T00:00:00.000000Z", 6)).await;
    let tags: Vec<serde_json::Value> = (0..6)
        .map(|i| serde_json::json!({"Tag": format!("v{i}"), "updated": "2024-01-01T00:00:00Z", "digest": "sha256:00"}))
        .collect();
    Mock::given(method("GET"))
        .and(path("/v2/manage/namespaces/group/repos/busybox/tags"))
        .respond_with(move |req: &wiremock::Request| {
            let bad = |name: &str| {
                req.url.query_pairs().any(|(k, _)| k == name)
                    && count_param(req, name).is_none_or(|n| name == "limit" && n == 0)
            };
            match bad("limit") || bad("offset") {
                true => ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(20)),
                false => tag_page(&tags, req),
            }
        })
        .mount(&server)
        .await;
    // When the paging checks run with a 1 s timeout
    let mut config = Config::new(ProviderId::Swr, &server.uri());
    config.targets = vec![Target::swr("group", "busybox")];
    config.checks = vec![
        "swr.tags.page.invalid".into(),
        "swr.tags.page.concat".into(),
    ];
    config.timeout = std::time::Duration::from_secs(1);
    let started = std::time::Instant::now();
    let report = conformance::run(&config).await;
    // Then the check that hung fails, once, without retrying the hung request; the other still passes
    let human = report.human();
    let invalid = check_of(&report, "swr.tags.page.invalid");
    assert_eq!(invalid.outcome, Outcome::Fail, "{human}");
    assert!(
        invalid.failures[0].message.contains("no answer within 1 s"),
        "{human}"
    );
    assert_eq!(
        check_of(&report, "swr.tags.page.concat").outcome,
        Outcome::Pass,
        "{human}"
    );
    assert_eq!(report.exit_code(), 1, "{human}");
    assert!(
        human.contains("--timeout 1"),
        "the rerun line keeps the timeout: {human}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "{human}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_implementation_without_regmocks_example_data_is_told_how_to_name_its_own() {
    // Given a server whose repository list holds none of regmock's default targets (every other path is a 404)
    let server = MockServer::start().await;
    mount_one_repo(&server, repo("theirs", "2024-01-03T00:00:00.000000Z", 1)).await;
    // When the suite runs at the default targets, and then at one named that it does not hold either
    let defaults = conformance::run(&Config::new(ProviderId::Swr, &server.uri())).await;
    let mut named = Config::new(ProviderId::Swr, &server.uri());
    named.targets = vec![Target::swr("group", "gone")];
    let named = conformance::run(&named).await;
    // Then the run cannot judge either way, and only the first says which flags name a target of its own
    let reason = |r: &Report| {
        check_of(r, "swr.discovery")
            .reason
            .clone()
            .unwrap_or_default()
    };
    assert_eq!(defaults.exit_code(), 2, "{}", defaults.human());
    assert!(
        reason(&defaults).contains("--namespace NAMESPACE --repository REPOSITORY"),
        "{}",
        reason(&defaults)
    );
    assert_eq!(named.exit_code(), 2, "{}", named.human());
    assert!(
        !reason(&named).contains("--namespace"),
        "{}",
        reason(&named)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ncr_server_numbering_pages_from_0_fails_the_paging_checks_instead_of_having_nothing_to_check()
 {
    // Given an NCR server whose page 0 is the first page (the docs number from 1), holding 3 tags: its page 1 is empty
    // while its count says 3
    let server = MockServer::start().await;
    let tags: Vec<serde_json::Value> = (0..3)
        .map(|i| serde_json::json!({"name": format!("v{i}"), "digest": format!("sha256:0{i}"), "last_updated": 1_700_000_000 - i}))
        .collect();
    Mock::given(method("GET"))
        .and(path("/ncr/api/v2/repositories/reg/img/tags"))
        .respond_with(move |req: &wiremock::Request| {
            let page = count_param(req, "page").unwrap_or(0);
            let size = count_param(req, "pagesize").unwrap_or(100).max(1);
            let results: Vec<_> = tags.iter().skip(page * size).take(size).cloned().collect();
            ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "count": tags.len(), "next": null, "previous": null, "results": results
            }))
        })
        .mount(&server)
        .await;
    // When the suite runs against it
    let report = run_ncr_image(&server, &[]).await;
    // Then discovery passes on the declared tags and the count check fails on the empty first page
    let human = report.human();
    assert_eq!(
        check_of(&report, "ncr.discovery").outcome,
        Outcome::Pass,
        "{human}"
    );
    assert_eq!(
        check_of(&report, "ncr.page.count").outcome,
        Outcome::Fail,
        "{human}"
    );
    assert_eq!(report.exit_code(), 1, "{human}");
}

/// A TCR server whose every POST is one image, answered with `content_type` (`None`: no Content-Type at all).
async fn tcr_server_answering_successes_with(content_type: Option<&str>) -> MockServer {
    let server = MockServer::start().await;
    let image = serde_json::json!({"ImageVersion": "v1", "Digest": format!("sha256:{:064x}", 1), "Size": 1,
        "UpdateTime": "2024-01-01 00:00:00", "Kind": "docker", "KmsSignature": ""});
    let body = serde_json::json!({"Response": {"ImageInfoList": [image], "TotalCount": 1,
        "RequestId": "00000000-0000-0000-0000-000000000000"}});
    let answer = ResponseTemplate::new(200).set_body_bytes(body.to_string());
    let answer = match content_type {
        Some(v) => answer.insert_header("Content-Type", v),
        None => answer,
    };
    Mock::given(method("POST"))
        .respond_with(answer)
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tcr_success_with_a_charset_passes_the_content_type_check_and_one_without_a_content_type_fails()
 {
    let outcome = |server: MockServer| async move {
        let mut config = Config::new(ProviderId::Tcr, &server.uri());
        config.targets = vec![Target::tcr("tcr-x", "ns", "repo")];
        config.checks = vec!["tcr.content-type".into()];
        let report = conformance::run(&config).await;
        (
            check_of(&report, "tcr.content-type").outcome,
            report.human(),
        )
    };
    // Given a TCR server whose successes say `application/json; charset=utf-8` (the SDKs parse a success under any)
    let server = tcr_server_answering_successes_with(Some("application/json; charset=utf-8")).await;
    // Then the check passes: only an error needs exactly application/json or text/plain
    let (charset, human) = outcome(server).await;
    assert_eq!(charset, Outcome::Pass, "{human}");
    // Given one whose successes carry no Content-Type (the async Python client reads the header unconditionally)
    let server = tcr_server_answering_successes_with(None).await;
    // Then the check fails
    let (none, human) = outcome(server).await;
    assert_eq!(none, Outcome::Fail, "{human}");
    assert!(human.contains("no Content-Type"), "{human}");
}

/// The NCR tag list's documented example page (one tag), from its cassette.
fn documented_ncr_page() -> serde_json::Value {
    let cassette: serde_json::Value = serde_json::from_str(include_str!(
        "../../cassettes/ncr/ncr-get_image_tag_list-documented-example.json"
    ))
    .unwrap();
    cassette["response"]["body"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ncr_error_body_in_another_shape_than_regmocks_passes_the_schema_check_and_a_broken_gateway_error_fails()
 {
    // NCR's own error body is undocumented; only the API Gateway's `{"error": ...}` is
    let run = |not_found: serde_json::Value| async move {
        // Given an NCR server with one image, whose unknown names get a 404 with `not_found` as the body
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/ncr/api/v2/repositories/reg/img/tags"))
            .respond_with(ResponseTemplate::new(200).set_body_json(documented_ncr_page()))
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(404).set_body_json(not_found))
            .mount(&server)
            .await;
        // When the not-found check runs, and the schema check judges what it saw
        let report = run_ncr_image(&server, &["ncr.errors.not-found", "ncr.schema"]).await;
        (check_of(&report, "ncr.schema").outcome, report.human())
    };
    // Then another Ncloud service's error shape passes
    let (outcome, human) =
        run(serde_json::json!({"responseError": {"returnCode": "404", "returnMessage": "no such image"}})).await;
    assert_eq!(outcome, Outcome::Pass, "{human}");
    // And a gateway error without its documented fields fails
    let (outcome, human) = run(serde_json::json!({"error": {"code": 404}})).await;
    assert_eq!(outcome, Outcome::Fail, "{human}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ncr_server_whose_encoder_writes_integers_as_floats_is_judged_on_the_values() {
    // Given an NCR server that pages 3 tags as documented, but writes count, next and previous as 3.0, 2.0, ...
    // (JSON Schema's `integer` takes a number with no fraction)
    let server = MockServer::start().await;
    let item = documented_ncr_page()["results"][0].clone();
    let tags: Vec<serde_json::Value> = (0..3)
        .map(|i| {
            let mut t = item.clone();
            t["name"] = format!("v{i}").into();
            t["last_updated"] = (1_711_928_488_000_u64 - i * 1000).into();
            t
        })
        .collect();
    Mock::given(method("GET"))
        .and(path("/ncr/api/v2/repositories/reg/img/tags"))
        .respond_with(move |req: &wiremock::Request| {
            let (page, size) = (
                count_param(req, "page").unwrap_or(1),
                count_param(req, "pagesize").unwrap_or(10),
            );
            if page == 0 || size == 0 || !(1..=100).contains(&size) {
                return ResponseTemplate::new(400).set_body_json(
                    serde_json::json!({"returnCode": 400, "returnMessage": "bad page"}),
                );
            }
            let results: Vec<_> = tags.iter().skip((page - 1) * size).take(size).cloned().collect();
            let last = tags.len().div_ceil(size).max(1);
            let float = |n: usize| serde_json::Value::from(n as f64);
            ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "count": float(tags.len()),
                "next": if page < last { float(page + 1) } else { serde_json::Value::Null },
                "previous": if page > 1 { float(page.min(last + 1) - 1) } else { serde_json::Value::Null },
                "results": results
            }))
        })
        .mount(&server)
        .await;
    // When the paging checks run against it
    let report = run_ncr_image(&server, &["ncr.discovery", "ncr.page", "ncr.schema"]).await;
    // Then the counts and links are read as the numbers they are
    let human = report.human();
    for id in [
        "ncr.page.count",
        "ncr.page.links",
        "ncr.page.concat",
        "ncr.schema",
    ] {
        assert_eq!(
            check_of(&report, id).outcome,
            Outcome::Pass,
            "{id}: {human}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ncr_server_answering_pages_past_the_end_404_may_answer_a_huge_page_404_too() {
    // Given an NCR server that refuses pages and sizes below 1 or not numbers with 400, and answers every page past
    // the end, however far (a page number past 64 bits too), with 404
    let server = MockServer::start().await;
    let tags = documented_ncr_page()["results"].clone();
    Mock::given(method("GET"))
        .and(path("/ncr/api/v2/repositories/reg/img/tags"))
        .respond_with(move |req: &wiremock::Request| {
            let raw = |name: &str| {
                req.url
                    .query_pairs()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.to_string())
            };
            let number = |name: &str, default: u128| {
                raw(name).map_or(Some(default), |v| v.parse::<u128>().ok())
            };
            match (number("page", 1), number("pagesize", 10)) {
                (Some(page), Some(size)) if page >= 1 && (1..=100).contains(&size) => {
                    if page > 1 {
                        ResponseTemplate::new(404).set_body_json(
                            serde_json::json!({"returnCode": 404, "returnMessage": "no such page"}),
                        )
                    } else {
                        ResponseTemplate::new(200).set_body_json(serde_json::json!({
                            "count": 1, "next": null, "previous": null, "results": tags
                        }))
                    }
                }
                _ => ResponseTemplate::new(400).set_body_json(
                    serde_json::json!({"returnCode": 400, "returnMessage": "bad page"}),
                ),
            }
        })
        .mount(&server)
        .await;
    // When the invalid-paging check runs
    let report = run_ncr_image(&server, &["ncr.page.invalid"]).await;
    // Then it passes: the huge page is a page past the end
    let human = report.human();
    assert_eq!(
        check_of(&report, "ncr.page.invalid").outcome,
        Outcome::Pass,
        "{human}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ncr_times_in_seconds_fail_the_milliseconds_check_and_the_documented_example_passes() {
    let outcome = |page: serde_json::Value| async move {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/ncr/api/v2/repositories/reg/img/tags"))
            .respond_with(ResponseTemplate::new(200).set_body_json(page))
            .mount(&server)
            .await;
        let report = run_ncr_image(&server, &["ncr.discovery", "ncr.times.milliseconds"]).await;
        (
            check_of(&report, "ncr.times.milliseconds").outcome,
            report.human(),
        )
    };
    // Given the documented example page, then as a server writing epoch seconds would send it
    let documented = documented_ncr_page();
    let mut in_seconds = documented.clone();
    in_seconds["results"][0]["last_updated"] = (1_711_928_488_u64).into();
    // Then the example passes and the seconds fail
    let (pass, human) = outcome(documented).await;
    assert_eq!(pass, Outcome::Pass, "{human}");
    let (fail, human) = outcome(in_seconds).await;
    assert_eq!(fail, Outcome::Fail, "{human}");
    assert!(human.contains("reads as seconds"), "{human}");
}
