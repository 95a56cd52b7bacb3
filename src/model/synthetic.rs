//! Deterministic generators for the synthetic part of a dataset: same spec, same data, on every machine.
//!
//! A tiny splitmix64 generator is enough here: the goal is reproducible variety (names with `/ . _ -`, every category,
//! equal update times so tie-breaks are exercised), not statistical quality.

use super::{Namespace, Platform, Registry, Repository, Tag};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A generator applied when a dataset is prepared.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyntheticSpec {
    /// `count` repositories spread over `namespaces` (created when missing), each with a few tags.
    Repositories {
        /// Registry name the repositories go into.
        registry: String,
        /// Namespaces to spread them over (NCR: `[""]`).
        namespaces: Vec<String>,
        /// How many repositories.
        count: usize,
        /// Generator seed.
        seed: u64,
        /// Most platform images a tag gets (1 = single-arch only).
        #[serde(default = "one")]
        max_platforms: usize,
    },
    /// One repository (created when missing) with exactly `count` tags.
    Tags {
        /// Registry name.
        registry: String,
        /// Namespace (created when missing).
        namespace: String,
        /// Repository name.
        repository: String,
        /// How many tags.
        count: usize,
        /// Generator seed.
        seed: u64,
        /// Most platform images a tag gets.
        #[serde(default = "one")]
        max_platforms: usize,
        /// How the tags are named and which share a digest.
        #[serde(flatten)]
        shape: TagShape,
    },
}

/// How generated tags are named: `v0.0.0`, `v0.0.1`, ... (default) or `1`, `2`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TagNaming {
    /// `v{i/10000}.{i/100 % 100}.{i % 100}`.
    #[default]
    Versions,
    /// `1`, `2`, `3`, ...
    Numbers,
}

/// The names and digests of a generated tag list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagShape {
    /// Naming scheme.
    #[serde(default)]
    pub naming: TagNaming,
    /// Names given to the last tags instead of the scheme's (e.g. `latest`), in generation order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub last_names: Vec<String>,
    /// How many consecutive tags (in generation order) share one manifest digest.
    #[serde(default = "one")]
    pub digest_run: usize,
}

impl Default for TagShape {
    fn default() -> Self {
        TagShape {
            naming: TagNaming::Versions,
            last_names: Vec::new(),
            digest_run: 1,
        }
    }
}

impl TagShape {
    fn name(&self, i: usize, count: usize) -> String {
        let from_end = count - i;
        if from_end <= self.last_names.len() {
            return self.last_names[self.last_names.len() - from_end].clone();
        }
        match self.naming {
            TagNaming::Versions => format!("v{}.{}.{}", i / 10_000, (i / 100) % 100, i % 100),
            TagNaming::Numbers => (i + 1).to_string(),
        }
    }
}

fn one() -> usize {
    1
}

const CATEGORIES: &[&str] = &[
    "app_server",
    "linux",
    "framework_app",
    "database",
    "lang",
    "arm",
    "windows",
    "other",
];
const WORDS: &[&str] = &[
    "nginx", "redis", "api", "web", "worker", "cache", "tools", "agent", "proxy", "batch", "etl",
    "auth",
];
const SEPARATORS: &[&str] = &["/", ".", "_", "-"];
const ARCHES: &[(&str, Option<&str>)] = &[
    ("amd64", None),
    ("arm64", Some("v8")),
    ("arm", Some("v7")),
    ("ppc64le", None),
    ("s390x", None),
];

struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn digest(&mut self) -> String {
        format!(
            "sha256:{:016x}{:016x}{:016x}{:016x}",
            self.next(),
            self.next(),
            self.next(),
            self.next()
        )
    }
}

fn base_time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_704_067_200, 0).unwrap_or_default() // 2024-01-01T00:00:00Z
}

/// Strings every generated tag of one list shares, allocated once.
struct Shared {
    user: Arc<str>,
    os: Arc<str>,
    media_type: Arc<str>,
    arches: Vec<(Arc<str>, Option<Arc<str>>)>,
}

impl Shared {
    fn new(seed: u64) -> Shared {
        Shared {
            user: Arc::from(format!(
                "00000000-0000-4000-8000-{:012x}",
                seed % 0x1_0000_0000_0000
            )),
            os: Arc::from("linux"),
            media_type: Arc::from("application/vnd.docker.container.image.v1+json"),
            arches: ARCHES
                .iter()
                .map(|(a, v)| (Arc::from(*a), v.map(Arc::from)))
                .collect(),
        }
    }
}

