"""Each step ends with an outcome, not only an exit status: ok, symptom found (with the
output lines that show the runbook's symptoms), no matches, warning (a failure the runbook
tolerates, with its line), failed, timed out, interrupted or skipped. `run.sh --diagnose`
prints them as a table and writes `summary.json` next to the timestamped logs, and
`--archive` packs the record into one tar.gz.

Every run executes the scripts inside bubblewrap with a recording stub `kubectl` (never the
real one), as tests/test_scripts_environment.py does.
"""

from __future__ import annotations

import json
import re
import shutil
import tarfile
from pathlib import Path

import pytest
from conftest import require_sandbox
from test_scripts_environment import Bench, _extract

# `logs` prints a symptom, `get nodes` fails (the runbook tolerates it), `config view`
# answers the scripts' own look-up of the kube context.
STUB = """#!{bash} -p
printf '%s\\n' "${{0##*/}} $*" >>"$STUB_CALLS"
case "$1 $2" in
  "config view") printf 'prod-admin (cluster prod-eu, user admin)' ;;
  "logs deploy/web") printf 'dial tcp 10.0.0.1:5432: connection refused\\nretrying\\n' ;;
  "get nodes") echo 'the server is unreachable' >&2; exit 1 ;;
  "get pods") echo 'web-1 Running' ;;
  "get deploy") exit 4 ;;
esac
exit 0
"""

RUNBOOK = (
    "## Symptoms\n\nThe pods log `connection refused`.\n\n"
    "## Diagnosis\n"
    '1) Logs:\n\n```bash\nns="web"\nkubectl logs deploy/web -n "$ns"\n```\n\n'
    "2) Events:\n\n```bash\nkubectl get events | grep OOMKilled\n```\n\n"
    "3) Nodes:\n\n```bash\nkubectl get nodes || true\n```\n\n"
    "4) Pods:\n\n```bash\nkubectl get pods\n```\n"
)


@pytest.fixture
def bench(tmp_path) -> Bench:
    require_sandbox()
    bench = Bench(tmp_path, STUB)
    for tool in ("tar", "gzip"):
        found = shutil.which(tool)
        assert found is not None, tool
        (bench.root / "real" / tool).symlink_to(found)
    return bench


def _folder(bench: Bench, body: str = RUNBOOK) -> Path:
    out = bench.root / "out"
    assert _extract(bench.runbook(body), out) == 0
    (folder,) = [p for p in out.iterdir() if p.is_dir()]
    return folder


def _line(bench: Bench, text: str) -> int:
    return (bench.root / "rb.md").read_text("utf-8").split("\n").index(text) + 1


def test_a_step_says_its_outcome(bench) -> None:
    folder = _folder(bench)
    expected = {
        "01-logs.sh": "symptom found",
        "02-events.sh": "no matches",
        "03-nodes.sh": "warning",
        "04-pods.sh": "ok",
    }
    for step, outcome in expected.items():
        done = bench.run(folder / step)
        assert done.returncode == 0, done.stderr
        assert done.stderr.rstrip("\n").split("\n")[-1 if outcome != "symptom found" else -2] == (
            f"{step}: outcome: {outcome}"
        )
    shown = bench.run(folder / "01-logs.sh")
    assert "  | dial tcp 10.0.0.1:5432: connection refused\n" in shown.stderr
    assert "retrying" not in shown.stderr  # the output passes on; only a match is repeated
    assert shown.stdout == "dial tcp 10.0.0.1:5432: connection refused\nretrying\n"


