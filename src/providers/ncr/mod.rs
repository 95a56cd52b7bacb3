//! NAVER Cloud Container Registry (NCR), "Get image tag list":
//! `GET /ncr/{api,sgn-api,jpn-api}/v2/repositories/{registry}/{imageName}/tags?page=&pagesize=`.
//!
//! Sources: `vendor-docs/ncr-get-image-tag-list.en.txt` and the gateway/signing facts in `notes/ncr.md`.
//!
//! Undocumented choices (indexed in the README):
//! - regions are separate data spaces: a registry exists in one region, and asking for it under another region's
//!   prefix is a 404;
//! - tags are ordered by `last_updated` descending, ties by name ascending, so pages never overlap or skip; tags a
//!   dataset marks `deleted` are not listed (NCR has no soft delete);
//! - paging defaults and limits: see [`params`]; a page past the end is 200 with empty `results`, the real `count`,
//!   `next: null`, and `previous` pointing at the last page that has items;
//! - errors: see [`errors`]; routes and the raw-`/` rule: see [`routes`]; signing: see [`auth`];
//! - every answer carries `x-ncp-trace-id` (seen on other NAVER Cloud gateway APIs) with the request id.

pub mod auth;
pub mod errors;
pub mod params;
pub mod routes;
pub mod wire;

use crate::http::{Request, Response};
use crate::model::{ProviderId, Registry, Repository};
use crate::providers::{Ctx, Provider};
use crate::shared::page;
use crate::transport::fault::Fault;
use errors::{ApiError, NcrCode};
use routes::TagListRoute;

/// The NCR provider.
#[derive(Debug)]
pub struct Ncr;

impl Provider for Ncr {
    fn id(&self) -> ProviderId {
        ProviderId::Ncr
    }

    fn claims(&self, req: &Request) -> bool {
        req.path.starts_with("/ncr/")
    }

    fn handle(&self, ctx: &Ctx<'_>, req: &Request) -> Response {
        let result = routes::route(&req.method, &req.path)
            .ok_or_else(|| ApiError::new(NcrCode::RouteNotFound, "no API at this path"))
            .and_then(|route| {
                auth::check(ctx, req)?;
                answer(ctx, req, &route)
            });
        result
            .unwrap_or_else(|e| e.render())
            .with_header("x-ncp-trace-id", ctx.request_id)
    }

    fn sample_curl(&self, base: &str) -> String {
        let target = "/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags";
        format!(
            "ts=$(date +%s000); sig=$(printf 'GET %s\\n%s\\n%s' '{target}' \"$ts\" regmock-access-key | openssl dgst -sha256 -hmac regmock-secret-key -binary | base64); curl -s -H \"x-ncp-apigw-timestamp: $ts\" -H 'x-ncp-iam-access-key: regmock-access-key' -H \"x-ncp-apigw-signature-v2: $sig\" '{base}{target}'"
        )
    }
}

fn answer(ctx: &Ctx<'_>, req: &Request, route: &TagListRoute) -> Result<Response, ApiError> {
    match ctx.fault {
        None => {}
        Some(Fault::Forbidden) => return Err(ApiError::new(NcrCode::Forbidden, "injected fault")),
        Some(Fault::InternalError) => {
            return Err(ApiError::new(
                NcrCode::InternalServerError,
                "injected fault",
            ));
        }
    }
    let paging = params::parse(req.query.as_deref())?;
    let (reg, repo) = find_image(ctx, route)?;
    // Undocumented: NCR has no soft delete, so tags a dataset marks `deleted` are not listed. Datasets rarely have
    // any, so the precomputed order is used as is unless one does.
    let order = repo.tags_by_updated(true);
    let live: Vec<u32>;
    let order = if repo.tags.iter().any(|t| t.deleted.is_some()) {
        live = order
            .iter()
            .copied()
            .filter(|&i| repo.tags[i as usize].deleted.is_none())
            .collect();
        &live[..]
    } else {
        order
    };
    let total = order.len();
    let at = page::numbered(paging.page, paging.size, total);
    let results = order[at.range]
        .iter()
        .map(|&i| wire::TagResult::new(reg, &repo.tags[i as usize]))
        .collect();
    let body = wire::GetImageTagListResponse {
        count: total as u64,
        next: at.next,
        previous: at.previous,
        results,
    };
    Ok(Response::json(200, &body))
}

/// The registry (in the route's region) and the image. NCR images live in namespace `""`; an image in another
/// namespace of a user dataset is addressed as `namespace/name`.
fn find_image<'a>(
    ctx: &Ctx<'a>,
    route: &TagListRoute,
) -> Result<(&'a Registry, &'a Repository), ApiError> {
    let reg = ctx
        .dataset
        .registries_of(ProviderId::Ncr)
        .find(|r| r.region == route.region && r.name == route.registry)
        .ok_or_else(|| {
            ApiError::new(
                NcrCode::NotFound,
                format!(
                    "registry {} does not exist in region {}",
                    route.registry, route.region
                ),
            )
        })?;
    reg.namespaces
        .iter()
        .flat_map(|ns| ns.repositories.iter().map(move |r| (ns, r)))
        .find(|(ns, r)| {
            if ns.name.is_empty() {
                r.name == route.image
            } else {
                route
                    .image
                    .strip_prefix(ns.name.as_str())
                    .and_then(|s| s.strip_prefix('/'))
                    == Some(r.name.as_str())
            }
        })
        .map(|(_, r)| (reg, r))
        .ok_or_else(|| {
            ApiError::new(
                NcrCode::NotFound,
                format!(
                    "image {} does not exist in registry {}",
                    route.image, route.registry
                ),
            )
        })
}
