//! Deterministic generators for the synthetic part of a dataset: same spec, same data, on every machine.
//!
//! A tiny splitmix64 generator is enough here: the goal is reproducible variety (names with `/ . _ -`, every category,
//! equal update times so tie-breaks are exercised), not statistical quality.

use super::{
    Digest, Namespace, Platform, PlatformDescriptor, Platforms, Registry, Repository, Tag,
};
use chrono::{DateTime, Duration, Utc};
use compact_str::CompactString;
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
    /// The name of generated tag `i` of `count` (inline, without an allocation, when it is 24 bytes or shorter).
    fn name(&self, i: usize, count: usize) -> CompactString {
        let from_end = count - i;
        if from_end <= self.last_names.len() {
            return self.last_names[self.last_names.len() - from_end]
                .as_str()
                .into();
        }
        match self.naming {
            TagNaming::Versions => {
                // `format!("v{}.{}.{}", ..)` without the formatting machinery.
                let mut name = CompactString::default();
                name.push('v');
                push_decimal(&mut name, i / 10_000);
                name.push('.');
                push_decimal(&mut name, (i / 100) % 100);
                name.push('.');
                push_decimal(&mut name, i % 100);
                name
            }
            TagNaming::Numbers => {
                let mut name = CompactString::default();
                push_decimal(&mut name, i + 1);
                name
            }
        }
    }
}

fn push_decimal(out: &mut CompactString, n: usize) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
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

/// splitmix64's increment.
const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

