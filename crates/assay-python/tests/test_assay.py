"""The `assay` Python package, used as a data engineer would, against the command line.

Run by scripts/test.sh after `cargo test` (which builds the `assay` binary these tests compare
with) and after the package is installed into .venv-test with pip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import assay

ROOT = Path(__file__).resolve().parents[3]
CASES = sorted(p for p in (ROOT / "fixtures" / "cases").iterdir() if p.is_dir())
NOW = "2025-06-02T00:00:00Z"
# The same key for the command line and the package: redacted reports are then comparable.
KEY = "ab" * 32


def assay_bin() -> str:
    path = os.environ.get("ASSAY_BIN") or str(ROOT / "target" / "debug" / "assay")
    if not os.path.exists(path):
        # Named by scripts/test.sh (CI): a missing binary is a failure, never a skip.
        if os.environ.get("ASSAY_BIN"):
            pytest.fail(f"ASSAY_BIN names no file: {path}")
        pytest.skip(f"no assay binary at {path} (run cargo build first)")
    return path


@pytest.fixture(autouse=True)
def _key(monkeypatch):
    monkeypatch.setenv("ASSAY_REDACTION_KEY", KEY)


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, ASSAY_REDACTION_KEY=KEY, ASSAY_NO_CACHE="1")
    return subprocess.run(
        [assay_bin(), *args], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


def example_datasets() -> list[Path]:
    return sorted(p.parent for p in (ROOT / "catalog").glob("*/*/dataset.yaml"))


# --- the same reports as the command line ------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_folders_give_the_command_lines_json_report(case: Path):
    out = cli("validate", str(case), "--format", "json", "--now", NOW, "--samples", "3",
              "--no-history")
    assert out.stdout, out.stderr
    report = assay.validate(case, now=NOW, samples=3)
    assert report.to_json() == out.stdout
    expected = json.loads((case / "expected.json").read_text())
    assert report.status == expected["status"]
    assert report.passed == (expected["status"] in ("pass", "warn"))


def test_a_whole_example_dataset_gives_the_command_lines_report_and_grade():
    ds = ROOT / "catalog" / "IF-C341" / "boiler-fault-training"
    out = cli("validate", str(ds), "--format", "json", "--now", NOW, "--no-history")
    report = assay.validate(ds, now=NOW)
    assert report.to_json() == out.stdout
    doc = json.loads(out.stdout)
    assert report.grade == doc["quality"]["grade"]
    assert len(report.checks) == sum(len(r["checks"]) for r in doc["resources"]) + len(
        doc["training"]["checks"]
    )
    text = cli("validate", str(ds), "--now", NOW, "--no-history", "--reveal").stdout
    assert assay.validate(ds, now=NOW, reveal=True).to_text() == text


# --- in memory equals the file ----------------------------------------------------------------


def resource_files(ds: Path, report_doc: dict, resource: str) -> list[str]:
    r = next(r for r in report_doc["resources"] if r["name"] == resource)
    return [f["path"] for f in r["files"]]


def comparable(check: dict, offsets: dict[str, int]) -> dict:
    """What must agree between a file and the same rows in memory: the verdict, the counts and
    the samples' rows (as rows of the whole table) and values. How a check was decided
    (statistics or data) and the files' names may differ."""
    def note(text):
        # "first seen at data/a.parquet row 499": the row of the whole table.
        if not text:
            return text
        return re.sub(r"(\S+) row (\d+)",
                      lambda m: f"row {offsets.get(m.group(1), 0) + int(m.group(2))}", text)

    samples = [
        (offsets.get(s.get("file"), 0) + s["row"] if s.get("row") is not None else None,
         s.get("values"), s.get("key"), note(s.get("note")))
        for s in check.get("samples", [])
    ]
    message = check.get("message") or ""
    observed = check.get("observed")
    if isinstance(observed, float):
        # A mean or a sum is added up in another order over other batches.
        observed = float(f"{observed:.12g}")
    return {
        "name": check["name"],
        "status": check["status"],
        "evaluated": check["evaluated"],
        "failing": check["failing"],
        "observed": observed,
        "samples": samples,
        "message": message.replace("<memory>", "FILE"),
    }


# The `schema` check is about the files, not the rows (notes on how a file stores a column,
# drift between files): compared by status only.
BY_STATUS_ONLY = {"schema"}


