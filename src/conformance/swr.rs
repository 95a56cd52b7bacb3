//! SWR checks: `list_repos_details`, `list_repository_tags` and `show_repo_tag` (the rows `swr.*` of the table).

use super::ambiguities::describe;
use super::client::{Auth, Dialect};
use super::config::Target;
use super::property::{self, Broken, CaseFuture, Fits, Needle, NeedleParts, needles};
use super::reference::{self, Match};
use super::runner::{BoxFuture, Cx, Item, PageSeen, Stop, Walk, WalkStep};
use crate::http::{Request, Response};
use crate::model::ProviderId;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::arbitrary::any;
use proptest::sample::Index;
use serde_json::Value;

const LIST_REPOS: &[&str] = &["swr/list_repos_details.response.schema.json"];
const LIST_TAGS: &[&str] = &["swr/list_repository_tags.response.schema.json"];
const SHOW_TAG: &[&str] = &["swr/show_repo_tag.response.schema.json"];
const ERRORS: &[&str] = &["swr/error.schema.json", "swr/gateway_error.schema.json"];
/// The page size of the discovery walks: the documented default.
const WALK_SIZE: u64 = 100;
/// The SDK docstrings' maximum `limit`.
const MAX_LIMIT: u64 = 1000;

fn choose(status: u16, ok: &'static [&'static str]) -> (&'static [&'static str], bool) {
    if (200..300).contains(&status) {
        (ok, false)
    } else {
        (ERRORS, true)
    }
}
fn choose_repos(status: u16, _: &Value) -> (&'static [&'static str], bool) {
    choose(status, LIST_REPOS)
}
fn choose_tags(status: u16, _: &Value) -> (&'static [&'static str], bool) {
    choose(status, LIST_TAGS)
}
fn choose_show(status: u16, _: &Value) -> (&'static [&'static str], bool) {
    choose(status, SHOW_TAG)
}

pub(super) fn dialect() -> Dialect {
    Dialect {
        provider: super::runner::provider(ProviderId::Swr),
        // The docs' X-Auth-Token replaces the SDK's signature.
        add_token: |req, token| {
            req.headers.push(("X-Auth-Token".into(), token.into()));
            true
        },
        // SWR documents no throttling code; 429 is handled by the client.
        throttled: |_| false,
    }
}

/// The SDK's path encoding: everything but `A-Z a-z 0-9 - _ . ~` (the official SWR SDK sources, Request encoding).
const SDK: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn enc(s: &str) -> String {
    utf8_percent_encode(s, SDK).to_string()
}

fn tags_path(t: &Target) -> String {
    format!(
        "/v2/manage/namespaces/{}/repos/{}/tags",
        enc(&t.namespace),
        enc(&t.repository)
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum List {
    Repos,
    Tags,
}

fn path_of(list: List, target: Option<&Target>) -> String {
    match (list, target) {
        (List::Tags, Some(t)) => tags_path(t),
        _ => "/v2/manage/repos".into(),
    }
}

fn item(list: List, v: &Value) -> Item {
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    match list {
        List::Tags => Item {
            key: s("Tag"),
            name: s("Tag"),
            updated: s("updated"),
            digest: s("digest"),
            ..Item::default()
        },
        List::Repos => Item {
            key: format!("{}/{}", s("namespace"), s("name")),
            name: s("name"),
            namespace: s("namespace"),
            category: s("category"),
            updated: s("updated_at"),
            count: reference::json_count(&v["num_images"]).unwrap_or_default(),
            ..Item::default()
        },
    }
}

/// One list request: `(request, answer, items)`; items are empty unless the answer is a 200 array.
async fn list(
    cx: &mut Cx,
    list: List,
    target: Option<&Target>,
    query: &str,
) -> Result<(Request, Response, Vec<Item>), Stop> {
    let path = path_of(list, target);
    let req = Request::get(&if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    });
    let chooser = if list == List::Tags {
        choose_tags
    } else {
        choose_repos
    };
    let resp = cx.send(&req, Auth::Signed, chooser).await?;
    let items = match (resp.status, resp.body_json()) {
        (200, Value::Array(a)) => a.iter().map(|v| item(list, v)).collect(),
        _ => Vec::new(),
    };
    Ok((req, resp, items))
}

fn total_of(resp: &Response) -> Option<u64> {
    resp.header_value("content-range")
        .and_then(reference::parse_content_range)
        .map(|r| r.2)
}

/// The first `pages` pages of the tag list (`extra` prepended to each query).
async fn walk_pages(
    cx: &mut Cx,
    target: Option<&Target>,
    size: u64,
    extra: &str,
    pages: usize,
) -> Result<Walk, Stop> {
    walk_capped(cx, List::Tags, target, size, extra, pages).await
}

/// Walks a list with `limit=size` and offsets 0, size, 2·size, … (`extra` is prepended to each query).
async fn walk(
    cx: &mut Cx,
    l: List,
    target: Option<&Target>,
    size: u64,
    extra: &str,
) -> Result<Walk, Stop> {
    walk_capped(cx, l, target, size, extra, usize::MAX).await
}

async fn walk_capped(
    cx: &mut Cx,
    l: List,
    target: Option<&Target>,
    size: u64,
    extra: &str,
    pages: usize,
) -> Result<Walk, Stop> {
    let mut w = Walk {
        label: target.map_or("repositories".into(), |t| format!("{} tags", t.label())),
        target: target.cloned(),
        ..Walk::default()
    };
    let mut step = WalkStep::default();
    let mut offset = 0;
    loop {
        let (req, resp, items) = list(
            cx,
            l,
            target,
            &format!("{extra}limit={size}&offset={offset}"),
        )
        .await?;
        let ok = resp.status == 200;
        w.pages.push(PageSeen {
            request: req,
            at: offset,
            size,
            len: items.len(),
            total: total_of(&resp),
            response: resp,
        });
        if !ok || !step.more(&mut w, items, size) || w.pages.len() >= pages {
            return Ok(w);
        }
        offset += size;
    }
}

fn status_line(resp: &Response) -> String {
    format!(
        "HTTP {} {}",
        resp.status,
        super::schema::excerpt(&resp.body)
    )
}

fn refused(resp: &Response) -> bool {
    matches!(resp.status, 401 | 403)
}

pub(super) fn discovery(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let repos = walk(cx, List::Repos, None, WALK_SIZE, "").await?;
        let first = &repos.pages[0].response;
        if refused(first) {
            let why = format!(
                "the target refused the suite's credentials: {}",
                status_line(first)
            );
            cx.refused = Some(why.clone());
            return Err(Stop::Error(why));
        }
        if first.status != 200 {
            return Err(Stop::Error(format!(
                "the repository list could not be read: {}",
                status_line(first)
            )));
        }
        let listed = first.body_json().is_array();
        if !super::runner::documented_list(
            cx,
            &repos.pages[0],
            listed,
            "a JSON array of repositories",
        ) {
            return Ok(());
        }
        cx.case();
        cx.walks.push(repos);
        for t in cx.cfg.targets.clone() {
            let w = walk(cx, List::Tags, Some(&t), WALK_SIZE, "").await?;
            let first = &w.pages[0].response;
            if first.status != 200 {
                return Err(Stop::Error(format!(
                    "target {} could not be listed: {}{}",
                    t.label(),
                    status_line(first),
                    cx.cfg.default_target_hint().unwrap_or_default()
                )));
            }
            let listed = first.body_json().is_array();
            if !super::runner::documented_list(cx, &w.pages[0], listed, "a JSON array of tags") {
                return Ok(());
            }
            if w.items.is_empty() {
                return Err(Stop::Error(format!(
                    "target {} has no tags: nothing to check{}",
                    t.label(),
                    cx.cfg.default_target_hint().unwrap_or_default()
                )));
            }
            cx.case();
            cx.walks.push(w);
        }
        Ok(())
    })
}

