//! The one tag-listing engine: select a repository's tags by name and digest, order them, and hand out a window.
//!
//! Every provider's tag list is this engine with its own parameters (SWR `tag`/`order_column`/`offset`, NCR
//! `page`/`pagesize`, TCR `ImageVersion`/`ExactMatch`/`Digest`/`Offset`), windowed with [`crate::shared::page`].
//! Orders come precomputed from the dataset, so an unfiltered page walks only its own items and no request sorts a
//! large repository.

use super::fuzzy;
use crate::model::{Repository, Tag};
use std::ops::Range;

/// How a tag name is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameMatch<'a> {
    /// Case-insensitive substring (what the vendors call "fuzzy").
    Contains(&'a str),
    /// Byte-for-byte equality.
    Exact(&'a str),
}

/// Tag orders. Ties are always broken by name ascending, so pages never overlap or skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagOrder {
    /// Name ascending (byte order).
    NameAsc,
    /// Name descending.
    NameDesc,
    /// Update time ascending.
    UpdatedAsc,
    /// Update time descending.
    UpdatedDesc,
}

/// Which tags a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagQuery<'a> {
    /// Name filter.
    pub name: Option<NameMatch<'a>>,
    /// Exact manifest digest.
    pub digest: Option<&'a str>,
    /// Leave out tags the dataset marks deleted.
    pub live_only: bool,
    /// Order of the result.
    pub order: TagOrder,
}

impl TagQuery<'_> {
    /// Every tag in `order`.
    pub fn all(order: TagOrder) -> TagQuery<'static> {
        TagQuery {
            name: None,
            digest: None,
            live_only: false,
            order,
        }
    }

    fn keeps(&self, tag: &Tag) -> bool {
        let name_ok = match self.name {
            None => true,
            Some(NameMatch::Contains(n)) => fuzzy::matches(&tag.name, n),
            Some(NameMatch::Exact(n)) => tag.name == n,
        };
        name_ok
            && self.digest.is_none_or(|d| &*tag.digest == d)
            && (!self.live_only || tag.deleted.is_none())
    }
}

/// The tags of a repository that a query selects, in order.
///
/// ```
/// use regmock::shared::listing::{NameMatch, Selection, TagOrder, TagQuery};
/// let data = regmock::model::Dataset::embedded().unwrap();
/// let swr = data.registries_of(regmock::model::ProviderId::Swr).next().unwrap();
/// let busybox = swr.repository("group", "busybox").unwrap();
/// let query = TagQuery { name: Some(NameMatch::Contains("LO")), ..TagQuery::all(TagOrder::NameAsc) };
/// let selection = Selection::of(busybox, &query);
/// assert_eq!(selection.len(), 1);
/// assert_eq!(selection.window(0..10).next().unwrap().name, "log");
/// ```
#[derive(Debug)]
pub struct Selection<'r> {
    repo: &'r Repository,
    picked: Picked,
}

#[derive(Debug)]
enum Picked {
    /// Every tag, in a precomputed order.
    All(TagOrder),
    /// Indexes of the matching tags, already ordered.
    Some(Vec<u32>),
}

impl<'r> Selection<'r> {
    /// Applies `query` to `repo`.
    pub fn of(repo: &'r Repository, query: &TagQuery<'_>) -> Selection<'r> {
        let filtered = query.name.is_some()
            || query.digest.is_some()
            || (query.live_only && repo.tags.iter().any(|t| t.deleted.is_some()));
        if !filtered {
            return Selection {
                repo,
                picked: Picked::All(query.order),
            };
        }
        // Scan in storage (name) order, which reads memory sequentially, then order the (usually few) matches. Storage
        // order is name order, so a stable sort on the time alone keeps the name tie-break.
        let n = u32::try_from(repo.tags.len()).unwrap_or(u32::MAX);
        let mut matches: Vec<u32> = (0..n)
            .filter(|&i| query.keeps(&repo.tags[i as usize]))
            .collect();
        let updated = |i: &u32| repo.tags[*i as usize].updated;
        match query.order {
            TagOrder::NameAsc => {}
            TagOrder::NameDesc => matches.reverse(),
            TagOrder::UpdatedAsc => matches.sort_by_key(updated),
            TagOrder::UpdatedDesc => matches.sort_by_key(|i| std::cmp::Reverse(updated(i))),
        }
        Selection {
            repo,
            picked: Picked::Some(matches),
        }
    }

    /// How many tags were selected (the total a vendor reports).
    pub fn len(&self) -> usize {
        match &self.picked {
            Picked::All(_) => self.repo.tags.len(),
            Picked::Some(v) => v.len(),
        }
    }

    /// Whether nothing was selected.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The selected tags at positions `range` (clamped to [`Selection::len`]).
    pub fn window(&self, range: Range<usize>) -> impl Iterator<Item = &'r Tag> + '_ {
        let len = self.len();
        let range = range.start.min(len)..range.end.min(len);
        let tags = &self.repo.tags;
        let index = move |pos: usize| -> usize {
            match &self.picked {
                Picked::All(TagOrder::NameAsc) => pos,
                Picked::All(TagOrder::NameDesc) => len - 1 - pos,
                Picked::All(TagOrder::UpdatedAsc) => self.repo.tags_by_updated(false)[pos] as usize,
                Picked::All(TagOrder::UpdatedDesc) => self.repo.tags_by_updated(true)[pos] as usize,
                Picked::Some(v) => v[pos] as usize,
            }
        };
        range.map(move |pos| &tags[index(pos)])
    }
}
