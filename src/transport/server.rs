//! The standalone transport: an axum server with one fallback handler, so even a malformed query reaches the provider
//! and gets the vendor's error instead of a framework rejection.
//!
//! No request journal is kept: a long-running `serve` must keep flat memory under load.

use crate::Emulator;
use crate::http::Response;
use crate::pipeline::Rejection;
use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::State;
use std::net::SocketAddr;

/// Largest request body read; the emulated operations are GETs or small JSON POSTs.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// The axum app serving every enabled provider on one port.
pub fn router(emulator: Emulator) -> Router {
    Router::new().fallback(handle).with_state(emulator)
}

async fn handle(
    State(emulator): State<Emulator>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let read = to_bytes(body, MAX_BODY_BYTES).await;
    let request = super::request_from_parts(
        &parts.method,
        parts.uri.path(),
        parts.uri.query(),
        &parts.headers,
        read.as_ref().map(|b| b.to_vec()).unwrap_or_default(),
    );
    // A body that is too large (or whose chunked encoding is broken) still gets the provider's own error shape.
    to_axum(match read {
        Ok(_) => emulator.dispatch(&request),
        Err(_) => emulator.reject(&request, Rejection::BodyTooLarge),
    })
}

fn to_axum(resp: Response) -> axum::response::Response {
    let mut builder = axum::response::Response::builder().status(resp.status);
    for (n, v) in &resp.headers {
        builder = builder.header(n.as_str(), v.as_str());
    }
    builder.body(Body::from(resp.body)).unwrap_or_else(|_| {
        // Only an invalid header from a provider can get here; answer rather than drop the connection.
        let mut r = axum::response::Response::new(Body::from("regmock: invalid response header"));
        *r.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
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

    /// Stops accepting connections, finishes in-flight requests and waits for the server to end.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task).await.unwrap_or(Ok(()))
    }
}

/// Binds `addr` and serves `emulator` in a background task.
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
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = router(emulator);
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        shutdown: Some(tx),
        task,
    })
}