/// Compares another walk of the same list with the discovery walk; the failure names the first page that differs.
fn compare_walk(cx: &mut Cx, base: &Walk, other: &Walk, what: &str) {
    cx.case();
    let (a, b) = (base.keys(), other.keys());
    if a == b {
        return;
    }
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let page = other
        .pages
        .iter()
        .find(|p| (p.at as usize) <= at && at < p.at as usize + p.size as usize)
        .or(other.pages.last());
    let show = |v: &[String]| format!("{:?}", &v[at.min(v.len())..(at + 3).min(v.len())]);
    cx.fail_raw(
        format!(
            "{what}: the walk differs from the discovery walk at position {at} ({} vs {} items)",
            b.len(),
            a.len()
        ),
        page.map(|p| super::client::describe(&p.request))
            .unwrap_or_default(),
        format!("items {at}.. = {}", show(&a)),
        format!("items {at}.. = {}", show(&b)),
    );
}

fn check_duplicates(cx: &mut Cx, w: &Walk) {
    cx.case();
    if let Some(k) = w.duplicate() {
        let req = w
            .pages
            .iter()
            .rev()
            .find(|p| p.len > 0)
            .map(|p| super::client::describe(&p.request));
        cx.fail_raw(
            format!("the walk of {} lists {k} twice", w.label),
            req.unwrap_or_default(),
            "every item once",
            format!("{k} on two pages"),
        );
    }
}

/// A page size for a generated walk: at least n/20 (at most ~21 requests), at most the maximum limit.
fn walk_size(cx: &mut Cx, n: usize) -> u64 {
    let lo = (n as u64).div_ceil(20).max(1);
    let hi = MAX_LIMIT.min((n as u64).max(lo));
    cx.rng.range(lo, hi)
}

fn concat<'a>(cx: &'a mut Cx, l: List) -> BoxFuture<'a> {
    Box::pin(async move {
        let range = if l == List::Repos {
            0..1
        } else {
            1..cx.walks.len()
        };
        for wi in range {
            let base = cx.walks[wi].clone();
            check_duplicates(cx, &base);
            let n = base.items.len();
            // One whole walk at a generated size (a whole walk is the expensive part), then generated slices.
            let size = walk_size(cx, n);
            let other = walk(cx, l, base.target.as_ref(), size, "").await?;
            compare_walk(cx, &base, &other, &format!("limit={size}"));
            // Generated slices, shrunk by proptest when one fails. The repository page documents offsets that are
            // multiples of the limit only.
            let max = (n as u64).clamp(1, MAX_LIMIT);
            let top = (n as u64).saturating_sub(1);
            // Independent ranges, which proptest shrinks by bisection (a flat map would cost far more requests).
            let slices = (1..=max, 0..=top);
            let ctx = (l, base);
            property::check(cx, slices, &ctx, slice_case).await?;
        }
        Ok(())
    })
}

/// One generated slice `(limit, offset)` of the list of walk `ctx.1`: the page must be the walk's slice.
fn slice_case<'a>(
    cx: &'a mut Cx,
    ctx: &'a (List, Walk),
    (limit, at): (u64, u64),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let (l, base) = ctx;
        let n = base.items.len();
        // Repository offsets are rounded down to a multiple of the limit (at most `at`, so no overflow).
        let offset = match l {
            List::Repos => at / limit * limit,
            List::Tags => at,
        };
        let (req, resp, items) = list(
            cx,
            *l,
            base.target.as_ref(),
            &format!("limit={limit}&offset={offset}"),
        )
        .await?;
        let want: Vec<String> = base.keys()[reference::offset_window(offset, limit, n)].to_vec();
        let got: Vec<String> = items.iter().map(|i| i.key.clone()).collect();
        if resp.status == 200 && want == got {
            return Ok(None);
        }
        Ok(Some(Broken {
            message: "the page is not the walk's slice [offset, offset+limit)".into(),
            request: req,
            expected: format!(
                "HTTP 200 with {}",
                reference::count_from(want.len(), "items", want.first())
            ),
            actual: format!(
                "HTTP {} with {}",
                resp.status,
                reference::count_from(got.len(), "items", got.first())
            ),
        }))
    })
}

pub(super) fn repos_concat(cx: &mut Cx) -> BoxFuture<'_> {
    concat(cx, List::Repos)
}

pub(super) fn tags_concat(cx: &mut Cx) -> BoxFuture<'_> {
    concat(cx, List::Tags)
}

