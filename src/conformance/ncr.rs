//! NCR checks: "Get image tag list" (the rows `ncr.*` of the table).

use super::ambiguities::describe;
use super::client::{Auth, Dialect};
use super::config::Target;
use super::property::{self, Broken, CaseFuture};
use super::reference;
use super::runner::{BoxFuture, Cx, Item, PageSeen, Stop, Walk, WalkStep};
use crate::http::{Request, Response};
use crate::model::ProviderId;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

const LIST: &[&str] = &["ncr/get_image_tag_list.response.schema.json"];
const GATEWAY_ERROR: &[&str] = &["ncr/gateway_error.schema.json"];
/// Discovery's page size; a server that caps it lower is followed through `next`.
const WALK_SIZE: u64 = 100;

/// A list answer must match the documented list; an error only when it is the API Gateway's (`{"error": ...}`, the
/// one error body Ncloud documents). NCR's own error body is undocumented (regmock's `returnCode`/`returnMessage` shape
/// comes from third-party spec-generated clients), so any other error body is not judged by its shape.
fn choose(status: u16, body: &Value) -> (&'static [&'static str], bool) {
    if (200..300).contains(&status) {
        (LIST, false)
    } else if body.get("error").is_some() {
        (GATEWAY_ERROR, true)
    } else {
        (&[], true)
    }
}

pub(super) fn dialect() -> Dialect {
    Dialect {
        provider: super::runner::provider(ProviderId::Ncr),
        add_token: |_, _| false,
        // The gateway's quota codes (the official NCR SDK sources): 400 Quota Exceeded, 410 Throttle Limited, 420 Rate Limited.
        throttled: |resp| {
            let code = &resp.body_json()["error"]["errorCode"];
            let code = code
                .as_str()
                .map(str::to_string)
                .or_else(|| code.as_u64().map(|n| n.to_string()));
            resp.status == 429 || matches!(code.as_deref(), Some("400" | "410" | "420"))
        },
    }
}

/// `encodeURIComponent`-style: the image name is one path segment (`hello/world` → `hello%2Fworld`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// NCR "Get image tag list": one prefix per region.
fn prefix(region: &str) -> &'static str {
    match region {
        "sgn" => "/ncr/sgn-api/v2",
        "jpn" => "/ncr/jpn-api/v2",
        _ => "/ncr/api/v2",
    }
}

fn path(t: &Target) -> String {
    format!(
        "{}/repositories/{}/{}/tags",
        prefix(&t.region),
        utf8_percent_encode(&t.registry, SEGMENT),
        utf8_percent_encode(&t.repository, SEGMENT)
    )
}

/// One answer, read as the documented envelope.
struct Envelope {
    req: Request,
    resp: Response,
    items: Vec<Item>,
    count: Option<u64>,
    next: Value,
    previous: Value,
}

async fn get(cx: &mut Cx, t: &Target, query: &str) -> Result<Envelope, Stop> {
    get_with(cx, t, query, Auth::Signed).await
}

