#!/usr/bin/env bash
# Measures wall time and peak memory of `assay lint` on every invalid manifest fixture and on a
# generated 50 MB manifest. Targets (issue: foundation): each under 1 s and 200 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked -q -p assay-cli
assay="$PWD/target/debug/assay"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 -c "
import sys
with open('$tmp/dataset.yaml','w') as f:
    f.write('assay: 1\nname: huge\ndescription: \"' + 'x'*(50*1024*1024) + '\"\n')"
printf '%-40s %8s %10s\n' case seconds max_rss_mb
run() {
  local name=$1 dir=$2 target=$3
  (cd "$dir" && /usr/bin/time -o "$tmp/time" -f '%e %M' "$assay" lint "$target" >/dev/null 2>&1 || true)
  read -r secs kb < <(tail -n 1 "$tmp/time")
  printf '%-40s %8s %10.1f\n' "$name" "$secs" "$(echo "$kb/1024" | bc -l)"
}
for d in fixtures/manifests/*/; do
  t=dataset.yaml; [ -f "$d/dataset.json" ] && t=dataset.json; [ -f "$d/$t" ] || t=.
  run "$(basename "$d")" "$d" "$t"
done
run "generated-50MB-manifest" "$tmp" dataset.yaml
