//! What the suite runs against and how: base URL, credentials, seed, selection and the targets to start from.

use crate::model::ProviderId;
use crate::pipeline::{DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY};
use std::time::Duration;

/// Where discovery starts: one repository (SWR), image (NCR) or repository of an instance (TCR).
///
/// Fields a provider does not use stay empty: SWR uses `namespace` + `repository`; NCR `region` (`kr`, `sgn`, `jpn`),
/// `registry` and `repository` (the image name); TCR `registry` (the instance id), `namespace` and `repository`, with
/// `region` sent as `X-TC-Region`.
///
/// ```
/// let t = regmock::conformance::Target::swr("group", "busybox");
/// assert_eq!(t.label(), "group/busybox");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Target {
    /// NCR region id, TCR `X-TC-Region`.
    pub region: String,
    /// NCR registry name, TCR instance id.
    pub registry: String,
    /// SWR or TCR namespace (empty for NCR).
    pub namespace: String,
    /// SWR or TCR repository, NCR image name.
    pub repository: String,
}

impl Target {
    /// An SWR repository.
    pub fn swr(namespace: &str, repository: &str) -> Target {
        Target {
            region: String::new(),
            registry: String::new(),
            namespace: namespace.into(),
            repository: repository.into(),
        }
    }

    /// An NCR image of a registry in a region (`kr`, `sgn` or `jpn`).
    pub fn ncr(region: &str, registry: &str, image: &str) -> Target {
        Target {
            region: region.into(),
            registry: registry.into(),
            namespace: String::new(),
            repository: image.into(),
        }
    }

    /// A TCR repository of an instance; `X-TC-Region` is `ap-guangzhou`.
    pub fn tcr(registry_id: &str, namespace: &str, repository: &str) -> Target {
        Target {
            region: "ap-guangzhou".into(),
            registry: registry_id.into(),
            namespace: namespace.into(),
            repository: repository.into(),
        }
    }

    /// How reports name the target.
    pub fn label(&self) -> String {
        [&self.registry, &self.namespace, &self.repository]
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// A suite run's configuration. [`Config::new`] gives regmock's defaults, which fully check a `regmock serve`.
///
/// ```
/// use regmock::{conformance::Config, model::ProviderId};
/// let config = Config::new(ProviderId::Tcr, "http://127.0.0.1:8080");
/// assert_eq!(config.targets.len(), 2);
/// assert_eq!(config.targets[1].repository, "bulk-app");
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// Which API the target implements.
    pub provider: ProviderId,
    /// `http://host:port` (no trailing slash needed).
    pub base_url: String,
    /// SWR AK, NCR access key, TCR SecretId.
    pub access_key: String,
    /// SWR SK, NCR secret key, TCR SecretKey.
    pub secret_key: String,
    /// SWR `X-Auth-Token` (sent instead of the AK/SK signature) or TCR `X-TC-Token` (sent with it).
    pub token: Option<String>,
    /// Seed of every generated case; a failure prints it.
    pub seed: u64,
    /// Generated cases per property check.
    pub cases: u32,
    /// Check ids (or id prefixes) to run; empty = all of the provider's.
    pub checks: Vec<String>,
    /// Check ids (or id prefixes) not to run.
    pub exclude_checks: Vec<String>,
    /// Check ids the implementation knowingly deviates on: reported, not failing the verdict.
    pub expected_failures: Vec<String>,
    /// Most requests per second the suite sends; `None` = the provider's documented limit minus a margin (TCR: 90).
    pub rate: Option<u32>,
    /// How long the suite waits for one whole answer (`regmock conform --timeout`); a request without an answer by
    /// then fails the check that sent it.
    pub timeout: Duration,
    /// Where discovery starts.
    pub targets: Vec<Target>,
    /// Draw a progress line on stderr (check, checks done, cases, elapsed); `regmock conform` sets it when stderr is a
    /// terminal. Off by default: a library caller's stderr stays quiet.
    pub progress: bool,
}

/// Generated cases per property check unless told otherwise (`regmock conform --cases`).
pub const DEFAULT_CASES: u32 = 8;

/// Seconds the suite waits for one answer unless told otherwise (`regmock conform --timeout`).
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// The flags `regmock conform` reads each part of a `provider` target from, with the part.
fn target_flags(provider: ProviderId) -> &'static [(&'static str, TargetPart)] {
    match provider {
        ProviderId::Swr => &[
            ("namespace", |t| &t.namespace),
            ("repository", |t| &t.repository),
        ],
        ProviderId::Ncr => &[
            ("region", |t| &t.region),
            ("registry", |t| &t.registry),
            ("image", |t| &t.repository),
        ],
        ProviderId::Tcr => &[
            ("region", |t| &t.region),
            ("registry-id", |t| &t.registry),
            ("namespace", |t| &t.namespace),
            ("repository", |t| &t.repository),
        ],
    }
}

