#!/usr/bin/env bash
# The publish scale benchmark (issue: publish): N synthetic tiny datasets across the 100 fields
# (default 10,000), then: lock, full publish, no-change re-publish, the gzipped size of the
# search index, and in-process search latency over 1,000 varied queries.
#   bench/publish.sh          # N=10000
#   N=1000 bench/publish.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-10000}
tgt=${CARGO_TARGET_DIR:-target}
dir=bench/data/catalog-$n
cargo build --release --locked -q -p assay-cli -p xtask
if [ ! -d "$dir/catalog" ]; then
  "$tgt"/release/xtask gen-catalog "$dir" "$n"
fi
now=2025-07-03T00:00:00Z
t() { /usr/bin/time -f '%e s, peak RSS %M KB' "$@"; }
echo "== lock ($n datasets)"
t "$tgt"/release/assay lock "$dir/catalog" >/dev/null
rm -rf "$dir/site" "$dir"/.site-* "$dir/catalog/.assay"
echo "== full publish"
t "$tgt"/release/assay publish "$dir/catalog" --out "$dir/site" --now "$now"
echo "== no-change re-publish"
t "$tgt"/release/assay publish "$dir/catalog" --out "$dir/site" --now "$now"
echo "== search index"
raw=$(stat -L -c %s "$dir/site/search-index.json")
gz=$(gzip -9 -c "$dir/site/search-index.json" | wc -c)
echo "search-index.json: $raw bytes, gzipped $gz bytes ($(python3 -c "print(round($gz/1e6, 2))") MB; target < 5 MB)"
echo "== search latency"
"$tgt"/release/xtask bench-search "$dir/site"
