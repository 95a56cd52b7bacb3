//! Property tests over bulk-app's 1,500 images: random page sizes walk everything exactly once; random ImageVersion
//! and Digest filters agree with a naive reference filter over a first full walk.

use super::*;
use proptest::prelude::*;

const REGRESSIONS: &str = "proptest-regressions/tcr.txt";

/// Every page of `filter` over bulk-app with page size `limit`, from Offset 1 until an empty page: the tags in answer
/// order, and the TotalCount of every page.
fn pages(limit: u64, filter: Value) -> (Vec<String>, Vec<u64>) {
    let (mut tags, mut totals) = (Vec::new(), Vec::new());
    for offset in 1u64.. {
        let mut body = params(BULK, filter.clone());
        body["Limit"] = json!(limit);
        body["Offset"] = json!(offset);
        let body = ok_body(&call(&describe(body)));
        totals.push(total(&body));
        let page = versions(&body);
        assert!(
            page.len() as u64 <= limit.min(100),
            "page {offset} of {limit}: {} items",
            page.len()
        );
        if page.is_empty() {
            break;
        }
        tags.extend(page);
    }
    (tags, totals)
}

/// The reference: bulk-app's full listing filtered naively, in listing order.
fn reference(keep: impl Fn(&Value) -> bool) -> Vec<String> {
    bulk_listing()
        .iter()
        .filter(|i| keep(i))
        .map(|i| i["ImageVersion"].as_str().unwrap().to_string())
        .collect()
}

fn tag(i: &Value) -> &str {
    i["ImageVersion"].as_str().unwrap()
}

/// A substring of an existing tag name, in random ASCII case.
fn needle() -> impl Strategy<Value = String> {
    (0..1500usize, any::<usize>(), any::<usize>(), any::<u64>()).prop_map(|(idx, a, b, case)| {
        let name: Vec<char> = tag(&bulk_listing()[idx]).chars().collect();
        let start = a % name.len();
        let len = 1 + b % (name.len() - start);
        name[start..start + len]
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if case >> (i % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    *c
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(common::proptest_config(64, REGRESSIONS))]

    #[test]
    fn any_page_size_walks_every_image_exactly_once(limit in 1..=120u64) {
        let (tags, totals) = pages(limit, json!({}));
        // every image once, in the listing's order, whatever the page size (sizes over 100 are clamped)
        prop_assert_eq!(&tags, &reference(|_| true));
        let mut unique = tags.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), 1500);
        // the same TotalCount on every page, the empty one past the end included
        prop_assert!(totals.iter().all(|t| *t == 1500), "{:?}", totals);
        prop_assert_eq!(totals.len() as u64, 1500u64.div_ceil(limit.min(100)) + 1);
    }

    #[test]
    fn image_version_filters_agree_with_the_reference(needle in needle()) {
        let lower = needle.to_ascii_lowercase();
        let fuzzy_ref = reference(|i| tag(i).to_ascii_lowercase().contains(&lower));
        let exact_ref = reference(|i| tag(i) == needle);
        let (fuzzy, fuzzy_totals) = pages(100, json!({"ImageVersion": needle}));
        let (exact, exact_totals) = pages(100, json!({"ImageVersion": needle, "ExactMatch": true}));
        // exact ⊆ fuzzy: byte equality implies a case-insensitive substring
        prop_assert!(exact.iter().all(|t| fuzzy.contains(t)), "{:?} not within {:?}", exact, fuzzy);
        prop_assert!(exact.len() <= 1, "tag names are unique: {:?}", exact);
        prop_assert_eq!(&fuzzy, &fuzzy_ref);
        prop_assert_eq!(&exact, &exact_ref);
        prop_assert!(fuzzy_totals.iter().all(|t| *t == fuzzy_ref.len() as u64), "{:?}", fuzzy_totals);
        prop_assert!(exact_totals.iter().all(|t| *t == exact_ref.len() as u64), "{:?}", exact_totals);
        // the needle comes from a real tag, so fuzzy always finds at least that one
        prop_assert!(!fuzzy.is_empty());
    }

    #[test]
    fn digest_filters_agree_with_the_reference(
        idx in 0..1500usize,
        real in prop::bool::weighted(0.8),
        random in "sha256:[0-9a-f]{64}",
        version in prop::option::of(needle()),
        exact in any::<bool>(),
        limit in 1..=5u64,
    ) {
        let digest = if real { bulk_listing()[idx]["Digest"].as_str().unwrap().to_string() } else { random };
        let mut filter = json!({"Digest": digest});
        if let Some(v) = &version {
            filter["ImageVersion"] = json!(v);
            filter["ExactMatch"] = json!(exact);
        }
        let expected = reference(|i| {
            i["Digest"] == digest.as_str()
                && version.as_ref().is_none_or(|v| {
                    if exact { tag(i) == v } else { tag(i).to_ascii_lowercase().contains(&v.to_ascii_lowercase()) }
                })
        });
        let (got, totals) = pages(limit, filter);
        prop_assert_eq!(&got, &expected);
        prop_assert!(totals.iter().all(|t| *t == expected.len() as u64), "{:?}", totals);
        if real && version.is_none() {
            // the dataset's digest runs: every digest is shared by a run of three consecutive tags (or more)
            prop_assert!(got.len() >= 3 && got.contains(&tag(&bulk_listing()[idx]).to_string()), "{:?}", got);
        }
    }
}