impl Config {
    /// The `regmock conform` flags besides `--provider`, `--base-url`, `--seed` and `--checks` that give a rerun the
    /// same cases: `--cases`, `--timeout` and the targets, each when not the default (credentials are left out).
    ///
    /// ```
    /// use regmock::conformance::{Config, Target};
    /// use regmock::model::ProviderId;
    /// let mut config = Config::new(ProviderId::Swr, "http://127.0.0.1:8080");
    /// assert_eq!(config.rerun_flags(), "");
    /// config.cases = 64;
    /// config.targets = vec![Target::swr("group", "busybox")];
    /// assert_eq!(config.rerun_flags(), " --cases 64 --namespace group --repository busybox");
    /// ```
    pub fn rerun_flags(&self) -> String {
        let mut flags = String::new();
        if self.cases != DEFAULT_CASES {
            flags.push_str(&format!(" --cases {}", self.cases));
        }
        if self.timeout != Duration::from_secs(DEFAULT_TIMEOUT_SECS) {
            flags.push_str(&format!(" --timeout {}", self.timeout.as_secs()));
        }
        if self.targets != default_targets(self.provider) {
            for (flag, part) in target_flags(self.provider) {
                for target in &self.targets {
                    flags.push_str(&format!(" --{flag} {}", shell_word(part(target))));
                }
            }
        }
        flags
    }

    /// When discovery found nothing at the default targets (regmock's own dataset), what to tell the user: that
    /// another implementation holds other data, and the flags that name a target it holds. `None` for named targets.
    pub(crate) fn default_target_hint(&self) -> Option<String> {
        (self.targets == default_targets(self.provider)).then(|| {
            let flags: Vec<String> = target_flags(self.provider)
                .iter()
                .map(|(flag, _)| format!("--{flag} {}", flag.to_ascii_uppercase()))
                .collect();
            format!(
                "; the default targets are regmock's own dataset: name one your implementation holds with {}",
                flags.join(" ")
            )
        })
    }

    /// Defaults for `provider` at `base_url`: regmock's default credentials and the default dataset's documented
    /// example plus its large repository.
    pub fn new(provider: ProviderId, base_url: &str) -> Config {
        Config {
            provider,
            base_url: base_url.trim_end_matches('/').to_string(),
            access_key: DEFAULT_ACCESS_KEY.into(),
            secret_key: DEFAULT_SECRET_KEY.into(),
            token: None,
            seed: 1,
            cases: DEFAULT_CASES,
            checks: Vec::new(),
            exclude_checks: Vec::new(),
            expected_failures: Vec::new(),
            rate: None,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            targets: default_targets(provider),
            progress: false,
        }
    }

    /// Whether check `id` is selected by `checks` / `exclude_checks` (entries match an id or an id prefix ending at a
    /// `.`).
    pub fn selects(&self, id: &str) -> bool {
        let hit = |p: &String| id == p || id.starts_with(&format!("{}.", p.trim_end_matches('.')));
        (self.checks.is_empty() || self.checks.iter().any(hit))
            && !self.exclude_checks.iter().any(hit)
    }
}

/// The default dataset's documented example and large repository of each provider (NCR: and the demo image of the
/// `sgn` and `jpn` regions).
pub fn default_targets(provider: ProviderId) -> Vec<Target> {
    match provider {
        ProviderId::Swr => vec![
            Target::swr("group", "busybox"),
            Target::swr("group", "bulk-app"),
        ],
        // Every region: each has its own API prefix and data space.
        ProviderId::Ncr => vec![
            Target::ncr("kr", "ncr-example", "hello/world"),
            Target::ncr("kr", "ncr-example", "bulk/app"),
            Target::ncr("sgn", "ncr-sgn-demo", "demo/app"),
            Target::ncr("jpn", "ncr-jpn-demo", "demo/app"),
        ],
        ProviderId::Tcr => vec![
            Target::tcr("tcr-okmj78", "team-01", "nginx"),
            Target::tcr("tcr-okmj78", "team-01", "bulk-app"),
        ],
    }
}

/// A target flag's part of a [`Target`].
type TargetPart = fn(&Target) -> &str;

/// `text` as one shell word: as it is when it needs no quoting, else single-quoted.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/:@%+=-".contains(&b));
    if plain {
        text.to_string()
    } else {
        crate::pipeline::shell_quote(text)
    }
}
