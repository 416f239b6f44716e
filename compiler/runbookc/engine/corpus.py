"""Finding the documents and running the per-document stages over them."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.engine import codec
from runbookc.engine.cache import DocCache, Pack, cache_dir, entry_blob, plain_value
from runbookc.engine.sources import StatEntry, record_stats, source_keys
from runbookc.errors import UsageError as UsageError
from runbookc.model import Document
from runbookc.pipeline.source_links import link_finding, outside

if TYPE_CHECKING:
    from runbookc.lint.policy import Suppressions
    from runbookc.pipeline.facts import DocFacts
    from runbookc.scripts.extract import Plan

T = TypeVar("T")


@dataclass(frozen=True)
class DocResult:
    """What the per-document stages make of one file: a pure function of its bytes."""

    path: str
    document: Document | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class DocSummary:
    """What lint needs of one file: the facts of its document (None when it did not load),
    the per-document stages' findings and those of the lint rules that look at one document
    only. Cached in one pack for the whole corpus."""

    path: str
    facts: DocFacts | None
    diagnostics: tuple[Diagnostic, ...]
    findings: tuple[Diagnostic, ...]


def summarize(result: DocResult, settings: Settings) -> DocSummary:
    from runbookc.lint.checks import run_document_checks
    from runbookc.pipeline.facts import doc_facts

    document = result.document
    if document is None:
        return DocSummary(result.path, None, result.diagnostics, ())
    findings = tuple(run_document_checks(document, settings))
    return DocSummary(result.path, doc_facts(document, settings), result.diagnostics, findings)


def _names() -> dict[str, object]:
    """The names DocSummary's type hints refer to that this module imports only for type
    checking (codec resolves the hints)."""
    from runbookc.pipeline.facts import DocFacts

    return {"DocFacts": DocFacts}


def result_entry(key: str, result: DocResult) -> bytes | None:
    """The cache entry of a result (None when it cannot be written as plain data)."""
    try:
        return entry_blob(key, DocResult, result)
    except codec.CodecError:
        return None


def plain_summary(summary: DocSummary) -> object | None:
    """A summary as the pack keeps it (None when it cannot be written as plain data)."""
    try:
        return codec.encoder(DocSummary, codec.frozen(_names()))(summary)
    except codec.CodecError:
        return None


def _own_result(hit: DocResult | None, display: str) -> DocResult | None:
    """A cache entry read back, if it is the result of the file shown as `display`."""
    return hit if hit is not None and hit.path == display else None


class Compiled:
    """A freshly compiled file: its result and summary, as objects (compiled in this
    process) or as the pickles a worker sent (in memory only, never from disk; each is
    unpickled at most once), with what the cache keeps of them: the result's entry and
    the summary as plain data (None when not wanted or not writable)."""

    def __init__(
        self,
        result: DocResult | bytes,
        summary: DocSummary | bytes,
        entry: bytes | None = None,
        plain: object | None = None,
    ) -> None:
        self._result = _Pickle(result)
        self._summary = _Pickle(summary)
        self.entry = entry
        self.plain = plain

    @property
    def result(self) -> DocResult:
        return self._result.value(DocResult)

    @property
    def summary(self) -> DocSummary:
        return self._summary.value(DocSummary)

    def result_blob(self) -> bytes:
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


class _Files:
    """The files of a corpus (and of its parts) with their cache keys. Nothing is compiled
    or read back from the cache before it is asked for: a run whose findings are memoized
    needs neither, and lint needs only the summaries, not the documents.

    `keys` None: the cache is empty, so no key can hit and reading every file for its key
    first would only delay the workers; the keys (and stat signatures) then come from
    the compile, which reads every file anyway, the first time they are asked for."""

    def __init__(
        self,
        files: list[tuple[Path, str]],
        keys: list[str | None] | None,
        settings: Settings,
        store: DocCache | None,
        jobs: int,
        plans: DocCache | None,
        start: int,
    ) -> None:
        self.files = files
        self._keys = keys
        self.start = start  # when the run began (time.time_ns())
        self.settings = settings
        self.store = store
        self.jobs = jobs
        self.plans = plans
        self._fresh: dict[int, Compiled] = {}
        self._pack: Pack | None = None
        self._results: list[DocResult] | None = None
        self._summaries: list[DocSummary] | None = None

    @property
    def keys(self) -> list[str | None]:
        if self._keys is None:
            self._compile(range(len(self.files)))
        assert self._keys is not None
        return self._keys

    @property
    def pack(self) -> Pack:
        if self._pack is None:
            self._pack = self.store.read_pack() if self.store is not None else Pack({})
        return self._pack

    def results(self) -> list[DocResult]:
        if self._results is None:
            stored = self._stored_results()
            self._compile(i for i in range(len(self.files)) if i not in stored)
            with bulk_allocation():
                self._results = [
                    stored[i] if i in stored else self._fresh[i].result
                    for i in range(len(self.files))
                ]
        return self._results

    def _stored_results(self) -> dict[int, DocResult]:
        """index -> the cached result of each file not compiled in this run that has one."""
        if self.store is None:
            return {}
        wanted = {
            key: index
            for index, key in enumerate(self.keys)
            if key is not None and index not in self._fresh
        }
        found: dict[int, DocResult] = {}
        for key, hit in self.store.get_many(list(wanted), DocResult).items():
            result = _own_result(hit, self.files[wanted[key]][1])
            if result is not None:
                found[wanted[key]] = result
        return found

    def summaries(self) -> list[DocSummary]:
        if self._summaries is None:
            pack, store = self.pack.entries, self.store
            unpacked = [
                key
                for index, key in enumerate(self.keys)
                if key is not None and key not in pack and index not in self._fresh
            ]
            stored = store.known(unpacked) if store is not None and unpacked else set()
            self._compile(
                i
                for i, key in enumerate(self.keys)
                if key is None or (key not in pack and key not in stored)
            )
            with bulk_allocation():
                self._summaries = [self._summary(i) for i in range(len(self.files))]
            self._save_pack()
        return self._summaries

    def _compile(self, indices: Iterable[int]) -> None:
        from runbookc.engine.parallel import compile_many

        wanted = [i for i in indices if i not in self._fresh]
        files = [self.files[i] for i in wanted]
        fresh = compile_many(files, self.settings, self.store, self.jobs, self.plans, self.start)
        self._fresh.update((i, f.compiled) for i, f in zip(wanted, fresh, strict=True))
        if self._keys is None:  # every file was compiled: their keys are known now
            self._keys = [f.key for f in fresh]
            assert self.store is not None and len(fresh) == len(self.files)
            seen: dict[str, StatEntry] = {
                display: f.stat
                for (_, display), f in zip(files, fresh, strict=True)
                if f.stat is not None
            }
            record_stats(self.store, seen)

    def _result(self, index: int) -> DocResult:
        if index in self._fresh:
            return self._fresh[index].result
        key, display = self.keys[index], self.files[index][1]
        store = self.store
        hit = store.get(key, DocResult) if store is not None and key is not None else None
        result = _own_result(hit, display)
        if result is not None:
            return result
        self._compile([index])  # the entry is gone or torn since it was found
        return self._fresh[index].result

    def _summary(self, index: int) -> DocSummary:
        if index in self._fresh:
            return self._fresh[index].summary
        key, display = self.keys[index], self.files[index][1]
        packed = self.pack.entries.get(key) if key is not None else None
        if packed is not None and packed[0] == display:
            found = plain_value(packed[1], DocSummary, _names())  # a foreign entry: a miss
            if found is not None and found.path == display:
                return found
        result = self._result(index)
        if index not in self._fresh:
            self._fresh[index] = Compiled(result, summarize(result, self.settings))
        return self._fresh[index].summary

    def _save_pack(self) -> None:
        """Write the summaries of this run into the pack when some were not read from it.
        Other paths' entries are kept, so linting a part of the corpus does not evict the
        rest; entries of this run's paths with other content (older edits) are dropped."""
        fresh = [i for i, key in enumerate(self.keys) if key is not None and i in self._fresh]
        if self.store is None or not fresh:
            return
        pack = self.pack.entries
        shown = {display for key, (_, display) in zip(self.keys, self.files, strict=True) if key}
        merged = {key: entry for key, entry in pack.items() if entry[0] not in shown}
        for index, key in enumerate(self.keys):
            if key is not None:
                compiled = self._fresh.get(index)
                display = self.files[index][1]
                if compiled is None:
                    merged[key] = pack[key]
                    continue
                plain = compiled.plain
                if plain is None:
                    plain = compiled.plain = plain_summary(compiled.summary)
                if plain is not None:
                    merged[key] = (display, plain)
        dropped = sum(1 for key in pack if key not in merged)
        live = (key for key in self.keys if key is not None)
        self.store.write_pack(Pack(merged, self.pack.stale + dropped), live)


