#!/usr/bin/env bash
# Builds regmock once, starts `regmock serve --no-auth --rate-limit off` on a random loopback port and, for each
# provider, writes `regmock openapi --provider P`, validates it with openapi-spec-validator (OpenAPI 3.1) and runs
# Schemathesis from it against the server: no 5xx, every status, content type, documented header and body as the
# document says.
# Usage: tests/openapi/run_schemathesis.sh PYTHON   (the venv's python; openapi-spec-validator and schemathesis from
# tests/openapi/requirements.txt are taken from the same bin directory)
# OPENAPI_MAX_EXAMPLES (default 100) bounds the cases per operation and phase; OPENAPI_SEED (default 20261124) makes a
# run reproducible, and a failure's seed is printed to rerun it. Every provider runs, even after one failed; the exit
# status is 1 if any failed. CARGO_TARGET_DIR, if set, is where the binary is built.
set -euo pipefail
[ "$#" -eq 1 ] || { echo "usage: $0 PYTHON" >&2; exit 2; }
python="$1"
case "$python" in /*) ;; */*) python="$PWD/$python" ;; *) python="$(command -v "$python")" ;; esac
bin="$(dirname "$python")"
for tool in openapi-spec-validator schemathesis; do
  [ -x "$bin/$tool" ] || { echo "$bin/$tool not found: pip install -r tests/openapi/requirements.txt" >&2; exit 2; }
done
cd "$(dirname "$0")/../.."
root="$PWD"
max_examples="${OPENAPI_MAX_EXAMPLES:-100}"
seed="${OPENAPI_SEED:-20261124}"

cargo build --locked --quiet
regmock="$root/${CARGO_TARGET_DIR:-target}/debug/regmock"
work="$(mktemp -d)"
"$regmock" serve --addr 127.0.0.1:0 --no-auth --rate-limit off >"$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

base=""
for _ in $(seq 1 120); do
  base="$(sed -n 's/^regmock serving on //p' "$work/serve.log" | head -n 1)"
  [ -n "$base" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; echo "regmock serve exited early" >&2; exit 1; }
  sleep 0.5
done
[ -n "$base" ] || { cat "$work/serve.log"; echo "regmock serve did not start in 60 s" >&2; exit 1; }
case "$base" in http://127.0.0.1:*) ;; *) echo "not a loopback address: $base" >&2; exit 1 ;; esac
echo "regmock serve at $base (max examples $max_examples, seed $seed)"

# Schemathesis keeps its example database and reports in the current directory: run it in the scratch one.
cd "$work"
status=0
summary=()
for provider in swr ncr tcr; do
  echo "--> $provider"
  doc="$work/$provider.json"
  "$regmock" openapi --provider "$provider" --out "$doc"
  if ! "$bin/openapi-spec-validator" --schema 3.1 "$doc"; then
    echo "FAILED: $provider document does not validate" >&2; status=1; summary+=("$provider: invalid document"); continue
  fi
  started=$SECONDS
  if "$bin/schemathesis" run "$doc" --url "$base" --no-color \
      --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance \
      --max-examples "$max_examples" --seed "$seed" --generation-database none --request-timeout 10 \
      >"$work/$provider.out" 2>&1; then
    result="passed"
  else
    result="FAILED"; status=1
  fi
  cat "$work/$provider.out"
  summary+=("$provider: $result, $(grep -E '^  [0-9]+ generated' "$work/$provider.out" | sed 's/^ *//'), $((SECONDS - started)) s")
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log"; echo "regmock serve died during $provider" >&2; exit 1; }
done
echo
echo "Schemathesis against regmock serve:"
printf '  %s\n' "${summary[@]}"
exit "$status"
