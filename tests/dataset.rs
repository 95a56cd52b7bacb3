//! The embedded default dataset and user datasets (`--dataset`, `--synthetic-tags`).
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use regmock::model::{Dataset, ProviderId};

#[test]
fn embedded_dataset_holds_the_documented_swr_examples() {
    let data = common::embedded();
    let swr = data.registries_of(ProviderId::Swr).next().unwrap();
    let group = swr.namespaces.iter().find(|n| n.name == "group").unwrap();
    let busybox = group
        .repositories
        .iter()
        .find(|r| r.name == "busybox")
        .unwrap();
    assert_eq!(busybox.category, "linux");
    assert_eq!(busybox.size(), 200_977_474);
    let names: Vec<&str> = busybox.tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["latest", "log"]);
    let latest = &busybox.tags[0];
    assert_eq!(
        &*latest.digest.text(),
        "sha256:57b605845a6367c34bfb6ea6477f16852f59aa1861a2b51d10ab77ae0a1dc9c3"
    );
    assert_eq!(latest.size, 1_304_902);
}

#[test]
fn embedded_dataset_has_a_synthetic_part_to_page_through() {
    let data = common::embedded();
    let swr = data.registries_of(ProviderId::Swr).next().unwrap();
    assert!(swr.namespaces.len() >= 3);
    let repos: Vec<_> = swr
        .namespaces
        .iter()
        .flat_map(|n| n.repositories.iter())
        .collect();
    assert!(repos.len() >= 250);
    for sep in ['/', '.', '_', '-'] {
        assert!(
            repos.iter().any(|r| r.name.contains(sep)),
            "a repository name with {sep:?}"
        );
    }
    let categories: std::collections::BTreeSet<&str> =
        repos.iter().map(|r| r.category.as_str()).collect();
    for c in [
        "app_server",
        "linux",
        "framework_app",
        "database",
        "lang",
        "arm",
        "other",
    ] {
        assert!(categories.contains(c), "category {c}");
    }
    let bulk = swr
        .namespaces
        .iter()
        .find(|n| n.name == "group")
        .unwrap()
        .repositories
        .iter()
        .find(|r| r.name == "bulk-app")
        .unwrap();
    assert_eq!(bulk.tags.len(), 1500);
}

