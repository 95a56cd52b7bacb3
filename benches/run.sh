#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md in one run, on loopback only and bounded in time:
#   million  1,000,000 tags: load, bytes per tag, each documented query (ratios to a serde_json baseline)
#   serve    cold start and, with wrk installed, throughput and p99 against a bare axum server it builds itself;
#            with valgrind installed, instructions a request of both
#   dispatch the original core bench (small dataset, 1M-tag repository list, loopback load with reqwest)
#
# Usage: benches/run.sh [--before REV]
#   --before REV  also builds git revision REV (e.g. HEAD, before uncommitted changes) in a worktree and measures it
#                 with the same harness in the same run: `million` against REV's library, `serve` against REV's binary.
# The report goes to stdout and target/bench-report.txt. Needs: cargo; optional: wrk (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
target=${CARGO_TARGET_DIR:-$root/target}
report=$target/bench-report.txt
before=""
if [[ ${1:-} == "--before" ]]; then
  before=${2:?"--before needs a git revision"}
fi
mkdir -p "$target"
{
  echo "# regmock benchmarks, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GB RAM, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "rustc: $(rustc --version)"
  echo "revision: $(git rev-parse --short HEAD)$(git diff --quiet && echo '' || echo ' + uncommitted changes')"
} | tee "$report"

run() { echo; echo "## $*"; "$@"; }
{
  run cargo bench --quiet --bench million
  run cargo bench --quiet --bench serve
  run cargo bench --quiet --bench dispatch
} 2>&1 | grep -v '^\s*Finished\|^\s*Running\|^\s*Compiling' | tee -a "$report"

if [[ -n $before ]]; then
  tree=$target/bench-before
  rm -rf "$tree"
  git worktree add --detach --force "$tree" "$before" > /dev/null
  trap 'git worktree remove --force "$tree" > /dev/null 2>&1 || true' EXIT
  # The harness of this run, so both sides are measured the same way.
  cp benches/million.rs "$tree/benches/"
  cp -r benches/common "$tree/benches/"
  grep -q 'name = "million"' "$tree/Cargo.toml" || printf '\n[[bench]]\nname = "million"\nharness = false\n' >> "$tree/Cargo.toml"
  {
    echo
    echo "## before: $before ($(git rev-parse --short "$before"))"
    (cd "$tree" && CARGO_TARGET_DIR=$target/bench-before-target cargo bench --quiet --bench million)
    (cd "$tree" && CARGO_TARGET_DIR=$target/bench-before-target cargo build --quiet --release --bin regmock)
    echo
    echo "## before: serve (the same harness against $before's regmock binary)"
    SERVE_REGMOCK=$target/bench-before-target/release/regmock cargo bench --quiet --bench serve
  } 2>&1 | grep -v '^\s*Finished\|^\s*Running\|^\s*Compiling' | tee -a "$report"
fi
echo
echo "report: $report"
