//! Tags and their platform images, laid out for a repository of a million tags: digests in binary, the name inline,
//! a single-platform image's descriptor shared, and the rarely set fields behind one pointer. The dataset format is
//! unchanged: (de)serialisation goes through the flat shapes in [`file`].

use super::Digest;
use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

/// A tag: one manifest (or manifest list) reachable by name.
///
/// Strings that repeat across tags (users, platform descriptors) are shared `Arc`s, so a generated million-tag
/// repository stores each of them once; see the module docs for the rest of the layout.
///
/// ```
/// let tag: regmock::model::Tag = serde_json::from_value(serde_json::json!({
///     "name": "1.0", "size": 10, "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
///     "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
///     "kms_signature": "sig",
/// })).unwrap();
/// assert_eq!(tag.name, "1.0");
/// assert_eq!(tag.kms_signature(), Some("sig"));
/// assert_eq!(serde_json::to_value(&tag).unwrap()["kms_signature"], "sig");
/// ```
#[derive(Debug, Clone)]
pub struct Tag {
    /// Tag name (up to 24 bytes inline, without an allocation).
    pub name: CompactString,
    /// Numeric tag id.
    pub id: u64,
    /// Numeric image id (NCR `image_id`).
    pub image_number: u64,
    /// Manifest digest, `sha256:<hex>`.
    pub digest: Digest,
    /// Config blob digest, `sha256:<hex>` (SWR `image_id` is its hex part); empty when the dataset left it out.
    pub config_digest: Digest,
    /// Docker protocol version, 1 or 2.
    pub schema: u8,
    /// Total size in bytes.
    pub size: u64,
    /// Whether the image is signed/trusted (SWR `is_trusted`).
    pub is_trusted: bool,
    /// Creation time.
    pub created: DateTime<Utc>,
    /// Last update time.
    pub updated: DateTime<Utc>,
    /// Last pull time, `None` if never pulled.
    pub last_pulled: Option<DateTime<Utc>>,
    /// Id of the user who pushed it (NCR `creator`).
    pub creator: Arc<str>,
    /// Id of the user who last changed it (NCR `last_updater`).
    pub updater: Arc<str>,
    /// Platform images; more than one means a manifest list.
    pub platforms: Platforms,
    /// Fields most tags leave unset, in one allocation when any is set (see [`Tag::extras_mut`]).
    pub extras: Option<Box<TagExtras>>,
}

/// The fields of a [`Tag`] that most tags leave unset.
///
/// ```
/// let extras = regmock::model::TagExtras::default();
/// assert!(extras.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagExtras {
    /// Raw manifest JSON text, when known. When absent a provider that must show one renders it from the fields.
    pub manifest: Option<String>,
    /// Deletion time, if the tag is soft-deleted.
    pub deleted: Option<DateTime<Utc>>,
    /// Manifest media type, when the dataset states it (TCR `Kind` is `Artifact::<media type>`); otherwise derived
    /// from the platforms, see [`Tag::manifest_media_type`].
    pub media_type: Option<Arc<str>>,
    /// KMS signature of the image (TCR `KmsSignature`), when it is signed.
    pub kms_signature: Option<String>,
}

impl TagExtras {
    /// Whether no field is set (such extras are not stored).
    ///
    /// ```
    /// let extras = regmock::model::TagExtras { kms_signature: Some("s".into()), ..Default::default() };
    /// assert!(!extras.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        *self == TagExtras::default()
    }
}

/// A tag's platform images.
///
/// ```
/// use regmock::model::{Platforms, PlatformDescriptor};
/// let own = Platforms::Own(std::sync::Arc::new(PlatformDescriptor::new("amd64", "linux")));
/// assert_eq!(own.len(), 1);
/// assert!(Platforms::default().is_empty());
/// ```
#[derive(Debug, Clone)]
pub enum Platforms {
    /// One platform image that is the tag's own manifest: its digest and size are the tag's. The usual single-arch
    /// tag; the descriptor is shared between tags.
    Own(Arc<PlatformDescriptor>),
    /// Platform images with their own digests and sizes (several make a manifest list); may be empty.
    Images(Box<[Platform]>),
}

impl Default for Platforms {
    fn default() -> Self {
        Platforms::Images(Box::default())
    }
}

impl Platforms {
    /// How many platform images there are.
    ///
    /// ```
    /// assert_eq!(regmock::model::Platforms::Images(Box::default()).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        match self {
            Platforms::Own(_) => 1,
            Platforms::Images(images) => images.len(),
        }
    }

    /// Whether there is none.
    ///
    /// ```
    /// assert!(regmock::model::Platforms::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What a platform image is built for, and its config's media type: the part that repeats across tags.
