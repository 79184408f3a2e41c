#!/usr/bin/env bash
# The training-set benchmark (issue 15): the validation benchmark's sensor table (generated once
# by `cargo xtask bench-data`), split 80/10/10 in time by filters on `ts`, labelled by `status`,
# grouped by `machine_id`; `assay validate` with the ten base checks and the full `ml:` set,
# against Deepchecks' train_test_validation suite and Evidently's DataDriftPreset on the same
# splits, in one run. Wall time and peak RSS of each; leakage counts side by side.
#   bench/ml.sh                     # 20,000,000 rows
#   ROWS=2000000 bench/ml.sh        # a tenth, where the peers finish in minutes
# (Deepchecks runs up to 5M rows, or with DEEPCHECKS=1.)
# The peers (pinned) go into bench/.venv: deepchecks 0.19.1 (with scikit-learn 1.5.2), evidently
# 0.7.14 (with pandas 2.1.4).
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-20000000}
tgt=${CARGO_TARGET_DIR:-target}
data=bench/data/$rows
[ -n "${NO_BUILD:-}" ] || cargo build --release --locked -q -p assay-cli -p xtask
[ -d "$data/data" ] || "$tgt"/release/xtask bench-data "$data" "$rows"
# pyarrow and numpy pinned too: pandas 2.1.4 needs numpy 1.x, and pyarrow 18 and later need 2.x.
if ! bench/.venv/bin/python -c 'import deepchecks, evidently, duckdb, pyarrow.parquet' 2>/dev/null; then
  [ -x bench/.venv/bin/python ] || python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q duckdb==1.4.1 "pandas==2.1.4" "numpy==1.26.4" "pyarrow==17.0.0" \
    "scikit-learn==1.5.2" "category-encoders==2.6.4" deepchecks==0.19.1 evidently==0.7.14
fi
# The cut points: 80% and 90% of the rows, in time (one row every 50 ms from 2025-06-01).
cut() { python3 -c "import datetime as d; t=d.datetime(2025,6,1,tzinfo=d.timezone.utc)+d.timedelta(milliseconds=50*int($rows*$1)); print(t.strftime('%Y-%m-%dT%H:%M:%S.%fZ'))"; }
t80=$(cut 0.8); t90=$(cut 0.9)
{
  sed -e '/^ml:/,$d' "$data/dataset.yaml"
  cat <<YAML
ml:
  splits:
    train: {resource: sensors, filter: "ts < TIMESTAMP '$t80'"}
    validation: {resource: sensors, filter: "ts >= TIMESTAMP '$t80' AND ts < TIMESTAMP '$t90'"}
    test: {resource: sensors, filter: "ts >= TIMESTAMP '$t90'"}
  label: {column: status, kind: classification}
  groupBy: [machine_id]
  time: ts
  features: [line_id, sensor, value, unit]
YAML
} >"$data/ml.yaml"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
failed=0
run() { # name, command... (a tool that fails is said, with its last error line, and fails the run)
  local name=$1; shift
  local rc=0
  /usr/bin/time -o "$tmp/$name.time" -f '%e %M' "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || rc=$?
  read -r s kb < <(tail -n 1 "$tmp/$name.time")
  # assay exits 1 when checks fail, which is a finished run.
  if [ "$rc" -gt 1 ] || { [ "$rc" -ne 0 ] && [ "${name#assay}" = "$name" ]; }; then
    printf '%-34s FAILED (exit %d): %s\n' "$name" "$rc" "$(tail -n 1 "$tmp/$name.err")"
    failed=1
    return
  fi
  printf '%-34s %8.2f s  peak RSS %6d MB\n' "$name" "$s" "$((kb / 1024))"
}
echo "rows $rows, split at $t80 and $t90 (80/10/10 in time)"
run "assay: ten base checks" "$tgt"/release/assay validate "$data/dataset.yaml" --no-cache --no-history --format json --now 2025-06-13T00:00:00Z
run "assay: base checks + ml: set" "$tgt"/release/assay validate "$data/ml.yaml" --no-cache --no-history --format json --now 2025-06-13T00:00:00Z
cp "$tmp/assay: base checks + ml: set.out" "$tmp/assay.json"
python3 - "$tmp/assay.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r.get("training")
if not t:
    print("assay: no training section:", r.get("status")); sys.exit()
for c in t["checks"]:
    print(f"  assay {c['kind']:<20} {c['status']:<5} failing {c['failing']} of {c['evaluated']}" + (f"  ({c['message'][:100]})" if c.get('message') and c['status'] == 'error' else ""))
print("  assay drift:", ", ".join(f"{d['split']}/{d['column']} {d['metric']} {d['value'] if d['value'] is None else round(d['value'], 4)}" for d in t["drift"]))
PY
file=$(ls "$data"/data/*.parquet | head -1)
run "evidently DataDriftPreset" bench/.venv/bin/python bench/ml_peers.py evidently "$file" "$t80" "$t90"
tail -n 3 "$tmp/evidently DataDriftPreset.out"
# Deepchecks holds pandas frames of every row: 3.7 GB at 2M rows, about 37 GB at 20M, more than
# this machine's 24 GB. Past 5M rows it runs only when asked (DEEPCHECKS=1).
if [ "$rows" -le 5000000 ] || [ -n "${DEEPCHECKS:-}" ]; then
  run "deepchecks train_test_validation" bench/.venv/bin/python bench/ml_peers.py deepchecks "$file" "$t80" "$t90"
  tail -n 12 "$tmp/deepchecks train_test_validation.out"
else
  echo "deepchecks train_test_validation    skipped at $rows rows (3.7 GB at 2M rows; DEEPCHECKS=1 to run it)"
fi
exit "$failed"
