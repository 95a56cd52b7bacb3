//! The one domain model every provider projects from: registry → namespace → repository → tag → platform image.
//!
//! Providers never keep copies of the data: they read a shared, immutable [`Dataset`] and render their own wire
//! format from it. Derivable values (a repository's size and tag count, a tag's `tag_type`) are computed, not stored.

mod dataset;
mod digest;
pub(crate) mod index;
mod synthetic;
mod tag;

pub use dataset::{Dataset, DatasetError};
pub use digest::{Digest, DigestText};
pub use tag::{Platform, PlatformDescriptor, PlatformRef, Platforms, Tag, TagExtras};

pub use synthetic::{SyntheticSpec, TagNaming, TagShape};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Which vendor API exposes a registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderId {
    /// Huawei Cloud SoftWare Repository for Container.
    Swr,
    /// NAVER Cloud Container Registry.
    Ncr,
    /// Tencent Cloud Container Registry.
    Tcr,
}

impl ProviderId {
    /// The lower-case id used for folders, CLI values and schema directories.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderId::Swr => "swr",
            ProviderId::Ncr => "ncr",
            ProviderId::Tcr => "tcr",
        }
    }
}

/// A registry: an SWR region's service for one account, an NCR registry, or a TCR instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Registry {
    /// Which API exposes this registry.
    pub provider: ProviderId,
    /// Registry name (NCR registry name, TCR instance id, SWR a label for the region's service).
    pub name: String,
    /// Numeric registry id (NCR's `repository` field).
    #[serde(default)]
    pub id: u64,
    /// Region id as the vendor spells it (SWR `cn-north-4`, NCR `kr`/`sgn`/`jpn`).
    pub region: String,
    /// External pull address (`host[:port]`) used to build pull paths.
    #[serde(default)]
    pub address: String,
    /// Internal pull address (SWR `internal_path`), when the vendor has one.
    #[serde(default)]
    pub internal_address: String,
    /// Account name that owns the registry (SWR `domain_name`).
    #[serde(default)]
    pub domain_name: String,
    /// Account id that owns the registry (SWR `domain_id`).
    #[serde(default)]
    pub domain_id: String,
    /// Namespaces (SWR organizations) in this registry.
    #[serde(default)]
    pub namespaces: Vec<Namespace>,
}

/// Which level of a repository path does not exist (see [`Registry::repository`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// No such registry (instance).
    Registry,
    /// No such namespace in the registry.
    Namespace,
    /// No such repository in the namespace.
    Repository,
}

impl Registry {
    /// Derives what a dataset may leave out: the pull address each vendor documents the form of
    /// (`swr.<region>.myhuaweicloud.com`, `<name>.<region>.ncr.ntruss.com`, `<name>.tencentcloudcr.com`), the SWR
    /// internal address (the external one), the owning account's name (the registry's) and id (a stable hash of it).
    pub(crate) fn fill_defaults(&mut self) {
        if self.address.is_empty() {
            self.address = match self.provider {
                ProviderId::Swr => format!("swr.{}.myhuaweicloud.com", self.region),
                ProviderId::Ncr => format!("{}.{}.ncr.ntruss.com", self.name, self.region),
                ProviderId::Tcr => format!("{}.tencentcloudcr.com", self.name),
            };
        }
        if self.internal_address.is_empty() {
            self.internal_address = self.address.clone();
        }
        if self.domain_name.is_empty() {
            self.domain_name = self.name.clone();
        }
        if self.domain_id.is_empty() {
            use sha2::Digest;
            // 32 hex digits, the form of the documented example's domain_id.
            let hash = sha2::Sha256::digest(format!("regmock-domain:{}", self.name));
            self.domain_id = hex::encode(&hash[..16]);
        }
    }

    /// The namespace called `name`.
    pub fn namespace(&self, name: &str) -> Option<&Namespace> {
        self.namespaces.iter().find(|n| n.name == name)
    }

    /// Repository `repository` of namespace `namespace`, or which of the two is missing.
    pub fn repository(&self, namespace: &str, repository: &str) -> Result<&Repository, Missing> {
        self.namespace(namespace)
            .ok_or(Missing::Namespace)?
            .repository(repository)
            .ok_or(Missing::Repository)
    }
}

impl Namespace {
    /// The repository called `name` (repositories are kept sorted by name once a dataset is prepared).
    pub fn repository(&self, name: &str) -> Option<&Repository> {
        self.repositories
            .binary_search_by(|r| r.name.as_str().cmp(name))
            .ok()
            .map(|i| &self.repositories[i])
    }
}

/// A namespace (SWR "organization"); NCR registries keep their images in one namespace named `""`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Namespace {
    /// Namespace name.
    pub name: String,
    /// Repositories (images) in the namespace.
    #[serde(default)]
    pub repositories: Vec<Repository>,
}

