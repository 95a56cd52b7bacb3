//! SWR routes: method + path → operation, with path parameters decoded.
//!
//! Repository names may contain `/`. The show-tag page says to send them with `$` in place of `/`; the official SDK
//! does not, and percent-encodes `/` as `%2F` instead. So a repository segment is accepted as `$`, `%24`, `%2F`, or even
//! raw `/` (everything between `/repos/` and the `/tags` read from the path's end), and `$` always means `/` once
//! decoded.

use crate::shared::query::decode;

/// An SWR operation with its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `GET /v2/manage/repos` (SDK `list_repos_details`).
    ListReposDetails,
    /// `GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags` (SDK `list_repository_tags`).
    ListRepositoryTags {
        /// Namespace.
        namespace: String,
        /// Repository, `$` already turned into `/`.
        repository: String,
    },
    /// `GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}` (SDK `show_repo_tag`).
    ShowRepoTag {
        /// Namespace.
        namespace: String,
        /// Repository, `$` already turned into `/`.
        repository: String,
        /// Tag.
        tag: String,
    },
}

/// Matches a request; `None` when SWR has no such API (the gateway's 404).
///
/// ```
/// use regmock::providers::swr::routes::{route, Route};
/// assert_eq!(
///     route("GET", "/v2/manage/namespaces/group/repos/library%24nginx/tags/latest"),
///     Some(Route::ShowRepoTag { namespace: "group".into(), repository: "library/nginx".into(), tag: "latest".into() })
/// );
/// ```
pub fn route(method: &str, path: &str) -> Option<Route> {
    if method != "GET" {
        return None;
    }
    let path = path.strip_suffix('/').unwrap_or(path);
    if path == "/v2/manage/repos" {
        return Some(Route::ListReposDetails);
    }
    let rest = path.strip_prefix("/v2/manage/namespaces/")?;
    let (namespace, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("repos/")?;
    let segments: Vec<&str> = rest.split('/').collect();
    // The repository may span raw `/` segments, so the path is read from its end: `…/tags/{tag}` is a show-tag, else
    // `…/tags` a tag list. Show-tag first, so that a tag named `tags` (`/repos/busybox/tags/tags`) is the documented
    // show-tag, not the list of a repository `busybox/tags` sent with a raw `/` (which `%2F` or `$` still reach).
    let (tags_at, tag) = match segments.as_slice() {
        [.., "tags", tag] if segments.len() > 2 => (segments.len() - 2, Some(*tag)),
        [.., "tags"] => (segments.len() - 1, None),
        _ => return None,
    };
    let namespace = decode(namespace);
    let repository = repository_name(&segments[..tags_at]);
    if namespace.is_empty() || repository.is_empty() {
        return None;
    }
    match tag {
        None => Some(Route::ListRepositoryTags {
            namespace,
            repository,
        }),
        Some(tag) if !tag.is_empty() => Some(Route::ShowRepoTag {
            namespace,
            repository,
            tag: decode(tag),
        }),
        Some(_) => None,
    }
}

fn repository_name(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| decode(s))
        .collect::<Vec<_>>()
        .join("/")
        .replace('$', "/")
}
