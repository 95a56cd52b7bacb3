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
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

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

/// One raw parameter value: a query value, or what matters of a JSON body's value (its kind, and the value of a string
/// or an integer).
///
/// The body is read into these, not into a `serde_json::Value`: a `Value` allocates a map and a string for every key
/// and value, and DescribeImages is parsed for every request (about 6,000 instructions a request, measured).
#[derive(Debug, PartialEq)]
enum Raw<'a> {
    Null,
    Bool(bool),
    /// A JSON number: the integer, when it is one that fits `i64` (a float with no fraction counts, as in JSON Schema).
    Number(Option<i64>),
    Text(Cow<'a, str>),
    /// A JSON object's members, in order (the body itself; a parameter that is an object is refused whole).
    Object(Vec<(Cow<'a, str>, Raw<'a>)>),
    /// A JSON array.
    Other,
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = Raw<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Raw<'de>, E> {
        Ok(Raw::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Raw<'de>, E> {
        Ok(Raw::Bool(b))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Raw<'de>, E> {
        Ok(Raw::Number(Some(n)))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Raw<'de>, E> {
        Ok(Raw::Number(i64::try_from(n).ok()))
    }
    fn visit_f64<E>(self, n: f64) -> Result<Raw<'de>, E> {
        Ok(Raw::Number(integral(n)))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Raw<'de>, E> {
        Ok(Raw::Text(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Raw<'de>, E> {
        Ok(Raw::Text(Cow::Owned(s.to_string())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Raw<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Raw::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Raw<'de>, A::Error> {
        let mut members = Vec::new();
        while let Some((Key(key), value)) = map.next_entry::<Key<'de>, Raw<'de>>()? {
            members.push((key, value));
        }
        Ok(Raw::Object(members))
    }
}

/// A JSON object's key, borrowed from the body unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Raw::deserialize(deserializer)? {
            Raw::Text(text) => Ok(Key(text)),
            _ => Err(de::Error::custom("a key that is not a string")),
        }
    }
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
    let pairs: Vec<(Cow<'_, str>, Raw<'_>)> = match route {
        Route::DescribeImagesJson => {
            let body = if req.body.iter().all(u8::is_ascii_whitespace) {
                Raw::Object(Vec::new())
            } else {
                serde_json::from_slice(&req.body).map_err(|e| {
                    // serde_json's nesting limit (128) is not a syntax error: say what it is.
                    if e.to_string().starts_with("recursion limit exceeded") {
                        invalid("The request body nests JSON more than 128 levels deep.".into())
                    } else {
                        invalid(format!("The request body is not valid JSON ({e})."))
                    }
                })?
            };
            let Raw::Object(mut members) = body else {
                return Err(invalid("The request body must be a JSON object.".into()));
            };
            // In key order, as a JSON object map holds them: the unknown parameter named is the first in that order.
            // The sort is stable, so of a repeated key the last still wins.
            members.sort_by(|(a, _), (b, _)| a.cmp(b));
            members
        }
        Route::DescribeImagesQuery => query::parse_form(req.query.as_deref())
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k), Raw::Text(Cow::Owned(v))))
            .collect(),
    };
    if let Some((unknown, _)) = pairs
        .iter()
        .find(|(k, _)| !PARAMETERS.contains(&k.as_ref()))
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
        None | Some(Raw::Null) => Ok(None),
        Some(Raw::Text(s)) => Ok(Some(s.to_string())),
        Some(_) => Err(invalid(format!("The parameter `{name}` must be a String."))),
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

/// `n` as an integer when it has no fraction: `20.0`, `1e2` and `-0` are integers to JSON Schema (and to the request
/// schema of `schemas/tcr/`). The range check keeps the conversion exact: 2^63 is the first float above `i64::MAX`.
fn integral(n: f64) -> Option<i64> {
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    (n.fract() == 0.0 && n >= i64::MIN as f64 && n < i64::MAX as f64).then_some(n as i64)
}

/// A string's integer: digits, as the request schema's pattern says, so no `+`, no spaces and no fraction
/// (`str::parse` alone would take `+20`). A `-` before digits is read too, so that `"-1"` is the value error a negative
/// number is; `"-0"` is neither a schema spelling nor a negative value.
fn text_integer(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    (n != 0 || digits.len() == s.len()).then_some(n)
}

fn integer(raw: Option<&Raw<'_>>, name: &str) -> Result<Option<i64>, ApiError> {
    let not_integer = || invalid(format!("The parameter `{name}` must be an Integer."));
    match raw {
        None | Some(Raw::Null) => Ok(None),
        Some(Raw::Number(n)) => n.map(Some).ok_or_else(not_integer),
        Some(Raw::Text(s)) => text_integer(s).map(Some).ok_or_else(not_integer),
        Some(_) => Err(not_integer()),
    }
}

fn boolean(raw: Option<&Raw<'_>>, name: &str) -> Result<Option<bool>, ApiError> {
    let not_boolean = || invalid(format!("The parameter `{name}` must be a Boolean."));
    match raw {
        None | Some(Raw::Null) => Ok(None),
        Some(Raw::Bool(b)) => Ok(Some(*b)),
        Some(Raw::Text(s)) => match s.to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(not_boolean()),
        },
        Some(_) => Err(not_boolean()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// What the parser made of a value when it read a `serde_json::Value`.
    fn from_value(value: Value) -> Raw<'static> {
        match value {
            Value::Null => Raw::Null,
            Value::Bool(b) => Raw::Bool(b),
            Value::Number(n) => Raw::Number(n.as_i64().or_else(|| n.as_f64().and_then(integral))),
            Value::String(s) => Raw::Text(Cow::Owned(s)),
            Value::Array(_) => Raw::Other,
            Value::Object(map) => Raw::Object(
                map.into_iter()
                    .map(|(k, v)| (Cow::Owned(k), from_value(v)))
                    .collect(),
            ),
        }
    }

    /// What the body parser makes of `json`, and what it made of it when it read a `serde_json::Value`.
    fn both(json: &str) -> (Raw<'_>, Raw<'static>) {
        let raw: Raw<'_> = serde_json::from_str(json).unwrap();
        (raw, from_value(serde_json::from_str(json).unwrap()))
    }

    #[test]
    fn body_values_read_as_a_json_value_reads_them() {
        for json in [
            "null",
            "true",
            "0",
            "-9223372036854775808",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "1.0",
            "1e3",
            r#""20""#,
            r#""esc\u0061ped \"""#,
            "[1, [2], {}]",
            r#"{"a": {"b": [null]}}"#,
        ] {
            let (raw, expected) = both(json);
            assert_eq!(raw, expected, "{json}");
        }
    }

    #[test]
    fn an_object_keeps_its_members_in_order_with_escaped_keys_decoded() {
        let Raw::Object(members) =
            serde_json::from_str(r#"{"b": 1, "a\u0062": "x", "b": {"c": []}}"#).unwrap()
        else {
            panic!("an object");
        };
        let keys: Vec<&str> = members.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["b", "ab", "b"]);
        assert_eq!(members[0].1, Raw::Number(Some(1)));
        assert_eq!(
            members[2].1,
            Raw::Object(vec![(Cow::Borrowed("c"), Raw::Other)])
        );
        assert!(serde_json::from_str::<Raw<'_>>("{").is_err());
    }
}
