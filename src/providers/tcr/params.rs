//! DescribeImages parameters, from a JSON body (`POST`) or a form-encoded query (`GET`).
//!
//! The page types Limit and Offset as Integer and ExactMatch as Boolean, but its own example sends `"Limit": "20"`, so
//! numbers and numeric strings are both accepted (and `"true"`/`"false"`, any case, for ExactMatch: the SDKs' GET form
//! sends Python's `True`). Undocumented choices (README, "Behaviour where the vendor docs are silent"):
//! - `Offset` is a 1-based page number (the page and both SDKs say so); `Offset` 0, which the vendor's example sends and
//!   answers with the first page, is page 1; `Limit` above 100 (the related actions' maximum) is 100. With
//!   [`crate::Options::strict`] both are `InvalidParameterValue` instead;
//! - `Limit` < 1 or `Offset` < 0 → `InvalidParameterValue`; a name that is empty → `InvalidParameterValue`;
//! - `ExactMatch` false or null means fuzzy, like leaving it out;
//! - an unknown parameter → `UnknownParameter`; a repeated query key keeps its last value.

use super::errors::{ApiError, TcrCode};
use super::routes::Route;
use crate::http::Request;
use crate::shared::query;
use serde_json::Value;

/// Page size when `Limit` is not given.
pub const DEFAULT_LIMIT: u64 = 20;
/// Largest page size (DescribeRepositories' and DescribeImagePersonal's documented maximum).
pub const MAX_LIMIT: u64 = 100;

/// Every parameter DescribeImages defines, in the SDK model's order.
pub const PARAMETERS: &[&str] = &[
    "RegistryId",
    "NamespaceName",
    "RepositoryName",
    "ImageVersion",
    "Limit",
    "Offset",
    "Digest",
    "ExactMatch",
];

/// Parsed DescribeImages parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DescribeImages {
    /// Instance id.
    pub registry_id: String,
    /// Namespace.
    pub namespace: String,
    /// Repository.
    pub repository: String,
    /// Tag filter; `None` or empty = every tag.
    pub image_version: Option<String>,
    /// Exact instead of fuzzy `ImageVersion`.
    pub exact: bool,
    /// Digest filter.
    pub digest: Option<String>,
    /// Page size after clamping.
    pub limit: u64,
    /// 1-based page number.
    pub page: u64,
}

/// One raw parameter value.
enum Raw<'a> {
    Json(&'a Value),
    Text(String),
}

/// Parses the parameters of `req`; `strict` refuses what the lenient defaults clamp (see the module docs).
///
/// ```
/// use regmock::http::Request;
/// use regmock::providers::tcr::{params, routes::Route};
/// let mut req = Request::new("POST", "/");
/// req.body = br#"{"RegistryId":"tcr-okmj78","NamespaceName":"team-01","RepositoryName":"nginx","Limit":"20","Offset":"0"}"#.to_vec();
/// let p = params::parse(&req, Route::DescribeImagesJson, false).unwrap();
/// assert_eq!((p.limit, p.page), (20, 1));
/// ```
pub fn parse(req: &Request, route: Route, strict: bool) -> Result<DescribeImages, ApiError> {
    parse_with(req, route, strict, strict)
}

/// [`parse`] with each lenient default chosen on its own: `reject_limit` refuses a `Limit` above 100 (else it is
/// 100), `reject_offset_zero` refuses `Offset` 0 (else it is page 1) — `serve --ambiguity tcr.limit.above-max=reject`
/// and `tcr.offset.zero=reject`.
///
/// ```
/// use regmock::{http::Request, providers::tcr::{params, routes::Route}};
/// let mut req = Request::new("POST", "/");
/// req.body = br#"{"RegistryId":"r","NamespaceName":"n","RepositoryName":"x","Offset":0}"#.to_vec();
/// assert!(params::parse_with(&req, Route::DescribeImagesJson, false, false).is_ok());
/// assert!(params::parse_with(&req, Route::DescribeImagesJson, false, true).is_err());
/// ```
pub fn parse_with(
    req: &Request,
    route: Route,
    reject_limit: bool,
    reject_offset_zero: bool,
) -> Result<DescribeImages, ApiError> {
    parse_silent(
        req,
        route,
        Silent {
            reject_limit,
            reject_offset_zero,
            ..Silent::default()
        },
    )
}

