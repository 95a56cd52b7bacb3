//! Which keys and tokens the emulator accepts.

use crate::model::DatasetError;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The access key every provider accepts unless `--credentials` replaces it (SWR AK, NCR access key, TCR SecretId).
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
/// With no `tokens`, any non-empty token (SWR `X-Auth-Token`, TCR `X-TC-Token`) is accepted (lenient); with tokens
/// listed, only those (strict).
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

    /// Whether a bearer-style token (SWR `X-Auth-Token`, TCR `X-TC-Token`) is accepted.
    pub fn token_ok(&self, token: &str) -> bool {
        !token.is_empty() && (self.tokens.is_empty() || self.tokens.iter().any(|t| t == token))
    }
}
