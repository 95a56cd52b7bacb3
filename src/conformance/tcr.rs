//! TCR checks: API 3.0 `DescribeImages` (the rows `tcr.*` of the table).

use super::ambiguities::describe;
use super::client::{Auth, Dialect};
use super::config::Target;
use super::property::{self, Broken, CaseFuture, Fits, Needle, NeedleParts, needles};
use super::reference::{self, Match};
use super::runner::{BoxFuture, Cx, Item, PageSeen, Seen, Stop, Walk, WalkStep, judge_seen};
use crate::http::{Request, Response};
use crate::model::ProviderId;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::arbitrary::any;
use proptest::sample::Index;
use serde_json::{Map, Value, json};

const OK: &[&str] = &["tcr/describe_images.response.schema.json"];
const ERROR: &[&str] = &["tcr/error.schema.json"];
/// The largest Limit the related actions document; discovery walks at it.
const MAX_LIMIT: u64 = 100;

fn choose(_: u16, body: &Value) -> (&'static [&'static str], bool) {
    if body["Response"].get("Error").is_some() {
        (ERROR, true)
    } else {
        (OK, false)
    }
}

fn code_of(resp: &Response) -> Option<String> {
    resp.body_json()["Response"]["Error"]["Code"]
        .as_str()
        .map(str::to_string)
}

pub(super) fn dialect() -> Dialect {
    Dialect {
        provider: super::runner::provider(ProviderId::Tcr),
        // X-TC-Token travels with the signature, it does not replace it.
        add_token: |req, token| {
            req.headers.push(("X-TC-Token".into(), token.into()));
            false
        },
        throttled: |resp| code_of(resp).is_some_and(|c| c.starts_with("RequestLimitExceeded")),
    }
}

/// A DescribeImages POST with the target's three names plus `extra` parameters (JSON values).
fn request(t: &Target, extra: &[(&str, Value)]) -> Request {
    let mut body = Map::new();
    body.insert("RegistryId".into(), json!(t.registry));
    body.insert("NamespaceName".into(), json!(t.namespace));
    body.insert("RepositoryName".into(), json!(t.repository));
    for (k, v) in extra {
        if v.is_null() {
            body.remove(*k);
        } else {
            body.insert((*k).into(), v.clone());
        }
    }
    let mut req = Request::new("POST", "/")
        .header("Content-Type", "application/json")
        .header("X-TC-Action", "DescribeImages")
        .header("X-TC-Version", "2019-09-24")
        .header(
            "X-TC-Region",
            if t.region.is_empty() {
                "ap-guangzhou"
            } else {
                &t.region
            },
        );
    req.body = serde_json::to_vec(&Value::Object(body)).unwrap_or_default();
    req
}

/// Characters Python's `urlencode` (`quote_plus`) leaves as they are; a space becomes `+`.
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b' ');

/// The SDKs' GET form of `request(t, extra)` (`reqMethod="GET"`): the parameters form-encoded in the query in the
/// model's order (booleans `True`/`False`, as the Python SDK renders them), an empty body, a form Content-Type.
fn get_request(t: &Target, extra: &[(&str, Value)]) -> Request {
    let post = request(t, extra);
    let body: Map<String, Value> = serde_json::from_slice(&post.body).unwrap_or_default();
    let query: Vec<String> = FIELD_ORDER
        .iter()
        .filter_map(|k| {
            let value = match body.get(*k)? {
                Value::String(s) => utf8_percent_encode(s, FORM).to_string().replace(' ', "+"),
                Value::Bool(true) => "True".into(),
                Value::Bool(false) => "False".into(),
                other => other.to_string(),
            };
            Some(format!("{k}={value}"))
        })
        .collect();
    let mut req = Request::new("GET", &format!("/?{}", query.join("&")));
    for (n, v) in post.headers {
        let v = if n.eq_ignore_ascii_case("content-type") {
            "application/x-www-form-urlencoded".to_string()
        } else {
            v
        };
        req = req.header(&n, &v);
    }
    req
}

