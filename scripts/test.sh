#!/usr/bin/env bash
# The test suite: installs the independent checkers the tests compare against and the servers
# they start, pinned, into .venv-test: the Python `bagit`, `pyld`, `pre-commit` and `scipy` packages,
# pytest, pyarrow, pandas, polars and maturin (for the Python package's tests), the
# S3-compatible `moto_server` (moto[server]) and the Azure SDK for Python, from PyPI; Azurite,
# Microsoft's SARIF Multitool and playwright-core, from npm. Then it runs every test of the
# workspace; the cluster tests start Ballista schedulers and executors (`assay-ballista`, which
# this build makes) as processes of their own on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-test/bin/bagit.py ] || [ ! -x .venv-test/bin/pre-commit ] \
  || [ ! -x .venv-test/bin/moto_server ] \
  || ! .venv-test/bin/python -c "import azure.storage.blob" 2>/dev/null \
  || ! .venv-test/bin/python -c "import pyld" 2>/dev/null \
  || ! .venv-test/bin/python -c "import scipy" 2>/dev/null \
  || ! .venv-test/bin/python -c "import pytest, polars, pandas, pyarrow, maturin" 2>/dev/null; then
  [ -x .venv-test/bin/python ] || python3 -m venv .venv-test
  .venv-test/bin/pip install --quiet --disable-pip-version-check -r scripts/test-requirements.txt
fi
# The SARIF 2.1.0 schema and Microsoft's SARIF Multitool (validator), from npm.
if [ ! -x .venv-test/sarif/Sarif.Multitool ]; then
  mkdir -p .venv-test/sarif
  (cd .venv-test/sarif \
    && npm pack --silent @microsoft/sarif-multitool-linux@5.7.0 >/dev/null \
    && tar xzf microsoft-sarif-multitool-linux-5.7.0.tgz --strip-components=1 \
         package/sarif-2.1.0.json package/Sarif.Multitool \
    && rm microsoft-sarif-multitool-linux-5.7.0.tgz \
    && chmod +x Sarif.Multitool)
fi
# Playwright (the library only; it drives the system Chromium), for the search-page test.
if [ ! -d .venv-test/node/node_modules/playwright-core ]; then
  mkdir -p .venv-test/node
  npm install --silent --no-audit --no-fund --prefix .venv-test/node playwright-core@1.65.1 >/dev/null
fi
# Azurite (Azure Blob Storage's emulator), from npm, for the object-storage tests.
if [ ! -x .venv-test/node/node_modules/.bin/azurite-blob ]; then
  mkdir -p .venv-test/node
  npm install --silent --no-audit --no-fund --prefix .venv-test/node azurite@3.35.0 >/dev/null
fi
# Every run of `assay` in the tests keeps its cache of per-file results in a folder of this run,
# never the user's (the tests' own helper sets one per test process; this covers the rest).
ASSAY_CACHE_DIR="$(mktemp -d)"
export ASSAY_CACHE_DIR
trap 'rm -rf "$ASSAY_CACHE_DIR"' EXIT
rm -rf target/tmp/assay-test-cache-*
cargo test --workspace --locked "$@"
# The Python package (crates/assay-python), installed as a user would, with pip; built with the
# tests' `dev` profile so it reuses the artifacts cargo just built (a release wheel is the
# default of a plain `pip install ./crates/assay-python`). Then its tests, which compare it with
# the `assay` binary cargo built.
PATH="$PWD/.venv-test/bin:$PATH" MATURIN_PEP517_ARGS="--profile dev" .venv-test/bin/pip install --quiet --disable-pip-version-check \
  --no-build-isolation --no-deps --force-reinstall ./crates/assay-python
ASSAY_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/assay" .venv-test/bin/python -m pytest -q -p no:cacheprovider \
  crates/assay-python/tests
