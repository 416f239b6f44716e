"""The benchmark: one run, one Markdown table of raw figures and the issue's ratios.

    python bench/run.py                      # 10,000 documents, 3 runs each
    python bench/run.py --quick              # 300 documents, 1 run (the pytest smoke test)
    python bench/run.py --docs 1000 --runs 5 --only floor,cold,noop --dir /tmp/corpus

Every figure is the median wall time of `--runs` fresh processes on the same generated
corpus (bench/generate.py), so ratios within one table are comparable even on a noisy
machine. Peers (markdownlint-cli2) are installed with npm into bench/.tools on first use;
without npm, or with --no-install, their rows say so instead of a figure.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TOOLS = BENCH / ".tools"
# Cold lint at most the single-process parse floor: a tighter target was met only with
# twins of library code, which cost more to keep than their few percent.
COLD_TARGET = 1.0
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "compiler"))

import generate  # noqa: E402

ROWS = (
    "floor",
    "cold",
    "noop",
    "edit",
    "memory",
    "markdownlint",
    "shellcheck",
    "build",
    "serve",
    "version",
    "test",
    "crossover",
)
MARKDOWNLINT = "markdownlint-cli2@0.17.2"

FLOOR_SCRIPT = """
import sys
from pathlib import Path
import frontmatter
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark").enable("table")
for path in sorted(Path(sys.argv[1]).rglob("*.md")):
    post = frontmatter.loads(path.read_text(encoding="utf-8"))
    md.parse(post.content)
"""

CROSSOVER_SCRIPT = """
import statistics, sys, time
from pathlib import Path
from runbookc.config import load_settings
from runbookc.commands.wiring import PER_DOCUMENT
from runbookc.engine.parallel import compile_many, cpu_count
from runbookc.pipeline.discover import discover
settings = load_settings()
files = discover(["runbooks"], Path.cwd()).files
compile_many(files[:2], PER_DOCUMENT, settings, None, 1)
for n in (10, 20, 40, 80, 160, 320):
    if n > len(files):
        break
    figures = []
    for jobs in (1, cpu_count()):
        samples = []
        for _ in range(max(3, int(sys.argv[1]))):
            start = time.perf_counter()
            compile_many(files[:n], PER_DOCUMENT, settings, None, jobs)
            samples.append(time.perf_counter() - start)
        figures.append(statistics.median(samples) * 1000)
    print(n, *figures)