///
/// ```
/// let d = regmock::model::PlatformDescriptor::new("arm64", "linux");
/// assert_eq!(&*d.media_type, "application/vnd.docker.container.image.v1+json");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformDescriptor {
    /// CPU architecture (`amd64`, `arm64`, ...).
    pub architecture: Arc<str>,
    /// Operating system (`linux`, `windows`).
    pub os: Arc<str>,
    /// Architecture variant (`v8`), if any.
    pub variant: Option<Arc<str>>,
    /// OS version, if any.
    pub os_version: Option<Arc<str>>,
    /// Media type of the image config.
    pub media_type: Arc<str>,
}

impl PlatformDescriptor {
    /// A descriptor without variant and OS version, with the Docker image config media type (the dataset default).
    ///
    /// ```
    /// let d = regmock::model::PlatformDescriptor::new("amd64", "linux");
    /// assert!(d.variant.is_none() && d.os_version.is_none());
    /// ```
    pub fn new(architecture: &str, os: &str) -> PlatformDescriptor {
        PlatformDescriptor {
            architecture: architecture.into(),
            os: os.into(),
            variant: None,
            os_version: None,
            media_type: file::default_media_type(),
        }
    }
}

/// One platform image of a tag with several (or with one that is not the tag's own manifest).
///
/// ```
/// use regmock::model::{Digest, Platform, PlatformDescriptor};
/// let p = Platform {
///     descriptor: std::sync::Arc::new(PlatformDescriptor::new("amd64", "linux")),
///     digest: Digest::sha256([1; 32]),
///     size: 10,
/// };
/// assert_eq!(p.as_ref().size, 10);
/// ```
#[derive(Debug, Clone)]
pub struct Platform {
    /// Architecture, OS and config media type.
    pub descriptor: Arc<PlatformDescriptor>,
    /// Digest of this platform's image.
    pub digest: Digest,
    /// Size in bytes.
    pub size: u64,
}

impl Platform {
    /// This image as a [`PlatformRef`].
    ///
    /// ```
    /// # use regmock::model::{Digest, Platform, PlatformDescriptor};
    /// # let p = Platform { descriptor: PlatformDescriptor::new("amd64", "linux").into(), digest: Digest::default(), size: 1 };
    /// assert_eq!(&*p.as_ref().descriptor.architecture, "amd64");
    /// ```
    pub fn as_ref(&self) -> PlatformRef<'_> {
        PlatformRef {
            descriptor: &self.descriptor,
            digest: &self.digest,
            size: self.size,
        }
    }
}

/// A platform image as read from a tag, whichever way the tag stores it (see [`Tag::platform_images`]).
///
/// ```
/// let data = regmock::model::Dataset::embedded().unwrap();
/// let tag = data.registries[0].namespaces[0].repositories[0].tags.first().unwrap();
/// for p in tag.platform_images() {
///     assert!(!p.descriptor.architecture.is_empty());
/// }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct PlatformRef<'a> {
    /// Architecture, OS and config media type.
    pub descriptor: &'a PlatformDescriptor,
    /// Digest of the platform's image.
    pub digest: &'a Digest,
    /// Size in bytes.
    pub size: u64,
}

impl Tag {
    /// SWR `tag_type`: 0 for a single manifest, 1 for a manifest list.
    ///
    /// ```
    /// let data = regmock::model::Dataset::embedded().unwrap();
    /// let tag = data.registries[0].namespaces[0].repositories[0].tags.first().unwrap();
    /// assert_eq!(tag.tag_type(), u8::from(tag.platforms.len() > 1));
    /// ```
    pub fn tag_type(&self) -> u8 {
        u8::from(self.platforms.len() > 1)
    }

    /// The platform images, in order: for [`Platforms::Own`] the one image with the tag's digest and size.
    ///
    /// ```
    /// let data = regmock::model::Dataset::embedded().unwrap();
    /// let tag = data.registries[0].namespaces[0].repositories[0].tags.first().unwrap();
    /// assert_eq!(tag.platform_images().count(), tag.platforms.len());
    /// ```
    pub fn platform_images(&self) -> impl ExactSizeIterator<Item = PlatformRef<'_>> + '_ {
        let (own, images): (Option<PlatformRef<'_>>, &[Platform]) = match &self.platforms {
            Platforms::Own(descriptor) => (
                Some(PlatformRef {
                    descriptor,
                    digest: &self.digest,
                    size: self.size,
                }),
                &[],
            ),
            Platforms::Images(images) => (None, images),
        };
        PlatformImages {
            own,
            images: images.iter(),
        }
    }

