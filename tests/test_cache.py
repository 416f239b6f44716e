"""The cache and the workers change how fast lint is, never what it says."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import sqlite3
import sys
from dataclasses import is_dataclass
from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.config import Settings
from runbookc.engine import cache, sources

BROKEN = "---\ndoc_id: RB-BROKEN-0001\ntype: runbook\ntitle: [unclosed\n---\n# x\n"
NO_TYPE = "---\ndoc_id: RB-NOTYPE-0001\ntitle: t\n---\n# x\n"


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A generated corpus (big enough for the workers to be used) with two bad files."""
    _generator().generate(tmp_path, 90)
    (tmp_path / "runbooks" / "ops" / "broken.md").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "runbooks" / "ops" / "no_type.md").write_text(NO_TYPE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "build" / "cache").rglob("*") if p.is_file())


def _entries(root: Path) -> set[str]:
    """The keys of the cache's entries (results and memoized findings)."""
    with contextlib.closing(sqlite3.connect(root / "build" / "cache" / "entries.sqlite")) as db:
        return {key for (key,) in db.execute("SELECT key FROM entries")}


def _pack_entries(pack: Path) -> dict[str, list]:
    return json.loads(pack.read_bytes())["entries"]


def test_cold_warm_parallel_and_uncached_runs_agree(cli, corpus: Path) -> None:
    reference = cli("lint", "--format", "json", "--no-cache", "--jobs", "1")
    assert not (corpus / "build").exists(), "--no-cache must write nothing"
    codes = {d["code"] for d in reference.json()["diagnostics"]}
    assert {"RB007", "RB107"} <= codes
    assert reference.json()["summary"]["documents"] == 92
    runs = {
        "cold, serial": cli("lint", "--format", "json", "--jobs", "1"),
        "warm, serial": cli("lint", "--format", "json", "--jobs", "1"),
        "cold, 2 workers": None,
        "warm, 2 workers": None,
        "uncached, 2 workers": cli("lint", "--format", "json", "--no-cache", "--jobs", "2"),
    }
    for entry in _files(corpus):
        entry.unlink()
    runs["cold, 2 workers"] = cli("lint", "--format", "json", "--jobs", "2")
    runs["warm, 2 workers"] = cli("lint", "--format", "json", "--jobs", "2")
    for name, result in runs.items():
        assert result is not None
        assert (result.code, result.out, result.err) == (
            reference.code,
            reference.out,
            reference.err,
        ), name


def test_cache_lives_under_build_and_holds_every_document(cli, corpus: Path) -> None:
    cli("lint", "--jobs", "2")
    cache_dir = corpus / "build" / "cache"
    names = {p.name for p in _files(corpus)}
    assert {"entries.sqlite", "summaries.pack"} <= names
    assert names <= {"entries.sqlite", "entries.sqlite-wal", "entries.sqlite-shm"} | {
        "summaries.pack",
        "stats",  # the stat signatures, written once the files' times have settled
    }
    # one entry per document plus the memoized corpus findings
    assert len(_entries(corpus)) == 92 + 1
    # and one summary per document in the pack
    assert len(_pack_entries(cache_dir / "summaries.pack")) == 92
    assert not [p for p in (corpus / "runbooks").rglob("*") if p.suffix != ".md" and p.is_file()]


def test_corrupt_entries_are_misses(cli, corpus: Path) -> None:
    reference = cli("lint", "--format", "json", "--no-cache")
    cli("lint")
    (corpus / "build" / "cache" / "summaries.pack").unlink()  # so the entries are read
    database = corpus / "build" / "cache" / "entries.sqlite"
    with contextlib.closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE entries SET blob = X'00'")
    assert cli("lint", "--format", "json").out == reference.out


def test_a_corrupt_cache_file_is_replaced(cli, corpus: Path) -> None:
    reference = cli("lint", "--format", "json", "--no-cache")
    cli("lint")
    for entry in _files(corpus):
        entry.write_bytes(b"not a database, not a pickle" * 200)
    assert cli("lint", "--format", "json").out == reference.out
    # the file was started afresh, so a third run reads good entries
    assert len(_entries(corpus)) == 92 + 1
    assert cli("lint", "--format", "json").out == reference.out


def test_an_edit_invalidates_only_that_document(cli, corpus: Path) -> None:
    cli("lint")
    target = sorted((corpus / "runbooks").rglob("*_runbook.md"))[3]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("type: runbook", "type: runbok", 1), encoding="utf-8")
    result = cli("lint", "--format", "json")
    assert [d["code"] for d in result.json()["diagnostics"] if d["path"].endswith(target.name)] == [
        "RB107"
    ]
    assert result.out == cli("lint", "--format", "json", "--no-cache").out