/// DescribeImages' fields in the request model's order (the order the SDKs put them on the wire).
const FIELD_ORDER: &[&str] = &[
    "RegistryId",
    "NamespaceName",
    "RepositoryName",
    "ImageVersion",
    "Limit",
    "Offset",
    "Digest",
    "ExactMatch",
];

/// One answer, read as DescribeImages' output.
struct Answer {
    req: Request,
    resp: Response,
    items: Vec<Item>,
    total: Option<u64>,
    code: Option<String>,
}

/// The tag at `at` of a walk, as a report names it.
fn at_position(keys: &[String], at: usize) -> String {
    keys.get(at)
        .map_or_else(|| "the end of the list".into(), |k| format!("{k:?}"))
}

impl Answer {
    fn keys(&self) -> Vec<String> {
        self.items.iter().map(|i| i.key.clone()).collect()
    }
    fn line(&self) -> String {
        match &self.code {
            Some(c) => format!("Error.Code {c} (HTTP {})", self.resp.status),
            None => format!(
                "HTTP {}, {} images, TotalCount {}",
                self.resp.status,
                self.items.len(),
                self.total
                    .map_or_else(|| "absent".into(), |t| t.to_string())
            ),
        }
    }
}

async fn send(cx: &mut Cx, req: Request, auth: Auth) -> Result<Answer, Stop> {
    let resp = cx.send(&req, auth, choose).await?;
    let body = resp.body_json();
    let r = &body["Response"];
    let items = match &r["ImageInfoList"] {
        Value::Array(a) => a
            .iter()
            .map(|v| {
                let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
                Item {
                    key: s("ImageVersion"),
                    name: s("ImageVersion"),
                    updated: s("UpdateTime"),
                    digest: s("Digest"),
                    ..Item::default()
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(Answer {
        req,
        items,
        total: reference::json_count(&r["TotalCount"]),
        code: code_of(&resp),
        resp,
    })
}

async fn describe_images(cx: &mut Cx, t: &Target, extra: &[(&str, Value)]) -> Result<Answer, Stop> {
    send(cx, request(t, extra), Auth::Signed).await
}

/// Walks Offset 1, 2, … at `Limit=limit` with `extra` parameters.
async fn walk(cx: &mut Cx, t: &Target, limit: u64, extra: &[(&str, Value)]) -> Result<Walk, Stop> {
    let mut w = Walk {
        label: t.label(),
        target: Some(t.clone()),
        ..Walk::default()
    };
    let mut step = WalkStep::default();
    for page in 1.. {
        let mut params = extra.to_vec();
        params.push(("Limit", json!(limit)));
        params.push(("Offset", json!(page)));
        let a = describe_images(cx, t, &params).await?;
        let ok = a.code.is_none();
        w.pages.push(PageSeen {
            request: a.req,
            at: page,
            size: limit,
            len: a.items.len(),
            total: a.total,
            response: a.resp,
        });
        if !ok || !step.more(&mut w, a.items, limit) {
            break;
        }
    }
    Ok(w)
}

pub(super) fn discovery(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for t in cx.cfg.targets.clone() {
            let w = walk(cx, &t, MAX_LIMIT, &[]).await?;
            let first = &w.pages[0].response;
            let code = code_of(first);
            if code
                .as_deref()
                .is_some_and(|c| c.starts_with("AuthFailure"))
                || matches!(first.status, 401 | 403)
            {
                let why = format!(
                    "the target refused the suite's credentials: HTTP {}{}",
                    first.status,
                    code.as_deref().map(|c| format!(" {c}")).unwrap_or_default()
                );
                cx.refused = Some(why.clone());
                return Err(Stop::Error(why));
            }
            let listed = first.status != 200
                || code.is_some()
                || first.body_json()["Response"]["ImageInfoList"].is_array();
            if !super::runner::documented_list(
                cx,
                &w.pages[0],
                listed,
                "a JSON object with Response.ImageInfoList",
            ) {
                return Ok(());
            }
            // An empty first page that declares images is a pagination bug (judged by the paging checks), not "no data".
            if code.is_some() || (w.items.is_empty() && w.totals().first().is_none_or(|t| *t == 0))
            {
                return Err(Stop::Error(format!(
                    "target {} has nothing to check: HTTP {} {}{}",
                    t.label(),
                    first.status,
                    super::schema::excerpt(&first.body),
                    cx.cfg.default_target_hint().unwrap_or_default()
                )));
            }
            cx.case();
            cx.walks.push(w);
        }
        Ok(())
    })
}

/// One generated `(Limit, page)` of walk `ctx.1` (the page capped at the last one): the page must be its slice.
fn page_case<'a>(
    cx: &'a mut Cx,
    ctx: &'a (Target, Walk),
    (limit, page): (u64, u64),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let (t, base) = ctx;
        let n = base.items.len();
        let page = page.min(reference::page_count(limit, n).max(1));
        let a = describe_images(cx, t, &[("Limit", json!(limit)), ("Offset", json!(page))]).await?;
        let want = base.keys()[reference::page_window(page, limit, n)].to_vec();
        if a.keys() == want {
            return Ok(None);
        }
        Ok(Some(Broken {
            message: "page Offset=k of Limit=l is not images (k-1)·l+1..k·l of the walk".into(),
            expected: reference::count_from(want.len(), "images", want.first()),
            actual: match a.items.first() {
                Some(first) => format!("{}, starting {:?}", a.line(), first.key),
                None => a.line(),
            },
            request: a.req,
        }))
    })
}

