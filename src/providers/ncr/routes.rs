//! NCR routes: one path, three region prefixes. Each region is a separate data space.
//!
//! `imageName` is one path segment that the client URI-encodes (`hello%2Fworld` for `hello/world`); it is decoded
//! exactly once, so `hello%252Fworld` names the image `hello%2Fworld`. Undocumented: a raw `/` inside the image name
//! makes the path longer than the route, so the gateway answers its 404 `Not Found Exception` (errorCode 300), as for
//! any path it has no API for.

use crate::shared::query::decode;

/// Region prefixes (NCR "Get image tag list": Korea, Singapore, Japan) and the dataset's region ids.
pub const REGIONS: &[(&str, &str)] = &[
    ("/ncr/api/v2", "kr"),
    ("/ncr/sgn-api/v2", "sgn"),
    ("/ncr/jpn-api/v2", "jpn"),
];

/// `GET {prefix}/repositories/{registry}/{imageName}/tags` with its parameters decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagListRoute {
    /// Dataset region id (`kr`, `sgn`, `jpn`).
    pub region: &'static str,
    /// Registry name.
    pub registry: String,
    /// Image name, decoded once.
    pub image: String,
}

/// Matches a request; `None` when the gateway has no API there.
///
/// ```
/// use regmock::providers::ncr::routes::route;
/// let r = route("GET", "/ncr/sgn-api/v2/repositories/reg/hello%2Fworld/tags").unwrap();
/// assert_eq!((r.region, r.registry.as_str(), r.image.as_str()), ("sgn", "reg", "hello/world"));
/// assert!(route("GET", "/ncr/api/v2/repositories/reg/hello/world/tags").is_none());
/// ```
pub fn route(method: &str, path: &str) -> Option<TagListRoute> {
    if method != "GET" {
        return None;
    }
    let (prefix, region) = REGIONS.iter().find(|(p, _)| path.starts_with(p))?;
    let rest = path[prefix.len()..].strip_prefix("/repositories/")?;
    let (registry, rest) = rest.split_once('/')?;
    let (image, rest) = rest.split_once('/')?;
    (rest == "tags" && !registry.is_empty() && !image.is_empty()).then(|| TagListRoute {
        region,
        registry: decode(registry),
        image: decode(image),
    })
}