    /// The stored manifest text, if any.
    ///
    /// ```
    /// # let tag: regmock::model::Tag = serde_json::from_value(serde_json::json!({"name": "a", "size": 1,
    /// #     "digest": "sha256:1", "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"})).unwrap();
    /// assert_eq!(tag.manifest(), None);
    /// ```
    pub fn manifest(&self) -> Option<&str> {
        self.extras.as_ref()?.manifest.as_deref()
    }

    /// The soft-deletion time, if the tag is soft-deleted.
    ///
    /// ```
    /// # let tag: regmock::model::Tag = serde_json::from_value(serde_json::json!({"name": "a", "size": 1,
    /// #     "digest": "sha256:1", "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z",
    /// #     "deleted": "2026-02-01T00:00:00Z"})).unwrap();
    /// assert!(tag.deleted().is_some());
    /// ```
    pub fn deleted(&self) -> Option<DateTime<Utc>> {
        self.extras.as_ref()?.deleted
    }

    /// The media type the dataset states, if any (see [`Tag::manifest_media_type`] for the one served).
    ///
    /// ```
    /// # let tag: regmock::model::Tag = serde_json::from_value(serde_json::json!({"name": "a", "size": 1,
    /// #     "digest": "sha256:1", "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"})).unwrap();
    /// assert_eq!(tag.media_type(), None);
    /// ```
    pub fn media_type(&self) -> Option<&str> {
        self.extras.as_ref()?.media_type.as_deref()
    }

    /// The KMS signature (TCR `KmsSignature`), if the image is signed.
    ///
    /// ```
    /// # let tag: regmock::model::Tag = serde_json::from_value(serde_json::json!({"name": "a", "size": 1,
    /// #     "digest": "sha256:1", "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"})).unwrap();
    /// assert_eq!(tag.kms_signature(), None);
    /// ```
    pub fn kms_signature(&self) -> Option<&str> {
        self.extras.as_ref()?.kms_signature.as_deref()
    }

    /// The rarely set fields for changing, allocated on first use. Extras left with no field set are dropped the next
    /// time the tag is (de)serialised; they change no answer.
    ///
    /// ```
    /// # let mut tag: regmock::model::Tag = serde_json::from_value(serde_json::json!({"name": "a", "size": 1,
    /// #     "digest": "sha256:1", "created": "2026-01-01T00:00:00Z", "updated": "2026-01-01T00:00:00Z"})).unwrap();
    /// tag.extras_mut().kms_signature = Some("sig".into());
    /// assert_eq!(tag.kms_signature(), Some("sig"));
    /// ```
    pub fn extras_mut(&mut self) -> &mut TagExtras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// The manifest's media type: the stated one, else a Docker manifest list for several platforms and a Docker v2
    /// manifest for one (what [`Tag::manifest_text`] renders).
    ///
    /// ```
    /// let data = regmock::model::Dataset::embedded().unwrap();
    /// let tag = data.registries[0].namespaces[0].repositories[0].tags.first().unwrap();
    /// assert!(tag.manifest_media_type().starts_with("application/"));
    /// ```
    pub fn manifest_media_type(&self) -> &str {
        match self.media_type() {
            Some(m) => m,
            None if self.platforms.len() > 1 => manifest::LIST_V2,
            None => manifest::MANIFEST_V2,
        }
    }

