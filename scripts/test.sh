#!/usr/bin/env bash
# The test suite: installs the independent checkers the tests compare against (the Python
# `bagit` package, pinned, into .venv-test), then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-test/bin/bagit.py ]; then
  python3 -m venv .venv-test
  .venv-test/bin/pip install --quiet --disable-pip-version-check -r scripts/test-requirements.txt
fi
cargo test --workspace --locked "$@"
