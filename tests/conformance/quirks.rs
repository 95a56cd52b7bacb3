//! The quirk table: every deliberately broken variant fails the check that owns its bug, and no other required check.

use super::{conform, required};
use regmock::Options;
use regmock::conformance::Outcome;
use regmock::model::ProviderId;
use regmock::providers::ncr::quirks::{NcrQuirk, NcrQuirks};
use regmock::providers::swr::quirks::{SwrQuirk, SwrQuirks};
use regmock::providers::tcr::quirks::{TcrQuirk, TcrQuirks};

/// One broken variant and the check that must catch it.
struct Variant {
    name: String,
    provider: ProviderId,
    options: Options,
    check: &'static str,
}

fn variants() -> Vec<Variant> {
    let swr = |q: SwrQuirk, check| Variant {
        name: format!("swr {q:?}"),
        provider: ProviderId::Swr,
        options: Options::default().with(SwrQuirks(vec![q])),
        check,
    };
    let ncr = |q: NcrQuirk, check| Variant {
        name: format!("ncr {q:?}"),
        provider: ProviderId::Ncr,
        options: Options::default().with(NcrQuirks(vec![q])),
        check,
    };
    let tcr = |q: TcrQuirk, check| Variant {
        name: format!("tcr {q:?}"),
        provider: ProviderId::Tcr,
        options: Options::default().with(TcrQuirks(vec![q])),
        check,
    };
    vec![
        swr(SwrQuirk::OffsetOffByOne, "swr.tags.page.concat"),
        swr(SwrQuirk::TotalCountsPage, "swr.tags.content-range"),
        swr(SwrQuirk::MissingContentRange, "swr.repos.content-range"),
        swr(SwrQuirk::SizeAsString, "swr.schema"),
        swr(SwrQuirk::NameFilterExact, "swr.repos.filter"),
        swr(SwrQuirk::TagFilterPrefixOnly, "swr.tags.filter"),
        swr(SwrQuirk::FilterIgnoresPaging, "swr.tags.filter-grammar"),
        swr(SwrQuirk::SeparatorDropsFilter, "swr.tags.filter-grammar"),
        swr(SwrQuirk::SortIgnoresOrderType, "swr.tags.sort"),
        swr(SwrQuirk::RepoSortIgnoresOrderType, "swr.repos.sort"),
        swr(SwrQuirk::ServerErrorForBadLimit, "swr.tags.page.invalid"),
        swr(
            SwrQuirk::RepoServerErrorForBadLimit,
            "swr.repos.page.invalid",
        ),
        swr(SwrQuirk::WrongNotFoundCode, "swr.errors.not-found"),
        swr(SwrQuirk::PastEndIsNotFound, "swr.tags.page.past-end"),
        swr(SwrQuirk::SignatureNotChecked, "swr.auth.tampered"),
        swr(SwrQuirk::ClockSkewNotChecked, "swr.auth.stale"),
        swr(SwrQuirk::RepoTagsEmpty, "swr.repos.fields"),
        swr(SwrQuirk::UnpagedTagsFirstTen, "swr.tags.content-range"),
        swr(SwrQuirk::TotalRangeIsPageLength, "swr.repos.content-range"),
        ncr(NcrQuirk::NextOnLastPage, "ncr.page.links"),
        ncr(NcrQuirk::CountIsPageSize, "ncr.page.count"),
        ncr(NcrQuirk::PageOffByOne, "ncr.page.concat"),
        ncr(NcrQuirk::ServerErrorForPageZero, "ncr.page.invalid"),
        ncr(NcrQuirk::NotFoundIsEmptyList, "ncr.errors.not-found"),
        ncr(NcrQuirk::ClockSkewNotChecked, "ncr.auth.stale"),
        ncr(NcrQuirk::V2AsString, "ncr.schema"),
        ncr(NcrQuirk::RegionIgnored, "ncr.errors.not-found"),
        tcr(TcrQuirk::OffsetIsItemOffset, "tcr.images.offset-is-page"),
        tcr(TcrQuirk::TotalCountIsPageSize, "tcr.images.total-count"),
        tcr(TcrQuirk::ExactMatchIgnored, "tcr.images.exact"),
        tcr(TcrQuirk::DigestIgnored, "tcr.images.digest"),
        tcr(TcrQuirk::FuzzyIsPrefix, "tcr.images.fuzzy"),
        tcr(
            TcrQuirk::InternalErrorForBadLimit,
            "tcr.images.page.invalid",
        ),
        tcr(TcrQuirk::WrongNotFoundCode, "tcr.errors.not-found"),
        tcr(TcrQuirk::ErrorsAsHttp400, "tcr.errors.http-200"),
        tcr(TcrQuirk::ContentTypeWithCharset, "tcr.content-type"),
        tcr(TcrQuirk::SizeAsString, "tcr.schema"),
        tcr(TcrQuirk::SignatureNotChecked, "tcr.auth.tampered"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_quirk_fails_its_own_check_and_no_other_required_check() {
    let variants = variants();
    assert!(
        variants.len() >= 20,
        "issue 11 asks for at least 20 variants"
    );
    // Each variant has its own emulator (and so its own TCR rate limiter): run them side by side.
    let mut runs = tokio::task::JoinSet::new();
    for v in variants {
        runs.spawn(async move {
            let report = conform(v.provider, v.options).await;
            (v.name, v.check, report)
        });
    }
    let mut wrong = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    while let Some(run) = runs.join_next().await {
        let (name, check, report) = run.unwrap();
        // And its failing exchanges are cassettes named by check id that `regmock cassettes check` reads
        wrong.extend(cassette_problems(
            &name,
            check,
            &report,
            &dir.path().join(&name),
        ));
        // Given the variant; when the default suite runs; then exactly its check fails, and nothing errors
        let failed = required(&report, Outcome::Fail);
        let errors = required(&report, Outcome::Error);
        if failed != [check] || !errors.is_empty() || report.exit_code() != 1 {
            wrong.push(format!(
                "{name}: expected only {check} to fail; failed {failed:?}, errors {errors:?}\n{}",
                report.human()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// What is wrong with the cassettes a failing run writes: one per listed failure, `<check id>.json` first, valid
/// cassettes (a schema check's cassette fails only on the body's schema, the violation it reports), no secret.
fn cassette_problems(
    name: &str,
    check: &str,
    report: &regmock::conformance::Report,
    dir: &std::path::Path,
) -> Vec<String> {
    let written = report.write_cassettes(dir).unwrap();
    let mut problems = Vec::new();
    if !written.iter().any(|p| p.ends_with(format!("{check}.json"))) {
        problems.push(format!("{name}: no cassette {check}.json in {written:?}"));
    }
    for path in &written {
        let text = std::fs::read_to_string(path).unwrap();
        for secret in [
            regmock::pipeline::DEFAULT_SECRET_KEY,
            "Signature=",
            "Credential=",
        ] {
            if text.contains(secret) {
                problems.push(format!("{name}: {secret} in {}", path.display()));
            }
        }
        let bad: Vec<String> = regmock::cassette::check_file(path)
            .into_iter()
            .filter(|p| {
                !(check.ends_with(".schema") && p.starts_with("response body does not match"))
            })
            .collect();
        if !bad.is_empty() {
            problems.push(format!("{name}: {}: {bad:?}", path.display()));
        }
    }
    problems
}
