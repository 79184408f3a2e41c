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
# Absolute: pip builds the wheel from the crate folder, where a relative path would start a
# second target directory.
tgt=${CARGO_TARGET_DIR:-$PWD/target}
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
# Three runs of each (GX one: two minutes a run at 20M rows), interleaved, so all see the
# same machine; best and median are printed.
runs=${RUNS:-3}
for i in $(seq "$runs"); do
  run "assay_table.$i" $py bench/python_assay.py table "$data"
  run "pandera.$i" $py bench/python_peers.py pandera "$data/data/sensors.parquet"
  run "assay_file.$i" $py bench/python_assay.py file "$data"
  # The command line exits 1 when a check fails: its answer, not a failure of the run.
  run "cli.$i" sh -c '"$0" "$@"; [ $? -le 1 ]' "$tgt"/release/assay validate "$data" --format json \
    --no-history --no-cache --now 2025-06-01T00:00:00Z
done
run gx.1 $py bench/python_peers.py gx "$data/data/sensors.parquet"
$py bench/python_assay.py dups "$data" >"$tmp/dups.json"
$py - "$tmp" "$rows" <<'PY' || status=1
import json, os, sys
import glob, statistics
tmp, rows = sys.argv[1], int(sys.argv[2])
def load(name):
    """Every run of `name`: (document, wall seconds, peak RSS MB)."""
    out = []
    for t in sorted(glob.glob(f"{tmp}/{name}.*.time")):
        base = t[: -len(".time")]
        try:
            w = open(t).read().split()
            wall, rss = float(w[-2]), int(w[-1]) / 1024
            text = open(f"{base}.json").read()
            doc = json.loads(text) if name == "cli" else json.loads(text.strip().splitlines()[-1])
        except Exception:
            continue
        out.append((doc, wall, rss))
    return out
def best_median(xs):
    return min(xs), statistics.median(xs)
print(f"rows {rows:,}: the sensor table in memory, nine checks; best and median of the runs")
print(f"{'':44} {'validation (best / median)':>27} {'process':>9} {'peak RSS':>9}  runs")
results, seconds = {}, {}
for name in ["assay_table", "pandera", "gx"]:
    got = load(name)
    if not got:
        print(f"{name:44} FAILED"); continue
    doc = got[0][0]
    results[name] = doc
    b, m = best_median([d["seconds"] for d, _, _ in got])
    seconds[name] = b
    print(f"{doc['peer'] + ' ' + doc['version']:44} {b:>11.2f} s / {m:>6.2f} s "
          f"{min(w for _, w, _ in got):>7.2f} s {max(r for _, _, r in got):>6.0f} MB  {len(got)}")
peers = [p for p in ("pandera", "gx") if p in seconds]
if "assay_table" in seconds and peers:
    fastest = min(peers, key=lambda p: seconds[p])
    print(f"assay.validate_table is {seconds[fastest] / seconds['assay_table']:.1f}x the fastest peer "
          f"({fastest}), best against best")
keys = sorted({k for d in results.values() for k in d["failing"]})
meaning = json.load(open(f"{tmp}/dups.json"))
same = True
print(f"{'failing rows':28} " + " ".join(f"{p:>12}" for p in results))
for k in keys:
    vals = [results[p]["failing"].get(k) for p in results]
    mark = "" if len(set(v for v in vals if v is not None)) <= 1 else "  DIFFERENT"
    if k in meaning and mark:
        # Counted two ways, both checked against the table's value counts.
        m = meaning[k]
        ok = all(results[p]["failing"].get(k) == (m["repeats"] if p == "assay_table" else m["every row"])
                 for p in results)
        mark = (f"  same duplicates: assay counts repeats ({m['repeats']}), the peers every row "
                f"of a repeated value ({m['every row']})") if ok else "  DIFFERENT"
    same &= "DIFFERENT" not in mark
    print(f"  {k:26} " + " ".join(f"{str(v):>12}" for v in vals) + mark)
print("failing counts agree: " + ("yes" if same else "NO"))
cli, pyf = load("cli"), load("assay_file")
if cli and pyf:
    cb, cm = best_median([w for _, w, _ in cli])
    pb, pm = best_median([d["seconds"] for d, _, _ in pyf])
    print(f"the file: `assay validate` {cb:.2f} / {cm:.2f} s (process, best / median); "
          f"assay.validate {pb:.2f} / {pm:.2f} s (the call): overhead {100 * (pm / cm - 1):+.1f}% "
          f"(medians)")
if not same:
    sys.exit(1)
PY
exit $status
