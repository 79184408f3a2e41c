#!/usr/bin/env bash
# Two builds of assay on the validation benchmark, in one run, interleaved (old, new, old, new…)
# so both see the same machine state: best and median wall time, peak RSS, and whether the
# reports are byte-identical. For refactors that must not change speed or output.
#   bench/compare.sh OLD_ASSAY NEW_ASSAY [ROWS]      (RUNS=7 by default)
# The data is bench/validate.sh's (generated with `cargo xtask bench-data` when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
old=$1; new=$2; rows=${3:-20000000}; runs=${RUNS:-7}
data=bench/data/$rows
if [ ! -f "$data/data/sensors.parquet" ]; then
  cargo run --release --locked -q -p xtask -- bench-data "$data" "$rows"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Every run reads every file: no build takes results from the cache of an earlier run.
export ASSAY_NO_CACHE=1
for i in $(seq "$runs"); do
  for which in old new; do
    bin=$old; [ "$which" = new ] && bin=$new
    /usr/bin/time -o "$tmp/t" -f '%e %M' "$bin" validate "$data" --format json --no-history \
      --now 2025-06-01T00:00:00Z >"$tmp/$which.json" || true
    tail -n 1 "$tmp/t" >>"$tmp/$which.times"
  done
done
cmp -s "$tmp/old.json" "$tmp/new.json" && same=yes || same=NO
python3 - "$tmp/old.times" "$tmp/new.times" "$rows" "$same" <<'PY'
import sys, statistics
def load(p):
    rows = [l.split() for l in open(p)]
    t = sorted(float(r[0]) for r in rows)
    return t[0], statistics.median(t), max(int(r[1]) for r in rows) / 1024
o, n = load(sys.argv[1]), load(sys.argv[2])
print(f"rows {int(sys.argv[3]):,}  runs {len(open(sys.argv[1]).readlines())} each, interleaved")
print(f"old  best {o[0]:.3f} s  median {o[1]:.3f} s  peak RSS {o[2]:.0f} MB")
print(f"new  best {n[0]:.3f} s  median {n[1]:.3f} s  peak RSS {n[2]:.0f} MB")
print(f"new/old  best {n[0]/o[0]:.3f}  median {n[1]/o[1]:.3f}   reports byte-identical: {sys.argv[4]}")
PY
