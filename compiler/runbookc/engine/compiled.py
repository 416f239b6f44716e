"""What the engine runs for each document, and a document freshly compiled.

The engine knows no stage: the pipeline names the module of its per-document function as
a `PerDocument` (pipeline/document.py), with the two kinds of value it returns, a result
(cached per file) and a summary (cached in one pack for the corpus), both with the `path`
of the file they are about.
"""

from __future__ import annotations

import gc
import importlib
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from types import ModuleType
from typing import Any, Generic, Protocol, TypeVar

from runbookc.config import Settings
from runbookc.engine import codec
from runbookc.engine.cache import entry_blob, read_entry


class Shown(Protocol):
    @property
    def path(self) -> str: ...  # the display path of the file it is about


R = TypeVar("R", bound=Shown)  # a document's result
S = TypeVar("S", bound=Shown)  # a document's summary
T = TypeVar("T")


class PerDocument(Generic[R, S]):
    """The per-document stages, by the name of the module that defines them:
    `run(path, display path, settings, the file's bytes or None when they could not be
    read) -> (result, summary)`, a pure function of the bytes, the display path and the
    settings; `summarize(result, settings)`, the summary of a cached result; `warm_up()`,
    what every document needs, built before the workers fork; and the classes `RESULT` and
    `SUMMARY`. The module is imported when first needed: a run whose findings are all
    cached imports no stage (one of the lazy imports cli.py lists)."""

    def __init__(self, module: str) -> None:
        self.module = module

    def __reduce__(self) -> tuple[Any, ...]:  # to a spawned worker: the name, not the module
        return PerDocument, (self.module,)

    @cached_property
    def _stages(self) -> ModuleType:
        return importlib.import_module(self.module)

    @property
    def run(self) -> Callable[[Path, str, Settings, bytes | None], tuple[R, S]]:
        return self._stages.run

    @property
    def summarize(self) -> Callable[[R, Settings], S]:
        return self._stages.summarize

    @property
    def result(self) -> type[R]:
        return self._stages.RESULT

    @property
    def summary(self) -> type[S]:
        return self._stages.SUMMARY

    def warm_up(self) -> None:
        self._stages.warm_up()

    def result_entry(self, key: str, result: R) -> bytes | None:
        """The cache entry of a result (None when it cannot be written as plain data)."""
        try:
            return entry_blob(key, self.result, result)
        except codec.CodecError:
            return None

    def summary_json(self, summary: S) -> bytes | None:
        """A summary as the pack keeps it: the JSON of its plain data, written by orjson in
        the worker (None when it cannot be written as plain data)."""
        try:
            return codec.dumps(self.summary)(summary)
        except codec.CodecError:
            return None


class Compiled(Generic[R, S]):
    """A freshly compiled file: its result and summary, as objects (compiled in this
    process) or as what a worker sent (in memory only, never from disk; each is read at
    most once), with what the cache keeps of them: the result's entry and the summary's
    JSON (None when not wanted or not writable). A worker sends a result that has a
    cache entry as that entry alone: lint never reads results, and pickling each one beside
    its entry cost a tenth of a worker's time; a result read back from its entry is the
    one the cache would give."""

    def __init__(
        self,
        result: R | bytes | None,
        summary: S | bytes,
        entry: bytes | None = None,
        summary_json: bytes | None = None,
        key: str | None = None,
    ) -> None:
        assert result is not None or (entry is not None and key is not None)
        self._result = _Pickle(result) if result is not None else None
        self._summary = _Pickle(summary)
        self.entry = entry
        self.summary_json = summary_json
        self._key = key

    def result(self, kind: type[R]) -> R:
        if self._result is None:
            assert self.entry is not None and self._key is not None
            found = read_entry(self._key, self.entry, kind)
            assert isinstance(found, kind), "an entry this process made reads back"
            self._result = _Pickle(found)
        return self._result.value(kind)

    def summary(self, kind: type[S]) -> S:
        return self._summary.value(kind)

    def result_blob(self) -> bytes | None:
        """What a worker sends of the result: None when the entry holds it."""
        if self.entry is not None:
            return None
        assert self._result is not None
        return self._result.blob()

    def summary_blob(self) -> bytes:
        return self._summary.blob()


class _Pickle:
    """A value and its pickle (for a worker to send it to the parent: pickles never go to
    or come from disk), each made from the other when first needed."""

    def __init__(self, given: object) -> None:
        self._blob = given if isinstance(given, bytes) else None
        self._value = None if isinstance(given, bytes) else given

    def value(self, kind: type[T]) -> T:
        if self._value is None:
            assert self._blob is not None
            self._value = pickle.loads(self._blob)
        assert isinstance(self._value, kind)
        return self._value

    def blob(self) -> bytes:
        if self._blob is None:
            self._blob = pickle.dumps(self._value, protocol=pickle.HIGHEST_PROTOCOL)
        return self._blob


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while results are built or unpickled by the
    thousand: they hold no cycles, and collections triggered by the sheer number of new
    objects would rescan the whole growing corpus (half of the unpickling time). On the
    way out the objects are frozen (moved out of the collector's generations): otherwise the
    first collection after re-enabling would scan all of them once more. Frozen objects are
    still freed by reference counting; only cyclic garbage already present is kept."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