def test_an_edit_adds_one_entry(cli, corpus: Path) -> None:
    """The edited document's new entry, and nothing else: the corpus findings are memoized
    in one slot per set of paths, rewritten when their contents change."""
    cli("lint")
    before = _entries(corpus)
    target = sorted((corpus / "runbooks").rglob("*_runbook.md"))[5]
    target.write_text(target.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
    edited = cli("lint", "--format", "json")
    assert len(_entries(corpus) - before) == 1
    assert edited.out == cli("lint", "--format", "json", "--no-cache").out
    assert cli("lint", "--format", "json").out == edited.out  # read from the rewritten slot


def test_settings_change_the_key(cli, corpus: Path) -> None:
    cli("lint")
    before = _entries(corpus)
    pyproject = corpus / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.runbookc.site]\ndir = "site"\n')
    cli("lint")
    # every document's entry is new; the memoized findings are rewritten in their slot
    assert len(_entries(corpus) - before) == 92


def test_no_cache_inside_the_source_dir(cli, corpus: Path) -> None:
    pyproject = corpus / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace('output = "build"', 'output = "runbooks/out"')
    )
    result = cli("lint")
    assert result.code == 1  # the two bad files
    assert not (corpus / "runbooks" / "out").exists()


def _alert_doc_linking_to(runbook: Path) -> Path:
    return next(
        p
        for p in runbook.parent.glob("alerts_*.md")
        if f"]({runbook.name}#" in p.read_text(encoding="utf-8")
    )


def test_an_edit_reaches_the_documents_that_link_to_it(cli, corpus: Path) -> None:
    """The edited runbook's summary is new, the others come from the pack: a heading
    renamed in it must still break the anchors other documents link to."""
    cli("lint")
    runbook = next(
        p
        for p in sorted((corpus / "runbooks").rglob("*_runbook.md"))
        if any(f"]({p.name}#" in a.read_text(encoding="utf-8") for a in p.parent.glob("alerts_*"))
    )
    referrer = _alert_doc_linking_to(runbook)
    text = runbook.read_text(encoding="utf-8")
    anchors = re.findall(rf"\]\({re.escape(runbook.name)}#([\w-]+)\)", referrer.read_text())
    # rename every level-2 heading, the ones the alert doc links to among them
    renamed = "\n".join(
        line + " renamed" if line.startswith("## ") else line for line in text.split("\n")
    )
    assert anchors and renamed != text
    runbook.write_text(renamed, encoding="utf-8")
    result = cli("lint", "--format", "json")
    broken = [
        d
        for d in result.json()["diagnostics"]
        if d["code"] == "RB202" and d["path"].endswith(referrer.name)
    ]
    assert broken and all(any(f"`#{a}`" in d["message"] for a in anchors) for d in broken)
    assert (result.code, result.out) == (
        cli("lint", "--format", "json", "--no-cache").code,
        cli("lint", "--format", "json", "--no-cache").out,
    )


def test_the_pack_splices_this_runs_summaries_as_the_workers_wrote_them(tmp_path: Path) -> None:
    """Summaries of this run arrive as JSON and go into the pack unparsed, beside those kept
    from the last pack as plain data; the pack reads back as the whole of both."""
    settings = Settings(tmp_path)
    store = cache.DocCache(tmp_path / "cache", settings)
    kept = {"k1": ("a.md", ["a.md", {"x": [1, 2.5, None]}, "Ж"])}
    written = {"k2": ("b.md", rb'["b.md",{"y":"\u0416"},[]]'), "k3": ("c d.md", b"[]")}
    for entries in ({**kept, **written}, written, kept, {}):
        store.write_pack(cache.Pack(dict(entries), stale=3), entries)
        pack = store.read_pack()
        expected = {
            key: (shown, json.loads(s) if type(s) is bytes else s)
            for key, (shown, s) in entries.items()
        }
        assert (pack.entries, pack.stale) == (expected, 3)


