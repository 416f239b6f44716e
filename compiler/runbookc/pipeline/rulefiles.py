"""Rule files stage: the `rules` globs -> the alerting rules they define, each with the file
line of the rule and of every label and annotation.

A rule file is a Prometheus/Thanos/Mimir rule file (`groups: [{name, rules: [...]}]`) or a
Kubernetes PrometheusRule manifest (`spec.groups`); a file may hold several YAML documents
(other kinds of manifest among them are skipped). Recording rules are read and left out.
Whatever is malformed is an RB601 finding at its line and the rest of the file is still
read. Values are read from the composed nodes (never constructed: no tag runs code) and an
alias is read where it points, within a bound on the nodes visited.

Every file and folder the globs look at is noted with probes.looked_at, so a memoized lint
re-runs when a rule file is edited, added or removed, and stays a no-op otherwise.
"""

from __future__ import annotations

import os
import stat
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from pathlib import Path

import pathspec
import yaml

from runbookc import probes
from runbookc.config import Settings
from runbookc.config_keys import Key, Kind, declare
from runbookc.diagnostics import Diagnostic
from runbookc.limits import MAX_FILE_BYTES
from runbookc.lint.catalog.alerting import RULE_FILE
from runbookc.pipeline.discover import display_path
from runbookc.pipeline.load.yaml_events import FASTEST_LOADER, syntax_problem
from runbookc.pipeline.load.yaml_values import Loader

declare(
    Key(
        "rules",
        Kind.STRINGS,
        "[]",
        "gitignore-style globs, relative to the settings root, of Prometheus rule files "
        "and PrometheusRule manifests (`monitoring/**/*.yaml`): their alerting rules are "
        "checked against the documents",
    ),
)

MAX_NODES = 200_000  # nodes visited in one file, aliases counted where they are read


@dataclass(frozen=True)
class AlertRule:
    """One alerting rule as its file writes it (values as text)."""

    name: str
    path: str  # the rule file's display path
    line: int  # file line of `alert:`
    group: str
    expr: str
    duration: str  # `for`, "" when absent
    labels: dict[str, str] = field(hash=False)
    annotations: dict[str, str] = field(hash=False)
    lines: dict[str, int] = field(hash=False)  # "labels.x" / "annotations.x" -> file line

    def line_of(self, key: str) -> int:
        """The file line of `key` ("annotations.runbook_url"), the rule's when absent."""
        return self.lines.get(key, self.line)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[AlertRule, ...] = ()
    files: tuple[str, ...] = ()  # display paths of the rule files read
    diagnostics: tuple[Diagnostic, ...] = ()  # RB601: what could not be read

    @property
    def configured(self) -> bool:
        return bool(self.files or self.diagnostics)

    @cached_property
    def by_name(self) -> dict[str, list[AlertRule]]:
        """The rules of each alert name, in file order."""
        found: dict[str, list[AlertRule]] = {}
        for rule in self.rules:
            found.setdefault(rule.name, []).append(rule)
        return found


NO_RULES = RuleSet()


def rule_globs(settings: Settings) -> list[str]:
    value = settings.raw.get("rules", [])
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def read_rules(settings: Settings, cwd: Path | None = None) -> RuleSet:
    """The alerting rules of every file the `rules` globs match (sorted by path)."""
    globs = rule_globs(settings)
    if not globs:
        return NO_RULES
    base = (cwd or Path.cwd()).resolve()
    rules: list[AlertRule] = []
    shown: list[str] = []
    found: list[Diagnostic] = []
    for path in rule_files(settings, globs):
        display = display_path(Path(path), base)
        shown.append(display)
        file_rules, problems = read_rule_file(path, display)
        rules += file_rules
        found += problems
    return RuleSet(tuple(rules), tuple(shown), tuple(found))


