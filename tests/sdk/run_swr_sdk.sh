#!/usr/bin/env bash
# The Huawei SWR SDK check alone. Usage: tests/sdk/run_swr_sdk.sh [PYTHON]   (default: .venv/bin/python)
exec bash "$(dirname "$0")/run_sdk.sh" "${1:-.venv/bin/python}" "$(dirname "$0")/swr_sdk_check.py"
