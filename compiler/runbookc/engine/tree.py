"""Publishing a folder of output files whole (the extracted scripts): written beside it,
then swapped in, so a failure keeps the previous one; only a folder we wrote is replaced."""

from __future__ import annotations

from pathlib import Path

from runbookc.engine.publish import staging, swap, write_new
from runbookc.reuse import reuse


class OutputError(Exception):
    """The output dir cannot be (re)placed."""


# Written into every scripts dir runbookc writes: only a dir holding it may be replaced
# whole. A manifest.json alone proves nothing (browser extensions, PWAs and webpack output
# have one).
MARKER = ".runbookc-scripts"


def check_output(out_dir: Path) -> None:
    """Refuse an output dir that is not a folder, or that holds anything and not our marker:
    `--output .` must never delete a project."""
    if not out_dir.exists() and not out_dir.is_symlink():
        return
    if not out_dir.is_dir():
        raise OutputError(f"refusing to replace {out_dir}: it is not a folder")
    try:
        ours = not any(out_dir.iterdir()) or (out_dir / MARKER).is_file()
    except OSError as exc:
        raise OutputError(f"refusing to replace {out_dir}: {exc.strerror}") from exc
    if not ours:
        raise OutputError(
            f"refusing to replace {out_dir}: it is not empty and holds no {MARKER}, the mark "
            "of a previous `runbookc extract` (name a new or empty folder; remove an older "
            "runbookc's output yourself)"
        )


def write_tree(files: dict[str, str], out_dir: Path, previous: Path | None = None) -> None:
    """Write into a staging dir beside `out_dir`, then swap it in (publish.swap rolls back
    a half-done swap): a failure keeps the old one. A file whose bytes are those of its
    namesake under `previous` (default: `out_dir` itself) is hard-linked from there.
    The whole dir is replaced, so it must pass `check_output`; it gets our marker."""
    check_output(out_dir)
    files = {**files, MARKER: "written by runbookc: `runbookc extract` may replace this folder\n"}
    with staging(out_dir.parent) as stage:
        fresh = stage / out_dir.name
        new: list[tuple[Path, bytes, int]] = []
        for rel, text in sorted(files.items()):
            target, data = fresh / rel, text.encode("utf-8")
            mode = 0o755 if rel.endswith(".sh") else 0o644
            if not reuse((previous or out_dir) / rel, target, data, mode):
                new.append((target, data, mode))
        write_new(new)
        fresh.mkdir(exist_ok=True)  # an empty corpus still gets its (empty) dir
        fresh.chmod(0o755)
        swap(stage, out_dir.parent, [out_dir.name])
