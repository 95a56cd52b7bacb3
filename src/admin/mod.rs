//! The admin API under `/__regmock/` (off every vendor's paths): the request journal, run-time changes to the data
//! served and a reset to the loaded dataset. JSON in and out; only loopback clients are answered unless the emulator
//! was started with [`AdminOptions::open`] (`serve --admin-open`).
//!
//! | Endpoint | Does |
//! |---|---|
//! | `GET /__regmock/requests[?limit=N]` | the journal, oldest first (the newest N) |
//! | `DELETE /__regmock/requests` | empties the journal |
//! | `POST /__regmock/reset` | serves the loaded dataset again |
//! | `GET`/`POST`/`DELETE /__regmock/faults` | lists / adds / removes every fault rule ([`crate::faults`]) |
//! | `DELETE /__regmock/faults/{id}` | removes one fault rule |
//! | `PUT`/`DELETE /__regmock/tags/{repository}/{tag}` | adds or replaces / removes a tag |
//! | `PUT`/`DELETE /__regmock/repositories/{repository}` | adds or replaces / removes a repository |
//!
//! `{repository}` is `swr/{namespace}/{name}`, `ncr/{registry}/{image}` or `tcr/{registry}/{namespace}/{name}`
//! (see [`RepoAddress::from_segments`]). Every change goes through [`Live`], the same code the in-test API calls.

mod address;
pub mod journal;
mod live;
mod mutate;
mod routes;

pub use address::RepoAddress;
pub use journal::{Entry, Journal};
pub use live::{Live, Put, Refusal};
pub(crate) use routes::{answer, not_allowed};

use crate::http::Response;
use std::net::SocketAddr;

/// The path prefix of every admin endpoint (and of the health check, which stays open to every client).
pub const PREFIX: &str = "/__regmock/";

/// How an emulator's admin side is set up.
///
/// ```
/// let admin = regmock::admin::AdminOptions::default();
/// assert_eq!(admin.journal, 0);
/// assert!(!admin.open);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdminOptions {
    /// Requests the journal keeps (0: no journal). `serve --journal N`; the in-test API keeps
    /// [`journal::IN_TEST_CAPACITY`].
    pub journal: usize,
    /// Answer admin requests from any client, not only loopback ones (`serve --admin-open`).
    pub open: bool,
}

/// Whether `path` is an admin path (the health check included).
///
/// ```
/// assert!(regmock::admin::claims("/__regmock/requests"));
/// assert!(!regmock::admin::claims("/v2/manage/repos"));
/// ```
pub fn claims(path: &str) -> bool {
    path.starts_with(PREFIX) || path == PREFIX.trim_end_matches('/')
}

/// Whether a client at `peer` may use the admin API: a loopback address (IPv4-mapped ones too), or any when `open`.
///
/// ```
/// use regmock::admin::peer_allowed;
/// assert!(peer_allowed(false, "127.0.0.1:5000".parse().unwrap()));
/// assert!(peer_allowed(false, "[::ffff:127.0.0.1]:5000".parse().unwrap()));
/// assert!(!peer_allowed(false, "10.0.0.7:5000".parse().unwrap()));
/// assert!(peer_allowed(true, "10.0.0.7:5000".parse().unwrap()));
/// ```
pub fn peer_allowed(open: bool, peer: SocketAddr) -> bool {
    open || peer.ip().to_canonical().is_loopback()
}

/// The answer to an admin request from a client [`peer_allowed`] refuses.
pub(crate) fn refuse_peer(peer: SocketAddr) -> Response {
    message(
        403,
        &format!(
            "regmock: the admin API answers loopback clients only, and this request came from {}; start \
             `regmock serve` with --admin-open to answer every client",
            peer.ip()
        ),
    )
}

/// The answer to an admin request whose body the transport did not read whole.
pub(crate) fn refuse_unread(rejection: crate::pipeline::Rejection) -> Response {
    use crate::pipeline::Rejection;
    match rejection {
        Rejection::BodyTooLarge => message(
            413,
            "regmock: the request body is larger than the emulator reads (1 MiB)",
        ),
        Rejection::MalformedBody => message(400, "regmock: the request body could not be decoded"),
        Rejection::MissingHost => {
            message(400, "regmock: an HTTP/1.1 request must carry a Host header")
        }
    }
}

/// The admin API's answer shape for anything but data: `{"message": ..}`.
fn message(status: u16, text: &str) -> Response {
    Response::json(status, &serde_json::json!({ "message": text }))
}
