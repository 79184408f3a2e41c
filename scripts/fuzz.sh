#!/usr/bin/env bash
# Runs every cargo-fuzz target (fuzz/fuzz_targets/) for a bounded time on its seeds and prints
# executions per second and what was found. Needs a nightly toolchain; installs cargo-fuzz
# (pinned) when missing. Any crash fails the script; libFuzzer leaves the input in
# target/fuzz/artifacts/<target>/, to become a regression test.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]    (default 30 s, every target)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(manifest lock frictionless serve search parquet)
rustup toolchain list | grep -q '^nightly' || { echo "error: a nightly toolchain is needed (rustup toolchain install nightly)" >&2; exit 2; }
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.1 --locked
work=${CARGO_TARGET_DIR:-$root/target}/fuzz
mkdir -p "$work"
build=$work/build

# Seeds: the project's own inputs, read in place, and the shared Parquet corpus.
seeds() {
  local dir=$work/seeds/$1
  rm -rf "$dir"; mkdir -p "$dir"
  case $1 in
    manifest) find fixtures catalog -name 'dataset.yaml' -o -name 'dataset.json' | head -400 ;;
    lock) find catalog fixtures -name 'dataset.lock' | head -200 ;;
    frictionless) find fixtures ../shared/reference/frictionless -name '*.json' | head -200 ;;
    serve | search) find "fuzz/seeds/$1" -type f ;;
    parquet) { find fixtures -name '*.parquet' -size -200k; find ../shared/corpus -name '*.parquet' -size -200k 2>/dev/null; } | head -300 ;;
  esac | while read -r f; do cp "$f" "$dir/$(echo "$f" | tr '/' '_')"; done
  echo "$dir"
}

# serve and search need a published site.
export ASSAY_FUZZ_SITE=$work/site
if [ ! -f "$ASSAY_FUZZ_SITE/index.json" ]; then
  rm -rf "$work/site-catalog" "$ASSAY_FUZZ_SITE"
  cp -r catalog "$work/site-catalog"
  cargo run --locked -q -p assay-cli -- \
    publish "$work/site-catalog" --out "$ASSAY_FUZZ_SITE" --now 2025-07-03T00:00:00Z >/dev/null
  ASSAY_FUZZ_SITE=$(readlink -f "$ASSAY_FUZZ_SITE")
fi
export ASSAY_FUZZ_SITE=$(readlink -f "$ASSAY_FUZZ_SITE")

cargo +nightly fuzz build --fuzz-dir fuzz --target-dir "$build" -O
status=0
for t in "${targets[@]}"; do
  corpus=$work/corpus/$t
  mkdir -p "$corpus"
  seed_dir=$(seeds "$t")
  log=$work/$t.log
  # -timeout: 60 s an input. The Parquet reader has slow inputs that end (fixtures/fuzz/
  # parquet-slow-thrift-skip.parquet: 24 s here with sanitizers, 0.7 s in a release build);
  # a hang still fails.
  if cargo +nightly fuzz run --fuzz-dir fuzz --target-dir "$build" -O "$t" "$corpus" "$seed_dir" -- \
      -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts-$t-" > "$log" 2>&1; then
    result=ok
  else
    result="CRASH (see $log and $work/artifacts-$t-*)"
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 || true)
  echo "fuzz $t: $result; $runs executions in ${seconds} s ($((runs / seconds))/s); $cov; corpus $(ls "$corpus" | wc -l) inputs"
done
exit $status
