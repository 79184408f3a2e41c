#!/usr/bin/env bash
# The main job on the bundled catalog (the 100 field standards and six example datasets): build
# assay, lint every manifest, verify the locks, show the lineage, validate every dataset and
# publish the site. Exit status is 0 when the run completed; per-dataset results are printed.
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
# The six example datasets in full; the 100 field standards one line each.
for manifest in $(find catalog -name dataset.yaml -not -path '*-standard/*' | sort); do
  dir=$(dirname "$manifest")
  echo
  echo "== assay validate $dir --now $now"
  "$assay" validate "$dir" --now "$now"
  echo "(exit $?)"
done
echo
echo "== assay validate <each field standard> --now $now"
for manifest in $(find catalog -path '*-standard/dataset.yaml' | sort); do
  dir=$(dirname "$manifest")
  printf '%-72s %s\n' "$dir" "$("$assay" validate "$dir" --now "$now" | grep -E '^(PASS|FAIL|ERROR)' | cut -d';' -f1)"
done

echo
echo "== assay publish catalog --out target/site --now $now"
"$assay" publish catalog --out "${CARGO_TARGET_DIR:-target}/site" --now "$now"
echo "(exit $?)"