/// `count` generated tags, sorted by name. Update times repeat in runs of three so sort tie-breaks are exercised.
pub(crate) fn generate_tags(
    count: usize,
    seed: u64,
    max_platforms: usize,
    shape: &TagShape,
) -> Vec<Tag> {
    let mut rng = SplitMix(seed);
    let shared = Shared::new(seed);
    let base = base_time();
    let mut tags: Vec<Tag> = Vec::with_capacity(count);
    for i in 0..count {
        let created = base + Duration::seconds((i as i64 / 3) * 60);
        let updated = created + Duration::seconds(rng.below(3) as i64 * 3600);
        let n_platforms = 1 + rng.below(max_platforms.max(1) as u64) as usize;
        let digest: Arc<str> = Arc::from(rng.digest());
        let platforms: Vec<Platform> = (0..n_platforms)
            .map(|p| {
                let (arch, variant) = &shared.arches[p % shared.arches.len()];
                Platform {
                    architecture: arch.clone(),
                    os: shared.os.clone(),
                    variant: variant.clone(),
                    os_version: None,
                    // A single-platform tag's image is the tag's own manifest: share the digest.
                    digest: if n_platforms == 1 {
                        digest.clone()
                    } else {
                        Arc::from(rng.digest())
                    },
                    size: 1_000_000 + rng.below(200_000_000),
                    media_type: shared.media_type.clone(),
                }
            })
            .collect();
        let size = platforms.iter().map(|p| p.size).sum();
        let mut tag = Tag {
            name: shape.name(i, count),
            id: 1_000_000 + i as u64,
            image_number: 2_000_000 + i as u64,
            digest,
            config_digest: Arc::from(rng.digest()),
            manifest: None,
            schema: 2,
            size,
            is_trusted: false,
            created,
            updated,
            last_pulled: (i % 4 == 0).then_some(updated + Duration::days(1)),
            deleted: None,
            creator: shared.user.clone(),
            updater: shared.user.clone(),
            platforms,
            media_type: None,
            kms_signature: None,
        };
        // Tags in one digest run are one image under several names: same manifest, platforms and size. Every tag still
        // draws its own random values, so the rest of the sequence does not depend on the run length.
        if let Some(prev) = tags.last()
            && i % shape.digest_run.max(1) != 0
        {
            tag.digest = prev.digest.clone();
            tag.config_digest = prev.config_digest.clone();
            tag.platforms = prev.platforms.clone();
            tag.size = prev.size;
        }
        tags.push(tag);
    }
    tags.sort_by(|a, b| a.name.cmp(&b.name));
    tags
}

/// Generated tags behind an `Arc`, for sharing one large list between providers.
pub(crate) fn shared_tags(count: usize, seed: u64) -> Arc<Vec<Tag>> {
    Arc::new(generate_tags(count, seed, 1, &TagShape::default()))
}

fn namespace_mut<'a>(reg: &'a mut Registry, name: &str) -> &'a mut Namespace {
    if let Some(i) = reg.namespaces.iter().position(|n| n.name == name) {
        return &mut reg.namespaces[i];
    }
    reg.namespaces.push(Namespace {
        name: name.to_string(),
        repositories: Vec::new(),
    });
    let last = reg.namespaces.len() - 1;
    &mut reg.namespaces[last]
}

/// Puts `tags` into repository `repo` of namespace `ns`, creating both when missing.
pub(crate) fn insert_repository(reg: &mut Registry, ns: &str, repo: &str, tags: Arc<Vec<Tag>>) {
    let next_id = 900_000
        + reg
            .namespaces
            .iter()
            .map(|n| n.repositories.len())
            .sum::<usize>() as u64;
    let namespace = namespace_mut(reg, ns);
    if let Some(existing) = namespace.repositories.iter_mut().find(|r| r.name == repo) {
        existing.tags = tags;
        return;
    }
    let base = base_time();
    namespace.repositories.push(Repository {
        name: repo.to_string(),
        id: next_id,
        category: "other".to_string(),
        description: format!("generated repository with {} tags", tags.len()),
        is_public: false,
        num_download: 0,
        created_at: base,
        updated_at: tags.iter().map(|t| t.updated).max().unwrap_or(base),
        tags,
        by_updated: Default::default(),
    });
}

impl SyntheticSpec {
    pub(crate) fn apply(&self, registries: &mut [Registry]) -> Result<(), String> {
        let registry_name = match self {
            SyntheticSpec::Repositories { registry, .. } | SyntheticSpec::Tags { registry, .. } => {
                registry
            }
        };
        let reg = registries
            .iter_mut()
            .find(|r| &r.name == registry_name)
            .ok_or_else(|| format!("synthetic spec names unknown registry {registry_name:?}"))?;
        match self {
            SyntheticSpec::Tags {
                namespace,
                repository,
                count,
                seed,
                max_platforms,
                shape,
                ..
            } => {
                let tags = Arc::new(generate_tags(*count, *seed, *max_platforms, shape));
                insert_repository(reg, namespace, repository, tags);
            }
            SyntheticSpec::Repositories {
                namespaces,
                count,
                seed,
                max_platforms,
                ..
            } => {
                if namespaces.is_empty() {
                    return Err("synthetic repositories spec needs at least one namespace".into());
                }
                let mut rng = SplitMix(*seed);
                let base = base_time();
                for i in 0..*count {
                    let ns = &namespaces[i % namespaces.len()];
                    let w1 = WORDS[rng.below(WORDS.len() as u64) as usize];
                    let w2 = WORDS[rng.below(WORDS.len() as u64) as usize];
                    let sep = SEPARATORS[i % SEPARATORS.len()];
                    let name = format!("{w1}{sep}{w2}-{i:03}");
                    let n_tags = rng.below(6) as usize;
                    let tags = generate_tags(
                        n_tags,
                        seed.wrapping_add(i as u64),
                        *max_platforms,
                        &TagShape::default(),
                    );
                    let created_at = base + Duration::minutes((i as i64) * 7);
                    // Groups of two share an update time so the name tie-break matters.
                    let updated_at =
                        base + Duration::hours(24) + Duration::minutes((i as i64 / 2) * 13);
                    let repo = Repository {
                        name,
                        id: 10_000 + (*seed % 1000) * 10_000 + i as u64,
                        category: CATEGORIES[i % CATEGORIES.len()].to_string(),
                        description: format!("synthetic repository {i}"),
                        is_public: i % 3 == 0,
                        num_download: rng.below(10_000),
                        created_at,
                        updated_at,
                        tags: Arc::new(tags),
                        by_updated: Default::default(),
                    };
                    namespace_mut(reg, ns).repositories.push(repo);
                }
            }
        }
        Ok(())
    }
}