def rule_files(settings: Settings, globs: list[str]) -> list[str]:
    """The regular files under the settings root that `globs` match, sorted; hidden folders
    and the output dir are not entered, symlinks not followed. Each folder entered is
    noted (a file added or removed changes it)."""
    spec = pathspec.GitIgnoreSpec.from_lines(globs)
    root = os.path.abspath(settings.root)
    output = os.path.abspath(settings.output_dir)
    matched: set[str] = set()
    for top in _walk_roots(root, globs):
        if top == output or top.startswith(output + os.sep):
            continue
        for folder, dirs, files in os.walk(top):
            probes.looked_at(folder)
            dirs[:] = sorted(
                d for d in dirs if not d.startswith(".") and os.path.join(folder, d) != output
            )
            for name in files:
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, root).replace(os.sep, "/")
                if spec.match_file(relative):
                    matched.add(path)
    return sorted(matched)


def _walk_roots(root: str, globs: list[str]) -> list[str]:
    """The folders to walk: each glob's leading folders without wildcards (the root for a
    glob without a `/`, which matches at any depth), nested ones dropped."""
    tops: set[str] = set()
    for glob in globs:
        parts = glob.strip("/").split("/")
        fixed: list[str] = []
        if len(parts) > 1 and not glob.startswith("!"):
            for part in parts[:-1]:
                if any(c in part for c in "*?[\\") or part in ("", ".", ".."):
                    break
                fixed.append(part)
        top = os.path.join(root, *fixed)
        if os.path.isdir(top):
            tops.add(top)
        else:
            probes.looked_at(top)  # a folder made later must be found
    ordered = sorted(tops)
    return [t for t in ordered if not any(t.startswith(o + os.sep) for o in ordered if o != t)]


def read_rule_file(path: str, display: str) -> tuple[list[AlertRule], list[Diagnostic]]:
    """One rule file's alerting rules, and RB601 for each thing in it that is not one."""
    probes.looked_at(path)
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            return [], [RULE_FILE(display, None, "not a regular file: not read")]
        if info.st_size > MAX_FILE_BYTES:
            message = f"rule file is {info.st_size} bytes; the limit is {MAX_FILE_BYTES}"
            return [], [RULE_FILE(display, 1, message)]
        text = Path(path).read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [RULE_FILE(display, 1, f"rule file is not UTF-8 ({exc.reason})")]
    except OSError as exc:
        return [], [RULE_FILE(display, None, f"cannot read the rule file: {exc.strerror}")]
    try:
        roots = _compose(text, FASTEST_LOADER)
    except yaml.YAMLError:
        try:  # the pure-Python parser's messages, whichever parser found the error
            roots = _compose(text, Loader)
        except yaml.YAMLError as exc:
            return [], [_syntax(exc, text, display)]
    reader = _Reader(display)
    for root in roots:
        reader.document(root)
    return reader.rules, reader.problems


def _compose(text: str, loader: type) -> list[yaml.Node]:
    return [node for node in yaml.compose_all(text, Loader=loader) if node is not None]


def _syntax(exc: yaml.YAMLError, text: str, display: str) -> Diagnostic:
    starts = [0, *accumulate(len(line) + 1 for line in text.split("\n"))]

    def position(index: int) -> tuple[int, int]:
        line = bisect_right(starts, index)
        return line, index - starts[line - 1] + 1

    if isinstance(exc, yaml.reader.ReaderError):
        line, column = position(exc.position)
        message = f"character U+{exc.character:04X} is not allowed in YAML"
        return RULE_FILE(display, line, message, column=column)
    if not isinstance(exc, yaml.MarkedYAMLError):
        return RULE_FILE(display, 1, "YAML error")
    line, column, message = syntax_problem(exc, position)
    return RULE_FILE(display, line, message, column=column)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _TooLarge(Exception):
    pass


