//! Indexes over one repository's tags, built once when a dataset is prepared so that no request scans or sorts them.
//!
//! - Orders: tag indexes by (update time, name) ascending and by (update time descending, name ascending), plus each
//!   tag's update-time group, so k matching tags sort by time in O(k log k) without reading the tags.
//! - Names: postings of every 1-, 2- and 3-byte substring (n-gram) of the ASCII-lower-cased names. A needle of up to
//!   three bytes is answered by one posting, exactly; a longer needle by intersecting the postings of its trigrams and
//!   verifying the survivors. A posting is a sorted list of tag indexes, or a bitset when that is smaller (a gram in
//!   more than 1/32 of the names, like `1` or `v` in generated version names).
//! - Digests: tag indexes sorted by a 32-bit key of the digest, so a digest is a binary search.
//! - Deletions: only when some tag is soft-deleted, a bitset of them and the orders without them.
//!
//! Tags are stored sorted by name, so name order is storage order and an exact name is a binary search on the tags.
//! See [`Prepared`] for when an index is built and how a stale one is detected.

use super::{Digest, Tag};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Weak};

/// A fixed-size set of tag indexes, one bit each.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl std::fmt::Debug for Bits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bits({} of {})", self.count(), self.len)
    }
}

impl Bits {
    pub(crate) fn zeros(len: usize) -> Bits {
        Bits {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    pub(crate) fn from_sorted(len: usize, items: &[u32]) -> Bits {
        let mut bits = Bits::zeros(len);
        for &i in items {
            bits.set(i as usize);
        }
        bits
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub(crate) fn clear(&mut self, i: usize) {
        self.words[i / 64] &= !(1 << (i % 64));
    }

    /// Whether `i` is set; positions past the end are not.
    pub(crate) fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    pub(crate) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    pub(crate) fn and(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub(crate) fn and_not(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// Set positions, ascending.
    pub(crate) fn ones(&self) -> impl Iterator<Item = u32> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut word = word;
            std::iter::from_fn(move || {
                (word != 0).then(|| {
                    let bit = word.trailing_zeros();
                    word &= word - 1;
                    (w * 64) as u32 + bit
                })
            })
        })
    }

    /// The `k`-th set position (0-based) counting from the front, or from the back when `from_back`; word popcounts
    /// skip 64 positions at a time, so this is at most `len / 64` steps.
    pub(crate) fn select(&self, k: usize, from_back: bool) -> Option<u32> {
        let mut left = k;
        let pick = |w: usize, word: u64, left: usize| -> Option<u32> {
            let mut word = word;
            for _ in 0..left {
                word &= word - 1;
            }
            Some((w * 64) as u32 + word.trailing_zeros())
        };
        if from_back {
            for (w, &word) in self.words.iter().enumerate().rev() {
                let ones = word.count_ones() as usize;
                if left < ones {
                    // The left-th one from the top is the (ones - 1 - left)-th from the bottom.
                    return pick(w, word, ones - 1 - left);
                }
                left -= ones;
            }
        } else {
            for (w, &word) in self.words.iter().enumerate() {
                let ones = word.count_ones() as usize;
                if left < ones {
                    return pick(w, word, left);
                }
                left -= ones;
            }
        }
        None
    }
}

/// Positions per block of a time order in [`Dense`]'s counts.
pub(crate) const BLOCK: usize = 1024;

/// A posting held as a bitset (a gram in a large share of the names), with how many of its tags fall in each block of
/// [`BLOCK`] positions of the time orders: a window deep in a time order skips whole blocks by their counts instead
/// of walking the order from its start.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Dense {
    pub(crate) bits: Bits,
    pub(crate) count: usize,
    pub(crate) asc_blocks: Box<[u32]>,
    pub(crate) desc_blocks: Box<[u32]>,
}

impl std::fmt::Debug for Dense {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dense({} of {})", self.count, self.bits.len)
    }
}

