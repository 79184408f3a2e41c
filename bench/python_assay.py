"""Assay's side of the Python benchmark (bench/python.sh): the sensor table's checks through the
`assay` package, in the same JSON line as bench/python_peers.py.

    python bench/python_assay.py table DATASET   # validate_table on the table, read into memory first
    python bench/python_assay.py file DATASET    # validate on the files, as the command line does

Only the call is timed (time.perf_counter); reading the table into memory is not. Failing rows are
keyed `<kind>:<column>` (`row_count`: 1 when it failed), as the peers' are.
"""
import json
import sys
import time

import assay

NOW = "2025-06-01T00:00:00Z"


def failing(report):
    out = {}
    for c in report.checks:
        if c["name"] == "schema":
            if c["failing"]:
                out["schema"] = c["failing"]
            continue
        key = c["kind"] if not c.get("columns") else f"{c['kind']}:{c['columns'][0]}"
        out[key] = c["failing"]
    return out


def main():
    mode, dataset = sys.argv[1], sys.argv[2]
    if mode == "table":
        import pyarrow.parquet as pq

        table = pq.read_table(f"{dataset}/data/sensors.parquet")
        t0 = time.perf_counter()
        report = assay.validate_table(table, dataset, resource="sensors", now=NOW)
        seconds = time.perf_counter() - t0
        rows = table.num_rows
    else:
        t0 = time.perf_counter()
        report = assay.validate(dataset, now=NOW)
        seconds = time.perf_counter() - t0
        rows = report.summary["rows"]
    print(json.dumps({"peer": f"assay.{'validate_table' if mode == 'table' else 'validate'}",
                      "version": assay.__version__, "seconds": seconds, "rows": rows,
                      "failing": failing(report)}))


if __name__ == "__main__":
    main()
