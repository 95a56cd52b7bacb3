//! The standalone transport: hyper HTTP/1 connections, each served by one handler that takes every request, so even a
//! malformed query reaches the provider and gets the vendor's error instead of a framework rejection. The same handler
//! is offered as an axum [`router`] for embedding.
//!
//! The connections use a plain hyper service rather than the router: per request, the router's boxed services and
//! extension layers cost 6–11 µs of CPU, a quarter of what the whole answer cost (measured on a 2-core machine, the
//! emulator's 404 under `wrk -c32`). Answers go out as `Full<Bytes>`, without a copy or a box, and a request without a
//! body (most of them) is neither read nor timed.
//!
//! No request journal is kept: a long-running `serve` must keep flat memory under load.
//!
//! The emulator answers synchronously, and one answer can take seconds (a filtered list over a million tags), so
//! [`Emulator::dispatch`] never runs on every runtime worker at once: one worker always stays free for the other
//! connections, and dispatches beyond that go to tokio's blocking pool (see `dispatch.rs`).
//!
//! HTTP/1.1 only: cleartext HTTP/2 (h2c) is not served, although hyper's HTTP/2 code is compiled in for other
//! dependencies. The vendors serve HTTP/2 only over TLS, which regmock does not terminate; their SDKs speak HTTP/1.1
//! to a plain `http://` endpoint; and one protocol means one set of limits to get right. A client that opens with the
//! HTTP/2 preface is disconnected at once (hyper's answer to the preface on an HTTP/1 connection); `Upgrade: h2c` is
//! ignored and the request answered in HTTP/1.1.
//!
//! Limits (head and body size, timeouts, connections) are described in [`Limits`].

mod answer_clock;
mod body;
mod dispatch;
mod faulty;
mod limits;
mod listen;

pub use limits::{Limits, MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_HEADERS};

use crate::Emulator;
use crate::http::{Request, Response};
use crate::pipeline::Rejection;
use crate::replay::Replay;
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use body::{Unread, read_body};
use dispatch::Dispatcher;
use http_body_util::Full;
use hyper::body::Bytes;
use std::net::SocketAddr;
use std::sync::Arc;

/// The header that carries the request id of the answers the transport makes itself, as SWR's answers do.
const REQUEST_ID_HEADER: &str = "X-Request-Id";

#[derive(Clone)]
struct App {
    emulator: Emulator,
    /// Cassettes answered in front of the emulator (`serve --cassettes`).
    replay: Option<Arc<Replay>>,
    limits: Limits,
    dispatcher: Dispatcher,
}

/// The axum app serving every enabled provider on one port, with the default [`Limits`] for reading bodies.
pub fn router(emulator: Emulator) -> Router {
    Router::new()
        .fallback(handle)
        .with_state(App::new(emulator, None, Limits::default()))
}

impl App {
    fn new(emulator: Emulator, replay: Option<Arc<Replay>>, limits: Limits) -> App {
        App {
            emulator,
            replay,
            limits,
            dispatcher: Dispatcher::for_current_runtime(),
        }
    }
}

/// What a request's answer may depend on besides the request: who sent it and the socket faults of its connection
/// (shared by the connection's requests through an `Arc`).
struct Peer {
    /// The client's address; `None` when the router is served by something other than this server.
    addr: Option<SocketAddr>,
    /// Set by this server's accept loop; a router served elsewhere has none (see `faulty.rs`).
    socket_faults: Option<faulty::SocketFaultSlot>,
}

/// The fallback handler of [`router`]: the connection's details come from the request's extensions, as axum's own
/// `serve` places them.
async fn handle(State(app): State<App>, req: axum::extract::Request) -> axum::response::Response {
    let peer = Peer {
        addr: req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0),
        socket_faults: req.extensions().get::<faulty::SocketFaultSlot>().cloned(),
    };
    to_http(respond(&app, &peer, req).await).map(Body::new)
}

/// The answer to one request, whichever way it arrived (this server's connections or [`router`]).
async fn respond<B>(app: &App, peer: &Peer, req: hyper::Request<B>) -> Response
where
    B: hyper::body::Body,
    B::Error: std::error::Error + Send + Sync + 'static,
{
    let (parts, body) = req.into_parts();
    // Most requests are GETs without a body: they need neither a read nor its timer.
    let (body, unread) = if body.is_end_stream() {
        (Vec::new(), None)
    } else {
        read_body(app, body).await
    };
    let request = super::request_from_parts(
        &parts.method,
        parts.uri.path(),
        parts.uri.query(),
        &parts.headers,
        body,
    );
    // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host (hyper leaves that to the service).
    // HTTP/1.0 has no such rule. Answered by the provider, in its own error shape, as an unreadable body is.
    if parts.version == hyper::Version::HTTP_11 && !parts.headers.contains_key(hyper::header::HOST)
    {
        return answer(app, request, Some(Rejection::MissingHost)).await;
    }
    match unread {
        // The admin API checks who is asking; without a known peer (a router served elsewhere) nobody is on loopback.
        None if crate::admin::claims(&request.path) => {
            let emulator = app.emulator.clone();
            let peer = peer
                .addr
                .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0)));
            app.dispatcher
                .run(&app.emulator, move || {
                    emulator.dispatch_from(&request, peer)
                })
                .await
        }
        None if app.replay.is_none() => {
            faulty::faulted(app, request, peer.socket_faults.as_ref()).await
        }
        None => answer(app, request, None).await,
        // Too large or malformed, the body still gets the provider's own error shape.
        Some(Unread::TooLarge) => answer(app, request, Some(Rejection::BodyTooLarge)).await,
        Some(Unread::Malformed) => answer(app, request, Some(Rejection::MalformedBody)).await,
        Some(Unread::TimedOut) => own_answer(
            408,
            &format!(
                "regmock: request body not received within {} s",
                app.limits.request_timeout.as_secs_f64()
            ),
        )
        // The body is half read, so this connection cannot carry another request.
        .with_header("Connection", "close"),
    }
}

