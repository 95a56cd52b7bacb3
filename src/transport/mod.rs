//! The emulator core and the transports that carry requests to it.
//!
//! [`Emulator::dispatch`] is the only way into the providers; [`server`] (axum) and [`in_test`] (wiremock) are thin
//! adapters that turn their native requests into [`Request`] and back.

pub mod fault;
pub mod in_test;
pub mod server;

use crate::http::{Request, Response};
use crate::model::{Dataset, DatasetError, ProviderId};
use crate::providers::{Ctx, PROVIDERS, Provider};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;

/// Builds regmock's request from the parts both transports have (both speak the `http` crate's types). Header values
/// that are not UTF-8 are kept lossily rather than rejected, so any input reaches the provider.
fn request_from_parts(
    method: &axum::http::Method,
    path: &str,
    query: Option<&str>,
    headers: &axum::http::HeaderMap,
    body: Vec<u8>,
) -> Request {
    Request {
        method: method.as_str().to_string(),
        path: path.to_string(),
        query: query.map(str::to_string),
        headers: headers
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    }
}

/// The access key every provider accepts unless `--credentials` replaces it.
pub const DEFAULT_ACCESS_KEY: &str = "regmock-access-key";
/// The secret key paired with [`DEFAULT_ACCESS_KEY`].
pub const DEFAULT_SECRET_KEY: &str = "regmock-secret-key";

/// One access-key/secret-key pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPair {
    /// Access key id (SWR AK, NCR access key, TCR SecretId).
    pub access_key: String,
    /// Secret key.
    pub secret_key: String,
}

/// Credentials the emulator accepts.
///
/// With no `tokens`, any non-empty SWR `X-Auth-Token` is accepted (lenient); with tokens listed, only those (strict).
///
/// ```
/// let c = regmock::Credentials::default();
/// assert_eq!(c.secret_for("regmock-access-key"), Some("regmock-secret-key"));
/// assert!(c.token_ok("anything"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// Accepted key pairs.
    #[serde(default)]
    pub keys: Vec<KeyPair>,
    /// Accepted tokens; empty means "any non-empty token".
    #[serde(default)]
    pub tokens: Vec<String>,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            keys: vec![KeyPair {
                access_key: DEFAULT_ACCESS_KEY.into(),
                secret_key: DEFAULT_SECRET_KEY.into(),
            }],
            tokens: Vec::new(),
        }
    }
}

impl Credentials {
    /// Reads a credentials file (JSON or YAML with `keys` and `tokens`).
    pub fn from_path(path: &Path) -> Result<Credentials, DatasetError> {
        let text = std::fs::read_to_string(path).map_err(|source| DatasetError::Io {
            path: path.display().to_string(),
            source,
        })?;
        serde_yaml::from_str(&text).map_err(|e| DatasetError::Parse {
            name: path.display().to_string(),
            message: e.to_string(),
        })
    }

    /// The secret key for an access key, if that key is known.
    pub fn secret_for(&self, access_key: &str) -> Option<&str> {
        self.keys
            .iter()
            .find(|k| k.access_key == access_key)
            .map(|k| k.secret_key.as_str())
    }

    /// Whether a bearer-style token (SWR `X-Auth-Token`) is accepted.
    pub fn token_ok(&self, token: &str) -> bool {
        !token.is_empty() && (self.tokens.is_empty() || self.tokens.iter().any(|t| t == token))
    }
}

/// Where "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock.
    #[default]
    System,
    /// A fixed instant, for reproducible signatures and snapshots.
    Fixed(DateTime<Utc>),
}

/// How SWR renders its error bodies; the vendor's appendix exists in both forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SwrErrorStyle {
    /// The current appendix: `{"error_code", "error_msg", "errors":[{"errorCode","errorMessage"}], ...}`, which the
    /// official SDK parses.
    #[default]
    Combined,
    /// The older appendix: a bare array `[{"errorCode","errorMessage","detail"}]`.
    Legacy,
}

/// Behaviour switches of an emulator.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where "now" comes from.
    pub clock: Clock,
    /// Skip signature/token checks entirely.
    pub no_auth: bool,
    /// SWR error body form.
    pub swr_error_style: SwrErrorStyle,
    /// Providers served; empty means all.
    pub providers: Vec<ProviderId>,
}

struct Inner {
    dataset: Dataset,
    credentials: Credentials,
    options: Options,
    providers: Vec<&'static dyn Provider>,
}

/// The emulator: a dataset plus options, answering requests for every enabled provider. Cheap to clone.
///
/// ```
/// use regmock::{Emulator, http::Request};
/// let emu = Emulator::embedded();
/// let resp = emu.dispatch(&Request::get("/v2/manage/repos?filter=name::busybox").header("X-Auth-Token", "t"));
/// assert_eq!(resp.status, 200);
/// ```
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("registries", &self.inner.dataset.registries.len())
            .field("options", &self.inner.options)
            .finish()
    }
}

impl Emulator {
    /// An emulator over `dataset` with default credentials and options.
    pub fn new(dataset: Dataset) -> Emulator {
        Emulator::with(dataset, Credentials::default(), Options::default())
    }

    /// An emulator over the embedded default dataset.
    pub fn embedded() -> Emulator {
        // The embedded dataset is covered by tests; failing here means the binary itself is broken.
        Emulator::new(Dataset::embedded().expect("embedded dataset is valid"))
    }

    /// An emulator with explicit credentials and options.
    pub fn with(dataset: Dataset, credentials: Credentials, options: Options) -> Emulator {
        let providers = PROVIDERS
            .iter()
            .copied()
            .filter(|p| options.providers.is_empty() || options.providers.contains(&p.id()))
            .collect();
        Emulator {
            inner: Arc::new(Inner {
                dataset,
                credentials,
                options,
                providers,
            }),
        }
    }

    /// The dataset served.
    pub fn dataset(&self) -> &Dataset {
        &self.inner.dataset
    }

    /// The options in force.
    pub fn options(&self) -> &Options {
        &self.inner.options
    }

    /// The providers this emulator answers for.
    pub fn providers(&self) -> &[&'static dyn Provider] {
        &self.inner.providers
    }

    /// Answers one request. Never panics on any input; a path no provider claims gets a plain 404.
    pub fn dispatch(&self, req: &Request) -> Response {
        let request_id = uuid::Uuid::new_v4().simple().to_string();
        let now = match self.inner.options.clock {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
        };
        let fault = match req
            .header_value(fault::FAULT_HEADER)
            .map(fault::Fault::parse)
        {
            None => None,
            Some(Ok(f)) => Some(f),
            Some(Err(message)) => {
                return Response::json(
                    400,
                    &serde_json::json!({"message": format!("regmock: {message}")}),
                );
            }
        };
        let ctx = Ctx {
            dataset: &self.inner.dataset,
            now,
            credentials: &self.inner.credentials,
            options: &self.inner.options,
            request_id: &request_id,
            fault,
        };
        match self.inner.providers.iter().find(|p| p.claims(req)) {
            Some(p) => p.handle(&ctx, req),
            None => Response::json(
                404,
                &serde_json::json!({"message": format!("regmock: no emulated API at {}", req.path)}),
            ),
        }
    }
}
