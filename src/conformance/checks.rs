//! The registry of checks: one table, in the order the runner executes it (discovery first, the checks that judge every
//! answer of the session last).
//!
//! Each row names the vendor passage it enforces. *Required* means documented (or what the official SDKs demonstrably
//! depend on, per the official SDKs' sources); *recommended* is reported without failing the verdict.

use super::runner::CheckFn;
use super::{ncr, runner, swr, tcr};
use crate::model::ProviderId;

/// How much a failure weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Documented, or relied upon by the official SDKs: a failure fails the verdict.
    Required,
    /// Good practice the docs imply: reported only.
    Recommended,
}

/// One row of the registry.
///
/// ```
/// let check = regmock::conformance::CHECKS.iter().find(|c| c.id == "tcr.images.offset-is-page").unwrap();
/// assert_eq!(check.severity, regmock::conformance::Severity::Required);
/// assert!(check.source.contains("Page number"));
/// ```
pub struct Check {
    /// `provider.operation.aspect`.
    pub id: &'static str,
    /// Which provider's suite runs it.
    pub provider: ProviderId,
    /// One line saying what must hold.
    pub title: &'static str,
    /// The vendor doc page and passage (or official SDK source) it enforces.
    pub source: &'static str,
    /// Required or recommended.
    pub severity: Severity,
    /// What runs it.
    pub(crate) run: CheckFn,
}

impl std::fmt::Debug for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Check").field("id", &self.id).finish()
    }
}

// Keeps the table one line of metadata per check.
const fn check(
    id: &'static str,
    provider: ProviderId,
    severity: Severity,
    title: &'static str,
    source: &'static str,
    run: CheckFn,
) -> Check {
    Check {
        id,
        provider,
        title,
        source,
        severity,
        run,
    }
}

use ProviderId::{Ncr, Swr, Tcr};
use Severity::{Recommended, Required};

// The vendor pages, as macros so each source below is one literal (`concat!` takes only literals).
macro_rules! swr_repos {
    () => {
        "SWR API reference, \"Querying the Image Repository List\" (GET /v2/manage/repos)"
    };
}
macro_rules! swr_tags {
    () => {
        "SWR API reference, \"Querying the List of Image Repository Tags\""
    };
}
macro_rules! ncr_tags {
    () => {
        "NCR API guide, \"Get image tag list\""
    };
}
macro_rules! tcr_images {
    () => {
        "TCR API 3.0, \"DescribeImages\" (2019-09-24)"
    };
}

