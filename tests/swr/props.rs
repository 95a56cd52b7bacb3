//! Property tests: random datasets and random limit/offset/filter/order, against a naive reference; and random bad
//! input that must never produce a panic or a 500.

use super::*;
use proptest::prelude::*;
use regmock::http::Request;
use regmock::model::Dataset;
use serde_json::json;

const REGRESSIONS: &str = "proptest-regressions/swr.txt";
const CATEGORIES: &[&str] = &[
    "app_server",
    "linux",
    "framework_app",
    "database",
    "lang",
    "arm",
    "other",
];

#[derive(Debug, Clone)]
struct RepoSpec {
    namespace: usize,
    name: String,
    category: usize,
    updated_minute: u32,
    tags: Vec<(String, u32)>,
}

fn repo_spec() -> impl Strategy<Value = RepoSpec> {
    (
        0..3usize,
        "[a-c]{1,3}([./_-][a-c]{1,2})?",
        0..CATEGORIES.len(),
        0..6u32,
        prop::collection::btree_map("[a-d]{1,3}", 0..6u32, 0..25),
    )
        .prop_map(
            |(namespace, name, category, updated_minute, tags)| RepoSpec {
                namespace,
                name,
                category,
                updated_minute,
                tags: tags.into_iter().collect(),
            },
        )
}

fn time(minute: u32) -> String {
    format!("2025-01-01T00:{minute:02}:00Z")
}

/// Builds a one-registry SWR dataset; duplicate names inside a namespace are dropped (the dataset rejects them).
fn dataset(specs: &[RepoSpec]) -> (Dataset, Vec<RepoSpec>) {
    let mut kept: Vec<RepoSpec> = Vec::new();
    for s in specs {
        if !kept
            .iter()
            .any(|k| k.namespace == s.namespace && k.name == s.name)
        {
            kept.push(s.clone());
        }
    }
    let namespaces: Vec<_> = (0..3)
        .map(|n| {
            let repos: Vec<_> = kept
                .iter()
                .filter(|s| s.namespace == n)
                .map(|s| {
                    json!({
                        "name": s.name, "category": CATEGORIES[s.category],
                        "created_at": time(0), "updated_at": time(s.updated_minute),
                        "tags": s.tags.iter().map(|(t, m)| json!({
                            "name": t, "digest": "sha256:00", "size": 1,
                            "created": time(0), "updated": time(*m)
                        })).collect::<Vec<_>>()
                    })
                })
                .collect();
            json!({"name": format!("ns{n}"), "repositories": repos})
        })
        .collect();
    let text = json!({"registries": [{
        "provider": "swr", "name": "swr-test", "region": "cn-north-4",
        "address": "swr.example", "internal_address": "10.0.0.1:1", "namespaces": namespaces
    }]})
    .to_string();
    let data = Dataset::parse("props.json", &text)
        .unwrap()
        .prepare()
        .unwrap();
    (data, kept)
}

#[derive(Debug, Clone)]
struct Query {
    namespace: Option<String>,
    name: Option<String>,
    category: Option<usize>,
    column: Option<&'static str>,
    descending: Option<bool>,
    limit: u64,
    use_filter: bool,
}

fn query() -> impl Strategy<Value = Query> {
    (
        prop::option::of("[a-cA-C0-2s]{0,2}"),
        prop::option::of("[a-cA-C./_-]{1,2}"),
        prop::option::of(0..CATEGORIES.len()),
        prop::option::of(prop::sample::select(vec![
            "updated_at",
            "updated_time",
            "name",
            "tag_count",
        ])),
        prop::option::of(any::<bool>()),
        1..12u64,
        any::<bool>(),
    )
        .prop_map(
            |(namespace, name, category, column, descending, limit, use_filter)| Query {
                namespace,
                name,
                category,
                column,
                descending,
                limit,
                use_filter,
            },
        )
}

impl Query {
    fn target(&self, offset: u64) -> String {
        let mut parts = vec![
            ("limit", self.limit.to_string()),
            ("offset", offset.to_string()),
        ];
        if let Some(n) = &self.namespace {
            parts.push(("namespace", n.clone()));
        }
        if let Some(n) = &self.name {
            parts.push(("name", n.clone()));
        }
        if let Some(c) = self.category {
            parts.push(("category", CATEGORIES[c].to_string()));
        }
        if let Some(c) = self.column {
            parts.push(("order_column", c.to_string()));
        }
        if let Some(d) = self.descending {
            parts.push(("order_type", if d { "desc" } else { "asc" }.to_string()));
        }
        let enc = |s: &str| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        };
        if self.use_filter {
            let filter: Vec<String> = parts.iter().map(|(k, v)| format!("{k}::{v}")).collect();
            format!("/v2/manage/repos?filter={}", enc(&filter.join("|")))
        } else {
            let q: Vec<String> = parts
                .iter()
                .map(|(k, v)| format!("{k}={}", enc(v)))
                .collect();
            format!("/v2/manage/repos?{}", q.join("&"))
        }
    }

    /// The naive reference: filter, then sort by the chosen column with namespace+name as tie-break.
    fn reference(&self, kept: &[RepoSpec]) -> Vec<String> {
        let contains = |hay: &str, needle: &Option<String>| {
            needle
                .as_ref()
                .is_none_or(|n| hay.to_lowercase().contains(&n.to_lowercase()))
        };
        let mut rows: Vec<&RepoSpec> = kept
            .iter()
            .filter(|s| contains(&format!("ns{}", s.namespace), &self.namespace))
            .filter(|s| contains(&s.name, &self.name))
            .filter(|s| self.category.is_none_or(|c| c == s.category))
            .collect();
        let descending = self.descending.unwrap_or(true);
        rows.sort_by(|a, b| {
            let primary = match self.column.unwrap_or("updated_at") {
                "name" => a.name.cmp(&b.name),
                "tag_count" => a.tags.len().cmp(&b.tags.len()),
                _ => a.updated_minute.cmp(&b.updated_minute),
            };
            let primary = if descending {
                primary.reverse()
            } else {
                primary
            };
            primary
                .then(a.namespace.cmp(&b.namespace))
                .then(a.name.cmp(&b.name))
        });
        rows.iter()
            .map(|s| format!("ns{}/{}", s.namespace, s.name))
            .collect()
    }
}