/// Judges Content-Range on every page of the discovery walks of `l`; the total is compared with the walk only when the
/// walk itself is sound (the concat check owns gaps and duplicates).
fn content_range<'a>(cx: &'a mut Cx, l: List, concat_id: &'a str) -> BoxFuture<'a> {
    Box::pin(async move {
        let range = if l == List::Repos {
            0..1
        } else {
            1..cx.walks.len()
        };
        for wi in range {
            let w = cx.walks[wi].clone();
            let n = w.items.len() as u64;
            let sound = w.duplicate().is_none() && !cx.check_failed(concat_id);
            let mut totals = Vec::new();
            // Pages past the end belong to swr.tags.page.past-end.
            for p in w.pages.iter().filter(|p| p.response.status == 200) {
                cx.case();
                let Some(value) = p.response.header_value("content-range") else {
                    cx.fail(
                        "no Content-Range header on a request with limit and offset",
                        &p.request,
                        "Content-Range: offset-count/total",
                        "absent",
                    );
                    continue;
                };
                let Some((offset, count, total)) = reference::parse_content_range(value) else {
                    cx.fail(
                        "Content-Range does not read offset-count/total",
                        &p.request,
                        "offset-count/total",
                        value,
                    );
                    continue;
                };
                let expected = format!(
                    "{}-{}/{}",
                    p.at,
                    p.len,
                    if sound {
                        n.to_string()
                    } else {
                        "<total>".into()
                    }
                );
                let total_wrong = sound && total != n;
                if offset != p.at || count != p.len as u64 || total_wrong {
                    cx.fail("Content-Range numbers are wrong (offset = start index, count = records on this page, total = all records)", &p.request, expected, value);
                }
                totals.push(total);
                if l == List::Repos
                    && let Value::Array(items) = p.response.body_json()
                    && items
                        .iter()
                        .any(|i| reference::json_count(&i["total_range"]) != Some(total))
                {
                    cx.fail(
                        "total_range differs from the total",
                        &p.request,
                        format!("total_range = {total} on every item"),
                        "another value",
                    );
                }
            }
            totals.dedup();
            if totals.len() > 1 {
                cx.fail_raw(
                    format!("the total changes between pages of {}", w.label),
                    String::new(),
                    "the same total on every page",
                    format!("{totals:?}"),
                );
            }
            if sound {
                single_key(cx, l, &w).await?;
            }
        }
        Ok(())
    })
}

/// `limit` alone, `offset` alone and neither: the page is the documented default slice (offset 0, limit 100), with
/// the total as every repository's `total_range`, and a Content-Range, which the docs promise only when both are
/// given, reads right when it is sent. The tag list's page documents no defaults and says the two "should always be
/// used together", so there one of them alone may also give every record from the offset, or a 400
/// (`swr.tags.single-key`), and neither may give every record.
async fn single_key(cx: &mut Cx, l: List, w: &Walk) -> Result<(), Stop> {
    let n = w.items.len() as u64;
    // Below the list's length (when it has two or more), so a server that ignores `limit` shows.
    let limit = cx.rng.range(1, n.saturating_sub(1).clamp(1, WALK_SIZE));
    let offset = match l {
        // The repository page documents offsets that are multiples of the limit only, here the default 100.
        List::Repos => 0,
        // More than 100 records after it where the walk has them, so "100 records" and "all of them" differ.
        List::Tags if n > WALK_SIZE + 1 => cx.rng.range(1, n - WALK_SIZE - 1),
        List::Tags => cx.rng.range(0, n.saturating_sub(1)),
    };
    for (query, start, size) in [
        (format!("limit={limit}"), 0, limit),
        (format!("offset={offset}"), offset, WALK_SIZE),
        // Neither (the tag list page's own example request): the defaults of both.
        (String::new(), 0, WALK_SIZE),
    ] {
        let (req, resp, items) = list(cx, l, w.target.as_ref(), &query).await?;
        cx.case();
        let what = match query.as_str() {
            "" => "a request without limit and offset".to_string(),
            q => format!("{q} alone"),
        };
        let slice =
            |size: u64| w.keys()[reference::offset_window(start, size, n as usize)].to_vec();
        let (defaults, all) = (slice(size), slice(u64::MAX));
        let got: Vec<String> = items.iter().map(|i| i.key.clone()).collect();
        let (alt, want) = match resp.status {
            200 if got == defaults => ("default-100", defaults),
            200 if got == all => ("all", all),
            400 if error_code(&resp.body_json()).is_some() => ("reject-400", Vec::new()),
            _ => ("other", defaults),
        };
        let fine = match (l, query.is_empty()) {
            (List::Repos, _) => alt == "default-100",
            // The tag list page's example request has no query: it is answered, not refused.
            (List::Tags, true) => matches!(alt, "default-100" | "all"),
            (List::Tags, false) => cx.accepts("swr.tags.single-key", alt),
        };
        if !fine {
            let expected = format!(
                "HTTP 200 with {}",
                reference::count_from(want.len(), "items", want.first())
            );
            cx.fail(
                format!("{what} is not the slice the documented defaults give"),
                &req,
                match l {
                    List::Repos => expected,
                    List::Tags => format!("{expected} ({})", describe("swr.tags.single-key")),
                },
                format!(
                    "HTTP {} with {}",
                    resp.status,
                    reference::count_from(got.len(), "items", got.first())
                ),
            );
            continue;
        }
        if alt == "reject-400" {
            continue;
        }
        // Each repository's total_range is the total on a page of any size, not only on a walk's.
        if l == List::Repos
            && let Value::Array(repos) = resp.body_json()
            && let Some(bad) = repos
                .iter()
                .find(|r| reference::json_count(&r["total_range"]) != Some(n))
        {
            cx.fail(
                format!("total_range on {what} is not the total"),
                &req,
                format!("total_range = {n} on every item"),
                format!("total_range = {}", bad["total_range"]),
            );
        }
        let expected = format!("{start}-{}/{n}", want.len());
        let alt = match resp.header_value("content-range") {
            None => "absent",
            Some(v) if reference::parse_content_range(v) == Some((start, want.len() as u64, n)) => {
                "present"
            }
            Some(_) => "wrong",
        };
        // Without either, the docs promise no header (only that it is right when sent): no ambiguity to record.
        let fine = match query.is_empty() {
            true => alt != "wrong",
            false => cx.accepts("swr.content-range.single-key", alt),
        };
        if !fine {
            cx.fail(
                format!("Content-Range on {what} has the wrong numbers"),
                &req,
                format!(
                    "{expected} or no header ({})",
                    describe("swr.content-range.single-key")
                ),
                resp.header_value("content-range")
                    .unwrap_or_default()
                    .to_string(),
            );
        }
    }
    Ok(())
}

pub(super) fn repos_content_range(cx: &mut Cx) -> BoxFuture<'_> {
    content_range(cx, List::Repos, "swr.repos.page.concat")
}

pub(super) fn tags_content_range(cx: &mut Cx) -> BoxFuture<'_> {
    content_range(cx, List::Tags, "swr.tags.page.concat")
}

/// Every item of a filtered list (pages of 1000), or the failing answer.
async fn filtered(
    cx: &mut Cx,
    l: List,
    target: Option<&Target>,
    extra: &str,
) -> Result<Result<Vec<String>, (Request, Response)>, Stop> {
    let w = walk(cx, l, target, MAX_LIMIT, extra).await?;
    // Only the first page must be a 200: a refused page past the end is swr.tags.page.past-end's to judge.
    let bad = w.pages.first().filter(|p| p.response.status != 200);
    Ok(match bad {
        Some(p) => Err((p.request.clone(), p.response.clone())),
        None => Ok(w.keys()),
    })
}

