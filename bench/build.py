"""Benchmark `runbookc build`: the compiler's share next to MkDocs, and a rebuild after one
edit next to the cold build, as a Markdown table (median of --runs).

    python bench/build.py --corpus DIR [--runs 3]
    python bench/build.py --docs 1000 [--runs 3]   # needs bench/generate.py

The corpus (a folder with runbooks/ and usually a pyproject.toml, e.g. made by
bench/generate.py) is copied into a temp dir first; the repo's mkdocs.yml and site/ are
added when it has none. Each run: a cold build (no build/ dir), then one runbook gets a new
paragraph and the build runs again on the previous output. Times are wall times of the
`python -m runbookc build` process; the mkdocs figure is the build's own `mkdocs` stage
(MkDocs' build through its API on the rendered pages), and the compiler's share is
everything else in the process: start-up, lint, scripts, render, the swap.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = re.compile(r"\(lint ([\d.]+)s, scripts ([\d.]+)s, render ([\d.]+)s, mkdocs ([\d.]+)s\)")
RENDERED = re.compile(r"(\d+) pages \((\d+) rendered\)")


@dataclass
class Build:
    wall: float
    stages: dict[str, float]
    pages: int
    rendered: int

    @property
    def compiler(self) -> float:
        return self.wall - self.stages["mkdocs"]


def build(corpus: Path) -> Build:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "compiler")}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "runbookc", "build"],
        cwd=corpus,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    stages, counts = STAGES.search(done.stderr), RENDERED.search(done.stderr)
    if done.returncode != 0 or stages is None or counts is None:
        sys.exit(f"bench: runbookc build failed in {corpus}:\n{done.stdout}{done.stderr}")
    names = ("lint", "scripts", "render", "mkdocs")
    return Build(
        wall,
        dict(zip(names, map(float, stages.groups()), strict=True)),
        int(counts.group(1)),
        int(counts.group(2)),
    )


def editable_runbook(corpus: Path) -> Path:
    """A runbook whose edit keeps the lint clean (no approval that the edit makes stale)."""
    sys.path.insert(0, str(ROOT / "compiler"))
    from runbookc.approvals import approval_state
    from runbookc.load import load_file

    for path in sorted((corpus / "runbooks").rglob("*.md")):
        doc, _ = load_file(path, str(path))
        if (
            doc is not None
            and doc.doc_type == "runbook"
            and approval_state(doc).status in ("none", "pending")
        ):
            return path
    sys.exit("bench: no runbook without an approval to edit")


def prepare(source: Path, into: Path) -> Path:
    corpus = into / "corpus"
    shutil.copytree(source, corpus, ignore=shutil.ignore_patterns("build"))
    if not (corpus / "pyproject.toml").exists():
        (corpus / "pyproject.toml").write_text('[tool.runbookc]\nsource = "runbooks"\n')
    if not (corpus / "mkdocs.yml").exists():
        shutil.copy(ROOT / "mkdocs.yml", corpus / "mkdocs.yml")
    if not (corpus / "site").exists():
        shutil.copytree(ROOT / "site", corpus / "site")
    return corpus


def generate(docs: int, into: Path) -> Path:
    generator = ROOT / "bench" / "generate.py"
    if not generator.is_file():
        sys.exit("bench: bench/generate.py is not here yet; pass --corpus DIR")
    out = into / "generated"
    subprocess.run([sys.executable, str(generator), "--docs", str(docs), str(out)], check=True)
    return out


def measure(corpus: Path, runs: int) -> list[tuple[Build, Build]]:
    target = editable_runbook(corpus)
    original = target.read_bytes()
    results = []
    for run in range(runs):
        shutil.rmtree(corpus / "build", ignore_errors=True)
        cold = build(corpus)
        target.write_bytes(original + f"\nA paragraph edited for run {run}.\n".encode())
        try:
            rebuild = build(corpus)
        finally:
            target.write_bytes(original)
        results.append((cold, rebuild))
    return results


def table(results: list[tuple[Build, Build]], documents: str) -> str:
    def med(values: list[float]) -> float:
        return statistics.median(values)

    cold = med([c.wall for c, _ in results])
    mkdocs = med([c.stages["mkdocs"] for c, _ in results])
    compiler = med([c.compiler for c, _ in results])
    share = med([c.compiler / c.stages["mkdocs"] for c, _ in results])
    rebuild = med([r.wall for _, r in results])
    ratio = med([r.wall / c.wall for c, r in results])
    stages = {k: med([c.stages[k] for c, _ in results]) for k in ("lint", "scripts", "render")}
    re_stages = {k: med([r.stages[k] for _, r in results]) for k in results[0][1].stages}
    pages, rendered = results[0][1].pages, results[0][1].rendered
    rows = [
        ("cold `runbookc build`", f"{cold:.2f} s", "", "", ""),
        ("mkdocs stage (cold)", f"{mkdocs:.2f} s", "", "", ""),
        (
            "compiler's own time (cold: wall - mkdocs)",
            f"{compiler:.2f} s (" + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()) + ")",
            f"{share:.2f}x mkdocs",
            "≤ 0.15x",
            "yes" if share <= 0.15 else "no",
        ),
        (
            "rebuild after editing one runbook",
            f"{rebuild:.2f} s ({rendered} of {pages} pages rendered; "
            + ", ".join(f"{k} {v:.2f}" for k, v in re_stages.items())
            + ")",
            f"{ratio:.2f}x cold",
            "≤ 0.25x",
            "yes" if ratio <= 0.25 else "no",
        ),
    ]
    lines = [
        f"`runbookc build` on {documents}, median of {len(results)} runs",
        "",
        "| figure | time | ratio | target | met |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in rows),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", type=Path, help="a corpus dir (runbooks/ inside)")
    source.add_argument("--docs", type=int, help="generate this many documents")
    parser.add_argument("--runs", type=int, default=3, help="runs to take the median of")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="runbookc-bench-build-") as tmp:
        origin = args.corpus if args.corpus else generate(args.docs, Path(tmp))
        corpus = prepare(origin, Path(tmp))
        count = len(list((corpus / "runbooks").rglob("*.md")))
        print(table(measure(corpus, max(1, args.runs)), f"{count:,} documents"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