/// Tag indexes in ascending order, two bytes each: the low 16 bits, grouped by block of 65,536 tags (the idea of a
/// Roaring bitmap's array container). Half the size of plain `u32`s, which matters for the millions of entries of the
/// rarer n-grams of a million names.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct List {
    /// Where each block's entries start in `lows`, and after the last block the end.
    starts: Box<[u32]>,
    lows: Box<[u16]>,
}

impl std::fmt::Debug for List {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "List({})", self.len())
    }
}

/// A [`List`] filled in ascending order, at its final size.
struct ListBuilder {
    starts: Vec<u32>,
    lows: Vec<u16>,
    last: Option<u32>,
}

impl ListBuilder {
    fn with_capacity(count: usize) -> ListBuilder {
        ListBuilder {
            starts: Vec::new(),
            lows: Vec::with_capacity(count),
            last: None,
        }
    }

    /// Adds `i` (not below the last one added; a repeat is ignored).
    fn push(&mut self, i: u32) {
        if self.last == Some(i) {
            return;
        }
        self.last = Some(i);
        while self.starts.len() <= (i >> 16) as usize {
            self.starts.push(self.lows.len() as u32);
        }
        self.lows.push(i as u16);
    }

    fn finish(mut self) -> List {
        self.starts.push(self.lows.len() as u32);
        List {
            starts: self.starts.into_boxed_slice(),
            lows: self.lows.into_boxed_slice(),
        }
    }
}

impl List {
    #[cfg(test)]
    fn from_sorted(items: &[u32]) -> List {
        let mut b = ListBuilder::with_capacity(items.len());
        items.iter().for_each(|&i| b.push(i));
        b.finish()
    }

    pub(crate) fn len(&self) -> usize {
        self.lows.len()
    }

    fn block_of(&self, pos: usize) -> usize {
        self.starts.partition_point(|&s| s as usize <= pos) - 1
    }

    /// The entry at `pos` (< len).
    pub(crate) fn get(&self, pos: usize) -> u32 {
        (self.block_of(pos) as u32) << 16 | u32::from(self.lows[pos])
    }

    /// The entries from position `from` on, ascending: block by block, each a plain slice.
    pub(crate) fn iter_from(&self, from: usize) -> impl Iterator<Item = u32> + '_ {
        let first = if from < self.len() {
            self.block_of(from)
        } else {
            self.starts.len().saturating_sub(1)
        };
        (first..self.starts.len().saturating_sub(1)).flat_map(move |block| {
            let start = (self.starts[block] as usize).max(from);
            let end = self.starts[block + 1] as usize;
            let high = (block as u32) << 16;
            self.lows[start.min(end)..end]
                .iter()
                .map(move |&low| high | u32::from(low))
        })
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.iter_from(0)
    }

    /// The entries of one block (empty past the last).
    fn block(&self, block: usize) -> &[u16] {
        match (self.starts.get(block), self.starts.get(block + 1)) {
            (Some(&start), Some(&end)) => &self.lows[start as usize..end as usize],
            _ => &[],
        }
    }

    /// Keeps the `candidates` (ascending) that are entries: a merge within each block, which skips ahead by binary
    /// search when the list is much longer than the candidates.
    pub(crate) fn retain_members(&self, candidates: &mut Vec<u32>) {
        let mut current = usize::MAX;
        let mut rest: &[u16] = &[];
        candidates.retain(|&i| {
            let block = (i >> 16) as usize;
            if block != current {
                current = block;
                rest = self.block(block);
            }
            let low = i as u16;
            let skip = if rest.len() > 8 && rest[8] < low {
                rest.partition_point(|&x| x < low)
            } else {
                rest.iter().take_while(|&&x| x < low).count()
            };
            rest = &rest[skip..];
            rest.first() == Some(&low)
        });
    }

    #[cfg(test)]
    fn contains(&self, i: u32) -> bool {
        let block = (i >> 16) as usize;
        block + 1 < self.starts.len()
            && self.lows[self.starts[block] as usize..self.starts[block + 1] as usize]
                .binary_search(&(i as u16))
                .is_ok()
    }

    fn heap_bytes(&self) -> usize {
        self.starts.len() * 4 + self.lows.len() * 2
    }
}