/// The emulator's answer (providers place their own request id; the emulator's own 404 carries one too).
async fn answer(app: &App, request: Request, rejection: Option<Rejection>) -> Response {
    let emulator = &app.emulator;
    match rejection {
        // Refusals do no data work: answer on this worker.
        Some(rejection) => emulator.reject(&request, rejection),
        None => match &app.replay {
            Some(replay) => {
                let replay = replay.clone();
                app.dispatcher
                    .run(emulator, move || replay.answer(&request))
                    .await
            }
            None => app.dispatcher.dispatch(emulator, request).await,
        },
    }
}

/// An answer the transport makes itself, in the emulator's own `{"message"}` shape and with a request id.
fn own_answer(status: u16, message: &str) -> Response {
    Response::json(status, &serde_json::json!({ "message": message })).with_header(
        REQUEST_ID_HEADER,
        crate::pipeline::request_id().simple().to_string(),
    )
}

/// regmock's answer as an `http` response. The body goes out as it is, without a copy or a box.
fn to_http(resp: Response) -> hyper::Response<Full<Bytes>> {
    let mut headers = HeaderMap::with_capacity(resp.headers.len());
    for (name, value) in resp.headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::try_from(value),
        ) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            }
            // Only an invalid header from a provider can get here; answer rather than drop the connection.
            _ => {
                return plain(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "regmock: invalid response header",
                );
            }
        }
    }
    let Ok(status) = StatusCode::from_u16(resp.status) else {
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "regmock: invalid response status",
        );
    };
    let mut http = hyper::Response::new(Full::new(Bytes::from(resp.body)));
    *http.status_mut() = status;
    *http.headers_mut() = headers;
    http
}

fn plain(status: StatusCode, message: &'static str) -> hyper::Response<Full<Bytes>> {
    let mut http = hyper::Response::new(Full::new(Bytes::from_static(message.as_bytes())));
    *http.status_mut() = status;
    http
}

/// A running server: its bound address and a handle that stops it when dropped or awaited.
#[derive(Debug)]
pub struct RunningServer {
    /// The address actually bound (useful with port 0).
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// Base URI, e.g. `http://127.0.0.1:8080`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting connections, finishes in-flight requests and waits for the server to end. A connection whose
    /// client stopped sending or reading ends within the [`Limits`] timeouts, so only a client still reading its
    /// answer (however slowly) can make this wait long.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await.unwrap_or(Ok(()))
    }
}

/// Binds `addr` and serves `emulator` in a background task, with the default [`Limits`].
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let server = regmock::transport::server::spawn(regmock::Emulator::embedded(), "127.0.0.1:0".parse().unwrap())
///     .await
///     .unwrap();
/// assert_ne!(server.addr.port(), 0);
/// server.stop().await.unwrap();
/// # })
/// ```
pub async fn spawn(emulator: Emulator, addr: SocketAddr) -> std::io::Result<RunningServer> {
    spawn_with(emulator, addr, Limits::default()).await
}

/// Binds `addr` and serves `emulator` in a background task, with `limits`.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use regmock::transport::server::{Limits, spawn_with};
/// let limits = Limits { max_connections: 16, ..Limits::default() };
/// let server = spawn_with(regmock::Emulator::embedded(), "127.0.0.1:0".parse().unwrap(), limits)
///     .await
///     .unwrap();
/// server.stop().await.unwrap();
/// # })
/// ```
pub async fn spawn_with(
    emulator: Emulator,
    addr: SocketAddr,
    limits: Limits,
) -> std::io::Result<RunningServer> {
    serve_app(App::new(emulator, None, limits), addr).await
}

/// Binds `addr` and serves `replay` (cassettes in front of its emulator) in a background task, with `limits`.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use regmock::{Emulator, replay::Replay, transport::server::{Limits, spawn_replay}};
/// let replay = Replay::new(Emulator::embedded(), Vec::new()).strict(true);
/// let server = spawn_replay(replay, "127.0.0.1:0".parse().unwrap(), Limits::default()).await.unwrap();
/// server.stop().await.unwrap();
/// # })
/// ```
pub async fn spawn_replay(
    replay: Replay,
    addr: SocketAddr,
    limits: Limits,
) -> std::io::Result<RunningServer> {
    let emulator = replay.emulator().clone();
    serve_app(App::new(emulator, Some(Arc::new(replay)), limits), addr).await
}

async fn serve_app(app: App, addr: SocketAddr) -> std::io::Result<RunningServer> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(listen::serve(listener, app, async move {
        // A dropped handle stops the server too.
        let _ = rx.await;
    }));
    Ok(RunningServer {
        addr,
        shutdown: Some(tx),
        task,
    })
}
