//! TCR wire types in API 3.0's spelling: everything inside `Response`, PascalCase keys, in the order of the vendor's
//! example.

use crate::model::{Digest, Tag};
use serde::Serialize;

/// The DescribeImages body (`{"Response": {...}}`).
#[derive(Debug, Serialize)]
pub struct DescribeImagesResponse<'a> {
    #[serde(rename = "Response")]
    response: DescribeImagesBody<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct DescribeImagesBody<'a> {
    request_id: String,
    image_info_list: Vec<TcrImageInfo<'a>>,
    total_count: u64,
}

impl<'a> DescribeImagesResponse<'a> {
    /// One page of images, the total of all matches and the request id.
    pub fn new(images: Vec<TcrImageInfo<'a>>, total: usize, request_id: String) -> Self {
        DescribeImagesResponse {
            response: DescribeImagesBody {
                request_id,
                image_info_list: images,
                total_count: total as u64,
            },
        }
    }
}

/// One image (SDK model `TcrImageInfo`). It borrows what it can from the tag: a page is projected for every request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TcrImageInfo<'a> {
    digest: &'a Digest,
    image_version: &'a str,
    size: u64,
    update_time: String,
    kind: String,
    kms_signature: &'a str,
}

impl<'a> TcrImageInfo<'a> {
    /// Projects a tag. `Kind` is `Artifact::<manifest media type>` as in the example; an unsigned image has an empty
    /// `KmsSignature` (undocumented; the field is always present in the example).
    pub fn new(tag: &'a Tag) -> Self {
        TcrImageInfo {
            digest: &tag.digest,
            image_version: tag.name.as_str(),
            size: tag.size,
            // Microseconds, as in the example (`2022-08-06T07:31:01.207374Z`).
            update_time: crate::shared::time::micros(tag.updated),
            kind: ["Artifact::", tag.manifest_media_type()].concat(),
            kms_signature: tag.kms_signature().unwrap_or_default(),
        }
    }
}

/// The API 3.0 error body.
#[derive(Debug, Serialize)]
pub struct ErrorResponse {
    #[serde(rename = "Response")]
    response: ErrorBody,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody {
    error: ErrorDetail,
    request_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorDetail {
    code: &'static str,
    message: String,
}

impl ErrorResponse {
    /// An error body.
    pub fn new(code: &'static str, message: String, request_id: String) -> Self {
        ErrorResponse {
            response: ErrorBody {
                error: ErrorDetail { code, message },
                request_id,
            },
        }
    }
}