/// The repository sort keys the docs name: `updated_at` as individual parameters, `name`, `updated_time` and
/// `tag_count` inside `filter`, each with `asc` and `desc`.
const REPO_SORTS: &[(&str, bool)] = &[
    ("updated_at", false),
    ("name", true),
    ("updated_time", true),
    ("tag_count", true),
];

/// The repository fields that describe other data: `path` and `internal_path` end in `/{namespace}/{name}` on every
/// repository walked, and each target's `num_images` and `tags` are its tag list's count and names.
pub(super) fn repos_fields(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let repos = cx.walks.first().cloned().unwrap_or_default();
        let mut seen: std::collections::HashMap<String, (Value, Request)> = Default::default();
        for p in repos.pages.iter().filter(|p| p.response.status == 200) {
            let Value::Array(items) = p.response.body_json() else {
                continue;
            };
            for v in items {
                cx.case();
                let (ns, name) = (v["namespace"].as_str(), v["name"].as_str());
                let suffix = format!("/{}/{}", ns.unwrap_or_default(), name.unwrap_or_default());
                for field in ["path", "internal_path"] {
                    let sent = v[field].as_str();
                    if !sent.is_some_and(|s| s.len() > suffix.len() && s.ends_with(&suffix)) {
                        cx.fail(
                            format!("{field} is not {{Repository address}}/{{Namespace name}}/{{Repository name}}"),
                            &p.request,
                            format!("<address>{suffix}"),
                            sent.map_or_else(|| format!("{}", v[field]), |s| format!("{s:?}")),
                        );
                    }
                }
                seen.insert(
                    format!("{}/{}", ns.unwrap_or_default(), name.unwrap_or_default()),
                    (v, p.request.clone()),
                );
            }
        }
        for w in cx.trusted(1..cx.walks.len(), "swr.tags.page.concat")? {
            let Some(t) = &w.target else { continue };
            let Some((repo, req)) = seen.get(&format!("{}/{}", t.namespace, t.repository)) else {
                continue;
            };
            cx.case();
            let n = w.items.len() as u64;
            if reference::json_count(&repo["num_images"]) != Some(n) {
                cx.fail(
                    format!("num_images of {} is not the number of its tags", w.label),
                    req,
                    format!("num_images = {n} (its tag list)"),
                    format!("num_images = {}", repo["num_images"]),
                );
            }
            let mut want: Vec<&str> = w.items.iter().map(|i| i.name.as_str()).collect();
            let mut got: Vec<&str> = match &repo["tags"] {
                Value::Array(tags) => tags.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            want.sort_unstable();
            got.sort_unstable();
            if repo["tags"].as_array().map(Vec::len) != Some(got.len()) || got != want {
                cx.fail(
                    format!("tags of {} are not the names in its tag list", w.label),
                    req,
                    reference::count_from(want.len(), "tag names", want.first()),
                    super::schema::excerpt(repo["tags"].to_string().as_bytes()),
                );
            }
        }
        Ok(())
    })
}

pub(super) fn repos_sort(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let walks = cx.trusted(0..1, "swr.repos.page.concat")?;
        // (which sort keys ascend, one bit per key; how far below the largest page size): every case walks each key,
        // and a failure shrinks towards descending orders in pages of the largest size (the fewest requests).
        let cases = (any::<[bool; 4]>(), any::<Index>());
        property::check(cx, cases, &walks[0], repo_sort_case).await
    })
}

/// One generated case of the repository sorts: each key of [`REPO_SORTS`] walked whole in its order at one page size;
/// every repository once, in order.
fn repo_sort_case<'a>(
    cx: &'a mut Cx,
    base: &'a Walk,
    (ascending, below): ([bool; 4], Index),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let n = base.items.len();
        let mut all = base.keys();
        all.sort();
        let hi = MAX_LIMIT.min((n as u64).max(1));
        let lo = (n as u64).div_ceil(20).clamp(1, hi);
        let size = hi - below.index((hi - lo + 1) as usize) as u64;
        for (&(column, in_filter), ascending) in REPO_SORTS.iter().zip(ascending) {
            let order = if ascending { "asc" } else { "desc" };
            // Paging goes inside the filter with the order: a filter replaces the individual parameters.
            let mut w = Walk::default();
            let mut step = WalkStep::default();
            let mut offset = 0;
            loop {
                let query = if in_filter {
                    filter_param(&format!(
                        "order_column::{column}|order_type::{order}|limit::{size}|offset::{offset}"
                    ))
                } else {
                    format!("order_column={column}&order_type={order}&limit={size}&offset={offset}")
                };
                let (req, resp, items) = list(cx, List::Repos, None, &query).await?;
                let ok = resp.status == 200;
                w.pages.push(PageSeen {
                    request: req,
                    at: offset,
                    size,
                    len: items.len(),
                    total: None,
                    response: resp,
                });
                if !ok || !step.more(&mut w, items, size) {
                    break;
                }
                offset += size;
            }
            let first = &w.pages[0];
            let how = if in_filter {
                format!("filter=order_column::{column}|order_type::{order}")
            } else {
                format!("order_column={column}&order_type={order}")
            };
            if first.response.status != 200 {
                return Ok(Some(Broken {
                    message: format!("{how} is refused"),
                    request: first.request.clone(),
                    expected: "HTTP 200 with the sorted list".into(),
                    actual: status_line(&first.response),
                }));
            }
            let mut got = w.keys();
            got.sort();
            if got != all {
                return Ok(Some(Broken {
                    message: format!("{how} (limit {size}) does not list every repository once"),
                    request: first.request.clone(),
                    expected: format!("{n} repositories, each once"),
                    actual: format!(
                        "{} repositories{}",
                        w.items.len(),
                        w.duplicate()
                            .map(|d| format!(", {d} twice"))
                            .unwrap_or_default()
                    ),
                }));
            }
            if !matches!(column, "name" | "tag_count")
                && let Some(broken) = unreadable_time(&w, size)
            {
                return Ok(Some(broken));
            }
            let at = match column {
                "name" => first_unordered(&w.items, ascending, |i| i.name.clone()),
                "tag_count" => first_unordered(&w.items, ascending, |i| i.count),
                _ => first_unordered(&w.items, ascending, |i| {
                    reference::parse_time(&i.updated).unwrap_or_default()
                }),
            };
            if let Some(at) = at {
                let page = &w.pages[(at / size as usize).min(w.pages.len() - 1)];
                return Ok(Some(Broken {
                    message: format!("{how} is out of order at position {at}"),
                    request: page.request.clone(),
                    expected: format!(
                        "{} after {} ({} {})",
                        w.items[at].key,
                        w.items[at - 1].key,
                        column,
                        if ascending { "ascending" } else { "descending" }
                    ),
                    actual: format!("{} before {}", w.items[at - 1].key, w.items[at].key),
                }));
            }
        }
        Ok(None)
    })
}

