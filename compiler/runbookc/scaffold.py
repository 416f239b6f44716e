"""New documents from the package's templates, for `runbookc init` and `runbookc new`.

A document type's template is templates/new/<type>.md.j2 (doctypes names the types); it is
given the document's id, title and today's date, the alert id an alert doc defines, and the
documents it links to (`runbook`, `alert`, `slo`, `rollback_plan`: each a Related or None).
A new id continues the numbering of its type's ids (RB-PAY-0007 -> RB-PAY-0008) or, where
they have none, is a slug of the title; the type's id pattern must accept it.

Files are written only where there is nothing yet (not even a dangling link), and only
inside the repository: every refusal comes before the first write.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from runbookc import doctypes
from runbookc.config import Settings
from runbookc.errors import UsageError
from runbookc.templating import package_templates

TYPE_CHECKING = False
if TYPE_CHECKING:
    import jinja2

    from runbookc.pipeline.rulefiles import AlertRule

CONFIG_FILE = "runbookc.toml"
EXAMPLES = "examples"  # the folder under the source dir that `init` writes examples into

# The alert id an alert doc from a template defines when the corpus has none to continue
# (the alert schema's ALT-<WORDS>-NNNN).
FIRST_ALERT_ID = "ALT-EXAMPLE-0001"

_NUMBERED = re.compile(r"^(.*[^0-9])([0-9]+)$")  # PREFIX-NNNN: a prefix, then digits
_TITLE = re.compile(r"^[^\x00-\x1f\x7f]{1,300}$")  # one line, as the schemas' titles


@dataclass(frozen=True)
class Related:
    """A document a new one links to: its id, the alert it defines, a link from the new one."""

    doc_id: str
    link: str
    alert_id: str = ""


@dataclass(frozen=True)
class NewFile:
    path: Path
    text: str


@cache
def _templates() -> jinja2.Environment:
    env = package_templates("new")
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False}
    return env


def render(
    doc_type: str,
    doc_id: str,
    title: str,
    today: str,
    alert_id: str = "",
    related: dict[str, Related] | None = None,
    rule: dict[str, str] | None = None,
) -> str:
    """The text of a new document of `doc_type` (a name in doctypes.TYPES); an alert doc
    from `rule` (`from_rule`) takes its alert's values from it."""
    import jinja2

    links = {name: (related or {}).get(name) for name in doctypes.names()}
    try:
        template = _templates().get_template(f"{doc_type}.md.j2")
    except jinja2.TemplateNotFound:
        raise UsageError(f"the document type {doc_type} has no template to start from") from None
    context = {"doc_id": doc_id, "title": title, "today": today, "alert_id": alert_id}
    return template.render(**links, **context, rule=rule)


_SEVERITIES = ("critical", "warning", "info")  # what the alert schema accepts
_DURATION = re.compile(r"[0-9]+[smhd]")  # the alert schema's `for`


def from_rule(rule: AlertRule) -> dict[str, str]:
    """What an alert doc made from an alerting rule says of it: the schema's values, the
    rule's where it has them (a `severity` label or `for` the schema refuses is left out),
    quoted for YAML; and where the rule is (`where`, `group`: Markdown code spans)."""
    severity = rule.labels.get("severity", "")
    summary = " ".join(rule.annotations.get("summary", "").split())
    values = {
        "severity": severity if severity in _SEVERITIES else "warning",
        "summary": summary or rule.name,
        "expr": rule.expr.strip(),
        "threshold": "as the expression says",
        "duration": rule.duration if _DURATION.fullmatch(rule.duration) else "",
    }
    # YAML double-quoted strings, as JSON writes them (tojson would also escape `<` and `>`)
    quoted = {key: json.dumps(value, ensure_ascii=False) for key, value in values.items()}
    return {
        **quoted,
        "duration": quoted["duration"] if values["duration"] else "",
        "where": f"{rule.path}:{rule.line}",
        "group": rule.group,
    }