impl SplitMix {
    /// The generator seeded with `seed` after `draws` draws.
    fn after(seed: u64, draws: u64) -> SplitMix {
        SplitMix(seed.wrapping_add(draws.wrapping_mul(GAMMA)))
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    /// A `sha256:` digest of four draws, big-endian: the one `format!("sha256:{:016x}…")` writes.
    fn digest(&mut self) -> Digest {
        let mut bytes = [0u8; 32];
        for word in bytes.chunks_exact_mut(8) {
            word.copy_from_slice(&self.next().to_be_bytes());
        }
        Digest::sha256(bytes)
    }
}

fn base_time() -> DateTime<Utc> {
    DateTime::from_timestamp(1_704_067_200, 0).unwrap_or_default() // 2024-01-01T00:00:00Z
}

/// What every generated tag of one list shares, allocated once.
struct Shared {
    user: Arc<str>,
    /// One descriptor per architecture.
    arches: Vec<Arc<PlatformDescriptor>>,
}

impl Shared {
    fn new(seed: u64) -> Shared {
        let os: Arc<str> = Arc::from("linux");
        let media_type: Arc<str> = Arc::from("application/vnd.docker.container.image.v1+json");
        Shared {
            user: Arc::from(format!(
                "00000000-0000-4000-8000-{:012x}",
                seed % 0x1_0000_0000_0000
            )),
            arches: ARCHES
                .iter()
                .map(|(a, v)| {
                    Arc::new(PlatformDescriptor {
                        architecture: Arc::from(*a),
                        os: os.clone(),
                        variant: v.map(Arc::from),
                        os_version: None,
                        media_type: media_type.clone(),
                    })
                })
                .collect(),
        }
    }
}

/// `count` generated tags, sorted by name. Update times repeat in runs of three so sort tie-breaks are exercised.
///
/// The tags are defined in generation order: tag i draws, in turn, its update offset, its platform count, its digest,
/// each platform's digest (when it has several) and size, and its config digest. splitmix64 is a counter (its state
/// after k draws is `seed + k·γ`), so each tag is built from where its draws start and the list is produced directly in
/// name order: a million tags are never sorted or moved.
pub(crate) fn generate_tags(
    count: usize,
    seed: u64,
    max_platforms: usize,
    shape: &TagShape,
) -> Vec<Tag> {
    let max_platforms = max_platforms.max(1) as u64;
    let platforms_of = |start: u64| {
        // The platform count is the second draw; `below(1)` still draws.
        1 + SplitMix::after(seed, start + 1).below(max_platforms) as usize
    };
    let mut starts = Vec::with_capacity(count);
    let mut at = 0u64;
    for _ in 0..count {
        starts.push(at);
        let n = if max_platforms == 1 {
            1
        } else {
            platforms_of(at) as u64
        };
        at += 2 + 4 + n * (1 + 4 * u64::from(n > 1)) + 4;
    }
    let mut names: Vec<CompactString> = (0..count).map(|i| shape.name(i, count)).collect();
    let order = super::name_order(count, |i| &names[i]);

    let shared = Shared::new(seed);
    let base = base_time();
    let run = shape.digest_run.max(1);
    // Tags in one digest run are one image under several names: same manifest, platforms and size, those of the run's
    // first tag (each tag still draws its own, so the rest of the sequence does not depend on the run length). Kept
    // per run so the tags of a run share one allocation of each digest.
    let mut images: Vec<Option<Image>> = if run > 1 {
        vec![None; count.div_ceil(run)]
    } else {
        Vec::new()
    };
    let mut tags: Vec<Tag> = Vec::with_capacity(count);
    for &i in &order {
        let i = i as usize;
        let mut rng = SplitMix::after(seed, starts[i]);
        let created = base + Duration::seconds((i as i64 / 3) * 60);
        let updated = created + Duration::seconds(rng.below(3) as i64 * 3600);
        let image = if run > 1 {
            images[i / run]
                .get_or_insert_with(|| {
                    let first = i - i % run;
                    Image::draw(seed, starts[first], platforms_of(starts[first]), &shared)
                })
                .clone()
        } else {
            Image::draw(seed, starts[i], platforms_of(starts[i]), &shared)
        };
        tags.push(Tag {
            name: std::mem::take(&mut names[i]),
            id: 1_000_000 + i as u64,
            image_number: 2_000_000 + i as u64,
            digest: image.digest,
            config_digest: image.config_digest,
            schema: 2,
            size: image.size,
            is_trusted: false,
            created,
            updated,
            last_pulled: i.is_multiple_of(4).then_some(updated + Duration::days(1)),
            creator: shared.user.clone(),
            updater: shared.user.clone(),
            platforms: image.platforms,
            extras: None,
        });
    }
    tags
}

/// What a generated tag's image is: its digests, platforms and size.
#[derive(Clone)]
struct Image {
    digest: Digest,
    config_digest: Digest,
    platforms: Platforms,
    size: u64,
}

impl Image {
    /// The image drawn by the tag whose draws start at `start`, which has `n_platforms` platforms.
    fn draw(seed: u64, start: u64, n_platforms: usize, shared: &Shared) -> Image {
        // Past the update offset and the platform count.
        let mut rng = SplitMix::after(seed, start + 2);
        let digest = rng.digest();
        if n_platforms == 1 {
            // A single-platform tag's image is the tag's own manifest: its digest and size are the tag's.
            let size = 1_000_000 + rng.below(200_000_000);
            return Image {
                digest,
                config_digest: rng.digest(),
                platforms: Platforms::Own(shared.arches[0].clone()),
                size,
            };
        }
        let platforms: Box<[Platform]> = (0..n_platforms)
            .map(|p| Platform {
                descriptor: shared.arches[p % shared.arches.len()].clone(),
                digest: rng.digest(),
                size: 1_000_000 + rng.below(200_000_000),
            })
            .collect();
        Image {
            size: platforms.iter().map(|p| p.size).sum(),
            digest,
            config_digest: rng.digest(),
            platforms: Platforms::Images(platforms),
        }
    }
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

/// The latest update time of `tags` (a new repository's `updated_at`), or the generator's base time.
pub(crate) fn latest_update(tags: &[Tag]) -> DateTime<Utc> {
    tags.iter()
        .map(|t| t.updated)
        .max()
        .unwrap_or_else(base_time)
}

/// Puts `tags` into repository `repo` of namespace `ns`, creating both when missing; `latest` is
/// [`latest_update`] of the tags, passed in so a list shared by several repositories is read once.
pub(crate) fn insert_repository(
    reg: &mut Registry,
    ns: &str,
    repo: &str,
    tags: Arc<Vec<Tag>>,
    latest: DateTime<Utc>,
) {
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
        updated_at: latest,
        tags,
        index: Default::default(),
    });
}

