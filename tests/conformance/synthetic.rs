//! The self-test on a large synthetic dataset: every provider's suite, with the synthetic repository as a further
//! target, passes against the emulator with no failure and no error. 3000 tags span 30 discovery pages of 100 and
//! many more of the generated page sizes, yet stay quick enough for CI.

use regmock::conformance::{self, Config, Outcome, Target};
use regmock::model::{Dataset, ProviderId};
use regmock::{Credentials, Emulator, Options};

/// Tags of the synthetic repository.
const TAGS: usize = 3000;

/// Where `Dataset::with_synthetic_tags` puts its repository for `provider`: the provider's first registry.
fn synthetic_target(dataset: &Dataset, provider: ProviderId) -> Target {
    let reg = dataset.registries_of(provider).next().unwrap();
    match provider {
        ProviderId::Swr => Target::swr("synthetic", "tags"),
        ProviderId::Ncr => Target::ncr(&reg.region, &reg.name, "synthetic/tags"),
        ProviderId::Tcr => Target::tcr(&reg.name, "synthetic", "tags"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_provider_passes_on_a_large_synthetic_dataset() {
    let dataset = Dataset::embedded()
        .unwrap()
        .with_synthetic_tags(TAGS)
        .unwrap();
    for p in regmock::providers::PROVIDERS {
        // Given the emulator on the embedded dataset plus 3000 synthetic tags, and the suite's default targets plus
        // the synthetic repository
        let emulator = Emulator::with(dataset.clone(), Credentials::default(), Options::default());
        let server = regmock::transport::server::spawn(emulator, "127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let mut config = Config::new(p.id(), &server.uri());
        config.targets.push(synthetic_target(&dataset, p.id()));
        // When the whole suite runs
        let report = conformance::run(&config).await;
        server.stop().await.unwrap();
        // Then every check passes, and discovery walked all 3000 tags
        let human = report.human();
        assert_eq!(report.verdict, conformance::Verdict::Pass, "{human}");
        for c in &report.checks {
            assert_eq!(c.outcome, Outcome::Pass, "{}: {human}", c.id);
        }
        let discovery = report
            .checks
            .iter()
            .find(|c| c.id.ends_with(".discovery"))
            .unwrap();
        assert!(
            discovery.requests >= (TAGS / 100) as u32,
            "{}: discovery made {} requests",
            p.id().as_str(),
            discovery.requests
        );
    }
}
