"""Start a runbook repository in the working directory: settings, examples, .gitignore.

Writes runbookc.toml (`source` and `language`), one example of each document type under
SOURCE/examples/ (linked to each other both ways, lint-clean), and adds the output dir to
.gitignore (created if missing, never listed twice). Replaces no file: when one of them
exists, nothing is written.
"""

from __future__ import annotations

import argparse


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", default="runbooks", help="the documents' folder")
    parser.add_argument("--language", default="en", help="the site's language (en, ru)")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from runbookc import scaffold
    from runbookc.config import Settings
    from runbookc.errors import UsageError
    from runbookc.render.labels import LABELS

    if args.language not in LABELS:
        raise UsageError(f"--language: one of {', '.join(LABELS)}, not {args.language!r}")
    root = Path.cwd()
    settings = Settings(root=root, source=args.source, language=args.language)
    files = [scaffold.NewFile(root / scaffold.CONFIG_FILE, scaffold.config_text(settings))]
    files += scaffold.examples(settings)
    scaffold.refuse_existing_settings(root)
    ignore = scaffold.gitignore_entry(root, settings.output)
    scaffold.write_new(files, root)
    if ignore is not None:
        path, text = ignore
        with path.open("a", encoding="utf-8") as stream:
            stream.write(text)
    for new in files:
        print(f"wrote {new.path.relative_to(root)}")
    if ignore is not None:
        print(f"added /{settings.output}/ to .gitignore")
    print('next: runbookc lint; runbookc new runbook "A title"; runbookc build')
    return 0