"""

# `runbookc build` ends with "... in 12.3s (lint 1.0s, scripts 0.5s, render 0.4s, mkdocs 10.4s,
# publish 0.3s)"
BUILD_STEPS = re.compile(r" in [0-9.]+s \(([^)]*)\)\s*$")
BUILD_STEP = re.compile(r"(\w+) ([0-9.]+)s")

# `runbookc serve`: how long the first build may take, and the save-to-reload target.
SERVE_START_TIMEOUT = 1800.0
SERVE_TARGET = 1.5

# Files per shellcheck process: big enough to spread its start-up (tens of ms), small
# enough to keep every CPU busy to the end (measured: 50-60 beat 1 process per CPU).
SHELLCHECK_BATCH = 50

MAXRSS_SCRIPT = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


@dataclass
class Row:
    name: str
    figure: str
    baseline: str = ""
    ratio: str = ""
    target: str = ""
    met: str = ""


class Bench:
    def __init__(
        self,
        corpus: Path,
        runs: int,
        install: bool,
        build_docs: int,
        rows: list[str],
        test_docs: int = 1000,
    ) -> None:
        self.corpus = corpus
        self.build_docs = build_docs
        self.test_docs = test_docs
        self.runs = runs
        self.install = install
        self.rows = rows
        self.env = dict(os.environ, PYTHONPATH=str(ROOT / "compiler"))
        self.times: dict[str, float] = {}
        # floor and cold measured in alternation: (floor, cold) wall and CPU of each run.
        self.pairs: list[tuple[float, float, float, float]] = []
        self.extra: list[Row] = []  # rows a measure adds after its own
        self.last_cpu = 0.0  # CPU seconds (user + sys, all processes) of the last figure

    # -- running things -------------------------------------------------------------------

    def wall(self, argv: list[str], before: Callable[[int], None] | None = None) -> float:
        """Median wall time of `runs` runs of argv in the corpus dir; `before(i)` prepares
        run i outside the timing."""
        samples = []
        for run in range(self.runs):
            if before is not None:
                before(run)
            samples.append(self.wall_once(argv))
        self.last_cpu = statistics.median(cpu for _, cpu in samples)
        return statistics.median(wall for wall, _ in samples)

    def wall_once(self, argv: list[str]) -> tuple[float, float]:
        """(wall, CPU) seconds of one run of argv in the corpus dir."""
        used = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(
            argv,
            cwd=self.corpus,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
            check=False,
        )
        # 0 or 1 (findings) is a run; anything else is a crash, whose time means nothing.
        if done.returncode not in (0, 1):
            raise SystemExit(f"bench: {argv[2:]} exited {done.returncode}:\n{done.stderr[-2000:]}")
        return time.perf_counter() - start, _children_cpu() - used

    def with_cpu(self, t: float) -> str:
        return f"{_s(t)} (cpu {_s(self.last_cpu)})"

    def timed(self, name: str, t: float, base: float | None, base_name: str, limit: float) -> Row:
        """A row for the figure just measured, with its ratio to `base` (target <= limit)."""
        figure = self.with_cpu(t)
        if base is None:
            return Row(name, figure, "", f"(run the `{base_name}` row for a ratio)")
        ratio = t / base
        return Row(
            name,
            figure,
            f"{base_name} {_s(base)}",
            f"{ratio:.2f}x",
            f"<= {limit:g}x",
            _yes(ratio <= limit),
        )

    def runbookc(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "runbookc", *args]

    def clear_cache(self, _run: int = 0) -> None:
        shutil.rmtree(self.corpus / "build" / "cache", ignore_errors=True)

    # -- rows ------------------------------------------------------------------------------

    def floor(self) -> Row:
        argv = [sys.executable, "-c", FLOOR_SCRIPT, str(self.corpus / "runbooks")]
        if "cold" in self.rows:
            # Each cold run right after a floor run: this machine's speed drifts by a fifth
            # over minutes, and a ratio of two figures taken minutes apart drifts with it.
            for _ in range(self.runs):
                floor = self.wall_once(argv)
                self.clear_cache()
                self.pairs.append((*floor, *self.wall_once(self.runbookc("lint"))))
            t = self.times["floor"] = statistics.median(f for f, _, _, _ in self.pairs)
            self.last_cpu = statistics.median(c for _, c, _, _ in self.pairs)
        else:
            t = self.times["floor"] = self.wall(argv)
        return Row("parse floor (python-frontmatter + markdown-it-py, 1 process)", self.with_cpu(t))

    def cold(self) -> Row:
        name = "cold `runbookc lint`"
        if not self.pairs:
            t = self.times["cold"] = self.wall(self.runbookc("lint"), before=self.clear_cache)
            return self.timed(name, t, self.times.get("floor"), "floor", COLD_TARGET)
        t = self.times["cold"] = statistics.median(w for _, _, w, _ in self.pairs)
        self.last_cpu = statistics.median(c for _, _, _, c in self.pairs)
        # Each pair's ratio is shown: on a shared machine their spread is the figure's error.
        ratios = sorted(w / f for f, _, w, _ in self.pairs)
        ratio = statistics.median(ratios)
        return Row(
            name,
            self.with_cpu(t),
            f"floor {_s(self.times['floor'])}, run before each cold run "
            f"(pair ratios {', '.join(f'{r:.2f}x' for r in ratios)})",
            f"{ratio:.3f}x",  # at the line, two decimals read "1.00x" for a miss
            f"<= {COLD_TARGET}x",
            _yes(ratio <= COLD_TARGET),
        )

    def noop(self) -> Row:
        subprocess.run(self.runbookc("lint"), cwd=self.corpus, env=self.env, capture_output=True)
        t = self.times["noop"] = self.wall(self.runbookc("lint"))
        return self.timed(
            "no-op `runbookc lint` (cache warm)", t, self.times.get("cold"), "cold", 0.05
        )

    def edit(self) -> Row:
        target = generate.editable_runbook(self.corpus)
        original = target.read_bytes()
        subprocess.run(self.runbookc("lint"), cwd=self.corpus, env=self.env, capture_output=True)

        def touch(run: int) -> None:  # a new edit each run, so each run has one change
            target.write_bytes(original + f"\n- bench edit {run}\n".encode())

        try:
            t = self.times["edit"] = self.wall(self.runbookc("lint"), before=touch)
        finally:
            target.write_bytes(original)
        return self.timed("one edited runbook", t, self.times.get("cold"), "cold", 0.10)

    def memory(self) -> Row:
        self.clear_cache()
        done = subprocess.run(
            [sys.executable, "-c", MAXRSS_SCRIPT, *self.runbookc("lint")],
            cwd=self.corpus,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        mb = int(done.stdout.strip()) / 1024
        return Row(
            "peak memory, cold lint (largest ru_maxrss of lint and its workers)",
            f"{mb:.0f} MB",
            target="< 300 MB",
            met=_yes(mb < 300),
        )

    def markdownlint(self) -> Row:
        tool = self._markdownlint()
        name = "markdownlint-cli2 (peer) vs cold lint"
        if isinstance(tool, str):
            return Row(name, tool)
        t = self.times["markdownlint"] = self.wall([*tool, "runbooks/**/*.md"])
        cold = self.times.get("cold")
        if cold is None:
            return Row(name, _s(t))
        speedup = t / cold
        return Row(
            name,
            _s(t),
            f"lint {_s(cold)}",
            f"lint {speedup:.1f}x faster",
            ">= 3x",
            _yes(speedup >= 3),
        )

    def _markdownlint(self) -> list[str] | str:
        found = shutil.which("markdownlint-cli2")
        local = TOOLS / "node_modules" / ".bin" / "markdownlint-cli2"
        if found:
            return [found]
        if local.exists():
            return [str(local)]
        if not self.install:
            return "skipped: markdownlint-cli2 not installed (--no-install)"
        if not shutil.which("npm"):
            return "skipped: npm not available"
        TOOLS.mkdir(exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund", MARKDOWNLINT],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not local.exists():
            return f"skipped: npm install failed ({done.stderr.strip().splitlines()[-1:]})"
        return [str(local)]

    def shellcheck(self, sample: int) -> Row:
        from runbookc.engine.parallel import cpu_count

        shellcheck = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
        name = (
            f"shellcheck: {SHELLCHECK_BATCH} files per process, {cpu_count()} at a time, "
            "vs one process per script"
        )
        if not Path(shellcheck).exists():
            return Row(name, "skipped: shellcheck not installed")
        with tempfile.TemporaryDirectory() as tmp:
            scripts = extract_scripts(self.corpus, Path(tmp), sample)
            per_script = [[shellcheck, "-s", "bash", "-f", "gcc", str(p)] for p in scripts]
            batches = [
                scripts[i : i + SHELLCHECK_BATCH] for i in range(0, len(scripts), SHELLCHECK_BATCH)
            ]
            batched = [[shellcheck, "-s", "bash", "-f", "gcc", *map(str, b)] for b in batches]
            one = self._median(lambda: _run_all(per_script, at_once=1))
            many = self._median(lambda: _run_all(batched, at_once=cpu_count()))
        speedup = one / many
        return Row(
            f"{name}, {len(scripts)} bash blocks",
            _s(many),
            f"per script {_s(one)}",
            f"{speedup:.1f}x faster",
            ">= 3x",
            _yes(speedup >= 3),
        )

    def test(self) -> Row:
        """Cold `runbookc test` (no verdict cache: bash -n, ShellCheck and the sandbox runs
        of every script) on its own corpus, against batched ShellCheck of the same step
        scripts (`runbookc extract`'s), each figure from the same run of this benchmark."""
        from runbookc.engine.parallel import cpu_count

        name = f"cold `runbookc test`, {self.test_docs} docs, vs batched shellcheck"
        shellcheck = shutil.which("shellcheck") or str(Path(sys.executable).parent / "shellcheck")
        if not Path(shellcheck).exists():
            return Row(name, "skipped: shellcheck not installed")
        with tempfile.TemporaryDirectory(prefix="runbookc-bench-test-") as tmp:
            corpus = Path(tmp) / "corpus"
            generate.generate(corpus, self.test_docs)
            out = Path(tmp) / "scripts"
            subprocess.run(
                [*self.runbookc("extract", "--output", str(out))],
                cwd=corpus,
                env=self.env,
                capture_output=True,
                check=False,
            )
            steps = sorted(p for p in out.rglob("*.sh") if p.name != "run.sh")
            batches = [
                steps[i : i + SHELLCHECK_BATCH] for i in range(0, len(steps), SHELLCHECK_BATCH)
            ]
            batched = [[shellcheck, "-s", "bash", "-f", "gcc", *map(str, b)] for b in batches]
            checked = self._median(lambda: _run_all(batched, at_once=cpu_count()))
            cold = Bench(corpus, self.runs, False, 0, [])
            t = cold.wall(
                self.runbookc("test"),
                before=lambda _: shutil.rmtree(corpus / "build", ignore_errors=True),
            )
            self.last_cpu = cold.last_cpu
        return Row(
            f"{name} of its {len(steps)} step scripts",
            self.with_cpu(t),
            f"shellcheck {_s(checked)}",
            f"{t / checked:.2f}x",
            "<= 3x",
            _yes(t <= 3 * checked),
        )

    def build(self) -> Row:
        """`runbookc build` on its own 1,000-document corpus: the compiler's share (the
        wall time less the mkdocs step the build reports) against mkdocs itself, and a
        rebuild after one edited runbook against the cold build."""
        name = f"`runbookc build`, {self.build_docs} docs: compiler share vs its mkdocs step"
        with tempfile.TemporaryDirectory(prefix="runbookc-bench-build-") as tmp:
            root = Path(tmp)
            generate.generate(root, self.build_docs)
            shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
            shutil.copytree(ROOT / "site", root / "site")
            cold = [self._build(root, clear=True) for _ in range(self.runs)]
            target = generate.editable_runbook(root)
            original = target.read_bytes()
            rebuilt = []
            for run in range(self.runs):
                target.write_bytes(original + f"\n- bench edit {run}\n".encode())
                rebuilt.append(self._build(root, clear=False))
        if any(isinstance(r, str) for r in (*cold, *rebuilt)):
            return Row(name, next(r for r in (*cold, *rebuilt) if isinstance(r, str)))
        wall = statistics.median(w for w, _, _ in cold)
        mkdocs = statistics.median(m for _, m, _ in cold)
        cpu = statistics.median(c for _, _, c in cold)
        share = wall - mkdocs
        again = statistics.median(w for w, _, _ in rebuilt)
        again_cpu = statistics.median(c for _, _, c in rebuilt)
        self.extra.append(
            Row(
                f"`runbookc build` rebuild after one edited runbook ({self.build_docs} docs)",
                f"{_s(again)} (cpu {_s(again_cpu)})",
                f"cold build {_s(wall)} (cpu {_s(cpu)})",
                f"{again / wall:.2f}x",
                "<= 0.25x",
                _yes(again / wall <= 0.25),
            )
        )
        return Row(
            name,
            f"{_s(share)} of {_s(wall)}",
            f"mkdocs {_s(mkdocs)}",
            f"{share / mkdocs:.2f}x",
            "<= 0.15x",
            _yes(share / mkdocs <= 0.15),
        )

    def serve(self) -> Row:
        """`runbookc serve` on the build rows' corpus: from saving an edited runbook to the
        served page showing the edit (the watcher's poll, the rebuild, one fetch), as an
        author's browser reloads it."""
        name = f"`runbookc serve`, {self.build_docs} docs: save to reload of one runbook"
        with tempfile.TemporaryDirectory(prefix="runbookc-bench-serve-") as tmp:
            root = Path(tmp)
            generate.generate(root, self.build_docs)
            shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
            shutil.copytree(ROOT / "site", root / "site")
            target = generate.editable_runbook(root)
            page = target.relative_to(root / "runbooks").with_suffix("").as_posix() + "/"
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            url = f"http://127.0.0.1:{port}/{page}"
            with (root / "serve.log").open("wb") as log:
                server = subprocess.Popen(
                    self.runbookc("serve", "--dev-addr", f"127.0.0.1:{port}"),
                    cwd=root,
                    env=self.env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )
                try:
                    if _served(url, "", SERVE_START_TIMEOUT, server) is None:
                        tail = (root / "serve.log").read_text(errors="replace")[-300:]
                        return Row(name, f"failed: serve did not come up: {tail!r}")
                    original = target.read_bytes()
                    samples = []
                    for run in range(self.runs):
                        marker = f"bench-serve-edit-{run}-{time.time_ns()}"
                        target.write_bytes(original + f"\n{marker}\n".encode())
                        seconds = _served(url, marker, 120.0, server)
                        if seconds is None:
                            return Row(name, f"failed: the edit did not show ({marker})")
                        samples.append(seconds)
                finally:
                    server.terminate()
                    server.wait(timeout=60)
        t = statistics.median(samples)
        return Row(name, _s(t), "", "", f"<= {_s(SERVE_TARGET)}", _yes(t <= SERVE_TARGET))

    def _build(self, root: Path, *, clear: bool) -> tuple[float, float, float] | str:
        """(wall seconds, the mkdocs step's seconds, CPU seconds) of one `runbookc build`,
        or why not."""
        if clear:
            shutil.rmtree(root / "build", ignore_errors=True)
        used = _children_cpu()
        start = time.perf_counter()
        done = subprocess.run(
            self.runbookc("build"), cwd=root, env=self.env, capture_output=True, text=True
        )
        wall = time.perf_counter() - start
        steps = BUILD_STEPS.search(done.stderr)
        if done.returncode != 0 or steps is None:
            errors = [line for line in done.stdout.splitlines() if " error: " in line]
            last = (errors or done.stderr.strip().splitlines())[-1:] or ["no output"]
            return f"failed: runbookc build exit {done.returncode}: {last[0][:160]}"
        timings = {k: float(v) for k, v in BUILD_STEP.findall(steps.group(1))}
        return wall, timings.get("mkdocs", 0.0), _children_cpu() - used

    def version(self) -> Row:
        base = self.times["python"] = self.wall([sys.executable, "-c", "pass"])
        t = self.times["version"] = self.wall(self.runbookc("--version"))
        return self.timed("`runbookc --version`", t, base, "`python -c pass`", 3.0)

    def crossover(self) -> Row:
        """The smallest corpus for which the worker processes beat one process (the
        per-document stage only, in a fresh process, cache off)."""
        done = subprocess.run(
            [sys.executable, "-c", CROSSOVER_SCRIPT, str(self.runs)],
            cwd=self.corpus,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        figures = [line.split() for line in done.stdout.splitlines()]
        wins = [int(n) for n, one, many in figures if float(many) < float(one)]
        detail = ", ".join(
            f"{n}: {float(one):.0f}/{float(many):.0f} ms" for n, one, many in figures
        )
        from runbookc.engine.parallel import MIN_DOCS_PER_WORKER, cpu_count

        return Row(
            "crossover: docs where workers beat 1 process (1 proc/all procs)",
            f"{min(wins) if wins else 'none'} ({detail})",
            f"auto uses workers from {MIN_DOCS_PER_WORKER * min(2, cpu_count())} docs",
        )

    def _median(self, fn: Callable[[], None]) -> float:
        samples = []
        for _ in range(self.runs):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
        return statistics.median(samples)


def extract_scripts(corpus: Path, out: Path, limit: int) -> list[Path]:
    """The corpus's bash blocks as script files, at most `limit`, in path order."""
    from runbookc.pipeline.load import load_file
    from runbookc.pipeline.parse import parse_body

    scripts: list[Path] = []
    for path in sorted((corpus / "runbooks").rglob("*.md")):
        document, _ = load_file(path, str(path))
        if document is None:
            continue
        for block in parse_body(document.body, document.body_line).code_blocks:
            if block.lang in ("bash", "sh") and len(scripts) < limit:
                script = out / f"{len(scripts):05d}.sh"
                script.write_text("#!/usr/bin/env bash\n" + block.content, encoding="utf-8")
                scripts.append(script)
        if len(scripts) >= limit:
            break
    return scripts


def _run_all(commands: list[list[str]], *, at_once: int) -> None:
    """Run every command, `at_once` of them at a time."""
    running: list[subprocess.Popen[bytes]] = []
    for argv in commands:
        if len(running) >= at_once:
            running.pop(0).wait()
        running.append(subprocess.Popen(argv, stdout=subprocess.DEVNULL))
    for process in running:
        process.wait()


def _served(url: str, text: str, timeout: float, server: subprocess.Popen[bytes]) -> float | None:
    """Seconds until `url` answers with a page holding `text`, fetched every 20 ms; None
    after `timeout` or once the server has exited."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout and server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text.encode() in response.read():
                    return time.perf_counter() - start
        except OSError:  # not serving yet, or mid-rebuild
            pass
        time.sleep(0.02)
    return None


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def table(rows: list[Row], header: str) -> str:
    lines = [
        header,
        "",
        "| measure | figure | baseline | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [row.name, row.figure, row.baseline, row.ratio, row.target, row.met]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000, help="corpus size (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--only", default=",".join(ROWS), help=f"rows: {','.join(ROWS)}")
    parser.add_argument("--dir", type=Path, help="corpus dir (default: a temp dir)")
    parser.add_argument("--scripts", type=int, default=1000, help="bash blocks for shellcheck")
    parser.add_argument(
        "--build-docs", type=int, default=1000, help="corpus size of the build rows"
    )
    parser.add_argument(
        "--test-docs", type=int, default=1000, help="corpus size of the `runbookc test` row"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="--docs 300 --runs 1 --scripts 60 --build-docs 40 --test-docs 10",
    )
    parser.add_argument(
        "--no-install", dest="install", action="store_false", help="never npm-install peers"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.docs, args.runs, args.scripts, args.build_docs = 300, 1, 60, 40
        args.test_docs = 10
    rows = [r.strip() for r in args.only.split(",") if r.strip()]
    unknown = set(rows) - set(ROWS)
    if unknown:
        parser.error(f"unknown rows: {', '.join(sorted(unknown))} (choose from {', '.join(ROWS)})")
    with tempfile.TemporaryDirectory(prefix="runbookc-bench-") as tmp:
        corpus = args.dir or Path(tmp)
        # The build rows generate their own corpus; `version` needs none.
        shared = set(rows) - {"build", "serve", "version", "test"}
        paths = generate.generate(corpus, args.docs) if shared else []
        size = sum(p.stat().st_size for p in paths) / 1e6
        bench = Bench(corpus, args.runs, args.install, args.build_docs, rows, args.test_docs)
        before_load = os.getloadavg()[0]
        results = []
        for name in ROWS:  # fixed order: later rows use earlier figures as baselines
            if name in rows:
                method = getattr(bench, name)
                results.append(method(args.scripts) if name == "shellcheck" else method())
                results += bench.extra
                bench.extra = []
                print(f"{name}: {results[-1].figure}", file=sys.stderr, flush=True)
        from runbookc.engine.parallel import cpu_count

        load = f"{before_load:.1f} -> {os.getloadavg()[0]:.1f}"
        corpus_text = f"{len(paths)} documents ({size:.1f} MB)" if paths else "no shared corpus"
        if {"build", "serve"} & set(rows):
            corpus_text += f", build rows {args.build_docs} documents"
        header = (
            f"runbookc benchmark: {corpus_text}, median of "
            f"{args.runs} run(s), {cpu_count()} CPUs, load average {load}, "
            f"Python {sys.version.split()[0]}; cpu = user + sys of all processes"
        )
        sys.stdout.write(table(results, header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
