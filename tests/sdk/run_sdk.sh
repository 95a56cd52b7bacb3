#!/usr/bin/env bash
# Builds regmock once, starts `regmock serve` on a random loopback port and runs each official-SDK check against it.
# Usage: tests/sdk/run_sdk.sh INTERPRETER SCRIPT...   (each run as `INTERPRETER SCRIPT BASE_URL`), e.g.
#   tests/sdk/run_sdk.sh .venv/bin/python tests/sdk/swr_sdk_check.py
#   tests/sdk/run_sdk.sh node tests/sdk/node/swr_sdk_check.js   (after `npm ci` in tests/sdk/node)
# Relative paths are taken from the current directory, else from the repository root. Every script runs, even
# after one failed; the exit status is 1 if any failed. CARGO_TARGET_DIR, if set, is where the binary is built.
set -euo pipefail
[ "$#" -ge 2 ] || { echo "usage: $0 INTERPRETER SCRIPT..." >&2; exit 2; }

absolute() {  # relative to the current directory if it exists there, else left relative to the repository root
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) if [ -e "$1" ]; then printf '%s\n' "$PWD/$1"; else printf '%s\n' "$1"; fi ;;
  esac
}
interpreter="$1"  # a path (.venv/bin/python), or a bare name looked up in PATH (python3, node)
case "$interpreter" in */*) interpreter="$(absolute "$interpreter")" ;; esac
shift
scripts=()
for script in "$@"; do scripts+=("$(absolute "$script")"); done
cd "$(dirname "$0")/../.."

cargo build --locked --quiet
# The retry checks start a `regmock serve` of their own with fault rules (tests/sdk/faulted_serve.py).
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$PWD/$target" ;; esac
export REGMOCK_BIN="$target/debug/regmock"
log="$(mktemp)"
"${CARGO_TARGET_DIR:-target}/debug/regmock" serve --addr 127.0.0.1:0 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -f "$log"' EXIT

base=""
for _ in $(seq 1 120); do
  base="$(sed -n 's/^regmock serving on //p' "$log" | head -n 1)"
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log"; echo "regmock serve exited early" >&2; exit 1; }
  sleep 0.5
done
[ -n "$base" ] || { cat "$log"; echo "regmock serve did not start in 60 s" >&2; exit 1; }
echo "regmock serve at $base"

status=0
for script in "${scripts[@]}"; do
  echo "--> $script"
  "$interpreter" "$script" "$base" || { echo "FAILED: $script" >&2; status=1; }
  kill -0 "$server" 2>/dev/null || { cat "$log"; echo "regmock serve died during $script" >&2; exit 1; }
done
exit "$status"