/// The first position where `key` of `items` is out of order (equal neighbours are fine).
fn first_unordered<K: PartialOrd>(
    items: &[Item],
    ascending: bool,
    key: impl Fn(&Item) -> K,
) -> Option<usize> {
    let keys: Vec<K> = items.iter().map(key).collect();
    keys.windows(2)
        .position(|w| if ascending { w[0] > w[1] } else { w[0] < w[1] })
        .map(|i| i + 1)
}

pub(super) fn repos_filter(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let base = cx.trusted(0..1, "swr.repos.page.concat")?.remove(0).items;
        // A needle for each of namespace, name and category: a failure shrinks towards the first repository's.
        property::check_fitted(cx, needles(), base, repo_filter_case, "swr.repos.fuzzy").await
    })
}

/// Which field of an item a filter parameter matches.
type Field = fn(&Item) -> &str;

/// One generated repository filter case: `namespace` and `name` are fuzzy (one accepted matching for every case),
/// `category` is one of the listed values and matches exactly (a documented enumeration).
fn repo_filter_case<'a>(
    cx: &'a mut Cx,
    (base, fits): &'a (Vec<Item>, Fits),
    needle: NeedleParts,
) -> CaseFuture<'a> {
    Box::pin(async move {
        let needle = Needle::from(needle);
        let params: [(&str, Field); 3] = [
            ("namespace", |i| &i.namespace),
            ("name", |i| &i.name),
            ("category", |i| &i.category),
        ];
        let mut asked = Vec::new();
        for (param, field) in params {
            let values: Vec<String> = base.iter().map(|i| field(i).to_string()).collect();
            match param {
                // A listed category, whole.
                "category" => asked.push((param, field, needle.whole(&values))),
                _ => asked.extend(needle.values(&values).map(|v| (param, field, v))),
            }
        }
        for (param, field, value) in asked {
            let extra = format!("{param}={}&", enc(&value));
            let req = Request::get(&format!(
                "/v2/manage/repos?{extra}limit={MAX_LIMIT}&offset=0"
            ));
            let got = filtered(cx, List::Repos, None, &extra).await?;
            let broken = match param {
                "category" => judge_case(
                    None,
                    &[Match::Exact],
                    base,
                    field,
                    &value,
                    req,
                    got,
                    &Fits::default(),
                ),
                _ => judge_case(
                    Some("swr.repos.fuzzy"),
                    &[Match::SubstringCi, Match::SubstringCs],
                    base,
                    field,
                    &value,
                    req,
                    got,
                    fits,
                ),
            };
            if broken.is_some() {
                return Ok(broken);
            }
        }
        Ok(None)
    })
}

pub(super) fn tags_past_end(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        // Where the last page is depends on the walk: judged only when the walk is sound.
        if cx.check_failed("swr.tags.page.concat") {
            return Err(Stop::Skip(
                "swr.tags.page.concat failed, so the walk is no reference".into(),
            ));
        }
        let walks = cx.walks[1..].to_vec();
        for w in walks {
            let n = w.items.len() as u64;
            for offset in [n, n + cx.rng.range(1, 1000)] {
                let (req, resp, _) = list(
                    cx,
                    List::Tags,
                    w.target.as_ref(),
                    &format!("limit=10&offset={offset}"),
                )
                .await?;
                cx.case();
                if resp.status != 200 || resp.body_json() != Value::Array(Vec::new()) {
                    cx.fail(
                        format!("offset {offset} of {n} records is not an empty page"),
                        &req,
                        "HTTP 200 []",
                        status_line(&resp),
                    );
                }
            }
        }
        Ok(())
    })
}

pub(super) fn tags_sizes(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        for w in cx.trusted(1..cx.walks.len(), "swr.tags.page.concat")? {
            let keys = w.keys();
            let n = keys.len();
            for limit in [1, MAX_LIMIT, MAX_LIMIT + 1] {
                let (req, resp, items) = list(
                    cx,
                    List::Tags,
                    w.target.as_ref(),
                    &format!("limit={limit}&offset=0"),
                )
                .await?;
                cx.case();
                let got: Vec<String> = items.iter().map(|i| i.key.clone()).collect();
                let prefix = |k: u64| keys[..(k as usize).min(n)].to_vec();
                let alt = match resp.status {
                    200 if got == prefix(limit.min(MAX_LIMIT)) => "clamp",
                    200 if got == prefix(limit) => "honour",
                    400 => "reject-400",
                    _ => "other",
                };
                let fine = if limit <= MAX_LIMIT {
                    alt == "clamp"
                } else {
                    cx.accepts("swr.limit.above-max", alt)
                };
                if !fine {
                    let expected = if limit <= MAX_LIMIT {
                        format!("HTTP 200 with the first {} records", limit.min(n as u64))
                    } else {
                        describe("swr.limit.above-max")
                    };
                    cx.fail(
                        format!("limit={limit} is not answered as documented"),
                        &req,
                        expected,
                        format!("HTTP {} with {} records", resp.status, got.len()),
                    );
                }
            }
        }
        Ok(())
    })
}

fn error_code(body: &Value) -> Option<String> {
    body["error_code"]
        .as_str()
        .or_else(|| body[0]["errorCode"].as_str())
        .or_else(|| body["errors"][0]["errorCode"].as_str())
        .map(str::to_string)
}

pub(super) fn repos_invalid(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(invalid_paging(cx, List::Repos, None))
}

pub(super) fn tags_invalid(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let Some(t) = cx.cfg.targets.first().cloned() else {
            return Err(Stop::Skip("no target".into()));
        };
        invalid_paging(cx, List::Tags, Some(&t)).await
    })
}

/// `list` asked with a limit or offset of 0, negative, non-numeric or too large: a 400 with the SWR error body, or
/// (where the docs are silent) a well-formed list, never anything else.
async fn invalid_paging(cx: &mut Cx, list_of: List, target: Option<&Target>) -> Result<(), Stop> {
    for query in [
        "limit=0&offset=0",
        "limit=-1&offset=0",
        "limit=abc&offset=0",
        "limit=99999999999999999999&offset=0",
        "limit=10&offset=-1",
        "limit=10&offset=abc",
    ] {
        let (req, resp, _) = list(cx, list_of, target, query).await?;
        cx.case();
        let alt = match (resp.status, resp.body_json()) {
            (400, body) if error_code(&body).is_some() => "reject-400",
            (200, Value::Array(_)) => "lenient-200",
            _ => "other",
        };
        if !cx.accepts("swr.paging.invalid", alt) {
            cx.fail(
                format!("{query} is answered with neither a 400 nor a well-formed list"),
                &req,
                describe("swr.paging.invalid"),
                status_line(&resp),
            );
        }
    }
    Ok(())
}

