//! The indexed listing engine against a naive reference: filter every tag, sort the matches, slice the window.
//!
//! Random datasets (names from a small alphabet with upper case, separators and a non-ASCII letter, so n-grams repeat
//! and are dense or sparse; few update times, so ties are common; shared digests; some soft-deleted tags) and random
//! queries (substrings of existing names in random case, random strings, exact names, digests, live-only, every order,
//! windows anywhere including past the end), plus fixed queries over generated version names.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use proptest::prelude::*;
use regmock::model::{Dataset, ProviderId, Repository, Tag};
use regmock::shared::listing::{NameMatch, Selection, TagOrder, TagQuery};
use serde_json::json;
use std::cmp::Reverse;
use std::sync::Arc;

const REGRESSIONS: &str = "proptest-regressions/listing.txt";
const ORDERS: [TagOrder; 4] = [
    TagOrder::NameAsc,
    TagOrder::NameDesc,
    TagOrder::UpdatedAsc,
    TagOrder::UpdatedDesc,
];

/// The reference: what the vendors' documented filters and orders mean, written without any index.
fn reference<'a>(tags: &'a [Tag], q: &TagQuery<'_>) -> Vec<&'a Tag> {
    let lower = |s: &str| s.to_ascii_lowercase();
    let mut out: Vec<&Tag> = tags
        .iter()
        .filter(|t| match q.name {
            None => true,
            Some(NameMatch::Contains(n)) => lower(&t.name).contains(&lower(n)),
            Some(NameMatch::ContainsCaseSensitive(n)) => t.name.contains(n),
            Some(NameMatch::Exact(n)) => t.name == n,
        })
        .filter(|t| q.digest.is_none_or(|d| t.digest == d))
        .filter(|t| !q.live_only || t.deleted().is_none())
        .collect();
    match q.order {
        TagOrder::NameAsc => out.sort_by(|a, b| a.name.cmp(&b.name)),
        TagOrder::NameDesc => out.sort_by(|a, b| b.name.cmp(&a.name)),
        TagOrder::UpdatedAsc => out.sort_by(|a, b| (a.updated, &a.name).cmp(&(b.updated, &b.name))),
        TagOrder::UpdatedDesc => {
            out.sort_by(|a, b| (Reverse(a.updated), &a.name).cmp(&(Reverse(b.updated), &b.name)))
        }
    }
    out
}

fn names<'a>(tags: impl Iterator<Item = &'a Tag>) -> Vec<&'a str> {
    tags.map(|t| t.name.as_str()).collect()
}

/// Asserts that the engine and the reference agree on the total and on the window.
fn check(repo: &Repository, q: &TagQuery<'_>, start: usize, len: usize) {
    let expected = reference(&repo.tags, q);
    let selection = Selection::of(repo, q);
    assert_eq!(selection.len(), expected.len(), "total of {q:?}");
    let end = start.saturating_add(len);
    let want = names(
        expected
            .iter()
            .copied()
            .skip(start)
            .take(end.saturating_sub(start)),
    );
    assert_eq!(
        names(selection.window(start..end)),
        want,
        "window {start}..{end} of {q:?}"
    );
}

/// One random tag: name, update-time slot, digest id, deleted.
type RawTag = (String, u8, u8, bool);

fn dataset(raw: &[RawTag]) -> Dataset {
    let mut seen = std::collections::HashSet::new();
    let tags: Vec<_> = raw
        .iter()
        .filter(|t| seen.insert(t.0.clone()))
        .map(|(name, slot, digest, deleted)| {
            let time = format!("2025-01-01T00:{:02}:00Z", slot % 60);
            json!({
                "name": name, "digest": format!("sha256:{digest:064x}"), "size": 1, "created": time,
                "updated": time, "deleted": deleted.then(|| time.clone()),
            })
        })
        .collect();
    let text =
        json!({"registries": [{"provider": "swr", "name": "r", "region": "x", "namespaces": [
        {"name": "ns", "repositories": [{"name": "repo", "created_at": "2025-01-01T00:00:00Z",
         "updated_at": "2025-01-01T00:00:00Z", "tags": tags}]}]}]})
        .to_string();
    Dataset::parse("listing.json", &text)
        .unwrap()
        .prepare()
        .unwrap()
}

fn repo(data: &Dataset) -> &Repository {
    data.registries[0].repository("ns", "repo").unwrap()
}

