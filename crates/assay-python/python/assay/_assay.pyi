"""Type stubs of the native module (Rust, PyO3). Use the functions of ``assay`` instead."""

from typing import Any, Mapping

__version__: str

class NativeReport:
    @property
    def status(self) -> str: ...
    @property
    def redacted(self) -> bool: ...
    @property
    def manifest(self) -> str: ...
    def json(self) -> str: ...
    def text(self) -> str: ...
    def html(self, lang: str) -> str: ...

def validate(
    path: str,
    *,
    now: str | None = ...,
    samples: int = ...,
    resource: str | None = ...,
    jobs: int | None = ...,
    memory_limit: int | None = ...,
    reveal: bool = ...,
    history: bool = ...,
    cluster: str | None = ...,
) -> NativeReport: ...
def validate_table(
    stream: Any,
    manifest: str,
    *,
    resource: str | None = ...,
    now: str | None = ...,
    samples: int = ...,
    jobs: int | None = ...,
    memory_limit: int | None = ...,
    reveal: bool = ...,
) -> NativeReport: ...
def lint(paths: list[str], *, strict: bool = ...) -> str: ...
def profile(paths: list[str], *, jobs: int | None = ...) -> str: ...
def lock(path: str, *, jobs: int | None = ...) -> tuple[str, str, bool]: ...
def verify(path: str, *, quick: bool = ..., jobs: int | None = ...) -> str: ...
def search(site: str, query: str, filters: Mapping[str, list[str]]) -> str: ...
