"""plan_scripts: the static RB4xx findings (case files: adding one adds a test), naming,
classification and parameters."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, SEED
from runbookc.config import load_settings
from runbookc.pipeline.document import compile_document
from runbookc.scripts.commandclass import classify
from runbookc.scripts.extract import plan_scripts
from runbookc.scripts.naming import script_name
from runbookc.scripts.shellparse import parse_block
from runbookc.scripts.toolclasses import MUTATING, READ_ONLY, UNKNOWN
from scriptcases import case, front_matter

SETTINGS = load_settings(str(ROOT / "pyproject.toml"))


def _plan(path: Path, settings=SETTINGS):
    document = compile_document(path, path.name, settings).document
    assert document is not None
    return plan_scripts(document, settings)


def test_console_and_nested_blocks_become_scripts() -> None:
    scripts, _ = _plan(case("RB406", "fail"))
    assert [s.content for s in scripts] == [
        "kubectl get pods\nkubectl get jobs \\\n    --all-namespaces\n",
        "kubectl get pods\n",
    ]
    assert scripts[0].lines == (21, 24, 25)
    (remote,) = scripts[1].remotes
    assert (remote.opener, remote.line, remote.commands) == (
        "ssh bastion",
        38,
        ("kubectl delete pod x", "exit"),
    )
    nested, _ = _plan(case("RB408", "pass"))
    assert [s.content for s in nested[-2:]] == ["kubectl top pods\n", "kubectl get events\n"]


def test_automatic_names_take_a_suffix_and_never_a_name_an_info_string_gives() -> None:
    scripts, diagnostics = _plan(case("RB402", "pass"))
    assert [(s.name, s.line) for s in scripts] == [("check", 20), ("check-3", 26), ("check-2", 32)]
    assert not [d for d in diagnostics if d.code == "RB402"]
    _, refused = _plan(case("RB402", "fail"))
    assert [(d.code, d.line) for d in refused if d.code == "RB402"] == [("RB402", 26)]


def test_a_placeholder_under_diagnosis_is_a_parameter_and_read_only(tmp_path: Path) -> None:
    """`kubectl -n <namespace> get pods` read as shell redirects stdin from `namespace` and
    stdout into `get`: a write under Diagnosis (RB403), then an unparsed block (RB408). It
    is a placeholder: the script takes it as the required parameter --namespace, and the
    block, read with it, only reads (so `run.sh --diagnose` runs it once it is given)."""
    runbook = tmp_path / "a.md"
    runbook.write_text(
        front_matter() + "\n## Diagnosis\n\n```bash\nkubectl -n <namespace> get pods\n```\n",
        encoding="utf-8",
    )
    scripts, diagnostics = _plan(runbook)
    assert [d.code for d in diagnostics if d.code.startswith("RB4")] == []
    (script,) = scripts
    assert script.content == 'kubectl -n "$NAMESPACE" get pods\n'
    assert not script.mutating
    assert [(p.name, p.flag, p.env, p.required, p.about) for p in script.params] == [
        ("NAMESPACE", "namespace", "RUNBOOK_NAMESPACE", True, "<namespace> in the runbook")
    ]


def test_seed_plan() -> None:
    scripts, diagnostics = _plan(SEED)
    assert [s.name for s in scripts] == [
        "proverit-obshchii-status-runtime",
        "proverit-cache-mirror-oshibki-v-control-plane",
        "proverit-oshibki-checkout-build-ref-v-codegen",
        "proverit-worker-logi-na-run-level-simptomy",
        "proverit-neuspeshnye-jobs",
        "operativnaia-proverka",
    ]
    assert [s.role for s in scripts] == ["diagnostics"] * 5 + ["mitigation"]
    assert not any(s.mutating for s in scripts)
    assert all(
        [(p.name, p.default, p.flag, p.env) for p in s.params]
        == [("ns", "codex-k8s-prod", "ns", "RUNBOOK_NS")]
        for s in scripts
    )
    # `2>/dev/null ... || true`: step 3's first pipeline and the mitigation check's last;
    # the other `|| true` pipelines still let kubectl's error message through
    assert sorted(d.line for d in diagnostics if d.code == "RB404") == [70, 112]
    assert [d.code for d in diagnostics if d.code != "RB404"] == []  # every symptom covered


def test_symptom_coverage_counts_the_greps_of_diagnostic_steps_only(tmp_path) -> None:
    text = SEED.read_text("utf-8")
    for pattern in (  # steps 2 and 4 stop looking for MANIFEST_UNKNOWN
        '"MANIFEST_UNKNOWN|retrieving image from cache|kaniko|mirror"',
        '"MANIFEST_UNKNOWN|retrieving image from cache|checkout --detach|unknown switch|build',
    ):
        assert pattern in text
        text = text.replace(pattern, pattern.replace("MANIFEST_UNKNOWN|", ""))
    copy = tmp_path / "seed.md"
    copy.write_text(text, "utf-8")
    _, diagnostics = _plan(copy)
    # the mitigation check still greps it, but that is not a diagnostics step
    assert (
        "MANIFEST_UNKNOWN|retrieving image from cache|checkout --detach|unknown switch|is" in text
    )
    assert [(d.code, d.line, d.column) for d in diagnostics if d.code == "RB405"] == [
        ("RB405", 43, 5)
    ]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Проверить общий статус runtime:", "proverit-obshchii-status-runtime"),
        ("Оперативная проверка:", "operativnaia-proverka"),
        ("Шаг 4. Перезапуск codex-k8s-codegen-check", "shag-4-perezapusk-codex-k8s-codegen-check"),
        (
            "Съешь ещё этих мягких французских булок",
            "sesh-eshche-etikh-miagkikh-frantsuzskikh-bulok",
        ),
        (
            "Check the mirror logs for the error signatures:",
            "check-the-mirror-logs-for-the-error-signatures",
        ),
        ("???", ""),
    ],
)
def test_names_are_stable_ascii(title: str, name: str) -> None:
    assert script_name(title) == name
    assert len(script_name(title * 5)) <= 48


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        ('kubectl -n "$ns" get pods,job -o wide', READ_ONLY),
        ("kubectl --namespace prod logs deploy/x --since=6h", READ_ONLY),
        ("kubectl rollout status deploy/x", READ_ONLY),
        ("kubectl rollout history deploy/x", READ_ONLY),
        ("kubectl rollout undo deploy/x", MUTATING),
        ("kubectl -n prod rollout restart deploy/x", MUTATING),
        ("kubectl delete job x --ignore-not-found", MUTATING),
        ("kubectl set env deploy/x A=b", MUTATING),
        ("kubectl annotate pod x a=b", MUTATING),
        ("kubectl frobnicate", UNKNOWN),
        ("git -C repo log --oneline", READ_ONLY),
        ("git checkout --detach main", MUTATING),
        ("helm -n prod history api", READ_ONLY),
        ("helm rollback api 3", MUTATING),
        ("curl -s https://x/healthz", READ_ONLY),
        ("curl -X POST https://x/reload", MUTATING),
        ("sed -n 1p file", READ_ONLY),
        ("sed -i s/a/b/ file", MUTATING),
        ("psql -c 'select 1'", READ_ONLY),
        ("psql -f fix.sql", UNKNOWN),
    ],
)
def test_classification(line: str, verdict: str) -> None:
    from runbookc.scripts.settings import script_settings

    (unit,) = parse_block(line + "\n").units
    assert classify(unit.commands[0], script_settings(SETTINGS).command_classes)[0] == verdict


def test_configured_sections_and_commands(tmp_path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.runbookc.sections]\n"
        'diagnostics = ["Осмотр"]\n'
        "[tool.runbookc.scripts]\n"
        'read_only = ["mytool status"]\n'
        'mutating = ["kubectl get"]\n',
        "utf-8",
    )
    settings = load_settings(str(tmp_path / "pyproject.toml"))
    doc = tmp_path / "rb.md"
    doc.write_text(
        "---\ndoc_id: RB-X-0001\ntype: runbook\n---\n## Осмотр\nLook:\n\n```bash\n"
        "mytool status\nkubectl get pods\n```\n",
        "utf-8",
    )
    scripts, diagnostics = _plan(doc, settings)
    assert scripts[0].role == "diagnostics"
    assert scripts[0].changes == ("kubectl get",)
    assert [(d.code, d.line) for d in diagnostics] == [("RB403", 10)]


def test_banner_follows_the_approval_state(tmp_path) -> None:
    english = ROOT / "runbooks" / "ops" / "registry_mirror_degraded_runbook.md"
    scripts, _ = _plan(english)
    assert "# approval:  approved (request issue-198-registry-mirror; by Owner" in scripts[0].text
    assert "!! WARNING" not in scripts[0].text
    edited = tmp_path / "edited.md"
    edited.write_text(english.read_text("utf-8").replace("--since=1h", "--since=2h"), "utf-8")
    scripts, _ = _plan(edited)
    assert "runbook RB-CK8S-REGISTRY-MIRROR-0001 has a STALE approval." in scripts[0].text
    assert "Approval request: issue-198-registry-mirror; approval missing from: Owner." in (
        scripts[0].text
    )


@pytest.mark.parametrize(
    "table",
    [
        '[tool.runbookc.scripts]\nstub = ["../kubectl"]\n',
        '[tool.runbookc.scripts]\nread_only = "kubectl get"\n',
        '[tool.runbookc.sections]\ndiagnostics = "Диагностика"\n',
    ],
)
def test_bad_script_settings_are_usage_errors(cli, tmp_path, table) -> None:
    (tmp_path / "pyproject.toml").write_text(table, "utf-8")
    result = cli("extract", str(SEED), "--config", str(tmp_path / "pyproject.toml"))
    assert result.code == 2
    assert result.err.startswith("runbookc: error: ")


@pytest.mark.parametrize("doc_id", ["../../etc", "", "a/b", ".hidden"])
def test_a_doc_id_that_cannot_name_a_folder_gets_no_scripts(tmp_path, doc_id) -> None:
    text = SEED.read_text("utf-8").replace(
        "doc_id: RB-CK8S-AISLOT-BUILD-0001", f'doc_id: "{doc_id}"'
    )
    copy = tmp_path / "seed.md"
    copy.write_text(text, "utf-8")
    assert _plan(copy) == ([], [])


def test_scripts_name_their_runbook_relative_to_the_project_root(tmp_path, monkeypatch) -> None:
    """Under the root: the path from it; in a sibling folder whose name starts with the
    root's (root/../rootx), or anywhere else: the path as given."""
    root = tmp_path / "proj"
    sibling = tmp_path / "projx"
    for folder in (root / "runbooks", sibling):
        folder.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.runbookc]\n", "utf-8")
    settings = load_settings(str(root / "pyproject.toml"))
    monkeypatch.chdir(tmp_path)
    for path, source in (
        ("proj/runbooks/seed.md", "runbooks/seed.md"),
        ("projx/seed.md", "projx/seed.md"),
    ):
        (tmp_path / path).write_bytes(SEED.read_bytes())
        document = compile_document(Path(path), path, settings).document
        assert document is not None
        scripts, _ = plan_scripts(document, settings)
        assert {s.source for s in scripts} == {source}
        assert f"From {source}:" in scripts[0].text
