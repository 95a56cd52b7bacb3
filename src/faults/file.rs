//! The `serve --faults FILE` format: `faults:` and a list of rules in their flat shape, in YAML or JSON.

use super::rule::FaultRule;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A faults file.
///
/// ```
/// use regmock::faults::FaultsFile;
/// let file = FaultsFile::parse("faults:\n  - fault: throttle\n    provider: swr\n    first: 2\n  - fault: latency\n    delay: 200ms..500ms\n    seed: 7\n").unwrap();
/// assert_eq!(file.faults.len(), 2);
/// assert!(FaultsFile::parse("faults:\n  - fault: explode\n").unwrap_err().contains("latency"));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsFile {
    /// The rules, in the order they are tried.
    pub faults: Vec<FaultRule>,
}

impl FaultsFile {
    /// Parses YAML or JSON text (JSON is YAML, so one parser reads both).
    pub fn parse(text: &str) -> Result<FaultsFile, String> {
        serde_saphyr::from_str(text).map_err(|e| {
            format!("{e} (expected `faults:` and a list of rules such as `- fault: throttle`)")
        })
    }

    /// Reads and parses a faults file; the message names the file.
    pub fn from_path(path: &Path) -> Result<FaultsFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("faults file {}: {e}", path.display()))?;
        FaultsFile::parse(&text).map_err(|e| format!("faults file {}: {e}", path.display()))
    }
}