/// A random query: what to match by name and how (0 none, 1 substring of a tag's name in random case, 2 random
/// substring, 3 exact existing name, 4 exact random name), which tag, case flips, substring bounds, digest (0 none, 1
/// a tag's, 2 unknown), live-only, order, window.
type RawQuery = (
    u8,
    usize,
    u64,
    usize,
    usize,
    u8,
    bool,
    usize,
    usize,
    usize,
    String,
);

fn raw_tag() -> impl Strategy<Value = RawTag> {
    (
        "[aAbB1.\\-_é]{0,7}",
        0u8..6,
        0u8..8,
        prop::bool::weighted(0.15),
    )
}

/// Names over more than 64 distinct bytes, so the index hashes trigrams instead of tabling them.
fn wide_tag() -> impl Strategy<Value = RawTag> {
    (
        "[a-zA-Z0-9!#$%&()*+,;<=>?@^{}~/:|`._\\-é中]{0,6}",
        0u8..6,
        0u8..8,
        prop::bool::weighted(0.15),
    )
}

fn raw_query() -> impl Strategy<Value = RawQuery> {
    (
        0u8..7,
        any::<usize>(),
        any::<u64>(),
        0usize..8,
        0usize..8,
        0u8..3,
        any::<bool>(),
        0usize..4,
        0usize..400,
        0usize..60,
        "[aAbB1.\\-_é]{0,4}",
    )
}

