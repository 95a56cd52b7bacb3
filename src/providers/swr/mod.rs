//! Huawei Cloud SWR (SoftWare Repository for Container), API v2 "manage" operations:
//! - `GET /v2/manage/repos` — "Querying the Image Repository List" (SDK `list_repos_details`);
//! - `GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags` — "Querying the List of Image Repository Tags"
//!   (SDK `list_repository_tags`);
//! - `GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}` — "查询指定tag的镜像的详情" (SDK
//!   `show_repo_tag`).
//!
//! Sources: the vendor's three SWR API pages (list repositories, list tags, show tag) and the official SWR SDKs.
//!
//! Undocumented choices (indexed in the README):
//! - default order is `updated_at` descending; ties are broken by namespace then name ascending (repositories) or by
//!   tag name ascending (tags), so pages never overlap or skip;
//! - the `tag` filter of the tag list is a case-insensitive substring match, like the repository name filters the docs
//!   call "fuzzy"; `category` is an exact match and an unknown category simply matches nothing;
//! - `Content-Range: {offset}-{count}/{total}` is sent when `limit` or `offset` was given, individually or in `filter`;
//! - unknown namespace, repository or tag → 404 `SVCSTG.SWR.4040010`; unknown path or method → gateway 404 `APIGW.0101`.

pub mod auth;
pub mod errors;
pub mod openapi;
pub mod params;
pub mod quirks;
pub mod routes;
pub mod wire;

pub use errors::{SwrErrorStyle, SwrOptions};

use crate::http::{Request, Response};
use crate::model::{Missing, Namespace, ProviderId, Registry, Repository};
use crate::pipeline::{Cause, Ctx, KeyPair, Served, Spec, shell_quote};
use crate::shared::listing::{NameMatch, Selection, TagOrder, TagQuery};
use crate::shared::{fuzzy, page};
use chrono::{DateTime, Utc};
use errors::{ApiError, SwrCode};
use params::{ListKind, ListParams, OrderColumn};
use routes::Route;
use std::cmp::Ordering;

/// The SWR provider.
#[derive(Debug)]
pub struct Swr;

/// Path prefix of every SWR operation regmock serves.
pub const PATH_PREFIX: &str = "/v2/manage/";

impl Spec for Swr {
    const ID: ProviderId = ProviderId::Swr;
    const REQUEST_ID_HEADER: Option<&'static str> = Some("X-Request-Id");
    type Route = Route;
    type Code = SwrCode;

    fn claims(&self, req: &Request) -> bool {
        req.path.starts_with(PATH_PREFIX) || req.path == "/v2/manage"
    }

    fn route(&self, req: &Request) -> Result<Route, ApiError> {
        routes::route(&req.method, &req.path).ok_or_else(|| ApiError::new(SwrCode::ApiNotFound, ""))
    }

    const OPERATIONS: &'static [&'static str] = &[
        "list_repos_details",
        "list_repository_tags",
        "show_repo_tag",
    ];

    fn operation(&self, route: &Route) -> &'static str {
        match route {
            Route::ListReposDetails => "list_repos_details",
            Route::ListRepositoryTags { .. } => "list_repository_tags",
            Route::ShowRepoTag { .. } => "show_repo_tag",
        }
    }

    fn authenticate(&self, ctx: &Ctx<'_>, req: &Request, _: &Route) -> Result<(), ApiError> {
        auth::check(ctx, req)
    }

    fn code_for(&self, cause: Cause, route: Option<&Route>) -> SwrCode {
        match (cause, route) {
            (Cause::Forbidden, _) => SwrCode::Forbidden,
            (Cause::InternalError, Some(Route::ShowRepoTag { .. })) => SwrCode::ImageInfoFailed,
            // SWR documents no rate limit: only an injected throttle fault gets the gateway's 429.
            (Cause::Throttled, _) => SwrCode::Throttled,
            (Cause::InternalError, _) => SwrCode::ImageListFailed,
            (
                Cause::UnknownFault
                | Cause::BodyTooLarge
                | Cause::MalformedBody
                | Cause::MissingHost,
                _,
            ) => SwrCode::InvalidParameter,
        }
    }

    fn answer(&self, ctx: &Ctx<'_>, req: &Request, route: &Route) -> Result<Response, ApiError> {
        // Test-only quirk hooks (quirks.rs): they pass everything through unless a self-test sets a quirk.
        let quirked = quirks::request(ctx, route, req)?;
        quirks::response(ctx, route, req, answer(ctx, &quirked, route))
    }

    fn render(&self, ctx: &Ctx<'_>, error: &ApiError) -> Response {
        let error = &quirks::error(ctx, error);
        let style = ctx.options.get::<SwrOptions>().error_style;
        errors::render(error, style, &ctx.request_id.simple().to_string())
    }

    fn sample_curl(&self, base: &str, served: &Served<'_>) -> String {
        let url = match served.repository(ProviderId::Swr, ("", "group", "busybox")) {
            Some((_, ns, repo)) => format!(
                "{base}/v2/manage/repos?filter=namespace::{}|name::{}",
                ns.name, repo.name
            ),
            None => format!("{base}/v2/manage/repos"),
        };
        match served.token {
            Some(token) => format!(
                "curl -H {} {}",
                shell_quote(&format!("X-Auth-Token: {token}")),
                shell_quote(&url)
            ),
            None => format!("curl {}", shell_quote(&url)),
        }
    }

    fn example(&self) -> Request {
        Request::get("/v2/manage/repos?namespace=group&name=busybox")
    }

    fn sign(&self, req: &mut Request, key: &KeyPair, now: DateTime<Utc>, host: &str) {
        auth::sign(req, key, now, host);
    }
}

