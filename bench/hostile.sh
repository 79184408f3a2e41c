#!/usr/bin/env bash
# Hostile Parquet files against `assay validate`: prints the time, peak memory and finding of
# each. Files: 12 string values of 100 MB each, zstd-compressed to ~37 KB, plain-encoded and
# dictionary-encoded (one page that decompresses to 1.2 GB). See docs/security.md.
# Usage: bench/hostile.sh [ASSAY_BINARY]   (default: a release build of this checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ge 1 ]; then
  assay=$1
else
  cargo build --release --locked -q -p assay-cli
  assay=${CARGO_TARGET_DIR:-target}/release/assay
fi
data=bench/data/hostile
[ -f "$data/data/dict-bomb.parquet" ] || cargo xtask hostile "$data/data"
for f in big-strings dict-bomb; do
  d="$data/$f"
  mkdir -p "$d/data"
  cp "$data/data/$f.parquet" "$d/data/"
  cat > "$d/dataset.yaml" <<YAML
assay: 1
name: $f
version: 1.0.0
field: IF-C341
licenses: [{name: MIT}]
sensitivity: public
resources:
  - name: r
    path: data/$f.parquet
    schema:
      fields:
        - {name: s, type: string}
    checks:
      - {check: length, column: s, max: 1000}
YAML
  for limit in 1GiB 4GiB; do
    out=$( { /usr/bin/time -f "%e s, peak RSS %M KB" "$assay" validate "$d" --no-history --no-cache --memory-limit "$limit" > /tmp/hostile.out; } 2>&1 || true)
    echo "$f --memory-limit $limit: $(tail -n1 <<<"$out"); exit finding: $(grep -m1 -E '^  ! |^(PASS|FAIL|ERROR)' /tmp/hostile.out | cut -c1-160)"
  done
done