/// What a spec generates, before it is put into its registry.
enum Generated {
    Tags {
        namespace: String,
        repository: String,
        tags: Arc<Vec<Tag>>,
    },
    /// (namespace, repository) pairs.
    Repositories(Vec<(String, Repository)>),
}

/// From this many generated tags in all the specs are generated on two threads (the embedded dataset has about five
/// thousand, generated at every start of `serve`).
const PARALLEL_FROM: usize = 2000;

/// Applies `specs` in order. Generating is a pure function of a spec, so the specs are generated on two threads when
/// there is enough to generate, then put into their registries one after the other, as before.
pub(crate) fn apply_all(
    specs: &[SyntheticSpec],
    registries: &mut [Registry],
) -> Result<(), String> {
    let work: Vec<usize> = specs.iter().map(SyntheticSpec::estimated_tags).collect();
    let total: usize = work.iter().sum();
    let generated: Vec<Result<Generated, String>> = if total >= PARALLEL_FROM && specs.len() > 1 {
        // Split where the first part holds about half the work.
        let mut acc = 0;
        let split = work
            .iter()
            .position(|w| {
                acc += w;
                2 * acc >= total
            })
            .map_or(specs.len(), |p| (p + 1).min(specs.len() - 1));
        let (first, second) = specs.split_at(split);
        std::thread::scope(|scope| {
            let other = std::thread::Builder::new()
                .name("regmock-synthetic".into())
                .spawn_scoped(scope, || {
                    second
                        .iter()
                        .map(SyntheticSpec::generate)
                        .collect::<Vec<_>>()
                });
            let mut out: Vec<_> = first.iter().map(SyntheticSpec::generate).collect();
            match other.map(|t| t.join()) {
                Ok(Ok(rest)) => out.extend(rest),
                // No thread could be started (or it failed): generate the rest here.
                _ => out.extend(second.iter().map(SyntheticSpec::generate)),
            }
            out
        })
    } else {
        specs.iter().map(SyntheticSpec::generate).collect()
    };
    for (spec, generated) in specs.iter().zip(generated) {
        spec.insert(registries, generated)?;
    }
    Ok(())
}

impl SyntheticSpec {
    fn registry(&self) -> &str {
        match self {
            SyntheticSpec::Repositories { registry, .. } | SyntheticSpec::Tags { registry, .. } => {
                registry
            }
        }
    }

    /// About how many tags the spec generates (repositories get 2.5 on average).
    fn estimated_tags(&self) -> usize {
        match self {
            SyntheticSpec::Tags { count, .. } => *count,
            SyntheticSpec::Repositories { count, .. } => count * 5 / 2,
        }
    }

    /// Puts what the spec generated into its registry; an unknown registry is reported before anything else.
    fn insert(
        &self,
        registries: &mut [Registry],
        generated: Result<Generated, String>,
    ) -> Result<(), String> {
        let registry_name = self.registry();
        let reg = registries
            .iter_mut()
            .find(|r| r.name == registry_name)
            .ok_or_else(|| format!("synthetic spec names unknown registry {registry_name:?}"))?;
        match generated? {
            Generated::Tags {
                namespace,
                repository,
                tags,
            } => {
                let latest = latest_update(&tags);
                insert_repository(reg, &namespace, &repository, tags, latest);
            }
            Generated::Repositories(repos) => {
                for (ns, repo) in repos {
                    namespace_mut(reg, &ns).repositories.push(repo);
                }
            }
        }
        Ok(())
    }