pub(super) fn offset_is_page(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for base in cx.walks.clone() {
            let t = base
                .target
                .clone()
                .unwrap_or_else(|| Target::tcr("", "", ""));
            let n = base.items.len();
            cx.case();
            if let Some(total) = base.totals().first().filter(|t| **t > 0 && n == 0) {
                cx.fail(
                    format!("Offset=1 returns no image while TotalCount is {total}"),
                    &base.pages[0].request,
                    "the first page of images",
                    "an empty ImageInfoList",
                );
            }
            if let Some(k) = base.duplicate() {
                let page = base
                    .pages
                    .iter()
                    .rev()
                    .find(|p| p.len > 0)
                    .map(|p| super::client::describe(&p.request))
                    .unwrap_or_default();
                cx.fail_raw(
                    format!(
                        "walking Offset 1, 2, … lists {k} twice{}",
                        if base.stalled {
                            " (pages overlap: is Offset read as an item offset?)"
                        } else {
                            ""
                        }
                    ),
                    page,
                    "each image once: Offset is a page number",
                    format!("{k} on two pages"),
                );
            }
            // One whole walk at a generated size (a whole walk is the expensive part), then generated slices.
            {
                // At most ~20 pages, but never above the maximum Limit (a list of more than 20 full pages is walked in more).
                let limit = cx
                    .rng
                    .range((n as u64).div_ceil(20).clamp(1, MAX_LIMIT), MAX_LIMIT);
                let other = walk(cx, &t, limit, &[]).await?;
                cx.case();
                let (a, b) = (base.keys(), other.keys());
                if a != b {
                    let at = a
                        .iter()
                        .zip(&b)
                        .position(|(x, y)| x != y)
                        .unwrap_or(a.len().min(b.len()));
                    let page = &other.pages[(at / limit as usize).min(other.pages.len() - 1)];
                    cx.fail(format!("Limit={limit}: the walk differs from the discovery walk at position {at}"), &page.request, at_position(&a, at), at_position(&b, at));
                }
            }
            // Generated pages, shrunk by proptest when one fails; the page number is capped at the last page.
            let ctx = (t, base);
            property::check(cx, (1..=MAX_LIMIT, 1..=(n as u64).max(1)), &ctx, page_case).await?;
        }
        Ok(())
    })
}

