//! Tencent Cloud Container Registry (TCR), API 3.0 action `DescribeImages` (version 2019-09-24):
//! `POST /` with `X-TC-Action: DescribeImages`, signed with TC3-HMAC-SHA256.
//!
//! Sources: the vendor's DescribeImages page and the SDK facts of the official Python and Node SDKs.
//!
//! Undocumented choices (indexed in the README): routing and check order, see [`routes`]; paging, types and limits,
//! see [`params`]; signing, see [`auth`]; and here:
//! - images are ordered by update time descending, ties by tag name ascending, so pages never overlap or skip;
//! - fuzzy `ImageVersion` is a case-insensitive substring match; exact is byte equality; `Digest` is exact and combines
//!   with `ImageVersion`;
//! - an unknown instance is `ResourceNotFound`; an unknown namespace or repository of a known instance is
//!   `ResourceNotFound.TcrResourceNotFound` ("the resource of the TCR instance was not found");
//! - the request's region is not checked against the instance's (any non-empty `X-TC-Region` is accepted).

pub mod auth;
pub mod errors;
pub mod openapi;
pub mod params;
pub mod quirks;
pub mod routes;
pub mod wire;

use crate::http::{Request, Response};
use crate::model::{Missing, ProviderId};
use crate::pipeline::{Cause, Ctx, KeyPair, RateKey, Served, Spec, shell_quote};
use crate::shared::listing::{NameMatch, Selection, TagOrder, TagQuery};
use crate::shared::page;
use chrono::{DateTime, Utc};
use errors::{ApiError, TcrCode};
use routes::Route;

/// The TCR provider.
#[derive(Debug)]
pub struct Tcr;

/// DescribeImages' documented limit: "A maximum of 100 requests can be initiated per second for this API."
pub const REQUESTS_PER_SECOND: u32 = 100;

impl Spec for Tcr {
    const ID: ProviderId = ProviderId::Tcr;
    // The request id travels in the body (`Response.RequestId`), with dashes.
    const REQUEST_ID_HEADER: Option<&'static str> = None;
    type Route = Route;
    type Code = TcrCode;

    fn claims(&self, req: &Request) -> bool {
        req.path == "/"
    }

    fn route(&self, req: &Request) -> Result<Route, ApiError> {
        routes::route(req)
    }