/// The tags containing one n-gram.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Posting {
    /// Tag indexes, ascending.
    List(List),
    /// One bit per tag.
    Dense(Dense),
}

impl std::fmt::Debug for Posting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Posting::List(l) => write!(f, "List({})", l.len()),
            Posting::Dense(d) => write!(f, "Dense({})", d.count),
        }
    }
}

impl Posting {
    pub(crate) fn len(&self) -> usize {
        match self {
            Posting::List(l) => l.len(),
            Posting::Dense(d) => d.count,
        }
    }

    fn heap_bytes(&self) -> usize {
        match self {
            Posting::List(l) => l.heap_bytes(),
            Posting::Dense(d) => {
                d.bits.words.len() * 8 + (d.asc_blocks.len() + d.desc_blocks.len()) * 4
            }
        }
    }
}

/// A multiply-and-fold hasher for the u32 gram keys while building (the std SipHash costs more than the rest of the
/// build, and the keys are not attacker-controlled in a way that matters: a dataset is trusted input).
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u32(u32::from(b));
        }
    }
    fn write_u32(&mut self, i: u32) {
        let x = (self.0 ^ u64::from(i)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = x ^ (x >> 29);
    }
}

/// The key of a gram of 1 to 3 bytes: its length in the top byte, the bytes below, so grams of different lengths
/// never collide.
fn gram_key(gram: &[u8]) -> u32 {
    let mut key = (gram.len() as u32) << 24;
    for (k, &b) in gram.iter().enumerate() {
        key |= u32::from(b) << (16 - 8 * k);
    }
    key
}

fn lower_into(name: &str, buf: &mut Vec<u8>) {
    buf.clear();
    buf.extend(name.bytes().map(|b| b.to_ascii_lowercase()));
}

/// N-gram postings of the lower-cased tag names.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct Grams {
    keys: Box<[u32]>,
    postings: Box<[Posting]>,
}

impl std::fmt::Debug for Grams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Grams({} grams)", self.keys.len())
    }
}

/// Gram → slot (numbered in creation order) while building. In a large repository every 1- and 2-byte gram has a cell
/// in a direct table, and so does every trigram when the names use few distinct bytes (generated names use a dozen),
/// through a byte → symbol map; otherwise, and in small repositories, grams are hashed. The build looks a gram up
/// about fifty million times for a million tags.
struct Slots {
    cells: Vec<u32>,
    /// Byte → 1 + its symbol, 0 for bytes no name has.
    symbol: [u8; 256],
    alphabet: usize,
    direct_trigrams: bool,
    trigrams: HashMap<u32, u32, BuildHasherDefault<KeyHasher>>,
    next: u32,
}

/// Largest alphabet whose trigrams get direct cells (64³, 1 MiB while building).
const DIRECT_ALPHABET: usize = 64;
/// Fewest tags for direct cells: filling and reading a quarter-megabyte table costs more than hashing the few grams of
/// a small repository (the embedded dataset has a hundred of them, prepared at every start).
const DIRECT_FROM: usize = 4096;
/// Where the trigram cells start: after the 256 one-byte and 65,536 two-byte grams.
const TRIGRAM_CELLS: usize = 256 + 65_536;
const NONE: u32 = u32::MAX;

