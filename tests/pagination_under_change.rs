//! Pagination while the data changes: a client fetches page 1, the admin API adds or deletes a tag, the client fetches
//! page 2. Every provider pages by position over a list sorted newest first (SWR ListRepositoryTags `offset`/`limit`,
//! NCR `page`/`pagesize`, TCR DescribeImages `Offset` = page number and `Limit`), and each page is computed on the data
//! of its own request, so the shift is visible exactly as the vendors' documented paging shows it: an added tag pushes
//! the last item of page 1 onto page 2 and the total grows by one; a deleted tag pulls the first item of page 2 onto a
//! page 1 that was already read, so the client never sees it. `POST /__regmock/reset` gives back the original answers
//! byte for byte (apart from request ids).
#![allow(clippy::unwrap_used, missing_docs)]

use regmock::http::Request;
use regmock::model::{Dataset, ProviderId};
use regmock::pipeline::{Clock, Credentials, KeyPair, Options, RateLimit};
use serde_json::{Value, json};

/// Five tags a..e, each updated an hour after the one before: newest first they are e d c b a.
fn tags() -> Value {
    let tag = |name: &str, hour: u32| {
        json!({
            "name": name,
            "digest": format!("sha256:{}", format!("{hour:02}").repeat(32)),
            "size": 1000 + u64::from(hour),
            "created": format!("2026-01-01T{hour:02}:00:00Z"),
            "updated": format!("2026-01-01T{hour:02}:00:00Z"),
        })
    };
    json!([
        tag("a", 1),
        tag("b", 2),
        tag("c", 3),
        tag("d", 4),
        tag("e", 5)
    ])
}

/// One registry per provider, each with repository `app` (NCR: image `team/app`) holding [`tags`].
fn dataset() -> Dataset {
    let repo = |name: &str| {
        json!({"name": name, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T05:00:00Z",
               "tags": tags()})
    };
    let data = json!({"registries": [
        {"provider": "swr", "name": "swr-test", "region": "cn-north-4",
         "namespaces": [{"name": "team", "repositories": [repo("app")]}]},
        {"provider": "ncr", "name": "ncr-test", "region": "kr",
         "namespaces": [{"name": "", "repositories": [repo("team/app")]}]},
        {"provider": "tcr", "name": "tcr-test", "region": "ap-guangzhou",
         "namespaces": [{"name": "team", "repositories": [repo("app")]}]},
    ]});
    Dataset::parse("test.json", &data.to_string())
        .unwrap()
        .prepare()
        .unwrap()
}

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-24T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn options() -> Options {
    Options {
        clock: Clock::Fixed(now()),
        // The fixed clock never opens a new rate window.
        rate_limit: RateLimit::Off,
        ..Options::default()
    }
}

/// The admin path of repository `app` for `provider` (NCR's image name percent-encoded).
fn repo_path(provider: ProviderId) -> &'static str {
    match provider {
        ProviderId::Swr => "swr/team/app",
        ProviderId::Ncr => "ncr/ncr-test/team%2Fapp",
        ProviderId::Tcr => "tcr/tcr-test/team/app",
    }
}

/// A running mock of one provider with the test dataset.
struct Mock {
    provider: ProviderId,
    uri: String,
    // Held so the server lives as long as the test.
    _server: Box<dyn std::any::Any>,
    client: reqwest::Client,
}

impl Mock {
    async fn start(provider: ProviderId) -> Mock {
        let (uri, server): (String, Box<dyn std::any::Any>) = match provider {
            ProviderId::Swr => {
                let m = regmock::SwrMock::start_with(dataset(), Credentials::default(), options())
                    .await;
                (m.uri(), Box::new(m))
            }
            ProviderId::Ncr => {
                let m = regmock::NcrMock::start_with(dataset(), Credentials::default(), options())
                    .await;
                (m.uri(), Box::new(m))
            }
            ProviderId::Tcr => {
                let m = regmock::TcrMock::start_with(dataset(), Credentials::default(), options())
                    .await;
                (m.uri(), Box::new(m))
            }
        };
        Mock {
            provider,
            uri,
            _server: server,
            client: reqwest::Client::new(),
        }
    }

