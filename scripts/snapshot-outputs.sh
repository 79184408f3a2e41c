#!/usr/bin/env bash
# snapshot-outputs.sh BIN REPO OUT: every output of the example catalog and the fixtures (validate in
# five formats, report and dashboard in two languages, lint, export, search, lineage, verify, the
# published site with its sha256 list), for byte comparison of two builds during a refactor:
#   scripts/snapshot-outputs.sh old/assay . /tmp/a; scripts/snapshot-outputs.sh new/assay . /tmp/b; diff -r /tmp/a /tmp/b
set -u
bin=$(realpath "$1"); repo=$(realpath "$2"); out=$3
rm -rf "$out"; mkdir -p "$out"
now=2025-07-03T00:00:00Z
work=$(mktemp -d)
cp -r "$repo/catalog" "$work/catalog"
# drop field standards not in the baseline (they are compared separately)
find "$work/catalog" -maxdepth 2 -type d -name '*-standard' -exec rm -rf {} + 2>/dev/null
# the history of earlier local runs would show as trends
find "$work/catalog" -type d -name .assay -prune -exec rm -rf {} + 2>/dev/null
cp -r "$repo/fixtures" "$work/fixtures"
cd "$work"
for m in $(find catalog -name dataset.yaml | sort); do
  d=$(dirname "$m"); n=$(basename "$d")
  for f in text json junit sarif github; do
    NO_COLOR=1 "$bin" validate "$d" --now $now --format $f --no-history > "$out/validate-$n.$f" 2>"$out/validate-$n.$f.err"; echo "exit $?" >> "$out/validate-$n.$f.err"
  done
  for l in en zh; do
    for f in html md json; do
      "$bin" report "$d" --now $now --format $f --lang $l > "$out/report-$n-$l.$f" 2>&1; echo "exit $?" >> "$out/report-$n-$l.$f"
    done
  done
  "$bin" export "$d" --to frictionless > "$out/export-$n.json" 2>&1
done
for l in en zh; do for f in html md; do "$bin" report catalog --now $now --format $f --lang $l > "$out/dashboard-$l.$f" 2>&1; done; done
"$bin" lint catalog > "$out/lint-catalog.txt" 2>&1; echo "exit $?" >> "$out/lint-catalog.txt"
for c in $(ls -d fixtures/cases/*/ | sort); do
  n=$(basename "$c")
  (cd "$c" && NO_COLOR=1 "$bin" validate . --format json --now 2025-06-02T00:00:00Z --samples 3 --no-history > "$out/case-$n.json" 2>&1; echo "exit $?" >> "$out/case-$n.json"
   NO_COLOR=1 "$bin" validate . --now 2025-06-02T00:00:00Z --samples 3 --no-history > "$out/case-$n.txt" 2>&1)
done
for m in $(ls -d fixtures/manifests/*/ | sort); do
  n=$(basename "$m")
  "$bin" lint "$m" > "$out/lint-$n.txt" 2>&1; echo "exit $?" >> "$out/lint-$n.txt"
done
"$bin" publish catalog --out "$work/site" --now $now > "$out/publish.txt" 2>&1
(cd "$work/site/" && find . -type f | sort | xargs sha256sum) > "$out/site.sha256"
cp -rL "$work/site" "$out/site"
"$bin" search "$work/site" boiler > "$out/search-boiler.txt" 2>&1
"$bin" search "$work/site" 锅炉 --format json > "$out/search-zh.json" 2>&1
"$bin" fields IF-C341 > "$out/fields.txt" 2>&1
"$bin" lineage catalog > "$out/lineage.txt" 2>&1
"$bin" verify catalog > "$out/verify.txt" 2>&1
rm -rf "$work"
