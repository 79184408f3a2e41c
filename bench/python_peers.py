"""The Python peers of the validation benchmark: the nine checks of the sensor table's manifest
(bench/data/*/dataset.yaml, resource `sensors`) in pandera (polars backend) and in Great
Expectations 1.x (pandas data source), with failing rows counted per check as Assay counts them.

    bench/.venv/bin/python bench/python_peers.py pandera|gx PARQUET

The table is read into memory first and that is not timed: only the validation is
(time.perf_counter). Prints one JSON line:
    {"peer", "version", "seconds", "rows", "failing": {"<check>:<column>": failing rows, ...}}
where `row_count` is 1 when the table-level check failed and 0 when it passed, as Assay counts
it. Exits non-zero, with the reason on stderr, when the peer cannot run or a check errs.

Where the counts mean the same as Assay's (nulls fail only not_null; unique fails every row of a
non-null value seen more than once; range is inclusive):
- pandera: `unique=True` fails every row of a duplicated value, nulls included (polars'
  is_duplicated), so null failure cases are dropped from `unique:`; `nullable=False` also fails
  NaN in a float column and polars orders NaN above every number, so in_range fails it too; Assay
  leaves NaN to its `finite` check, so "NaN" failure cases are dropped from `not_null:` and
  `range:`. Every other failure case is one failing row. The schema (names, types, no extra
  columns) is checked too, as Assay does; a schema failure shows as a `schema:` key.
- GX: column-map expectations skip nulls (pandas' isnull, which includes NaN) before they test a
  value, and unexpected_count counts rows; ExpectColumnValuesToBeUnique fails all rows of a
  duplicated non-null value (duplicated(keep=False)). Its not_null counts NaN as null, which Assay
  does not (the sensor table has no NaN). GX checks no schema here.
"""
import json
import os
import sys
import time

VALUE_MIN, VALUE_MAX = -50, 1500
UNITS = ["Cel", "bar", "kW", "m3/h", "rpm"]
STATUSES = ["RUN", "IDLE", "FAULT", "MAINT"]
MACHINE = r"^M-[0-9]{6}$"
EMAIL = r"^[a-z0-9._-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$"
ROWS_MIN, ROWS_MAX = 1, 100_000_000
KEYS = [
    "not_null:value",
    "range:value",
    "in_set:unit",
    "in_set:status",
    "unique:batch_id",
    "pattern:machine_id",
    "pattern:operator_email",
    "row_count",
    "not_null:ts",
]


def die(msg):
    print(f"python_peers: {msg}", file=sys.stderr)
    sys.exit(2)


def run_pandera(path):
    # The polars backend (not the Narwhals one), schema and data both validated.
    os.environ["PANDERA_VALIDATION_DEPTH"] = "SCHEMA_AND_DATA"
    os.environ["PANDERA_USE_NARWHALS_BACKEND"] = "False"
    import pandera
    import pandera.polars as pa
    import polars as pl

    df = pl.read_parquet(path)
    rows = df.height
    # A table-level check must return a frame, not a bare bool: pandera 0.35 cannot concatenate
    # a bool failure case with the string ones of the column checks.
    row_count = pa.Check(
        lambda d: d.lazyframe.select(pl.len().is_between(ROWS_MIN, ROWS_MAX)), name="row_count"
    )
    schema = pa.DataFrameSchema(
        {
            "ts": pa.Column(pl.Datetime("us", "UTC"), nullable=False),
            "plant_id": pa.Column(pl.String, nullable=True),
            "line_id": pa.Column(pl.Int32, nullable=True),
            "machine_id": pa.Column(pl.String, nullable=True, checks=pa.Check.str_matches(MACHINE)),
            "sensor": pa.Column(pl.String, nullable=True),
            "value": pa.Column(
                pl.Float64, nullable=False, checks=pa.Check.in_range(VALUE_MIN, VALUE_MAX)
            ),
            "unit": pa.Column(pl.String, nullable=True, checks=pa.Check.isin(UNITS)),
            "status": pa.Column(pl.String, nullable=True, checks=pa.Check.isin(STATUSES)),
            "batch_id": pa.Column(pl.Int64, nullable=True, unique=True),
            "operator_email": pa.Column(
                pl.String, nullable=True, checks=pa.Check.str_matches(EMAIL)
            ),
        },
        checks=[row_count],
        strict=True,
    )
    cases = None
    t = time.perf_counter()
    try:
        schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as e:
        cases = e.failure_cases
    seconds = time.perf_counter() - t

    failing = dict.fromkeys(KEYS, 0)
    if cases is not None:
        kinds = {"not_nullable": "not_null", "in_range": "range", "isin": "in_set",
                 "str_matches": "pattern", "field_uniqueness": "unique"}
        counts = (
            cases.with_columns(kind=pl.col("check").str.extract(r"^([a-z_]+)"))
            .filter(
                # Nulls are not duplicates for Assay; NaN is neither null nor out of range.
                ~((pl.col("kind") == "field_uniqueness") & pl.col("failure_case").is_null())
                .fill_null(False)
                & ~(pl.col("kind").is_in(["not_nullable", "in_range"])
                    & (pl.col("failure_case") == "NaN")).fill_null(False)
            )
            .group_by("kind", "column", "check")
            .len()
        )
        for kind, column, check, n in counts.iter_rows():
            if check == "row_count":
                failing["row_count"] = 1
            elif kind in kinds and column is not None:
                failing[f"{kinds[kind]}:{column}"] = failing.get(f"{kinds[kind]}:{column}", 0) + n
            else:  # a schema failure: a missing or extra column, a wrong type
                failing[f"schema:{column or check}"] = failing.get(f"schema:{column or check}", 0) + n
    return {"peer": "pandera", "version": f"pandera {pandera.__version__}, polars {pl.__version__}",
            "seconds": round(seconds, 3), "rows": rows, "failing": failing}