    const OPERATIONS: &'static [&'static str] = &[routes::ACTION];

    fn operation(&self, _: &Route) -> &'static str {
        routes::ACTION
    }

    fn authenticate(&self, ctx: &Ctx<'_>, req: &Request, _: &Route) -> Result<(), ApiError> {
        auth::check(ctx, req)
    }

    fn rate_limit<'r>(&self, req: &'r Request, _: &Route) -> Option<RateKey<'r>> {
        Some(RateKey {
            action: routes::ACTION,
            caller: auth::secret_id(req).unwrap_or(""),
            per_second: REQUESTS_PER_SECOND,
        })
    }

    fn code_for(&self, cause: Cause, _: Option<&Route>) -> TcrCode {
        match cause {
            Cause::InternalError => TcrCode::InternalError,
            Cause::Forbidden => TcrCode::UnauthorizedOperation,
            Cause::Throttled => TcrCode::RequestLimitExceeded,
            Cause::UnknownFault
            | Cause::BodyTooLarge
            | Cause::MalformedBody
            | Cause::MissingHost => TcrCode::InvalidParameter,
        }
    }

    fn answer(&self, ctx: &Ctx<'_>, req: &Request, route: &Route) -> Result<Response, ApiError> {
        // Test-only quirk hooks (quirks.rs): they pass everything through unless a self-test sets a quirk.
        quirks::request(ctx, req)?;
        // Where the docs are silent: `--strict`, or the alternatives `serve --ambiguity` selected.
        let emulated = ctx
            .options
            .get::<crate::conformance::ambiguities::Emulated>();
        let strict = ctx.options.strict;
        let silent = params::Silent {
            reject_limit: strict || emulated.serves("tcr.limit.above-max", "reject"),
            honour_limit: !strict && emulated.serves("tcr.limit.above-max", "honour"),
            reject_offset_zero: strict || emulated.serves("tcr.offset.zero", "reject"),
            lenient_paging: !strict && emulated.serves("tcr.paging.invalid", "lenient"),
        };
        let mut p = params::parse_silent(req, *route, silent).map_err(|mut e| {
            if e.code == TcrCode::UnknownParameter
                && emulated.serves("tcr.unknown-parameter.code", "InvalidParameter")
            {
                e.code = TcrCode::InvalidParameter;
            }
            e
        })?;
        quirks::params(ctx, &mut p);
        // Where the docs are silent (`tcr.not-found.{instance,namespace,repository}-code`): by default the instance
        // is ResourceNotFound and the rest TcrResourceNotFound; each kind of name can get any of the four codes.
        let code_for = |id: &str, default: TcrCode| {
            [
                TcrCode::ResourceNotFound,
                TcrCode::TcrResourceNotFound,
                TcrCode::ErrNoNamespace,
                TcrCode::ErrNoRepo,
            ]
            .into_iter()
            .find(|code| emulated.serves(id, crate::pipeline::ErrorCode::as_str(*code)))
            .unwrap_or(default)
        };
        let missing = |m: Missing| {
            let (code, what) = match m {
                Missing::Registry => (
                    code_for("tcr.not-found.instance-code", TcrCode::ResourceNotFound),
                    format!("instance {}", p.registry_id),
                ),
                Missing::Namespace => (
                    code_for("tcr.not-found.namespace-code", TcrCode::TcrResourceNotFound),
                    format!("namespace {}", p.namespace),
                ),
                Missing::Repository => (
                    code_for(
                        "tcr.not-found.repository-code",
                        TcrCode::TcrResourceNotFound,
                    ),
                    format!("repository {}/{}", p.namespace, p.repository),
                ),
            };
            ApiError::new(code, format!("The {what} does not exist."))
        };
        let reg = ctx
            .dataset
            .registry(ProviderId::Tcr, &p.registry_id)
            .ok_or(Missing::Registry)
            .map_err(missing)?;
        let repo = reg
            .repository(&p.namespace, &p.repository)
            .map_err(missing)?;
        let name = p
            .image_version
            .as_deref()
            .filter(|v| !v.is_empty())
            .map(|v| {
                if p.exact {
                    NameMatch::Exact(v)
                } else if emulated.serves("tcr.image-version.fuzzy", "substring-cs") {
                    NameMatch::ContainsCaseSensitive(v)
                } else {
                    NameMatch::Contains(v)
                }
            });
        // Undocumented: TCR has no soft delete (nothing in DescribeImages' output says an image was deleted), so
        // tags a dataset marks `deleted` are not listed, as for NCR.
        let query = TagQuery {
            name,
            digest: p.digest.as_deref(),
            live_only: true,
            ..TagQuery::all(TagOrder::UpdatedDesc)
        };
        let selection = Selection::of(repo, &query);
        let total = selection.len();
        let at = quirks::paging(ctx, p.page, p.limit, total)
            .unwrap_or_else(|| page::numbered(p.page, p.limit, total));
        let images = selection
            .window(at.range)
            .map(wire::TcrImageInfo::new)
            .collect();
        let body = wire::DescribeImagesResponse::new(
            images,
            total,
            ctx.request_id.hyphenated().to_string(),
        );
        Ok(quirks::response(ctx, req, Response::json(200, &body)))
    }

    fn render(&self, ctx: &Ctx<'_>, error: &ApiError) -> Response {
        let error = &quirks::error(ctx, error);
        quirks::rendered(
            ctx,
            errors::render(error, ctx.request_id.hyphenated().to_string()),
        )
    }

    fn sample_curl(&self, base: &str, served: &Served<'_>) -> String {
        let Some((reg, ns, repo)) =
            served.repository(ProviderId::Tcr, ("tcr-okmj78", "team-01", "nginx"))
        else {
            return "the dataset has no TCR repository to show".into();
        };
        let body = serde_json::json!({
            "RegistryId": reg.name,
            "NamespaceName": ns.name,
            "RepositoryName": repo.name,
        })
        .to_string();
        let headers = "-H 'Content-Type: application/json' -H 'X-TC-Action: DescribeImages' -H 'X-TC-Version: 2019-09-24' -H 'X-TC-Region: ap-guangzhou'";
        let url = shell_quote(&format!("{base}/"));
        let Some(key) = served.key else {
            return format!("curl -s {url} {headers} -d {}", shell_quote(&body));
        };
        let host = base.strip_prefix("http://").unwrap_or(base);
        // bash + openssl: the TC3 steps of `shared::tc3`, service `tcr`, signed headers `content-type;host`.
        format!(
            concat!(
                "ts=$(date +%s); d=$(date -u -d @$ts +%F); b={body}; ",
                "hx() {{ openssl dgst -sha256 -hex \"$@\" | sed 's/^.* //'; }}; ",
                "cr=$(printf 'POST\\n/\\n\\ncontent-type:application/json\\nhost:%s\\n\\ncontent-type;host\\n%s' {host} \"$(printf %s \"$b\" | hx)\"); ",
                "s=$(printf 'TC3-HMAC-SHA256\\n%s\\n%s/tcr/tc3_request\\n%s' \"$ts\" \"$d\" \"$(printf %s \"$cr\" | hx)\"); ",
                "k=$(printf %s \"$d\" | hx -mac HMAC -macopt key:{secret}); ",
                "k=$(printf tcr | hx -mac HMAC -macopt hexkey:$k); k=$(printf tc3_request | hx -mac HMAC -macopt hexkey:$k); ",
                "sig=$(printf %s \"$s\" | hx -mac HMAC -macopt hexkey:$k); ",
                "curl -s {url} {headers} -H \"X-TC-Timestamp: $ts\" ",
                "-H \"Authorization: TC3-HMAC-SHA256 Credential={id}/$d/tcr/tc3_request, SignedHeaders=content-type;host, Signature=$sig\" ",
                "-d \"$b\""
            ),
            body = shell_quote(&body),
            host = shell_quote(host),
            secret = shell_quote(&format!("TC3{}", key.secret_key)),
            id = key.access_key.replace(['"', '\\', '$', '`'], ""),
            url = url,
            headers = headers,
        )
    }

    fn example(&self) -> Request {
        // The vendor's example, string-typed numbers and Offset 0 included.
        let mut req = Request::new("POST", "/")
            .header("Content-Type", "application/json")
            .header("X-TC-Action", routes::ACTION)
            .header("X-TC-Version", routes::VERSION)
            .header("X-TC-Region", "ap-guangzhou");
        req.body = br#"{"Limit": "20", "NamespaceName": "team-01", "RepositoryName": "nginx", "RegistryId": "tcr-okmj78", "Offset": "0"}"#.to_vec();
        req
    }

    fn sign(&self, req: &mut Request, key: &KeyPair, now: DateTime<Utc>, host: &str) {
        auth::sign(req, &key.access_key, &key.secret_key, now.timestamp(), host);
    }
}