def test_in_memory_equals_the_files_on_every_example_dataset():
    compared = 0
    for ds in example_datasets():
        file_report = assay.validate(ds, now=NOW, reveal=True).to_dict()
        for r in file_report["resources"]:
            files = [f["path"] for f in r["files"]]
            if not files or any(f.get("error") for f in r["files"]) or "://" in files[0]:
                continue
            tables = [pq.read_table(ds / f) for f in files]
            offsets, at = {}, 0
            for f, t in zip(files, tables):
                offsets[f], at = at, at + t.num_rows
            table = pa.concat_tables(tables, promote_options="permissive")
            mem = assay.validate_table(table, ds, resource=r["name"], now=NOW, reveal=True)
            mem_checks = {c["name"]: c for c in mem.to_dict()["resources"][0]["checks"]}
            for c in r["checks"]:
                m = mem_checks[c["name"]]
                if c["name"] in BY_STATUS_ONLY:
                    assert m["status"] == c["status"], (ds, r["name"], c, m)
                    continue
                want = comparable(c, offsets)
                got = comparable(m, {"<memory>": 0})
                want["message"] = want["message"].replace(files[0], "FILE")
                assert got == want, (ds.name, r["name"], c["name"])
                compared += 1
    assert compared > 500, compared


def test_pandas_polars_and_pyarrow_inputs_give_the_same_report():
    case = ROOT / "fixtures" / "cases" / "pattern-fail"
    files = sorted((case / "data").glob("*.parquet"))
    table = pa.concat_tables([pq.read_table(f) for f in files])
    reports = {
        "pyarrow": assay.validate_table(table, case, now=NOW),
        "batch reader": assay.validate_table(table.to_reader(), case, now=NOW),
        "polars": assay.validate_table(pl.from_arrow(table), case, now=NOW),
        "pandas": assay.validate_table(table.to_pandas(), case, now=NOW),
    }
    summaries = {k: [(c["name"], c["status"], c["evaluated"], c["failing"],
                      [s["row"] for s in c.get("samples", [])]) for c in r.checks]
                 for k, r in reports.items()}
    assert summaries["pyarrow"] == summaries["polars"] == summaries["pandas"] \
        == summaries["batch reader"]
    assert reports["pyarrow"].status == "fail"
    assert any(c["failing"] > 0 for c in reports["pyarrow"].checks)


def test_the_checks_as_a_table_and_a_frame():
    case = ROOT / "fixtures" / "cases" / "range-fail"
    report = assay.validate(case, now=NOW)
    t = report.checks_table()
    assert t.num_rows == len(report.checks)
    assert t.column("failing").to_pylist() == [c["failing"] for c in report.checks]
    df = report.checks_frame()
    failing = df[df["status"] == "fail"]
    assert list(failing["name"]) == [c["name"] for c in report.checks if c["status"] == "fail"]


def test_a_big_table_with_unordered_integer_keys_equals_its_file(tmp_path: Path):
    """Over 2^20 rows the table is several slices: unique's dense bitmap, isolated slices and
    the merge across slices are exercised, with duplicates at slice boundaries."""
    import numpy as np

    n = 3_000_000
    rng = np.random.default_rng(7)
    ids = rng.permutation(n).astype("int64")
    for a, b in [(0, 1_048_576), (1_048_575, 2_097_152), (5, 2_999_999)]:
        ids[b] = ids[a]
    table = pa.table({"id": ids, "value": rng.normal(size=n)})
    ds = tmp_path / "ds"
    (ds / "data").mkdir(parents=True)
    pq.write_table(table, ds / "data" / "t.parquet", row_group_size=400_000)
    (ds / "dataset.yaml").write_text(textwrap.dedent("""\
        assay: 1
        name: big-keys
        version: 1.0.0
        field: IF-C341
        licenses: [{name: CC0-1.0}]
        sensitivity: public
        resources:
          - name: t
            path: data/t.parquet
            schema:
              fields:
                - {name: id, type: int64}
                - {name: value, type: float64}
            checks:
              - {check: unique, column: id}
              - {check: range, column: value, min: -3, max: 3}
        """))
    file_checks = assay.validate(ds, now=NOW).to_dict()["resources"][0]["checks"]
    offsets = {"data/t.parquet": 0}
    for jobs in (1, 2, 3):
        mem = assay.validate_table(table, ds, now=NOW, jobs=jobs)
        mem_checks = mem.to_dict()["resources"][0]["checks"]
        for f, m in zip(file_checks[1:], mem_checks[1:]):
            assert comparable(m, {"<memory>": 0}) == comparable(f, offsets), (jobs, f["name"])
    [unique] = [c for c in file_checks if c["kind"] == "unique"]
    assert unique["failing"] == 3 and unique["status"] == "fail"