impl Slots {
    fn new(tags: &[Tag]) -> Slots {
        if tags.len() < DIRECT_FROM {
            return Slots {
                cells: Vec::new(),
                symbol: [0; 256],
                alphabet: 0,
                direct_trigrams: false,
                trigrams: HashMap::default(),
                next: 0,
            };
        }
        let mut seen = [false; 256];
        for tag in tags {
            for b in tag.name.bytes() {
                seen[usize::from(b.to_ascii_lowercase())] = true;
            }
        }
        let mut symbol = [0u8; 256];
        let mut alphabet = 0;
        for (b, _) in seen.iter().enumerate().filter(|(_, s)| **s) {
            alphabet += 1;
            // Only used when the alphabet is small enough (then it fits a byte).
            symbol[b] = alphabet.min(255) as u8;
        }
        let direct_trigrams = alphabet <= DIRECT_ALPHABET;
        let trigram_cells = if direct_trigrams { alphabet.pow(3) } else { 0 };
        Slots {
            cells: vec![NONE; TRIGRAM_CELLS + trigram_cells],
            symbol,
            alphabet,
            direct_trigrams,
            trigrams: HashMap::default(),
            next: 0,
        }
    }

    fn len(&self) -> usize {
        self.next as usize
    }

    /// The slot of a gram looked up by key in the hash map.
    fn hashed(&mut self, key: u32, out: &mut Vec<u32>, create: bool) {
        let slot = match self.trigrams.get(&key) {
            Some(&slot) => slot,
            None if create => {
                self.trigrams.insert(key, self.next);
                self.next += 1;
                self.next - 1
            }
            None => return,
        };
        out.push(slot);
    }

    fn cell(&mut self, cell: usize, out: &mut Vec<u32>, create: bool) {
        let mut slot = self.cells[cell];
        if slot == NONE {
            if !create {
                return;
            }
            slot = self.next;
            self.next += 1;
            self.cells[cell] = slot;
        }
        out.push(slot);
    }

    /// Replaces `out` with the slot of every gram of `lower` (repeats included), creating missing slots when `create`.
    fn collect(&mut self, lower: &[u8], out: &mut Vec<u32>, create: bool) {
        out.clear();
        let len = lower.len();
        if self.cells.is_empty() {
            for p in 0..len {
                for n in 1..=3.min(len - p) {
                    self.hashed(gram_key(&lower[p..p + n]), out, create);
                }
            }
            return;
        }
        let a = self.alphabet;
        for p in 0..len {
            let b0 = usize::from(lower[p]);
            self.cell(b0, out, create);
            if p + 1 < len {
                self.cell(256 + (b0 << 8 | usize::from(lower[p + 1])), out, create);
            }
            if p + 2 < len {
                if self.direct_trigrams {
                    let sym = |b: u8| usize::from(self.symbol[usize::from(b)]) - 1;
                    let at = (sym(lower[p]) * a + sym(lower[p + 1])) * a + sym(lower[p + 2]);
                    self.cell(TRIGRAM_CELLS + at, out, create);
                } else {
                    self.hashed(gram_key(&lower[p..p + 3]), out, create);
                }
            }
        }
    }

    /// Every (key, slot).
    fn into_keys(self) -> Vec<(u32, u32)> {
        let mut byte_of = [0u32; 256];
        for (b, &s) in self.symbol.iter().enumerate() {
            if s != 0 {
                byte_of[usize::from(s) - 1] = b as u32;
            }
        }
        let a = self.alphabet.max(1);
        let mut out: Vec<(u32, u32)> = self.trigrams.into_iter().collect();
        for (c, &slot) in self.cells.iter().enumerate() {
            if slot == NONE {
                continue;
            }
            let key = if c < 256 {
                1 << 24 | (c as u32) << 16
            } else if c < TRIGRAM_CELLS {
                2 << 24 | ((c - 256) as u32) << 8
            } else {
                let t = c - TRIGRAM_CELLS;
                3 << 24 | byte_of[t / (a * a)] << 16 | byte_of[t / a % a] << 8 | byte_of[t % a]
            };
            out.push((key, slot));
        }
        out
    }
}

enum Building {
    List(ListBuilder),
    Bits(Bits, usize),
}