pub(super) fn total_count(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for w in cx.walks.clone() {
            let n = w.items.len() as u64;
            let sound = w.duplicate().is_none() && !cx.check_failed("tcr.images.offset-is-page");
            let mut totals = Vec::new();
            for p in &w.pages {
                cx.case();
                match p.total {
                    None => cx.fail(
                        "TotalCount is missing or not a number",
                        &p.request,
                        "an integer",
                        super::schema::excerpt(&p.response.body),
                    ),
                    Some(c) if sound && c != n => cx.fail(
                        "TotalCount does not count every image",
                        &p.request,
                        n.to_string(),
                        c.to_string(),
                    ),
                    Some(c) => totals.push(c),
                }
            }
            totals.dedup();
            if totals.len() > 1 {
                cx.fail_raw(
                    format!("TotalCount changes between pages of {}", w.label),
                    String::new(),
                    "one TotalCount",
                    format!("{totals:?}"),
                );
            }
        }
        Ok(())
    })
}

pub(super) fn past_end(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        // Where the last page is depends on the walk: judged only when the walk is sound.
        if cx.check_failed("tcr.images.offset-is-page") {
            return Err(Stop::Skip(
                "tcr.images.offset-is-page failed, so the walk is no reference".into(),
            ));
        }
        for w in cx.walks.clone() {
            let t = w.target.clone().unwrap_or_else(|| Target::tcr("", "", ""));
            let n = w.items.len();
            let last = reference::page_count(MAX_LIMIT, n);
            let sound = w.duplicate().is_none()
                && !cx.check_failed("tcr.images.offset-is-page")
                && !cx.check_failed("tcr.images.total-count");
            for page in [last + 1, last + cx.rng.range(2, 50)] {
                let a = describe_images(
                    cx,
                    &t,
                    &[("Limit", json!(MAX_LIMIT)), ("Offset", json!(page))],
                )
                .await?;
                cx.case();
                let ok = a.code.is_none()
                    && a.items.is_empty()
                    && a.resp.body_json()["Response"]["ImageInfoList"].is_array()
                    && (!sound || a.total == Some(n as u64));
                if !ok {
                    cx.fail(
                        format!("Offset {page} (past the last page {last}) is not an empty page"),
                        &a.req,
                        format!("ImageInfoList [], TotalCount {n}"),
                        a.line(),
                    );
                }
            }
        }
        Ok(())
    })
}

/// A paging case: parameters, the ambiguity that governs them (none: documented), the documented page.
type Case<'a> = (&'a [(&'a str, Value)], Option<&'a str>, Vec<String>);

pub(super) fn sizes(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for w in cx.trusted(0..cx.walks.len(), "tcr.images.offset-is-page")? {
            let t = w.target.clone().unwrap_or_else(|| Target::tcr("", "", ""));
            let all = w.keys();
            let prefix = |k: usize| all[..k.min(all.len())].to_vec();
            // (parameters, the ambiguity that governs them, the documented page)
            let cases: [Case<'_>; 6] = [
                (&[], None, prefix(20)),
                (&[("Limit", json!(5))], None, prefix(5)),
                (
                    &[("Limit", json!(1)), ("Offset", json!(1))],
                    None,
                    prefix(1),
                ),
                (
                    &[("Limit", json!(100)), ("Offset", json!(1))],
                    None,
                    prefix(100),
                ),
                (
                    &[("Limit", json!(101)), ("Offset", json!(1))],
                    Some("tcr.limit.above-max"),
                    prefix(100),
                ),
                (
                    &[("Limit", json!(10)), ("Offset", json!(0))],
                    Some("tcr.offset.zero"),
                    prefix(10),
                ),
            ];
            for (params, ambiguity, want) in cases {
                let a = describe_images(cx, &t, params).await?;
                cx.case();
                let got = a.keys();
                let alt = match &a.code {
                    Some(c) if c.starts_with("InvalidParameter") => "reject",
                    Some(_) => "other",
                    None if got == want => {
                        if ambiguity == Some("tcr.offset.zero") {
                            "first-page"
                        } else {
                            "clamp"
                        }
                    }
                    None if got == prefix(101) => "honour",
                    None => "other",
                };
                let fine = match ambiguity {
                    None => alt == "clamp",
                    Some(id) => cx.accepts(id, alt),
                };
                if !fine {
                    let expected = ambiguity
                        .map_or_else(|| format!("the first {} images", want.len()), describe);
                    cx.fail(
                        "the page is not the documented one",
                        &a.req,
                        expected,
                        a.line(),
                    );
                }
            }
        }
        Ok(())
    })
}