async fn get_with(cx: &mut Cx, t: &Target, query: &str, auth: Auth) -> Result<Envelope, Stop> {
    let p = path(t);
    let req = Request::get(&if query.is_empty() {
        p
    } else {
        format!("{p}?{query}")
    });
    let resp = cx.send(&req, auth, choose).await?;
    let body = resp.body_json();
    let items = match (resp.status, &body["results"]) {
        (200, Value::Array(a)) => a
            .iter()
            .map(|v| Item {
                key: v["name"].as_str().unwrap_or_default().to_string(),
                name: v["name"].as_str().unwrap_or_default().to_string(),
                updated: v["last_updated"].to_string(),
                digest: v["digest"].as_str().unwrap_or_default().to_string(),
                ..Item::default()
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(Envelope {
        req,
        items,
        count: reference::json_count(&body["count"]),
        next: body["next"].clone(),
        previous: body["previous"].clone(),
        resp,
    })
}

fn status_line(resp: &Response) -> String {
    format!(
        "HTTP {} {}",
        resp.status,
        super::schema::excerpt(&resp.body)
    )
}

/// Walks pages 1, 2, … of `pagesize=size`. A server that caps the size lower (first page short but a `next`) is
/// walked at its own size, which the walk's pages then record.
async fn walk(cx: &mut Cx, t: &Target, size: u64) -> Result<Walk, Stop> {
    let mut w = Walk {
        label: t.label(),
        target: Some(t.clone()),
        ..Walk::default()
    };
    let mut step = WalkStep::default();
    let mut effective = size;
    for page in 1.. {
        let e = get(cx, t, &format!("page={page}&pagesize={size}")).await?;
        if page == 1 && (e.items.len() as u64) < size && !e.next.is_null() && !e.items.is_empty() {
            effective = e.items.len() as u64;
        }
        let ok = e.resp.status == 200;
        w.pages.push(PageSeen {
            request: e.req,
            at: page,
            size: effective,
            len: e.items.len(),
            total: e.count,
            response: e.resp,
        });
        if !ok || !step.more(&mut w, e.items, effective) {
            break;
        }
    }
    Ok(w)
}

fn keys(items: &[Item]) -> Vec<String> {
    items.iter().map(|i| i.key.clone()).collect()
}

pub(super) fn discovery(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for t in cx.cfg.targets.clone() {
            let w = walk(cx, &t, WALK_SIZE).await?;
            let first = &w.pages[0].response;
            if matches!(first.status, 401 | 403) {
                let why = format!(
                    "the target refused the suite's credentials: {}",
                    status_line(first)
                );
                cx.refused = Some(why.clone());
                return Err(Stop::Error(why));
            }
            let listed = first.status != 200 || first.body_json()["results"].is_array();
            if !super::runner::documented_list(
                cx,
                &w.pages[0],
                listed,
                "a JSON object with a results array",
            ) {
                return Ok(());
            }
            // An empty first page that declares tags (a server numbering pages from 0, say) is a paging bug the
            // paging checks judge, not "no data".
            let declared = w.totals().first().is_some_and(|t| *t > 0);
            if first.status != 200 || (w.items.is_empty() && !declared) {
                return Err(Stop::Error(format!(
                    "target {} has nothing to check: {}{}",
                    t.label(),
                    status_line(first),
                    cx.cfg.default_target_hint().unwrap_or_default()
                )));
            }
            cx.case();
            cx.walks.push(w);
        }
        Ok(())
    })
}

/// The page size the discovery walk of `w` ran at.
fn size_of(w: &Walk) -> u64 {
    w.pages.first().map_or(WALK_SIZE, |p| p.size)
}

/// One generated `(pagesize, page)` of walk `ctx.1` (the page capped at the last one): the page must be its slice.
fn page_case<'a>(
    cx: &'a mut Cx,
    ctx: &'a (Target, Walk),
    (size, page): (u64, u64),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let (t, base) = ctx;
        let n = base.items.len();
        let page = page.min(reference::page_count(size, n).max(1));
        let e = get(cx, t, &format!("page={page}&pagesize={size}")).await?;
        let want = base.keys()[reference::page_window(page, size, n)].to_vec();
        if e.resp.status == 200 && keys(&e.items) == want {
            return Ok(None);
        }
        Ok(Some(Broken {
            message: "page p of size s is not items (p-1)s+1..ps of the walk".into(),
            expected: reference::count_from(want.len(), "tags", want.first()),
            actual: format!(
                "HTTP {} with {}",
                e.resp.status,
                reference::count_from(e.items.len(), "tags", e.items.first().map(|i| &i.key))
            ),
            request: e.req,
        }))
    })
}

pub(super) fn concat(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for base in cx.walks.clone() {
            let t = base
                .target
                .clone()
                .unwrap_or_else(|| Target::ncr("", "", ""));
            let n = base.items.len();
            cx.case();
            if let Some(k) = base.duplicate() {
                cx.fail_raw(
                    format!("the walk of {} lists {k} twice", base.label),
                    String::new(),
                    "every tag once",
                    format!("{k} twice"),
                );
            }
            let max = size_of(&base);
            // One whole walk at a generated size (a whole walk is the expensive part), then generated slices.
            {
                // At most ~20 pages, but never above the largest size (a list of more than 20 pages of it is walked in more).
                let size = cx
                    .rng
                    .range((n as u64).div_ceil(20).clamp(1, max.max(1)), max);
                let other = walk(cx, &t, size).await?;
                cx.case();
                let (a, b) = (base.keys(), other.keys());
                if a != b {
                    let at = a
                        .iter()
                        .zip(&b)
                        .position(|(x, y)| x != y)
                        .unwrap_or(a.len().min(b.len()));
                    let page = &other.pages[(at / size as usize).min(other.pages.len() - 1)];
                    cx.fail(
                        format!("pagesize={size}: the walk differs from the discovery walk at position {at}"),
                        &page.request,
                        format!("{:?}", a.get(at)),
                        format!("{:?}", b.get(at)),
                    );
                }
            }
            // Generated pages, shrunk by proptest when one fails; the page number is capped at the last page.
            let ctx = (t, base);
            property::check(cx, (1..=max.max(1), 1..=(n as u64).max(1)), &ctx, page_case).await?;
        }
        Ok(())
    })
}

