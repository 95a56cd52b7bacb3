#!/usr/bin/env bash
# Starts `regmock serve` on a random loopback port and runs the official Python SDK check against it.
# Usage: tests/sdk/run_swr_sdk.sh [PYTHON]   (default: .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/../.."
python="${1:-.venv/bin/python}"

cargo build --locked --quiet
log="$(mktemp)"
./target/debug/regmock serve --addr 127.0.0.1:0 >"$log" 2>&1 &
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
"$python" tests/sdk/swr_sdk_check.py "$base"
