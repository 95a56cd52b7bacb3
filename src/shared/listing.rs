//! The one tag-listing engine: select a repository's tags by name and digest, order them, and hand out a window.
//!
//! Every provider's tag list is this engine with its own parameters (SWR `tag`/`order_column`/`offset`, NCR
//! `page`/`pagesize`, TCR `ImageVersion`/`ExactMatch`/`Digest`/`Offset`), windowed with [`crate::shared::page`].
//!
//! No request scans or sorts a large repository; the indexes are built once when the dataset is prepared (see
//! `model::index`):
//! - no filter: a precomputed order, windowed directly (live-only has its own orders when some tag is deleted);
//! - an exact name: a binary search on the name-sorted tags; a digest: the digest index;
//! - a substring: the n-gram postings of the lower-cased names (one posting for up to three bytes, an intersection of
//!   trigram postings and a check of the survivors for longer needles);
//! - several filters: the smallest candidate set, checked against the others.
//!
//! Matches are kept in name (storage) order. A window in time order either sorts the matches' precomputed time keys
//! (selecting the window first, so only the window is fully sorted) or, when the matches are a large share of the
//! tags, walks the precomputed time order from the nearer end testing a bitset — whichever reads less.
//!
//! A repository whose `tags` changed after its dataset was prepared has no valid index; it is scanned, as it was before
//! the indexes existed.

use super::fuzzy;
use crate::model::index::{BLOCK, Bits, Dense, List, Posting, TagIndex};
use crate::model::{Repository, Tag};
use std::borrow::Cow;
use std::ops::Range;

/// How a tag name is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameMatch<'a> {
    /// Case-insensitive substring (what the vendors call "fuzzy").
    Contains(&'a str),
    /// Case-sensitive substring (`serve --ambiguity swr.tags.tag-match=substring-cs` and the other fuzzy
    /// alternatives): the case-folded n-gram candidates, then each checked byte for byte.
    ContainsCaseSensitive(&'a str),
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
    ///
    /// ```
    /// use regmock::shared::listing::{TagOrder, TagQuery};
    /// let query = TagQuery::all(TagOrder::UpdatedDesc);
    /// assert!(query.name.is_none() && query.digest.is_none() && !query.live_only);
    /// ```
    pub fn all(order: TagOrder) -> TagQuery<'static> {
        TagQuery {
            name: None,
            digest: None,
            live_only: false,
            order,
        }
    }

    /// Whether `tag` passes every filter: the definition the indexes must agree with.
    fn keeps(&self, tag: &Tag) -> bool {
        let name_ok = match self.name {
            None => true,
            Some(NameMatch::Contains(n)) => fuzzy::matches(&tag.name, n),
            Some(NameMatch::ContainsCaseSensitive(n)) => tag.name.contains(n),
            Some(NameMatch::Exact(n)) => tag.name == n,
        };
        name_ok
            && self.digest.is_none_or(|d| tag.digest == d)
            && (!self.live_only || tag.deleted().is_none())
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
    picked: Picked<'r>,
}

#[derive(Debug)]
enum Picked<'r> {
    /// Every tag, in a precomputed order.
    All(TagOrder, &'r TagIndex),
    /// A precomputed order of some tags (the live ones), read backwards when `reversed`.
    Order(&'r [u32], bool),
    /// Matching tags in name order, put in `order` when a window is asked for.
    Matches {
        set: Set<'r>,
        order: TagOrder,
        index: &'r TagIndex,
    },
    /// Indexes of the matching tags, already ordered (the scan of a repository without a valid index).
    Ordered(Vec<u32>),
}

/// A set of tag indexes: borrowed from an index when one posting is the whole answer, owned otherwise.
#[derive(Debug)]
enum Set<'r> {
    /// Ascending tag indexes.
    List(Vec<u32>),
    /// A whole sparse posting.
    Posting(&'r List),
    /// One bit per tag, and how many are set.
    Bits(Cow<'r, Bits>, usize),
    /// A whole dense posting, with its counts per block of the time orders.
    Dense(&'r Dense),
}

impl Set<'_> {
    fn len(&self) -> usize {
        match self {
            Set::List(l) => l.len(),
            Set::Posting(l) => l.len(),
            Set::Bits(_, n) => *n,
            Set::Dense(d) => d.count,
        }
    }

    /// The members, ascending.
    fn iter(&self) -> Box<dyn Iterator<Item = u32> + '_> {
        match self {
            Set::List(l) => Box::new(l.iter().copied()),
            Set::Posting(l) => Box::new(l.iter()),
            Set::Bits(bits, _) => Box::new(bits.ones()),
            Set::Dense(d) => Box::new(d.bits.ones()),
        }
    }

    /// The set as owned bits, for changing it.
    fn into_bits(self) -> (Bits, usize) {
        match self {
            Set::Bits(bits, n) => (bits.into_owned(), n),
            Set::Dense(d) => (d.bits.clone(), d.count),
            list => {
                let items: Vec<u32> = list.iter().collect();
                let len = items.last().map_or(0, |&i| i as usize + 1);
                (Bits::from_sorted(len, &items), items.len())
            }
        }
    }
}

/// What the n-gram postings say about a substring.
enum Grams<'r> {
    /// No tag contains it.
    None,
    /// Exactly the tags in this posting contain it (needles of up to three bytes).
    Exact(&'r Posting),
    /// The tags containing it are among these (intersected trigram postings of a longer needle), unchecked.
    Superset(Set<'r>),
}

impl Grams<'_> {
    fn len(&self) -> usize {
        match self {
            Grams::None => 0,
            Grams::Exact(p) => p.len(),
            Grams::Superset(s) => s.len(),
        }
    }
}

/// Beyond this many candidates a further posting is intersected; at or below it, checking each name is cheaper.
const CHECK_DIRECTLY: usize = 16;

fn grams<'r>(index: &'r TagIndex, needle: &str) -> Grams<'r> {
    let lower: Vec<u8> = needle.bytes().map(|b| b.to_ascii_lowercase()).collect();
    if lower.len() <= 3 {
        return index
            .grams
            .posting(&lower)
            .map_or(Grams::None, Grams::Exact);
    }
    let mut postings = Vec::with_capacity(lower.len() - 2);
    for gram in lower.windows(3) {
        match index.grams.posting(gram) {
            Some(p) => postings.push(p),
            None => return Grams::None,
        }
    }
    postings.sort_by_key(|p| p.len());
    let (first, rest) = postings
        .split_first()
        .expect("a needle of 4+ bytes has trigrams");
    match first {
        Posting::List(list) => {
            let mut candidates: Vec<u32> = list.iter().collect();
            for p in rest {
                if candidates.len() <= CHECK_DIRECTLY {
                    break;
                }
                intersect(&mut candidates, p);
            }
            Grams::Superset(Set::List(candidates))
        }
        // The smallest is a bitset, so all are: intersect word by word.
        Posting::Dense(first) => {
            let mut bits = first.bits.clone();
            for p in rest {
                if let Posting::Dense(other) = p {
                    bits.and(&other.bits);
                }
            }
            let n = bits.count();
            Grams::Superset(Set::Bits(Cow::Owned(bits), n))
        }
    }
}