def test_non_public_values_are_redacted_unless_revealed(tmp_path: Path):
    ds = tmp_path / "ds"
    shutil.copytree(ROOT / "fixtures" / "cases" / "pattern-fail", ds)
    manifest = ds / "dataset.yaml"
    manifest.write_text(manifest.read_text().replace("sensitivity: public",
                                                     "sensitivity: confidential"))
    table = pa.concat_tables([pq.read_table(f) for f in sorted((ds / "data").glob("*.parquet"))])
    bad = [v for v in table.column("name").to_pylist()
           if v is not None and not re.fullmatch(r"N-[0-9]{3}", v)]
    assert bad
    for report in (assay.validate(ds, now=NOW), assay.validate_table(table, ds, now=NOW)):
        assert report.redacted
        [pattern] = [c for c in report.checks if c["kind"] == "pattern"]
        values = [v for s in pattern["samples"] for v in s["values"]]
        assert values and all(v.startswith("[redacted ") for v in values), values
        for text in (report.to_json(), report.to_text(), report.to_html(), str(report.checks)):
            assert not any(v in text for v in bad)
    revealed = assay.validate(ds, now=NOW, reveal=True)
    assert not revealed.redacted
    [pattern] = [c for c in revealed.checks if c["kind"] == "pattern"]
    assert {v for s in pattern["samples"] for v in s["values"]} <= set(bad)
    out = cli("validate", str(ds), "--format", "json", "--now", NOW, "--no-history")
    assert assay.validate(ds, now=NOW).to_json() == out.stdout


def test_a_table_missing_a_column_or_of_another_type_fails_its_checks():
    case = ROOT / "fixtures" / "cases" / "range-pass"
    table = pa.concat_tables([pq.read_table(f) for f in sorted((case / "data").glob("*.parquet"))])
    col = next(c for c in table.column_names if c == "value")
    broken = table.drop_columns([col])
    report = assay.validate_table(broken, case, now=NOW)
    assert report.status == "error"
    [rng] = [c for c in report.checks if c["kind"] == "range"]
    assert rng["status"] == "error" and "`value` is missing from <memory>" in rng["message"]
    [schema] = [c for c in report.checks if c["name"] == "schema"]
    assert schema["status"] == "fail"
    assert any("value" in (s.get("note") or "") + " ".join(s["values"])
               for s in schema["samples"])
    retyped = table.set_column(table.column_names.index("value"), "value",
                               table.column("value").cast(pa.string()))
    report = assay.validate_table(retyped, case, now=NOW)
    [schema] = [c for c in report.checks if c["name"] == "schema"]
    assert schema["status"] == "fail", schema
    assert any("value" in (s.get("note") or "") + " ".join(s["values"])
               for s in schema["samples"])
    assert not report.passed


# --- errors ----------------------------------------------------------------------------------


def test_a_broken_manifest_raises_a_located_manifest_error(tmp_path: Path):
    shutil.copytree(ROOT / "fixtures" / "cases" / "range-fail", tmp_path / "ds")
    manifest = tmp_path / "ds" / "dataset.yaml"
    text = manifest.read_text().replace("check: range", "check: rnage")
    manifest.write_text(text)
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "rnage" in l)
    with pytest.raises(assay.ManifestError) as e:
        assay.validate(tmp_path / "ds")
    assert e.value.file == str(manifest)
    assert e.value.line == line and e.value.column > 0
    assert any(d["code"] for d in e.value.diagnostics)
    assert "rnage" in str(e.value)
    with pytest.raises(assay.ManifestError):
        assay.validate_table(pa.table({"a": [1]}), tmp_path / "ds")
    with pytest.raises(assay.ManifestError, match="no dataset.yaml"):
        assay.validate(tmp_path)


def test_wrong_arguments_raise_assay_errors():
    case = ROOT / "fixtures" / "cases" / "foreign_key-fail"
    with pytest.raises(assay.AssayError, match="not in the manifest"):
        assay.validate(case, resource="nope")
    with pytest.raises(assay.AssayError, match="name the one the table is"):
        assay.validate_table(pa.table({"a": [1]}), case)
    with pytest.raises(assay.AssayError, match="RFC 3339"):
        assay.validate(case, now="yesterday")
    with pytest.raises(TypeError, match="not a table"):
        assay.validate_table([1, 2, 3], case)