class _Reader:
    """Reads the composed documents of one file, reporting what does not fit the shape."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.rules: list[AlertRule] = []
        self.problems: list[Diagnostic] = []
        self._visited = 0

    def document(self, root: yaml.Node) -> None:
        try:
            self._document(root)
        except _TooLarge:
            message = f"rule file holds more than {MAX_NODES} YAML nodes (aliases counted)"
            self._report(root, message)

    def _document(self, root: yaml.Node) -> None:
        top = self._mapping(root, "a rule file")
        if top is None:
            return
        kind = self._scalar(top.get("kind"))
        if kind is None:
            groups = top.get("groups")
            if groups is None:
                self._report(root, "neither a rule file (`groups:`) nor a PrometheusRule manifest")
        elif kind == "PrometheusRule":
            spec = self._mapping(top["spec"], "`spec`") if "spec" in top else {}
            groups = spec.get("groups") if spec is not None else None
            if spec is not None and groups is None:
                self._report(root, "PrometheusRule manifest has no `spec.groups`")
        else:
            return  # another manifest of a multi-document file
        if groups is not None:
            for group in self._sequence(groups, "`groups`"):
                self._group(group)

    def _group(self, node: yaml.Node) -> None:
        group = self._mapping(node, "a rule group")
        if group is None:
            return
        name = self._scalar(group.get("name"))
        if name is None:
            self._report(node, "rule group has no `name`")
            name = ""
        if "rules" not in group:
            self._report(node, f"rule group `{name}` has no `rules`")
            return
        for rule in self._sequence(group["rules"], f"`rules` of group `{name}`"):
            self._read_rule(rule, name)

    def _read_rule(self, node: yaml.Node, group: str) -> None:
        rule = self._mapping(node, "a rule")
        if rule is None:
            return
        alert = self._scalar(rule.get("alert"))
        if alert is None:
            if self._scalar(rule.get("record")) is None:
                self._report(node, "rule has neither `alert` nor `record`")
            return  # a recording rule
        expr = self._scalar(rule.get("expr"))
        if expr is None:
            self._report(rule.get("alert", node), f"alerting rule `{alert}` has no `expr`")
            return
        lines: dict[str, int] = {}
        labels = self._strings(rule, "labels", lines)
        annotations = self._strings(rule, "annotations", lines)
        duration = self._scalar(rule.get("for")) or ""
        line = _line(rule["alert"])
        self.rules.append(
            AlertRule(alert, self.display, line, group, expr, duration, labels, annotations, lines)
        )

    def _strings(
        self, rule: dict[str, yaml.Node], key: str, lines: dict[str, int]
    ) -> dict[str, str]:
        """A rule's `labels` or `annotations`: text by name, each name's line in `lines`."""
        node = rule.get(key)
        if node is None:
            return {}
        table = self._pairs(node, f"`{key}`")
        values: dict[str, str] = {}
        for name_node, value_node in table:
            name = self._scalar(name_node)
            value = self._scalar(value_node)
            if name is None or value is None:
                self._report(name_node, f"`{key}` must map names to plain values")
                continue
            values[name] = value
            lines[f"{key}.{name}"] = _line(name_node)
        return values

    # -- node shapes -------------------------------------------------------------

    def _visit(self, node: yaml.Node) -> None:
        self._visited += 1
        if self._visited > MAX_NODES:
            raise _TooLarge

    def _pairs(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, yaml.Node]]:
        self._visit(node)
        if not isinstance(node, yaml.MappingNode):
            self._report(node, f"{what} must be a mapping, not {_kind(node)}")
            return []
        return list(node.value)

    def _mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node] | None:
        """A mapping node's entries by their text keys (None, reported, for another node)."""
        self._visit(node)
        if not isinstance(node, yaml.MappingNode):
            self._report(node, f"{what} must be a mapping, not {_kind(node)}")
            return None
        entries: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                entries.setdefault(key.value, value)
        return entries

    def _sequence(self, node: yaml.Node, what: str) -> Iterator[yaml.Node]:
        self._visit(node)
        if isinstance(node, yaml.ScalarNode) and node.value in ("", "~", "null"):
            return  # `rules:` left empty
        if not isinstance(node, yaml.SequenceNode):
            self._report(node, f"{what} must be a list, not {_kind(node)}")
            return
        yield from node.value

    def _scalar(self, node: yaml.Node | None) -> str | None:
        if node is None:
            return None
        self._visit(node)
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def _report(self, node: yaml.Node, message: str) -> None:
        self.problems.append(
            RULE_FILE(self.display, _line(node), message, column=node.start_mark.column + 1)
        )


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    return "a list" if isinstance(node, yaml.SequenceNode) else f"`{node.value[:40]}`"
