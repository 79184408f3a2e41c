#!/usr/bin/env bash
# The validation benchmark (issue: `assay validate`): generates a deterministic 20M-row sensor
# table (once), then times `assay validate` on it against (a) a plain arrow-rs decode of the same
# columns and (b) DuckDB running the same checks as SQL; and `assay profile` on the same file
# (issue: profile, target <= 2x validate). Best of RUNS runs each, warm page cache.
#   bench/validate.sh            # 20,000,000 rows
#   ROWS=2000000 bench/validate.sh
# Issue 18's variants (each its own data folder, generated once):
#   KEYS=random bench/validate.sh   # batch_id a random permutation (+ the same 0.01% duplicates)
#   FILES=8 bench/validate.sh       # eight files of ROWS rows, disjoint keys, one resource
#   SORTED=1 bench/validate.sh      # value ascending within the file (page index written)
# Each variant also times a DuckDB full scan of every column (materialised) and `unique` alone.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-20000000}
runs=${RUNS:-3}
tgt=${CARGO_TARGET_DIR:-target}
suffix=""
[ "${KEYS:-}" = random ] && suffix="$suffix-random"
[ "${FILES:-1}" != 1 ] && suffix="$suffix-files${FILES}"
[ "${SORTED:-}" = 1 ] && suffix="$suffix-sorted"
data=bench/data/$rows$suffix
[ -n "${NO_BUILD:-}" ] || cargo build --release --locked -q -p assay-cli -p xtask
if [ ! -d "$data/data" ]; then
  "$tgt"/release/xtask bench-data "$data" "$rows"
fi
mapfile -t files < <(ls "$data"/data/*.parquet)
file=${files[0]}
glob="$data/data/*.parquet"
if ! bench/.venv/bin/python -c 'import duckdb' 2>/dev/null; then
  [ -x bench/.venv/bin/python ] || python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q duckdb==1.4.1
fi
bytes=$(cat "${files[@]}" | wc -c)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

best() { sort -n | head -1; }
: >"$tmp/assay"
for _ in $(seq "$runs"); do
  /usr/bin/time -o "$tmp/t" -f '%e %M' "$tgt"/release/assay validate "$data" --format json \
    --now 2025-06-01T00:00:00Z --no-cache >"$tmp/report.json" || true
  tail -n 1 "$tmp/t" >>"$tmp/assay"
done
assay_s=$(awk '{print $1}' "$tmp/assay" | best)
: >"$tmp/profile"
for _ in $(seq "$runs"); do
  /usr/bin/time -o "$tmp/t" -f '%e %M' "$tgt"/release/assay profile "$file" --format json \
    >"$tmp/profile.json"
  tail -n 1 "$tmp/t" >>"$tmp/profile"
done
profile_s=$(awk '{print $1}' "$tmp/profile" | best)
# The same manifest without its `unique` check, beside it: what `unique` adds.
grep -v 'check: unique' "$data/dataset.yaml" >"$data/nounique.yaml"
: >"$tmp/nou"
for _ in $(seq "$runs"); do
  /usr/bin/time -o "$tmp/t" -f '%e %M' "$tgt"/release/assay validate "$data/nounique.yaml" --format json \
    --now 2025-06-01T00:00:00Z --no-cache >/dev/null || true
  tail -n 1 "$tmp/t" >>"$tmp/nou"
done
nou_s=$(awk '{print $1}' "$tmp/nou" | best)
profile_rss=$(awk '{print $2}' "$tmp/profile" | sort -n | tail -1)
assay_rss=$(awk '{print $2}' "$tmp/assay" | sort -n | tail -1)
: >"$tmp/floor"
for _ in $(seq "$runs"); do
  total=0
  for f in "${files[@]}"; do
    t=$("$tgt"/release/xtask decode-floor "$f" ts value unit status batch_id machine_id operator_email \
      | sed -E 's/.*seconds=([0-9.]+).*/\1/')
    total=$(python3 -c "print($total + $t)")
  done
  echo "$total" >>"$tmp/floor"
done
floor_s=$(best <"$tmp/floor")
duck=$(bench/.venv/bin/python bench/duckdb_checks.py "$glob" "$runs")
scan=$(bench/.venv/bin/python bench/duckdb_checks.py "$glob" "$runs" --scan)
scan_s=$(echo "$scan" | sed -E 's/.*seconds=([0-9.]+).*/\1/')
duck_s=$(echo "$duck" | sed -E 's/.*seconds=([0-9.]+).*/\1/')
python3 - "$rows" "$bytes" "$assay_s" "$assay_rss" "$floor_s" "$duck_s" "$duck" "$tmp/report.json" "$profile_s" "$profile_rss" "${#files[@]}" "$nou_s" "$scan_s" "$suffix" <<'PY'
import json, sys
rows, size, a, rss, floor, duck = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
prof, prof_rss = float(sys.argv[9]), int(sys.argv[10])
nfiles, nou, scan, variant = int(sys.argv[11]), float(sys.argv[12]), float(sys.argv[13]), sys.argv[14] or "default"
rows *= nfiles
report = json.load(open(sys.argv[8]))
failing = {c["name"]: c["failing"] for r in report["resources"] for c in r["checks"]}
print(f"variant {variant}: rows {rows:,}  {nfiles} file(s), {size/1e6:.1f} MB  cores 2")
print(f"assay validate   {a:7.3f} s  {rows/a/1e6:6.2f} M rows/s  {size/a/1e6:7.1f} MB/s  peak RSS {rss/1024:.0f} MB (sha256 included)")
print(f"arrow decode     {floor:7.3f} s  (same columns, row groups on all cores)")
print(f"{sys.argv[7]}")
print(f"ratio assay/decode {a/floor:.2f} (target <= 1.3)   assay/duckdb {a/duck:.2f} (target <= 0.5)   RSS target <= 600 MB")
print(f"duckdb full scan {scan:7.3f} s  (every column decoded, EXPLAIN ANALYZE)   ratio assay/scan {a/scan:.2f}")
print(f"assay without unique {nou:7.3f} s  -> unique adds {a - nou:.3f} s")
print("assay failing counts:", json.dumps(failing))
for r in report["resources"]:
    for c in r["checks"]:
        p = c.get("pages")
        if p and p["by_data"] + p["by_statistics"]:
            n = p["by_data"] + p["by_statistics"]
            print(f"pages of {c['name']}: {p['by_data']} of {n} decoded ({100*p['by_data']/n:.1f}%), {p['by_statistics']} settled by statistics")
one = rows // nfiles
print(f"assay profile    {prof:7.3f} s  {one/prof/1e6:6.2f} M rows/s  peak RSS {prof_rss/1024:.0f} MB   ratio profile/validate {prof/(a/nfiles):.2f} (target <= 2; the first file)")
PY