pub(super) fn invalid(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let Some(t) = cx.cfg.targets.first().cloned() else {
            return Err(Stop::Skip("no target".into()));
        };
        for (k, v) in [
            ("Limit", json!(0)),
            ("Limit", json!(-1)),
            ("Offset", json!(-1)),
            ("Limit", json!("abc")),
        ] {
            let a = describe_images(cx, &t, &[(k, v.clone())]).await?;
            cx.case();
            let alt = match &a.code {
                Some(c) if c.starts_with("InvalidParameter") => "reject",
                None if a.resp.body_json()["Response"]["ImageInfoList"].is_array() => "lenient",
                _ => "other",
            };
            if !cx.accepts("tcr.paging.invalid", alt) {
                cx.fail(
                    format!("{k}={v} is not a parameter error"),
                    &a.req,
                    describe("tcr.paging.invalid"),
                    a.line(),
                );
            }
        }
        Ok(())
    })
}

/// Every image matching the filter `extra`, walking pages of 100.
async fn filtered(
    cx: &mut Cx,
    t: &Target,
    extra: &[(&str, Value)],
) -> Result<Result<Vec<String>, Answer>, Stop> {
    let w = walk(cx, t, MAX_LIMIT, extra).await?;
    match w.pages.iter().find(|p| code_of(&p.response).is_some()) {
        Some(p) => Ok(Err(Answer {
            req: p.request.clone(),
            resp: p.response.clone(),
            items: Vec::new(),
            total: None,
            code: code_of(&p.response),
        })),
        None => Ok(Ok(w.keys())),
    }
}

pub(super) fn fuzzy(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let walks = cx.trusted(0..cx.walks.len(), "tcr.images.offset-is-page")?;
        // (walk, needle): a failure shrinks towards the first walk's first name, whole.
        let strategy = (0..walks.len(), needles());
        property::check_fitted(cx, strategy, walks, fuzzy_case, "tcr.image-version.fuzzy").await
    })
}

/// One generated `ImageVersion` without `ExactMatch`: every page of the filtered list must be the walk's images one
/// accepted fuzzy matching selects, the matching every other case fitted. Every exact match is a fuzzy match, so
/// whole names are judged the same way.
fn fuzzy_case<'a>(
    cx: &'a mut Cx,
    (walks, fits): &'a (Vec<Walk>, Fits),
    (walk, needle): (usize, NeedleParts),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let w = &walks[walk];
        let t = w.target.clone().unwrap_or_else(|| Target::tcr("", "", ""));
        for value in Needle::from(needle).values(&w.keys()) {
            let params = [("ImageVersion", json!(value))];
            let got = match filtered(cx, &t, &params).await? {
                Err(a) => {
                    return Ok(Some(Broken {
                        message: format!("the filter {value:?} is answered with an error"),
                        expected: "a page of matching images".into(),
                        actual: a.line(),
                        request: a.req,
                    }));
                }
                Ok(got) => got,
            };
            let candidates = property::candidates(
                &[Match::SubstringCi, Match::SubstringCs],
                &w.items,
                |i| &i.name,
                &value,
            );
            let broken = property::judge_names(
                Some("tcr.image-version.fuzzy"),
                &candidates,
                &got,
                &format!("ImageVersion {value:?}"),
                request(&t, &params),
                fits,
            );
            if broken.is_some() {
                return Ok(broken);
            }
        }
        Ok(None)
    })
}

pub(super) fn exact(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let walks = cx.trusted(0..cx.walks.len(), "tcr.images.offset-is-page")?;
        // (walk, which of its names, a part of the name instead, where the part starts, its length, the letters' case
        // flipped): whole names, parts of names and other-case names, so exact matching must return neither the fuzzy
        // nor the case-insensitive matches. A failure shrinks to a whole name as it is.
        let cases = (
            0..walks.len(),
            any::<Index>(),
            any::<bool>(),
            any::<Index>(),
            1usize..8,
            any::<bool>(),
        );
        property::check(cx, cases, &walks, exact_case).await
    })
}

