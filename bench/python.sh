#!/usr/bin/env bash
# The Python benchmark (issue 19): the validation benchmark's sensor table (generated once by
# `cargo xtask bench-data`), read into memory, validated by
#   - assay.validate_table (the `assay` package, built in release by `pip install ./crates/assay-python`),
#   - pandera 0.35 with its polars backend, and Great Expectations 1.24 with a pandas data source,
# on the same nine checks, in one run (only the validation is timed; reading the table is not);
# then the same file through `assay validate` (the command line) and `assay.validate` (the
# package), for the overhead of the Python call. Failing counts side by side: they must agree.
#   bench/python.sh                  # 20,000,000 rows
#   ROWS=2000000 bench/python.sh     # a tenth
# Everything goes into bench/.venv, pinned (pandas 2.1.4, numpy 1.26.4 and pyarrow 17 as for
# bench/ml.sh). NO_BUILD=1 skips the builds.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-20000000}
tgt=${CARGO_TARGET_DIR:-target}
data=bench/data/$rows
py=bench/.venv/bin/python
[ -n "${NO_BUILD:-}" ] || cargo build --release --locked -q -p assay-cli -p xtask
[ -d "$data/data" ] || "$tgt"/release/xtask bench-data "$data" "$rows"
if ! $py -c 'import pandera.polars, polars, great_expectations, pyarrow.parquet' 2>/dev/null; then
  [ -x $py ] || python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q "pandas==2.1.4" "numpy==1.26.4" "pyarrow==17.0.0" \
    "pandera[polars]==0.35.0" "polars==2.1.0" "great_expectations==1.24.1"
fi
if [ -z "${NO_BUILD:-}" ] || ! $py -c 'import assay' 2>/dev/null; then
  # The README's install: a release wheel, built by maturin from PyPI.
  CARGO_TARGET_DIR="$tgt" bench/.venv/bin/pip install -q --force-reinstall --no-deps ./crates/assay-python
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export ASSAY_NO_CACHE=1
status=0
run() { # name, command...
  local name=$1; shift
  if /usr/bin/time -o "$tmp/$name.time" -f '%e %M' "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"; then
    :
  else
    echo "$name: FAILED (exit $?): $(tail -n 1 "$tmp/$name.err")"; status=1
  fi
}
run assay_table $py bench/python_assay.py table "$data"
run pandera $py bench/python_peers.py pandera "$data/data/sensors.parquet"
run gx $py bench/python_peers.py gx "$data/data/sensors.parquet"
run assay_file $py bench/python_assay.py file "$data"
# The command line exits 1 when a check fails: its answer, not a failure of the run.
run cli sh -c '"$0" "$@"; [ $? -le 1 ]' "$tgt"/release/assay validate "$data" --format json --no-history --no-cache --now 2025-06-01T00:00:00Z
$py - "$tmp" "$rows" <<'PY' || status=1
import json, os, sys
tmp, rows = sys.argv[1], int(sys.argv[2])
def load(name):
    try:
        t = open(f"{tmp}/{name}.time").read().split()
        wall, rss = float(t[-2]), int(t[-1]) / 1024
    except Exception:
        wall, rss = float("nan"), float("nan")
    try:
        text = open(f"{tmp}/{name}.json").read()
        doc = json.loads(text.strip().splitlines()[-1]) if name != "cli" else json.loads(text)
    except Exception:
        doc = None
    return doc, wall, rss
print(f"rows {rows:,}: the sensor table in memory, nine checks")
print(f"{'':28} {'validation':>11} {'process':>9} {'peak RSS':>9}")
results = {}
for name in ["assay_table", "pandera", "gx"]:
    doc, wall, rss = load(name)
    if doc is None:
        print(f"{name:28} FAILED"); continue
    results[name] = doc
    print(f"{doc['peer'] + ' ' + doc['version']:28} {doc['seconds']:>9.2f} s {wall:>7.2f} s {rss:>6.0f} MB")
fastest = min((results[p]["seconds"], p) for p in ("pandera", "gx") if p in results) if len(results) > 1 else None
if "assay_table" in results and fastest:
    print(f"assay.validate_table is {fastest[0] / results['assay_table']['seconds']:.1f}x the fastest peer ({fastest[1]})")
keys = sorted({k for d in results.values() for k in d["failing"]})
same = True
print(f"{'failing rows':28} " + " ".join(f"{p:>12}" for p in results))
for k in keys:
    vals = [results[p]["failing"].get(k) for p in results]
    mark = "" if len(set(v for v in vals if v is not None)) <= 1 else "  DIFFERENT"
    same &= mark == ""
    print(f"  {k:26} " + " ".join(f"{str(v):>12}" for v in vals) + mark)
print("failing counts equal: " + ("yes" if same else "NO"))
doc, wall_cli, rss_cli = load("cli")
fdoc, wall_file, rss_file = load("assay_file")
if doc and fdoc:
    print(f"the file: `assay validate` {wall_cli:.2f} s (process, {rss_cli:.0f} MB); "
          f"assay.validate {fdoc['seconds']:.2f} s (the call; process {wall_file:.2f} s, {rss_file:.0f} MB): "
          f"overhead {100 * (fdoc['seconds'] / wall_cli - 1):+.1f}%")
PY
exit $status