    /// The manifest text: the stored one, or one rendered from the tag's fields (a Docker v2 manifest for one
    /// platform, a manifest list for several) so generated tags need not store kilobytes of JSON each. Keys come in
    /// the order Docker writes them (`schemaVersion` first), as in the vendors' examples.
    ///
    /// ```
    /// let data = regmock::model::Dataset::embedded().unwrap();
    /// let tag = data.registries[0].namespaces[0].repositories[0].tags.first().unwrap();
    /// assert!(tag.manifest_text().starts_with("{\"schemaVersion\":"));
    /// ```
    pub fn manifest_text(&self) -> String {
        if let Some(m) = self.manifest() {
            return m.to_string();
        }
        let rendered = if self.platforms.len() > 1 {
            serde_json::to_string(&manifest::List {
                schema_version: 2,
                media_type: manifest::LIST_V2,
                manifests: self
                    .platform_images()
                    .map(|p| manifest::PlatformEntry {
                        media_type: manifest::MANIFEST_V2,
                        size: p.size,
                        digest: p.digest,
                        platform: manifest::PlatformSpec {
                            architecture: &p.descriptor.architecture,
                            os: &p.descriptor.os,
                            variant: p.descriptor.variant.as_deref(),
                        },
                    })
                    .collect(),
            })
        } else {
            serde_json::to_string(&manifest::Single {
                schema_version: 2,
                media_type: manifest::MANIFEST_V2,
                // The config blob's size is not modelled; the documented example's is used.
                config: manifest::Descriptor {
                    media_type: manifest::CONFIG_V1,
                    size: 1862,
                    digest: &self.config_digest,
                },
                layers: [manifest::Descriptor {
                    media_type: manifest::LAYER_TAR_GZIP,
                    size: self.size,
                    digest: &self.digest,
                }],
            })
        };
        rendered.unwrap_or_default()
    }
}

/// [`Tag::platform_images`]: the own image, or the stored ones.
struct PlatformImages<'a> {
    own: Option<PlatformRef<'a>>,
    images: std::slice::Iter<'a, Platform>,
}

impl<'a> Iterator for PlatformImages<'a> {
    type Item = PlatformRef<'a>;
    fn next(&mut self) -> Option<PlatformRef<'a>> {
        self.own
            .take()
            .or_else(|| self.images.next().map(Platform::as_ref))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from(self.own.is_some()) + self.images.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for PlatformImages<'_> {}

/// Docker manifest shapes for [`Tag::manifest_text`].
mod manifest {
    use super::Digest;
    use serde::Serialize;