def test_diagnose_writes_a_summary_table_and_summary_json(bench) -> None:
    entry = _folder(bench) / "run.sh"
    incident = bench.root / "incident"
    done = bench.run(entry, "--diagnose", "--ns", "web", "--out", incident)
    assert done.returncode == 5, done.stderr  # a symptom found, nothing failed
    table = done.stderr[done.stderr.index("\nSTEP ") + 1 :].splitlines()[1:]
    assert [row.split()[0] for row in table[:4]] == [
        "01-logs.sh",
        "02-events.sh",
        "03-nodes.sh",
        "04-pods.sh",
    ]
    assert re.fullmatch(r"01-logs\.sh +symptom found +0", table[0])
    summary = json.loads((incident / "summary.json").read_text("utf-8"))
    assert summary["runbook"] and summary["source"].endswith("rb.md")
    assert summary["commit"] == "unknown"  # the temp dir is no git checkout
    assert summary["kube_context"] == "prod-admin (cluster prod-eu, user admin)"
    assert summary["parameters"] == {"RUNBOOK_NS": "web"}
    assert summary["approval"].startswith(("none", "approved", "pending", "missing"))
    assert summary["user"] and summary["host"]
    assert summary["started"] <= summary["finished"]
    steps = {s["step"]: s for s in summary["steps"]}
    assert [s["outcome"] for s in summary["steps"]] == [
        "symptom found",
        "no matches",
        "warning",
        "ok",
    ]
    assert steps["01-logs.sh"]["matches"] == ["dial tcp 10.0.0.1:5432: connection refused"]
    where = f"rb.md:{_line(bench, 'kubectl get nodes || true')}"
    (warning,) = steps["03-nodes.sh"]["warnings"]
    assert warning.endswith(f"/{where}: kubectl exited with status 1"), warning
    assert all(s["exit"] == 0 for s in summary["steps"])
    assert (incident / "outcomes.txt").read_text("utf-8").endswith("04-pods.sh outcome ok\n")
    log = (incident / "01-logs.log").read_text("utf-8").splitlines()
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
    assert all(re.match(stamp, line) for line in log), log
    assert any(line.endswith(" dial tcp 10.0.0.1:5432: connection refused") for line in log)
    text = (incident / "summary.txt").read_text("utf-8")
    assert "kube context prod-admin (cluster prod-eu, user admin)\n" in text
    assert "parameter RUNBOOK_NS=web\n" in text
    assert "    | dial tcp 10.0.0.1:5432: connection refused\n" in text
    # the terminal gets the output as it is, without the logs' times
    assert "\ndial tcp 10.0.0.1:5432: connection refused\n" in done.stdout


def test_archive_packs_the_record_for_the_ticket(bench) -> None:
    entry = _folder(bench) / "run.sh"
    incident = bench.root / "incident"
    done = bench.run(entry, "--diagnose", "--archive", "--out", incident)
    assert done.returncode == 5, done.stderr
    archive = bench.root / "incident.tar.gz"
    assert f"archive for the incident ticket: {archive}" in done.stderr
    with tarfile.open(archive) as packed:
        names = set(packed.getnames())
    assert {"incident/summary.json", "incident/summary.txt", "incident/01-logs.log"} <= names


def test_a_runbook_exit_4_is_a_failed_step_not_a_remote_shell_stop(bench) -> None:
    body = "## Diagnosis\n1) Deploy:\n\n```bash\nkubectl get deploy || exit 4\n```\n"
    folder = _folder(bench, body)
    done = bench.run(folder / "01-deploy.sh")
    assert done.returncode == 1, done.stderr
    assert "step failed: the runbook's commands ended with status 4 at" in done.stderr
    assert done.stderr.endswith("01-deploy.sh: outcome: failed\n")
    incident = bench.root / "incident"
    run = bench.run(folder / "run.sh", "--diagnose", "--out", incident)
    assert run.returncode == 1, run.stderr
    (step,) = json.loads((incident / "summary.json").read_text("utf-8"))["steps"]
    assert (step["exit"], step["outcome"]) == (1, "failed")


# What a step may print that is no valid UTF-8 (a lone byte, a character cut short, an
# overlong form, a surrogate), next to valid Cyrillic and emoji and control characters.
PRINTED = [
    b"connection refused: lone \xff byte",
    b"connection refused: overlong \xc0\xaf and surrogate \xed\xa0\x80 here",
    "connection refused: Ошибка соединения 🔥".encode(),
    b"connection refused: bell\x07 escape\x1b[31m tab\t",
    b"connection refused: cut short \xd0 here",
    b"connection refused: cut at the end \xd0",  # bash's read in a UTF-8 locale
    b"connection refused: cut at the end \xe2\x82",  # went on past the newline
    b"retrying \xff",
]


def _printf(line: bytes) -> str:
    """`line` as the text of a bash $'...' string (braces escaped too: the stub is a
    format string)."""
    return "".join(
        chr(b) if 0x20 <= b < 0x7F and b not in b"\\'{}" else f"\\x{b:02x}" for b in line
    )