def test_a_store_that_cannot_be_reached_is_a_data_error(tmp_path: Path):
    ds = tmp_path / "ds"
    ds.mkdir()
    (ds / "dataset.yaml").write_text(textwrap.dedent("""\
        assay: 1
        name: remote
        version: 1.0.0
        field: IF-C341
        licenses: [{name: CC0-1.0}]
        sensitivity: public
        resources:
          - name: r
            path: s3://bucket/data/*.parquet
            schema:
              fields:
                - {name: a, type: int64}
        """))
    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "x",
           "AWS_SECRET_ACCESS_KEY": "y", "AWS_REGION": "us-east-1"}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with pytest.raises(assay.DataError):
            assay.validate(ds)
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# --- cluster mode ----------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, proc: subprocess.Popen) -> None:
    import socket

    for _ in range(600):
        assert proc.poll() is None, f"exited with {proc.returncode}"
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"nothing listens on {port}")


def outcomes(report: assay.Report) -> list[dict]:
    """Each check but how it was decided (statistics or data), and a `unique` sample's row
    group, which the local engine names only when it settled the row group on its own."""
    out = []
    for r in json.loads(report.to_json())["resources"]:
        for c in r["checks"]:
            c = {k: v for k, v in c.items() if k not in ("pages", "decided_by")}
            if c["kind"].startswith("unique"):
                for s in c.get("samples", []):
                    s.pop("row_group", None)
            out.append(c)
    return out


