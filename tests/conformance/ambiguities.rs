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
