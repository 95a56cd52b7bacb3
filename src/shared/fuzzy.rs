//! The "fuzzy match" vendors document for name filters: a case-insensitive substring test.

/// True when `needle` occurs in `haystack`, ignoring ASCII case. An empty needle matches everything.
///
/// ```
/// assert!(regmock::shared::fuzzy::matches("busybox", "BOX"));
/// assert!(!regmock::shared::fuzzy::matches("busybox", "nginx"));
/// ```
pub fn matches(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    haystack
        .to_ascii_lowercase()
        .contains(&needle.to_ascii_lowercase())
}
