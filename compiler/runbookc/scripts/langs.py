"""What an awk or sed program, or SQL given to psql -c / mysql -e, does besides reading
and printing: "" (nothing), "writes" (a file, a table, the server), "runs" (a command) or
"unsure" (the scanner cannot tell). The scanners err towards "unsure": anything they do not
recognise is not read-only."""

from __future__ import annotations

import re
from itertools import pairwise

_STREAMS = frozenset({"/dev/stdout", "/dev/stderr"})

# ---- awk ----

_AWK_OPS: tuple[str, ...]
_AWK_OPS = ("||", "&&", "|&", ">>", ">=", "<=", "==", "!=", "!~", "++", "--", "+=", "-=")
_AWK_OPS += ("*=", "/=", "%=", "^=", "**")  # two characters each: tried before one
# After these a `/` starts a regular expression; after a value, it divides.
_VALUE_END = frozenset({"word", "str", "regex", ")", "]", "$"})


class _Unsure(Exception):
    pass


def awk_effect(program: str) -> str:
    try:
        tokens = _awk_tokens(program)
    except _Unsure:
        return "unsure"
    depth_at_print: list[int] = []  # paren depth where each open print statement began
    depth = 0
    for index, (kind, text) in enumerate(tokens):
        if kind == "word" and text == "system":
            return "runs"
        if kind == "op" and text in ("|", "|&"):
            return "runs"  # print | "cmd", "cmd" | getline
        if kind == "op" and text == "@":
            return "unsure"  # gawk @load, @include, indirect calls
        if kind == "word" and text in ("print", "printf"):
            depth_at_print.append(depth)
        elif kind == "op" and text in ("(", "["):
            depth += 1
        elif kind == "op" and text in (")", "]"):
            depth -= 1
        elif kind == "op" and text in (";", "{", "}", "\n"):
            depth_at_print.clear()
        elif kind == "op" and text in (">", ">>") and depth_at_print[-1:] == [depth]:
            target = tokens[index + 1] if index + 1 < len(tokens) else ("", "")
            if target[0] != "str" or target[1] not in _STREAMS:
                return "writes"  # print > "file"
    return ""