impl Grams {
    /// Two passes over the names: count each gram's tags, then fill postings allocated at their final size (a list
    /// or a bitset), so the build never reallocates and leaves no freed garbage behind in the heap.
    fn build(tags: &[Tag]) -> Grams {
        let n = tags.len();
        let mut slots = Slots::new(tags);
        // Per slot: number of tags, and 1 + the last tag counted (so a gram repeated in one name counts once).
        let mut counts: Vec<(u32, u32)> = Vec::new();
        let (mut lower, mut found) = (Vec::new(), Vec::new());
        for (i, tag) in tags.iter().enumerate() {
            lower_into(&tag.name, &mut lower);
            slots.collect(&lower, &mut found, true);
            counts.resize(slots.len(), (0, 0));
            let mark = i as u32 + 1;
            for &slot in &found {
                let c = &mut counts[slot as usize];
                if c.1 != mark {
                    *c = (c.0 + 1, mark);
                }
            }
        }
        let mut building: Vec<Building> = counts
            .iter()
            .map(|&(count, _)| {
                // A bitset costs n/8 bytes, a list 2 bytes a tag: a gram in more than 1/32 of the names gets a bitset
                // (at most twice the list), because a dense posting also walks the time orders by blocks.
                if count as usize * 32 > n {
                    Building::Bits(Bits::zeros(n), count as usize)
                } else {
                    Building::List(ListBuilder::with_capacity(count as usize))
                }
            })
            .collect();
        for (i, tag) in tags.iter().enumerate() {
            lower_into(&tag.name, &mut lower);
            slots.collect(&lower, &mut found, false);
            let i = i as u32;
            for &slot in &found {
                match &mut building[slot as usize] {
                    Building::List(list) => list.push(i),
                    Building::Bits(bits, _) => bits.set(i as usize),
                }
            }
        }
        let mut by_key = slots.into_keys();
        by_key.sort_unstable();
        let mut building: Vec<Option<Building>> = building.into_iter().map(Some).collect();
        let mut keys = Vec::with_capacity(by_key.len());
        let mut postings = Vec::with_capacity(by_key.len());
        for (key, slot) in by_key {
            keys.push(key);
            postings.push(match building[slot as usize].take() {
                Some(Building::List(list)) => Posting::List(list.finish()),
                Some(Building::Bits(bits, count)) => Posting::Dense(Dense {
                    bits,
                    count,
                    asc_blocks: Box::default(),
                    desc_blocks: Box::default(),
                }),
                None => Posting::List(List::default()),
            });
        }
        Grams {
            keys: keys.into_boxed_slice(),
            postings: postings.into_boxed_slice(),
        }
    }

    /// Counts each dense posting's tags per block of the two time orders. Reading each member's position from a rank
    /// array indexed in member (ascending) order keeps the reads sequential.
    fn count_blocks(&mut self, asc: &[u32], desc: &[u32]) {
        if !self.postings.iter().any(|p| matches!(p, Posting::Dense(_))) {
            return;
        }
        let rank = |order: &[u32]| {
            let mut rank = vec![0u32; order.len()];
            for (pos, &i) in order.iter().enumerate() {
                rank[i as usize] = pos as u32;
            }
            rank
        };
        let (asc_rank, desc_rank) = (rank(asc), rank(desc));
        let blocks = asc.len().div_ceil(BLOCK);
        for posting in self.postings.iter_mut() {
            if let Posting::Dense(d) = posting {
                let mut up = vec![0u32; blocks];
                let mut down = vec![0u32; blocks];
                for i in d.bits.ones() {
                    up[asc_rank[i as usize] as usize / BLOCK] += 1;
                    down[desc_rank[i as usize] as usize / BLOCK] += 1;
                }
                d.asc_blocks = up.into_boxed_slice();
                d.desc_blocks = down.into_boxed_slice();
            }
        }
    }

    /// The tags whose lower-cased name contains `gram` (1 to 3 bytes, already lower-cased).
    pub(crate) fn posting(&self, gram: &[u8]) -> Option<&Posting> {
        self.keys
            .binary_search(&gram_key(gram))
            .ok()
            .map(|i| &self.postings[i])
    }