/// Keeps the `candidates` (ascending) that are in `posting`: a bit test each, or a merge with the list.
fn intersect(candidates: &mut Vec<u32>, posting: &Posting) {
    match posting {
        Posting::Dense(d) => candidates.retain(|&i| d.bits.get(i as usize)),
        Posting::List(list) => list.retain_members(candidates),
    }
}

/// Keeps the members of `set` that pass `keep`.
fn filter<'r>(set: Set<'r>, keep: impl Fn(u32) -> bool) -> Set<'r> {
    match set {
        Set::List(list) => Set::List(list.into_iter().filter(|&i| keep(i)).collect()),
        Set::Posting(list) => Set::List(list.iter().filter(|&i| keep(i)).collect()),
        bits => {
            let (mut owned, _) = bits.into_bits();
            let failing: Vec<u32> = owned.ones().filter(|&i| !keep(i)).collect();
            for i in failing {
                owned.clear(i as usize);
            }
            let n = owned.count();
            Set::Bits(Cow::Owned(owned), n)
        }
    }
}

fn posting_set(p: &Posting) -> Set<'_> {
    match p {
        Posting::List(l) => Set::Posting(l),
        Posting::Dense(d) => Set::Dense(d),
    }
}

impl<'r> Selection<'r> {
    /// Applies `query` to `repo`.
    pub fn of(repo: &'r Repository, query: &TagQuery<'_>) -> Selection<'r> {
        let Some(index) = repo.index() else {
            return Selection::scan(repo, query);
        };
        // An empty substring is in every name.
        let name = query.name.filter(|n| {
            *n != NameMatch::Contains("") && *n != NameMatch::ContainsCaseSensitive("")
        });
        let live = index.live.as_ref().filter(|_| query.live_only);
        let picked = match (name, query.digest, live) {
            (None, None, None) => Picked::All(query.order, index),
            (None, None, Some(live)) => match query.order {
                TagOrder::NameAsc => Picked::Order(&live.by_name, false),
                TagOrder::NameDesc => Picked::Order(&live.by_name, true),
                TagOrder::UpdatedAsc => Picked::Order(&live.asc, false),
                TagOrder::UpdatedDesc => Picked::Order(&live.desc, false),
            },
            _ => Picked::Matches {
                set: Selection::matches(repo, index, query, name),
                order: query.order,
                index,
            },
        };
        Selection { repo, picked }
    }

    /// The matching tags, from the smallest candidate set the indexes give, checked against the other filters.
    fn matches(
        repo: &'r Repository,
        index: &'r TagIndex,
        query: &TagQuery<'_>,
        name: Option<NameMatch<'_>>,
    ) -> Set<'r> {
        let tags = &repo.tags;
        let keep = |i: u32| query.keeps(&tags[i as usize]);
        if let Some(NameMatch::Exact(n)) = name {
            let found = tags.binary_search_by(|t| t.name.as_str().cmp(n)).ok();
            let found = found.map(|i| i as u32).filter(|&i| keep(i));
            return Set::List(found.into_iter().collect());
        }
        let by_name = match name {
            Some(NameMatch::Contains(needle)) => Some(grams(index, needle)),
            // The folded postings hold every case-sensitive match too; `keep` drops the other cases.
            Some(NameMatch::ContainsCaseSensitive(needle)) => match grams(index, needle) {
                Grams::Exact(p) => Some(Grams::Superset(posting_set(p))),
                other => Some(other),
            },
            _ => None,
        };
        let by_digest = query.digest.map(|d| index.with_digest(tags, d));
        match (by_name, by_digest) {
            (Some(Grams::None), _) => Set::List(Vec::new()),
            (Some(g), Some(d)) if d.len() <= g.len() => filter(Set::List(d), keep),
            (None, Some(d)) => filter(Set::List(d), keep),
            (Some(Grams::Exact(p)), d) => {
                let set = posting_set(p);
                match (d, index.live.as_ref().filter(|_| query.live_only)) {
                    // One posting is the whole answer: borrowed, nothing checked.
                    (None, None) => set,
                    (None, Some(live)) => match set {
                        Set::List(_) | Set::Posting(_) => filter(set, keep),
                        bits => {
                            let (mut owned, _) = bits.into_bits();
                            owned.and_not(&live.deleted);
                            let n = owned.count();
                            Set::Bits(Cow::Owned(owned), n)
                        }
                    },
                    (Some(_), _) => filter(set, keep),
                }
            }
            (Some(Grams::Superset(set)), _) => filter(set, keep),
            // Selection::of answers unfiltered queries from the orders; this is only the total definition.
            (None, None) => Set::List((0..tags.len() as u32).filter(|&i| keep(i)).collect()),
        }
    }

    /// Without a valid index: test every tag in storage (name) order, then order the matches. Storage order is name
    /// order, so a stable sort on the time alone keeps the name tie-break.
    fn scan(repo: &'r Repository, query: &TagQuery<'_>) -> Selection<'r> {
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
            picked: Picked::Ordered(matches),
        }
    }

    /// How many tags were selected (the total a vendor reports).
    pub fn len(&self) -> usize {
        match &self.picked {
            Picked::All(..) => self.repo.tags.len(),
            Picked::Order(v, _) => v.len(),
            Picked::Matches { set, .. } => set.len(),
            Picked::Ordered(v) => v.len(),
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
        let indexes: Vec<u32> = match &self.picked {
            Picked::All(order, index) => match order {
                TagOrder::NameAsc => range.map(|p| p as u32).collect(),
                TagOrder::NameDesc => range.map(|p| (len - 1 - p) as u32).collect(),
                TagOrder::UpdatedAsc => index.asc[range].to_vec(),
                TagOrder::UpdatedDesc => index.desc[range].to_vec(),
            },
            Picked::Order(v, false) => v[range].to_vec(),
            Picked::Order(v, true) => range.map(|p| v[len - 1 - p]).collect(),
            Picked::Ordered(v) => v[range].to_vec(),
            Picked::Matches { set, order, index } => window_of(set, *order, index, range),
        };
        indexes.into_iter().map(move |i| &tags[i as usize])
    }
}

