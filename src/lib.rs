//! # regmock
//!
//! Emulates the Huawei Cloud SWR, NAVER Cloud NCR and Tencent Cloud TCR container-registry APIs — paths, parameters,
//! bodies, headers, pagination, filters, request signing and errors — for tests that cannot reach the real clouds;
//! injects faults ([`faults`]), replays recorded exchanges ([`cassette`]), and checks any other implementation of
//! these APIs against their documented contract ([`conformance`], `regmock conform`).
//!
//! ## In your tests
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! // Arrange: an SWR emulator on a random loopback port, serving the embedded dataset.
//! let swr = regmock::SwrMock::start().await;
//!
//! // Act: list the documented example repository, as any HTTP client would.
//! let resp = reqwest::Client::new()
//!     .get(format!("{}/v2/manage/repos?namespace=group&name=busybox", swr.uri()))
//!     .header("X-Auth-Token", "any-token")
//!     .send()
//!     .await
//!     .unwrap();
//!
//! // Assert
//! assert_eq!(resp.status(), 200);
//! let body: serde_json::Value = resp.json().await.unwrap();
//! assert_eq!(body[0]["name"], "busybox");
//! # }
//! ```
//!
//! Without sockets, [`Emulator::dispatch`] answers a [`http::Request`] directly.

pub mod admin;
pub mod cassette;
pub mod conformance;
pub mod emulator;
pub mod faults;
pub mod http;
pub mod model;
pub mod openapi;
pub mod pipeline;
pub mod providers;
pub mod replay;
pub mod request_log;
pub mod shared;
pub mod transport;

pub use emulator::Emulator;
pub use pipeline::{Credentials, Options};

/// Huawei Cloud SWR emulator for tests, on a wiremock server (see [`transport::in_test::ProviderMock`]).
pub type SwrMock = transport::in_test::ProviderMock<providers::swr::Swr>;
/// NAVER Cloud NCR emulator for tests, on a wiremock server (see [`transport::in_test::ProviderMock`]).
pub type NcrMock = transport::in_test::ProviderMock<providers::ncr::Ncr>;
/// Tencent Cloud TCR emulator for tests, on a wiremock server (see [`transport::in_test::ProviderMock`]).
pub type TcrMock = transport::in_test::ProviderMock<providers::tcr::Tcr>;

/// Every Rust block of README.md, compiled and run as a doc test so the README's examples keep working as pasted.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
