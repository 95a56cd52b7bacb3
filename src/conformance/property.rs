//! Property cases with proptest: generated from the run's seed, and a failing case shrunk to a minimal one.
//!
//! proptest's own runner is synchronous and a case here is an HTTP exchange, so the suite drives proptest's
//! [`ValueTree`] itself, the way proptest's runner does: generate a case, run it, and when it fails walk the tree with
//! `simplify` (the smaller case still fails) and `complicate` (it passed: step back) until no smaller failing case is
//! left. The failure then shows the minimal request and the generated one it was shrunk from.

use super::reference::Match;
use super::runner::{Cx, Item, Stop};
use crate::http::Request;
use proptest::arbitrary::any;
use proptest::sample::Index;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config as RunnerConfig, RngAlgorithm, TestRng, TestRunner};
use std::future::Future;
use std::pin::Pin;

/// Most cases run while shrinking one failing case (each a request, or the few pages of one walk).
///
/// proptest shrinks each element of a case by bisection, one simplify or complicate per step, and a 64-bit element
/// (`any::<u64>()`, an `Index`) can take about 128 steps, a case of five elements several hundred: 64 steps used to cut
/// real shrinks short. 1024 lets every case the checks generate shrink to the end; a shrink that still meets the limit
/// says so in the failure's message rather than passing off a partly shrunk case as minimal.
pub(crate) const MAX_SHRINK_STEPS: u32 = 1024;

/// A case that did not hold: what [`Cx::fail`] records.
#[derive(Debug, Clone)]
pub(crate) struct Broken {
    pub message: String,
    pub request: Request,
    pub expected: String,
    pub actual: String,
}

/// What a property case returns: `Ok(None)` when it held.
pub(crate) type CaseFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Option<Broken>, Stop>> + Send + 'a>>;

/// Runs `cx.cfg.cases` cases of `strategy` through `case` (which sees the shared context `ctx`). The first failing
/// case is shrunk and recorded; the property stops there, as proptest's runner does.
pub(crate) async fn check<S, C>(
    cx: &mut Cx,
    strategy: S,
    ctx: &C,
    case: for<'a> fn(&'a mut Cx, &'a C, S::Value) -> CaseFuture<'a>,
) -> Result<(), Stop>
where
    S: Strategy,
    S::Tree: Send,
    C: Sync,
{
    // Every tree is generated before the first request, so no generator state is held across an await.
    let mut trees = {
        let mut runner = TestRunner::new_with_rng(RunnerConfig::default(), rng(cx));
        let mut trees = Vec::new();
        for _ in 0..cx.cfg.cases {
            trees.push(
                strategy
                    .new_tree(&mut runner)
                    .map_err(|e| Stop::Error(format!("generating a case: {e}")))?,
            );
        }
        trees
    };
    for tree in &mut trees {
        cx.case();
        let Some(first) = case(cx, ctx, tree.current()).await? else {
            continue;
        };
        let (mut minimal, steps, cut) = shrink(cx, ctx, tree, case, first.clone()).await?;
        if cut {
            minimal.message = format!(
                "{} (shrinking stopped after {MAX_SHRINK_STEPS} cases: smaller failing cases may exist)",
                minimal.message
            );
        }
        let smaller = minimal.request.target() != first.request.target()
            || minimal.request.body != first.request.body;
        cx.fail_shrunk(minimal, smaller.then_some((first.request, steps)));
        break;
    }
    Ok(())
}

/// Shrinks a failing case: the smallest failing case found, the steps it took, and whether the step limit cut the
/// shrink short.
async fn shrink<T, C>(
    cx: &mut Cx,
    ctx: &C,
    tree: &mut T,
    case: for<'a> fn(&'a mut Cx, &'a C, T::Value) -> CaseFuture<'a>,
    mut minimal: Broken,
) -> Result<(Broken, u32, bool), Stop>
where
    T: ValueTree + Send,
    C: Sync,
{
    let mut steps = 0;
    let mut shrunk = 0;
    if !tree.simplify() {
        return Ok((minimal, 0, false));
    }
    loop {
        if steps == MAX_SHRINK_STEPS {
            return Ok((minimal, shrunk, true));
        }
        steps += 1;
        let more = match case(cx, ctx, tree.current()).await? {
            Some(broken) => {
                minimal = broken;
                shrunk = steps;
                tree.simplify()
            }
            None => tree.complicate(),
        };
        if !more {
            return Ok((minimal, shrunk, false));
        }
    }
}

/// proptest's generator, seeded from the run's seed and the check's id (other checks never change a check's cases).
fn rng(cx: &mut Cx) -> TestRng {
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_mut(8) {
        chunk.copy_from_slice(&cx.rng.next().to_le_bytes());
    }
    TestRng::from_seed(RngAlgorithm::ChaCha, &seed)
}

/// A generated name filter case: which name of a list, and which part of it. Each case asks for every kind of value
/// ([`Needle::values`]), so every case can tell the matchings apart (a prefix-only server and an exact one differ on
/// a prefix, a substring and an exact one on an inner part). Shrinks towards the first name and its shortest parts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Needle {
    pick: Index,
    from: Index,
    len: usize,
    /// Which letters of the prefix are flipped (bit i: letter i), and the digits of a value no name holds.
    bits: u64,
}

/// What a [`Needle`] is generated from (pick, from, len, bits): a tuple, so its tree stays `Send`.
pub(crate) type NeedleParts = (Index, Index, usize, u64);

/// [`Needle`]s over any list of names, as [`NeedleParts`] ([`Needle::from`]).
pub(crate) fn needles() -> impl Strategy<Value = NeedleParts, Tree: Send> + Clone {
    (any::<Index>(), any::<Index>(), 1usize..12, any::<u64>())
}