/// One generated `ImageVersion` with `ExactMatch` over a walk: the answer must be exactly the images of that name.
// `property::check` takes a sized context, so the walks come as the Vec itself.
#[allow(clippy::ptr_arg)]
fn exact_case<'a>(
    cx: &'a mut Cx,
    walks: &'a Vec<Walk>,
    (walk, pick, part, from, len, flip): (usize, Index, bool, Index, usize, bool),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let w = &walks[walk];
        let names = w.keys();
        let name: Vec<char> = match names.is_empty() {
            true => "latest".chars().collect(),
            false => names[pick.index(names.len())].chars().collect(),
        };
        let value: String = match part {
            false => name.iter().collect(),
            true => {
                let start = from.index(name.len().max(1)).min(name.len());
                name[start..(start + len).min(name.len())].iter().collect()
            }
        };
        let value = match flip {
            false => value,
            true => value.chars().map(flip_case).collect(),
        };
        let params = [("ImageVersion", json!(value)), ("ExactMatch", json!(true))];
        let want = w
            .items
            .iter()
            .filter(|i| Match::Exact.matches(&i.name, &value));
        filter_case(
            cx,
            w,
            &params,
            want,
            format!("ImageVersion {value:?} with ExactMatch"),
        )
        .await
    })
}

/// `c` in the other case (ASCII letters; anything else as it is).
fn flip_case(c: char) -> char {
    if c.is_ascii_uppercase() {
        c.to_ascii_lowercase()
    } else {
        c.to_ascii_uppercase()
    }
}

pub(super) fn digest(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let walks = cx.trusted(0..cx.walks.len(), "tcr.images.offset-is-page")?;
        // (walk, which of its digests, an unknown digest instead, the unknown digest's bits): a failure shrinks to
        // the first walk's first digest.
        let cases = (
            0..walks.len(),
            any::<Index>(),
            proptest::bool::weighted(0.25),
            any::<u64>(),
        );
        property::check(cx, cases, &walks, digest_case).await
    })
}

/// One generated `Digest` filter over a walk: the answer must be exactly the walk's images with that digest.
// `property::check` takes a sized context, so the walks come as the Vec itself.
#[allow(clippy::ptr_arg)]
fn digest_case<'a>(
    cx: &'a mut Cx,
    walks: &'a Vec<Walk>,
    (walk, pick, unknown, bits): (usize, Index, bool, u64),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let w = &walks[walk];
        let value = match (unknown, w.items.is_empty()) {
            (false, false) => w.items[pick.index(w.items.len())].digest.clone(),
            _ => format!("sha256:{bits:064x}"),
        };
        let params = [("Digest", json!(value))];
        let want = w
            .items
            .iter()
            .filter(|i| Match::Exact.matches(&i.digest, &value));
        filter_case(cx, w, &params, want, format!("Digest {value:?}")).await
    })
}

/// A filter case's verdict: every page of the filtered list (pages of 100) must be exactly `want`, in order.
async fn filter_case<'i>(
    cx: &mut Cx,
    w: &Walk,
    params: &[(&str, Value)],
    want: impl Iterator<Item = &'i Item>,
    what: String,
) -> Result<Option<Broken>, Stop> {
    let t = w.target.clone().unwrap_or_else(|| Target::tcr("", "", ""));
    let want: Vec<String> = want.map(|i| i.key.clone()).collect();
    let show = |v: &[String]| {
        format!(
            "{} images {:?}",
            v.len(),
            v.iter().take(3).collect::<Vec<_>>()
        )
    };
    Ok(match filtered(cx, &t, params).await? {
        Err(a) => Some(Broken {
            message: format!("{what} is answered with an error"),
            expected: "a page of matching images".into(),
            actual: a.line(),
            request: a.req,
        }),
        Ok(got) if got != want => Some(Broken {
            message: format!("{what} does not select exactly the matching images"),
            expected: show(&want),
            actual: show(&got),
            request: request(&t, params),
        }),
        Ok(_) => None,
    })
}