pub(super) fn tags_filter(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let walks = cx.trusted(1..cx.walks.len(), "swr.tags.page.concat")?;
        // (walk, needle): a failure shrinks towards the first walk's first name, whole.
        let strategy = (0..walks.len(), needles());
        property::check_fitted(cx, strategy, walks, tag_filter_case, "swr.tags.tag-match").await
    })
}

/// One generated `tag` filter over a walk: every page of the filtered list (pages of 1000) must be the walk's tags
/// one accepted matching selects, the matching every other case fitted.
fn tag_filter_case<'a>(
    cx: &'a mut Cx,
    (walks, fits): &'a (Vec<Walk>, Fits),
    (walk, needle): (usize, NeedleParts),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let w = &walks[walk];
        for value in Needle::from(needle).values(&w.keys()) {
            let extra = format!("tag={}&", enc(&value));
            let req = Request::get(&format!(
                "{}?{extra}limit={MAX_LIMIT}&offset=0",
                path_of(List::Tags, w.target.as_ref())
            ));
            let matches = [Match::SubstringCi, Match::SubstringCs, Match::Exact];
            let got = filtered(cx, List::Tags, w.target.as_ref(), &extra).await?;
            let broken = judge_case(
                Some("swr.tags.tag-match"),
                &matches,
                &w.items,
                |i| &i.name,
                &value,
                req,
                got,
                fits,
            );
            if broken.is_some() {
                return Ok(broken);
            }
        }
        Ok(None)
    })
}

/// [`property::judge_names`] for a filtered list: a refusal is a failure, else the reference lists of `matches` over
/// `base` are the candidates.
#[allow(clippy::too_many_arguments)]
fn judge_case(
    ambiguity: Option<&str>,
    matches: &[Match],
    base: &[Item],
    field: fn(&Item) -> &str,
    needle: &str,
    req: Request,
    got: Result<Vec<String>, (Request, Response)>,
    fits: &Fits,
) -> Option<Broken> {
    let got = match got {
        Err((r, resp)) => {
            return Some(Broken {
                message: format!("the filter {needle:?} was not answered 200"),
                request: r,
                expected: "HTTP 200".into(),
                actual: status_line(&resp),
            });
        }
        Ok(got) => got,
    };
    let candidates = property::candidates(matches, base, field, needle);
    property::judge_names(
        ambiguity,
        &candidates,
        &got,
        &format!("the filter {needle:?}"),
        req,
        fits,
    )
}

/// One page's keys, or `None` for a 400, or the unexpected answer.
async fn page_keys(
    cx: &mut Cx,
    t: &Target,
    query: &str,
) -> Result<(Request, Response, Option<Vec<String>>), Stop> {
    let (req, resp, items) = list(cx, List::Tags, Some(t), query).await?;
    let keys = (resp.status == 200).then(|| items.iter().map(|i| i.key.clone()).collect());
    Ok((req, resp, keys))
}

fn filter_param(segments: &str) -> String {
    format!("filter={}", enc(segments))
}

pub(super) fn tags_filter_grammar(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let walks = cx.trusted(1..cx.walks.len(), "swr.tags.page.concat")?;
        let Some(w) = walks.iter().max_by_key(|w| w.items.len()).cloned() else {
            return Err(Stop::Skip("no walk".into()));
        };
        // (form, needle, limit): a failure shrinks towards the percent-encoded form of the first name, limit 1.
        property::check(cx, (0u8..5, needles(), any::<Index>()), &w, grammar_case).await?;
        // (the name before the separator, the name after it): a failure shrinks towards the first names.
        property::check(cx, (any::<Index>(), any::<Index>()), &w, separators_case).await
    })
}

/// One generated `filter=` form of `tag=a&limit=l&offset=0` (percent-encoded and raw, reordered, with an empty segment,
/// an unknown key, an empty value or a repeated key): the individual parameters' answer, or an accepted answer to
/// the form's ambiguity.
fn grammar_case<'a>(
    cx: &'a mut Cx,
    w: &'a Walk,
    (form, needle, lim): (u8, NeedleParts, Index),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let t = w.target.clone().unwrap_or_else(|| Target::swr("", ""));
        let names = w.keys();
        let a = Needle::from(needle).inner(&names);
        let matches = reference::filter(&names, &a, Match::SubstringCi).len();
        // Small pages keep the check cheap; below the number of matches, so a dropped limit shows.
        let limit = 1 + lim.index(matches.saturating_sub(1).clamp(1, 50));
        let (req, resp, want) =
            page_keys(cx, &t, &format!("tag={}&limit={limit}&offset=0", enc(&a))).await?;
        let Some(want) = want else {
            return Err(Stop::Error(format!(
                "{} was refused: {}",
                super::client::describe(&req),
                status_line(&resp)
            )));
        };
        let same = format!("tag::{a}|limit::{limit}|offset::0");
        let forms: Vec<(String, &str)> = match form {
            0 => vec![
                (filter_param(&same), "percent-encoded"),
                (format!("filter={same}"), "raw"),
            ],
            1 => vec![(
                filter_param(&format!("offset::0|tag::{a}|limit::{limit}")),
                "reordered",
            )],
            2 => vec![(filter_param(&format!("{same}|")), "empty segment")],
            3 => vec![(
                filter_param(&format!("tag::{a}|zz_unknown::1|limit::{limit}|offset::0")),
                "unknown key",
            )],
            _ => vec![
                (
                    filter_param(&format!("tag::|limit::{limit}|offset::0")),
                    "empty value",
                ),
                (
                    filter_param(&format!("tag::zq-first|tag::{a}|limit::{limit}|offset::0")),
                    "repeated key",
                ),
            ],
        };
        for (query, form) in forms {
            let (req, resp, got) = page_keys(cx, &t, &query).await?;
            let alt = match (&got, form) {
                (Some(g), _) if *g == want => {
                    if form == "repeated key" {
                        "last-wins"
                    } else {
                        "ignored"
                    }
                }
                (None, _) if resp.status == 400 => "reject-400",
                (Some(g), "empty value") if g.is_empty() => "matches-nothing",
                (Some(g), "empty value") => {
                    let (_, _, unfiltered) =
                        page_keys(cx, &t, &format!("limit={limit}&offset=0")).await?;
                    if unfiltered.as_ref() == Some(g) {
                        "ignored"
                    } else {
                        "other"
                    }
                }
                (Some(g), "repeated key") if g.is_empty() => "first-wins",
                _ => "other",
            };
            let ambiguity = match form {
                "empty segment" => Some("swr.filter.empty-segment"),
                "unknown key" => Some("swr.filter.unknown-key"),
                "empty value" => Some("swr.filter.empty-value"),
                "repeated key" => Some("swr.filter.repeated-key"),
                _ => None,
            };
            let fine = match ambiguity {
                Some(id) => cx.accepts(id, alt),
                None => alt == "ignored",
            };
            if !fine {
                let expected = match ambiguity {
                    Some(id) => describe(id),
                    None => format!(
                        "the answer to tag={a}&limit={limit}&offset=0: {} records {:?}",
                        want.len(),
                        want.iter().take(3).collect::<Vec<_>>()
                    ),
                };
                let actual = match &got {
                    Some(g) => format!(
                        "HTTP 200 with {} records {:?}",
                        g.len(),
                        g.iter().take(3).collect::<Vec<_>>()
                    ),
                    None => status_line(&resp),
                };
                return Ok(Some(Broken {
                    message: format!("filter= ({form}) is not the individual parameters' answer"),
                    request: req,
                    expected,
                    actual,
                }));
            }
        }
        Ok(None)
    })
}

