//! `regmock record`: a forwarding proxy that writes each exchange with the upstream as a cassette.
//!
//! Headers that reach the upstream: every header of the client's request except the hop-by-hop ones (`Connection`,
//! `Keep-Alive`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`, `Proxy-*`) and `Content-Length` (recomputed).
//! Without upstream credentials the request is otherwise passed through unchanged, `Host` included, so a signature
//! the client computed stays what it signed. With `--access-key/--secret-key` the client's credential headers
//! (`Authorization`, `X-Auth-Token`, `X-Sdk-Date`, `X-TC-Timestamp`, `X-TC-Token`, `x-ncp-*` signing headers and any
//! header whose name says secret/token/password/signature) and `Host` are dropped and the provider's own signer
//! signs the request for the upstream.
//!
//! Every cassette is redacted and written atomically before the client gets its answer (see
//! `regmock::cassette::Cassette::save`), so a killed recorder loses only the exchange in flight.

use anyhow::Context;
use axum::body::Body;
use axum::extract::State;
use clap::Args;
use regmock::cassette::{self, Cassette, RecordedRequest, RecordedResponse, Source};
use regmock::http::{Request, Response};
use regmock::model::ProviderId;
use regmock::pipeline::{KeyPair, Provider};
use regmock::providers::PROVIDERS;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Debug, Args)]
pub(crate) struct RecordArgs {
    /// Provider whose API is recorded: swr, ncr or tcr.
    #[arg(long, value_name = "PROVIDER", value_parser = super::parse_provider)]
    provider: ProviderId,
    /// Base URL of the upstream (the real cloud endpoint, or any implementation), e.g. https://tcr.tencentcloudapi.com.
    #[arg(long, value_name = "URL")]
    upstream: String,
    /// Folder the cassettes are written to (created if missing).
    #[arg(long, value_name = "DIR")]
    cassettes: PathBuf,
    /// Address the proxy listens on (HOST:PORT; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Upstream access key: re-sign every request for the upstream with the provider's signer (with --secret-key).
    #[arg(
        long,
        env = "REGMOCK_ACCESS_KEY",
        requires = "secret_key",
        hide_env_values = true,
        value_parser = clap::builder::NonEmptyStringValueParser::new()
    )]
    access_key: Option<String>,
    /// Upstream secret key (with --access-key); never written anywhere.
    #[arg(
        long,
        env = "REGMOCK_SECRET_KEY",
        requires = "access_key",
        hide_env_values = true,
        value_parser = clap::builder::NonEmptyStringValueParser::new()
    )]
    secret_key: Option<String>,
}

/// Never forwarded, never recorded: they describe one connection, not the request.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "content-length",
];

/// Set by the signers next to the credential headers; dropped before re-signing, and not recorded for `sign: true`
/// cassettes (replay signs again).
const SIGNING_HEADERS: &[&str] = &["x-sdk-date", "x-tc-timestamp", "x-ncp-apigw-timestamp"];

/// Response headers not recorded: each answer has its own (date, request ids) or they are regmock's explanations.
const UNRECORDED_RESPONSE: &[&str] = &[
    "date",
    "x-request-id",
    "x-ncp-trace-id",
    "x-regmock-explain",
];

/// Request bodies read up to this size, as `serve` does.
const MAX_BODY: usize = 1 << 20;

struct Recorder {
    provider: &'static dyn Provider,
    upstream: String,
    upstream_host: String,
    dir: PathBuf,
    key: Option<KeyPair>,
    client: reqwest::Client,
}

fn named(name: &str, list: &[&str]) -> bool {
    list.iter().any(|h| name.eq_ignore_ascii_case(h))
}

fn is_credential(name: &str) -> bool {
    cassette::is_credential_header(name) || named(name, SIGNING_HEADERS)
}

