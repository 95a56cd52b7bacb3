//! SWR wire types in the vendor's spelling (`Tag` with a capital T in list items, `tag` in show-tag).

use crate::model::{Digest, Registry, Repository, Tag};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Repository time format: microseconds, as in the list-repositories example (`2021-06-10T03:24:44.784402Z`).
fn repo_time(t: DateTime<Utc>) -> String {
    crate::shared::time::micros(t)
}

/// Tag time format: whole seconds, as in the tag examples (`2018-07-06T06:18:55Z`).
fn tag_time(t: DateTime<Utc>) -> String {
    crate::shared::time::seconds(t)
}

/// `address/namespace/repo`, with `:tag` when given. Joined rather than `format!`ed: one allocation of the exact
/// size, a fraction of `format!`'s cost, for every item of every list.
fn image_path(address: &str, namespace: &str, repo: &str, tag: Option<&str>) -> String {
    let tag = tag.map_or([""; 2], |t| [":", t]);
    [address, "/", namespace, "/", repo, tag[0], tag[1]].concat()
}

/// One item of `GET /v2/manage/repos` (SDK model `ShowReposResp`).
#[derive(Debug, Serialize)]
pub struct ShowReposResp<'a> {
    name: &'a str,
    category: &'a str,
    description: &'a str,
    size: u64,
    is_public: bool,
    num_images: u64,
    num_download: u64,
    created_at: String,
    updated_at: String,
    logo: &'static str,
    url: &'static str,
    path: String,
    internal_path: String,
    domain_name: &'a str,
    namespace: &'a str,
    tags: Vec<&'a str>,
    status: bool,
    total_range: u64,
}

impl<'a> ShowReposResp<'a> {
    /// Projects a repository; `total_range` is the number of matches of the whole query. It borrows what it can from
    /// the data: every item of a list names all of its repository's tags.
    pub fn new(
        reg: &'a Registry,
        namespace: &'a str,
        repo: &'a Repository,
        total_range: u64,
    ) -> Self {
        ShowReposResp {
            name: &repo.name,
            category: &repo.category,
            description: &repo.description,
            size: repo.size(),
            is_public: repo.is_public,
            num_images: repo.tags.len() as u64,
            num_download: repo.num_download,
            created_at: repo_time(repo.created_at),
            updated_at: repo_time(repo.updated_at),
            // Reserved fields: the documented example shows them empty.
            logo: "",
            url: "",
            path: image_path(&reg.address, namespace, &repo.name, None),
            internal_path: image_path(&reg.internal_address, namespace, &repo.name, None),
            domain_name: &reg.domain_name,
            namespace,
            tags: repo.tags.iter().map(|t| t.name.as_str()).collect(),
            status: false,
            total_range,
        }
    }
}

/// Fields shared by a list-tags item and the show-tag body.
#[derive(Debug, Serialize)]
struct TagFields {
    id: u64,
    repo_id: u64,
    image_id: String,
    manifest: String,
    digest: Digest,
    schema: u8,
    path: String,
    internal_path: String,
    size: u64,
    is_trusted: bool,
    created: String,
    updated: String,
    domain_id: String,
    tag_type: u8,
}

impl TagFields {
    fn new(reg: &Registry, namespace: &str, repo: &Repository, tag: &Tag) -> Self {
        let config_digest = tag.config_digest.text();
        let image_id = config_digest
            .strip_prefix("sha256:")
            .unwrap_or(&config_digest);
        TagFields {
            id: tag.id,
            repo_id: repo.id,
            image_id: image_id.to_string(),
            manifest: tag.manifest_text(),
            digest: tag.digest.clone(),
            schema: tag.schema,
            path: image_path(&reg.address, namespace, &repo.name, Some(&tag.name)),
            internal_path: image_path(
                &reg.internal_address,
                namespace,
                &repo.name,
                Some(&tag.name),
            ),
            size: tag.size,
            is_trusted: tag.is_trusted,
            created: tag_time(tag.created),
            updated: tag_time(tag.updated),
            domain_id: reg.domain_id.clone(),
            tag_type: tag.tag_type(),
        }
    }
}

/// One item of the list-tags answer (SDK model `ShowReposTagResp`).
#[derive(Debug, Serialize)]
pub struct ShowReposTagResp {
    #[serde(rename = "Tag")]
    tag: String,
    #[serde(flatten)]
    fields: TagFields,
    deleted: Option<String>,
}

impl ShowReposTagResp {
    /// Projects a tag as a list item.
    pub fn new(reg: &Registry, namespace: &str, repo: &Repository, tag: &Tag) -> Self {
        ShowReposTagResp {
            tag: String::from(tag.name.as_str()),
            fields: TagFields::new(reg, namespace, repo, tag),
            deleted: tag.deleted().map(tag_time),
        }
    }
}

/// The show-tag body (SDK `ShowRepoTagResponse`).
#[derive(Debug, Serialize)]
pub struct ShowRepoTagResponse {
    tag: String,
    #[serde(flatten)]
    fields: TagFields,
}

impl ShowRepoTagResponse {
    /// Projects a tag for show-tag.
    pub fn new(reg: &Registry, namespace: &str, repo: &Repository, tag: &Tag) -> Self {
        ShowRepoTagResponse {
            tag: String::from(tag.name.as_str()),
            fields: TagFields::new(reg, namespace, repo, tag),
        }
    }
}
