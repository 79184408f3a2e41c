"""Assay's side of the Python benchmark (bench/python.sh): the sensor table's checks through the
`assay` package, in the same JSON line as bench/python_peers.py.

    python bench/python_assay.py table DATASET   # validate_table on the table, read into memory first
    python bench/python_assay.py file DATASET    # validate on the files, as the command line does
    python bench/python_assay.py dups DATASET    # what `unique` counts on each side (not timed)

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
    if mode == "dups":
        # What `unique` means on each side, from the table's value counts (a run of its own, so
        # its memory is not in the others' peaks). Assay counts the repeats (each row of a value
        # after its first); pandera and GX count every row of a repeated value.
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        ids = pq.read_table(f"{dataset}/data/sensors.parquet", columns=["batch_id"])
        counts = pc.value_counts(ids.column("batch_id").drop_null()).field("counts")
        repeated = pc.filter(counts, pc.greater(counts, 1))
        every = pc.sum(repeated).as_py() or 0
        print(json.dumps({"unique:batch_id": {"repeats": every - len(repeated), "every row": every}}))
        return
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
