#!/usr/bin/env bash
# Install what the tests need (Python packages; Debian's chromium, haproxy and postgresql) and
# run the lint and every test, browser tests included. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"

PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install -q -r requirements-dev.txt

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

"$PYTHON" -m ruff check .
"$PYTHON" -m ruff format --check .
# Two workers: the machine's two cores. Each worker starts its own browser-test server.
exec "$PYTHON" -m pytest -q -n 2 "$@"
