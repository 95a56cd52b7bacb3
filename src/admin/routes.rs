//! Routing of `/__regmock/*` requests to the journal and the live data (the endpoint table is in the
//! [module docs](super)). Bodies and answers are JSON; a refusal is `{"message"}` with 400, 404 or 405, and leaves
//! the data as it was.

use super::{Live, PREFIX, RepoAddress, journal, message};
use crate::Emulator;
use crate::http::{Request, Response};
use crate::model::{Repository, Tag};
use chrono::{DateTime, SecondsFormat, Utc};
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

/// The endpoints, for the answer to a path that is none of them.
const ENDPOINTS: &str = "GET|DELETE /__regmock/requests, POST /__regmock/reset, GET|POST|DELETE \
                         /__regmock/faults, DELETE /__regmock/faults/{id}, PUT|DELETE \
                         /__regmock/tags/{repository}/{tag}, PUT|DELETE /__regmock/repositories/{repository}, GET \
                         /__regmock/health";

/// Answers an admin request (the caller has checked the peer); `now` is the emulator's clock, the time given to a tag
/// or repository whose body leaves its times out.
pub(crate) fn answer(emu: &Emulator, req: &Request, now: DateTime<Utc>) -> Response {
    let rest = req.path.strip_prefix(PREFIX).unwrap_or("");
    let segments: Result<Vec<String>, Response> = rest.split('/').map(decode).collect();
    let segments = match segments {
        Ok(s) => s,
        Err(refusal) => return refusal,
    };
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = req.method.as_str();
    match segments.as_slice() {
        ["requests"] => match method {
            "GET" => requests(emu.journal(), req),
            "DELETE" => {
                emu.journal().clear();
                message(200, "regmock: the journal is empty")
            }
            _ => not_allowed("GET, DELETE"),
        },
        ["reset"] => match method {
            "POST" => {
                emu.live().reset();
                message(200, "regmock: serving the loaded dataset again")
            }
            _ => not_allowed("POST"),
        },
        ["tags", at @ .., tag] if !at.is_empty() => match method {
            "PUT" | "DELETE" => tag_change(emu.live(), req, at, tag, now),
            _ => not_allowed("PUT, DELETE"),
        },
        ["faults"] => match method {
            "GET" => Response::json(200, &json!({ "faults": emu.faults().status() })),
            "POST" => add_fault(emu.faults(), req),
            "DELETE" => {
                emu.faults().clear();
                message(200, "regmock: no fault rules")
            }
            _ => not_allowed("GET, POST, DELETE"),
        },
        ["faults", id] => match method {
            "DELETE" => match id.parse::<crate::faults::RuleId>() {
                Ok(id) if emu.faults().remove(id) => {
                    message(200, &format!("regmock: removed fault rule {id}"))
                }
                _ => message(
                    404,
                    &format!("regmock: no fault rule {id:?}; GET /__regmock/faults lists them"),
                ),
            },
            _ => not_allowed("DELETE"),
        },
        ["repositories", at @ ..] if !at.is_empty() => match method {
            "PUT" | "DELETE" => repository_change(emu.live(), req, at, now),
            _ => not_allowed("PUT, DELETE"),
        },
        _ => message(
            404,
            &format!(
                "regmock: no admin endpoint at {}; the endpoints are {ENDPOINTS}",
                req.path
            ),
        ),
    }
}

fn decode(segment: &str) -> Result<String, Response> {
    percent_decode_str(segment)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            message(
                400,
                &format!("regmock: path segment {segment:?} is not UTF-8 once decoded"),
            )
        })
}

/// `POST /__regmock/faults`: a rule in the faults file's JSON shape, or a JSON string in the `--fault` flag's form.
fn add_fault(faults: &crate::faults::Faults, req: &Request) -> Response {
    use crate::faults::FaultRule;
    if let Some(why) = faults.closed() {
        return message(409, &format!("regmock: {why}"));
    }
    let rule = match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::String(text)) => FaultRule::parse(&text),
        Ok(value) => serde_json::from_value::<FaultRule>(value).map_err(|e| e.to_string()),
        Err(e) => Err(format!("the body is not JSON: {e}")),
    };
    match rule.and_then(|rule| faults.add(rule)) {
        Ok(id) => Response::json(
            201,
            &json!({"message": format!("regmock: added fault rule {id}"), "id": id}),
        ),
        Err(why) => message(400, &format!("regmock: not a fault rule: {why}")),
    }
}

/// `405` naming the methods `allow`ed, in the admin API's `{"message"}` shape.
pub(crate) fn not_allowed(allow: &str) -> Response {
    message(
        405,
        &format!("regmock: this admin endpoint accepts {allow}"),
    )
    .with_header("Allow", allow)
}

/// `GET /__regmock/requests[?limit=N]`.
fn requests(journal: &journal::Journal, req: &Request) -> Response {
    let mut limit = None;
    for pair in req
        .query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "limit" => match value.parse::<usize>() {
                Ok(n) => limit = Some(n),
                Err(_) => {
                    return message(
                        400,
                        &format!(
                            "regmock: limit {value:?} is not a number of requests (0 or more)"
                        ),
                    );
                }
            },
            other => {
                return message(
                    400,
                    &format!(
                        "regmock: unknown parameter {other:?}; GET /__regmock/requests takes limit"
                    ),
                );
            }
        }
    }
    let mut body = json!({
        "capacity": journal.capacity(),
        "recorded": journal.recorded(),
        "requests": journal.entries(limit),
    });
    if !journal.is_on() {
        body["message"] = json!(
            "regmock: the journal is off; start `regmock serve` with --journal N to keep the last N requests"
        );
    }
    Response::json(200, &body)
}