fn run_query(repo: &Repository, raw: &RawQuery) {
    let (kind, pick, flips, from, len, digest_kind, live, order, start, window, random) = raw;
    let tags = &repo.tags;
    let picked = (!tags.is_empty()).then(|| &tags[pick % tags.len()]);
    // A substring of a real name with its ASCII letters' case flipped at random, cut on character boundaries.
    let cased: String = picked.map_or(String::new(), |t| {
        let chars: Vec<char> = t.name.chars().collect();
        let from = (*from).min(chars.len());
        let to = (from + len).min(chars.len());
        chars[from..to]
            .iter()
            .enumerate()
            .map(|(k, c)| {
                if flips >> (k % 64) & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    });
    let name = match kind {
        1 => Some(NameMatch::Contains(cased.as_str())),
        2 => Some(NameMatch::Contains(random.as_str())),
        3 => picked.map(|t| NameMatch::Exact(t.name.as_str())),
        4 => Some(NameMatch::Exact(random.as_str())),
        5 => Some(NameMatch::ContainsCaseSensitive(cased.as_str())),
        6 => Some(NameMatch::ContainsCaseSensitive(random.as_str())),
        _ => None,
    };
    let picked_digest = picked.map(|t| t.digest.to_string());
    let digest = match digest_kind {
        1 => picked_digest.as_deref(),
        2 => Some("sha256:unknown"),
        _ => None,
    };
    let q = TagQuery {
        name,
        digest,
        live_only: *live,
        order: ORDERS[*order],
    };
    // Windows near the end matter as much as the first page.
    let start = if start % 2 == 0 {
        *start
    } else {
        tags.len().saturating_sub(start / 8)
    };
    check(repo, &q, start, *window);
}

proptest! {
    #![proptest_config(common::proptest_config(96, REGRESSIONS))]

    #[test]
    fn indexed_selection_equals_the_reference(
        raw in prop::collection::vec(raw_tag(), 0..400),
        queries in prop::collection::vec(raw_query(), 1..24),
    ) {
        let data = dataset(&raw);
        let repo = repo(&data);
        for q in &queries {
            run_query(repo, q);
        }
    }

    #[test]
    fn indexed_selection_equals_the_reference_over_a_wide_alphabet(
        raw in prop::collection::vec(wide_tag(), 0..600),
        queries in prop::collection::vec(raw_query(), 1..24),
    ) {
        let data = dataset(&raw);
        let repo = repo(&data);
        for q in &queries {
            run_query(repo, q);
        }
    }
}

/// Generated version names (`v12.34.56`): grams like `1` and `v` are in a large share of the tags, so bitset postings,
/// walks of the time orders and intersections of dense postings all run.
#[test]
fn generated_names_agree_with_the_reference() {
    let data = common::embedded().with_synthetic_tags(20_000).unwrap();
    let repo = data
        .registries_of(ProviderId::Swr)
        .next()
        .unwrap()
        .repository("synthetic", "tags")
        .unwrap();
    let digest = repo.tags[777].digest.to_string();
    let exact = repo.tags[12_345].name.clone();
    let needles = [
        "1", "v", "V1", ".5", "0.1", "v1.", "V12.3", "1.1.", "v0.0.0", "9.99", "x", "", "v1.9.",
    ];
    for order in ORDERS {
        for needle in needles {
            for (start, len) in [
                (0, 100),
                (9_000, 100),
                (19_950, 100),
                (5_000, 1000),
                (30_000, 10),
            ] {
                let q = TagQuery {
                    name: Some(NameMatch::Contains(needle)),
                    ..TagQuery::all(order)
                };
                check(repo, &q, start, len);
            }
        }
        for (start, len) in [(0, 10), (10_000, 100), (19_990, 100)] {
            check(repo, &TagQuery::all(order), start, len);
            let q = TagQuery {
                live_only: true,
                ..TagQuery::all(order)
            };
            check(repo, &q, start, len);
        }
        let q = TagQuery {
            name: Some(NameMatch::Exact(&exact)),
            ..TagQuery::all(order)
        };
        check(repo, &q, 0, 10);
        let q = TagQuery {
            digest: Some(&digest),
            name: Some(NameMatch::Contains("V")),
            ..TagQuery::all(order)
        };
        check(repo, &q, 0, 10);
    }
}

/// Tags changed after the dataset was prepared leave the index stale; the engine notices and scans instead.
#[test]
fn tags_changed_after_preparing_are_still_listed_correctly() {
    let raw: Vec<RawTag> = (0..50)
        .map(|i| (format!("t{i}"), (i % 4) as u8, (i % 3) as u8, i % 7 == 0))
        .collect();
    let mut data = dataset(&raw);
    let repo = data.registries[0].namespaces[0]
        .repositories
        .first_mut()
        .unwrap();
    let tags = Arc::make_mut(&mut repo.tags);
    tags.truncate(30);
    tags[3].name = "T3-renamed".into();
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    let repo = &data.registries[0].namespaces[0].repositories[0];
    assert!(
        repo.tags_by_updated(true).is_empty(),
        "the stale orders are not handed out"
    );
    for order in ORDERS {
        for needle in ["t", "T3", "renamed", "1"] {
            let q = TagQuery {
                name: Some(NameMatch::Contains(needle)),
                live_only: true,
                ..TagQuery::all(order)
            };
            check(repo, &q, 0, 100);
        }
        check(repo, &TagQuery::all(order), 0, 100);
    }
}

/// A repository large enough for the index's direct tables, over more than 64 distinct name bytes (so trigrams are
/// hashed while 1- and 2-byte grams are tabled).
#[test]
fn a_large_repository_over_a_wide_alphabet_agrees_with_the_reference() {
    let alphabet: Vec<char> = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,;<=>?@^{}~/:|`._-é中"
        .chars()
        .collect();
    let mut state = 12345u64;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let raw: Vec<RawTag> = (0..6000)
        .map(|_| {
            let len = 1 + next() % 7;
            let name: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            (
                name,
                (next() % 6) as u8,
                (next() % 8) as u8,
                next() % 9 == 0,
            )
        })
        .collect();
    let data = dataset(&raw);
    let repo = repo(&data);
    let needles = [
        "a", "A", "ab", "é", "中", "a1", "%&(", "zz", "x.y", "AB1!", "-",
    ];
    for order in ORDERS {
        for needle in needles {
            for live_only in [false, true] {
                let q = TagQuery {
                    name: Some(NameMatch::Contains(needle)),
                    live_only,
                    ..TagQuery::all(order)
                };
                for (start, len) in [(0, 50), (100, 100), (2000, 30)] {
                    check(repo, &q, start, len);
                }
            }
        }
    }
}

/// Postings longer than one 65,536-tag block (their entries are stored per block): windows across block boundaries.
#[test]
fn postings_spanning_several_blocks_agree_with_the_reference() {
    let data = common::embedded().with_synthetic_tags(100_000).unwrap();
    let repo = data
        .registries_of(ProviderId::Tcr)
        .next()
        .unwrap()
        .repository("synthetic", "tags")
        .unwrap();
    for needle in ["v1", "9.9", "42", "v7.5"] {
        for order in ORDERS {
            let q = TagQuery {
                name: Some(NameMatch::Contains(needle)),
                ..TagQuery::all(order)
            };
            let total = Selection::of(repo, &q).len();
            for start in [0, total / 3, total / 2, total.saturating_sub(50)] {
                check(repo, &q, start, 100);
            }
        }
    }
}
