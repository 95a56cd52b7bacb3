//! The accept loop: one task per connection, at most [`Limits::max_connections`] at once, each served by hyper's HTTP/1
//! code with the [`Limits`] applied, and a graceful shutdown that lets in-flight requests finish.

use super::faulty::{FaultyIo, SocketFaultSlot};
use super::{App, Peer, respond, to_http};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_io_timeout::TimeoutWriter;

/// Serves `app` on `listener` until `shutdown` completes, then stops accepting, lets every connection finish its
/// request (hyper closes idle ones at once) and returns.
pub(super) async fn serve(
    listener: TcpListener,
    app: App,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let limits = app.limits;
    let app = Arc::new(app);
    let http1 = limits.http1();
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    'accept: loop {
        // Beyond the limit, new connections wait in the listen backlog (unaccepted) until a slot frees up; every
        // connection ends within the timeouts, so they never wait without end.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break, // the semaphore is never closed
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => break accepted,
                    // That connection is gone already; the next one may be fine.
                    Err(e) if is_connection_error(&e) => {}
                    // Out of descriptors or memory: say so, and retry in a second (the connection waits in the backlog)
                    // rather than spin.
                    Err(e) => {
                        eprintln!("regmock: accepting a connection failed: {e}; retrying");
                        tokio::select! {
                            () = tokio::time::sleep(Duration::from_secs(1)) => {}
                            () = &mut shutdown => break 'accept,
                        }
                    }
                },
                () = &mut shutdown => break 'accept,
            }
        };
        // Small answers go out at once instead of waiting for the client's delayed ACK.
        let _ = stream.set_nodelay(true);
        // A client that stops reading its answer makes writes wait; this bounds how long it holds the connection and
        // the answer's memory.
        let mut stream = TimeoutWriter::new(stream);
        stream.set_timeout(Some(limits.write_timeout));
        // Fault rules' socket faults, armed by the handler and applied to this connection's bytes.
        let socket_faults = SocketFaultSlot::default();
        // The peer address is for the admin API's loopback check.
        let peer = Arc::new(Peer {
            addr: Some(peer),
            socket_faults: Some(socket_faults.clone()),
        });
        let app = app.clone();
        // A plain hyper service: no router is needed in front of a handler that takes every request.
        let service = hyper::service::service_fn(move |req| {
            let (app, peer) = (app.clone(), peer.clone());
            async move { Ok::<_, Infallible>(to_http(respond(&app, &peer, req).await)) }
        });
        let conn = http1.serve_connection(
            TokioIo::new(FaultyIo::new(
                Box::pin(stream),
                socket_faults,
                limits.answer_timeout,
            )),
            service,
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // Errors here are the client's (reset, timed out, malformed head already answered): nothing to report.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}