def run_gx(path):
    os.environ["GX_ANALYTICS_ENABLED"] = "false"  # no network here; don't try to send events
    import great_expectations as gx
    import great_expectations.expectations as gxe
    import pandas as pd
    import pyarrow.parquet as pq

    df = pq.read_table(path).to_pandas()
    rows = len(df)
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("bench")
    asset = source.add_dataframe_asset("sensors")
    definition = asset.add_batch_definition_whole_dataframe("whole")
    expectations = {
        "not_null:value": gxe.ExpectColumnValuesToNotBeNull(column="value"),
        "range:value": gxe.ExpectColumnValuesToBeBetween(
            column="value", min_value=VALUE_MIN, max_value=VALUE_MAX
        ),
        "in_set:unit": gxe.ExpectColumnValuesToBeInSet(column="unit", value_set=UNITS),
        "in_set:status": gxe.ExpectColumnValuesToBeInSet(column="status", value_set=STATUSES),
        "unique:batch_id": gxe.ExpectColumnValuesToBeUnique(column="batch_id"),
        "pattern:machine_id": gxe.ExpectColumnValuesToMatchRegex(column="machine_id", regex=MACHINE),
        "pattern:operator_email": gxe.ExpectColumnValuesToMatchRegex(
            column="operator_email", regex=EMAIL
        ),
        "row_count": gxe.ExpectTableRowCountToBeBetween(min_value=ROWS_MIN, max_value=ROWS_MAX),
        "not_null:ts": gxe.ExpectColumnValuesToNotBeNull(column="ts"),
    }
    suite = context.suites.add(gx.ExpectationSuite(name="sensors"))
    for e in expectations.values():
        suite.add_expectation(e)

    batch = definition.get_batch(batch_parameters={"dataframe": df})
    t = time.perf_counter()
    # SUMMARY has unexpected_count, without COMPLETE's list of every failing index.
    result = batch.validate(suite, result_format="SUMMARY")
    seconds = time.perf_counter() - t

    by_id = {str(e.id): key for key, e in expectations.items()}
    failing = {}
    for r in result.results:
        key = by_id.get(str(r.expectation_config.id))
        if key is None:
            die(f"gx: a result for an unknown expectation: {r.expectation_config}")
        info = r.exception_info or {}
        if info.get("raised_exception"):
            die(f"gx: {key} raised: {info.get('exception_message')}")
        if key == "row_count":
            failing[key] = 0 if r.success else 1
        else:
            n = (r.result or {}).get("unexpected_count")
            if n is None:
                die(f"gx: {key} has no unexpected_count: {r.result}")
            failing[key] = int(n)
    missing = [k for k in KEYS if k not in failing]
    if missing:
        die(f"gx: no result for {missing}")
    return {"peer": "gx", "version": f"great_expectations {gx.__version__}, pandas {pd.__version__}",
            "seconds": round(seconds, 3), "rows": rows, "failing": {k: failing[k] for k in KEYS}}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("pandera", "gx"):
        die("usage: python_peers.py pandera|gx PARQUET")
    peer, path = sys.argv[1:3]
    if not os.path.isfile(path):
        die(f"no such file: {path}")
    try:
        out = run_pandera(path) if peer == "pandera" else run_gx(path)
    except ImportError as e:
        die(f"{peer} is not installed in this Python ({sys.executable}): {e}")
    except SystemExit:
        raise
    except Exception as e:  # a peer's own failure, said in one line
        die(f"{peer} failed: {type(e).__name__}: {e}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