proptest! {
    #![proptest_config(common::proptest_config(256, REGRESSIONS))]

    #[test]
    fn repository_pages_concatenate_to_the_reference(specs in prop::collection::vec(repo_spec(), 0..30), q in query()) {
        let (data, kept) = dataset(&specs);
        let emu = common::emulator_with(data, Default::default());
        let expected = q.reference(&kept);
        let mut got = Vec::new();
        let mut offset = 0;
        loop {
            let resp = emu.dispatch(&common::swr_get(&q.target(offset)));
            let body = ok_body(&resp, LIST_REPOS);
            let items = body.as_array().unwrap();
            let range = format!("{offset}-{}/{}", items.len(), expected.len());
            prop_assert_eq!(resp.header_value("content-range"), Some(range.as_str()));
            for item in items {
                prop_assert_eq!(item["total_range"].as_u64(), Some(expected.len() as u64));
                got.push(format!("{}/{}", item["namespace"].as_str().unwrap(), item["name"].as_str().unwrap()));
            }
            if items.is_empty() { break; }
            offset += q.limit;
        }
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn tag_pages_concatenate_to_the_reference(
        spec in repo_spec(),
        tag_filter in prop::option::of("[a-dA-D]{0,2}"),
        by_name in any::<bool>(),
        descending in any::<bool>(),
        limit in 1..9u64,
        offset_step in 1..9u64,
    ) {
        let (data, kept) = dataset(std::slice::from_ref(&spec));
        let spec = &kept[0];
        let emu = common::emulator_with(data, Default::default());
        let mut expected: Vec<&(String, u32)> = spec.tags.iter()
            .filter(|(t, _)| tag_filter.as_ref().is_none_or(|f| t.to_lowercase().contains(&f.to_lowercase())))
            .collect();
        expected.sort_by(|a, b| {
            if by_name {
                if descending { b.0.cmp(&a.0) } else { a.0.cmp(&b.0) }
            } else {
                let p = a.1.cmp(&b.1);
                (if descending { p.reverse() } else { p }).then(a.0.cmp(&b.0))
            }
        });
        let expected: Vec<String> = expected.into_iter().map(|(t, _)| t.clone()).collect();
        // Tags accept any offset, so walk with a step that may differ from the limit and compare windows.
        let mut offset = 0;
        while offset <= expected.len() as u64 {
            let mut filter = format!("limit::{limit}|offset::{offset}|order_column::{}|order_type::{}",
                if by_name { "name" } else { "updated_at" }, if descending { "desc" } else { "asc" });
            if let Some(t) = &tag_filter { filter.push_str(&format!("|tag::{t}")); }
            let resp = emu.dispatch(&common::swr_get(&format!(
                "/v2/manage/namespaces/ns{}/repos/{}/tags?filter={}", spec.namespace, spec.name, filter)));
            let body = ok_body(&resp, LIST_TAGS);
            let window: Vec<String> = expected.iter().skip(offset as usize).take(limit as usize).cloned().collect();
            prop_assert_eq!(names(&body, "Tag"), window.clone());
            let range = format!("{offset}-{}/{}", window.len(), expected.len());
            prop_assert_eq!(resp.header_value("content-range"), Some(range.as_str()));
            offset += offset_step;
        }
    }

    #[test]
    fn random_filter_strings_never_panic_or_500(filter in "[a-z_:|%=&0-9A-F -]{0,40}") {
        for target in [
            format!("/v2/manage/repos?filter={filter}"),
            format!("/v2/manage/namespaces/group/repos/busybox/tags?filter={filter}"),
            format!("/v2/manage/repos?{filter}"),
        ] {
            let resp = get(&target);
            prop_assert!(resp.status == 200 || resp.status == 400, "{} -> {}", target, resp.status);
            let body = resp.body_json();
            if resp.status == 400 {
                prop_assert!(common::matches_schema(ERROR, &body));
            }
        }
    }

    #[test]
    fn random_paths_and_headers_never_panic_or_500(
        path in "/v2/manage/[a-z$%/.2F4_-]{0,40}",
        query in prop::option::of("[a-z=&%|:0-9]{0,20}"),
        header in "[ -~]{0,30}",
        method in prop::sample::select(vec!["GET", "POST", "DELETE", "HEAD"]),
    ) {
        let mut req = Request::new(method, &path);
        req.query = query;
        for name in ["X-Auth-Token", "Authorization", "X-Sdk-Date", "Host"] {
            req.headers.push((name.to_string(), header.clone()));
        }
        let resp = common::emulator().dispatch(&req);
        prop_assert!(resp.status < 500, "{} {} -> {}", method, req.target(), resp.status);
        prop_assert!(resp.status == 200 || !resp.body.is_empty());
    }
}
