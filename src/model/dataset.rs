//! Loading, merging and preparing datasets (the embedded default or a user's `--dataset FILE`).

use super::index::Prepared;
use super::synthetic::{self, SyntheticSpec};
use super::{ProviderId, Registry, Repository, Tag};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

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
        let latest = synthetic::latest_update(&shared);
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
            synthetic::insert_repository(reg, ns, repo, shared.clone(), latest);
        }
        self.prepare()
    }

    /// Applies the synthetic specs, checks the rules and builds the per-repository indexes.
    ///
    /// Each distinct tag list is sorted, completed and indexed once, however many repositories share it (the
    /// synthetic million-tag list appears under every provider), and a list prepared before (the embedded dataset
    /// extended with [`Dataset::with_synthetic_tags`]) keeps its index.
    pub fn prepare(mut self) -> Result<Dataset, DatasetError> {
        let specs = std::mem::take(&mut self.synthetic);
        synthetic::apply_all(&specs, &mut self.registries).map_err(DatasetError::Invalid)?;
        let sorted = self.validate()?;
        // Keyed by the address of a tag list as it was before preparing; an address stays a valid key while any
        // repository still holds that list, which is the only time it is looked up.
        let mut prepared: HashMap<*const Vec<Tag>, PreparedList> = HashMap::new();
        for reg in &mut self.registries {
            reg.fill_defaults();
            for ns in &mut reg.namespaces {
                ns.repositories.sort_by(|a, b| a.name.cmp(&b.name));
                for repo in &mut ns.repositories {
                    let key = Arc::as_ptr(&repo.tags);
                    if let Some((tags, index)) = prepared.get(&key) {
                        repo.tags = tags.clone();
                        repo.index = index.clone();
                        continue;
                    }
                    if !repo.index.is_for(&repo.tags) {
                        if !sorted.contains(&key) {
                            sort_shared_by_name(&mut repo.tags);
                        }
                        fill_config_digests(&mut repo.tags);
                        repo.index = Arc::new(Prepared::new(&repo.tags));
                    }
                    prepared.insert(key, (repo.tags.clone(), repo.index.clone()));
                }
            }
        }
        Ok(self)
    }

    /// Checks the rules; returns the tag lists found sorted by name (strictly, so also unique), which then need no
    /// sorting.
    fn validate(&self) -> Result<HashSet<*const Vec<Tag>>, DatasetError> {
        let mut names = HashSet::new();
        let mut checked = HashSet::new();
        let mut sorted = HashSet::new();
        for reg in &self.registries {
            // A registry name is unique per provider, across regions: asking for it in another region is a not-found.
            if !names.insert((reg.provider, reg.name.as_str())) {
                return Err(DatasetError::Invalid(format!(
                    "registry {:?} appears twice for {}",
                    reg.name,
                    reg.provider.as_str()
                )));
            }
            let mut ns_names = HashSet::new();
            for ns in &reg.namespaces {
                if !ns_names.insert(ns.name.as_str()) {
                    return Err(DatasetError::Invalid(format!(
                        "namespace {:?} appears twice in registry {:?}",
                        ns.name, reg.name
                    )));
                }
                let mut repo_names = HashSet::new();
                for repo in &ns.repositories {
                    // A shared tag list (the synthetic one appears under every provider) is checked once.
                    let first_time = checked.insert(Arc::as_ptr(&repo.tags));
                    if !repo_names.insert(repo.name.as_str()) {
                        return Err(DatasetError::Invalid(format!(
                            "repository {:?} appears twice in {:?}/{:?}",
                            repo.name, reg.name, ns.name
                        )));
                    }
                    if first_time && check_unique_tags(repo)? {
                        sorted.insert(Arc::as_ptr(&repo.tags));
                    }
                }
            }
        }
        if self.registries_of(ProviderId::Swr).count() > 1 {
            return Err(DatasetError::Invalid(
                "at most one SWR registry: regmock emulates one SWR region per dataset".into(),
            ));
        }
        Ok(sorted)
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

/// A tag list as prepared, and its index.
type PreparedList = (Arc<Vec<Tag>>, Arc<Prepared>);

/// Sorts a tag list by name unless it already is (generated lists are), so a shared list is not copied for nothing.
fn sort_shared_by_name(tags: &mut Arc<Vec<Tag>>) {
    if !tags.is_sorted_by(|a, b| a.name <= b.name) {
        super::sort_by_name(Arc::<Vec<Tag>>::make_mut(tags));
    }
}

/// Undocumented values a dataset may leave out, derived so no answer carries an empty string where the vendor always
/// has a value: a config digest for each tag (SWR `image_id`, the manifest's config descriptor).
fn fill_config_digests(tags: &mut Arc<Vec<Tag>>) {
    if tags.iter().all(|t| !t.config_digest.is_empty()) {
        return;
    }
    for tag in Arc::make_mut(tags) {
        if tag.config_digest.is_empty() {
            // Deterministic, so the same dataset always answers the same; derived from the manifest digest, so two
            // tags of one image share it.
            let hash = sha2::Sha256::digest(format!("regmock-config:{}", tag.digest));
            tag.config_digest = super::Digest::sha256(hash.into());
        }
    }
}

/// Fails on a repeated tag name; `Ok(true)` when the names are strictly increasing (sorted and unique, checked without
/// a set of a million names: generated and already prepared lists).
fn check_unique_tags(repo: &Repository) -> Result<bool, DatasetError> {
    if repo.tags.is_sorted_by(|a, b| a.name < b.name) {
        return Ok(true);
    }
    let mut tag_names = HashSet::with_capacity(repo.tags.len());
    for t in repo.tags.iter() {
        if !tag_names.insert(t.name.as_str()) {
            return Err(DatasetError::Invalid(format!(
                "tag {:?} appears twice in repository {:?}",
                t.name, repo.name
            )));
        }
    }
    Ok(false)
}
