"""Extract runbook shell blocks into step scripts, entry scripts and a manifest.

Writes <output>/<doc_id>/<NN>-<name>.sh, <output>/<doc_id>/run.sh and
<output>/manifest.json (default output: the build dir's `scripts`), and the marker
(engine/tree.MARKER) that lets a later extract replace the folder: a folder that holds
anything else and no marker is refused. A script that fails `bash -n` is never written
(RB410 says so); the scripts of a document with another error are not written either,
while those of the other documents are. With --strict, any error (warnings included)
writes nothing: the previous output stays as it was.
Exit status: 0 written, 1 errors (the valid documents' scripts written; with --strict,
nothing), 2 on a usage problem (the output folder included).
"""

from __future__ import annotations

import argparse
import sys

from runbookc.commands.options import add_paths_argument, add_report_options
from runbookc.report.escape import printable


def register(parser: argparse.ArgumentParser) -> None:
    add_paths_argument(parser)
    parser.add_argument("--output", metavar="DIR", help="output dir (default: build/scripts)")
    add_report_options(parser)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runbookc.commands.settings import command_settings
    from runbookc.commands.wiring import extract_targets
    from runbookc.engine.gitcommit import head_commit
    from runbookc.engine.tree import OutputError, check_output, write_tree
    from runbookc.pipeline.corpus import kept, report, writable
    from runbookc.scripts.extract import render_outputs

    settings = command_settings(args.config)
    out_dir = Path(args.output) if args.output else settings.output_dir / "scripts"
    try:
        check_output(out_dir)  # before any work: a usage problem
    except OutputError as exc:
        print(f"runbookc: error: {printable(str(exc))}", file=sys.stderr)
        return 2
    extracted = extract_targets(args.paths, settings)
    found = extracted.diagnostics
    errors = report(extracted.corpus, found, settings, args.format, args.strict)
    if errors and args.strict:
        print("runbookc: errors found; nothing was written (--strict)", file=sys.stderr)
        return 1
    scripts = writable(extracted.scripts, kept(extracted.corpus, found, settings, False))
    files = render_outputs(scripts, head_commit(settings.source_dir))
    try:
        write_tree(files, out_dir)
    except OutputError as exc:  # it changed since the check
        print(f"runbookc: error: {printable(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"runbookc: error: {printable(str(exc))}", file=sys.stderr)
        return 1
    left = len(extracted.scripts) - len(scripts)
    held = f"; {left} held back by their documents' errors" if left else ""
    print(f"runbookc: wrote {len(scripts)} step scripts to {out_dir}{held}", file=sys.stderr)
    return 1 if errors else 0