/// Every check of every provider.
pub static CHECKS: &[Check] = &[
    // --- SWR ---
    check(
        "swr.discovery",
        Swr,
        Required,
        "the unfiltered repository list and each target's tag list can be walked with limit/offset and hold data",
        concat!(
            swr_repos!(),
            " / ",
            swr_tags!(),
            ": limit \"Number of returned records\", offset \"Start index\"; nothing to check is an error, never a pass"
        ),
        swr::discovery,
    ),
    check(
        "swr.repos.page.concat",
        Swr,
        Required,
        "repository pages of any size concatenate to the same list, without duplicates or gaps",
        concat!(
            swr_repos!(),
            ", offset: \"The value can be 0 or a positive integer multiple of the limit value\""
        ),
        swr::repos_concat,
    ),
    check(
        "swr.repos.content-range",
        Swr,
        Required,
        "Content-Range is offset-count/total on every paged repository answer; total_range is the total",
        concat!(
            swr_repos!(),
            ", Table 2: Content-Range \"Offset (Start index) – Count (Number of records on the current page)/Total (Total number of records). If the offset and limit parameters are transferred in the request, Content-Range will be added\"; Table 4: total_range \"Total number of records\""
        ),
        swr::repos_content_range,
    ),
    check(
        "swr.repos.page.invalid",
        Swr,
        Required,
        "limit/offset of 0, negative or non-numeric are a 400 with the SWR error body (or, where the docs are silent, a well-formed 200), never a 5xx",
        concat!(
            swr_repos!(),
            ", Status Code: \"400 Request error. Error information is returned.\""
        ),
        swr::repos_invalid,
    ),
    check(
        "swr.repos.filter",
        Swr,
        Required,
        "namespace and name are fuzzy (substring) filters, category an exact one; results equal the reference filter over the walk",
        concat!(
            swr_repos!(),
            ", filter: \"namespace: organization name. It supports fuzzy match. name: image repository name. It supports fuzzy match. category: image repository type\""
        ),
        swr::repos_filter,
    ),
    check(
        "swr.repos.sort",
        Swr,
        Required,
        "the repository list sorts by updated_at (individual parameters) and by name, updated_time and tag_count inside filter=, asc and desc, every repository once",
        concat!(
            swr_repos!(),
            ", order_column \"updated_at\", order_type \"desc or asc\"; filter: \"order_column: sorting by column. It can be set to name, updated_time, or tag_count\""
        ),
        swr::repos_sort,
    ),
    check(
        "swr.tags.page.concat",
        Swr,
        Required,
        "tag pages of any size and any offset slice concatenate to the walk, without duplicates or gaps",
        concat!(
            swr_tags!(),
            ", limit \"Number of returned records\", offset \"Start index\""
        ),
        swr::tags_concat,
    ),
    check(
        "swr.repos.fields",
        Swr,
        Required,
        "path and internal_path end in /{namespace}/{name}; each target's num_images and tags are its tag list's count and names",
        concat!(
            swr_repos!(),
            ", Table 4: num_images \"Number of image tags in an image repository\", tags \"Image tag list\", path and internal_path \"The format is {Repository address}/{Namespace name}/{Repository name}\""
        ),
        swr::repos_fields,
    ),
    check(
        "swr.tags.content-range",
        Swr,
        Required,
        "Content-Range is present on paged tag answers and reads offset-count/total with the right numbers, total the same on every page",
        concat!(
            swr_tags!(),
            ", Table 4: Content-Range \"Offset (Start index) – Count (Number of records on the current page)/Total (Total number of records)\""
        ),
        swr::tags_content_range,
    ),
    check(
        "swr.tags.page.past-end",
        Swr,
        Required,
        "an offset at or past the total answers 200 with an empty array",
        concat!(
            swr_tags!(),
            ", offset \"Start index\" (no record starts there); issue 11: past-the-end pages are empty and well formed"
        ),
        swr::tags_past_end,
    ),
    check(
        "swr.tags.page.sizes",
        Swr,
        Required,
        "limit 1, 1000 and above 1000 are answered as documented (above the maximum: any accepted answer)",
        concat!(
            swr_tags!(),
            ", limit; SDK docstrings (the official SWR SDK sources): \"limit defaults to 100, maximum 1000\""
        ),
        swr::tags_sizes,
    ),
    check(
        "swr.tags.page.invalid",
        Swr,
        Required,
        "limit/offset of 0, negative or non-numeric are a 400 with the SWR error body (or, where the docs are silent, a well-formed 200), never a 5xx",
        concat!(
            swr_tags!(),
            ", Status Code: \"400 Request error. Error information is returned.\""
        ),
        swr::tags_invalid,
    ),
    check(
        "swr.tags.filter",
        Swr,
        Required,
        "the tag filter's results equal the reference filter over the walk, in list order",
        concat!(
            swr_tags!(),
            ", tag \"Image tag name\"; the repository list's filters \"support fuzzy match\""
        ),
        swr::tags_filter,
    ),
    check(
        "swr.tags.filter-grammar",
        Swr,
        Required,
        "filter=key::value|... (percent-encoded or raw, any segment order) equals the individual parameters; empty segments, unknown and repeated keys get an accepted answer",
        concat!(
            swr_tags!(),
            ", filter: \"Set this parameter to offset::{offset}|limit::{limit}|order_column::{order_column}|order_type::{order_type}|tag::{tag}\"; the official SWR SDK sources: the SDK percent-encodes | and :"
        ),
        swr::tags_filter_grammar,
    ),
    check(
        "swr.tags.sort",
        Swr,
        Required,
        "order_column=updated_at with order_type asc/desc orders by update time, stable across pages",
        concat!(
            swr_tags!(),
            ", order_column \"updated_at (sorting by update time)\", order_type \"desc (descending sort) or asc (ascending sort)\""
        ),
        swr::tags_sort,
    ),
    check(
        "swr.tags.show",
        Swr,
        Required,
        "a listed tag is shown (show_repo_tag) with the same name, in the lower-case `tag` key, and digest",
        "SWR API reference, 查询指定tag的镜像的详情 (GET /v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}), 表3: tag, digest",
        swr::tags_show,
    ),
    check(
        "swr.errors.not-found",
        Swr,
        Required,
        "an unknown namespace, repository or tag is a 404 with the SWR error body and a not-found code",
        concat!(
            swr_tags!(),
            ", Status Code: \"404 The repository does not exist.\"; show tag (查询指定tag的镜像的详情); SWR \"Error Codes\" appendix (SVCSTG.SWR.4040010)"
        ),
        swr::errors_not_found,
    ),
    check(
        "swr.auth.signed",
        Swr,
        Required,
        "a request signed with SDK-HMAC-SHA256 (or carrying the given X-Auth-Token) is accepted",
        "the official SWR SDK sources, Signing (SDK-HMAC-SHA256): what the official SDK sends",
        swr::auth_signed,
    ),
    check(
        "swr.auth.tampered",
        Swr,
        Required,
        "a request whose signature was altered is a 401 with a gateway authentication error",
        "SWR status codes: \"401 Authentication failed\"; the official SWR SDK sources, Errors: 401 APIGW.0301 \"Incorrect IAM authentication information\"",
        swr::auth_tampered,
    ),
    check(
        "swr.auth.stale",
        Swr,
        Required,
        "a request signed an hour ago (X-Sdk-Date) is a 401",
        "SWR status codes: \"401 Authentication failed\"; Huawei API Gateway: signed requests expire after 15 minutes",
        swr::auth_stale,
    ),
    check(
        "swr.auth.wrong-key",
        Swr,
        Required,
        "a request signed with an unknown AK is a 401",
        "SWR status codes: \"401 Authentication failed\"",
        swr::auth_wrong_key,
    ),
    check(
        "swr.schema",
        Swr,
        Required,
        "every body of the session validates against its JSON Schema (schemas/swr/)",
        concat!(
            swr_repos!(),
            " Tables 3-4; ",
            swr_tags!(),
            " Tables 5-6; show tag 表3, \"Error Codes\" appendix; the official SWR SDK sources, Responses"
        ),
        runner::schema,
    ),
    check(
        "swr.schema.extra-fields",
        Swr,
        Recommended,
        "bodies carry no fields beyond the documented ones",
        "the same tables: the SDK ignores unknown keys, so extra fields are harmless but undocumented",
        runner::schema_extra,
    ),
    // --- NCR ---
    check(
        "ncr.discovery",
        Ncr,
        Required,
        "each target's tag list can be walked with page/pagesize and holds data",
        concat!(
            ncr_tags!(),
            ": page \"Page number to query\", pagesize \"Size of the page to query\""
        ),
        ncr::discovery,
    ),
    check(
        "ncr.page.concat",
        Ncr,
        Required,
        "pages of any size concatenate to the same list, without duplicates or gaps; page p of size s is items (p-1)s+1..ps",
        concat!(ncr_tags!(), ", Request query parameters: page, pagesize"),
        ncr::concat,
    ),
    check(
        "ncr.page.count",
        Ncr,
        Required,
        "count is the same on every page and equals the number of tags",
        concat!(
            ncr_tags!(),
            ", Response body: count \"Total number\" (the official NCR SDK sources: for tags, the number of tags)"
        ),
        ncr::count,
    ),
    check(
        "ncr.page.links",
        Ncr,
        Required,
        "next is the next page number and null on the last page; previous the previous page number and null on the first",
        concat!(
            ncr_tags!(),
            ", Response body: next \"Number of the next page. It returns null if there is no next page\", previous \"It returns null if there is no previous page\""
        ),
        ncr::links,
    ),
    check(
        "ncr.page.past-end",
        Ncr,
        Required,
        "a page past the last one is empty and well formed (or a 404), with the real count and no next page",
        concat!(
            ncr_tags!(),
            ", next: \"null if there is no next page\"; the official NCR SDK sources, Pagination: past-the-end answer undocumented"
        ),
        ncr::past_end,
    ),
    check(
        "ncr.page.sizes",
        Ncr,
        Required,
        "pagesize 1, the default and a large pagesize give a prefix of the list of an accepted size",
        concat!(
            ncr_tags!(),
            ", pagesize \"Enter a value greater than 0\"; default and maximum undocumented (the official NCR SDK sources)"
        ),
        ncr::sizes,
    ),
    check(
        "ncr.page.invalid",
        Ncr,
        Required,
        "page/pagesize of 0, negative, non-numeric or huge are a 400 (or, where the docs are silent, a well-formed 200), never a 5xx",
        concat!(
            ncr_tags!(),
            ": \"Enter a value greater than 0\"; Container Registry overview, status codes: 400 Bad Request"
        ),
        ncr::invalid,
    ),
    check(
        "ncr.errors.not-found",
        Ncr,
        Required,
        "an unknown image or registry, or a registry asked under another region's prefix, is a 404",
        concat!(
            "Container Registry overview, response status codes: 404 Not Found; ",
            ncr_tags!(),
            ": one URI per region (/ncr/api/v2 Korea, /ncr/sgn-api/v2 Singapore, /ncr/jpn-api/v2 Japan)"
        ),
        ncr::errors_not_found,
    ),
    check(
        "ncr.auth.signed",
        Ncr,
        Required,
        "a request signed with API Gateway signature v2 is accepted",
        "NCR overview / the official NCR SDK sources, Signing v2: x-ncp-apigw-timestamp, x-ncp-iam-access-key, x-ncp-apigw-signature-v2",
        ncr::auth_signed,
    ),
    check(
        "ncr.auth.tampered",
        Ncr,
        Required,
        "a request whose signature was altered is a 401 with gateway errorCode 200",
        "API Gateway overview, common error codes: 401 errorCode 200 \"Authentication Failed\"",
        ncr::auth_tampered,
    ),
    check(
        "ncr.auth.stale",
        Ncr,
        Required,
        "a request timestamped an hour ago is a 401 with gateway errorCode 200",
        "NCR overview: a timestamp more than 5 minutes from the gateway's clock is invalid",
        ncr::auth_stale,
    ),
    check(
        "ncr.auth.wrong-key",
        Ncr,
        Required,
        "a request signed with an unknown access key is a 401 with gateway errorCode 200 or 210",
        "API Gateway overview, common error codes: 401 errorCode 200 / 210",
        ncr::auth_wrong_key,
    ),
    check(
        "ncr.schema",
        Ncr,
        Required,
        "every list body and API Gateway error body of the session validates against its JSON Schema (schemas/ncr/); NCR's own error body is undocumented and not judged",
        concat!(
            ncr_tags!(),
            ", Response syntax and Response body tables; API Gateway error body"
        ),
        runner::schema,
    ),
    check(
        "ncr.times.milliseconds",
        Ncr,
        Recommended,
        "last_updated and each image's created and updated are epoch milliseconds, not seconds",
        concat!(
            ncr_tags!(),
            ", Response body: \"Return the number of milliseconds that have elapsed since January 1, 1970 00:00:00 UTC\""
        ),
        ncr::times_in_milliseconds,
    ),
    check(
        "ncr.schema.extra-fields",
        Ncr,
        Recommended,
        "bodies carry no fields beyond the documented ones",
        concat!(ncr_tags!(), ", Response body tables"),
        runner::schema_extra,
    ),
    // --- TCR ---
    check(
        "tcr.discovery",
        Tcr,
        Required,
        "each target's DescribeImages list can be walked with Limit/Offset and holds data",
        concat!(
            tcr_images!(),
            ": Limit \"Number of entries per page\", Offset \"Page number. Default value: 1\""
        ),
        tcr::discovery,
    ),
    check(
        "tcr.images.offset-is-page",
        Tcr,
        Required,
        "Offset is a 1-based page number: pages of any Limit concatenate to the same list, page k holds items (k-1)*Limit+1..k*Limit",
        concat!(
            tcr_images!(),
            ", Offset: \"Page number. Default value: 1.\"; SDK docstrings: limit 20 offset 2 gives items 21-40"
        ),
        tcr::offset_is_page,
    ),
    check(
        "tcr.images.total-count",
        Tcr,
        Required,
        "TotalCount is the same on every page and counts every match, not the page",
        concat!(
            tcr_images!(),
            ", Output: TotalCount \"Total number of container images\""
        ),
        tcr::total_count,
    ),
    check(
        "tcr.images.past-end",
        Tcr,
        Required,
        "a page past the last one has an empty ImageInfoList and the real TotalCount",
        concat!(
            tcr_images!(),
            ", Offset \"Page number\"; issue 11: past-the-end pages are empty and well formed"
        ),
        tcr::past_end,
    ),
    check(
        "tcr.images.page.sizes",
        Tcr,
        Required,
        "the default Limit is 20, the default Offset page 1; Limit 1 and 100 as asked; Limit above 100 and Offset 0 get an accepted answer",
        concat!(
            tcr_images!(),
            ": Limit \"Default value: 20\", Offset \"Default value: 1\"; maximum 100 documented for the related actions (the official TCR SDK sources)"
        ),
        tcr::sizes,
    ),
    check(
        "tcr.images.page.invalid",
        Tcr,
        Required,
        "Limit 0 or negative, Offset negative, a non-numeric Limit are a parameter error (or a well-formed page), never an internal error",
        "API 3.0 common error codes: InvalidParameter \"parameter error\", InvalidParameterValue \"parameter value invalid\"",
        tcr::invalid,
    ),
    check(
        "tcr.images.fuzzy",
        Tcr,
        Required,
        "ImageVersion without ExactMatch is a fuzzy (substring) filter: results equal the reference filter and include every exact match",
        concat!(
            tcr_images!(),
            ", ImageVersion: \"Image tag specified for fuzzy search\"; ExactMatch \"null (fuzzy matching)\""
        ),
        tcr::fuzzy,
    ),
    check(
        "tcr.images.exact",
        Tcr,
        Required,
        "ExactMatch true returns exactly the tags equal to ImageVersion, letter case included",
        concat!(
            tcr_images!(),
            ", ExactMatch: \"Whether to use exact matching. Valid values: true (exact matching)\""
        ),
        tcr::exact,
    ),
    check(
        "tcr.images.digest",
        Tcr,
        Required,
        "Digest returns exactly the images with that digest",
        concat!(
            tcr_images!(),
            ", Digest: \"Image digest specified for search\""
        ),
        tcr::digest,
    ),
    check(
        "tcr.images.get-form",
        Tcr,
        Recommended,
        "the GET form (parameters form-encoded in the query, empty body) is answered as the POST form",
        "API 3.0 request structure: GET and POST are both accepted; the official Python and Node SDKs send the GET form with reqMethod=\"GET\" (booleans True/False)",
        tcr::get_form,
    ),
    check(
        "tcr.errors.not-found",
        Tcr,
        Required,
        "an unknown instance, namespace or repository is a ResourceNotFound error",
        concat!(
            tcr_images!(),
            ", Error Codes: ResourceNotFound \"The resource does not exist\", ResourceNotFound.TcrResourceNotFound"
        ),
        tcr::errors_not_found,
    ),
    check(
        "tcr.errors.parameters",
        Tcr,
        Required,
        "a missing required parameter is MissingParameter, an undefined one UnknownParameter (or InvalidParameter)",
        concat!(
            tcr_images!(),
            ", Input Parameters (RegistryId, NamespaceName, RepositoryName: Required); API 3.0 common error codes: MissingParameter, UnknownParameter"
        ),
        tcr::errors_parameters,
    ),
    check(
        "tcr.auth.signed",
        Tcr,
        Required,
        "a request signed with TC3-HMAC-SHA256 is accepted, with X-TC-Token too (an unknown one: accepted or AuthFailure.TokenFailure)",
        "API 3.0 \"Signature v3\" (the official TCR SDK sources, Signing): what both official SDKs send",
        tcr::auth_signed,
    ),
    check(
        "tcr.auth.tampered",
        Tcr,
        Required,
        "a request whose signature was altered is AuthFailure.SignatureFailure",
        "API 3.0 common error codes: AuthFailure.SignatureFailure \"signature does not match\"",
        tcr::auth_tampered,
    ),
    check(
        "tcr.auth.stale",
        Tcr,
        Required,
        "a request timestamped an hour ago is AuthFailure.SignatureExpire",
        "API 3.0 common error codes: AuthFailure.SignatureExpire (X-TC-Timestamp more than 5 minutes from server time)",
        tcr::auth_stale,
    ),
    check(
        "tcr.auth.wrong-key",
        Tcr,
        Required,
        "a request signed with an unknown SecretId is AuthFailure.SecretIdNotFound (or InvalidSecretId)",
        "API 3.0 common error codes: AuthFailure.SecretIdNotFound, AuthFailure.InvalidSecretId",
        tcr::auth_wrong_key,
    ),
    check(
        "tcr.errors.http-200",
        Tcr,
        Required,
        "every error of the session came back with HTTP 200 (the SDKs lose the code otherwise)",
        "the official TCR SDK sources, Errors: Python reads Response.Error only from a 200 (any other status is ServerNetworkError); Node reads no body",
        tcr::errors_http_200,
    ),
    check(
        "tcr.content-type",
        Tcr,
        Required,
        "every error of the session has Content-Type exactly application/json or text/plain; every success has a Content-Type, not text/event-stream",
        "the official TCR SDK sources, Responses: the Python SDK reads Response.Error only when Content-Type equals application/json or text/plain (application/json; charset=utf-8 loses the error code); a success is parsed under any Content-Type, but the async Python client needs one and Node streams text/event-stream",
        tcr::content_type,
    ),
    check(
        "tcr.schema",
        Tcr,
        Required,
        "every body of the session validates against its JSON Schema (schemas/tcr/)",
        concat!(
            tcr_images!(),
            ", Output Parameters and example; API 3.0 error body"
        ),
        runner::schema,
    ),
    check(
        "tcr.schema.extra-fields",
        Tcr,
        Recommended,
        "bodies carry no fields beyond the documented ones",
        concat!(tcr_images!(), ", Output Parameters (TcrImageInfo)"),
        runner::schema_extra,
    ),
];

/// The checks of one provider, in execution order.
pub fn of(provider: ProviderId) -> impl Iterator<Item = &'static Check> {
    CHECKS.iter().filter(move |c| c.provider == provider)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_prefixed_by_their_provider() {
        let mut seen = std::collections::BTreeSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.id), "duplicate {}", c.id);
            assert!(
                c.id.starts_with(&format!("{}.", c.provider.as_str())),
                "{}",
                c.id
            );
        }
    }
}