/// The ambiguity of a filter value holding `sep`.
fn separator_ambiguity(sep: &str) -> &'static str {
    match sep {
        "::" => "swr.filter.colons-in-value",
        "|" => "swr.filter.pipe-in-value",
        _ => "swr.filter.comma-in-value",
    }
}

/// A filter value holding a grammar separator (`::`, `|`, `,`), percent-encoded as the SDK encodes every filter:
/// names cannot hold one, so any accepted reading of the separator's ambiguity ([`separator_ambiguity`]) is fine,
/// never a 5xx or another list. One generated case asks for `a`, `b` and `a<sep>b` for each separator.
fn separators_case<'a>(
    cx: &'a mut Cx,
    w: &'a Walk,
    (pick_a, pick_b): (Index, Index),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let names = w.keys();
        let t = &w.target.clone().unwrap_or_else(|| Target::swr("", ""));
        let pick = |i: Index| match names.is_empty() {
            true => String::new(),
            false => names[i.index(names.len())].clone(),
        };
        let (a, b) = (pick(pick_a), pick(pick_b));
        let answer = |keys: Option<Vec<String>>| {
            let mut k = keys.unwrap_or_default();
            k.sort();
            k
        };
        let (_, _, want_a) = page_keys(
            cx,
            t,
            &format!("tag={}&limit={MAX_LIMIT}&offset=0", enc(&a)),
        )
        .await?;
        let (_, _, want_b) = page_keys(
            cx,
            t,
            &format!("tag={}&limit={MAX_LIMIT}&offset=0", enc(&b)),
        )
        .await?;
        let (want_a, want_b) = (answer(want_a), answer(want_b));
        let mut either: Vec<String> = want_a.iter().chain(&want_b).cloned().collect();
        either.sort();
        either.dedup();
        for sep in ["::", "|", ","] {
            let id = separator_ambiguity(sep);
            let query = filter_param(&format!("tag::{a}{sep}{b}|limit::{MAX_LIMIT}|offset::0"));
            let (req, resp, got) = page_keys(cx, t, &query).await?;
            let got = got.map(|g| answer(Some(g)));
            // When two readings give the same list (`b` matching every record `a` does) the answer says nothing about
            // which one the target uses: it is judged, not recorded as observed.
            let readings = [
                ("no-match", Vec::new()),
                ("prefix", want_a.clone()),
                ("any-of", either.clone()),
            ];
            let fitting: Vec<&str> = match &got {
                None if resp.status == 400 => vec!["reject-400"],
                None => Vec::new(),
                Some(g) => readings
                    .iter()
                    .filter(|(alt, list)| list == g && super::ambiguities::accepts(id, alt))
                    .map(|(alt, _)| *alt)
                    .collect(),
            };
            let fine = match fitting.as_slice() {
                [one] => cx.accepts(id, one),
                many => !many.is_empty() || cx.accepts(id, "other"),
            };
            if !fine {
                return Ok(Some(Broken {
                    message: format!("a tag value holding {sep:?} is answered in no accepted way"),
                    request: req,
                    expected: describe(id),
                    actual: match &got {
                        Some(g) => format!(
                            "HTTP 200 with {} records {:?}",
                            g.len(),
                            g.iter().take(3).collect::<Vec<_>>()
                        ),
                        None => status_line(&resp),
                    },
                }));
            }
        }
        Ok(None)
    })
}

pub(super) fn tags_sort(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let walks = cx.trusted(1..cx.walks.len(), "swr.tags.page.concat")?;
        // (walk, ascending, walked whole, how far below the largest page size): a failure shrinks towards the first
        // walk's first three pages of the largest size, so the minimal case is as few requests as possible.
        let cases = (0..walks.len(), any::<bool>(), any::<bool>(), any::<Index>());
        property::check(cx, cases, &walks, sort_case).await
    })
}

/// One generated sorted walk of a tag list (`order_column=updated_at`, the order type, a page size; the whole list
/// or its first three pages): every record once, ordered by update time.
// `property::check` takes a sized context, so the walks come as the Vec itself.
#[allow(clippy::ptr_arg)]
fn sort_case<'a>(
    cx: &'a mut Cx,
    walks: &'a Vec<Walk>,
    (walk, ascending, whole, below): (usize, bool, bool, Index),
) -> CaseFuture<'a> {
    Box::pin(async move {
        let base = &walks[walk];
        let n = base.items.len();
        let mut all = base.keys();
        all.sort();
        let order = if ascending { "asc" } else { "desc" };
        // Between the size of a ~20-page walk and the largest page (or the list), shrinking towards the largest.
        let hi = MAX_LIMIT.min((n as u64).max(1));
        let lo = (n as u64).div_ceil(20).clamp(1, hi);
        let size = hi - below.index((hi - lo + 1) as usize) as u64;
        let pages = if whole { usize::MAX } else { 3 };
        let w = walk_pages(
            cx,
            base.target.as_ref(),
            size,
            &format!("order_column=updated_at&order_type={order}&"),
            pages,
        )
        .await?;
        let mut got = w.keys();
        got.sort();
        let times: Vec<_> = w
            .items
            .iter()
            .map(|i| reference::parse_time(&i.updated).unwrap_or_default())
            .collect();
        let complete = if whole {
            got == all
        } else {
            w.duplicate().is_none() && got.iter().all(|k| all.binary_search(k).is_ok())
        };
        if !complete {
            return Ok(Some(Broken {
                message: format!(
                    "sorted pages (order_type={order}, limit={size}) are not the list's records, each once"
                ),
                request: w.pages[0].request.clone(),
                expected: format!("{n} records, each once"),
                actual: format!(
                    "{} records{}",
                    got.len(),
                    w.duplicate()
                        .map(|d| format!(", {d} twice"))
                        .unwrap_or_default()
                ),
            }));
        }
        if let Some(broken) = unreadable_time(&w, size) {
            return Ok(Some(broken));
        }
        let Some(at) = reference::first_out_of_order(&times, ascending) else {
            return Ok(None);
        };
        let page = &w.pages[(at / size as usize).min(w.pages.len() - 1)];
        Ok(Some(Broken {
            message: format!("order_type={order} is not ordered by update time at position {at}"),
            request: page.request.clone(),
            expected: format!(
                "updated {} {}",
                if ascending { "≥" } else { "≤" },
                w.items[at - 1].updated
            ),
            actual: format!("{} updated {}", w.items[at].key, w.items[at].updated),
        }))
    })
}