def test_summary_json_is_utf8_whatever_bytes_a_step_prints(bench) -> None:
    printed = "".join(f" $'{_printf(p)}'" for p in PRINTED)
    bench.stub_kubectl(STUB.replace("echo 'web-1 Running'", f"printf '%s\\n'{printed}"))
    body = "## Symptoms\n\nThe pods log `connection refused`.\n\n## Diagnosis\n" + (
        '1) Pods:\n\n```bash\nns="web"\nkubectl get pods -n "$ns"\n```\n'
    )
    entry = _folder(bench, body) / "run.sh"
    incident = bench.root / "incident"
    terminal = bench.root / "terminal.bin"
    shell = bench.root / "real" / "bash"
    # the terminal's bytes, as they are (the step's output is no text)
    done = bench.run(
        shell,
        "-c",
        '"$0" "$@" >"$TERMINAL"',
        entry,
        "--diagnose",
        "--out",
        incident,
        env={"TERMINAL": str(terminal)},
        timeout=300,  # a bound for a hang (a watcher that lost the step's "stop"), not a time check
    )
    assert done.returncode == 5, done.stderr
    summary = json.loads((incident / "summary.json").read_bytes())  # strict UTF-8
    (step,) = summary["steps"]
    assert step["outcome"] == "symptom found"
    assert step["matches"] == [
        "connection refused: lone \ufffd byte",
        "connection refused: overlong \ufffd\ufffd and surrogate \ufffd\ufffd\ufffd here",
        "connection refused: Ошибка соединения 🔥",
        "connection refused: bell? escape?[31m tab?",  # the scan shows controls as ?
        "connection refused: cut short \ufffd here",
        "connection refused: cut at the end \ufffd",
        "connection refused: cut at the end \ufffd",
    ]
    assert step["matches"][:3] == [p.decode("utf-8", "replace") for p in PRINTED[:3]]
    # only the summary changes: the terminal and the log keep the step's bytes
    printed = b"".join(p + b"\n" for p in PRINTED)
    assert printed in terminal.read_bytes()
    log = (incident / "01-pods.log").read_bytes()
    stamp = rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "
    assert all(re.match(stamp, line) for line in log.split(b"\n")[:-1]), log
    lines = [re.sub(stamp, b"", line, count=1) for line in log.split(b"\n")]
    first = lines.index(PRINTED[0])
    assert lines[first : first + len(PRINTED)] == PRINTED


@pytest.mark.parametrize(("locale", "kept"), [("C", 189), ("C.UTF-8", 379)])
def test_a_long_match_is_cut_between_characters_in_any_locale(bench, locale, kept) -> None:
    """The step shows and summary.json keeps 400 characters of a matching line: in the C
    locale bash counts bytes, and a cut inside a character was invalid UTF-8 on the
    terminal (and U+FFFD in summary.json)."""
    line = "connection refused: x" + "Ж" * 500  # 21 bytes, then two bytes a character
    bench.stub_kubectl(STUB.replace("echo 'web-1 Running'", f"printf '%s\\n' '{line}'"))
    body = "## Symptoms\n\nThe pods log `connection refused`.\n\n## Diagnosis\n" + (
        "1) Pods:\n\n```bash\nkubectl get pods\n```\n"
    )
    incident = bench.root / "incident"
    done = bench.run(
        _folder(bench, body) / "run.sh",
        "--diagnose",
        "--out",
        incident,
        env={"LC_ALL": locale},
    )
    assert done.returncode == 5, done.stderr
    (step,) = json.loads((incident / "summary.json").read_bytes())["steps"]
    assert step["matches"] == ["connection refused: x" + "Ж" * kept]
    assert f"  | connection refused: x{'Ж' * kept}\n" in done.stdout
    assert line.encode() + b"\n" in (incident / "01-pods.log").read_bytes()


def test_summary_json_keeps_a_refused_parameter_value_as_json(bench) -> None:
    entry = _folder(bench) / "run.sh"
    incident = bench.root / "incident"
    value = "w\te\x01b\udcff"  # a tab, a control character and the byte 0xff
    done = bench.run(entry, "--diagnose", "--ns", value, "--out", incident)
    assert done.returncode == 1, done.stderr  # the step that has it refuses the value
    summary = json.loads((incident / "summary.json").read_bytes())
    assert summary["parameters"] == {"RUNBOOK_NS": "w\te\x01b\ufffd"}
    assert summary["steps"][0]["outcome"] == "failed"
