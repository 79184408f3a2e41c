"""The peers of bench/ml.sh on the same splits: Evidently's DataDriftPreset (train as the
reference, test as the current data) and Deepchecks' train_test_validation suite (train and
test). Prints what each found; the shell times it."""
import sys

import pandas as pd
import pyarrow.parquet as pq

tool, path, t80, t90 = sys.argv[1:5]
cols = ["ts", "machine_id", "line_id", "sensor", "value", "unit", "status"]
df = pq.read_table(path, columns=cols).to_pandas()
t80, t90 = pd.Timestamp(t80), pd.Timestamp(t90)
train = df[df.ts < t80]
test = df[df.ts >= t90]
features = ["line_id", "sensor", "value", "unit"]
if tool == "evidently":
    from evidently import Report
    from evidently.presets import DataDriftPreset

    report = Report([DataDriftPreset(columns=features + ["status"])])
    snap = report.run(reference_data=train[features + ["status"]], current_data=test[features + ["status"]])
    for m in snap.dict()["metrics"]:
        if "DriftedColumnsCount" in m.get("metric_id", ""):
            print("evidently:", m["metric_id"], m["value"])
elif tool == "deepchecks":
    from deepchecks.tabular import Dataset
    from deepchecks.tabular.suites import train_test_validation

    kw = dict(label="status", cat_features=["line_id", "sensor", "unit"], features=features)
    result = train_test_validation().run(
        train_dataset=Dataset(train[features + ["status"]], **kw),
        test_dataset=Dataset(test[features + ["status"]], **kw),
    )
    for r in result.results:
        name = getattr(r, "get_header", lambda: type(r).__name__)()
        value = getattr(r, "value", None)
        if isinstance(value, dict):
            value = {k: v for k, v in list(value.items())[:3]}
        print("deepchecks:", name, str(value)[:160])