fn sound(cx: &Cx, w: &Walk) -> bool {
    w.duplicate().is_none() && !cx.check_failed("ncr.page.concat")
}

pub(super) fn count(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for w in cx.walks.clone() {
            let n = w.items.len() as u64;
            let sound = sound(cx, &w);
            let mut counts = Vec::new();
            // A page past the end may be a 404 (ncr.page.past-end owns it): only the pages with a list are judged.
            for p in w.pages.iter().filter(|p| p.response.status == 200) {
                cx.case();
                match p.total {
                    None => cx.fail(
                        "count is missing or not a number",
                        &p.request,
                        "a number",
                        status_line(&p.response),
                    ),
                    Some(c) if sound && c != n => cx.fail(
                        "count is not the number of tags",
                        &p.request,
                        n.to_string(),
                        c.to_string(),
                    ),
                    Some(c) => counts.push(c),
                }
            }
            counts.dedup();
            if counts.len() > 1 {
                cx.fail_raw(
                    format!("count changes between pages of {}", w.label),
                    String::new(),
                    "one count",
                    format!("{counts:?}"),
                );
            }
        }
        Ok(())
    })
}

fn number(v: &Value) -> Option<u64> {
    reference::json_count(v)
}

/// Whether `next`/`previous` of page `page` (size `size`, `n` tags) are the neighbouring page numbers.
fn links_broken(e: &Envelope, page: u64, size: u64, n: usize) -> Option<Broken> {
    let want_next = reference::next_page(page, size, n);
    let want_previous = reference::previous_page(page);
    let next_ok = number(&e.next) == want_next && (want_next.is_some() || e.next.is_null());
    let previous_ok =
        number(&e.previous) == want_previous && (want_previous.is_some() || e.previous.is_null());
    if next_ok && previous_ok {
        return None;
    }
    let show = |v: Option<u64>| v.map_or("null".to_string(), |n| n.to_string());
    Some(Broken {
        message: format!(
            "next/previous are not the neighbouring page numbers (page {page} of {})",
            reference::page_count(size, n)
        ),
        request: e.req.clone(),
        expected: format!("next {}, previous {}", show(want_next), show(want_previous)),
        actual: format!("next {}, previous {}", e.next, e.previous),
    })
}

/// One generated `(pagesize, page)` of walk `ctx.1` (the page capped at the last one): its links must be the
/// neighbouring pages.
fn links_case<'a>(
    cx: &'a mut Cx,
    ctx: &'a (Target, Walk),
    (size, page): (u64, u64),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let (t, w) = ctx;
        let n = w.items.len();
        let page = page.min(reference::page_count(size, n).max(1));
        let e = get(cx, t, &format!("page={page}&pagesize={size}")).await?;
        Ok(links_broken(&e, page, size, n))
    })
}

pub(super) fn links(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for w in cx.walks.clone() {
            if !sound(cx, &w) {
                return Err(Stop::Skip(format!(
                    "the walk of {} is no reference (see ncr.page.concat)",
                    w.label
                )));
            }
            let t = w.target.clone().unwrap_or_else(|| Target::ncr("", "", ""));
            let n = w.items.len();
            let max = size_of(&w);
            // Generated pages first (shrunk by proptest when one fails: towards page 1 of size 1), then every page
            // of the discovery walk's size.
            let ctx = (t.clone(), w);
            property::check(
                cx,
                (1..=max.max(1), 1..=(n as u64).max(1)),
                &ctx,
                links_case,
            )
            .await?;
            for page in 1..=reference::page_count(max, n) {
                let e = get(cx, &t, &format!("page={page}&pagesize={max}")).await?;
                cx.case();
                if let Some(b) = links_broken(&e, page, max, n) {
                    cx.fail(b.message, &b.request, b.expected, b.actual);
                }
            }
        }
        Ok(())
    })
}