    fn heap_bytes(&self) -> usize {
        self.keys.len() * 4
            + self.postings.len() * std::mem::size_of::<Posting>()
            + self.postings.iter().map(Posting::heap_bytes).sum::<usize>()
    }
}

/// Soft-deleted tags and the orders without them, kept only for repositories that have some.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Live {
    pub(crate) deleted: Bits,
    pub(crate) by_name: Box<[u32]>,
    pub(crate) asc: Box<[u32]>,
    pub(crate) desc: Box<[u32]>,
}

/// A prepared tag list's index, built when first needed (most repositories of the embedded dataset are never listed
/// in a test, and building them all took most of the start-up time) or at once for a large list, whose first request
/// should not wait for it. It remembers the list it belongs to (a `Weak`), so a repository whose `tags` were replaced
/// or mutated after preparation is detected and listed by a plain scan instead of an index of other tags.
#[derive(Default)]
pub(crate) struct Prepared {
    tags: Weak<Vec<Tag>>,
    len: usize,
    /// Sum of the tag sizes (a repository's size, in every repository list item).
    pub(crate) total_size: u64,
    index: std::sync::OnceLock<TagIndex>,
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("len", &self.len)
            .field("index", &self.index.get())
            .finish_non_exhaustive()
    }
}

/// Lists of at least this many tags are indexed while the dataset is prepared.
const EAGER_FROM: usize = 20_000;

impl Prepared {
    /// Prepares `tags` (sorted by name); indexes them now when the list is large.
    pub(crate) fn new(tags: &Arc<Vec<Tag>>) -> Prepared {
        let prepared = Prepared {
            tags: Arc::downgrade(tags),
            len: tags.len(),
            total_size: super::total_size(tags),
            index: std::sync::OnceLock::new(),
        };
        if tags.len() >= EAGER_FROM {
            let _ = prepared.index.set(TagIndex::build(tags));
        }
        prepared
    }

    /// Whether this was prepared from exactly `tags` (the same allocation, not mutated since: mutating a shared or
    /// weakly referenced `Arc` moves it to a new allocation).
    pub(crate) fn is_for(&self, tags: &Arc<Vec<Tag>>) -> bool {
        std::ptr::eq(self.tags.as_ptr(), Arc::as_ptr(tags)) && self.len == tags.len()
    }

    /// The index of `tags`, built on first use; `None` when `tags` is not the list this was prepared from.
    pub(crate) fn index(&self, tags: &Arc<Vec<Tag>>) -> Option<&TagIndex> {
        self.is_for(tags)
            .then(|| self.index.get_or_init(|| TagIndex::build(tags)))
    }
}

/// Every index of one tag list; see the module docs.
#[derive(Clone, Default)]
pub(crate) struct TagIndex {
    len: usize,
    pub(crate) asc: Box<[u32]>,
    pub(crate) desc: Box<[u32]>,
    /// Per tag: the rank of its update time among the distinct update times (equal times, equal group).
    group: Box<[u32]>,
    pub(crate) grams: Grams,
    /// Tag indexes sorted by (digest hash, index).
    digests: Box<[u32]>,
    pub(crate) live: Option<Live>,
}

impl std::fmt::Debug for TagIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TagIndex")
            .field("len", &self.len)
            .field("grams", &self.grams)
            .field("deleted", &self.live.as_ref().map(|l| l.deleted.count()))
            .field("heap_bytes", &self.heap_bytes())
            .finish_non_exhaustive()
    }
}

/// A 32-bit key spreading digests over a sorted array (equal keys are compared by value): the first bytes of a
/// `sha256:` hash, which are random already, and a hash of any other text.
fn digest_key(d: &Digest) -> u32 {
    match d.sha256_bytes() {
        Some(b) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
        None => text_hash(&d.text()),
    }
}

/// A fast 32-bit hash of a string, eight bytes at a time.
fn text_hash(s: &str) -> u32 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ s.len() as u64;
    for chunk in s.as_bytes().chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^= h >> 32;
    }
    h as u32
}

