//! NCR wire types in the vendor's spelling (`mediaType`, `full_size`, ...). Times are epoch milliseconds.

use crate::model::{Digest, PlatformRef, Registry, Tag};
use serde::Serialize;
use std::sync::Arc;

/// The tag-list body (`GET .../tags`).
#[derive(Debug, Serialize)]
pub struct GetImageTagListResponse {
    /// Number of tags across all pages.
    pub count: u64,
    /// Next page number, `null` on the last page.
    pub next: Option<u64>,
    /// Previous page number, `null` on the first page.
    pub previous: Option<u64>,
    /// Tags of this page.
    pub results: Vec<TagResult>,
}

/// One tag of `results`.
#[derive(Debug, Serialize)]
pub struct TagResult {
    creator: Arc<str>,
    digest: Digest,
    full_size: u64,
    id: u64,
    image_id: u64,
    images: Vec<ImageInfo>,
    last_updated: i64,
    last_updater: Arc<str>,
    name: String,
    repository: u64,
    v2: bool,
}

impl TagResult {
    /// Projects a tag of a registry.
    pub fn new(reg: &Registry, tag: &Tag) -> TagResult {
        TagResult {
            creator: tag.creator.clone(),
            digest: tag.digest.clone(),
            full_size: tag.size,
            id: tag.id,
            image_id: tag.image_number,
            images: tag
                .platform_images()
                .map(|p| ImageInfo::new(tag, p))
                .collect(),
            last_updated: tag.updated.timestamp_millis(),
            last_updater: tag.updater.clone(),
            name: String::from(tag.name.as_str()),
            repository: reg.id,
            v2: tag.schema == 2,
        }
    }
}

/// One entry of `images[]`: a platform image.
#[derive(Debug, Serialize)]
pub struct ImageInfo {
    architecture: Arc<str>,
    created: i64,
    digest: Digest,
    features: &'static str,
    latest_pulled: i64,
    #[serde(rename = "mediaType")]
    media_type: Arc<str>,
    os: Arc<str>,
    os_features: &'static str,
    os_version: Option<Arc<str>>,
    size: u64,
    updated: i64,
    variant: Option<Arc<str>>,
}

impl ImageInfo {
    fn new(tag: &Tag, p: PlatformRef<'_>) -> ImageInfo {
        let d = p.descriptor;
        ImageInfo {
            architecture: d.architecture.clone(),
            created: tag.created.timestamp_millis(),
            digest: p.digest.clone(),
            // "Not used" per the docs; the example shows "".
            features: "",
            // Undocumented: 0 means never pulled, as in the example.
            latest_pulled: tag.last_pulled.map_or(0, |t| t.timestamp_millis()),
            media_type: d.media_type.clone(),
            os: d.os.clone(),
            os_features: "",
            os_version: d.os_version.clone(),
            size: p.size,
            updated: tag.updated.timestamp_millis(),
            variant: d.variant.clone(),
        }
    }
}