pub(super) fn get_form(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let walks = cx.trusted(0..cx.walks.len(), "tcr.images.offset-is-page")?;
        for w in walks {
            let t = w.target.clone().unwrap_or_else(|| Target::tcr("", "", ""));
            let n = w.items.len() as u64;
            let limit = cx.rng.range(1, n.clamp(1, MAX_LIMIT));
            let name = cx.rng.pick(&w.keys()).cloned().unwrap_or_default();
            // A page, the next page, and an exact match: the GET form must answer as the POST form does.
            for params in [
                vec![("Limit", json!(limit)), ("Offset", json!(1))],
                vec![("Limit", json!(limit)), ("Offset", json!(2))],
                vec![("ImageVersion", json!(name)), ("ExactMatch", json!(true))],
            ] {
                let post = describe_images(cx, &t, &params).await?;
                let get = send(cx, get_request(&t, &params), Auth::Signed).await?;
                cx.case();
                if get.code.is_some() || get.keys() != post.keys() || get.total != post.total {
                    cx.fail(
                        "the GET form (parameters in the query) is not answered as the POST form",
                        &get.req,
                        post.line(),
                        get.line(),
                    );
                }
            }
        }
        Ok(())
    })
}

pub(super) fn errors_not_found(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let Some(t) = cx.cfg.targets.first().cloned() else {
            return Err(Stop::Skip("no target".into()));
        };
        let missing = format!("regmock-conform-missing-{:04x}", cx.rng.next() % 0xffff);
        for (what, id, target) in [
            (
                "an unknown repository",
                "tcr.not-found.repository-code",
                Target {
                    repository: missing.clone(),
                    ..t.clone()
                },
            ),
            (
                "an unknown namespace",
                "tcr.not-found.namespace-code",
                Target {
                    namespace: missing.clone(),
                    ..t.clone()
                },
            ),
            (
                "an unknown instance",
                "tcr.not-found.instance-code",
                Target {
                    registry: format!("tcr-{}", &missing[24..]),
                    ..t.clone()
                },
            ),
        ] {
            let a = describe_images(cx, &target, &[]).await?;
            cx.case();
            let code = a.code.clone().unwrap_or_default();
            if !cx.accepts(id, &code) {
                cx.fail(
                    format!("{what} is not a ResourceNotFound error"),
                    &a.req,
                    describe(id),
                    a.line(),
                );
            }
        }
        Ok(())
    })
}

pub(super) fn errors_parameters(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let Some(t) = cx.cfg.targets.first().cloned() else {
            return Err(Stop::Skip("no target".into()));
        };
        let missing = describe_images(cx, &t, &[("RepositoryName", Value::Null)]).await?;
        cx.case();
        if !missing
            .code
            .as_deref()
            .is_some_and(|c| c.starts_with("MissingParameter"))
        {
            cx.fail(
                "a request without RepositoryName is not MissingParameter",
                &missing.req,
                "MissingParameter",
                missing.line(),
            );
        }
        let unknown = describe_images(cx, &t, &[("RegmockConformUndefined", json!("x"))]).await?;
        cx.case();
        if !cx.accepts(
            "tcr.unknown-parameter.code",
            unknown.code.as_deref().unwrap_or_default(),
        ) {
            cx.fail(
                "an undefined parameter is not refused",
                &unknown.req,
                describe("tcr.unknown-parameter.code"),
                unknown.line(),
            );
        }
        Ok(())
    })
}

fn probe(cx: &Cx) -> Result<Request, Stop> {
    let t = cx
        .cfg
        .targets
        .first()
        .ok_or_else(|| Stop::Skip("no target".into()))?;
    Ok(request(t, &[("Limit", json!(1))]))
}