/// How [`parse_silent`] answers where the docs are silent (each field one `serve --ambiguity` alternative); the
/// default is regmock's: clamp `Limit` to 100, `Offset` 0 is page 1, out-of-range paging refused.
///
/// ```
/// use regmock::providers::tcr::params::Silent;
/// assert!(!Silent::default().honour_limit);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Silent {
    /// `Limit` above 100 is `InvalidParameterValue` (`tcr.limit.above-max=reject`).
    pub reject_limit: bool,
    /// `Limit` above 100 is served as asked, not clamped (`tcr.limit.above-max=honour`).
    pub honour_limit: bool,
    /// `Offset` 0 is `InvalidParameterValue` (`tcr.offset.zero=reject`).
    pub reject_offset_zero: bool,
    /// `Limit` below 1 or not an integer, and a negative `Offset`, are ignored as if absent
    /// (`tcr.paging.invalid=lenient`).
    pub lenient_paging: bool,
}

/// [`parse`] answering each undocumented case as `silent` says.
///
/// ```
/// use regmock::{http::Request, providers::tcr::{params::{self, Silent}, routes::Route}};
/// let mut req = Request::new("POST", "/");
/// req.body = br#"{"RegistryId":"r","NamespaceName":"n","RepositoryName":"x","Limit":500,"Offset":-3}"#.to_vec();
/// let honour = Silent { honour_limit: true, lenient_paging: true, ..Silent::default() };
/// let p = params::parse_silent(&req, Route::DescribeImagesJson, honour).unwrap();
/// assert_eq!((p.limit, p.page), (500, 1));
/// assert!(params::parse_silent(&req, Route::DescribeImagesJson, Silent::default()).is_err());
/// ```
pub fn parse_silent(
    req: &Request,
    route: Route,
    silent: Silent,
) -> Result<DescribeImages, ApiError> {
    let Silent {
        reject_limit,
        honour_limit,
        reject_offset_zero,
        lenient_paging,
    } = silent;
    let json: Value;
    let pairs: Vec<(String, Raw<'_>)> = match route {
        Route::DescribeImagesJson => {
            json = if req.body.iter().all(u8::is_ascii_whitespace) {
                Value::Object(Default::default())
            } else {
                serde_json::from_slice(&req.body)
                    .map_err(|e| invalid(format!("The request body is not valid JSON ({e}).")))?
            };
            let Value::Object(map) = &json else {
                return Err(invalid("The request body must be a JSON object.".into()));
            };
            map.iter().map(|(k, v)| (k.clone(), Raw::Json(v))).collect()
        }
        Route::DescribeImagesQuery => query::parse_form(req.query.as_deref())
            .into_iter()
            .map(|(k, v)| (k, Raw::Text(v)))
            .collect(),
    };
    if let Some((unknown, _)) = pairs
        .iter()
        .find(|(k, _)| !PARAMETERS.contains(&k.as_str()))
    {
        return Err(ApiError::new(
            TcrCode::UnknownParameter,
            format!("The parameter `{unknown}` is not defined for DescribeImages."),
        ));
    }
    // Later values win, as for a repeated query key.
    let get = |name: &str| pairs.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v);
    // Lenient paging ignores what it would refuse: an unreadable number is as if absent.
    let paging_integer = |name: &str| match integer(get(name), name) {
        Err(_) if lenient_paging => Ok(None),
        other => other,
    };
    let limit = match paging_integer("Limit")? {
        None => DEFAULT_LIMIT,
        Some(n) if n < 1 && lenient_paging => DEFAULT_LIMIT,
        Some(n) if n < 1 => return Err(out_of_range("Limit", n, "at least 1")),
        Some(n) if n as u64 > MAX_LIMIT && reject_limit => {
            return Err(out_of_range("Limit", n, "at most 100"));
        }
        Some(n) if honour_limit => n as u64,
        Some(n) => (n as u64).min(MAX_LIMIT),
    };
    let page = match paging_integer("Offset")? {
        None => 1,
        Some(n) if n < 0 && lenient_paging => 1,
        Some(n) if n < 0 => return Err(out_of_range("Offset", n, "a page number from 1")),
        Some(0) if reject_offset_zero => {
            return Err(out_of_range("Offset", 0, "a page number from 1"));
        }
        Some(n) => (n as u64).max(1),
    };
    Ok(DescribeImages {
        registry_id: required(get("RegistryId"), "RegistryId")?,
        namespace: required(get("NamespaceName"), "NamespaceName")?,
        repository: required(get("RepositoryName"), "RepositoryName")?,
        image_version: string(get("ImageVersion"), "ImageVersion")?,
        exact: boolean(get("ExactMatch"), "ExactMatch")?.unwrap_or(false),
        digest: string(get("Digest"), "Digest")?.filter(|d| !d.is_empty()),
        limit,
        page,
    })
}

