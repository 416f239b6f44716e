"""Blocks in a bash fence that are not shell: named only when every line has the other
language's shape; anything that may be shell stays shell."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from runbookc.config import load_settings
from runbookc.pipeline.document import compile_document
from runbookc.scripts.extract import plan_scripts
from runbookc.scripts.notshell import looks_like
from scriptcases import front_matter


@pytest.mark.parametrize(
    ("block", "kind"),
    [
        (
            'sum by (job) (rate(x_total{code=~"5.."}[5m]))\n/ scalar(sum(rate(x[5m])))\n',
            "a PromQL query",
        ),
        ("# more than 10 a second\nrate(ceph_children_count[30m]) > 10\n", "a PromQL query"),
        ('// top 5\ntopk(5,\n  sum by (pod) (irate(cpu{node="N"}[4m]))\n)\n', "a PromQL query"),
        ("a_info * on (ns, bucket) group_left() (used/max)\n", "a PromQL query"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", "YAML"),
        ("data:\n  config.yaml: |\n    not: [yaml\n    ls -l\n  other: 1\n", "YAML"),
        ("- name: a\n  value: b\n- name: c\n", "YAML"),
        ('    [\n      {"type": "Ready"}\n    ]\n', "JSON"),
        ('{"a": {"b": [1, 2]}}\n', "JSON"),
        ("I0611 11:13:35.048771  1 log.go:245] can't apply\n", "log output"),
        ("2024-01-02T03:04:05Z error: it's down\n2024-01-02T03:04:06Z retry (1)\n", "log output"),
        ("{{ range .items }}{{ .metadata.name }}{{ end }}\n", "a Go template"),
        (  # log lines bash could read as commands named `Oct`
            "Oct 18 19:39:36 ip-10-0-0-1 chronyd[2055]: System clock wrong by 16.1 seconds\n"
            "Oct 19 00:13:18 ip-10-0-0-1 chronyd[2055]: System clock was stepped\n",
            "log output",
        ),
        ('"storage profile is lean, autoscaler does not support it"\n', "a quoted message"),
        ('default_runtime = "crun"\n', "configuration (`key = value`)"),
        ('[crio.runtime]\ndefault_runtime = "crun"\n', "configuration (`key = value`)"),
        ('    "msg"="trying to connect" "database"="OVN_Northbound"\n', "log output"),
        ("notAfter=Aug  6 13:11:20 2025 GMT\n", "command output (`key=value` lines)"),
        ("size=4096 512\nused=1024 12.5\n", "command output (`key=value` lines)"),
    ],
)
def test_what_is_not_shell_is_named(block: str, kind: str) -> None:
    assert looks_like(block) == kind


@pytest.mark.parametrize(
    "block",
    [
        "kubectl get pods\n",
        "if true; then\n  echo\n",  # broken shell is still shell (RB408 names its error)
        "kubectl get pods -o json | jq '.items[] | select(.x == \"y\")'\n",
        "{ echo a; echo b; } >/dev/null\n",
        "[ -f x ] && echo yes\n",
        "name: x\n",  # one line that bash reads: a command named `name:`
        "LANG=C sort -n 2 f\nKUBECONFIG=/k kubectl get pods\n",  # a program after the value
        'echo "sum(rate(x[5m]))"\n',
        "curl -s 'http://prom/api/v1/query?query=up{job=\"x\"}'\n",
        "# only a comment\n",
        "kubectl logs x | grep 'E0611 11:13:35'\n",
        "cat <<EOF\napiVersion: v1\nkind: x\nEOF\n",
        '"$EDITOR" file.txt\n',  # a quoted command name, not a sentence
        "NS=web\nkubectl -n $NS get pods\n",  # an assignment has no blanks around `=`
        "[ -f /etc/x ] && echo yes\n",
        "[ -f /etc/x ]\n",
        '"/opt/my tools/run" --check\n',
    ],
)
def test_what_may_be_shell_stays_shell(block: str) -> None:
    assert looks_like(block) is None


def test_a_block_that_is_not_shell_has_one_finding_and_no_script(tmp_path: Path) -> None:
    settings = load_settings(str(ROOT / "pyproject.toml"))
    runbook = tmp_path / "a.md"
    runbook.write_text(
        front_matter()
        + "\n## Diagnosis\n\n```bash\nrate(x_total[5m]) > 1\n```\n"
        + "\n```bash\nkubectl get pods\n```\n",
        encoding="utf-8",
    )
    document = compile_document(runbook, "a.md", settings).document
    assert document is not None
    scripts, diagnostics = plan_scripts(document, settings)
    assert [s.content for s in scripts] == ["kubectl get pods\n"]
    assert [(d.code, d.line, d.message) for d in diagnostics] == [
        (
            "RB408",
            19,
            "this block looks like a PromQL query, not shell: it is shown on the page and no "
            "script is made",
        )
    ]