fn answer(ctx: &Ctx<'_>, req: &Request, route: &Route) -> Result<Response, ApiError> {
    let registry = ctx.dataset.registries_of(ProviderId::Swr).next();
    // Where the docs are silent: the alternatives `serve --ambiguity` selected.
    let emulated = ctx
        .options
        .get::<crate::conformance::ambiguities::Emulated>();
    match route {
        Route::ListReposDetails => {
            let params = params::parse_with(ListKind::Repos, req.query.as_deref(), &emulated)?;
            let case_sensitive = emulated.serves("swr.repos.fuzzy", "substring-cs");
            Ok(list_repos_details(registry, &params, case_sensitive))
        }
        Route::ListRepositoryTags {
            namespace,
            repository,
        } => {
            let params = params::parse_with(ListKind::Tags, req.query.as_deref(), &emulated)?;
            let (reg, repo) = find_repository(registry, namespace, repository)?;
            let tag_match = if emulated.serves("swr.tags.tag-match", "substring-cs") {
                TagMatch::CaseSensitive
            } else if emulated.serves("swr.tags.tag-match", "exact") {
                TagMatch::Exact
            } else {
                TagMatch::Folded
            };
            Ok(list_repository_tags(
                reg, namespace, repo, &params, tag_match,
            ))
        }
        Route::ShowRepoTag {
            namespace,
            repository,
            tag,
        } => {
            let (reg, repo) = find_repository(registry, namespace, repository)?;
            let index = repo
                .tags
                .binary_search_by(|t| t.name.as_str().cmp(tag))
                .map_err(|_| {
                    ApiError::new(
                        SwrCode::ImageNotFound,
                        format!("tag {tag} of repository {namespace}/{repository} does not exist"),
                    )
                })?;
            let body = wire::ShowRepoTagResponse::new(reg, namespace, repo, &repo.tags[index]);
            Ok(Response::json(200, &body))
        }
    }
}

fn find_repository<'a>(
    registry: Option<&'a Registry>,
    namespace: &str,
    repository: &str,
) -> Result<(&'a Registry, &'a Repository), ApiError> {
    let reg = registry.ok_or(Missing::Registry);
    reg.and_then(|reg| Ok((reg, reg.repository(namespace, repository)?)))
        .map_err(|_| {
            ApiError::new(
                SwrCode::ImageNotFound,
                format!("repository {namespace}/{repository} does not exist"),
            )
        })
}

fn content_range(params: &ListParams, count: usize, total: usize) -> Option<String> {
    params
        .paged
        .then(|| format!("{}-{}/{}", params.offset, count, total))
}

fn with_range(resp: Response, range: Option<String>) -> Response {
    match range {
        Some(r) => resp.with_header("Content-Range", r),
        None => resp,
    }
}

/// `case_sensitive`: `serve --ambiguity swr.repos.fuzzy=substring-cs` (the default folds ASCII case).
fn list_repos_details(
    registry: Option<&Registry>,
    params: &ListParams,
    case_sensitive: bool,
) -> Response {
    let fuzzy = |haystack: &str, needle: &str| match case_sensitive {
        true => haystack.contains(needle),
        false => fuzzy::matches(haystack, needle),
    };
    // Split once, not for every repository.
    let [namespaces, names, categories] = [&params.namespace, &params.name, &params.category]
        .map(|value| value.as_deref().map(|v| params.parts(v)));
    let mut matches: Vec<(&Namespace, &Repository)> = registry
        .into_iter()
        .flat_map(|reg| reg.namespaces.iter())
        .filter(|ns| {
            namespaces
                .as_ref()
                .is_none_or(|parts| parts.iter().any(|n| fuzzy(&ns.name, n)))
        })
        .flat_map(|ns| ns.repositories.iter().map(move |r| (ns, r)))
        .filter(|(_, r)| {
            names
                .as_ref()
                .is_none_or(|parts| parts.iter().any(|n| fuzzy(&r.name, n)))
        })
        .filter(|(_, r)| {
            categories
                .as_ref()
                .is_none_or(|parts| parts.contains(&r.category.as_str()))
        })
        .filter(|_| !params.matches_nothing)
        .collect();
    matches.sort_by(|a, b| compare_repos(params, a, b));
    let total = matches.len();
    let window = page::window(params.offset, params.limit, total);
    let items: Vec<wire::ShowReposResp> = match registry {
        Some(reg) => matches[window]
            .iter()
            .map(|(ns, r)| wire::ShowReposResp::new(reg, &ns.name, r, total as u64))
            .collect(),
        None => Vec::new(),
    };
    let range = content_range(params, items.len(), total);
    with_range(Response::json(200, &items), range)
}