    pub(super) const MANIFEST_V2: &str = "application/vnd.docker.distribution.manifest.v2+json";
    pub(super) const LIST_V2: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
    pub(super) const CONFIG_V1: &str = "application/vnd.docker.container.image.v1+json";
    pub(super) const LAYER_TAR_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct Single<'a> {
        pub(super) schema_version: u8,
        pub(super) media_type: &'static str,
        pub(super) config: Descriptor<'a>,
        pub(super) layers: [Descriptor<'a>; 1],
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct Descriptor<'a> {
        pub(super) media_type: &'static str,
        pub(super) size: u64,
        pub(super) digest: &'a Digest,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct List<'a> {
        pub(super) schema_version: u8,
        pub(super) media_type: &'static str,
        pub(super) manifests: Vec<PlatformEntry<'a>>,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct PlatformEntry<'a> {
        pub(super) media_type: &'static str,
        pub(super) size: u64,
        pub(super) digest: &'a Digest,
        pub(super) platform: PlatformSpec<'a>,
    }

    #[derive(Serialize)]
    pub(super) struct PlatformSpec<'a> {
        pub(super) architecture: &'a str,
        pub(super) os: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub(super) variant: Option<&'a str>,
    }
}

impl Serialize for Tag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        file::TagOut::of(self).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Tag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tag, D::Error> {
        file::TagIn::deserialize(deserializer).map(Tag::from)
    }
}

impl Serialize for Platform {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        file::PlatformOut::of(self.as_ref()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Platform {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Platform, D::Error> {
        file::PlatformIn::deserialize(deserializer).map(Platform::from)
    }
}

impl From<file::PlatformIn> for Platform {
    fn from(p: file::PlatformIn) -> Platform {
        Platform {
            descriptor: Arc::new(PlatformDescriptor {
                architecture: p.architecture,
                os: p.os,
                variant: p.variant,
                os_version: p.os_version,
                media_type: p.media_type,
            }),
            digest: p.digest,
            size: p.size,
        }
    }
}

impl From<file::TagIn> for Tag {
    fn from(t: file::TagIn) -> Tag {
        let extras = TagExtras {
            manifest: t.manifest,
            deleted: t.deleted,
            media_type: t.media_type,
            kms_signature: t.kms_signature,
        };
        let mut images: Vec<Platform> = t.platforms.into_iter().map(Platform::from).collect();
        // A single image that is the tag's manifest is stored as the tag's own; it reads back the same.
        let platforms = match images.as_slice() {
            [only] if only.digest == t.digest && only.size == t.size => {
                Platforms::Own(images.swap_remove(0).descriptor)
            }
            _ => Platforms::Images(images.into_boxed_slice()),
        };
        Tag {
            name: t.name,
            id: t.id,
            image_number: t.image_number,
            digest: t.digest,
            config_digest: t.config_digest,
            schema: t.schema,
            size: t.size,
            is_trusted: t.is_trusted,
            created: t.created,
            updated: t.updated,
            last_pulled: t.last_pulled,
            creator: t.creator,
            updater: t.updater,
            platforms,
            extras: (!extras.is_empty()).then(|| Box::new(extras)),
        }
    }
}

/// The dataset format of tags and platforms: flat, every field in the order it has always been written.
mod file {
    use super::{Digest, PlatformRef, Platforms, Tag};
    use chrono::{DateTime, Utc};
    use compact_str::CompactString;
    use serde::{Deserialize, Serialize};
    use std::sync::Arc;

    pub(super) fn default_media_type() -> Arc<str> {
        Arc::from("application/vnd.docker.container.image.v1+json")
    }

    fn default_schema() -> u8 {
        2
    }

    /// A size within SWR's documented range (0 to 9223372036854775807): a larger one could not be answered as the
    /// vendor types it (int64 in the SDKs), so the dataset or the admin change carrying it is refused.
    fn documented_size<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
        let size = u64::deserialize(deserializer)?;
        if size > crate::model::MAX_SIZE {
            return Err(serde::de::Error::custom(format!(
                "size {size} is beyond 9223372036854775807, the documented maximum"
            )));
        }
        Ok(size)
    }

    /// A tag as read; named `Tag` so parse errors name what they always named.
    #[derive(Deserialize)]
    #[serde(rename = "Tag", deny_unknown_fields)]
    pub(super) struct TagIn {
        pub(super) name: CompactString,
        #[serde(default)]
        pub(super) id: u64,
        #[serde(default)]
        pub(super) image_number: u64,
        pub(super) digest: Digest,
        #[serde(default)]
        pub(super) config_digest: Digest,
        #[serde(default)]
        pub(super) manifest: Option<String>,
        #[serde(default = "default_schema")]
        pub(super) schema: u8,
        #[serde(deserialize_with = "documented_size")]
        pub(super) size: u64,
        #[serde(default)]
        pub(super) is_trusted: bool,
        pub(super) created: DateTime<Utc>,
        pub(super) updated: DateTime<Utc>,
        #[serde(default)]
        pub(super) last_pulled: Option<DateTime<Utc>>,
        #[serde(default)]
        pub(super) deleted: Option<DateTime<Utc>>,
        #[serde(default)]
        pub(super) creator: Arc<str>,
        #[serde(default)]
        pub(super) updater: Arc<str>,
        #[serde(default)]
        pub(super) platforms: Vec<PlatformIn>,
        #[serde(default)]
        pub(super) media_type: Option<Arc<str>>,
        #[serde(default)]
        pub(super) kms_signature: Option<String>,
    }

    /// A tag as written.
    #[derive(Serialize)]
    pub(super) struct TagOut<'a> {
        name: &'a str,
        id: u64,
        image_number: u64,
        digest: &'a Digest,
        config_digest: &'a Digest,
        #[serde(skip_serializing_if = "Option::is_none")]
        manifest: Option<&'a str>,
        schema: u8,
        size: u64,
        is_trusted: bool,
        created: DateTime<Utc>,
        updated: DateTime<Utc>,
        last_pulled: Option<DateTime<Utc>>,
        deleted: Option<DateTime<Utc>>,
        creator: &'a str,
        updater: &'a str,
        platforms: PlatformsOut<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        media_type: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        kms_signature: Option<&'a str>,
    }

    impl<'a> TagOut<'a> {
        pub(super) fn of(t: &'a Tag) -> TagOut<'a> {
            TagOut {
                name: &t.name,
                id: t.id,
                image_number: t.image_number,
                digest: &t.digest,
                config_digest: &t.config_digest,
                manifest: t.manifest(),
                schema: t.schema,
                size: t.size,
                is_trusted: t.is_trusted,
                created: t.created,
                updated: t.updated,
                last_pulled: t.last_pulled,
                deleted: t.deleted(),
                creator: &t.creator,
                updater: &t.updater,
                platforms: PlatformsOut(t),
                media_type: t.media_type(),
                kms_signature: t.kms_signature(),
            }
        }
    }

    /// A tag's platform images as the list they are written as.
    struct PlatformsOut<'a>(&'a Tag);