pub(crate) fn run(args: RecordArgs) -> anyhow::Result<ExitCode> {
    let provider = PROVIDERS
        .iter()
        .copied()
        .find(|p| p.id() == args.provider)
        .context("unknown provider")?;
    let upstream = args.upstream.trim_end_matches('/').to_string();
    let url = reqwest::Url::parse(&upstream)
        .with_context(|| format!("--upstream {upstream:?} is not a URL"))?;
    let upstream_host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => anyhow::bail!("--upstream {upstream:?} has no host"),
    };
    std::fs::create_dir_all(&args.cassettes)
        .with_context(|| format!("creating {}", args.cassettes.display()))?;
    let key = match (args.access_key, args.secret_key) {
        (Some(access_key), Some(secret_key)) => Some(KeyPair {
            access_key,
            secret_key,
        }),
        _ => None,
    };
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("building the HTTP client")?;
    let recorder = Arc::new(Recorder {
        provider,
        upstream,
        upstream_host,
        dir: args.cassettes.clone(),
        key,
        client,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("binding {}", args.addr))?;
        let addr = listener.local_addr()?;
        say(&format!("regmock recording on http://{addr}"));
        say(&format!(
            "upstream: {} ({}); cassettes: {}",
            recorder.upstream,
            if recorder.key.is_some() {
                "requests re-signed with --access-key"
            } else {
                "requests passed through"
            },
            args.cassettes.display()
        ));
        let app = axum::Router::new().fallback(handle).with_state(recorder);
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving")?;
        Ok(ExitCode::SUCCESS)
    })
}

/// Prints a line; a closed stdout is not an error.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

fn plain(status: u16, message: &str) -> axum::response::Response {
    to_axum(Response::json(
        status,
        &serde_json::json!({ "message": message }),
    ))
}

async fn handle(
    State(rec): State<Arc<Recorder>>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return plain(413, "regmock record: request body over 1 MiB or unreadable");
    };
    let request = Request {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: regmock::transport::header_pairs(&parts.headers),
        body: body.to_vec(),
    };
    let answer = match forward(&rec, &request).await {
        Ok(a) => a,
        Err(e) => {
            return plain(
                502,
                &format!("regmock record: upstream {}: {e:#}", rec.upstream),
            );
        }
    };
    let cassette = cassette_of(&rec, &request, &answer);
    let name = file_name(rec.provider, &request, answer.status);
    let dir = rec.dir.clone();
    // Written before the client gets its answer, so every answered exchange is on disk.
    match tokio::task::spawn_blocking(move || cassette.save(&dir, &name)).await {
        Ok(Ok(path)) => say(&format!("recorded {}", path.display())),
        Ok(Err(e)) => eprintln!("regmock record: not recorded: {e:#}"),
        Err(e) => eprintln!("regmock record: not recorded: {e}"),
    }
    let mut answer = answer;
    answer.headers.retain(|(n, _)| !named(n, HOP_BY_HOP));
    to_axum(answer)
}

/// Sends `request` to the upstream (re-signed when the recorder has a key) and reads the whole answer.
async fn forward(rec: &Recorder, request: &Request) -> anyhow::Result<Response> {
    let mut out = request.clone();
    out.headers.retain(|(n, _)| !named(n, HOP_BY_HOP));
    if let Some(key) = &rec.key {
        out.headers
            .retain(|(n, _)| !is_credential(n) && !n.eq_ignore_ascii_case("host"));
        rec.provider
            .sign(&mut out, key, chrono::Utc::now(), &rec.upstream_host);
    }
    let method = reqwest::Method::from_bytes(out.method.as_bytes()).context("method")?;
    let mut builder = rec
        .client
        .request(method, format!("{}{}", rec.upstream, out.target()));
    for (n, v) in &out.headers {
        builder = builder.header(n, v);
    }
    let resp = builder.body(out.body).send().await?;
    let status = resp.status().as_u16();
    let headers = regmock::transport::header_pairs(resp.headers());
    let body = resp.bytes().await?.to_vec();
    Ok(Response {
        status,
        headers,
        body,
    })
}

/// `<provider>-<operation>-<status>-<fingerprint>.json`: what it holds, and the same name when the same request is
/// recorded again.
fn file_name(provider: &dyn Provider, request: &Request, status: u16) -> String {
    let operation = provider.operation(request).unwrap_or("unrouted");
    format!(
        "{}-{operation}-{status}-{}.json",
        provider.id().as_str(),
        regmock::replay::fingerprint(request)
    )
}

/// Whether the answer refuses the request's credentials: SWR's and NCR's `401`, TCR's `AuthFailure.*` (in HTTP 200).
fn refused_credentials(provider: ProviderId, status: u16, body: &serde_json::Value) -> bool {
    match provider {
        ProviderId::Tcr => body
            .pointer("/Response/Error/Code")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|code| code.starts_with("AuthFailure")),
        ProviderId::Swr | ProviderId::Ncr => status == 401,
    }
}

