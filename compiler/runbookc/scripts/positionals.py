"""What positional words mean to a tool: the `check` a tools.toml entry names (`bare`,
`sets`, `files`, `saves`, `curl`, `sql`, `awk`, ...). A check reads the command's words as
its tool's patterns read them (a Scan, made by commandclass.py) and returns the verdict the
positional words add, or None when they add nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from runbookc.scripts.classindex import Verdict
from runbookc.scripts.langs import awk_effect, sed_effect, sql_effect
from runbookc.scripts.shellwords import Word
from runbookc.scripts.toolclasses import MUTATING, STREAMS, UNKNOWN


@dataclass
class Scan:
    """A command's words as its tool's patterns read them."""

    path: tuple[str, ...] = ()
    flags: list[tuple[str, tuple[Word, ...]]] = field(default_factory=list)
    positionals: list[Word] = field(default_factory=list)
    mutating: Verdict | None = None
    unknown: str = ""  # the first word not understood
    listed: bool = False  # a changing flag was given one of its read-only values (`-o -`)
    rest: int = -1  # where the words a wrapper (or `exec ... --`) runs start (-1: none)


def literal(word: Word) -> bool:
    return not (word.opaque or word.params)


def _bare(tool: str, scan: Scan) -> Verdict | None:
    if scan.positionals:  # `ip addr flush`, `systemctl frobnicate`: a verb not listed
        return UNKNOWN, " ".join([tool, *scan.path, scan.positionals[0].text])
    return None


def _sets(tool: str, scan: Scan) -> Verdict | None:
    if scan.positionals:  # `hostname NAME`, `mount DEV DIR`, `crontab FILE`
        return MUTATING, " ".join([tool, *scan.path, scan.positionals[0].text])
    return None


def _clock(tool: str, scan: Scan) -> Verdict | None:
    for word in scan.positionals:
        if not word.text.startswith("+"):
            return MUTATING, f"{tool} {word.text}"  # a date to set the clock to
    return None


def _files(tool: str, scan: Scan) -> Verdict | None:
    for word in scan.positionals:
        if word.text not in STREAMS or not literal(word):
            return MUTATING, f"{tool} {word.text}"
    return None


def _assign(tool: str, scan: Scan) -> Verdict | None:
    for word in scan.positionals:
        if "=" in word.text:
            return MUTATING, f"{tool} {word.text}"  # `sysctl vm.swappiness=10`
        if not literal(word):
            return UNKNOWN, f"{tool} {word.text}"  # it may hold a `=`
    return None


def _second_file(tool: str, scan: Scan) -> Verdict | None:
    if len(scan.positionals) > 1:
        return MUTATING, f"{tool} {scan.positionals[0].text} {scan.positionals[1].text}"
    return None


def _saves(tool: str, scan: Scan) -> Verdict | None:
    """It writes files unless a changing flag was given a read-only value (`--to=-`)."""
    if scan.listed:
        return None
    return MUTATING, f"{' '.join([tool, *scan.path])} (saves to a file)"


def _wget(tool: str, scan: Scan) -> Verdict | None:
    if any(flag == "--spider" for flag, _ in scan.flags):
        return None
    return _saves(tool, scan)


_CURL_SCHEMES = re.compile(r"(?i)https?://|[^:/]*(:[0-9]+)?(/|$)")  # http(s), or no scheme


def _curl(tool: str, scan: Scan) -> Verdict | None:
    urls = [*scan.positionals, *(v[0] for f, v in scan.flags if f == "--url")]
    for url in urls:
        if literal(url) and not _CURL_SCHEMES.match(url.text):
            return UNKNOWN, f"{tool} {url.text}"  # smtp://, telnet://...: may send
    for flag, values in scan.flags:
        if flag in ("-w", "--write-out") and "%output{" in values[0].text:
            return MUTATING, f"{tool} {flag} %output"  # writes a file
    return None


_SQL_FLAGS = frozenset({"-c", "--command", "-e", "--execute"})


def _sql(tool: str, scan: Scan) -> Verdict | None:
    """psql -c, mysql -e: every statement must only read; no SQL (stdin) is unknown."""
    statements = [v[0] for f, v in scan.flags if f in _SQL_FLAGS and v]
    if not statements:
        return UNKNOWN, f"{tool} (SQL from its input)"
    for sql in statements:
        effect = sql_effect(sql.text) if literal(sql) else "unsure"
        if effect == "writes":
            return MUTATING, f"{tool} {sql.text}"
        if effect:
            return UNKNOWN, f"{tool} {sql.text}"
    return None


def _program(effect: Callable[[str], str]) -> Callable[[str, Scan], Verdict | None]:
    """awk and sed: the program (first positional word, or -e values for sed) must be
    literal text that neither runs commands nor writes files."""

    def check(tool: str, scan: Scan) -> Verdict | None:
        programs = [v[0] for f, v in scan.flags if f in ("-e", "--expression")]
        programs = programs or scan.positionals[:1]
        if not programs:
            return UNKNOWN, tool
        for program in programs:
            if not literal(program):
                return UNKNOWN, f"{tool} {program.text}"
            found = effect(program.text)
            if found == "writes":
                return MUTATING, f"{tool} {program.text}"
            if found:
                return UNKNOWN, f"{tool} {program.text}"
        return None

    return check


POSITIONAL_CHECKS: dict[str, Callable[[str, Scan], Verdict | None]] = {
    "bare": _bare,
    "sets": _sets,
    "clock": _clock,
    "files": _files,
    "assign": _assign,
    "second-file": _second_file,
    "saves": _saves,
    "wget": _wget,
    "curl": _curl,
    "sql": _sql,
    "awk": _program(awk_effect),
    "sed": _program(sed_effect),
}
