//! Error catalogues as data: each provider keeps `errors.json` (code → status, message, source) and renders the
//! vendor's body shape itself.

use serde::Deserialize;
use std::collections::BTreeMap;

/// One documented error.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorEntry {
    /// HTTP status the vendor answers with.
    pub status: u16,
    /// The vendor's message text.
    pub message: String,
    /// Where the code and text come from (vendor page or SDK note).
    pub source: String,
    /// Which layer answers: `gateway` (the vendor's API gateway, its own body shape) or `service` (the registry).
    #[serde(default = "service")]
    pub layer: String,
}

fn service() -> String {
    "service".to_string()
}

/// A provider's error catalogue, keyed by the vendor's own code spelling.
#[derive(Debug, Clone)]
pub struct Catalogue {
    entries: BTreeMap<String, ErrorEntry>,
}

impl Catalogue {
    /// Parses a catalogue file (a JSON object of code → entry). Panics on a malformed file: catalogues are compiled in
    /// and covered by tests, so this can only fail while editing them.
    pub fn from_json(text: &str) -> Catalogue {
        let entries = serde_json::from_str(text).expect("error catalogue must be valid JSON");
        Catalogue { entries }
    }

    /// The entry for `code`. Panics when the code is not in the catalogue: codes are named in code and a test checks
    /// every named code exists.
    pub fn get(&self, code: &str) -> &ErrorEntry {
        self.entries
            .get(code)
            .unwrap_or_else(|| panic!("error code {code} missing from catalogue"))
    }

    /// All codes, sorted.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

/// A provider error inside a handler: a catalogue code (`C`, the provider's code enum) plus what exactly went wrong
/// this time. Each provider renders it into its vendor's body shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError<C> {
    /// Which error.
    pub code: C,
    /// The detail of this occurrence.
    pub detail: String,
}

impl<C> ApiError<C> {
    /// An error with a detail text.
    pub fn new(code: C, detail: impl Into<String>) -> ApiError<C> {
        ApiError {
            code,
            detail: detail.into(),
        }
    }
}
