"""A command is read-only only when every word of it is understood as reading: the verdict
of each command (read-only, mutating, unknown), team patterns, and `run.sh --diagnose`
without a terminal, on recording stubs, leaving every step that is not read-only alone."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, require_sandbox, run_isolated
from runbookc.config import ConfigError, load_settings
from runbookc.pipeline.document import compile_document
from runbookc.scripts.commandclass import classify
from runbookc.scripts.extract import plan_scripts
from runbookc.scripts.render import entry_script
from runbookc.scripts.settings import script_settings
from runbookc.scripts.shellparse import parse_block
from runbookc.scripts.toolclasses import MUTATING, READ_ONLY, UNKNOWN
from scriptcases import front_matter
from test_scripts_environment import TARGET_LOOKUP

SETTINGS = load_settings(str(ROOT / "pyproject.toml"))
CLASSES = script_settings(SETTINGS).command_classes

# Each command of issue 15 that ran without asking, and its verdict now.
CHANGING = [
    ("curl -sXPOST https://x/reload", MUTATING),
    ("curl --json '{\"a\": 1}' https://x/api", MUTATING),
    ("curl -sd x https://x/api", MUTATING),
    ("find /tmp/x -name '*.log' -execdir rm {} +", MUTATING),
    ("find /var/log -fprint found.txt", MUTATING),
    ("sort -o sorted.txt in.txt", MUTATING),
    ("sort --output=sorted.txt in.txt", MUTATING),
    ("tee out.txt", MUTATING),
    ("tee -a /var/log/x", MUTATING),
    ("awk '{system(\"rm -rf /tmp/x\")}' f", UNKNOWN),
    ("awk '{print $1 | \"sh\"}' f", UNKNOWN),
    ("awk '{ if ($3 > 1) print $1 > \"out.txt\" }' f", MUTATING),
    ("sed 's/x/y/e' f", UNKNOWN),
    ("sed 'w out.txt' f", MUTATING),
    ("sed -n 's/x/y/w out.txt' f", MUTATING),
    ("sed -i s/a/b/ f", MUTATING),
    ("sed -ni s/a/b/p f", MUTATING),
    ("sed --in-place=.bak s/a/b/ f", MUTATING),
    ("date -s '2020-01-01 00:00'", MUTATING),
    ("date --set=2020-01-01", MUTATING),
    ("date 010112002024", MUTATING),
    ("git -c core.sshCommand='touch /tmp/pwned' fetch", UNKNOWN),
    ("git fetch --upload-pack='touch /tmp/pwned' origin", UNKNOWN),
    ("git log --output=/tmp/log.txt", MUTATING),
    ("helm get values api --post-renderer ./render.sh", UNKNOWN),
    ("curl -X POST https://x/reload", MUTATING),
    ("curl -o page.html https://x", MUTATING),
    ("curl -w '%output{hit.txt}' https://x", MUTATING),
    ("curl smtp://mail.example/", UNKNOWN),
    ("wget https://x/file", MUTATING),
    ("kubectl get deploy/x -o yaml > snap.yaml", MUTATING),
    ("kubectl get pods &>> all.log", MUTATING),
    ("kubectl get pods >& all.log", MUTATING),
    ("kubectl frobnicate", UNKNOWN),
    ("kubectl get pods --unheard-of", UNKNOWN),
    ("kubectl delete pod x", MUTATING),
    ("kubectl -n prod rollout restart deploy/x", MUTATING),
    ("GIT_SSH_COMMAND='rm -rf ~' git fetch", UNKNOWN),
    ("PAGER='sh -c id' git log", UNKNOWN),
    ("env GIT_SSH_COMMAND=x git fetch", UNKNOWN),
    ("sudo kubectl delete pod x", MUTATING),
    ("sudo -u root tee /etc/x", MUTATING),
    ("timeout 5 curl -d x https://x", MUTATING),
    ("nice -n 5 sed -i s/a/b/ f", MUTATING),
    ("command kubectl delete pod x", MUTATING),
    ("exec kubectl delete pod x", MUTATING),
    ("sh -c 'kubectl delete pod x'", MUTATING),
    ('bash -c "$cmd"', UNKNOWN),
    ("bash script.sh", UNKNOWN),
    ("eval 'kubectl get pods; rm -rf /tmp/x'", MUTATING),
    ("eval 'kubectl get pods; frobnicate'", UNKNOWN),
    ('eval "$cmd"', UNKNOWN),
    ("watch kubectl delete pod x", MUTATING),
    ("xargs kubectl describe", UNKNOWN),
    ("xargs -I{} kubectl delete pod {}", MUTATING),
    ("nohup kubectl get pods", UNKNOWN),
    ("$KUBECTL get pods", UNKNOWN),
    ("mkdir -p /tmp/x", MUTATING),
    ("hostname evil", MUTATING),
    ("uniq in.txt out.txt", MUTATING),
    ("yq -i '.a = 1' f.yaml", MUTATING),
]

READING = [
    "kubectl get pods -n x -o wide",
    'kubectl -n "$ns" get pods,job -o wide',
    "kubectl logs deploy/x --tail=100",
    "kubectl logs -f -c app deploy/x --since 1h",
    'kubectl -n "$ns" rollout status deploy/x --timeout=180s',
    "kubectl get jobs --sort-by=.metadata.creationTimestamp",
    "kubectl get pods -oyaml --watch=true",
    "kubectl auth can-i list pods",
    "curl -s https://x",
    "curl -sS -X GET https://x/healthz",
    "curl -sSXHEAD https://x/healthz",
    "curl -fsS -o /dev/null -w '%{http_code}' http://localhost:8080/ready",
    "grep -E 'MANIFEST_UNKNOWN|i/o timeout' app.log",
    "grep -c5 x f",
    "awk '{print $1}'",
    "awk -F: '$3 > 100 {print $1}' /etc/passwd",
    "awk '/error|warn/ {n++} END {print n}'",
    "awk '{ print $1 > \"/dev/stderr\" }'",
    "sed -n '1,5p'",
    "sed -E 's/a|b/c/g; /^#/d' f",
    "jq .",
    "jq -r --arg ns x '.items[] | .metadata.name' f.json",
    "date",
    "date -u +%s",
    "date -Iseconds",
    "head -5 f",
    "tail -n 20 f",
    "sort -k2 -n f",
    "tee /dev/null",
    "find /var/log -name '*.log' -mmin -5 -print",
    "git -C repo log --oneline -n 5",
    "git status --porcelain=v2",
    "helm -n prod history api --max 5",
    "helm list -A",
    "wget -qO- https://x",
    "LANG=C sort f",
    "sudo -u root kubectl get pods",
    "timeout 10 kubectl get pods",
    "bash -c 'kubectl get pods | grep x'",
    "eval 'kubectl get pods'",
    'watch -n 5 kubectl get pods -n "$ns"',
    "command -v kubectl",
    "echo done > /dev/null",
    "kubectl get pods 2>&1 >/dev/stderr",
    "[[ -n x ]]",
]


def _verdicts(line: str) -> list[tuple[str, str]]:
    parsed = parse_block(line + "\n")
    assert parsed.error == ""
    return [classify(c, CLASSES, frozenset({"ns"})) for u in parsed.units for c in u.commands]


@pytest.mark.parametrize(("line", "verdict"), CHANGING, ids=[c[0] for c in CHANGING])
def test_commands_that_change_or_are_not_understood_ask(line: str, verdict: str) -> None:
    verdicts = _verdicts(line)
    assert verdicts[0][0] == verdict, verdicts


@pytest.mark.parametrize("line", READING)
def test_commands_that_only_read_stay_read_only(line: str) -> None:
    assert {v for v, _ in _verdicts(line)} == {READ_ONLY}, _verdicts(line)


def test_the_verdict_names_the_word_that_decided() -> None:
    assert _verdicts("curl -sXPOST https://x") == [(MUTATING, "curl -X")]
    assert _verdicts("kubectl get pods --unheard-of") == [(UNKNOWN, "kubectl --unheard-of")]
    assert _verdicts("kubectl get x -o yaml > s.yaml") == [(MUTATING, "> s.yaml")]


def _classes(tmp_path: Path, table: str):
    (tmp_path / "pyproject.toml").write_text("[tool.runbookc.scripts]\n" + table, "utf-8")
    return script_settings(load_settings(str(tmp_path / "pyproject.toml"))).command_classes


def test_team_patterns_declare_verbs_flags_and_values(tmp_path) -> None:
    classes = _classes(
        tmp_path,
        'read_only = ["mytool status", "mytool status --all", "mytool --format *", '
        '"other ...", "curl -X PROPFIND"]\nmutating = ["mytool status --fix", "kubectl get"]\n',
    )

    def verdict(line: str) -> str:
        (unit,) = parse_block(line + "\n").units
        return classify(unit.commands[0], classes)[0]

    assert verdict("mytool status") == READ_ONLY
    assert verdict("mytool status --all --format=json x") == READ_ONLY
    assert verdict("mytool status --format json") == READ_ONLY
    assert verdict("mytool status --verbose") == UNKNOWN  # a flag no pattern lists
    assert verdict("mytool status --fix") == MUTATING
    assert verdict("mytool restart") == UNKNOWN
    assert verdict("other --anything at all") == READ_ONLY  # `...`: the team vouches
    assert verdict("curl -X PROPFIND https://x") == READ_ONLY
    assert verdict("curl -X PUT https://x") == MUTATING
    assert verdict("kubectl get pods") == MUTATING  # a team pattern replaces the default


def test_a_flag_after_a_free_path_is_understood_deeper_down(tmp_path) -> None:
    """`...` vouches for every word after its path, also past a subcommand listed under
    it: what the scan asks only at an unknown flag (commandclass._free)."""
    classes = _classes(
        tmp_path,
        'read_only = ["mytool show ...", "mytool show pods", "mytool list-* ..."]\n',
    )

    def verdict(line: str) -> str:
        (unit,) = parse_block(line + "\n").units
        return classify(unit.commands[0], classes)[0]

    assert verdict("mytool show pods --wide") == READ_ONLY
    assert verdict("mytool --wide show pods") == UNKNOWN  # before the free path
    assert verdict("mytool list-users --all") == READ_ONLY  # a free glob path
    assert verdict("mytool pods --wide") == UNKNOWN


@pytest.mark.parametrize("pattern", ["", "  ", "--all", "mytool ... status"])
def test_a_pattern_that_is_not_a_command_is_a_config_error(tmp_path, pattern) -> None:
    with pytest.raises(ConfigError, match="is not a command pattern"):
        _classes(tmp_path, f'read_only = ["{pattern}"]\n')


# ---- run.sh --diagnose on recording stubs ----

_STUB = """#!{bash}
{{
  printf '%s' "${{0##*/}}"
  for rb_arg; do printf ' %s' "$rb_arg"; done
  printf '\\n'
}} >>"$RB_CALLS"
case ${{0##*/}} in
  date) echo 2026-01-01T00:00:00Z ;;
  tee) while IFS= read -r rb_line || [[ -n $rb_line ]]; do printf '%s\\n' "$rb_line"; done ;;