pub(super) fn auth_signed(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let req = probe(cx)?;
        let a = send(cx, req, Auth::KeyPair).await?;
        cx.case();
        if a.code.is_some() {
            cx.fail(
                "a correctly signed TC3-HMAC-SHA256 request is refused",
                &a.req,
                "a page of images",
                a.line(),
            );
        }
        // With X-TC-Token (temporary credentials): a configured token must be accepted; without one, an unknown
        // token is either accepted (a server that does not check tokens) or refused with the documented code.
        let (token, configured) = match &cx.cfg.token {
            Some(t) => (t.clone(), true),
            None => ("regmock-conform-unknown-token".to_string(), false),
        };
        let req = probe(cx)?.header("X-TC-Token", &token);
        let a = send(cx, req, Auth::KeyPair).await?;
        cx.case();
        let fine = match a.code.as_deref() {
            None => true,
            Some("AuthFailure.TokenFailure") => !configured,
            Some(_) => false,
        };
        if !fine {
            cx.fail(
                "a correctly signed request with X-TC-Token is not answered as documented",
                &a.req,
                if configured {
                    "a page of images".to_string()
                } else {
                    "a page of images, or AuthFailure.TokenFailure".to_string()
                },
                a.line(),
            );
        }
        Ok(())
    })
}

fn refusal<'a>(
    cx: &'a mut Cx,
    auth: Auth,
    what: &'static str,
    accepted: fn(&mut Cx, &str) -> bool,
    expected: &'static str,
) -> BoxFuture<'a> {
    Box::pin(async move {
        let req = probe(cx)?;
        let a = send(cx, req, auth).await?;
        cx.case();
        if !accepted(cx, a.code.as_deref().unwrap_or_default()) {
            cx.fail(
                format!("{what} is not refused with the vendor's code"),
                &a.req,
                expected,
                a.line(),
            );
        }
        Ok(())
    })
}

pub(super) fn auth_tampered(cx: &mut Cx) -> BoxFuture<'_> {
    refusal(
        cx,
        Auth::Tampered,
        "a request with an altered signature",
        |_, c| c == "AuthFailure.SignatureFailure",
        "AuthFailure.SignatureFailure",
    )
}

pub(super) fn auth_stale(cx: &mut Cx) -> BoxFuture<'_> {
    refusal(
        cx,
        Auth::Stale,
        "a request timestamped an hour ago",
        |_, c| c == "AuthFailure.SignatureExpire",
        "AuthFailure.SignatureExpire",
    )
}

pub(super) fn auth_wrong_key(cx: &mut Cx) -> BoxFuture<'_> {
    refusal(
        cx,
        Auth::WrongKey,
        "a request signed with an unknown SecretId",
        |cx, c| cx.accepts("tcr.unknown-secret-id.code", c),
        "AuthFailure.SecretIdNotFound or AuthFailure.InvalidSecretId",
    )
}

fn http_200(s: &Seen) -> Option<Result<(), (String, String)>> {
    s.is_error.then(|| match s.status {
        200 => Ok(()),
        other => Err((
            "HTTP 200 with Response.Error".into(),
            format!("HTTP {other}"),
        )),
    })
}

/// An error needs one of the two values under which the Python SDK reads `Response.Error` (an equality test on the
/// whole header); with any other, or none, an error is taken for an empty result. A success is parsed whatever the
/// value, but the async Python client fails when there is none, and Node reads `text/event-stream` as a stream.
fn json_content_type(s: &Seen) -> Option<Result<(), (String, String)>> {
    let seen = || {
        s.content_type.as_deref().map_or_else(
            || "no Content-Type".into(),
            |v| format!("Content-Type: {v}"),
        )
    };
    Some(match s.content_type.as_deref() {
        Some("application/json" | "text/plain") => Ok(()),
        _ if s.is_error => Err((
            "Content-Type: application/json (or text/plain) on an error".into(),
            seen(),
        )),
        Some(v) if !is_event_stream(v) => Ok(()),
        _ => Err((
            "a Content-Type other than text/event-stream on a success".into(),
            seen(),
        )),
    })
}

/// Whether a Content-Type names `text/event-stream`, parameters and letter case aside.
fn is_event_stream(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("text/event-stream"))
}

pub(super) fn errors_http_200(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        judge_seen(
            cx,
            "an error came back with a status other than 200",
            http_200,
        )
    })
}

pub(super) fn content_type(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        judge_seen(
            cx,
            "an error's Content-Type is neither application/json nor text/plain, or a success has none",
            json_content_type,
        )
    })
}
