//! Which keys and tokens the emulator accepts.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// The access key every provider accepts unless `--credentials` replaces it (SWR AK, NCR access key, TCR SecretId).
pub const DEFAULT_ACCESS_KEY: &str = "regmock-access-key";
/// The secret key paired with [`DEFAULT_ACCESS_KEY`].
pub const DEFAULT_SECRET_KEY: &str = "regmock-secret-key";

/// One access-key/secret-key pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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

/// Why a credentials file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// The file could not be read.
    #[error("cannot read credentials file {path}")]
    Io {
        /// File path.
        path: String,
        /// Underlying error (printed once, as the cause).
        source: std::io::Error,
    },
    /// The text is not JSON/YAML of the credentials format, or breaks a rule.
    #[error("invalid credentials file {path}: {message}")]
    Invalid {
        /// File path.
        path: String,
        /// What is wrong and what is accepted.
        message: String,
    },
}

/// The file format: every part optional, so a file can change tokens and keep the default key.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    keys: Option<Vec<KeyPair>>,
    #[serde(default)]
    tokens: Vec<String>,
}

impl Credentials {
    /// Reads a credentials file (JSON or YAML with `keys` and `tokens`). Leaving `keys` out keeps the default key;
    /// `keys: []` is refused, because it would make every signed request fail.
    ///
    /// ```
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("creds.yaml");
    /// std::fs::write(&path, "tokens: [only-this]\n").unwrap();
    /// let c = regmock::Credentials::from_path(&path).unwrap();
    /// assert_eq!(c.secret_for("regmock-access-key"), Some("regmock-secret-key"));
    /// assert!(c.token_ok("only-this") && !c.token_ok("other"));
    /// ```
    pub fn from_path(path: &Path) -> Result<Credentials, CredentialsError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CredentialsError::Io {
            path: shown.clone(),
            source,
        })?;
        let invalid = |message: String| CredentialsError::Invalid {
            path: shown.clone(),
            message,
        };
        // JSON is YAML, so one parser reads both.
        let file: CredentialsFile = serde_saphyr::from_str(&text).map_err(|e| {
            invalid(format!(
                "{e} (expected `keys: [{{access_key, secret_key}}]` and/or `tokens: [..]`)"
            ))
        })?;
        let keys = match file.keys {
            None => Credentials::default().keys,
            Some(keys) if keys.is_empty() => {
                return Err(invalid(
                    "`keys` is empty, so no signed request could ever pass; list at least one key, or leave `keys` \
                     out to keep the default key"
                        .into(),
                ));
            }
            Some(keys) => keys,
        };
        if let Some(k) = keys
            .iter()
            .find(|k| k.access_key.is_empty() || k.secret_key.is_empty())
        {
            return Err(invalid(format!(
                "key {:?} has an empty access_key or secret_key",
                k.access_key
            )));
        }
        Ok(Credentials {
            keys,
            tokens: file.tokens,
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
