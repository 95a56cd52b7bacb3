//! NAVER Cloud Container Registry (NCR), "Get image tag list":
//! `GET /ncr/{api,sgn-api,jpn-api}/v2/repositories/{registry}/{imageName}/tags?page=&pagesize=`.
//!
//! Sources: the vendor's "Get image tag list" API page and the gateway and signing behaviour of the official NCR SDKs.
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
pub mod openapi;
pub mod params;
pub mod quirks;
pub mod routes;
pub mod wire;

use crate::http::{Request, Response};
use crate::model::{ProviderId, Registry, Repository};
use crate::pipeline::{Cause, Ctx, KeyPair, Served, Spec, shell_quote};
use crate::shared::listing::{Selection, TagOrder, TagQuery};
use crate::shared::page;
use chrono::{DateTime, Utc};
use errors::{ApiError, NcrCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use routes::TagListRoute;

/// What a path segment escapes: everything but unreserved characters, so `/` in an image name becomes `%2F`.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The NCR provider.
#[derive(Debug)]
pub struct Ncr;

impl Spec for Ncr {
    const ID: ProviderId = ProviderId::Ncr;
    const REQUEST_ID_HEADER: Option<&'static str> = Some("x-ncp-trace-id");
    type Route = TagListRoute;
    type Code = NcrCode;

    fn claims(&self, req: &Request) -> bool {
        req.path.starts_with("/ncr/")
    }

    fn route(&self, req: &Request) -> Result<TagListRoute, ApiError> {
        routes::route(&req.method, &req.path)
            .ok_or_else(|| ApiError::new(NcrCode::RouteNotFound, "no API at this path"))
    }

    const OPERATIONS: &'static [&'static str] = &["get_image_tag_list"];

    fn operation(&self, _: &TagListRoute) -> &'static str {
        "get_image_tag_list"
    }

    fn authenticate(&self, ctx: &Ctx<'_>, req: &Request, _: &TagListRoute) -> Result<(), ApiError> {
        auth::check(ctx, req)
    }

    fn code_for(&self, cause: Cause, _: Option<&TagListRoute>) -> NcrCode {
        match cause {
            Cause::Forbidden => NcrCode::Forbidden,
            // NCR documents no rate limit: only an injected throttle fault gets the gateway's rate-limit error.
            Cause::Throttled => NcrCode::RateLimited,
            Cause::InternalError => NcrCode::InternalServerError,
            Cause::UnknownFault
            | Cause::BodyTooLarge
            | Cause::MalformedBody
            | Cause::MissingHost => NcrCode::BadRequest,
        }
    }

    fn answer(
        &self,
        ctx: &Ctx<'_>,
        req: &Request,
        route: &TagListRoute,
    ) -> Result<Response, ApiError> {
        // Test-only quirk hooks (quirks.rs): they pass everything through unless a self-test sets a quirk.
        quirks::request(ctx, req)?;
        // Where the docs are silent: paging answers as `serve --ambiguity` selected (default: clamp, 400).
        let emulated = ctx
            .options
            .get::<crate::conformance::ambiguities::Emulated>();
        let paging = params::parse_with(req.query.as_deref(), &emulated)?;
        let (reg, repo) = find_image(ctx, route)?;
        // Undocumented: NCR has no soft delete, so tags a dataset marks `deleted` are not listed.
        let query = TagQuery {
            live_only: true,
            ..TagQuery::all(TagOrder::UpdatedDesc)
        };
        let selection = Selection::of(repo, &query);
        let total = selection.len();
        // Where the docs are silent: a page past the last one is `200` empty unless `serve --ambiguity
        // ncr.page.past-end=not-found-404` selected the 404.
        let last_page = total.div_ceil(paging.size.max(1) as usize).max(1) as u64;
        if paging.page > last_page && emulated.serves("ncr.page.past-end", "not-found-404") {
            return Err(ApiError::new(
                NcrCode::NotFound,
                format!("page {} is past the last page {last_page}", paging.page),
            ));
        }
        let mut at = page::numbered(paging.page, paging.size, total);
        at.range = quirks::window(ctx, paging.page, at.range, total);
        // Where the docs are silent (`ncr.page.past-end-previous`): past the last page, `previous` is the last page
        // (the default), the asked page minus one, or null.
        if paging.page > last_page {
            at.previous = if emulated.serves("ncr.page.past-end-previous", "null") {
                None
            } else if emulated.serves("ncr.page.past-end-previous", "page-minus-one") {
                Some(paging.page - 1)
            } else {
                Some(last_page)
            };
        }
        let body = wire::GetImageTagListResponse {
            count: total as u64,
            next: at.next,
            previous: at.previous,
            results: selection
                .window(at.range)
                .map(|tag| wire::TagResult::new(reg, tag))
                .collect(),
        };
        Ok(quirks::response(ctx, req, Response::json(200, &body)))
    }

    fn render(&self, ctx: &Ctx<'_>, error: &ApiError) -> Response {
        quirks::render(ctx, error).unwrap_or_else(|| errors::render(error))
    }

    fn sample_curl(&self, base: &str, served: &Served<'_>) -> String {
        let Some((reg, ns, repo)) =
            served.repository(ProviderId::Ncr, ("ncr-example", "", "hello/world"))
        else {
            return "the dataset has no NCR image to show".into();
        };
        let prefix = routes::REGIONS
            .iter()
            .find(|(_, region)| *region == reg.region)
            .map_or(routes::REGIONS[0].0, |(prefix, _)| *prefix);
        let image = if ns.name.is_empty() {
            repo.name.clone()
        } else {
            format!("{}/{}", ns.name, repo.name)
        };
        let target = format!(
            "{prefix}/repositories/{}/{}/tags",
            utf8_percent_encode(&reg.name, SEGMENT),
            utf8_percent_encode(&image, SEGMENT)
        );
        let url = shell_quote(&format!("{base}{target}"));
        let Some(key) = served.key else {
            return format!("curl -s {url}");
        };
        let (ak, sk) = (shell_quote(&key.access_key), shell_quote(&key.secret_key));
        // bash + openssl: signature v2 of the raw target (see `auth`).
        format!(
            "ts=$(date +%s000); sig=$(printf 'GET %s\\n%s\\n%s' {target} \"$ts\" {ak} | openssl dgst -sha256 -hmac {sk} -binary | base64); curl -s -H \"x-ncp-apigw-timestamp: $ts\" -H {access} -H \"x-ncp-apigw-signature-v2: $sig\" {url}",
            target = shell_quote(&target),
            access = shell_quote(&format!("x-ncp-iam-access-key: {}", key.access_key)),
        )
    }

    fn example(&self) -> Request {
        Request::get("/ncr/api/v2/repositories/ncr-example/hello%2Fworld/tags")
    }

    fn sign(&self, req: &mut Request, key: &KeyPair, now: DateTime<Utc>, _host: &str) {
        auth::sign(req, key, now);
    }
}

/// The registry (in the route's region) and the image. NCR images live in namespace `""`; an image in another
/// namespace of a user dataset is addressed as `namespace/name`.
fn find_image<'a>(
    ctx: &Ctx<'a>,
    route: &TagListRoute,
) -> Result<(&'a Registry, &'a Repository), ApiError> {
    let reg = ctx
        .dataset
        .registry(ProviderId::Ncr, &route.registry)
        // Test-only quirk hook: inert unless a self-test sets it.
        .filter(|r| {
            r.region == route.region || quirks::active(ctx, quirks::NcrQuirk::RegionIgnored)
        })
        .ok_or_else(|| {
            ApiError::new(
                NcrCode::NotFound,
                format!(
                    "registry {} does not exist in region {}",
                    route.registry, route.region
                ),
            )
        })?;
    let image = &route.image;
    // `a/b/c` is image `a/b/c` of namespace "", else `b/c` of namespace `a`, else `c` of namespace `a/b`.
    let splits = image
        .match_indices('/')
        .map(|(i, _)| (&image[..i], &image[i + 1..]));
    std::iter::once(("", image.as_str()))
        .chain(splits)
        .find_map(|(ns, name)| reg.repository(ns, name).ok())
        .map(|repo| (reg, repo))
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
