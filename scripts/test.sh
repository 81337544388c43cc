#!/usr/bin/env bash
# Install what the tests need (Python packages, Debian's chromium) and run every test,
# browser tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install -q -r requirements-dev.txt
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi
exec "$PYTHON" -m pytest -q "$@"