def rule_named(settings: Settings, alert: str, documented: list[str]) -> AlertRule:
    """The first alerting rule of the rule files named `alert`; a UsageError when none is,
    or when a document already defines the alert."""
    import difflib

    from runbookc.pipeline.rulefiles import read_rules

    if alert in documented:
        raise UsageError(f"--from-rule: an alert doc already defines `{alert}`")
    rules = read_rules(settings).by_name
    if alert not in rules:
        close = difflib.get_close_matches(alert, list(rules), n=1)
        hint = f" (did you mean `{close[0]}`?)" if close else ""
        if not rules:
            raise UsageError(
                f"--from-rule: no alerting rule to read `{alert}` from: the `rules` setting "
                'names no rule file with one (e.g. rules = ["monitoring/**/*.yaml"])'
            )
        raise UsageError(f"--from-rule: no alerting rule defines `{alert}`{hint}")
    return rules[alert][0]


def check_title(title: str) -> str:
    if not _TITLE.match(title) or not title.strip():
        raise UsageError("a title is one line of 1 to 300 characters, no control characters")
    return title.strip()


def slug(text: str) -> str:
    """Lower-case ASCII words joined by dashes ("" when the text has none)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def next_id(ids: Iterable[str], title: str, taken: Iterable[str] = ()) -> str:
    """The id after `ids` (those of one type): the next number of their most common
    PREFIX-NNNN form, as wide as they are; a slug of the title when none has that form.
    Never one of `taken` (every id of the corpus)."""
    used = set(taken) | set(ids)
    forms: Counter[tuple[str, int]] = Counter()
    highest: dict[tuple[str, int], int] = {}
    for doc_id in ids:
        found = _NUMBERED.match(doc_id)
        if found:
            form = (found.group(1), len(found.group(2)))
            forms[form] += 1
            highest[form] = max(highest.get(form, 0), int(found.group(2)))
    if forms:
        (prefix, width), _ = forms.most_common(1)[0]
        number = highest[(prefix, width)] + 1
        while f"{prefix}{number:0{width}d}" in used:
            number += 1
        return f"{prefix}{number:0{width}d}"
    base = slug(title) or "document"
    candidate, suffix = base, 1
    while candidate in used:
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


@dataclass(frozen=True)
class KnownIds:
    """The ids a repository's documents use: doc ids by type, and the alerts defined."""

    by_type: dict[str, list[str]]
    alerts: list[str]
    paths: dict[str, Path]  # doc_id -> its file

    @property
    def all(self) -> set[str]:
        return {doc_id for ids in self.by_type.values() for doc_id in ids}


def known_ids(source_dir: Path, root: Path) -> KnownIds:
    """What the documents under `source_dir` use (those that do not load are skipped: lint
    reports them)."""
    from runbookc.pipeline.discover import discover
    from runbookc.pipeline.load import load_file

    by_type: dict[str, list[str]] = {name: [] for name in doctypes.names()}
    alerts: list[str] = []
    paths: dict[str, Path] = {}
    if not source_dir.is_dir():
        return KnownIds(by_type, alerts, paths)
    for path, display in discover([str(source_dir)], root, root).files:
        document, _ = load_file(path, display)
        if document is None or not document.doc_id:
            continue
        by_type.setdefault(document.doc_type, []).append(document.doc_id)
        paths.setdefault(document.doc_id, path)
        defined = document.front.data.get("alerts")
        for alert in defined if isinstance(defined, list) else []:
            if isinstance(alert, dict) and isinstance(alert.get("id"), str):
                alerts.append(alert["id"])
    return KnownIds(by_type, alerts, paths)


def runbook_link(known: KnownIds, doc_id: str, new_file: Path) -> Related:
    """The runbook `doc_id` as a new document at `new_file` links to it."""
    import os

    if doc_id not in known.by_type[doctypes.RUNBOOK]:
        raise UsageError(f"--runbook: no runbook has the id `{doc_id}`")
    link = os.path.relpath(known.paths[doc_id], new_file.parent).replace(os.sep, "/")
    return Related(doc_id, link)


