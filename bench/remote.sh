#!/usr/bin/env bash
# The object-storage benchmark (issue 12): the 20M-row benchmark file uploaded to a loopback
# S3-compatible server (moto_server, from PyPI), then, in one run:
#   - `assay validate` of the benchmark manifest on the local file and on the object;
#   - a manifest whose checks the footer statistics decide, on the object: bytes fetched;
# with the requests made and bytes fetched that the report gives. Best of RUNS runs each.
#   bench/remote.sh                # 20,000,000 rows
#   ROWS=2000000 bench/remote.sh
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
      --now 2025-06-01T00:00:00Z --no-history >"$tmp/$2.json" || true
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