/// A repository (an "image" in NCR's words) holding tags.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repository {
    /// Repository name; may contain `/`, `.`, `_`, `-`.
    pub name: String,
    /// Numeric id (SWR `repo_id`).
    #[serde(default)]
    pub id: u64,
    /// SWR category: app_server, linux, framework_app, database, lang, arm, windows or other.
    #[serde(default = "default_category")]
    pub category: String,
    /// Free-text description.
    #[serde(default)]
    pub description: String,
    /// Whether anyone may pull.
    #[serde(default)]
    pub is_public: bool,
    /// Download count.
    #[serde(default)]
    pub num_download: u64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last update time.
    pub updated_at: DateTime<Utc>,
    /// Tags, kept sorted by name once the dataset is prepared. Shared (`Arc`) so a generated repository with a million
    /// tags can appear under several providers without a copy.
    #[serde(default)]
    pub tags: Arc<Vec<Tag>>,
    /// Orders and search indexes over `tags` (see `model::index`), built once when the dataset is prepared so no
    /// request scans or sorts a large repository; repositories sharing one tag list share one index.
    #[serde(skip)]
    pub(crate) index: Arc<index::Prepared>,
}

/// The largest size SWR documents ("Value range: 0 to 9223372036854775807", `i64::MAX`): no tag may be larger, and a
/// repository's total stops there rather than wrap.
pub const MAX_SIZE: u64 = i64::MAX as u64;

/// The sum of the tags' sizes, saturating at [`MAX_SIZE`]: tags near the maximum must not wrap to a small total.
///
/// ```
/// let tag = |size| serde_json::from_value::<regmock::model::Tag>(serde_json::json!({"name": "a", "size": size,
///     "digest": format!("sha256:{}", "a".repeat(64)), "created": "2026-01-01T00:00:00Z",
///     "updated": "2026-01-01T00:00:00Z"})).unwrap();
/// assert_eq!(regmock::model::total_size(&[tag(1), tag(2)]), 3);
/// let max = regmock::model::MAX_SIZE;
/// assert_eq!(regmock::model::total_size(&[tag(max), tag(max)]), max);
/// ```
pub fn total_size(tags: &[Tag]) -> u64 {
    tags.iter()
        .fold(0u64, |sum, t| sum.saturating_add(t.size))
        .min(MAX_SIZE)
}

fn default_category() -> String {
    "other".to_string()
}

impl Repository {
    /// Total size of the repository: the sum of its tags' sizes (precomputed when the dataset is prepared), at most
    /// [`MAX_SIZE`].
    pub fn size(&self) -> u64 {
        if self.index.is_for(&self.tags) {
            self.index.total_size
        } else {
            total_size(&self.tags)
        }
    }

    /// Tag indexes ordered by update time (`descending` or not), ties broken by name ascending. Empty when `tags` was
    /// replaced or changed after the dataset was prepared (the orders would no longer match).
    ///
    /// ```
    /// let data = regmock::model::Dataset::embedded().unwrap();
    /// let swr = data.registries_of(regmock::model::ProviderId::Swr).next().unwrap();
    /// let bulk = swr.repository("group", "bulk-app").unwrap();
    /// let newest = &bulk.tags[bulk.tags_by_updated(true)[0] as usize];
    /// assert!(bulk.tags.iter().all(|t| t.updated <= newest.updated));
    /// ```
    pub fn tags_by_updated(&self, descending: bool) -> &[u32] {
        match self.index() {
            Some(index) if descending => &index.desc,
            Some(index) => &index.asc,
            None => &[],
        }
    }

    /// The index, when the current `tags` are the ones the dataset prepared (built on first use).
    pub(crate) fn index(&self) -> Option<&index::TagIndex> {
        self.index.index(&self.tags)
    }
}

/// The permutation that sorts `count` names by byte order (equal names keep their order): `order[k]` is the index of
/// the k-th name. Sorted on an 8-byte prefix of each name, falling back to the whole names only on equal prefixes, so
/// a million names sort without a million string comparisons chasing pointers.
pub(crate) fn name_order<'a>(count: usize, name: impl Fn(usize) -> &'a str) -> Vec<u32> {
    // Zero padding keeps prefix order consistent with name order: a name sorts before every name it is a prefix of.
    let prefix = |name: &str| {
        let mut bytes = [0u8; 8];
        let n = name.len().min(8);
        bytes[..n].copy_from_slice(&name.as_bytes()[..n]);
        u64::from_be_bytes(bytes)
    };
    let mut keys: Vec<(u64, u32)> = (0..count).map(|i| (prefix(name(i)), i as u32)).collect();
    keys.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| name(a.1 as usize).cmp(name(b.1 as usize)))
            .then(a.1.cmp(&b.1))
    });
    keys.into_iter().map(|(_, i)| i).collect()
}

/// Sorts tags by name (byte order, equal names in their original order).
///
/// A tag is a few hundred bytes, so sorting the tags themselves spends its time moving them (a million-tag sort took
/// over a second): the [`name_order`] permutation is applied in place along its cycles, moving each tag about once.
pub(crate) fn sort_by_name(tags: &mut [Tag]) {
    if tags.is_sorted_by(|a, b| a.name <= b.name) {
        return;
    }
    // from[d] is the index of the tag that belongs at d; a position is done once from[d] == d.
    let mut from = name_order(tags.len(), |i| &tags[i].name);
    for start in 0..from.len() {
        let mut hole = start;
        while from[hole] as usize != start {
            let next = from[hole] as usize;
            tags.swap(hole, next);
            from[hole] = hole as u32;
            hole = next;
        }
        from[hole] = hole as u32;
    }
}