    /// Sends `req` signed as the provider's official SDK signs it; returns status, headers and body.
    async fn send(&self, mut req: Request) -> (u16, Vec<(String, String)>, Vec<u8>) {
        let host = self.uri.trim_start_matches("http://").to_string();
        let key = KeyPair {
            access_key: regmock::pipeline::DEFAULT_ACCESS_KEY.into(),
            secret_key: regmock::pipeline::DEFAULT_SECRET_KEY.into(),
        };
        let spec = regmock::providers::PROVIDERS
            .iter()
            .find(|p| p.id() == self.provider)
            .unwrap();
        spec.sign(&mut req, &key, now(), &host);
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
        let mut builder = self
            .client
            .request(method, format!("{}{}", self.uri, req.target()));
        for (name, value) in &req.headers {
            builder = builder.header(name, value);
        }
        let resp = builder.body(req.body.clone()).send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap().to_string()))
            .collect();
        (status, headers, resp.bytes().await.unwrap().to_vec())
    }

    /// Page `page` (1-based) of two tags: the tag names and the total, plus the answer's bytes with the request id
    /// blanked (for byte comparisons).
    async fn page(&self, page: u64) -> (Vec<String>, u64, Vec<u8>) {
        let req = match self.provider {
            ProviderId::Swr => Request::get(&format!(
                "/v2/manage/namespaces/team/repos/app/tags?offset={}&limit=2",
                (page - 1) * 2
            ))
            .header("Content-Type", "application/json"),
            ProviderId::Ncr => Request::get(&format!(
                "/ncr/api/v2/repositories/ncr-test/team%2Fapp/tags?page={page}&pagesize=2"
            )),
            ProviderId::Tcr => {
                let mut req = Request::new("POST", "/")
                    .header("Content-Type", "application/json")
                    .header("X-TC-Action", "DescribeImages")
                    .header("X-TC-Version", "2019-09-24")
                    .header("X-TC-Region", "ap-guangzhou");
                req.body = json!({"RegistryId": "tcr-test", "NamespaceName": "team", "RepositoryName": "app",
                                  "Offset": page, "Limit": 2})
                .to_string()
                .into_bytes();
                req
            }
        };
        let (status, headers, body) = self.send(req).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        let mut value: Value = serde_json::from_slice(&body).unwrap();
        let (names, total) = match self.provider {
            ProviderId::Swr => {
                let range = headers
                    .iter()
                    .find(|(n, _)| n == "content-range")
                    .map(|(_, v)| v.clone())
                    .unwrap();
                let total = range.rsplit('/').next().unwrap().parse().unwrap();
                (names_at(&value, "", "Tag"), total)
            }
            ProviderId::Ncr => (
                names_at(&value, "/results", "name"),
                value["count"].as_u64().unwrap(),
            ),
            ProviderId::Tcr => {
                let total = value["Response"]["TotalCount"].as_u64().unwrap();
                value["Response"]["RequestId"] = json!("-");
                (
                    names_at(&value, "/Response/ImageInfoList", "ImageVersion"),
                    total,
                )
            }
        };
        let mut bytes = serde_json::to_vec(&value).unwrap();
        if self.provider != ProviderId::Tcr {
            // The body carries no request id: compare it as sent.
            bytes = body;
        }
        // Headers other than the request id and the date are part of the answer too (SWR's Content-Range).
        for (name, value) in headers {
            if !["x-request-id", "x-ncp-trace-id", "date"].contains(&name.as_str()) {
                bytes.extend(format!("\n{name}: {value}").into_bytes());
            }
        }
        (names, total, bytes)
    }

    /// `method` on `/__regmock/{path}` with a JSON body; returns status and body.
    async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self.client.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
            format!("{}/__regmock/{path}", self.uri),
        );
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        (status, resp.json().await.unwrap())
    }

    /// Adds tag `name`, updated after every tag of the dataset (so it sorts first).
    async fn add_newest(&self, name: &str) {
        let (status, body) = self
            .admin(
                "PUT",
                &format!("tags/{}/{name}", repo_path(self.provider)),
                Some(
                    json!({"digest": format!("sha256:{}", "f".repeat(64)), "size": 7,
                            "created": "2026-01-01T06:00:00Z", "updated": "2026-01-01T06:00:00Z"}),
                ),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }

    async fn delete(&self, name: &str) {
        let (status, body) = self
            .admin(
                "DELETE",
                &format!("tags/{}/{name}", repo_path(self.provider)),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }

    async fn reset(&self) {
        let (status, body) = self.admin("POST", "reset", None).await;
        assert_eq!(status, 200, "{body}");
    }
}

fn names_at(value: &Value, pointer: &str, field: &str) -> Vec<String> {
    value
        .pointer(pointer)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t[field].as_str().unwrap().to_string())
        .collect()
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

const PROVIDERS: [ProviderId; 3] = [ProviderId::Swr, ProviderId::Ncr, ProviderId::Tcr];

#[tokio::test]
async fn the_original_pages_are_newest_first() {
    for provider in PROVIDERS {
        let mock = Mock::start(provider).await;
        let mut all = Vec::new();
        for page in 1..=3 {
            let (names, total, _) = mock.page(page).await;
            assert_eq!(total, 5, "{provider:?}");
            all.extend(names);
        }
        assert_eq!(all, strings(&["e", "d", "c", "b", "a"]), "{provider:?}");
    }
}

#[tokio::test]
async fn a_tag_added_between_pages_repeats_the_last_item_of_page_1_and_grows_the_total() {
    for provider in PROVIDERS {
        let mock = Mock::start(provider).await;
        let (first, total, _) = mock.page(1).await;
        assert_eq!((first, total), (strings(&["e", "d"]), 5), "{provider:?}");
        mock.add_newest("f").await;
        let (second, total, _) = mock.page(2).await;
        assert_eq!((second, total), (strings(&["d", "c"]), 6), "{provider:?}");
        let (third, _, _) = mock.page(3).await;
        assert_eq!(third, strings(&["b", "a"]), "{provider:?}");
        // The new tag is on page 1, which the client already read.
        let (again, _, _) = mock.page(1).await;
        assert_eq!(again, strings(&["f", "e"]), "{provider:?}");
    }
}

#[tokio::test]
async fn a_tag_deleted_between_pages_skips_the_first_item_of_page_2_and_shrinks_the_total() {
    for provider in PROVIDERS {
        let mock = Mock::start(provider).await;
        let (first, _, _) = mock.page(1).await;
        assert_eq!(first, strings(&["e", "d"]), "{provider:?}");
        mock.delete("e").await;
        let (second, total, _) = mock.page(2).await;
        // "c" moved up to page 1: the client walking the pages never sees it.
        assert_eq!((second, total), (strings(&["b", "a"]), 4), "{provider:?}");
        let (third, _, _) = mock.page(3).await;
        assert!(third.is_empty(), "{provider:?}: {third:?}");
    }
}

#[tokio::test]
async fn reset_gives_back_the_original_answers_byte_for_byte() {
    for provider in PROVIDERS {
        let mock = Mock::start(provider).await;
        let mut before = Vec::new();
        for page in 1..=3 {
            before.push(mock.page(page).await.2);
        }
        mock.add_newest("f").await;
        mock.delete("c").await;
        let (changed, total, _) = mock.page(1).await;
        assert_eq!((changed, total), (strings(&["f", "e"]), 5), "{provider:?}");
        mock.reset().await;
        for (page, original) in (1..=3).zip(&before) {
            let (_, _, bytes) = mock.page(page).await;
            assert_eq!(
                String::from_utf8_lossy(&bytes),
                String::from_utf8_lossy(original),
                "{provider:?} page {page}"
            );
        }
    }
}

#[tokio::test]
async fn a_replaced_tag_moves_to_its_new_place_in_the_order() {
    for provider in PROVIDERS {
        let mock = Mock::start(provider).await;
        // "a" (the oldest) updated last: it becomes the newest.
        let (status, body) = mock
            .admin(
                "PUT",
                &format!("tags/{}/a", repo_path(provider)),
                Some(
                    json!({"digest": format!("sha256:{}", "0".repeat(64)), "size": 1,
                            "created": "2026-01-01T01:00:00Z", "updated": "2026-01-02T00:00:00Z"}),
                ),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let (first, total, _) = mock.page(1).await;
        assert_eq!((first, total), (strings(&["a", "e"]), 5), "{provider:?}");
    }
}
