//! Property tests: random datasets and page/pagesize against a naive reference; random bad input.

use super::*;
use proptest::prelude::*;
use regmock::model::Dataset;
use serde_json::json;

const REGRESSIONS: &str = "proptest-regressions/ncr.txt";

/// A one-image NCR dataset whose tags have the given (name, update minute, platform count).
fn dataset(tags: &[(String, u32, usize)]) -> Dataset {
    let tags: Vec<_> = tags
        .iter()
        .map(|(name, minute, platforms)| {
            let time = format!("2025-01-01T00:{minute:02}:00Z");
            // Minute 7 marks a soft-deleted tag, which NCR must not list.
            let deleted = (*minute == 7).then(|| time.clone());
            json!({
                "name": name, "digest": format!("sha256:{name}"), "size": 10, "created": time, "updated": time,
                "deleted": deleted,
                "platforms": (0..*platforms).map(|p| json!({"architecture": format!("arch{p}"), "os": "linux",
                    "digest": format!("sha256:{name}-{p}"), "size": 5})).collect::<Vec<_>>()
            })
        })
        .collect();
    let text = json!({"registries": [{"provider": "ncr", "name": "r", "id": 7, "region": "kr", "namespaces": [
        {"name": "", "repositories": [{"name": "img/x", "created_at": "2025-01-01T00:00:00Z",
         "updated_at": "2025-01-01T00:00:00Z", "tags": tags}]}]}]})
    .to_string();
    Dataset::parse("props.json", &text)
        .unwrap()
        .prepare()
        .unwrap()
}

proptest! {
    #![proptest_config(common::proptest_config(128, REGRESSIONS))]

    #[test]
    fn pages_concatenate_to_the_full_list_exactly_once(
        tags in prop::collection::btree_map("[a-e]{1,4}", (0..8u32, 1..4usize), 0..40),
        pagesize in 1..12u64,
    ) {
        let tags: Vec<(String, u32, usize)> = tags.into_iter().map(|(n, (m, p))| (n, m, p)).collect();
        let emu = common::emulator_with(dataset(&tags), Default::default());
        // Reference: last_updated descending, name ascending.
        let mut expected: Vec<_> = tags.iter().filter(|t| t.1 != 7).cloned().collect();
        expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let expected: Vec<String> = expected.into_iter().map(|t| t.0).collect();
        let pages = (expected.len() as u64).div_ceil(pagesize).max(1);
        let mut got = Vec::new();
        for page in 1..=pages + 1 {
            let resp = emu.dispatch(&signed(&format!("/ncr/api/v2/repositories/r/img%2Fx/tags?page={page}&pagesize={pagesize}")));
            let body = ok_body(&resp);
            prop_assert_eq!(body["count"].as_u64(), Some(expected.len() as u64));
            prop_assert_eq!(body["next"].as_u64(), (page < pages).then_some(page + 1));
            prop_assert_eq!(body["previous"].as_u64(), (page > 1).then_some((page - 1).min(pages)));
            let items = names(&body);
            if page > pages {
                prop_assert!(items.is_empty());
            }
            got.extend(items);
        }
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn random_paths_queries_and_headers_never_500(
        prefix in prop::sample::select(vec!["/ncr/api/v2", "/ncr/sgn-api/v2", "/ncr/jpn-api/v2", "/ncr/x"]),
        rest in "[a-z%2F/._-]{0,30}",
        query in prop::option::of("[a-z=&%0-9-]{0,24}"),
        header in "[ -~]{0,24}",
        sign in any::<bool>(),
    ) {
        let mut req = Request::get(&format!("{prefix}/repositories/{rest}"));
        req.query = query;
        if sign {
            req = signed(&req.target());
        } else {
            for name in ["x-ncp-apigw-timestamp", "x-ncp-iam-access-key", "x-ncp-apigw-signature-v2"] {
                req.headers.push((name.to_string(), header.clone()));
            }
        }
        let resp = common::emulator().dispatch(&req);
        prop_assert!(resp.status < 500, "{} -> {}", req.target(), resp.status);
        let body = resp.body_json();
        prop_assert!(
            common::matches_schema(TAG_LIST, &body) || common::matches_schema(ERROR, &body) || common::matches_schema(GATEWAY_ERROR, &body),
            "unexpected body {}", body
        );
    }
}
