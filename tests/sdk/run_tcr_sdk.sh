#!/usr/bin/env bash
# The Tencent TCR SDK check alone. Usage: tests/sdk/run_tcr_sdk.sh [PYTHON]   (default: .venv/bin/python)
exec bash "$(dirname "$0")/run_sdk.sh" "${1:-.venv/bin/python}" "$(dirname "$0")/tcr_sdk_check.py"
