"""Assay for Python: validate industrial datasets where you build them.

The same engine as the ``assay`` command line (it is the same Rust code): the same checks,
reports, grades and located error messages.

>>> import assay
>>> report = assay.validate("catalog/IF-C341/boiler-sensor-telemetry", now="2025-07-05T00:00:00Z")
>>> report.passed, report.grade
(True, 'B')
>>> report = assay.validate_table(df, "catalog/IF-C341/boiler-sensor-telemetry", resource="readings")

Every long call releases the GIL and can be interrupted with Ctrl-C (``KeyboardInterrupt``;
nothing partial is returned). Values of data that is not public are redacted in reports unless
``reveal=True``, as the command line does for everything but its own text output.
"""

from __future__ import annotations

import json
import os
from typing import Any, Iterable, Mapping, Sequence, Union

from . import _assay
from .errors import AssayError, DataError, ManifestError

__all__ = [
    "AssayError",
    "DataError",
    "ManifestError",
    "Report",
    "lint",
    "lock",
    "profile",
    "search",
    "validate",
    "validate_table",
    "verify",
    "__version__",
]

__version__: str = _assay.__version__

PathLike = Union[str, "os.PathLike[str]"]


def _paths(paths: PathLike | Sequence[PathLike]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


class Report:
    """The report of a validation.

    Attributes:
        status: ``"pass"``, ``"warn"``, ``"fail"`` or ``"error"`` (a check that could not be
            evaluated, or a file that could not be read).
        passed: True when nothing failed at error severity and nothing was left unevaluated
            (``pass`` or ``warn``), as the command line exits 0.
        grade: the quality grade, ``"A"`` to ``"E"``.
        checks: every check's result as a dict (``resource``, ``name``, ``kind``, ``columns``,
            ``status``, ``evaluated``, ``failing``, ``failing_fraction``, ``message``,
            ``samples``, …), resources' checks first, then the training set's.
    """

    __slots__ = ("_native", "_doc")

    def __init__(self, native: Any) -> None:
        self._native = native
        self._doc: dict[str, Any] = json.loads(native.json())

    @property
    def status(self) -> str:
        return self._native.status

    @property
    def passed(self) -> bool:
        return self.status in ("pass", "warn")

    @property
    def grade(self) -> str | None:
        quality = self._doc.get("quality")
        return quality.get("grade") if quality else None

    @property
    def summary(self) -> dict[str, Any]:
        """Counts: rows, bytes, checks, passed, failed, warned, errors."""
        return dict(self._doc["summary"])

    @property
    def redacted(self) -> bool:
        """True when values of data that is not public are replaced by tokens."""
        return self._native.redacted

    @property
    def checks(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for resource in self._doc.get("resources", []):
            for check in resource.get("checks", []):
                rows.append({"resource": resource["name"], **check})
        training = self._doc.get("training")
        if training:
            for check in training.get("checks", []):
                rows.append({"resource": None, **check})
        return rows

    def checks_table(self) -> "pyarrow.Table":  # noqa: F821
        """The checks as a pyarrow Table, one row a check (samples left out; they are in
        ``checks`` and ``to_json()``)."""
        import pyarrow as pa

        columns = {
            "resource": pa.string(),
            "name": pa.string(),
            "kind": pa.string(),
            "columns": pa.list_(pa.string()),
            "severity": pa.string(),
            "dimension": pa.string(),
            "status": pa.string(),
            "evaluated": pa.uint64(),
            "failing": pa.uint64(),
            "failing_fraction": pa.float64(),
            "threshold": pa.float64(),
            "message": pa.string(),
        }
        rows = [
            {name: check.get(name, [] if name == "columns" else None) for name in columns}
            for check in self.checks
        ]
        return pa.Table.from_pylist(rows, schema=pa.schema(list(columns.items())))

    def checks_frame(self) -> "pandas.DataFrame":  # noqa: F821
        """The checks as a pandas DataFrame (through ``checks_table()``)."""
        return self.checks_table().to_pandas()

    def to_dict(self) -> dict[str, Any]:
        """The report as a dict: the JSON document."""
        return json.loads(self._native.json())

    def to_json(self) -> str:
        """The report as JSON: the bytes ``assay validate --format json`` writes."""
        return self._native.json()

    def to_text(self) -> str:
        """The report as the command line prints it."""
        return self._native.text()

    def to_html(self, lang: str = "en") -> str:
        """The report as one self-contained HTML page (``en`` or ``zh``), as ``assay report``
        writes it."""
        return self._native.html(lang)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<assay.Report {self._doc['dataset']['name']} {self.status}"
            f" grade={self.grade} checks={s['checks']} failed={s['failed']}>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def validate(
    path: PathLike,
    *,
    now: str | None = None,
    samples: int = 10,
    resource: str | None = None,
    jobs: int | None = None,
    memory_limit: int | None = None,
    reveal: bool = False,
    history: bool = False,
    cluster: str | None = None,
) -> Report:
    """Validates a dataset: its ``dataset.yaml`` / ``dataset.json`` or the folder holding it.

    Args:
        path: the manifest or its folder.
        now: the reference time for freshness, RFC 3339 (default: the current time).
        samples: failing rows kept per check.
        resource: validate only this resource.
        jobs: threads (default: the number of cores).
        memory_limit: bytes the run may hold (default 1 GiB; the rest spills to disk).
        reveal: show the values of data that is not public instead of their tokens.
        history: add the run's metrics to the dataset's history (``.assay/history``), as
            ``assay validate`` does; off by default, so a call writes nothing.
        cluster: ``df://HOST:PORT``, an Apache DataFusion Ballista scheduler: the checks run
            on its executors, as ``assay validate --cluster`` runs them (docs/scale.md).

    Raises:
        ManifestError: the manifest is not lint-clean (located at its first error).
        DataError: a store holding the data refused or could not be reached; a cluster could
            not be reached or did not finish (nothing is reported).
        AssayError: an unknown resource or a bad argument.
        KeyboardInterrupt: Ctrl-C; nothing is reported.
    """
    return Report(
        _assay.validate(
            os.fspath(path),
            now=now,
            samples=samples,
            resource=resource,
            jobs=jobs,
            memory_limit=memory_limit,
            reveal=reveal,
            history=history,
            cluster=cluster,
        )
    )


def _stream(table: Any) -> Any:
    """An object with ``__arrow_c_stream__`` for ``table``: pyarrow Tables and RecordBatches,
    polars DataFrames and anything else exporting the Arrow PyCapsule interface as they are;
    pandas DataFrames through pyarrow (strings are copied then)."""
    if hasattr(table, "__arrow_c_stream__"):
        return table
    module = type(table).__module__
    if module.startswith("pandas"):
        import pyarrow as pa

        return pa.Table.from_pandas(table, preserve_index=False)
    raise TypeError(
        f"validate_table: a {type(table).__module__}.{type(table).__name__} is not a table;"
        " pass a pyarrow Table, a polars or pandas DataFrame, or anything with"
        " __arrow_c_stream__"
    )


def validate_table(
    table: Any,
    manifest: PathLike,
    *,
    resource: str | None = None,
    now: str | None = None,
    samples: int = 10,
    jobs: int | None = None,
    memory_limit: int | None = None,
    reveal: bool = False,
) -> Report:
    """Validates an in-memory table against a resource of a manifest: the check a pipeline
    runs before it writes Parquet.

    Args:
        table: a pyarrow Table, a polars DataFrame (both read without a copy), a pandas
            DataFrame (through pyarrow), or anything with ``__arrow_c_stream__``.
        manifest: the manifest (or its folder) that declares the resource.
        resource: the resource the table is; may be left out when the manifest has one.
        now, samples, jobs, memory_limit, reveal: as for :func:`validate`.

    The report has that one resource, whose one file is ``<memory>``; samples name rows of the
    table, counted from 0. The training-set checks (``ml:``) compare splits and are not run.

    Raises:
        ManifestError, DataError, AssayError, KeyboardInterrupt: as for :func:`validate`.
        TypeError: ``table`` is not a table.
    """
    return Report(
        _assay.validate_table(
            _stream(table),
            os.fspath(manifest),
            resource=resource,
            now=now,
            samples=samples,
            jobs=jobs,
            memory_limit=memory_limit,
            reveal=reveal,
        )
    )


def lint(paths: PathLike | Sequence[PathLike], *, strict: bool = False) -> list[dict[str, Any]]:
    """Lints manifests (files, dataset folders or catalog folders). Returns every diagnostic
    (errors and warnings) as a dict with ``file``, ``line``, ``column``, ``severity``,
    ``code``, ``message`` and ``hint``; an empty list when all is clean. ``strict`` makes
    warnings errors."""
    return json.loads(_assay.lint(_paths(paths), strict=strict))


def profile(paths: PathLike | Sequence[PathLike], *, jobs: int | None = None) -> dict[str, Any]:
    """Profiles Parquet files (paths, folders, or store URLs) with no manifest: per column its
    type, nulls, distinct count, range, top values and histogram, as ``assay profile --format
    json`` prints it."""
    return json.loads(_assay.profile(_paths(paths), jobs=jobs))


def lock(path: PathLike, *, jobs: int | None = None) -> dict[str, Any]:
    """Hashes every file of a dataset and writes its ``dataset.lock``. Returns the lock, with
    ``path`` (where it was written) and ``changed`` (False when it was already up to date)."""
    text, where, changed = _assay.lock(os.fspath(path), jobs=jobs)
    doc = json.loads(text)
    doc["path"] = where
    doc["changed"] = changed
    return doc


def verify(path: PathLike, *, quick: bool = False, jobs: int | None = None) -> dict[str, Any]:
    """Verifies a dataset against its ``dataset.lock``: ``ok`` and every difference. ``quick``
    compares sizes and footers without hashing."""
    doc = json.loads(_assay.verify(os.fspath(path), quick=quick, jobs=jobs))
    doc["ok"] = not doc["differences"]
    return doc


def search(
    site: PathLike, query: str = "", **filters: str | Iterable[str]
) -> dict[str, Any]:
    """Searches a published catalog site (the folder ``assay publish`` wrote), as its search
    page does: ``hits`` (name and BM25 score, best first) and ``facets``. Filters by facet:
    ``field``, ``sector``, ``owner``, ``license``, ``sensitivity``, ``grade``, ``status``,
    ``since`` and ``until`` (validated between two dates)."""
    facets: dict[str, list[str]] = {}
    for facet, values in filters.items():
        facets[facet] = [values] if isinstance(values, str) else list(values)
    doc = json.loads(_assay.search(os.fspath(site), query, facets))
    doc["hits"] = [{"name": name, "score": score} for name, score in doc["hits"]]
    return doc