fn invalid(detail: String) -> ApiError {
    ApiError::new(TcrCode::InvalidParameter, detail)
}

fn out_of_range(name: &str, value: i64, accepted: &str) -> ApiError {
    ApiError::new(
        TcrCode::InvalidParameterValue,
        format!("The value {value} of `{name}` is out of range: it must be {accepted}."),
    )
}

fn string(raw: Option<&Raw<'_>>, name: &str) -> Result<Option<String>, ApiError> {
    match raw {
        None | Some(Raw::Json(Value::Null)) => Ok(None),
        Some(Raw::Json(Value::String(s))) => Ok(Some(s.clone())),
        Some(Raw::Text(s)) => Ok(Some(s.clone())),
        Some(Raw::Json(_)) => Err(invalid(format!("The parameter `{name}` must be a String."))),
    }
}

fn required(raw: Option<&Raw<'_>>, name: &str) -> Result<String, ApiError> {
    match string(raw, name)? {
        None => Err(ApiError::new(
            TcrCode::MissingParameter,
            format!("The required parameter `{name}` is missing."),
        )),
        Some(s) if s.is_empty() => Err(ApiError::new(
            TcrCode::InvalidParameterValue,
            format!("The required parameter `{name}` is empty."),
        )),
        Some(s) => Ok(s),
    }
}

fn integer(raw: Option<&Raw<'_>>, name: &str) -> Result<Option<i64>, ApiError> {
    let not_integer = || invalid(format!("The parameter `{name}` must be an Integer."));
    match raw {
        None | Some(Raw::Json(Value::Null)) => Ok(None),
        Some(Raw::Json(Value::Number(n))) => n.as_i64().map(Some).ok_or_else(not_integer),
        Some(Raw::Json(Value::String(s))) | Some(Raw::Text(s)) => {
            s.trim().parse().map(Some).map_err(|_| not_integer())
        }
        Some(Raw::Json(_)) => Err(not_integer()),
    }
}

fn boolean(raw: Option<&Raw<'_>>, name: &str) -> Result<Option<bool>, ApiError> {
    let text = |s: &str| match s.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        _ => Err(invalid(format!(
            "The parameter `{name}` must be a Boolean."
        ))),
    };
    match raw {
        None | Some(Raw::Json(Value::Null)) => Ok(None),
        Some(Raw::Json(Value::Bool(b))) => Ok(Some(*b)),
        Some(Raw::Json(Value::String(s))) | Some(Raw::Text(s)) => text(s),
        Some(Raw::Json(_)) => Err(invalid(format!(
            "The parameter `{name}` must be a Boolean."
        ))),
    }
}