/// Positions `range` (already clamped) of `set` in `order`.
fn window_of(set: &Set<'_>, order: TagOrder, index: &TagIndex, range: Range<usize>) -> Vec<u32> {
    let k = set.len();
    if range.is_empty() {
        return Vec::new();
    }
    match (order, set) {
        (TagOrder::NameAsc, Set::List(list)) => list[range].to_vec(),
        (TagOrder::NameDesc, Set::List(list)) => range.map(|p| list[k - 1 - p]).collect(),
        (TagOrder::NameAsc, Set::Posting(list)) => {
            list.iter_from(range.start).take(range.len()).collect()
        }
        (TagOrder::NameDesc, Set::Posting(list)) => range.map(|p| list.get(k - 1 - p)).collect(),
        (TagOrder::NameAsc, Set::Bits(bits, _)) => name_window(bits, range, false),
        (TagOrder::NameDesc, Set::Bits(bits, _)) => name_window(bits, range, true),
        (TagOrder::NameAsc, Set::Dense(d)) => name_window(&d.bits, range, false),
        (TagOrder::NameDesc, Set::Dense(d)) => name_window(&d.bits, range, true),
        (TagOrder::UpdatedAsc, Set::Dense(d)) => block_walk(&index.asc, d, &d.asc_blocks, range),
        (TagOrder::UpdatedDesc, Set::Dense(d)) => block_walk(&index.desc, d, &d.desc_blocks, range),
        (TagOrder::UpdatedAsc | TagOrder::UpdatedDesc, _) => {
            let descending = order == TagOrder::UpdatedDesc;
            let n = index.asc.len();
            // Reading costs, in tag visits: sorting the keys reads each match about four times; walking reads the
            // order up to the window from the nearer end, at n/k positions per match, plus building a bitset.
            let visited = (range.start.min(k - range.end) + range.len()) * (n / k.max(1));
            let bitset_cost = match set {
                Set::List(_) | Set::Posting(_) => n / 64 + k,
                Set::Bits(..) | Set::Dense(_) => 0,
            };
            if 4 * k <= visited + bitset_cost {
                sorted_window(set, index, descending, range)
            } else {
                let order = if descending { &index.desc } else { &index.asc };
                match set {
                    Set::Bits(bits, _) => walk(order, bits, k, range),
                    Set::Dense(d) => walk(order, &d.bits, k, range),
                    Set::List(list) => walk(order, &Bits::from_sorted(n, list), k, range),
                    Set::Posting(list) => {
                        let items: Vec<u32> = list.iter().collect();
                        walk(order, &Bits::from_sorted(n, &items), k, range)
                    }
                }
            }
        }
    }
}

