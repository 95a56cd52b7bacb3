//! Every alternative the emulator can be told to serve where the docs are silent (`serve --ambiguity ID=ALT`, one
//! table read by the suite and the emulator): the emulator answers that way, and the suite, which accepts every
//! reasonable answer, still passes it.

use super::{conform, required};
use regmock::Options;
use regmock::conformance::ambiguities::{AMBIGUITIES, Emulated};
use regmock::conformance::{Outcome, Verdict};
use regmock::model::ProviderId;

fn provider_of(id: &str) -> ProviderId {
    match id.split('.').next() {
        Some("swr") => ProviderId::Swr,
        Some("ncr") => ProviderId::Ncr,
        _ => ProviderId::Tcr,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_suite_passes_against_every_selectable_alternative_and_sees_it() {
    let selections: Vec<(&str, &str)> = AMBIGUITIES
        .iter()
        .flat_map(|a| {
            a.accepted
                .iter()
                .filter(move |alt| alt.selectable && a.serves != Some(alt.id))
                .map(move |alt| (a.id, alt.id))
        })
        .collect();
    assert!(selections.len() >= 10, "{selections:?}");
    let mut runs = tokio::task::JoinSet::new();
    for (id, alt) in selections {
        runs.spawn(async move {
            // Given the emulator told to answer `id` with `alt`
            let emulated = Emulated::default().select(&format!("{id}={alt}")).unwrap();
            // When the provider's whole default suite runs against it
            let report = conform(provider_of(id), Options::default().with(emulated)).await;
            (id, alt, report)
        });
    }
    let mut wrong = Vec::new();
    while let Some(run) = runs.join_next().await {
        let (id, alt, report) = run.unwrap();
        // Then it passes with no failure and no error, and the report shows the target answering `alt`
        let failed = required(&report, Outcome::Fail);
        let errors = required(&report, Outcome::Error);
        let seen = report.observed.get(id).is_some_and(|s| s.contains(alt));
        if report.verdict != Verdict::Pass || !failed.is_empty() || !errors.is_empty() || !seen {
            wrong.push(format!(
                "{id}={alt}: verdict {:?}, failed {failed:?}, errors {errors:?}, observed {:?}\n{}",
                report.verdict,
                report.observed.get(id),
                report.human()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

#[test]
fn only_known_selectable_alternatives_can_be_selected() {
    // Given the table; then each selectable alternative (and each default) is accepted, the rest refused
    for a in AMBIGUITIES {
        for alt in a.accepted {
            let ok = Emulated::default()
                .select(&format!("{}={}", a.id, alt.id))
                .is_ok();
            assert_eq!(
                ok,
                alt.selectable || a.serves == Some(alt.id),
                "{}={}",
                a.id,
                alt.id
            );
        }
    }
    assert!(Emulated::default().select("nope=x").is_err());
    assert!(Emulated::default().select("swr.limit.above-max").is_err());
}

#[test]
fn every_ambiguity_has_a_default_and_each_alternative_can_be_served() {
    for a in AMBIGUITIES {
        // Given the table; then each question has a default among its answers
        let default = a
            .serves
            .unwrap_or_else(|| panic!("{} has no default", a.id));
        assert!(
            a.accepted.iter().any(|alt| alt.id == default),
            "{}: default {default} is not an accepted answer",
            a.id
        );
        // And every answer is selectable or the default (a single-answer question has its one answer as default)
        for alt in a.accepted {
            assert!(
                alt.selectable || alt.id == default,
                "{}={} cannot be served",
                a.id,
                alt.id
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_default_emulator_is_observed_answering_each_default() {
    let mut wrong = Vec::new();
    for p in regmock::providers::PROVIDERS {
        // Given the emulator as it starts; when the provider's default suite runs
        let report = conform(p.id(), Options::default()).await;
        // Then wherever the suite saw how it answers a question, it saw the default answer
        for (id, seen) in &report.observed {
            let default = regmock::conformance::ambiguities::get(id).serves.unwrap();
            if !seen.contains(default) {
                wrong.push(format!("{id}: default {default}, observed {seen:?}"));
            }
        }
        // And the questions split per case were all seen
        let prefix = format!("{}.", p.id().as_str());
        for id in [
            "swr.filter.colons-in-value",
            "swr.filter.pipe-in-value",
            "swr.filter.comma-in-value",
            "ncr.page.past-end-previous",
            "tcr.not-found.instance-code",
            "tcr.not-found.namespace-code",
            "tcr.not-found.repository-code",
            "tcr.unknown-secret-id.code",
        ] {
            if id.starts_with(&prefix) && !report.observed.contains_key(id) {
                wrong.push(format!("{id} not observed"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