impl From<NeedleParts> for Needle {
    fn from((pick, from, len, bits): NeedleParts) -> Needle {
        Needle {
            pick,
            from,
            len,
            bits,
        }
    }
}

impl Needle {
    /// The picked name, whole (a value no name holds when `names` is empty).
    pub(crate) fn whole(&self, names: &[String]) -> String {
        match names.is_empty() {
            true => self.none(),
            false => names[self.pick.index(names.len())].clone(),
        }
    }

    /// A part of the picked name that does not start it when the name is long enough: `len` characters from a
    /// position after the first.
    pub(crate) fn inner(&self, names: &[String]) -> String {
        let name: Vec<char> = self.whole(names).chars().collect();
        let start = match name.len() {
            0 | 1 => 0,
            n => 1 + self.from.index(n - 1),
        };
        name[start..(start + self.len).min(name.len())]
            .iter()
            .collect()
    }

    /// The picked name's first `len` characters, the letters of `bits` flipped to upper case.
    pub(crate) fn prefix(&self, names: &[String]) -> String {
        self.whole(names)
            .chars()
            .take(self.len)
            .enumerate()
            .map(|(i, c)| match self.bits >> (i % 64) & 1 == 1 {
                true => c.to_ascii_uppercase(),
                false => c,
            })
            .collect()
    }

    /// A value no name holds.
    pub(crate) fn none(&self) -> String {
        format!("zq-none-{:x}", self.bits & 0xffff)
    }

    /// The four values a case asks for: whole, prefix (case flipped), inner part, none.
    pub(crate) fn values(&self, names: &[String]) -> [String; 4] {
        [
            self.whole(names),
            self.prefix(names),
            self.inner(names),
            self.none(),
        ]
    }
}

/// [`check`] for a filter property whose cases are judged against an ambiguity's alternatives: the cases share `data`
/// and one [`Fits`], and the alternatives that explained every case are then recorded as observed for `ambiguity`.
pub(crate) async fn check_fitted<S, D>(
    cx: &mut Cx,
    strategy: S,
    data: D,
    case: for<'a> fn(&'a mut Cx, &'a (D, Fits), S::Value) -> CaseFuture<'a>,
    ambiguity: &str,
) -> Result<(), Stop>
where
    S: Strategy,
    S::Tree: Send,
    D: Send + Sync,
{
    let ctx = (data, Fits::default());
    check(cx, strategy, &ctx, case).await?;
    cx.observe_fits(ambiguity, &ctx.1.get());
    Ok(())
}

/// The alternatives of an ambiguity that explained every case of a filter property so far: a target must answer all
/// cases with one matching. Shared by the cases (and the shrink steps) of one check.
#[derive(Debug, Default)]
pub(crate) struct Fits(std::sync::Mutex<Option<Vec<&'static str>>>);

impl Fits {
    /// What explained every case (`None`: no case passed yet).
    pub(crate) fn get(&self) -> Option<Vec<&'static str>> {
        self.0.lock().map(|f| f.clone()).unwrap_or_default()
    }
}

/// The candidates [`judge_names`] takes for a name filter: for each of `matches`, its id and the keys of the `items`
/// whose `field` it matches against `needle`, in the items' order.
pub(crate) fn candidates(
    matches: &[Match],
    items: &[Item],
    field: fn(&Item) -> &str,
    needle: &str,
) -> Vec<(&'static str, Vec<String>)> {
    matches
        .iter()
        .map(|m| {
            let keys = items
                .iter()
                .filter(|i| m.matches(field(i), needle))
                .map(|i| i.key.clone())
                .collect();
            (m.id(), keys)
        })
        .collect()
}

/// Judges one name filter case: `got` must equal the list of an accepted alternative among `candidates` (alternative
/// id, expected keys), and one that also explained every earlier case (`fits`, narrowed when the case holds).
/// `ambiguity`: the question the alternatives answer (`None`: the candidates are documented, any one fits).
pub(crate) fn judge_names(
    ambiguity: Option<&str>,
    candidates: &[(&'static str, Vec<String>)],
    got: &[String],
    what: &str,
    request: Request,
    fits: &Fits,
) -> Option<Broken> {
    let show = |v: &[String]| {
        format!(
            "{} items {:?}",
            v.len(),
            v.iter().take(3).collect::<Vec<_>>()
        )
    };
    let here = super::reference::fitting(got, candidates, |id| {
        ambiguity.is_none_or(|a| super::ambiguities::accepts(a, id))
    });
    if here.is_empty() {
        let accepted = ambiguity.map_or_else(
            || "the documented matching".to_string(),
            super::ambiguities::describe,
        );
        return Some(Broken {
            message: format!("{what} returned what no accepted matching returns ({accepted})"),
            request,
            expected: candidates
                .iter()
                .map(|(id, v)| format!("{id}: {}", show(v)))
                .collect::<Vec<_>>()
                .join("; "),
            actual: show(got),
        });
    }
    let Ok(mut guard) = fits.0.lock() else {
        return None;
    };
    let before = guard.clone().unwrap_or_else(|| here.clone());
    let now: Vec<&'static str> = before
        .iter()
        .copied()
        .filter(|a| here.contains(a))
        .collect();
    if now.is_empty() {
        return Some(Broken {
            message: format!(
                "{what} fits {here:?} only, while the earlier answers fit {before:?} only: no one matching explains them all"
            ),
            request,
            expected: format!("one of {before:?}"),
            actual: show(got),
        });
    }
    *guard = Some(now);
    None
}