/// `PUT` (body: a tag in the dataset format) or `DELETE /__regmock/tags/{repository}/{tag}`.
fn tag_change(live: &Live, req: &Request, at: &[&str], name: &str, now: DateTime<Utc>) -> Response {
    let at = match RepoAddress::from_segments(at) {
        Ok(at) => at,
        Err(why) => return message(400, &format!("regmock: {why}")),
    };
    if req.method == "DELETE" {
        return match live.delete_tag(&at, name) {
            Ok(tag) => changed(
                200,
                format!("regmock: deleted tag {name:?} from {at}"),
                "tag",
                json!(tag),
            ),
            Err(refusal) => message(refusal.status(), &refusal.to_string()),
        };
    }
    let tag: Tag = match body_object(req, name, &[("created", "updated")], now) {
        Ok(value) => match serde_json::from_value(value) {
            Ok(tag) => tag,
            Err(e) => return message(400, &format!("regmock: the body is not a tag: {e}")),
        },
        Err(refusal) => return refusal,
    };
    match live.put_tag(&at, tag) {
        Ok(put) => {
            let (status, verb) = put_words(put);
            // As served, with what preparing derived (a left-out config digest).
            let stored = json!(live.tag(&at, name));
            changed(
                status,
                format!("regmock: {verb} tag {name:?} in {at}"),
                "tag",
                stored,
            )
        }
        Err(refusal) => message(refusal.status(), &refusal.to_string()),
    }
}

/// `PUT` (body: a repository in the dataset format, tags included) or `DELETE /__regmock/repositories/{repository}`.
fn repository_change(live: &Live, req: &Request, at: &[&str], now: DateTime<Utc>) -> Response {
    let at = match RepoAddress::from_segments(at) {
        Ok(at) => at,
        Err(why) => return message(400, &format!("regmock: {why}")),
    };
    // A repository's tag list may be large: the answer names it and counts its tags.
    let summary = |repo: &Repository| json!({"name": repo.name, "tags": repo.tags.len()});
    if req.method == "DELETE" {
        return match live.delete_repository(&at) {
            Ok(repo) => changed(
                200,
                format!("regmock: deleted {at}"),
                "repository",
                summary(&repo),
            ),
            Err(refusal) => message(refusal.status(), &refusal.to_string()),
        };
    }
    let repo: Repository =
        match body_object(req, &at.repository, &[("created_at", "updated_at")], now) {
            Ok(mut value) => match serde_json::from_value({
                // Tags in the body get the same time defaults as a tag put on its own.
                if let Some(Value::Array(tags)) = value.get_mut("tags") {
                    tags.iter_mut()
                        .filter_map(Value::as_object_mut)
                        .for_each(|tag| default_times(tag, "created", "updated", now));
                }
                value
            }) {
                Ok(repo) => repo,
                Err(e) => {
                    return message(400, &format!("regmock: the body is not a repository: {e}"));
                }
            },
            Err(refusal) => return refusal,
        };
    let stored = summary(&repo);
    match live.put_repository(&at, repo) {
        Ok(put) => {
            let (status, verb) = put_words(put);
            changed(
                status,
                format!("regmock: {verb} {at}"),
                "repository",
                stored,
            )
        }
        Err(refusal) => message(refusal.status(), &refusal.to_string()),
    }
}

fn put_words(put: super::Put) -> (u16, &'static str) {
    match put {
        super::Put::Created => (201, "created"),
        super::Put::Replaced => (200, "replaced"),
    }
}

fn changed(status: u16, text: String, what: &str, item: Value) -> Response {
    Response::json(status, &json!({ "message": text, what: item }))
}

/// The request body as a JSON object (an empty body is `{}`) with `name` from the path and each `(created,
/// updated)` pair of time fields defaulted: a missing first one is `now`, a missing second one the first.
fn body_object(
    req: &Request,
    name: &str,
    times: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<Value, Response> {
    let mut object: Map<String, Value> = if req.body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice(&req.body) {
            Ok(Value::Object(object)) => object,
            Ok(_) => return Err(message(400, "regmock: the body must be a JSON object")),
            Err(e) => return Err(message(400, &format!("regmock: the body is not JSON: {e}"))),
        }
    };
    match object.get("name") {
        None => {
            object.insert("name".into(), json!(name));
        }
        Some(Value::String(given)) if given == name => {}
        Some(given) => {
            return Err(message(
                400,
                &format!(
                    "regmock: the body names {given} but the path {name:?}; leave name out or make them match"
                ),
            ));
        }
    }
    for (first, second) in times {
        default_times(&mut object, first, second, now);
    }
    Ok(Value::Object(object))
}

/// A missing `first` time is `now`, a missing `second` one the `first`.
fn default_times(object: &mut Map<String, Value>, first: &str, second: &str, now: DateTime<Utc>) {
    let first_value = object
        .entry(first)
        .or_insert_with(|| json!(now.to_rfc3339_opts(SecondsFormat::Secs, true)))
        .clone();
    object.entry(second).or_insert(first_value);
}