fn compare_repos(
    params: &ListParams,
    a: &(&Namespace, &Repository),
    b: &(&Namespace, &Repository),
) -> Ordering {
    let primary = match params.order.column {
        OrderColumn::Updated => a.1.updated_at.cmp(&b.1.updated_at),
        OrderColumn::Name => a.1.name.cmp(&b.1.name),
        OrderColumn::TagCount => a.1.tags.len().cmp(&b.1.tags.len()),
    };
    let primary = if params.order.descending {
        primary.reverse()
    } else {
        primary
    };
    primary
        .then_with(|| a.0.name.cmp(&b.0.name))
        .then_with(|| a.1.name.cmp(&b.1.name))
}

/// How the tag list's `tag` matches (`swr.tags.tag-match`; the default folds ASCII case).
#[derive(Debug, Clone, Copy)]
enum TagMatch {
    Folded,
    CaseSensitive,
    Exact,
}

/// The tags named like `t`, in `order`.
fn tag_query(t: &str, tag_match: TagMatch, order: TagOrder) -> TagQuery<'_> {
    TagQuery {
        name: Some(match tag_match {
            TagMatch::Folded => NameMatch::Contains(t),
            TagMatch::CaseSensitive => NameMatch::ContainsCaseSensitive(t),
            TagMatch::Exact => NameMatch::Exact(t),
        }),
        ..TagQuery::all(order)
    }
}

fn list_repository_tags(
    reg: &Registry,
    namespace: &str,
    repo: &Repository,
    params: &ListParams,
    tag_match: TagMatch,
) -> Response {
    if params.matches_nothing {
        let none: [wire::ShowReposTagResp; 0] = [];
        return with_range(Response::json(200, &none), content_range(params, 0, 0));
    }
    let order = match (params.order.column, params.order.descending) {
        (OrderColumn::Name, false) => TagOrder::NameAsc,
        (OrderColumn::Name, true) => TagOrder::NameDesc,
        (_, false) => TagOrder::UpdatedAsc,
        (_, true) => TagOrder::UpdatedDesc,
    };
    let parts = params.tag.as_deref().map(|t| params.parts(t));
    if let Some(parts) = parts.filter(|p| p.len() > 1) {
        return any_of_tags(reg, namespace, repo, params, order, &parts, tag_match);
    }
    let selection = match params.tag.as_deref() {
        Some(t) => Selection::of(repo, &tag_query(t, tag_match, order)),
        None => Selection::of(repo, &TagQuery::all(order)),
    };
    let total = selection.len();
    let items: Vec<wire::ShowReposTagResp> = selection
        .window(page::window(params.offset, params.limit, total))
        .map(|tag| wire::ShowReposTagResp::new(reg, namespace, repo, tag))
        .collect();
    let range = content_range(params, items.len(), total);
    with_range(Response::json(200, &items), range)
}

/// `swr.filter.comma-in-value=any-of`: the tags matching any of `parts`, in `order`. Unindexed (every tag in order,
/// kept when one part matched it): only a filter with `,` in its `tag` value under that alternative comes here.
fn any_of_tags(
    reg: &Registry,
    namespace: &str,
    repo: &Repository,
    params: &ListParams,
    order: TagOrder,
    parts: &[&str],
    tag_match: TagMatch,
) -> Response {
    let mut matched = std::collections::HashSet::new();
    for part in parts {
        let s = Selection::of(repo, &tag_query(part, tag_match, order));
        matched.extend(s.window(0..s.len()).map(|t| t.name.as_str()));
    }
    let all = Selection::of(repo, &TagQuery::all(order));
    let tags: Vec<_> = all
        .window(0..all.len())
        .filter(|t| matched.contains(t.name.as_str()))
        .collect();
    let total = tags.len();
    let items: Vec<wire::ShowReposTagResp> = tags[page::window(params.offset, params.limit, total)]
        .iter()
        .map(|tag| wire::ShowReposTagResp::new(reg, namespace, repo, tag))
        .collect();
    let range = content_range(params, items.len(), total);
    with_range(Response::json(200, &items), range)
}
