#!/usr/bin/env bash
# The main job on the bundled example catalog: build assay, lint every manifest, validate every
# dataset. Exit status is 0 when the run completed; per-dataset results are printed.
set -uo pipefail
cd "$(dirname "$0")/.."
cargo build --locked -q -p assay-cli || exit 2
assay=${CARGO_TARGET_DIR:-target}/debug/assay
echo "== assay lint catalog"
"$assay" lint catalog || exit 2
echo
echo "== assay verify catalog   (the committed locks against the files)"
"$assay" verify catalog
echo "(exit $?)"
echo
echo "== assay lineage catalog"
"$assay" lineage catalog
echo "(exit $?)"
# A fixed reference time keeps the freshness checks of the example data meaningful.
now=2025-07-03T00:00:00Z
for manifest in $(find catalog -name dataset.yaml | sort); do
  dir=$(dirname "$manifest")
  echo
  echo "== assay validate $dir --now $now"
  "$assay" validate "$dir" --now "$now"
  echo "(exit $?)"
done

echo
echo "== assay publish catalog --out target/site --now $now"
"$assay" publish catalog --out "${CARGO_TARGET_DIR:-target}/site" --now "$now"
echo "(exit $?)"
