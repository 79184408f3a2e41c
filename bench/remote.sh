#!/usr/bin/env bash
# The object-storage benchmark (issue 12): the 20M-row benchmark file uploaded to a loopback
# S3-compatible server (moto_server, from PyPI), then, in one run:
#   - `assay validate` of the benchmark manifest on the local file and on the object;
#   - a manifest whose checks the footer statistics decide, on the object: bytes fetched;
# with the requests made and bytes fetched that the report gives. Best of RUNS runs each.
# Then incremental re-validation: the same table split into FILES files (200; disjoint keys) as
# one resource, on disk and in the store: a cold run, a run with nothing changed, and a run
# after one file was replaced, with the cache of per-file results (docs/storage.md).
#   bench/remote.sh                # 20,000,000 rows
#   ROWS=2000000 bench/remote.sh
#   INCREMENTAL=0 bench/remote.sh  # without the incremental part
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-20000000}
runs=${RUNS:-3}
tgt=${CARGO_TARGET_DIR:-target}
data=bench/data/$rows
file=$data/data/sensors.parquet
[ -n "${NO_BUILD:-}" ] || cargo build --release --locked -q -p assay-cli -p xtask
if [ ! -f "$file" ]; then
  "$tgt"/release/xtask bench-data "$data" "$rows"
fi
if [ ! -x bench/.venv/bin/moto_server ]; then
  [ -x bench/.venv/bin/python ] || python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q "moto[server]==5.1.18"
fi
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
bench/.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
  sleep 0.1
done
export AWS_ENDPOINT=http://127.0.0.1:$port AWS_ALLOW_HTTP=true AWS_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
bench/.venv/bin/python - "$AWS_ENDPOINT" "$file" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id="bench",
                  aws_secret_access_key="bench", region_name="us-east-1")
s3.create_bucket(Bucket="bench")
s3.upload_file(sys.argv[2], "bench", "sensors/sensors.parquet")
PY
mkdir -p "$tmp/remote" "$tmp/stats"
sed 's|path: data/sensors.parquet|path: s3://bench/sensors/sensors.parquet|' "$data/dataset.yaml" \
  >"$tmp/remote/dataset.yaml"
# Checks the footer statistics decide: row count, no null timestamps, plausible lines.
cat >"$tmp/stats/dataset.yaml" <<'YAML'
assay: 1
name: bench-sensors-stats
version: 1.0.0
field: IF-C341
sensitivity: public
resources:
  - name: sensors
    path: s3://bench/sensors/sensors.parquet
    schema:
      fieldsMatch: subset
      fields:
        - {name: ts, type: timestamp, unit: us, timezone: UTC, constraints: {required: true}}
        - {name: line_id, type: int32, constraints: {minimum: 0, maximum: 1000000}}
    checks:
      - {check: row_count, min: 1, max: 100000000}
YAML
run() { # dir label
  : >"$tmp/times"
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$tmp/t" -f '%e %M' "$tgt"/release/assay validate "$1" --format json \
      --now 2025-06-01T00:00:00Z --no-history --no-cache >"$tmp/$2.json" || true
    tail -n 1 "$tmp/t" >>"$tmp/times"
  done
  sort -n "$tmp/times" | head -1
}
local_t=$(run "$data" local)
remote_t=$(run "$tmp/remote" remote)
stats_t=$(run "$tmp/stats" stats)
python3 - "$(stat -c %s "$file")" "$rows" "$local_t" "$remote_t" "$stats_t" "$tmp" <<'PY'
import json, sys
size, rows = int(sys.argv[1]), int(sys.argv[2])
(lt, lr), (rt, rr), (st, sr) = [tuple(map(float, a.split())) for a in sys.argv[3:6]]
tmp = sys.argv[6]
rep = {k: json.load(open(f"{tmp}/{k}.json")) for k in ("local", "remote", "stats")}
fail = lambda r: {c["name"]: (c["status"], c["failing"]) for x in r["resources"] for c in x["checks"]}
same = fail(rep["local"]) == fail(rep["remote"])
print(f"rows {rows:,}  file {size/1e6:.1f} MB  cores 2  (moto_server on loopback)")
print(f"local  validate  {lt:7.3f} s  peak RSS {lr/1024:.0f} MB  (reads and hashes every byte)")
u = rep["remote"]["storage"]
print(f"remote validate  {rt:7.3f} s  peak RSS {rr/1024:.0f} MB  {u['requests']} requests, "
      f"{u['bytes_fetched']/1e6:.1f} MB fetched ({100*u['bytes_fetched']/size:.1f}% of the file)  "
      f"{rt/lt:.2f}x local  same results: {same}")
u = rep["stats"]["storage"]
status = {c["name"]: c["status"] for x in rep["stats"]["resources"] for c in x["checks"]}
print(f"remote, footer-decided checks  {st:7.3f} s  {u['requests']} requests, "
      f"{u['bytes_fetched']:,} bytes fetched ({100*u['bytes_fetched']/size:.3f}% of the file)  {status}")
if not same:
    sys.exit("the local and remote results differ")
PY

[ "${INCREMENTAL:-1}" = 1 ] || exit 0