pub(super) fn past_end(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        // Where the last page is depends on the walk: judged only when the walk is sound.
        if cx.check_failed("ncr.page.concat") {
            return Err(Stop::Skip(
                "ncr.page.concat failed, so the walk is no reference".into(),
            ));
        }
        for w in cx.walks.clone() {
            let t = w.target.clone().unwrap_or_else(|| Target::ncr("", "", ""));
            let n = w.items.len();
            let size = size_of(&w);
            let last = reference::page_count(size, n);
            let sound = sound(cx, &w) && !cx.check_failed("ncr.page.count");
            for page in [last + 1, last + cx.rng.range(2, 50)] {
                let e = get(cx, &t, &format!("page={page}&pagesize={size}")).await?;
                cx.case();
                let alt = match e.resp.status {
                    404 => "not-found-404",
                    200 if e.items.is_empty()
                        && e.next.is_null()
                        && e.count.is_some()
                        && (!sound || e.count == Some(n as u64))
                        && e.resp.body_json()["results"].is_array() =>
                    {
                        "empty-200"
                    }
                    _ => "other",
                };
                // Right after the last page, "the last page" and "the page before" are one number: judged, but not
                // recorded as what the target does.
                let previous = match number(&e.previous) {
                    None if e.previous.is_null() => Some("null"),
                    Some(p) if p == last && p == page - 1 => None,
                    Some(p) if p == page - 1 => Some("page-minus-one"),
                    Some(p) if p == last => Some("last-page"),
                    _ => Some("other"),
                };
                let previous_fine = match previous {
                    Some(alt) => cx.accepts("ncr.page.past-end-previous", alt),
                    None => true,
                };
                let fine =
                    cx.accepts("ncr.page.past-end", alt) && (alt != "empty-200" || previous_fine);
                if !fine {
                    cx.fail(
                        format!(
                            "page {page} (past the last page {last}) is not an accepted answer"
                        ),
                        &e.req,
                        format!(
                            "{}; {}",
                            describe("ncr.page.past-end"),
                            describe("ncr.page.past-end-previous")
                        ),
                        format!(
                            "{}; next {}, previous {}",
                            status_line(&e.resp),
                            e.next,
                            e.previous
                        ),
                    );
                }
            }
        }
        Ok(())
    })
}

pub(super) fn sizes(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for w in cx.trusted(0..cx.walks.len(), "ncr.page.concat")? {
            let t = w.target.clone().unwrap_or_else(|| Target::ncr("", "", ""));
            let all = w.keys();
            for (query, ambiguity) in [
                ("page=1&pagesize=1", None),
                ("", Some("ncr.pagesize.default")),
                ("page=1&pagesize=1000", Some("ncr.pagesize.above-max")),
            ] {
                let e = get(cx, &t, query).await?;
                cx.case();
                let got = keys(&e.items);
                let prefix = !got.is_empty() && all.starts_with(&got);
                let alt = match (e.resp.status, query) {
                    (200, "page=1&pagesize=1") if Some(got.as_slice()) == all.get(..1) => "exact",
                    (200, "") if prefix => "any-prefix",
                    (200, _) if prefix && got.len() == all.len().min(1000) => "honour",
                    (200, _) if prefix && got.len() < 1000 => "clamp",
                    (400, _) => "reject-400",
                    _ => "other",
                };
                // The whole of a list shorter than the server's cap is both "honoured" and "clamped": judged, not
                // recorded as what the target does.
                let undecided = alt == "honour" && got.len() == all.len() && all.len() < 1000;
                let fine = match ambiguity {
                    None => alt == "exact",
                    Some(id) if undecided => super::ambiguities::accepts(id, alt),
                    Some(id) => cx.accepts(id, alt),
                };
                if !fine {
                    let expected = ambiguity
                        .map_or_else(|| reference::count_from(1, "tag", all.first()), describe);
                    cx.fail(
                        format!("?{query} does not give an accepted prefix of the list"),
                        &e.req,
                        expected,
                        format!("HTTP {} with {} tags", e.resp.status, got.len()),
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
        const HUGE_PAGE: &str = "page=99999999999999999999999";
        for query in [
            "page=0",
            "pagesize=0",
            "page=-1",
            "pagesize=-1",
            "pagesize=abc",
            HUGE_PAGE,
        ] {
            let e = get(cx, &t, query).await?;
            cx.case();
            let alt = match e.resp.status {
                400 => "reject-400",
                200 if e.resp.body_json()["results"].is_array() => "lenient-200",
                // A huge page is still a page past the end, which a target may answer 404 (`ncr.page.past-end`).
                404 if query == HUGE_PAGE => "past-end-404",
                _ => "other",
            };
            if !cx.accepts("ncr.paging.invalid", alt) {
                cx.fail(
                    format!("{query} is answered with neither a 400 nor a well-formed list"),
                    &e.req,
                    describe("ncr.paging.invalid"),
                    status_line(&e.resp),
                );
            }
        }
        Ok(())
    })
}

/// Epoch milliseconds of 2001-09-09T01:46:40Z: an NCR time below it is read as seconds, not milliseconds.
const FIRST_13_DIGIT_MS: u64 = 1_000_000_000_000;

/// The times of every tag of the discovery walks (`last_updated`, `images[].created` and `.updated`) are epoch
/// milliseconds, as the page says, not seconds: 13 digits for any time since 2001.
pub(super) fn times_in_milliseconds(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        // `created` may be a digit string (the table types it String).
        let ms = |v: &Value| reference::json_count(v).or_else(|| v.as_str()?.parse().ok());
        // Taken for the loop (the walks are read, the context written) and put back, as `judge_seen` does.
        let walks = std::mem::take(&mut cx.walks);
        for p in walks
            .iter()
            .flat_map(|w| &w.pages)
            .filter(|p| p.response.status == 200)
        {
            let body = p.response.body_json();
            let Value::Array(results) = &body["results"] else {
                continue;
            };
            for tag in results {
                cx.case();
                let images = tag["images"].as_array().into_iter().flatten();
                let seconds = std::iter::once(("last_updated", &tag["last_updated"]))
                    .chain(images.flat_map(|i| {
                        [
                            ("images[].created", &i["created"]),
                            ("images[].updated", &i["updated"]),
                        ]
                    }))
                    .find(|(_, v)| ms(v).is_some_and(|t| t < FIRST_13_DIGIT_MS));
                if let Some((field, v)) = seconds {
                    cx.fail(
                        format!(
                            "{field} of {:?} reads as seconds, not milliseconds",
                            tag["name"].as_str().unwrap_or_default()
                        ),
                        &p.request,
                        "epoch milliseconds (13 digits since 2001)",
                        v.to_string(),
                    );
                }
            }
        }
        cx.walks = walks;
        Ok(())
    })
}