def test_cluster_mode_runs_the_checks_on_a_ballista_cluster(tmp_path: Path):
    node = Path(assay_bin()).with_name("assay-ballista")
    assert node.exists(), f"{node}: built by cargo test --workspace"
    ds = ROOT / "catalog" / "IF-C31" / "steel-production-batches"
    port = free_port()
    procs = [subprocess.Popen([str(node), "scheduler", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        wait_port(port, procs[0])
        procs.append(subprocess.Popen(
            [str(node), "executor", "--scheduler-port", str(port), "--port", str(free_port()),
             "--grpc-port", str(free_port()), "--work-dir", str(tmp_path / "work")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        import urllib.request

        for _ in range(300):  # until the executor has registered
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/executors",
                                        timeout=5) as r:
                if json.load(r):
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the executor did not register")
        local = assay.validate(ds, now=NOW)
        on = assay.validate(ds, now=NOW, cluster=f"df://127.0.0.1:{port}")
        assert outcomes(on) == outcomes(local)
        assert on.status == local.status and on.grade == local.grade
        # The cluster ran them: its jobs are listed, completed.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/jobs", timeout=5) as r:
            jobs = json.load(r)
        assert jobs and all(j["status"] == "Completed" for j in jobs), jobs
    finally:
        for p in procs:
            p.kill()
            p.wait()
    # A scheduler that is not there: a DataError, nothing reported; a bad address: AssayError.
    with pytest.raises(assay.DataError, match="cannot reach the Ballista scheduler"):
        assay.validate(ds, now=NOW, cluster=f"df://127.0.0.1:{free_port()}")
    with pytest.raises(assay.AssayError, match="expected df://HOST:PORT"):
        assay.validate(ds, now=NOW, cluster="http://127.0.0.1:1")


# --- the GIL and Ctrl-C ------------------------------------------------------------------------

BIG = """
import sys, time, threading
import numpy as np, pyarrow as pa
import assay
n = 1_000_000
batch = pa.record_batch({{
    "machine_id": pa.array(np.char.add("M-", np.arange(n).astype(str))),
    "value": pa.array(np.arange(n, dtype="float64")),
}})
table = pa.Table.from_batches([batch] * {copies})
ticks = [0]
def tick():
    while True:
        ticks[0] += 1
        time.sleep(0.001)
threading.Thread(target=tick, daemon=True).start()
print("start", flush=True)
t0 = time.perf_counter()
try:
    report = assay.validate_table(table, sys.argv[1], now="2025-06-02T00:00:00Z", jobs=1)
    print("done", report.status, ticks[0], flush=True)
except KeyboardInterrupt:
    print("interrupted", round(time.perf_counter() - t0, 2), ticks[0], flush=True)
    sys.exit(130)
"""


def big_manifest(tmp_path: Path) -> Path:
    m = tmp_path / "dataset.yaml"
    m.write_text(textwrap.dedent("""\
        assay: 1
        name: big
        version: 1.0.0
        field: IF-C341
        licenses: [{name: CC0-1.0}]
        sensitivity: public
        resources:
          - name: t
            path: data/*.parquet
            schema:
              fields:
                - {name: machine_id, type: string}
                - {name: value, type: float64}
            checks:
              - {check: pattern, column: machine_id, pattern: '^M-[0-9]{1,3}$'}
              - {check: unique, column: machine_id}
              - {check: range, column: value, min: 0, max: 10}
        """))
    return m


def test_the_gil_is_released_while_a_table_is_validated(tmp_path: Path):
    script = tmp_path / "big.py"
    script.write_text(BIG.format(copies=4))
    out = subprocess.run([sys.executable, str(script), str(big_manifest(tmp_path))],
                         capture_output=True, text=True, timeout=600, check=False)
    assert out.returncode == 0, out.stderr
    _, status, ticks = out.stdout.split("\n")[1].split()
    assert status == "fail"
    # Another Python thread ran while the engine worked.
    assert int(ticks) > 20, out.stdout


def test_ctrl_c_interrupts_a_long_validation_cleanly(tmp_path: Path):
    script = tmp_path / "big.py"
    script.write_text(BIG.format(copies=200))
    proc = subprocess.Popen([sys.executable, str(script), str(big_manifest(tmp_path))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "start"
    time.sleep(1.5)
    sent = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    waited = time.perf_counter() - sent
    assert proc.returncode == 130, (out, err)
    assert out.startswith("interrupted"), (out, err)
    # It stopped at a row group, long before 200 M rows were checked.
    assert waited < 30, waited
    assert "Traceback" not in err and "panicked" not in err, err


# --- lint, profile, lock, verify, search ------------------------------------------------------


def test_lint_returns_the_command_lines_diagnostics(tmp_path: Path):
    shutil.copytree(ROOT / "fixtures" / "cases" / "range-fail", tmp_path / "ds")
    manifest = tmp_path / "ds" / "dataset.yaml"
    assert [d for d in assay.lint(manifest) if d["severity"] == "error"] == []
    manifest.write_text(manifest.read_text().replace("column: value", "column: valeu"))
    cli_doc = json.loads(cli("lint", str(manifest), "--format", "json").stdout)
    assert assay.lint(manifest) == cli_doc["manifests"][0]["diagnostics"]
    assert any(d["code"] == "unknown-column" for d in assay.lint(manifest))


def test_profile_is_the_command_lines_profile():
    data = ROOT / "fixtures" / "cases" / "range-fail" / "data"
    cli_doc = json.loads(cli("profile", str(data), "--format", "json").stdout)
    assert assay.profile(data) == cli_doc
    with pytest.raises(assay.AssayError, match="no such file"):
        assay.profile(data / "missing.parquet")


def test_lock_then_verify_finds_a_changed_file(tmp_path: Path):
    ds = tmp_path / "ds"
    shutil.copytree(ROOT / "fixtures" / "cases" / "range-fail", ds)
    (ds / "dataset.lock").unlink(missing_ok=True)
    lock = assay.lock(ds)
    assert lock["changed"] and Path(lock["path"]).is_file()
    assert assay.lock(ds)["changed"] is False
    assert assay.verify(ds)["ok"]
    cli_doc = json.loads(cli("verify", str(ds), "--format", "json").stdout)
    assert assay.verify(ds) == {**cli_doc["results"][0], "ok": True}
    victim = sorted((ds / "data").glob("*.parquet"))[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    v = assay.verify(ds)
    assert not v["ok"] and v["differences"]


def test_search_a_published_site(tmp_path: Path):
    catalog = tmp_path / "catalog"
    for ds in ["boiler-fault-training"]:
        shutil.copytree(ROOT / "catalog" / "IF-C341" / ds, catalog / "IF-C341" / ds)
    for f in ["quality.json"]:
        if (ROOT / "catalog" / f).exists():
            shutil.copy(ROOT / "catalog" / f, catalog / f)
    site = tmp_path / "site"
    out = cli("publish", str(catalog), "--out", str(site), "--now", NOW)
    assert out.returncode == 0, out.stderr
    found = assay.search(site, "boiler fault")
    assert [h["name"] for h in found["hits"]] == ["boiler-fault-training"]
    cli_doc = json.loads(cli("search", "--site", str(site), "boiler fault", "--format", "json").stdout)
    assert [h["name"] for h in found["hits"]] == [h[0] for h in cli_doc["hits"]]
    assert assay.search(site, "boiler", field="IF-B06")["hits"] == []
    with pytest.raises(assay.AssayError, match="publish the catalog first"):
        assay.search(tmp_path, "x")


def test_html_report_is_one_page():
    case = ROOT / "fixtures" / "cases" / "range-fail"
    html = assay.validate(case, now=NOW).to_html()
    assert html.lower().startswith("<!doctype html>") and "range(value)" in html
    mem = assay.validate_table(
        pa.concat_tables([pq.read_table(f) for f in sorted((case / "data").glob("*.parquet"))]),
        case, now=NOW).to_html(lang="zh")
    assert "range(value)" in mem
    with pytest.raises(assay.AssayError, match="`en` or `zh`"):
        assay.validate(case, now=NOW).to_html(lang="fr")
