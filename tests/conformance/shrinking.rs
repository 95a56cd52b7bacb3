//! Every generated check shrinks its failing case: a deliberately broken variant fails the property, and the failure
//! shows the seed, the minimal request and the generated request it was shrunk from.

use super::conform_with;
use regmock::conformance::Config;
use regmock::model::ProviderId;
use regmock::providers::ncr::quirks::{NcrQuirk, NcrQuirks};
use regmock::providers::swr::quirks::{SwrQuirk, SwrQuirks};
use regmock::providers::tcr::quirks::{TcrQuirk, TcrQuirks};
use regmock::{Credentials, Options};

/// A property check, the variant that breaks it, and what its minimal request must hold.
struct Shrinks {
    provider: ProviderId,
    check: &'static str,
    options: Options,
    minimal_has: &'static str,
}

fn table() -> Vec<Shrinks> {
    let swr = |q, check, minimal_has| Shrinks {
        provider: ProviderId::Swr,
        check,
        options: Options::default().with(SwrQuirks(vec![q])),
        minimal_has,
    };
    vec![
        // A prefix-only tag filter: the minimal needle is still a part of a name that is not its start.
        swr(
            SwrQuirk::TagFilterPrefixOnly,
            "swr.tags.filter",
            "tags?tag=",
        ),
        // An exact `name`: the minimal filter is a part of a name (a whole name would pass).
        swr(SwrQuirk::NameFilterExact, "swr.repos.filter", "repos?name="),
        // `limit` inside `filter=` dropped: the minimal form is the first one, percent-encoded.
        swr(
            SwrQuirk::FilterIgnoresPaging,
            "swr.tags.filter-grammar",
            "filter=tag%3A%3A",
        ),
        // A value holding a separator dropped: the minimal case names the first tags (`::`, the first separator).
        swr(
            SwrQuirk::SeparatorDropsFilter,
            "swr.tags.filter-grammar",
            "filter=tag%3A%3A",
        ),
        // `asc` answered descending: the minimal walk still asks for asc.
        swr(
            SwrQuirk::SortIgnoresOrderType,
            "swr.tags.sort",
            "order_type=asc",
        ),
        // Repository `asc` answered descending: the minimal case still asks for asc.
        swr(
            SwrQuirk::RepoSortIgnoresOrderType,
            "swr.repos.sort",
            "order_type",
        ),
        // A `next` on the last page: the minimal case is still a last page.
        Shrinks {
            provider: ProviderId::Ncr,
            check: "ncr.page.links",
            options: Options::default().with(NcrQuirks(vec![NcrQuirk::NextOnLastPage])),
            minimal_has: "pagesize=",
        },
        Shrinks {
            provider: ProviderId::Tcr,
            check: "tcr.images.fuzzy",
            options: Options::default().with(TcrQuirks(vec![TcrQuirk::FuzzyIsPrefix])),
            minimal_has: "\"ImageVersion\"",
        },
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_generated_check_reports_its_failure_shrunk_with_the_seed() {
    let mut runs = tokio::task::JoinSet::new();
    for s in table() {
        runs.spawn(async move {
            // Given the variant; when only its check runs, with a fixed seed
            let mut config = Config::new(s.provider, "http://unused");
            config.checks = vec![s.check.into()];
            config.seed = 7;
            let report = conform_with(s.options, Credentials::default(), config).await;
            (s.check, s.minimal_has, report)
        });
    }
    let mut wrong = Vec::new();
    while let Some(run) = runs.join_next().await {
        let (check, minimal_has, report) = run.unwrap();
        let human = report.human();
        // Then the check fails with a shrunk case: the minimal request differs from the generated one
        let shrunk = report
            .checks
            .iter()
            .find(|c| c.id == check)
            .and_then(|c| c.failures.iter().find(|f| f.shrunk_from.is_some()));
        let Some(f) = shrunk else {
            wrong.push(format!("{check}: no shrunk failure\n{human}"));
            continue;
        };
        if f.shrink_steps == 0
            || f.shrunk_from.as_deref() == Some(f.request.as_str())
            || !f.request.contains(minimal_has)
            || f.message.contains("shrinking stopped")
        {
            wrong.push(format!(
                "{check}: minimal {:?} ({} steps) from {:?}, wanted {minimal_has:?} in it\n{human}",
                f.request, f.shrink_steps, f.shrunk_from
            ));
        }
        eprintln!(
            "{check}: {} steps\n  min  {}\n  from {:?}\n  msg {}",
            f.shrink_steps, f.request, f.shrunk_from, f.message
        );
        // And the human report prints the seed, the minimal request, where it came from and expected vs actual
        for part in ["--seed 7", "shrunk:   in ", "request:  ", "expected: "] {
            if !human.contains(part) {
                wrong.push(format!("{check}: {part} missing from\n{human}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