pub(super) fn errors_not_found(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let Some(t) = cx.cfg.targets.first().cloned() else {
            return Err(Stop::Skip("no target".into()));
        };
        let missing = format!("regmock-conform-missing-{:04x}", cx.rng.next() % 0xffff);
        for (target, what) in [
            (
                Target::ncr(&t.region, &t.registry, &missing),
                "an unknown image",
            ),
            (
                Target::ncr(&t.region, &missing, &t.repository),
                "an unknown registry",
            ),
            // Each region has its own prefix and its own registries: this region's registry does not exist in
            // another one (a target without that region's prefix answers 404 too).
            (
                Target::ncr(other_region(&t.region), &t.registry, &t.repository),
                "a registry asked under another region's prefix",
            ),
        ] {
            let e = get(cx, &target, "").await?;
            cx.case();
            if e.resp.status != 404 {
                cx.fail(
                    format!("{what} is not a 404"),
                    &e.req,
                    "HTTP 404",
                    status_line(&e.resp),
                );
            }
        }
        Ok(())
    })
}

/// A region other than `region` (`kr`, `sgn`, `jpn`).
fn other_region(region: &str) -> &'static str {
    match region {
        "sgn" => "jpn",
        "jpn" => "kr",
        _ => "sgn",
    }
}

fn probe(cx: &Cx) -> Result<Target, Stop> {
    cx.cfg
        .targets
        .first()
        .cloned()
        .ok_or_else(|| Stop::Skip("no target".into()))
}

pub(super) fn auth_signed(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let t = probe(cx)?;
        let e = get_with(cx, &t, "page=1&pagesize=1", Auth::KeyPair).await?;
        cx.case();
        if e.resp.status != 200 {
            cx.fail(
                "a correctly signed request is refused",
                &e.req,
                "HTTP 200",
                status_line(&e.resp),
            );
        }
        Ok(())
    })
}

fn refusal<'a>(
    cx: &'a mut Cx,
    auth: Auth,
    what: &'static str,
    codes: &'static [&'static str],
) -> BoxFuture<'a> {
    Box::pin(async move {
        let t = probe(cx)?;
        let e = get_with(cx, &t, "page=1&pagesize=1", auth).await?;
        cx.case();
        let code = &e.resp.body_json()["error"]["errorCode"];
        let code = code
            .as_str()
            .map(str::to_string)
            .or_else(|| code.as_u64().map(|n| n.to_string()))
            .unwrap_or_default();
        if e.resp.status != 401 || !codes.contains(&code.as_str()) {
            cx.fail(
                format!("{what} is not refused by the gateway"),
                &e.req,
                format!("HTTP 401, errorCode {}", codes.join(" or ")),
                format!("HTTP {} errorCode {code:?}", e.resp.status),
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
        &["200"],
    )
}

pub(super) fn auth_stale(cx: &mut Cx) -> BoxFuture<'_> {
    refusal(
        cx,
        Auth::Stale,
        "a request timestamped an hour ago",
        &["200"],
    )
}

pub(super) fn auth_wrong_key(cx: &mut Cx) -> BoxFuture<'_> {
    refusal(
        cx,
        Auth::WrongKey,
        "a request signed with an unknown access key",
        &["200", "210"],
    )
}
