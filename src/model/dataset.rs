//! Loading, merging and preparing datasets (the embedded default or a user's `--dataset FILE`).

use super::synthetic::{self, SyntheticSpec};
use super::{ProviderId, Registry, Repository};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::path::Path;

/// The embedded default dataset, one file per provider so each provider's documented examples live beside each other.
const DEFAULT_PARTS: &[(&str, &str)] = &[
    ("swr.json", include_str!("default/swr.json")),
    ("ncr.json", include_str!("default/ncr.json")),
    ("tcr.json", include_str!("default/tcr.json")),
];

/// Why a dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// The file could not be read.
    #[error("cannot read dataset {path}")]
    Io {
        /// File path.
        path: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The text is neither valid JSON nor valid YAML for the dataset format.
    #[error("cannot parse dataset {name}: {message}")]
    Parse {
        /// File or part name.
        name: String,
        /// Parser message.
        message: String,
    },
    /// The data parsed but breaks a rule (duplicate names, unknown registry in a synthetic spec, ...).
    #[error("invalid dataset: {0}")]
    Invalid(String),
}

/// Everything the emulators serve: registries plus generator specs for the synthetic part.
///
/// ```
/// let data = regmock::model::Dataset::embedded().unwrap();
/// let swr = data.registries_of(regmock::model::ProviderId::Swr).next().unwrap();
/// assert!(swr.namespaces.iter().any(|n| n.name == "group"));
/// ```
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// Registries with their namespaces, repositories and tags.
    #[serde(default)]
    pub registries: Vec<Registry>,
    /// Deterministic generators applied after loading (see [`SyntheticSpec`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synthetic: Vec<SyntheticSpec>,
}

impl Dataset {
    /// The embedded default dataset, synthetic part generated and indexes built.
    pub fn embedded() -> Result<Dataset, DatasetError> {
        let mut merged = Dataset::default();
        for (name, text) in DEFAULT_PARTS {
            let part = Dataset::parse(name, text)?;
            merged.registries.extend(part.registries);
            merged.synthetic.extend(part.synthetic);
        }
        merged.prepare()
    }

    /// Loads a JSON or YAML dataset file (YAML when the extension is `.yaml`/`.yml`), then prepares it.
    pub fn from_path(path: &Path) -> Result<Dataset, DatasetError> {
        let text = std::fs::read_to_string(path).map_err(|source| DatasetError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Dataset::parse(&path.display().to_string(), &text)?.prepare()
    }

    /// Parses dataset text without preparing it. JSON is tried first; YAML (a superset) is the fallback.
    pub fn parse(name: &str, text: &str) -> Result<Dataset, DatasetError> {
        let is_yaml = name.ends_with(".yaml") || name.ends_with(".yml");
        if !is_yaml && let Ok(d) = serde_json::from_str(text) {
            return Ok(d);
        }
        serde_saphyr::from_str(text).map_err(|e| DatasetError::Parse {
            name: name.to_string(),
            message: e.to_string(),
        })
    }

    /// Adds a repository with `count` generated tags to the first registry of every provider present
    /// (`synthetic/tags`; SWR namespace `synthetic`, repository `tags`). The tag list is generated once and shared.
    pub fn with_synthetic_tags(mut self, count: usize) -> Result<Dataset, DatasetError> {
        let shared = synthetic::shared_tags(count, 0x5EED);
        let mut seen = Vec::new();
        for reg in &mut self.registries {
            if seen.contains(&reg.provider) {
                continue;
            }
            seen.push(reg.provider);
            let (ns, repo) = match reg.provider {
                ProviderId::Swr | ProviderId::Tcr => ("synthetic", "tags"),
                ProviderId::Ncr => ("", "synthetic/tags"),
            };
            synthetic::insert_repository(reg, ns, repo, shared.clone());
        }
        self.prepare()
    }

    /// Applies the synthetic specs, checks the rules and builds the per-repository indexes.
    pub fn prepare(mut self) -> Result<Dataset, DatasetError> {
        for spec in std::mem::take(&mut self.synthetic) {
            spec.apply(&mut self.registries)
                .map_err(DatasetError::Invalid)?;
        }
        self.validate()?;
        for reg in &mut self.registries {
            reg.fill_defaults();
            for ns in &mut reg.namespaces {
                ns.repositories.sort_by(|a, b| a.name.cmp(&b.name));
                for repo in &mut ns.repositories {
                    fill_config_digests(repo);
                    repo.build_orders();
                }
            }
        }
        Ok(self)
    }

    fn validate(&self) -> Result<(), DatasetError> {
        let mut names = std::collections::HashSet::new();
        for reg in &self.registries {
            // A registry name is unique per provider, across regions: asking for it in another region is a not-found.
            if !names.insert((reg.provider, reg.name.as_str())) {
                return Err(DatasetError::Invalid(format!(
                    "registry {:?} appears twice for {}",
                    reg.name,
                    reg.provider.as_str()
                )));
            }
            let mut ns_names = std::collections::HashSet::new();
            for ns in &reg.namespaces {
                if !ns_names.insert(ns.name.as_str()) {
                    return Err(DatasetError::Invalid(format!(
                        "namespace {:?} appears twice in registry {:?}",
                        ns.name, reg.name
                    )));
                }
                let mut repo_names = std::collections::HashSet::new();
                for repo in &ns.repositories {
                    if !repo_names.insert(repo.name.as_str()) {
                        return Err(DatasetError::Invalid(format!(
                            "repository {:?} appears twice in {:?}/{:?}",
                            repo.name, reg.name, ns.name
                        )));
                    }
                    check_unique_tags(repo)?;
                }
            }
        }
        if self.registries_of(ProviderId::Swr).count() > 1 {
            return Err(DatasetError::Invalid(
                "at most one SWR registry: regmock emulates one SWR region per dataset".into(),
            ));
        }
        Ok(())
    }

    /// The registry called `name` among one provider's registries.
    pub fn registry(&self, provider: ProviderId, name: &str) -> Option<&Registry> {
        self.registries_of(provider).find(|r| r.name == name)
    }

    /// Registries exposed through one provider's API.
    pub fn registries_of(&self, provider: ProviderId) -> impl Iterator<Item = &Registry> {
        self.registries
            .iter()
            .filter(move |r| r.provider == provider)
    }
}

/// Undocumented values a dataset may leave out, derived so no answer carries an empty string where the vendor always
/// has a value: a config digest for each tag (SWR `image_id`, the manifest's config descriptor).
fn fill_config_digests(repo: &mut Repository) {
    if repo.tags.iter().all(|t| !t.config_digest.is_empty()) {
        return;
    }
    for tag in std::sync::Arc::make_mut(&mut repo.tags) {
        if tag.config_digest.is_empty() {
            // Deterministic, so the same dataset always answers the same; derived from the manifest digest, so two
            // tags of one image share it.
            let hash = sha2::Sha256::digest(format!("regmock-config:{}", tag.digest));
            tag.config_digest = format!("sha256:{}", hex::encode(hash)).into();
        }
    }
}

fn check_unique_tags(repo: &Repository) -> Result<(), DatasetError> {
    let mut tag_names = std::collections::HashSet::with_capacity(repo.tags.len());
    for t in repo.tags.iter() {
        if !tag_names.insert(t.name.as_str()) {
            return Err(DatasetError::Invalid(format!(
                "tag {:?} appears twice in repository {:?}",
                t.name, repo.name
            )));
        }
    }
    Ok(())
}