class Corpus:
    """Every document's result and summary, in path order, computed or read back from the
    cache when first asked for (so a run whose findings are `memoized` does neither)."""

    def __init__(self, files: _Files, start: int = 0, stop: int | None = None) -> None:
        self._files = files
        self._start = start
        self._stop = len(files.files) if stop is None else stop
        self.size = self._stop - self._start
        self._shown = [display for _, display in files.files[self._start : self._stop]]
        self.scope = _digest(self._shown)  # which documents (by path)

    @cached_property
    def key(self) -> str | None:
        """The documents' contents: a digest of every cache key, when all have one."""
        keys = self._files.keys[self._start : self._stop]
        return None if None in keys else _digest(map(str, keys), self._shown)

    def split(self, count: int) -> tuple[Corpus, Corpus]:
        """The first `count` documents and the rest, sharing what either has compiled or
        read back."""
        middle = self._start + count
        return Corpus(self._files, self._start, middle), Corpus(self._files, middle, self._stop)

    @property
    def results(self) -> list[DocResult]:
        return self._files.results()[self._start : self._stop]

    @property
    def summaries(self) -> list[DocSummary]:
        return self._files.summaries()[self._start : self._stop]

    @property
    def documents(self) -> list[Document]:
        return [r.document for r in self.results if r.document is not None]

    @property
    def facts(self) -> list[DocFacts]:
        return [s.facts for s in self.summaries if s.facts is not None]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The per-document stages' findings (not the lint rules')."""
        return [d for s in self.summaries for d in s.diagnostics]

    @property
    def findings(self) -> list[Diagnostic]:
        """The findings of the lint rules that look at one document at a time."""
        return [d for s in self.summaries for d in s.findings]

    @property
    def suppressions(self) -> dict[str, Suppressions]:
        """What each document silences, by path (only those that silence something)."""
        return {f.path: f.suppressions for f in self.facts if f.suppressions is not None}

    def memoized(self, name: str, kind: Any, compute: Callable[[], T], *others: Corpus) -> T:
        """`compute()`, a `kind` (codec: stored as plain data), cached under the keys of
        this corpus and `others`: it must be a pure function of their documents and the
        settings (all in the keys), never of other files. Without a cache it is simply
        computed. The value is stored in one slot per name and set of paths, overwritten
        when their contents change: an edit leaves no stale copy of the corpus findings
        behind."""
        corpora = [self, *others]
        store = self._files.store
        if store is None or any(c.key is None for c in corpora):
            return compute()
        # Rules resolve display paths against the working directory: it is part of the key.
        head = [name, os.getcwd()]
        slot = _digest(head, [c.scope for c in corpora])
        key = _digest(head, [str(c.key) for c in corpora])
        memo = tuple[str, str, kind]  # type: ignore[valid-type]
        hit = store.get(slot, memo)
        if hit is not None and hit[:2] == (name, key):
            return hit[2]  # type: ignore[no-any-return]
        value = compute()
        with contextlib.suppress(codec.CodecError):  # not plain data: computed every time
            store.put_many([(slot, entry_blob(slot, memo, (name, key, value)))])
        return value


def _digest(*parts: Iterable[str]) -> str:
    text = "\n".join("\0".join(strings) for strings in parts)  # paths hold neither
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


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


@dataclass(frozen=True)
class Sources:
    files: list[tuple[Path, str]]  # (path, display path), sorted by display path
    refused: list[Diagnostic]  # symlinks leading out of the repository (source_links)


def discover(targets: list[str], cwd: Path, root: Path | None = None) -> Sources:
    """Every Markdown file under the targets, sorted, as (path, display path). A file
    reached twice (a symlink to another one) is listed once. A symlink found under a folder
    target (or named as a target) that leads out of both `root` (the repository; default:
    `cwd`) and that folder is refused, unread."""
    base = cwd.resolve()
    prefix = str(base).rstrip(os.sep) + os.sep
    home = str((root or cwd).resolve())
    found: dict[str, tuple[str, str]] = {}  # real path -> (path, display)
    refused: list[Diagnostic] = []
    for target in targets:
        path = Path(target)
        if not path.is_absolute():
            path = cwd / path
        if path.is_dir():
            # The folder is resolved once: resolving each of 10,000 files costs more than
            # parsing a hundred documents. Only symlinks need their own real path.
            folder = str(path.resolve())
            for file, is_link in _markdown_files(folder):
                real = os.path.realpath(file) if is_link else file
                shown = file[len(prefix) :] if file.startswith(prefix) else None
                display = shown.replace(os.sep, "/") if shown else display_path(Path(file), base)
                if is_link and outside(real, (home, folder)):
                    refused.append(link_finding(display, real))
                elif file.endswith(".md"):  # a link to a folder inside is not followed
                    found.setdefault(real, (file, display))
        elif path.is_file():
            real = os.path.realpath(path)
            if outside(real, (home, os.path.realpath(path.parent))):
                refused.append(link_finding(display_path(path, cwd), real))
            else:
                found.setdefault(real, (str(path), display_path(path, cwd)))
        else:
            raise UsageError(f"{target}: no such file or directory")
    files = sorted(((Path(p), d) for p, d in found.values()), key=lambda item: item[1])
    return Sources(files, refused)


def discover_targets(targets: list[str], source_dir: Path, cwd: Path, root: Path) -> Sources:
    """`discover` for a command's PATH arguments (default: the source dir). Finding no
    document at all is a usage error: a CI job pointed at the wrong folder must not pass."""
    sources = discover(targets or [str(source_dir)], cwd, root)
    if not sources.files and not sources.refused:
        where = ", ".join(targets) if targets else str(source_dir)
        raise UsageError(f"no documents (*.md) found in {where}")
    return sources


def _markdown_files(folder: str) -> Iterator[tuple[str, bool]]:
    """(path, is a symlink) of every *.md and every symlink to a folder under `folder`,
    skipping hidden folders."""
    try:
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        raise UsageError(f"{folder}: cannot list folder: {exc.strerror or exc}") from exc
    for entry in listed:
        # Like os.walk, symlinked folders are not followed; a symlink loop is not a folder
        # either, and loading it reports that it cannot be read.
        if entry.name.startswith(".") and entry.is_dir():
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _markdown_files(entry.path)
        elif entry.name.endswith(".md") or entry.is_dir():  # the latter: a link to a folder
            yield entry.path, entry.is_symlink()


def compile_document(
    path: Path, display: str, settings: Settings, data: bytes | None = None
) -> DocResult:
    """Load, parse and validate one file (`data`: its bytes when already read), and check
    its scripts statically (not rendered): everything about one document that does not need
    the others, so it runs in the workers and is cached."""
    return compile_and_plan(path, display, settings, data, plan=False)[0]


def compile_and_plan(
    path: Path, display: str, settings: Settings, data: bytes | None, *, plan: bool
) -> tuple[DocResult, Plan | None]:
    """`compile_document`, and with `plan` the document's rendered scripts as well
    (extract.plan_scripts): a build needs them, and the script analysis lint does anyway
    is most of their cost."""
    from runbookc.pipeline.html_safety import check as check_html
    from runbookc.pipeline.load import TOO_LARGE, load_bytes, load_file
    from runbookc.pipeline.parse import BodyTooLarge, parse_body
    from runbookc.pipeline.validate import validate
    from runbookc.scripts.draft import script_findings
    from runbookc.scripts.extract import plan_scripts

    document, diags = load_file(path, display) if data is None else load_bytes(data, display)
    if document is None:
        return DocResult(display, None, tuple(diags)), None
    try:
        document = replace(document, parsed=parse_body(document.body, document.body_line))
    except BodyTooLarge as exc:
        return DocResult(display, None, (*diags, TOO_LARGE(display, exc.line, exc.message))), None
    diags += validate(document)
    diags += check_html(document)
    scripts = plan_scripts(document, settings) if plan else None
    diags += scripts[1] if scripts is not None else script_findings(document, settings)
    return DocResult(display, document, tuple(diags)), scripts


def compile_corpus(
    files: list[tuple[Path, str]],
    settings: Settings,
    *,
    jobs: int = 0,
    use_cache: bool = True,
    plans: DocCache | None = None,
) -> Corpus:
    """The corpus of the files, in the order given. Every file's cache key is found now;
    results are compiled (across `jobs` processes; 0 = one per CPU when the corpus is big
    enough to pay for them) or read back from the cache when first needed. With `plans`
    (extract.plan_store), each document compiled also leaves its scripts' plan there."""
    start = time.time_ns()
    folder = cache_dir(settings) if use_cache else None
    store = DocCache(folder, settings) if folder is not None else None
    keys: list[str | None] | None = [None] * len(files)
    if store is not None:
        keys = None if store.is_empty() else source_keys(files, store)
    return Corpus(_Files(files, keys, settings, store, jobs, plans, start))