/// Positions `range` of a bitset in name order (`descending` counts from the last name).
fn name_window(bits: &Bits, range: Range<usize>, descending: bool) -> Vec<u32> {
    let Some(first) = bits.select(range.start, descending) else {
        return Vec::new();
    };
    let take = range.len();
    if descending {
        (0..=first)
            .rev()
            .filter(|&i| bits.get(i as usize))
            .take(take)
            .collect()
    } else {
        (first..bits.len() as u32)
            .filter(|&i| bits.get(i as usize))
            .take(take)
            .collect()
    }
}

/// Sorts the matches by their precomputed time keys, fully sorting only the window.
fn sorted_window(
    set: &Set<'_>,
    index: &TagIndex,
    descending: bool,
    range: Range<usize>,
) -> Vec<u32> {
    let key = |i: u32| index.time_key(i, descending);
    // Matched per kind, so each is a plain loop rather than a call through a boxed iterator.
    let mut keys: Vec<u64> = match set {
        Set::List(list) => list.iter().map(|&i| key(i)).collect(),
        Set::Posting(list) => list.iter().map(key).collect(),
        Set::Bits(bits, _) => bits.ones().map(key).collect(),
        Set::Dense(d) => d.bits.ones().map(key).collect(),
    };
    let k = keys.len();
    if range.start > 0 {
        keys.select_nth_unstable(range.start);
    }
    let rest = &mut keys[range.start..];
    if range.end < k {
        rest.select_nth_unstable(range.len() - 1);
    }
    let window = &mut rest[..range.len()];
    window.sort_unstable();
    // The low half of a key is the tag index.
    window.iter().map(|&key| key as u32).collect()
}

/// Positions `range` of a dense posting's tags in a time `order`: skip whole blocks of the order by their member
/// counts, then walk from the block holding the window's first member.
fn block_walk(order: &[u32], dense: &Dense, blocks: &[u32], range: Range<usize>) -> Vec<u32> {
    let mut before = 0;
    let mut block = 0;
    while block < blocks.len() && before + blocks[block] as usize <= range.start {
        before += blocks[block] as usize;
        block += 1;
    }
    order[(block * BLOCK).min(order.len())..]
        .iter()
        .filter(|&&i| dense.bits.get(i as usize))
        .skip(range.start - before)
        .take(range.len())
        .copied()
        .collect()
}

/// Positions `range` of the members of `bits` (`k` of them) in the precomputed `order`, walking from the nearer end.
fn walk(order: &[u32], bits: &Bits, k: usize, range: Range<usize>) -> Vec<u32> {
    let member = |&&i: &&u32| bits.get(i as usize);
    if range.start <= k - range.end {
        order
            .iter()
            .filter(member)
            .skip(range.start)
            .take(range.len())
            .copied()
            .collect()
    } else {
        let mut out: Vec<u32> = order
            .iter()
            .rev()
            .filter(member)
            .skip(k - range.end)
            .take(range.len())
            .copied()
            .collect();
        out.reverse();
        out
    }
}