/// Above this many tags the n-gram postings are built on a second thread while this one builds the orders.
const PARALLEL_FROM: usize = 50_000;

/// Tag indexes ordered by update time ascending, ties by index (name), and each tag's time group.
///
/// One sort of packed keys: when every time is a whole second within 2^32 seconds of the earliest (generated data,
/// most datasets) a key is `seconds << 32 | index` in one u64, which sorts several times faster than a tuple.
fn time_order(times: &[(i64, u32)]) -> (Box<[u32]>, Box<[u32]>) {
    let n = times.len();
    let min = times.iter().map(|t| t.0).min().unwrap_or(0);
    let packable = times
        .iter()
        .all(|&(secs, nanos)| nanos == 0 && u64::try_from(secs - min).is_ok_and(|d| d < 1 << 32));
    let asc: Vec<u32> = if packable {
        let mut keys: Vec<u64> = times
            .iter()
            .enumerate()
            .map(|(i, t)| ((t.0 - min) as u64) << 32 | i as u64)
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|k| k as u32).collect()
    } else {
        let mut keys: Vec<(i64, u32, u32)> = times
            .iter()
            .enumerate()
            .map(|(i, t)| (t.0, t.1, i as u32))
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|k| k.2).collect()
    };
    let mut group = vec![0u32; n];
    let mut g = 0u32;
    for (pos, &i) in asc.iter().enumerate() {
        if pos > 0 && times[i as usize] != times[asc[pos - 1] as usize] {
            g += 1;
        }
        group[i as usize] = g;
    }
    (asc.into_boxed_slice(), group.into_boxed_slice())
}

/// The (update time descending, name ascending) order: the groups of `asc` from last to first, each in name order.
fn reverse_groups(asc: &[u32], group: &[u32]) -> Box<[u32]> {
    let mut desc = Vec::with_capacity(asc.len());
    let mut end = asc.len();
    while end > 0 {
        let g = group[asc[end - 1] as usize];
        let mut start = end - 1;
        while start > 0 && group[asc[start - 1] as usize] == g {
            start -= 1;
        }
        desc.extend_from_slice(&asc[start..end]);
        end = start;
    }
    desc.into_boxed_slice()
}

impl TagIndex {
    /// Builds every index of `tags`, which must be sorted by name.
    pub(crate) fn build(tags: &[Tag]) -> TagIndex {
        let n = tags.len();
        let (grams, rest) = if n >= PARALLEL_FROM {
            std::thread::scope(|scope| {
                // If no thread can be started the postings are built here, after the rest.
                let worker = std::thread::Builder::new()
                    .name("regmock-index".into())
                    .spawn_scoped(scope, || Grams::build(tags));
                let rest = TagIndex::orders_and_digests(tags);
                let grams = match worker.map(|w| w.join()) {
                    Ok(Ok(grams)) => grams,
                    _ => Grams::build(tags),
                };
                (grams, rest)
            })
        } else {
            (Grams::build(tags), TagIndex::orders_and_digests(tags))
        };
        let mut grams = grams;
        grams.count_blocks(&rest.asc, &rest.desc);
        TagIndex { grams, ..rest }
    }

    /// Everything but the n-gram postings, from one pass over the tags.
    fn orders_and_digests(tags: &[Tag]) -> TagIndex {
        let n = tags.len();
        let mut times = Vec::with_capacity(n);
        // A 32-bit hash and the index in one u64: equal hashes are rare and compared by value anyway.
        let mut by_digest = Vec::with_capacity(n);
        let mut any_deleted = false;
        for (i, t) in tags.iter().enumerate() {
            times.push((t.updated.timestamp(), t.updated.timestamp_subsec_nanos()));
            by_digest.push(u64::from(digest_key(&t.digest)) << 32 | i as u64);
            any_deleted |= t.deleted().is_some();
        }
        let (asc, group) = time_order(&times);
        drop(times);
        let desc = reverse_groups(&asc, &group);
        by_digest.sort_unstable();
        let digests = by_digest.into_iter().map(|k| k as u32).collect();

        let live = any_deleted.then(|| {
            let mut deleted = Bits::zeros(n);
            for (i, t) in tags.iter().enumerate() {
                if t.deleted().is_some() {
                    deleted.set(i);
                }
            }
            let keep = |v: &[u32]| {
                v.iter()
                    .copied()
                    .filter(|&i| !deleted.get(i as usize))
                    .collect()
            };
            let by_name: Vec<u32> = (0..n as u32).collect();
            Live {
                by_name: keep(&by_name),
                asc: keep(&asc),
                desc: keep(&desc),
                deleted,
            }
        });
        TagIndex {
            len: n,
            asc,
            desc,
            group,
            grams: Grams::default(),
            digests,
            live,
        }
    }

