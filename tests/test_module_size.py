"""No module of the package is over 400 lines (issue 16): past that a module holds more
than one thing a newcomer could name, and it is split along that seam."""

from __future__ import annotations

from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "compiler" / "runbookc"
LIMIT = 400


def _over(root: Path, limit: int) -> dict[str, int]:
    """Each module under `root` over `limit` lines, by its path under root, with its count."""
    counts = {
        path.relative_to(root).as_posix(): len(path.read_bytes().splitlines())
        for path in sorted(root.rglob("*.py"))
    }
    return {name: count for name, count in counts.items() if count > limit}


def test_no_module_is_over_400_lines() -> None:
    over = _over(PACKAGE, LIMIT)
    assert over == {}, f"modules over {LIMIT} lines (split each along a seam): {over}"


def test_the_count_names_each_long_module(tmp_path: Path) -> None:
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "long.py").write_text("x = 1\n" * (LIMIT + 1), encoding="utf-8")
    (tmp_path / "short.py").write_text("x = 1\n" * LIMIT, encoding="utf-8")
    assert _over(tmp_path, LIMIT) == {"inner/long.py": LIMIT + 1}
