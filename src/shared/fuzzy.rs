//! The "fuzzy match" vendors document for name filters: a case-insensitive substring test.

/// True when `needle` occurs in `haystack`, ignoring ASCII case. An empty needle matches everything.
///
/// ```
/// assert!(regmock::shared::fuzzy::matches("busybox", "BOX"));
/// assert!(!regmock::shared::fuzzy::matches("busybox", "nginx"));
/// ```
pub fn matches(haystack: &str, needle: &str) -> bool {
    // Byte windows with ASCII case folding: no allocation, because a filter may scan a million tag names.
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return true;
    }
    n.len() <= h.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}