    /// Sort key of tag `i` for time order (ascending, or descending when `descending`), ties by name ascending.
    pub(crate) fn time_key(&self, i: u32, descending: bool) -> u64 {
        let g = self.group[i as usize];
        let g = if descending { u32::MAX - g } else { g };
        (u64::from(g) << 32) | u64::from(i)
    }

    /// Indexes of the tags whose digest is `digest`, ascending (name order).
    pub(crate) fn with_digest(&self, tags: &[Tag], digest: &str) -> Vec<u32> {
        let digest = Digest::parse(digest);
        let h = digest_key(&digest);
        let first = self
            .digests
            .partition_point(|&i| digest_key(&tags[i as usize].digest) < h);
        let mut found: Vec<u32> = self.digests[first..]
            .iter()
            .copied()
            .take_while(|&i| digest_key(&tags[i as usize].digest) == h)
            .filter(|&i| tags[i as usize].digest == digest)
            .collect();
        // Sorted by index already unless two different digests share a hash; keep the promise regardless.
        found.sort_unstable();
        found
    }

    /// Heap bytes held by the index (for the benchmark's per-tag accounting).
    pub(crate) fn heap_bytes(&self) -> usize {
        let live = self.live.as_ref().map_or(0, |l| {
            l.deleted.words.len() * 8 + (l.by_name.len() + l.asc.len() + l.desc.len()) * 4
        });
        (self.asc.len() + self.desc.len() + self.group.len() + self.digests.len()) * 4
            + self.grams.heap_bytes()
            + live
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_counts_from_either_end() {
        let bits = Bits::from_sorted(200, &[3, 64, 65, 130, 199]);
        let front: Vec<_> = (0..5).map(|k| bits.select(k, false)).collect();
        assert_eq!(front, [Some(3), Some(64), Some(65), Some(130), Some(199)]);
        let back: Vec<_> = (0..5).map(|k| bits.select(k, true)).collect();
        assert_eq!(back, [Some(199), Some(130), Some(65), Some(64), Some(3)]);
        assert_eq!(bits.select(5, false), None);
        assert_eq!(bits.ones().collect::<Vec<_>>(), [3, 64, 65, 130, 199]);
    }

    #[test]
    fn lists_read_back_across_blocks() {
        let items = [0, 5, 65_535, 65_536, 65_540, 200_000, 200_001, 400_000];
        let list = List::from_sorted(&items);
        assert_eq!(list.len(), items.len());
        assert_eq!(list.iter().collect::<Vec<_>>(), items);
        for (pos, &i) in items.iter().enumerate() {
            assert_eq!(list.get(pos), i);
            assert_eq!(list.iter_from(pos).next(), Some(i));
            assert!(list.contains(i));
            assert!(!list.contains(i + 1) || items.contains(&(i + 1)));
        }
        assert!(!list.contains(400_001) && !list.contains(10_000_000));
        assert_eq!(List::from_sorted(&[]).iter().count(), 0);
    }

    #[test]
    fn gram_keys_of_different_lengths_differ() {
        assert_ne!(gram_key(b"a"), gram_key(b"a\0"));
        assert_ne!(gram_key(b"ab"), gram_key(b"ab\0"));
    }
}
