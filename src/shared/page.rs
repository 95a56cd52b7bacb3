//! Pagination arithmetic shared by the providers: offset/limit windows (SWR) and 1-based page numbers (NCR).

/// The `[start, end)` window of an offset/limit page over `total` items. Offsets past the end give an empty window.
///
/// ```
/// assert_eq!(regmock::shared::page::window(10, 5, 12), 10..12);
/// assert_eq!(regmock::shared::page::window(20, 5, 12), 12..12);
/// ```
pub fn window(offset: u64, limit: u64, total: usize) -> std::ops::Range<usize> {
    let start = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
    let end = start
        .saturating_add(usize::try_from(limit).unwrap_or(usize::MAX))
        .min(total);
    start..end
}

/// Where a 1-based page sits in a list: its window and the neighbouring page numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberedPage {
    /// Items of this page.
    pub range: std::ops::Range<usize>,
    /// Next page number, `None` on the last page (and past it).
    pub next: Option<u64>,
    /// Previous page number, `None` on page 1. Past the end it points at the last page that has items, so a client
    /// walking backwards lands on data at once.
    pub previous: Option<u64>,
}

/// Page `page` (1-based, > 0) of size `size` (> 0) over `total` items.
///
/// ```
/// let p = regmock::shared::page::numbered(2, 10, 25);
/// assert_eq!((p.range, p.next, p.previous), (10..20, Some(3), Some(1)));
/// let past = regmock::shared::page::numbered(9, 10, 25);
/// assert_eq!((past.range, past.next, past.previous), (25..25, None, Some(3)));
/// ```
pub fn numbered(page: u64, size: u64, total: usize) -> NumberedPage {
    let page = page.max(1);
    let size = size.max(1);
    let offset = (page - 1).saturating_mul(size);
    let range = window(offset, size, total);
    let last_page = (total as u64).div_ceil(size).max(1);
    // Lazy: `page + 1` must not be computed for page = u64::MAX.
    let next = (page < last_page).then(|| page + 1);
    let previous = (page > 1).then_some((page - 1).min(last_page));
    NumberedPage {
        range,
        next,
        previous,
    }
}