esac
exit 0
"""
_TOOLS = (
    "kubectl curl git helm find rm sort tee awk sed date grep jq mkdir wget env cat hostname "
    "uniq yq sudo timeout nice nohup sh bash watch xargs"
)


def _diagnostics_runbook(tmp_path: Path, lines: list[str]) -> Path:
    blocks = "".join(
        f"{n}) Step {n}:\n\n```bash {{name=step-{n}}}\n{line}\n```\n\n"
        for n, line in enumerate(lines, 1)
    )
    path = tmp_path / "rb.md"
    path.write_text(front_matter() + "\n## Diagnostics\n" + blocks, "utf-8")
    return path


def test_diagnose_runs_only_the_read_only_steps_and_steps_refuse_without_yes(tmp_path) -> None:
    require_sandbox()
    changing = [line for line, _ in CHANGING if "$" not in line]
    reading = [
        "kubectl get pods -n x -o wide",
        "kubectl logs deploy/x --tail=100",
        "curl -s https://x",
        "curl -sS -X GET https://x/healthz",
        "grep -E 'a|b' f",
        "awk '{print $1}' f",
        "sed -n '1,5p' f",
        "jq . f",
        "date",
        "date -u +%s",
    ]
    doc = _diagnostics_runbook(tmp_path, reading + changing)
    document = compile_document(doc, str(doc), SETTINGS).document
    assert document is not None
    scripts, _ = plan_scripts(document, SETTINGS)
    assert [s.mutating for s in scripts] == [False] * len(reading) + [True] * len(changing)
    work = tmp_path / "scripts"
    work.mkdir()
    for script in scripts:
        (work / script.file_name).write_text(script.text, "utf-8")
    (work / "run.sh").write_text(entry_script(scripts[0].doc_id, scripts), "utf-8")
    stubs = tmp_path / "stubs"
    stubs.mkdir()
    bash = "/bin/bash"
    for tool in _TOOLS.split():  # every program the blocks name: nothing real is reachable
        (stubs / tool).write_text(_STUB.format(bash=bash), "utf-8")
        (stubs / tool).chmod(0o755)
    calls = tmp_path / "calls.txt"
    env = {"PATH": str(stubs), "HOME": str(tmp_path), "RB_CALLS": str(calls)}
    (tmp_path / "incident").mkdir()

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        # Inside bubblewrap as well: whatever a block's words reach, no real kubectl.
        return run_isolated(
            [bash, *argv], work=tmp_path, kubectl_stub=stubs / "kubectl", env=env, cwd=tmp_path
        )

    done = run(str(work / "run.sh"), "--diagnose", "--out", "incident")
    assert done.returncode == 0, done.stderr
    recorded = calls.read_text("utf-8").splitlines()
    harness = {"date -u +%Y-%m-%dT%H:%M:%SZ", "mkdir -p -- incident"}
    step_calls = [
        c for c in recorded if c not in harness and not c.startswith(("tee -i -- ", TARGET_LOOKUP))
    ]
    assert step_calls == [
        "kubectl get pods -n x -o wide",
        "kubectl logs deploy/x --tail=100",
        "curl -s https://x",
        "curl -sS -X GET https://x/healthz",
        "grep -E a|b f",
        "awk {print $1} f",
        "sed -n 1,5p f",
        "jq . f",
        "date",
        "date -u +%s",
    ]
    summary = (tmp_path / "incident" / "summary.txt").read_text("utf-8")
    assert summary.count("not run: it is not a read-only diagnostics step") == len(changing)
    for script in scripts[len(reading) :]:
        calls.write_text("", "utf-8")
        refused = run(str(work / script.file_name))
        assert refused.returncode == 3, (script.content, refused.stderr)
        assert "no terminal to confirm on: run it with --yes" in refused.stderr
        ran = calls.read_text("utf-8").splitlines()
        assert [c for c in ran if not c.startswith(TARGET_LOOKUP)] == []  # none of the block's
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "calls.txt",
        "incident",
        "rb.md",
        "scripts",
        "stubs",
    ]