def test_a_torn_or_missing_pack_is_a_miss(cli, corpus: Path) -> None:
    cli("lint")
    pack = corpus / "build" / "cache" / "summaries.pack"
    target = sorted((corpus / "runbooks").rglob("*_runbook.md"))[5]
    for damage in (lambda: pack.write_bytes(pack.read_bytes()[:1000]), pack.unlink):
        damage()
        # an edit, so the findings are not simply the memoized ones
        target.write_text(target.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
        reference = cli("lint", "--format", "json", "--no-cache")
        assert cli("lint", "--format", "json").out == reference.out
        assert len(_pack_entries(pack)) == 92  # rewritten whole


def test_linting_some_files_keeps_the_others_summaries(cli, corpus: Path) -> None:
    cli("lint")
    pack = corpus / "build" / "cache" / "summaries.pack"
    target = sorted((corpus / "runbooks").rglob("*_runbook.md"))[5]
    target.write_text(target.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
    shown = target.relative_to(corpus).as_posix()
    part = cli("lint", "--format", "json", shown)
    assert part.out == cli("lint", "--format", "json", "--no-cache", shown).out
    entries = _pack_entries(pack)
    assert len(entries) == 92  # the edited file's old summary replaced, none lost
    assert sum(display == shown for display, _ in entries.values()) == 1


def test_entries_no_document_uses_are_pruned(cli, corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache, "PRUNE_AFTER", 0)
    cli("lint")
    before = _entries(corpus)
    # a settings change gives every document a new key: all the old entries are garbage
    pyproject = corpus / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.runbookc.site]\ndir = "site"\n')
    result = cli("lint", "--format", "json")
    after = _entries(corpus)
    assert len(after) == 92 + 1  # the documents, the memoized findings
    assert len(after & before) == 1  # the findings' slot, rewritten in place
    assert result.out == cli("lint", "--format", "json", "--no-cache").out
    assert cli("lint", "--format", "json").out == result.out


def _count_reads(monkeypatch, *modules) -> list[str]:
    """The names of the files that `modules` read (with read_source_stat) from now on."""
    read: list[str] = []
    original = sources.read_source_stat

    def counting(path):
        read.append(Path(path).name)
        return original(path)

    for module in modules:
        monkeypatch.setattr(module, "read_source_stat", counting)
    return read


def test_settled_unchanged_files_are_not_read_again(cli, corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr(sources, "SETTLED_NS", 0)  # every file counts as settled
    reference = cli("lint", "--format", "json")
    read = _count_reads(monkeypatch, sources)
    assert cli("lint", "--format", "json").out == reference.out
    assert read == []
    target = sorted((corpus / "runbooks").rglob("*_runbook.md"))[5]
    target.write_text(target.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
    cli("lint")
    assert set(read) == {target.name}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_cold_run_reads_each_file_once(cli, corpus: Path, monkeypatch, jobs: str) -> None:
    """With nothing in the cache no key can hit: the keys come from the compile, which
    reads every file anyway, not from a pass over all of them before it. The stat
    signatures it records spare the next run reading any (all files count as settled)."""
    from runbookc.engine import parallel

    monkeypatch.setattr(sources, "SETTLED_NS", 0)
    reference = cli("lint", "--format", "json", "--no-cache")
    read = _count_reads(monkeypatch, sources, parallel)
    cold = cli("lint", "--format", "json", "--jobs", jobs)
    assert cold.out == reference.out
    if jobs == "1":  # the workers' reads happen in other processes
        assert sorted(read) == sorted(p.name for p in (corpus / "runbooks").rglob("*.md"))
    read.clear()
    assert cli("lint", "--format", "json", "--jobs", jobs).out == reference.out
    assert read == []


def test_a_rewrite_that_keeps_size_and_mtime_is_seen(cli, corpus: Path, monkeypatch) -> None:
    """The ctime, which a tool cannot set back, gives the rewrite away."""
    monkeypatch.setattr(sources, "SETTLED_NS", 0)
    cli("lint")
    target = sorted((corpus / "runbooks").rglob("*_runbook.md"))[5]
    before = target.stat()
    text = target.read_text(encoding="utf-8")
    assert "type: runbook\n" in text
    target.write_text(text.replace("type: runbook\n", "type: runbok \n", 1), encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert target.stat().st_size == before.st_size
    assert target.stat().st_mtime_ns == before.st_mtime_ns
    result = cli("lint", "--format", "json")
    assert "RB107" in {d["code"] for d in result.json()["diagnostics"]}
    assert result.out == cli("lint", "--format", "json", "--no-cache").out


@pytest.mark.parametrize("changed", ["templates/scripts/step.sh.j2", "schema/runbook.json"])
def test_the_compiler_fingerprint_covers_templates_and_schemas(
    tmp_path: Path, changed: str
) -> None:
    """Cached script plans and rendered pages are keyed by it: editing a template in a
    development checkout must not reuse what the old template made."""
    import shutil
    import subprocess

    package = tmp_path / "runbookc"
    shutil.copytree(
        ROOT / "compiler" / "runbookc", package, ignore=shutil.ignore_patterns("__pycache__")
    )
    probe = "from runbookc.engine.cache import compiler_fingerprint; print(compiler_fingerprint())"

    def fingerprint() -> str:
        env = {**os.environ, "PYTHONPATH": str(tmp_path)}
        run = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    before = fingerprint()
    with (package / changed).open("a", encoding="utf-8") as stream:
        stream.write("\n")
    assert fingerprint() != before


def test_a_cache_locked_by_another_run_is_skipped(cli, corpus: Path, monkeypatch) -> None:
    """Another process holding the write lock costs this run its cache writes, not its
    findings."""
    from runbookc.engine import blobstore

    monkeypatch.setattr(blobstore, "_BUSY_SECONDS", 0.05)
    reference = cli("lint", "--format", "json", "--no-cache")
    cli("lint")
    target = sorted((corpus / "runbooks").rglob("*_runbook.md"))[5]
    target.write_text(target.read_text(encoding="utf-8") + "\nmore\n", encoding="utf-8")
    before = _entries(corpus)
    database = corpus / "build" / "cache" / "entries.sqlite"
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # the write lock, held until the end of the block
        edited = cli("lint", "--format", "json")
        other.execute("ROLLBACK")
    assert _entries(corpus) == before  # the edited document's entry was not written
    assert edited.out == cli("lint", "--format", "json", "--no-cache").out != reference.out
    assert cli("lint", "--format", "json").out == edited.out


def test_entries_are_written_through_a_rollback_journal(tmp_path: Path) -> None:
    """A cold run appends its entries: a write-ahead log writes them twice (the log, then its
    checkpoint), a rollback journal once. A file an older version left in write-ahead mode
    is switched back on its first write, its entries kept."""
    from runbookc.engine.blobstore import BlobStore

    database = tmp_path / "entries.sqlite"
    with contextlib.closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE entries (key TEXT PRIMARY KEY, blob BLOB NOT NULL)")
        db.execute("INSERT INTO entries VALUES ('old', x'30')")
        db.commit()
    BlobStore(database).put_many([("new", b"1")])
    with contextlib.closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert BlobStore(database).get_many(["old", "new"]) == {"old": b"0", "new": b"1"}
    assert not (tmp_path / "entries.sqlite-wal").exists()


def test_a_new_entries_file_keeps_an_entry_in_one_page(tmp_path: Path) -> None:
    """An entry averages 13 KB: in SQLite's default 4 KB pages it is a chain of overflow
    pages, in 64 KB pages one page (half the cost of storing them)."""
    from runbookc.engine.blobstore import BlobStore

    database = tmp_path / "entries.sqlite"
    BlobStore(database).put_many([("a", b"x" * 13_000)])
    with contextlib.closing(sqlite3.connect(database)) as db:
        assert db.execute("PRAGMA page_size").fetchone() == (65536,)
    assert BlobStore(database).get("a") == b"x" * 13_000


def test_runs_in_one_process_keep_no_cache_file_open(cli, corpus: Path) -> None:
    """`serve` compiles again and again in one process: each run closes its cache files."""

    def cache_files_open() -> list[str]:
        folder = str(corpus / "build" / "cache")
        found = []
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(f"/proc/self/fd/{fd}")
                if target.startswith(folder):
                    found.append(target)
        return found

    for _ in range(3):
        cli("lint", "--jobs", "1")
        cli("extract", "--output", str(corpus / "scripts"))
    assert cache_files_open() == []


def test_results_a_worker_sends_as_cache_entries_equal_those_compiled_here(corpus: Path) -> None:
    """A worker sends a cached result as its entry alone; read back, it is the very result
    a serial, uncached run compiles (documents, findings and script drafts)."""
    from runbookc.commands.wiring import compile_targets
    from runbookc.config import load_settings

    settings = load_settings()
    serial = compile_targets([], settings, jobs=1, use_cache=False).corpus.results
    sent = compile_targets([], settings, jobs=2).corpus.results
    assert len(sent) == 92 and any(r.drafts for r in sent)
    assert sent == serial


def _compiled(root: Path, front: str):  # type: ignore[no-untyped-def]
    from runbookc.config import load_settings
    from runbookc.pipeline.document import compile_document

    docs = sorted((root / "runbooks").rglob("*.md"))
    doc = next(p for p in docs if "\ntype: runbook\n" in p.read_text("utf-8"))
    text = doc.read_text("utf-8")
    doc.write_text(text.replace("\n---\n", f"\n{front}---\n", 1), "utf-8")
    return compile_document(doc, doc.name, load_settings())


def test_a_cache_entry_is_written_without_walking_the_result_in_python(
    corpus: Path, monkeypatch
) -> None:
    """orjson writes the records (a result has hundreds: headings, blocks, findings) as
    arrays; only the result's own type is checked here (the encoder checked each record)."""
    from runbookc.commands.wiring import PER_DOCUMENT
    from runbookc.engine import codec

    result = _compiled(corpus, "")
    checks: list[object] = []
    real = codec._check
    monkeypatch.setattr(
        codec, "_check", lambda value, kind: checks.append(kind) or real(value, kind)
    )
    entry = PER_DOCUMENT.result_entry("k", result)
    assert entry is not None and cache.read_entry("k", entry, PER_DOCUMENT.result) == result
    assert [kind for kind in checks if is_dataclass(kind)] == [PER_DOCUMENT.result]


@pytest.mark.parametrize(
    "front",
    [
        "x-limit: .nan\n",  # JSON has no NaN: orjson would write null
        "x-limit: -.inf\n",
        "x-list: [1, {a: [.inf]}]\n",  # deep in a list
        'x-map:\n  "\\0map": [[1, 2]]\n',  # the marker of such a mapping, as a key
        "x-big: 123456789012345678901234567890\n",  # past 64 bits
        'x-text: "\\u00e9\\0\\t"\n',
    ],
)
def test_front_matter_json_cannot_hold_plainly_reads_back_as_it_was(corpus: Path, front) -> None:
    """An entry holds the very document, or there is none (the document is compiled again)."""
    import math

    from runbookc.commands.wiring import PER_DOCUMENT

    result = _compiled(corpus, front)
    assert result.document is not None
    entry = PER_DOCUMENT.result_entry("k", result)
    back = cache.read_entry("k", entry, PER_DOCUMENT.result) if entry is not None else None
    nan = any(isinstance(v, float) and math.isnan(v) for v in result.document.front.data.values())
    assert entry is None or (back is not None and (nan or back == result))
    if nan and back is not None:
        assert math.isnan(back.document.front.data["x-limit"])


def _collector_state() -> tuple[int, int]:
    import gc

    return gc.get_freeze_count(), gc.get_threshold()[0]


def test_a_worker_leaves_what_it_inherits_to_reference_counting() -> None:
    """A lint worker freezes what the fork gave it (the collector's full passes scanned it
    all again) and collects less often than every 700 new objects (a document makes
    thousands, freed by reference counting): a tenth of a document's time, in the collector."""
    import multiprocessing

    from runbookc.commands.wiring import PER_DOCUMENT
    from runbookc.config import load_settings
    from runbookc.engine import parallel

    job = (PER_DOCUMENT, load_settings(str(ROOT / "pyproject.toml")), None, 0)
    context = multiprocessing.get_context("fork")
    with context.Pool(1, initializer=parallel._init_worker, initargs=job) as pool:
        frozen, threshold = pool.apply(_collector_state)
    assert frozen > 10_000 and threshold == parallel.WORKER_GC_THRESHOLD > 700


def test_key_paths_are_written_as_the_encoder_writes_them_and_a_forged_one_is_a_miss() -> None:
    """A mapping keyed by key paths goes to orjson as its items: the same JSON as the
    encoder's [key, value] pairs, and a key item of the wrong type (orjson writes it
    unchecked, as every record field) is refused when read back, never taken as written."""
    import orjson
    from runbookc.engine import codec
    from runbookc.model import FrontMatter

    front = FrontMatter({"a": [1, {"b": 2}]}, {("a",): 2, ("a", 0): 3, ("a", 1, "b"): 4}, 1, 5)
    written = codec.dumps(FrontMatter)(front)
    assert written == orjson.dumps(codec.encoder(FrontMatter)(front))
    assert codec.decoder(FrontMatter)(orjson.loads(written)) == front
    forged = FrontMatter({"a": 1}, {("a", True): 2}, 1, 5)
    with pytest.raises(codec.CodecError):
        codec.encoder(FrontMatter)(forged)
    with pytest.raises(codec.CodecError):
        codec.decoder(FrontMatter)(orjson.loads(codec.dumps(FrontMatter)(forged)))
