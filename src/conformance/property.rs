//! Property cases with proptest: generated from the run's seed, and a failing case shrunk to a minimal one.
//!
//! proptest's own runner is synchronous and a case here is an HTTP exchange, so the suite drives proptest's
//! [`ValueTree`] itself, the way proptest's runner does: generate a case, run it, and when it fails walk the tree with
//! `simplify` (the smaller case still fails) and `complicate` (it passed: step back) until no smaller failing case is
//! left. The failure then shows the minimal request and the generated one it was shrunk from.

use super::runner::{Cx, Stop};
use crate::http::Request;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config as RunnerConfig, RngAlgorithm, TestRng, TestRunner};
use std::future::Future;
use std::pin::Pin;

/// Most extra requests spent shrinking one failing case.
pub(crate) const MAX_SHRINK_STEPS: u32 = 64;

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
        let (minimal, steps) = shrink(cx, ctx, tree, case, first.clone()).await?;
        let smaller = minimal.request.target() != first.request.target()
            || minimal.request.body != first.request.body;
        cx.fail_shrunk(minimal, smaller.then_some((first.request, steps)));
        break;
    }
    Ok(())
}

/// Shrinks a failing case: the smallest failing case found and the steps it took.
async fn shrink<T, C>(
    cx: &mut Cx,
    ctx: &C,
    tree: &mut T,
    case: for<'a> fn(&'a mut Cx, &'a C, T::Value) -> CaseFuture<'a>,
    mut minimal: Broken,
) -> Result<(Broken, u32), Stop>
where
    T: ValueTree + Send,
    C: Sync,
{
    let mut steps = 0;
    let mut shrunk = 0;
    if !tree.simplify() {
        return Ok((minimal, 0));
    }
    while steps < MAX_SHRINK_STEPS {
        steps += 1;
        match case(cx, ctx, tree.current()).await? {
            Some(broken) => {
                minimal = broken;
                shrunk = steps;
                if !tree.simplify() {
                    break;
                }
            }
            None => {
                if !tree.complicate() {
                    break;
                }
            }
        }
    }
    Ok((minimal, shrunk))
}

/// proptest's generator, seeded from the run's seed and the check's id (other checks never change a check's cases).
fn rng(cx: &mut Cx) -> TestRng {
    let mut seed = [0u8; 32];
    for chunk in seed.chunks_mut(8) {
        chunk.copy_from_slice(&cx.rng.next().to_le_bytes());
    }
    TestRng::from_seed(RngAlgorithm::ChaCha, &seed)
}
