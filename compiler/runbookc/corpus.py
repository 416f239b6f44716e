"""Finding the documents and running the per-document stages over them."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from runbookc.cache import DocCache, cache_dir
from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.errors import UsageError as UsageError
from runbookc.load import MAX_FILE_BYTES, load_bytes, load_file
from runbookc.model import Document
from runbookc.parse import parse_body

T = TypeVar("T")


@dataclass(frozen=True)
class DocResult:
    """What the per-document stages make of one file: a pure function of its bytes."""

    path: str
    document: Document | None
    diagnostics: tuple[Diagnostic, ...]


class Corpus:
    """Every document's result, in path order.

    Results read back from the cache are unpickled on first use, so a run whose
    corpus-level output is itself cached (`memoized`) never unpickles a document.
    """

    def __init__(
        self,
        results: list[DocResult] | None = None,
        *,
        load: Callable[[], list[DocResult]] | None = None,
        size: int | None = None,
        key: str | None = None,
        store: DocCache | None = None,
    ) -> None:
        self._results = results if load is None else None
        self._load = load
        self.size = size if size is not None else len(results or ())
        self.key = key  # digest of every document's cache key; None when not cacheable
        self._store = store

    @property
    def results(self) -> list[DocResult]:
        if self._results is None:
            assert self._load is not None
            with bulk_allocation():
                self._results, self._load = self._load(), None
        return self._results

    @property
    def documents(self) -> list[Document]:
        return [r.document for r in self.results if r.document is not None]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for r in self.results for d in r.diagnostics]

    def memoized(self, name: str, compute: Callable[[], T], *others: Corpus) -> T:
        """`compute()`, cached under the keys of this corpus and `others`: it must be a pure
        function of their documents and the settings (all in the keys), never of other
        files. Without a cache it is simply computed."""
        keys = [self.key, *(other.key for other in others)]
        if self._store is None or None in keys:
            return compute()
        # Rules resolve display paths against the working directory: it is part of the key.
        parts = [name, os.getcwd(), *map(str, keys)]
        key = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
        hit = self._store.get(key)
        if isinstance(hit, tuple) and len(hit) == 2 and hit[0] == name:
            return hit[1]
        value = compute()
        self._store.put(key, pickle.dumps((name, value), protocol=pickle.HIGHEST_PROTOCOL))
        return value


def display_path(path: Path, cwd: Path) -> str:
    """Paths are shown relative to the working directory when under it. A symlink is shown
    by its own name (not its target's), so a broken link names the file the user has."""
    for file, base in (
        (Path(os.path.abspath(path)), cwd.resolve()),
        (Path(os.path.realpath(path)), cwd.resolve()),
    ):
        try:
            return file.relative_to(base).as_posix()
        except ValueError:
            continue
    return path.as_posix()


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while results are built or unpickled by the
    thousand: they hold no cycles, and collections triggered by the sheer number of new
    objects would rescan the whole growing corpus (half of the unpickling time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def discover(targets: list[str], cwd: Path) -> list[tuple[Path, str]]:
    """Every Markdown file under the targets, sorted, as (path, display path). A file
    reached twice (a symlink to another one) is listed once."""
    base = cwd.resolve()
    prefix = str(base).rstrip(os.sep) + os.sep
    found: dict[str, tuple[str, str]] = {}  # real path -> (path, display)
    for target in targets:
        path = Path(target)
        if not path.is_absolute():
            path = cwd / path
        if path.is_dir():
            # The folder is resolved once: resolving each of 10,000 files costs more than
            # parsing a hundred documents. Only symlinks need their own real path.
            for file, is_link in _markdown_files(str(path.resolve())):
                real = os.path.realpath(file) if is_link else file
                shown = file[len(prefix) :] if file.startswith(prefix) else None
                found.setdefault(
                    real,
                    (file, shown.replace(os.sep, "/") if shown else display_path(Path(file), base)),
                )
        elif path.is_file():
            found.setdefault(str(path.resolve()), (str(path), display_path(path, cwd)))
        else:
            raise UsageError(f"{target}: no such file or directory")
    return sorted(((Path(p), d) for p, d in found.values()), key=lambda item: item[1])


def discover_targets(targets: list[str], source_dir: Path, cwd: Path) -> list[tuple[Path, str]]:
    """`discover` for a command's PATH arguments (default: the source dir). Finding no
    document at all is a usage error: a CI job pointed at the wrong folder must not pass."""
    files = discover(targets or [str(source_dir)], cwd)
    if not files:
        where = ", ".join(targets) if targets else str(source_dir)
        raise UsageError(f"no documents (*.md) found in {where}")
    return files


def _markdown_files(folder: str) -> Iterator[tuple[str, bool]]:
    """(path, is a symlink) of every *.md under `folder`, skipping hidden folders."""
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot list folder: {exc.strerror or exc}") from exc
    for entry in listed:
        # Like os.walk, symlinked folders are not followed; a symlink loop is not a folder
        # either, and loading it reports that it cannot be read.
        if entry.is_dir(follow_symlinks=False):
            if not entry.name.startswith("."):
                yield from _markdown_files(entry.path)
        elif entry.name.endswith(".md"):
            yield entry.path, entry.is_symlink()


def compile_document(
    path: Path, display: str, settings: Settings, data: bytes | None = None
) -> DocResult:
    """Load, parse and validate one file (`data`: its bytes when already read), and check
    its scripts statically (not rendered): everything about one document that does not need
    the others, so it runs in the workers and is cached."""
    from runbookc.extract import script_findings
    from runbookc.html_safety import check as check_html
    from runbookc.validate import validate

    document, diags = load_file(path, display) if data is None else load_bytes(data, display)
    if document is None:
        return DocResult(display, None, tuple(diags))
    document = replace(document, parsed=parse_body(document.body, document.body_line))
    diags += validate(document)
    diags += check_html(document)
    diags += script_findings(document, settings)
    return DocResult(display, document, tuple(diags))


def compile_corpus(
    files: list[tuple[Path, str]], settings: Settings, *, jobs: int = 0, use_cache: bool = True
) -> Corpus:
    """Every file's DocResult, in the order given: cached ones are read back when first
    needed, the rest compiled (across `jobs` processes; 0 = one per CPU when the corpus is
    big enough to pay for them)."""
    from runbookc.parallel import compile_many

    folder = cache_dir(settings) if use_cache else None
    if folder is None:
        return Corpus(compile_many(files, settings, None, jobs))
    store = DocCache(folder, settings)
    keys: list[str | None] = []
    misses: list[int] = []
    for index, (path, display) in enumerate(files):
        data = read_source(path)
        key = store.key(display, data) if data is not None else None
        keys.append(key)
        if key is None or not store.has(key):
            misses.append(index)
    fresh = compile_many([files[i] for i in misses], settings, store, jobs)
    compiled = dict(zip(misses, fresh, strict=True))

    def load() -> list[DocResult]:
        results = []
        for index, key in enumerate(keys):
            result = compiled.get(index)
            if result is None:
                result = _cached(store, key, files[index], settings)
            results.append(result)
        return results

    corpus_key = None
    if None not in keys:
        digest = hashlib.sha256()
        for (_, display), key in zip(files, keys, strict=True):
            digest.update(f"{display}\0{key}\n".encode("utf-8", "surrogateescape"))
        corpus_key = digest.hexdigest()
    return Corpus(load=load, size=len(files), key=corpus_key, store=store)


def _cached(
    store: DocCache, key: str | None, file: tuple[Path, str], settings: Settings
) -> DocResult:
    """The cached result, or (an entry gone or torn since it was found) a fresh one."""
    from runbookc.parallel import compile_many

    display = file[1]
    hit = store.get(key) if key is not None else None
    if isinstance(hit, DocResult) and hit.path == display:
        return hit
    return compile_many([file], settings, store, 1)[0]


def read_source(path: Path) -> bytes | None:
    """The file's bytes, or None when it cannot be read or is over the size limit (then
    compile_document reports it, and nothing is cached)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE_BYTES:
            return None
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= MAX_FILE_BYTES else None