    impl Serialize for PlatformsOut<'_> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            match &self.0.platforms {
                Platforms::Images(images) => {
                    serializer.collect_seq(images.iter().map(|p| PlatformOut::of(p.as_ref())))
                }
                Platforms::Own(_) => {
                    serializer.collect_seq(self.0.platform_images().map(PlatformOut::of))
                }
            }
        }
    }

    /// A platform image as read; named `Platform` so parse errors name what they always named.
    #[derive(Deserialize)]
    #[serde(rename = "Platform", deny_unknown_fields)]
    pub(super) struct PlatformIn {
        pub(super) architecture: Arc<str>,
        pub(super) os: Arc<str>,
        #[serde(default)]
        pub(super) variant: Option<Arc<str>>,
        #[serde(default)]
        pub(super) os_version: Option<Arc<str>>,
        pub(super) digest: Digest,
        #[serde(deserialize_with = "documented_size")]
        pub(super) size: u64,
        #[serde(default = "default_media_type")]
        pub(super) media_type: Arc<str>,
    }

    /// A platform image as written.
    #[derive(Serialize)]
    pub(super) struct PlatformOut<'a> {
        architecture: &'a str,
        os: &'a str,
        variant: Option<&'a str>,
        os_version: Option<&'a str>,
        digest: &'a Digest,
        size: u64,
        media_type: &'a str,
    }

    impl<'a> PlatformOut<'a> {
        pub(super) fn of(p: PlatformRef<'a>) -> PlatformOut<'a> {
            PlatformOut {
                architecture: &p.descriptor.architecture,
                os: &p.descriptor.os,
                variant: p.descriptor.variant.as_deref(),
                os_version: p.descriptor.os_version.as_deref(),
                digest: p.digest,
                size: p.size,
                media_type: &p.descriptor.media_type,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layout the million-tag budget (300 bytes a tag, indexes included) is planned on.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_tag_stays_small() {
        assert_eq!(std::mem::size_of::<Digest>(), 40);
        assert_eq!(std::mem::size_of::<Platforms>(), 16);
        assert!(
            std::mem::size_of::<Tag>() <= 224,
            "{}",
            std::mem::size_of::<Tag>()
        );
    }

    #[test]
    fn a_tag_is_written_back_as_read() {
        let digest = format!("sha256:{}", "12".repeat(32));
        let other = format!("sha256:{}", "34".repeat(32));
        let platform = |digest: &str, size: u64| {
            serde_json::json!({"architecture": "arm64", "os": "linux", "variant": "v8", "os_version": null,
                "digest": digest, "size": size, "media_type": "m"})
        };
        for (platforms, own) in [
            (vec![], false),
            (vec![platform(&digest, 5)], true),
            (vec![platform(&digest, 6)], false),
            (vec![platform(&other, 5)], false),
            (vec![platform(&digest, 5), platform(&other, 5)], false),
        ] {
            let value = serde_json::json!({
                "name": "a-rather-long-tag-name-of-more-than-24-bytes", "id": 1, "image_number": 2,
                "digest": digest, "config_digest": "", "manifest": "{}", "schema": 2, "size": 5, "is_trusted": true,
                "created": "2026-01-01T00:00:00Z", "updated": "2026-01-02T00:00:00Z", "last_pulled": null,
                "deleted": "2026-01-03T00:00:00Z", "creator": "c", "updater": "u", "platforms": platforms,
                "media_type": "t", "kms_signature": "k"
            });
            let tag: Tag = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(matches!(tag.platforms, Platforms::Own(_)), own);
            assert_eq!(serde_json::to_value(&tag).ok(), Some(value));
            // The keys in the order they were always written.
            let written = serde_json::to_string(&tag).unwrap_or_default();
            let keys = [
                "name",
                "id",
                "image_number",
                "digest",
                "config_digest",
                "manifest",
                "schema",
                "size",
                "is_trusted",
                "created",
                "updated",
                "last_pulled",
                "deleted",
                "creator",
                "updater",
                "platforms",
                "media_type",
                "kms_signature",
            ];
            let at: Vec<usize> = keys
                .iter()
                .map(|k| written.find(&format!("\"{k}\":")).unwrap_or(usize::MAX))
                .collect();
            assert!(at.is_sorted() && at[17] < usize::MAX, "{written}");
        }
    }

    #[test]
    fn unknown_fields_are_refused_naming_the_tag() {
        let err = serde_json::from_str::<Tag>(r#"{"name": "a", "colour": 1}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("unknown field `colour`, expected one of `name`, `id`"),
            "{err}"
        );
        let err = serde_json::from_str::<Tag>("5")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.starts_with("invalid type: integer `5`, expected struct Tag"),
            "{err}"
        );
    }
}