/// A sorted walk whose update times do not all read as date-times: its order by time cannot be judged, and a client
/// sorting or comparing them could not either, so that is the failure (rather than taking every time as equal, which
/// would pass any order).
fn unreadable_time(w: &Walk, size: u64) -> Option<Broken> {
    let at = w
        .items
        .iter()
        .position(|i| reference::parse_time(&i.updated).is_none())?;
    let page = &w.pages[(at / size.max(1) as usize).min(w.pages.len() - 1)];
    Some(Broken {
        message: format!(
            "the update time of {} does not read as a date-time, so the order by it cannot be judged",
            w.items[at].key
        ),
        request: page.request.clone(),
        expected: "an RFC 3339 date-time (ISO 8601's extended format), as the docs' examples write it (2018-07-06T06:18:55Z; without a zone read as UTC)"
            .into(),
        actual: format!("{:?}", w.items[at].updated),
    })
}

pub(super) fn tags_show(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        let walks = cx.trusted(1..cx.walks.len(), "swr.tags.page.concat")?;
        for case in 0..u64::from(cx.cfg.cases.div_ceil(2)) {
            let w = &walks[case as usize % walks.len()];
            let Some(item) = cx.rng.pick(&w.items).cloned() else {
                continue;
            };
            let t = w.target.clone().unwrap_or_else(|| Target::swr("", ""));
            let req = Request::get(&format!("{}/{}", tags_path(&t), enc(&item.name)));
            let resp = cx.send(&req, Auth::Signed, choose_show).await?;
            cx.case();
            let body = resp.body_json();
            let same = body["tag"].as_str() == Some(item.name.as_str())
                && body["digest"].as_str() == Some(item.digest.as_str());
            if resp.status != 200 || !same {
                cx.fail(
                    "a listed tag is not shown with its name (`tag`) and digest",
                    &req,
                    format!("HTTP 200, tag {:?}, digest {:?}", item.name, item.digest),
                    format!(
                        "HTTP {}, tag {}, digest {}",
                        resp.status, body["tag"], body["digest"]
                    ),
                );
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
        let cases = [
            (
                Request::get(&format!(
                    "{}?limit=10&offset=0",
                    tags_path(&Target::swr(&t.namespace, &missing))
                )),
                "an unknown repository",
                choose_tags as super::schema::Chooser,
            ),
            (
                Request::get(&format!(
                    "{}?limit=10&offset=0",
                    tags_path(&Target::swr(&missing, &t.repository))
                )),
                "an unknown namespace",
                choose_tags,
            ),
            (
                Request::get(&format!("{}/{}", tags_path(&t), enc(&missing))),
                "an unknown tag",
                choose_show,
            ),
        ];
        for (req, what, chooser) in cases {
            let resp = cx.send(&req, Auth::Signed, chooser).await?;
            cx.case();
            let code = error_code(&resp.body_json()).unwrap_or_default();
            let alt = if code.starts_with("SVCSTG.SWR.404") {
                "svcstg-404"
            } else {
                "other"
            };
            if resp.status != 404 || !cx.accepts("swr.not-found.code", alt) {
                cx.fail(
                    format!("{what} is not a 404 with a not-found code"),
                    &req,
                    format!("HTTP 404; {}", describe("swr.not-found.code")),
                    format!("HTTP {} code {code:?}", resp.status),
                );
            }
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
    Ok(Request::get(&format!("{}?limit=1&offset=0", tags_path(t))))
}

pub(super) fn auth_signed(cx: &mut Cx) -> BoxFuture<'_> {
    Box::pin(async move {
        // Given only a token, the suite has no key pair of the target's to sign with: regmock's default keys being
        // refused would say nothing about the target's signature check.
        if cx.cfg.token.is_some() && cx.cfg.access_key == crate::pipeline::DEFAULT_ACCESS_KEY {
            return Err(Stop::Skip(
                "only --token was given: pass --access-key/--secret-key to check signed requests"
                    .into(),
            ));
        }
        let req = probe(cx)?;
        let resp = cx.send(&req, Auth::KeyPair, choose_tags).await?;
        cx.case();
        if resp.status != 200 {
            cx.fail(
                "a correctly signed SDK-HMAC-SHA256 request is refused",
                &req,
                "HTTP 200",
                status_line(&resp),
            );
        }
        Ok(())
    })
}

fn refusal<'a>(cx: &'a mut Cx, auth: Auth, what: &'static str) -> BoxFuture<'a> {
    Box::pin(async move {
        let req = probe(cx)?;
        let resp = cx.send(&req, auth, choose_tags).await?;
        cx.case();
        let code = error_code(&resp.body_json()).unwrap_or_default();
        let alt = if code.starts_with("APIGW.03") {
            "apigw-03"
        } else {
            "other"
        };
        if resp.status != 401 || !cx.accepts("swr.auth.code", alt) {
            cx.fail(
                format!("{what} is not refused with 401"),
                &req,
                format!("HTTP 401; {}", describe("swr.auth.code")),
                format!("HTTP {} code {code:?}", resp.status),
            );
        }
        Ok(())
    })
}

pub(super) fn auth_tampered(cx: &mut Cx) -> BoxFuture<'_> {
    refusal(cx, Auth::Tampered, "a request with an altered signature")
}

pub(super) fn auth_stale(cx: &mut Cx) -> BoxFuture<'_> {
    refusal(cx, Auth::Stale, "a request signed an hour ago")
}

pub(super) fn auth_wrong_key(cx: &mut Cx) -> BoxFuture<'_> {
    refusal(cx, Auth::WrongKey, "a request signed with an unknown AK")
}