def _awk_tokens(program: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    i, n = 0, len(program)
    while i < n:
        char = program[i]
        previous = tokens[-1] if tokens else ("", "")
        if char in " \t\r":
            i += 1
        elif char == "\\" and program.startswith("\n", i + 1):
            i += 2
        elif char == "#":
            while i < n and program[i] != "\n":
                i += 1
        elif char == '"':
            end = _closing(program, i + 1, '"')
            tokens.append(("str", program[i + 1 : end]))
            i = end + 1
        elif char == "/" and previous[0] not in _VALUE_END and previous[1] not in _VALUE_END:
            end = _closing(program, i + 1, "/")
            tokens.append(("regex", program[i + 1 : end]))
            i = end + 1
        elif char.isalnum() or char in "_.":
            match = re.match(r"[A-Za-z0-9_.]+", program[i:])
            assert match is not None
            tokens.append(("word", match.group()))
            i += match.end()
        else:
            op = next((o for o in _AWK_OPS if program.startswith(o, i)), char)
            tokens.append(("op", op))
            i += len(op)
    return tokens


def _closing(text: str, start: int, quote: str) -> int:
    """The offset of the `quote` that ends a string or regex starting at `start`."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i
        if text[i] == "\n":
            break
        i += 1
    raise _Unsure


# ---- sed ----

_SED_SIMPLE = frozenset("=dDgGhHlnNpPqQxzF")  # commands with no argument (l, q, Q: a number)
_SED_S_FLAGS = re.compile(r"[gpiImM0-9]*")


def sed_effect(script: str) -> str:
    try:
        return _sed(script)
    except (_Unsure, IndexError):
        return "unsure"


def _sed(script: str) -> str:
    i, n = 0, len(script)
    while i < n:
        char = script[i]
        if char in " \t\n;{}!":
            i += 1
            continue
        if char == "#":
            i = _line_end(script, i)
            continue
        i = _address(script, i)
        if i < n and script[i] == ",":
            i = _address(script, i + 1)
        while i < n and script[i] in " \t!":
            i += 1
        if i >= n:
            raise _Unsure  # an address without a command
        command = script[i]
        i += 1
        if command in "{}":
            continue
        if command == "s":
            delimiter = script[i]
            if delimiter in "\n\\":
                raise _Unsure
            i = _closing_any(script, _closing_any(script, i + 1, delimiter) + 1, delimiter) + 1
            flags = re.match(r"[^;\n}]*", script[i:])
            text = flags.group().strip() if flags else ""
            if "w" in text:
                return "writes"
            if "e" in text:
                return "runs"
            if not _SED_S_FLAGS.fullmatch(text):
                raise _Unsure
            i += flags.end() if flags else 0
        elif command == "y":
            delimiter = script[i]
            i = _closing_any(script, _closing_any(script, i + 1, delimiter) + 1, delimiter) + 1
        elif command in "wW":
            return "writes"
        elif command == "e":
            return "runs"
        elif command in "aicrR":  # text, or a file to read, up to the end of the line
            i = _line_end(script, i)
        elif command in "btT:v":  # a label up to `;` or the end of the line
            match = re.match(r"[^;\n]*", script[i:])
            i += match.end() if match else 0
        elif command in _SED_SIMPLE:
            while i < n and (script[i].isdigit() or script[i] in " \t"):
                i += 1
        else:
            raise _Unsure
    return ""


def _address(script: str, i: int) -> int:
    """The offset after an address (a line number, `$`, `/re/`, `\\cREc`, `first~step`,
    `+N`, `~N`), or `i` when there is none."""
    n = len(script)
    if i < n and script[i] == "/":
        i = _closing_any(script, i + 1, "/") + 1
    elif i < n and script[i] == "\\":
        i = _closing_any(script, i + 2, script[i + 1]) + 1
    elif i < n and script[i] == "$":
        i += 1
    else:
        match = re.match(r"[+~]?[0-9]+(~[0-9]+)?", script[i:])
        return i + match.end() if match else i
    while i < n and script[i] in "IM":
        i += 1
    return i


def _closing_any(script: str, start: int, delimiter: str) -> int:
    """The offset of the unescaped `delimiter` ending a regex or replacement."""
    i = start
    while i < len(script):
        if script[i] == "\\":
            i += 2
            continue
        if script[i] == delimiter:
            return i
        i += 1
    raise _Unsure


def _line_end(script: str, i: int) -> int:
    """The end of a line that a backslash before its newline continues."""
    while i < len(script) and script[i] != "\n":
        i += 2 if script[i] == "\\" else 1
    return i


# ---- SQL (psql -c, mysql -e) ----


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SQL_READS = _words("select show explain table values with describe desc")
_SQL_NEUTRAL = _words("begin commit rollback start end abort")  # transactions
_SQL_WRITES = _words(
    """insert update delete merge upsert replace drop create alter truncate grant revoke
    comment rename copy vacuum analyze reindex cluster refresh lock call do load import kill
    flush reset purge optimize repair install uninstall shutdown checkpoint discard notify
    into"""
)
# Words after which `(` opens a list or a subquery, not a function call.
_SQL_NOT_CALLS = _words(
    """in exists as values over filter from join and or not when then else on using where
    select by any all some case between having is lateral with union except intersect within
    group table"""
)
# Functions that only compute or read (PostgreSQL and MySQL ones a runbook uses to look).
_SQL_PURE = _words(
    """count sum avg min max coalesce nullif greatest least now current_timestamp
    current_date current_time date_trunc date_part extract to_char to_timestamp to_date age
    round floor ceil ceiling abs length char_length lower upper substring substr trim ltrim
    rtrim concat concat_ws format left right position strpos split_part regexp_replace
    regexp_matches md5 encode decode unnest generate_series array_length cardinality
    array_agg string_agg json_agg jsonb_agg row_number rank dense_rank lag lead cast to_json
    row_to_json json_build_object jsonb_build_object jsonb_pretty pg_size_pretty
    pg_database_size pg_relation_size pg_total_relation_size pg_table_size pg_indexes_size
    pg_column_size pg_is_in_recovery pg_last_wal_receive_lsn pg_last_wal_replay_lsn
    pg_current_wal_lsn pg_wal_lsn_diff pg_last_xact_replay_timestamp pg_postmaster_start_time
    pg_blocking_pids pg_backend_pid pg_typeof pg_get_userbyid pg_get_indexdef pg_get_viewdef
    pg_get_constraintdef current_setting version has_table_privilege quote_ident ifnull if
    date_format unix_timestamp from_unixtime timestampdiff datediff database user
    current_user connection_id interval numeric int bigint text"""
)
# Functions that change the server: end sessions, reload config, move sequences, write files.
_SQL_CHANGING_CALLS = _words(
    """pg_terminate_backend pg_cancel_backend pg_reload_conf set_config nextval setval
    pg_switch_wal pg_rotate_logfile pg_promote pg_wal_replay_pause pg_wal_replay_resume
    pg_drop_replication_slot pg_create_physical_replication_slot
    pg_create_logical_replication_slot pg_stat_reset pg_stat_statements_reset lo_import
    lo_export lo_unlink pg_file_write dblink_exec"""
)
_SQL_META_WRITES = _words("copy o out w write g gexec lo_import lo_unlink")
_SQL_META_READS = re.compile(r"\\(?:d[A-Za-z]*\+?|l\+?|x|timing|conninfo|z|encoding|echo)")
_SQL_TOKEN = re.compile(
    r"""--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|"(?:[^"]|"")*"|`[^`]*`|\$\$.*?\$\$"""
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_$]*)|(?P<op>[();\\])|\S",
    re.S,
)


def sql_effect(sql: str) -> str:
    """Every statement must start as a read (SELECT, SHOW, EXPLAIN...), name no writing
    keyword and call only functions known to compute or read."""
    statements: list[list[str]] = [[]]
    for match in _SQL_TOKEN.finditer(sql):
        word, op = match.group("word"), match.group("op")
        if op == ";":
            statements.append([])
        elif word or op:
            statements[-1].append((word or op).casefold())
    effect = ""
    for tokens in (t for t in statements if t):
        found = _statement(tokens)
        if found == "writes":
            return found
        effect = effect or found
    return effect


def _statement(tokens: list[str]) -> str:
    first = tokens[0]
    if first == "\\":  # psql meta-command: only the listing ones are known
        if tokens[1:2] and tokens[1] in _SQL_META_WRITES:
            return "writes"
        return "" if _SQL_META_READS.fullmatch("\\" + "".join(tokens[1:2])) else "unsure"
    if first in _SQL_WRITES:
        return "writes"
    if first in _SQL_NEUTRAL and len(tokens) <= 3:
        return ""
    if first not in _SQL_READS:
        return "unsure"
    if first == "show":
        return ""  # SHOW CREATE TABLE names `create` and only prints
    if any(t in _SQL_WRITES for t in tokens):
        return "writes"  # WITH d AS (DELETE ...), SELECT ... INTO, EXPLAIN ANALYZE DELETE
    for before, after in pairwise(tokens):
        if after == "(" and before in _SQL_CHANGING_CALLS:
            return "writes"
        if after == "(" and before not in _SQL_NOT_CALLS and before not in _SQL_PURE:
            return "unsure" if before.isidentifier() else ""
    return ""