    /// The spec's data, which depends on nothing but the spec.
    fn generate(&self) -> Result<Generated, String> {
        match self {
            SyntheticSpec::Tags {
                namespace,
                repository,
                count,
                seed,
                max_platforms,
                shape,
                ..
            } => Ok(Generated::Tags {
                namespace: namespace.clone(),
                repository: repository.clone(),
                tags: Arc::new(generate_tags(*count, *seed, *max_platforms, shape)),
            }),
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
                let mut repos = Vec::with_capacity(*count);
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
                    // Before the generator's base time, where its tags' times start: a repository is never
                    // newer than its own tags. Repositories are created in order, 7 minutes apart.
                    let created_at = base - Duration::minutes((*count - i) as i64 * 7);
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
                        index: Default::default(),
                    };
                    repos.push((ns.clone(), repo));
                }
                Ok(Generated::Repositories(repos))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generator as it was: every tag in generation order from one generator, then a stable sort by name.
    fn generate_tags_in_order(
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
            let digest = rng.digest();
            let platforms: Vec<Platform> = (0..n_platforms)
                .map(|p| Platform {
                    descriptor: shared.arches[p % shared.arches.len()].clone(),
                    // A single-platform tag's image is the tag's own manifest: share the digest.
                    digest: if n_platforms == 1 {
                        digest.clone()
                    } else {
                        rng.digest()
                    },
                    size: 1_000_000 + rng.below(200_000_000),
                })
                .collect();
            let size = platforms.iter().map(|p| p.size).sum();
            let mut tag = Tag {
                name: shape.name(i, count),
                id: 1_000_000 + i as u64,
                image_number: 2_000_000 + i as u64,
                digest,
                config_digest: rng.digest(),
                schema: 2,
                size,
                is_trusted: false,
                created,
                updated,
                last_pulled: (i % 4 == 0).then_some(updated + Duration::days(1)),
                creator: shared.user.clone(),
                updater: shared.user.clone(),
                platforms: Platforms::Images(platforms.into_boxed_slice()),
                extras: None,
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

    #[test]
    fn digests_are_written_as_format_writes_them() {
        for seed in [0, 1, 0x5EED, u64::MAX] {
            let (mut fast, mut slow) = (SplitMix(seed), SplitMix(seed));
            let (a, b, c, d) = (slow.next(), slow.next(), slow.next(), slow.next());
            assert_eq!(
                fast.digest().to_string(),
                format!("sha256:{a:016x}{b:016x}{c:016x}{d:016x}")
            );
        }
    }

    #[test]
    fn tags_built_in_name_order_are_the_generated_ones() {
        let shapes = [
            TagShape::default(),
            TagShape {
                naming: TagNaming::Numbers,
                last_names: vec!["latest".into(), "stable".into()],
                digest_run: 3,
            },
            TagShape {
                naming: TagNaming::Versions,
                last_names: vec!["v0.0.1".into()],
                digest_run: 2,
            },
        ];
        for shape in &shapes {
            for max_platforms in [0, 1, 2, 3] {
                for count in [0, 1, 2, 7, 150, 1234] {
                    let seed = 7 + count as u64;
                    let got = generate_tags(count, seed, max_platforms, shape);
                    let want = generate_tags_in_order(count, seed, max_platforms, shape);
                    assert_eq!(
                        serde_json::to_string(&got).unwrap_or_default(),
                        serde_json::to_string(&want).unwrap_or_default(),
                        "{count} tags, {max_platforms} platforms, {shape:?}"
                    );
                    // A single platform is stored as the tag's own image, as a dataset file's would be.
                    assert!(
                        got.iter().all(|t| matches!(t.platforms, Platforms::Own(_))
                            == (t.platforms.len() == 1))
                    );
                }
            }
        }
    }
}
