#!/usr/bin/env bash
# The cluster benchmark (issue 13): the 20M-row benchmark file in a loopback S3-compatible
# store (moto_server, from PyPI), validated in one run by
#   - `assay validate` with the local engine (reading the object, statistics first), and
#   - `assay validate --cluster` on a Ballista scheduler with 1, 2 and 4 executor processes
#     (`assay-ballista`, one task slot each), each started for its run and stopped after;
# best of RUNS runs each. Printed: wall time, the time the scheduler reports for the jobs, the
# bytes the executors wrote as shuffle files, and whether every check's status and failing
# count equal the local engine's (they must).
#   bench/cluster.sh                  # 20,000,000 rows
#   ROWS=2000000 bench/cluster.sh
#   EXECUTORS="2" bench/cluster.sh    # only the 2-executor cluster
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-20000000}
runs=${RUNS:-3}
tgt=${CARGO_TARGET_DIR:-$PWD/target}
data=bench/data/$rows
file=$data/data/sensors.parquet
[ -n "${NO_BUILD:-}" ] || cargo build --release --locked -q -p assay-cli -p assay-ballista -p xtask
[ -f "$file" ] || "$tgt"/release/xtask bench-data "$data" "$rows"
if [ ! -x bench/.venv/bin/moto_server ]; then
  [ -x bench/.venv/bin/python ] || python3 -m venv bench/.venv
  bench/.venv/bin/pip install -q "moto[server]==5.1.18"
fi
tmp=$(mktemp -d)
pids=()
stop_all() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; pids=(); }
trap 'stop_all; kill $moto 2>/dev/null; rm -rf "$tmp"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return; sleep 0.1; done; echo "nothing listens on $1" >&2; exit 1; }
port=$(free_port)
bench/.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$tmp/moto.log" 2>&1 &
moto=$!
wait_port "$port"
# The client and every node read the store with the same standard variables.
export AWS_ENDPOINT=http://127.0.0.1:$port AWS_ALLOW_HTTP=true AWS_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench ASSAY_NO_CACHE=1
bench/.venv/bin/python - "$AWS_ENDPOINT" "$file" <<'PY'
import sys, boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], aws_access_key_id="bench",
                  aws_secret_access_key="bench", region_name="us-east-1")
s3.create_bucket(Bucket="bench")
s3.upload_file(sys.argv[2], "bench", "sensors/sensors.parquet")
PY
mkdir -p "$tmp/remote"
sed 's|path: data/sensors.parquet|path: s3://bench/sensors/sensors.parquet|' "$data/dataset.yaml" \
  >"$tmp/remote/dataset.yaml"
validate() { # label [flags...]: "seconds" ; the report in $tmp/LABEL.json
  local label=$1
  shift
  /usr/bin/time -o "$tmp/t" -f '%e' "$tgt"/release/assay validate "$tmp/remote" --format json \
    --now 2025-06-01T00:00:00Z --no-history "$@" >"$tmp/$label.json" 2>"$tmp/$label.err" || true
  tail -n 1 "$tmp/t"
}
best() { sort -n | head -1; }
: >"$tmp/local.times"
for _ in $(seq "$runs"); do validate local >>"$tmp/local.times"; done
results=()
for n in ${EXECUTORS:-1 2 4}; do
  sp=$(free_port)
  "$tgt"/release/assay-ballista scheduler --port "$sp" >"$tmp/scheduler-$n.log" 2>&1 &
  pids+=($!)
  wait_port "$sp"
  for i in $(seq "$n"); do
    "$tgt"/release/assay-ballista executor --scheduler-port "$sp" --port "$(free_port)" \
      --grpc-port "$(free_port)" --vcores 1 --work-dir "$tmp/work-$n/e$i" \
      >"$tmp/executor-$n-$i.log" 2>&1 &
    pids+=($!)
  done
  for _ in $(seq 300); do
    got=$(curl -s "http://127.0.0.1:$sp/api/executors" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo 0)
    [ "$got" -ge "$n" ] && break
    sleep 0.2
  done
  : >"$tmp/c$n.times"
  : >"$tmp/c$n.bytes"
  for r in $(seq "$runs"); do
    before=$(du -sb "$tmp/work-$n" | cut -f1)
    validate "c$n" --cluster "df://127.0.0.1:$sp" >>"$tmp/c$n.times"
    after=$(du -sb "$tmp/work-$n" | cut -f1)
    echo $((after - before)) >>"$tmp/c$n.bytes"
  done
  curl -s "http://127.0.0.1:$sp/api/jobs" >"$tmp/c$n.jobs"
  results+=("$n $(best <"$tmp/c$n.times") $(tail -n 1 "$tmp/c$n.bytes")")
  stop_all
  sleep 1
done
python3 - "$tmp" "$rows" "$(stat -c %s "$file")" "$(best <"$tmp/local.times")" "$runs" "${results[@]}" <<'PY'
import json, sys
tmp, rows, size, local_t, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
def outcome(label):
    d = json.load(open(f"{tmp}/{label}.json"))
    return {(r["name"], c["name"]): (c["status"], c.get("failing"), c.get("evaluated"))
            for r in d["resources"] for c in r["checks"]}
local = outcome("local")
print(f"rows {rows:,}  file {size/1e6:.1f} MB  cores 2  (moto_server on loopback; best of {runs})")
print(f"local engine       {local_t:7.2f} s")
ok = True
for spec in sys.argv[6:]:
    n, t, shuffled = spec.split()
    n, t, shuffled = int(n), float(t), int(shuffled)
    jobs = json.load(open(f"{tmp}/c{n}.jobs"))
    jobs = jobs if isinstance(jobs, list) else jobs.get("jobs", [])
    # The last run's jobs (the scheduler lists every run's).
    per_run = len(jobs) // runs if runs else 0
    last = sorted(jobs, key=lambda j: j["start_time"])[-per_run:] if per_run else []
    in_jobs = sum(max(0, j["end_time"] - j["start_time"]) for j in last) / 1000
    same = outcome(f"c{n}") == local
    ok &= same
    print(f"cluster, {n} executor(s) {t:7.2f} s  ({t/local_t:4.1f}x local)  {len(last)} jobs a run, "
          f"{in_jobs:6.2f} s in them  shuffle files {shuffled/1e6:8.2f} MB  same results: {same}")
if not ok:
    sys.exit("a cluster's results differ from the local engine's")
PY
