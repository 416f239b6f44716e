"""Write a new document of a type from its template, with the next free id and today's date.

`runbookc new runbook "Disk full"` writes SOURCE/disk-full.md: the id continues the
numbering of the type's ids (RB-PAY-0007 -> RB-PAY-0008), or is a slug of the title when
they have none; --id gives one. Never replaces a file, never writes outside the repository.
"""

from __future__ import annotations

import argparse

from runbookc import doctypes


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("type", choices=doctypes.names(), help="document type")
    parser.add_argument("title", nargs="?", help="its title (default: New <type>)")
    parser.add_argument("--id", dest="doc_id", metavar="ID", help="its doc_id")
    parser.add_argument("--output", metavar="PATH", help="the file (default: SOURCE/<slug>.md)")
    parser.add_argument(
        "--runbook",
        metavar="ID",
        help="the runbook it serves (an alert's handler, an SLO's or rollback plan's runbook)",
    )
    parser.add_argument(
        "--from-rule",
        metavar="ALERT",
        help="an alert doc for this alert of the rule files (`rules`): its id, severity, "
        "summary, expression and `for` from the rule",
    )


def run(args: argparse.Namespace) -> int:
    import os
    from pathlib import Path

    from runbookc import scaffold
    from runbookc.config import load_settings
    from runbookc.errors import UsageError
    from runbookc.pipeline.front_settings import front_settings

    settings = load_settings(args.config)
    doc_type = doctypes.TYPES[args.type]
    default = args.from_rule or f"New {doctypes.words(doc_type, 'en').one}"
    title = scaffold.check_title(args.title or default)
    known = scaffold.known_ids(settings.source_dir, settings.root)
    doc_id = args.doc_id or scaffold.next_id(known.by_type[doc_type.name], title, known.all)
    pattern = front_settings(settings).ids[doc_type.name]
    scaffold.check_id(doc_type.name, pattern, doc_id, known.all)
    defines_alerts = doctypes.ALERTS in doc_type.references
    alert_id = scaffold.next_alert_id(known.alerts) if defines_alerts else ""
    rule = None
    if args.from_rule:
        if not defines_alerts:
            raise UsageError(f"--from-rule makes an alert doc, not a {doc_type.name}")
        rule = scaffold.from_rule(scaffold.rule_named(settings, args.from_rule, known.alerts))
        alert_id = args.from_rule
    name = scaffold.slug(title) or scaffold.slug(doc_id) or "document"
    path = Path(args.output) if args.output else settings.source_dir / f"{name}.md"
    related = {}
    if args.runbook:
        related[doctypes.RUNBOOK] = scaffold.runbook_link(known, args.runbook, path.absolute())
    text = scaffold.render(doc_type.name, doc_id, title, scaffold.today(), alert_id, related, rule)
    scaffold.write_new([scaffold.NewFile(path, text)], settings.root)
    print(f"wrote {os.path.relpath(path)}: {doc_type.name} {doc_id}")
    if doc_type.name != doctypes.RUNBOOK and not args.runbook:
        print("not linked yet: name the runbook it serves with --runbook ID, or link it from one")
    return 0