# Incremental re-validation.
nfiles=${FILES:-200}
inc=$tmp/inc
parts=bench/data/$rows-in-$nfiles
mkdir -p "$inc/local/data" "$inc/remote" "$inc/cache"
if [ ! -f "$parts/changed-2.parquet" ]; then
bench/.venv/bin/python -c 'import duckdb' 2>/dev/null || bench/.venv/bin/pip install -q duckdb==1.4.1
mkdir -p "$parts/data"
bench/.venv/bin/python - "$file" "$parts" "$nfiles" "$rows" <<'PY'
import duckdb, sys
src, inc, n, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
per = -(-rows // n)
con = duckdb.connect()
con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{src}', file_row_number=true)")
part = lambda i, extra="": (
    f"SELECT * EXCLUDE (file_row_number) {extra} FROM t WHERE file_row_number >= {i*per} "
    f"AND file_row_number < {(i+1)*per} ORDER BY file_row_number")
for i in range(n):
    con.execute(f"COPY ({part(i)}) TO '{inc}/data/part-{i:04d}.parquet' (FORMAT parquet)")
# One file changed: every value of its rows nudged (twice, for the two local runs).
for k in (1, 2):
    con.execute(f"COPY ({part(n // 2, f'REPLACE (value + {k} AS value)')}) "
                f"TO '{inc}/changed-{k}.parquet' (FORMAT parquet)")
PY
fi
cp "$parts"/data/*.parquet "$inc/local/data/"
cp "$parts"/changed-*.parquet "$inc/"
sed 's|path: data/sensors.parquet|path: data/part-*.parquet|' "$data/dataset.yaml" >"$inc/local/dataset.yaml"
sed 's|path: data/sensors.parquet|path: s3://bench/inc/part-*.parquet|' "$data/dataset.yaml" \
  >"$inc/remote/dataset.yaml"
changed=$(printf 'part-%04d.parquet' $((nfiles / 2)))
bench/.venv/bin/python - "$AWS_ENDPOINT" "$inc/local/data" <<'PY'
import sys, os, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id="bench",
                  aws_secret_access_key="bench", region_name="us-east-1")
for f in sorted(os.listdir(sys.argv[2])):
    s3.upload_file(os.path.join(sys.argv[2], f), "bench", f"inc/{f}")
PY
once() { # dir label [flags...]: seconds; the report in $tmp/LABEL.json
  local dir=$1 label=$2
  shift 2
  /usr/bin/time -o "$tmp/t" -f '%e' "$tgt"/release/assay validate "$dir" --format json \
    --now 2025-06-01T00:00:00Z --no-history "$@" >"$tmp/$label.json" 2>"$tmp/$label.err" || true
  tail -n 1 "$tmp/t"
}
cache=(--cache-dir "$inc/cache")
# On disk: sha256-keyed (every file hashed, only the changed one checked), and --quick.
l_cold=$(once "$inc/local" l_cold --no-cache)
once "$inc/local" l_prime "${cache[@]}" >/dev/null
l_same=$(once "$inc/local" l_same "${cache[@]}")
cp "$inc/changed-1.parquet" "$inc/local/data/$changed"
l_one=$(once "$inc/local" l_one "${cache[@]}")
l_one_cold=$(once "$inc/local" l_one_cold --no-cache)
once "$inc/local" l_qprime "${cache[@]}" --quick >/dev/null
cp "$inc/changed-2.parquet" "$inc/local/data/$changed"
l_quick=$(once "$inc/local" l_quick "${cache[@]}" --quick)
l_quick_cold=$(once "$inc/local" l_quick_cold --no-cache)
# In the store: keyed by URL, size and ETag.
r_cold=$(once "$inc/remote" r_cold --no-cache)
once "$inc/remote" r_prime "${cache[@]}" >/dev/null
r_same=$(once "$inc/remote" r_same "${cache[@]}")
bench/.venv/bin/python - "$AWS_ENDPOINT" "$inc/changed-1.parquet" "inc/$changed" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id="bench",
                  aws_secret_access_key="bench", region_name="us-east-1")
s3.upload_file(sys.argv[2], "bench", sys.argv[3])
PY
r_one=$(once "$inc/remote" r_one "${cache[@]}")
r_one_cold=$(once "$inc/remote" r_one_cold --no-cache)
python3 - "$tmp" "$nfiles" "$rows" "$l_cold" "$l_same" "$l_one" "$l_quick" "$r_cold" "$r_same" "$r_one" \
  "$(du -sb "$inc/cache" | cut -f1)" <<'PY'
import json, sys
tmp, n, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lc, ls, lo, lq, rc, rs, ro = map(float, sys.argv[4:11])
cache_bytes = int(sys.argv[11])
def rep(k):
    d = json.load(open(f"{tmp}/{k}.json"))
    d.pop("storage", None)
    return d
def reused(k):
    for line in open(f"{tmp}/{k}.err"):
        if "checked from the cache" in line:
            return line.split()[0]
    return "0"
same = {
    "local, one changed": rep("l_one") == rep("l_one_cold"),
    "local --quick, one changed": rep("l_quick") == rep("l_quick_cold"),
    "remote, one changed": rep("r_one") == rep("r_one_cold"),
}
st = lambda k: json.load(open(f"{tmp}/{k}.json")).get("storage", {})
print(f"\nincremental: {n} files, {rows:,} rows in all, one resource, the benchmark's 9 checks")
print(f"local   cold {lc:6.2f} s | nothing changed {ls:6.2f} s ({reused('l_same')} from the cache) | "
      f"one changed {lo:6.2f} s ({reused('l_one')} from the cache)  {lc/lo:5.1f}x faster")
print(f"local --quick                                      | one changed {lq:6.2f} s "
      f"({reused('l_quick')} from the cache)  {lc/lq:5.1f}x faster")
print(f"remote  cold {rc:6.2f} s ({st('r_cold').get('requests')} requests) | nothing changed {rs:6.2f} s "
      f"({st('r_same').get('requests')} requests) | one changed {ro:6.2f} s ({st('r_one').get('requests')} requests, "
      f"{reused('r_one')} from the cache)  {rc/ro:5.1f}x faster")
print(f"cache size {cache_bytes/1e6:.1f} MB;  reports equal to a cold run of the same files (storage counters aside): {same}")
if not all(same.values()):
    sys.exit("a report from the cache differs from the cold one")
PY