/// A refusal is replayed without the refused credentials (they are redacted), so it is refused again, for a reason
/// worded differently (credentials missing, not wrong): the refusal must hold, its wording may change.
fn refusal_placeholders(
    provider: ProviderId,
    body: &serde_json::Value,
) -> Vec<cassette::Placeholder> {
    let why = "replayed without the credentials the upstream refused (they are redacted): refused again, the reason \
               worded for missing credentials";
    let spots: &[(&str, cassette::Rule, Option<&str>)] = match provider {
        ProviderId::Swr => &[(
            "/error_msg",
            cassette::Rule::Glob,
            Some("Incorrect IAM authentication information*"),
        )],
        ProviderId::Ncr => &[("/error/details", cassette::Rule::Any, None)],
        ProviderId::Tcr => &[
            (
                "/Response/Error/Code",
                cassette::Rule::Glob,
                Some("AuthFailure*"),
            ),
            ("/Response/Error/Message", cassette::Rule::Any, None),
        ],
    };
    spots
        .iter()
        .filter(|(pointer, ..)| body.pointer(pointer).is_some())
        .map(|(pointer, rule, value)| cassette::Placeholder {
            pointer: format!("/body{pointer}"),
            rule: *rule,
            value: value.map(str::to_string),
            why: why.into(),
        })
        .collect()
}

fn cassette_of(rec: &Recorder, request: &Request, answer: &Response) -> Cassette {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(&answer.body).ok();
    let json = parsed.clone().unwrap_or(serde_json::Value::Null);
    // Sent with credentials (the client's or the recorder's): replay and drift sign again with regmock's, the recorded
    // ones are redacted. Not when the upstream refused them: signed again, the request would pass where it failed.
    let credentialed = rec.key.is_some() || request.headers.iter().any(|(n, _)| is_credential(n));
    let refused = credentialed && refused_credentials(rec.provider.id(), answer.status, &json);
    let sign = credentialed && !refused;
    let headers: BTreeMap<String, String> = request
        .headers
        .iter()
        .filter(|(n, _)| {
            !named(n, HOP_BY_HOP) && !n.eq_ignore_ascii_case("host") && !named(n, SIGNING_HEADERS)
        })
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    // A JSON value when that reproduces the bytes exactly, else the text as received (byte for byte on replay).
    let body = match &parsed {
        Some(v) if v.to_string().as_bytes() == answer.body.as_slice() => v.clone(),
        _ if answer.body.is_empty() => serde_json::Value::Null,
        _ => serde_json::Value::String(text(&answer.body)),
    };
    let mut placeholders = Vec::new();
    // TCR's RequestId, and the request_id of an SWR gateway error body.
    for pointer in ["/Response/RequestId", "/request_id"] {
        if json.pointer(pointer).is_some() {
            placeholders.push(cassette::Placeholder {
                pointer: format!("/body{pointer}"),
                rule: cassette::Rule::Any,
                value: None,
                why: "the server generates a new request id for every request".into(),
            });
        }
    }
    if refused {
        placeholders.extend(refusal_placeholders(rec.provider.id(), &json));
    }
    Cassette {
        provider: rec.provider.id(),
        description: format!(
            "{} {} recorded from {}",
            request.method,
            request.target(),
            rec.upstream
        ),
        source: Source {
            title: "recorded with regmock record".into(),
            document: rec.upstream.clone(),
            section: None,
            url: None,
        },
        sign,
        request: RecordedRequest {
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            headers,
            body: if request.body.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::Value::String(text(&request.body))
            },
        },
        response: RecordedResponse {
            status: answer.status,
            headers: answer
                .headers
                .iter()
                .filter(|(n, _)| !named(n, HOP_BY_HOP) && !named(n, UNRECORDED_RESPONSE))
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
            schema: cassette::guess_schema(rec.provider.id(), answer.status, &json),
            body,
        },
        placeholders,
    }
}

fn to_axum(resp: Response) -> axum::response::Response {
    let mut builder = axum::response::Response::builder().status(resp.status);
    for (n, v) in &resp.headers {
        builder = builder.header(n.as_str(), v.as_str());
    }
    builder.body(Body::from(resp.body)).unwrap_or_else(|_| {
        let mut r =
            axum::response::Response::new(Body::from("regmock record: invalid upstream header"));
        *r.status_mut() = axum::http::StatusCode::BAD_GATEWAY;
        r
    })
}