def next_alert_id(alerts: list[str]) -> str:
    """The id a new alert doc's alert gets: the next of the corpus's numbered alert ids."""
    if any(_NUMBERED.match(alert) for alert in alerts):
        return next_id(alerts, "")
    return FIRST_ALERT_ID


def check_id(doc_type: str, pattern: str, doc_id: str, taken: Iterable[str]) -> str:
    """`doc_id` when it is free and matches `pattern` (the type's id setting)."""
    if doc_id in set(taken):
        raise UsageError(f"the id `{doc_id}` is taken by another document")
    if not re.search(pattern, doc_id):
        raise UsageError(
            f"the id `{doc_id}` does not match the {doc_type} id pattern "
            f"`{pattern}` ([tool.runbookc.ids] {doc_type}): give one with --id"
        )
    return doc_id


def write_new(files: list[NewFile], root: Path) -> None:
    """Write every file, or none: each must be inside `root` and not exist yet."""
    home = root.resolve()
    for new in files:
        target = new.path.resolve()
        if not target.is_relative_to(home):
            raise UsageError(f"{new.path}: outside the repository ({home}); nothing written")
        if new.path.exists() or new.path.is_symlink():
            raise UsageError(f"{new.path}: already exists; nothing written (it is never replaced)")
    for new in files:
        new.path.parent.mkdir(parents=True, exist_ok=True)
        with new.path.open("x", encoding="utf-8") as stream:  # O_EXCL: a file made meanwhile
            stream.write(new.text)


def config_text(settings: Settings) -> str:
    """runbookc.toml: the settings a new repository starts from."""
    return (
        "# runbookc settings: the README's Settings section lists every key.\n"
        f'source = "{settings.source}"\n'
        f'language = "{settings.language}"\n'
    )


def examples(settings: Settings) -> list[NewFile]:
    """One example of each document type in SOURCE/examples/, each given the others to link
    to (its template links those it names: the runbook all, the others the runbook)."""
    folder = settings.source_dir / EXAMPLES
    names = {name: f"example-{slug(name)}.md" for name in doctypes.names()}
    alert_ids = {
        name: FIRST_ALERT_ID if doctypes.ALERTS in doc_type.references else ""
        for name, doc_type in doctypes.TYPES.items()
    }
    related = {
        name: Related(doc_type.example_id, names[name], alert_ids[name])
        for name, doc_type in doctypes.TYPES.items()
        if doc_type.example_id
    }
    files = []
    for name in related:
        doc_type = doctypes.TYPES[name]
        title = f"Example {doctypes.words(doc_type, 'en').one}"
        others = {k: v for k, v in related.items() if k != name}
        text = render(name, doc_type.example_id, title, today(), alert_ids[name], others)
        files.append(NewFile(folder / names[name], text))
    return files


def refuse_existing_settings(root: Path) -> None:
    """A repository whose pyproject.toml already holds [tool.runbookc] has its settings."""
    import tomllib

    pyproject = root / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8")) if pyproject.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        data = {}
    if isinstance(data.get("tool"), dict) and "runbookc" in data["tool"]:
        raise UsageError(f"{pyproject} already holds [tool.runbookc]; nothing written")


def gitignore_entry(root: Path, output: str) -> tuple[Path, str] | None:
    """The .gitignore and the text to append so that it lists the output dir (None when it
    does already); refused when .gitignore leads out of the repository."""
    path = root / ".gitignore"
    if not path.resolve().is_relative_to(root.resolve()):
        raise UsageError(f"{path} leads out of the repository; nothing written")
    if path.exists() and not path.is_file():
        raise UsageError(f"{path} is not a file; nothing written")
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    name = output.strip("/")
    if any(line.strip().strip("/") == name for line in text.splitlines()):
        return None
    newline = "\n" if text and not text.endswith("\n") else ""
    return path, f"{newline}# runbookc's output\n/{name}/\n"


def today() -> str:
    import datetime

    return datetime.date.today().isoformat()