#[test]
fn no_generated_repository_is_newer_than_its_tags_or_older_than_their_updates() {
    // The documented examples are kept as printed (SWR's busybox tags predate their repository's example); every
    // repository the generator made is consistent with its own tags.
    let data = common::embedded();
    for provider in [ProviderId::Swr, ProviderId::Ncr, ProviderId::Tcr] {
        for registry in data.registries_of(provider) {
            for ns in &registry.namespaces {
                for repo in &ns.repositories {
                    if !repo.description.starts_with("synthetic repository") {
                        continue;
                    }
                    for tag in repo.tags.iter() {
                        assert!(
                            repo.created_at <= tag.created && tag.updated <= repo.updated_at,
                            "{}/{}: created {} updated {}, tag {} created {} updated {}",
                            ns.name,
                            repo.name,
                            repo.created_at,
                            repo.updated_at,
                            tag.name,
                            tag.created,
                            tag.updated
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn embedded_dataset_is_deterministic() {
    let a = serde_json::to_string(&Dataset::embedded().unwrap()).unwrap();
    let b = serde_json::to_string(&Dataset::embedded().unwrap()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn yaml_dataset_replaces_the_embedded_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.yaml");
    std::fs::write(
        &path,
        r#"
registries:
  - provider: swr
    name: mine
    region: ap-southeast-1
    address: swr.example.test
    namespaces:
      - name: team
        repositories:
          - name: app
            created_at: 2024-05-01T00:00:00Z
            updated_at: 2024-05-02T00:00:00Z
            tags:
              - {name: "1.0", digest: "sha256:aa", size: 10, created: 2024-05-01T00:00:00Z, updated: 2024-05-01T00:00:00Z}
"#,
    )
    .unwrap();
    let data = Dataset::from_path(&path).unwrap();
    let emu = common::emulator_with(data, Default::default());
    let resp = emu.dispatch(&common::swr_get("/v2/manage/repos"));
    let body = resp.body_json();
    assert_eq!(body.as_array().unwrap().len(), 1);
    assert_eq!(body[0]["path"], "swr.example.test/team/app");
}

#[test]
fn invalid_datasets_are_refused_with_a_reason() {
    let dup = r#"{"registries":[{"provider":"swr","name":"a","region":"r","namespaces":[{"name":"n"},{"name":"n"}]}]}"#;
    let err = Dataset::parse("dup.json", dup)
        .unwrap()
        .prepare()
        .unwrap_err();
    assert!(err.to_string().contains("appears twice"), "{err}");
    let err = Dataset::parse("bad.json", "{not json").unwrap_err();
    assert!(err.to_string().contains("bad.json"), "{err}");
    let unknown = r#"{"synthetic":[{"kind":"tags","registry":"nope","namespace":"a","repository":"b","count":1,"seed":1}]}"#;
    let err = Dataset::parse("u.json", unknown)
        .unwrap()
        .prepare()
        .unwrap_err();
    assert!(err.to_string().contains("unknown registry"), "{err}");
}

#[test]
fn sizes_stay_in_the_documented_range() {
    // SWR documents sizes from 0 to 9223372036854775807 (int64): a larger tag is refused, and a repository's total
    // stops there instead of wrapping to a small number.
    let dataset = |size: u64| {
        let tag = |name: &str| {
            serde_json::json!({"name": name, "digest": format!("sha256:{}", "1".repeat(64)), "size": size,
                "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"})
        };
        serde_json::json!({"registries": [{"provider": "swr", "name": "s", "region": "r", "namespaces": [{"name": "team",
            "repositories": [{"name": "app", "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z", "tags": [tag("a"), tag("b")]}]}]}]})
        .to_string()
    };
    let err = Dataset::parse("big.json", &dataset(u64::MAX)).unwrap_err();
    assert!(err.to_string().contains("9223372036854775807"), "{err}");
    let max = i64::MAX as u64;
    let data = Dataset::parse("max.json", &dataset(max))
        .unwrap()
        .prepare()
        .unwrap();
    let emu = common::emulator_with(data, Default::default());
    let body = emu
        .dispatch(&common::swr_get("/v2/manage/repos"))
        .body_json();
    assert_eq!(body[0]["size"], max, "{body}");
}

#[test]
fn synthetic_tags_are_added_and_paged() {
    let data = common::embedded().with_synthetic_tags(5000).unwrap();
    let emu = common::emulator_with(data, Default::default());
    let resp = emu.dispatch(&common::swr_get(
        "/v2/manage/namespaces/synthetic/repos/tags/tags?limit=1000&offset=4000",
    ));
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header_value("content-range"), Some("4000-1000/5000"));
}

#[test]
fn embedded_dataset_holds_the_documented_ncr_example_and_all_regions() {
    let data = common::embedded();
    let example = data
        .registries_of(ProviderId::Ncr)
        .find(|r| r.name == "ncr-example")
        .unwrap();
    assert_eq!((example.region.as_str(), example.id), ("kr", 5976));
    let images = &example.namespaces[0].repositories;
    let hello = images.iter().find(|r| r.name == "hello/world").unwrap();
    let tag = &hello.tags[0];
    assert_eq!(
        (tag.name.as_str(), tag.id, tag.image_number, tag.size),
        ("ncpdocker", 730606, 322122, 83518086)
    );
    assert_eq!(tag.updated.timestamp_millis(), 1711928488000);
    let bulk = images.iter().find(|r| r.name == "bulk/app").unwrap();
    assert_eq!(bulk.tags.len(), 1500);
    let regions: std::collections::BTreeSet<&str> = data
        .registries_of(ProviderId::Ncr)
        .map(|r| r.region.as_str())
        .collect();
    assert_eq!(regions, ["jpn", "kr", "sgn"].into_iter().collect());
    for reg in data.registries_of(ProviderId::Ncr) {
        let tags = reg
            .namespaces
            .iter()
            .flat_map(|n| n.repositories.iter())
            .flat_map(|r| r.tags.iter());
        assert!(
            tags.clone().any(|t| t.platforms.len() > 1),
            "{} has multi-arch tags",
            reg.name
        );
    }
}

#[test]
fn default_dataset_files_match_the_dataset_schema() {
    let dir = common::root().join("src/model/default");
    let mut parts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    parts.sort();
    // One file per provider.
    assert_eq!(
        parts.len(),
        regmock::providers::PROVIDERS.len(),
        "{parts:?}"
    );
    for path in parts {
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        common::assert_schema("dataset.schema.json", &value);
    }
    // A typo'd field is caught by the schema (serde would silently ignore it).
    let typo = serde_json::json!({"registries": [{"provider": "swr", "name": "x", "region": "r", "namespace": []}]});
    assert!(!common::matches_schema("dataset.schema.json", &typo));
}

#[test]
fn misspelt_dataset_fields_are_refused() {
    let typo = r#"{"registries":[{"provider":"swr","name":"x","region":"r","namespace":[]}]}"#;
    let err = Dataset::parse("typo.json", typo).unwrap_err();
    assert!(err.to_string().contains("namespace"), "{err}");
}

#[test]
fn no_auth_option_skips_every_check() {
    let emu = common::emulator_with(
        common::embedded(),
        regmock::Options {
            no_auth: true,
            ..Default::default()
        },
    );
    for provider in regmock::providers::PROVIDERS {
        let resp = emu.dispatch(&provider.example());
        assert_eq!(resp.status, 200, "{}", provider.id().as_str());
        let body = resp.body_json();
        assert!(body["Response"].get("Error").is_none(), "{body}");
    }
}

#[test]
fn embedded_dataset_holds_the_documented_tcr_example_and_bulk_app() {
    let data = common::embedded();
    let instance = data.registry(ProviderId::Tcr, "tcr-okmj78").unwrap();
    let nginx = instance.repository("team-01", "nginx").unwrap();
    let image = &nginx.tags[0];
    assert_eq!((image.name.as_str(), image.size), ("8", 83_520_757));
    assert_eq!(
        &*image.digest.text(),
        "sha256:a1801b843b1bfaf77c501e7a6d3f709401a1e0c83863037fa3aab063a7fdb9dc"
    );
    assert!(image.kms_signature().unwrap().starts_with("UKauWpHdjaTj"));
    let bulk = instance.repository("team-01", "bulk-app").unwrap();
    assert_eq!(bulk.tags.len(), 1500);
    let find = |name: &str| bulk.tags.iter().find(|t| t.name == name).unwrap();
    for n in 1..=1498 {
        find(&n.to_string());
    }
    // Every three consecutive tags share one digest (and so one image): 1-3, 4-6, ..., 1498/latest/latest-alpine.
    for first in (1..1498).step_by(3) {
        let run: Vec<_> = (first..first + 3).map(|n| find(&n.to_string())).collect();
        assert!(
            run.iter()
                .all(|t| t.digest == run[0].digest && t.size == run[0].size),
            "{first}"
        );
        assert_ne!(find(&(first + 3).to_string()).digest, run[0].digest);
    }
    let last = [find("1498"), find("latest"), find("latest-alpine")];
    assert!(last.iter().all(|t| t.digest == last[0].digest));
    assert!(data.registries_of(ProviderId::Tcr).count() >= 2);
}

#[test]
fn values_a_dataset_leaves_out_are_derived_not_empty() {
    let minimal = r#"{"registries":[{"provider":"swr","name":"mine","region":"ap-southeast-1","namespaces":[{"name":"team",
        "repositories":[{"name":"app","created_at":"2024-05-01T00:00:00Z","updated_at":"2024-05-02T00:00:00Z",
        "tags":[{"name":"1.0","digest":"sha256:aa","size":10,"created":"2024-05-01T00:00:00Z","updated":"2024-05-01T00:00:00Z"}]}]}]}]}"#;
    let data = Dataset::parse("minimal.json", minimal)
        .unwrap()
        .prepare()
        .unwrap();
    let emu = common::emulator_with(data, Default::default());
    let show = emu.dispatch(&common::swr_get(
        "/v2/manage/namespaces/team/repos/app/tags/1.0",
    ));
    let body = common::ok_json(&show, "swr/show_repo_tag.response.schema.json");
    assert_eq!(
        body["path"],
        "swr.ap-southeast-1.myhuaweicloud.com/team/app:1.0"
    );
    assert_eq!(body["image_id"].as_str().unwrap().len(), 64, "{body}");
    assert_eq!(body["domain_id"].as_str().unwrap().len(), 32, "{body}");
    let manifest: serde_json::Value =
        serde_json::from_str(body["manifest"].as_str().unwrap()).unwrap();
    assert!(
        manifest["config"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let repos = emu.dispatch(&common::swr_get("/v2/manage/repos"));
    assert_eq!(repos.body_json()[0]["domain_name"], "mine");
}

#[test]
fn health_endpoint_lists_the_providers() {
    let resp = common::emulator().dispatch(&regmock::http::Request::get("/__regmock/health"));
    let body = resp.body_json();
    assert_eq!(resp.status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(
        body["providers"].as_array().unwrap().len(),
        regmock::providers::PROVIDERS.len()
    );
}
