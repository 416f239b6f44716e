"""`runbookc extract` on the shipped corpus: the seed's scripts, golden files, determinism,
and what the scripts do without ever running a command (--help, --dry-run, bad values).

Golden files: tests/golden/scripts/ (rewrite with RUNBOOKC_UPDATE_GOLDEN=1 and review the diff).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, SEED, copy_shipped_project
from runbookc.engine.gitcommit import head_commit

GOLDEN = ROOT / "tests" / "golden" / "scripts"
SEED_ID = "RB-CK8S-AISLOT-BUILD-0001"
SEED_STEPS = [
    "01-proverit-obshchii-status-runtime.sh",
    "02-proverit-cache-mirror-oshibki-v-control-plane.sh",
    "03-proverit-oshibki-checkout-build-ref-v-codegen.sh",
    "04-proverit-worker-logi-na-run-level-simptomy.sh",
    "05-proverit-neuspeshnye-jobs.sh",
    "06-operativnaia-proverka.sh",
]


@pytest.fixture
def seed_out(cli, in_root, tmp_path) -> Path:
    out = tmp_path / "scripts"
    result = cli("extract", str(SEED.relative_to(ROOT)), "--output", str(out))
    assert result.code == 0, result.out + result.err
    return out


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_seed_gives_six_steps_an_entry_script_and_a_manifest(seed_out) -> None:
    files = sorted(_tree(seed_out))
    assert files == [".runbookc-scripts"] + [
        f"{SEED_ID}/{name}" for name in [*SEED_STEPS, "run.sh"]
    ] + ["manifest.json"]
    manifest = json.loads((seed_out / "manifest.json").read_text("utf-8"))
    assert [m["script"] for m in manifest] == [f"{SEED_ID}/{n}" for n in SEED_STEPS]
    assert [m["line"] for m in manifest] == [52, 59, 67, 77, 85, 106]
    assert {tuple(sorted(m)) for m in manifest} == {
        ("doc_id", "line", "mutating", "params", "role", "script", "section", "source", "title")
    }
    assert [m["role"] for m in manifest] == ["diagnostics"] * 5 + ["mitigation"]
    assert manifest[0]["title"] == "Проверить общий статус runtime:"
    assert manifest[5]["section"] == "Митигирование (восстановление)"
    assert not any(m["mutating"] for m in manifest)
    for name in [*SEED_STEPS, "run.sh"]:
        assert os.access(seed_out / SEED_ID / name, os.X_OK)


def _as_golden(folder: Path) -> dict[str, bytes]:
    """The files as the golden ones hold them: run.sh records the checkout's commit, which
    they say is "unknown"."""
    commit = head_commit(ROOT).encode()
    return {rel: data.replace(commit, b"unknown") for rel, data in _tree(folder).items()}


def test_seed_scripts_match_golden_files(seed_out) -> None:
    produced = _as_golden(seed_out)
    if os.environ.get("RUNBOOKC_UPDATE_GOLDEN") == "1":
        for rel, data in produced.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_bytes(data)
    assert produced == _tree(GOLDEN)


def test_regenerating_gives_identical_bytes(cli, in_root, tmp_path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert cli("extract", "runbooks", "--output", str(first)).code == 0
    assert cli("extract", "runbooks", "--output", str(second)).code == 0
    assert _tree(first) == _tree(second)
    assert cli("extract", "runbooks", "--output", str(first)).code == 0  # over an old output
    assert _tree(first) == _tree(second)


def test_crlf_source_gives_lf_scripts(cli, in_root, tmp_path) -> None:
    crlf = tmp_path / "runbook.md"
    crlf.write_bytes(SEED.read_bytes().replace(b"\n", b"\r\n"))
    out = tmp_path / "out"
    assert cli("extract", str(crlf), "--output", str(out)).code == 0
    scripts = _tree(out)
    assert len(scripts) == 9  # six steps, run.sh, the manifest, the marker
    assert not any(b"\r" in data for data in scripts.values())
    lf_out = tmp_path / "lf"
    lf = tmp_path / "lf.md"
    lf.write_bytes(SEED.read_bytes())
    assert cli("extract", str(lf), "--output", str(lf_out)).code == 0
    assert _strip_source(_tree(out), "runbook.md") == _strip_source(_tree(lf_out), "lf.md")


def _strip_source(tree: dict[str, bytes], name: str) -> dict[str, bytes]:
    return {k: v.replace(name.encode(), b"SOURCE") for k, v in tree.items()}


def test_strict_errors_write_nothing_and_keep_the_previous_output(cli, in_root, tmp_path) -> None:
    out = tmp_path / "out"
    assert cli("extract", str(SEED.relative_to(ROOT)), "--output", str(out)).code == 0
    before = _tree(out)
    broken = tmp_path / "broken.md"
    broken.write_text(SEED.read_text("utf-8") + "\n```bash\nkubectl get pods\n", "utf-8")
    result = cli("extract", str(broken), "--output", str(out), "--strict")
    assert result.code == 1
    assert "RB401" in result.out
    assert "nothing was written (--strict)" in result.err
    assert _tree(out) == before


def test_errors_hold_back_their_document_only(cli, in_root, tmp_path) -> None:
    """One document's error does not keep the others' scripts from being written; the
    exit status still says there were errors. A block bash cannot read is left out of
    its own document's scripts, which are written."""
    folder = tmp_path / "docs"
    folder.mkdir()
    good = folder / "good.md"
    good.write_bytes(SEED.read_bytes())
    broken = folder / "broken.md"
    text = SEED.read_text("utf-8").replace("RB-CK8S-AISLOT-BUILD-0001", "RB-CK8S-AISLOT-BUILD-0002")
    broken.write_text(text + "\n```bash\nkubectl get pods\n", "utf-8")  # RB401, an error
    unreadable = folder / "unreadable.md"
    text = SEED.read_text("utf-8").replace("RB-CK8S-AISLOT-BUILD-0001", "RB-CK8S-AISLOT-BUILD-0003")
    unreadable.write_text(text + "\n## Проверка\n\n```bash\nfi fi\n```\n", "utf-8")
    out = tmp_path / "out"
    result = cli("extract", str(folder), "--output", str(out), "--format", "json")
    assert result.code == 1
    codes = {(d["path"].rsplit("/", 1)[-1], d["code"]) for d in result.json()["diagnostics"]}
    assert {("broken.md", "RB401"), ("unreadable.md", "RB410")} <= codes
    written = {p.relative_to(out).as_posix() for p in out.rglob("*.sh")}
    seed = {*SEED_STEPS, "run.sh"}  # the `fi fi` block would be step 07
    assert written == {f"RB-CK8S-AISLOT-BUILD-000{n}/{s}" for n in (1, 3) for s in seed}
    for script in out.rglob("*.sh"):
        assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0
    assert "held back" in result.err


def _run(script: Path, *args: str, env: dict[str, str] | None = None):
    # PATH holds no kubectl at all: these runs must never reach a command.
    base = {"PATH": "/nonexistent", "LC_ALL": "C.UTF-8", "HOME": str(script.parent)}
    return subprocess.run(
        ["/bin/bash", str(script), *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        stdin=subprocess.DEVNULL,
        check=False,
    )


@pytest.mark.parametrize("name", SEED_STEPS)
def test_help_shows_title_intro_and_parameters(seed_out, name) -> None:
    done = _run(seed_out / SEED_ID / name, "--help")
    assert done.returncode == 0
    assert "--ns VALUE  $RUNBOOK_NS  default: codex-k8s-prod" in done.stdout
    assert "--dry-run" in done.stdout and "--yes" in done.stdout
    assert "ai_slot_build_runbook.md:" in done.stdout


def test_help_of_the_mitigation_check_has_the_runbook_text_before_it(seed_out) -> None:
    done = _run(seed_out / SEED_ID / SEED_STEPS[5], "--help")
    assert "Оперативная проверка:" in done.stdout
    assert "Нормализовать значение до валидного git ref" in done.stdout


@pytest.mark.parametrize(
    ("args", "env", "shown"),
    [
        ((), {}, "kubectl -n codex-k8s-prod get pods,job -o wide"),
        (("--ns", "staging"), {}, "kubectl -n staging get pods,job -o wide"),
        (("--ns=dev-1",), {}, "kubectl -n dev-1 get pods,job -o wide"),
        ((), {"RUNBOOK_NS": "from-env"}, "kubectl -n from-env get pods,job -o wide"),
        (("--ns=flag",), {"RUNBOOK_NS": "from-env"}, "kubectl -n flag get pods,job -o wide"),
    ],
)
def test_dry_run_prints_commands_with_parameters_filled_in(seed_out, args, env, shown) -> None:
    done = _run(seed_out / SEED_ID / SEED_STEPS[0], "--dry-run", *args, env=env)
    assert done.returncode == 0, done.stderr
    assert shown in done.stdout.splitlines()
    assert "+ kubectl" not in done.stderr  # nothing was run


def test_dry_run_keeps_the_blocks_own_text(seed_out) -> None:
    done = _run(seed_out / SEED_ID / SEED_STEPS[2], "--dry-run", "--ns", "x")
    assert done.returncode == 0
    assert "kubectl -n x logs job/codex-k8s-codegen-check --tail=200 2>/dev/null \\" in done.stdout
    assert '| grep -E "checkout --detach|unknown switch|is not a commit" || true' not in (
        done.stdout
    )
    assert 'CODEXK8S_BUILD_REF" || true' in done.stdout


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("--ns=-b",), {}, "refusing --ns=-b: the value starts with '-'"),
        (("--ns", "-b"), {}, "refusing --ns=-b: the value starts with '-'"),
        (("--ns", "a\nb"), {}, "the value holds a control character"),
        (("--ns=a\tb",), {}, "the value holds a control character"),
        ((), {"RUNBOOK_NS": "x\x1b[2J"}, "the value holds a control character"),
        (("--ns=",), {}, "refusing an empty value for --ns"),
        (("--ns",), {}, "--ns needs a value"),
        ((), {"RUNBOOK_NS": "-b main"}, "refusing RUNBOOK_NS="),
        (("--bogus",), {}, "unknown argument: --bogus"),
    ],
)
def test_bad_values_are_refused_before_anything_runs(seed_out, args, env, message) -> None:
    done = _run(seed_out / SEED_ID / SEED_STEPS[0], *args, env=env)
    assert done.returncode == 2
    assert message in done.stderr
    assert "+ kubectl" not in done.stderr


def test_unapproved_runbook_prints_a_banner_naming_the_request(seed_out) -> None:
    done = _run(seed_out / SEED_ID / SEED_STEPS[0], "--dry-run")
    assert "runbook RB-CK8S-AISLOT-BUILD-0001 is NOT APPROVED (pending)" in done.stderr
    assert "Approval request: issue-205-ai-repair" in done.stderr
    header = (seed_out / SEED_ID / SEED_STEPS[0]).read_text("utf-8")
    assert "# source:    runbooks/ops/ai_slot_build_runbook.md:52\n" in header
    assert "# digest:    sha256:" in header


def test_entry_script_lists_the_steps(seed_out) -> None:
    done = _run(seed_out / SEED_ID / "run.sh", "--list")
    assert done.returncode == 0
    listed = [line.split()[0] for line in done.stdout.splitlines()[1:]]
    assert listed == SEED_STEPS
    assert "diagnostics" in done.stdout.splitlines()[1]
    step = _run(seed_out / SEED_ID / "run.sh", "2", "--dry-run")
    assert "logs deploy/codex-k8s-control-plane --since=6h" in step.stdout
    missing = _run(seed_out / SEED_ID / "run.sh", "nope")
    assert missing.returncode == 2 and "no step 'nope'" in missing.stderr


@pytest.mark.parametrize(
    "files",
    [
        {"notes.txt": "keep me"},
        # a browser extension, a PWA, webpack output: a manifest.json is not our mark
        {"manifest.json": '{"manifest_version": 3}', "background.js": "//"},
        {"manifest.json": "[]"},  # even one that looks like ours
    ],
    ids=["project", "extension", "bare-manifest"],
)
def test_output_that_is_not_a_previous_output_is_never_replaced(
    cli, in_root, tmp_path, files
) -> None:
    precious = tmp_path / "project"
    precious.mkdir()
    for name, text in files.items():
        (precious / name).write_text(text, "utf-8")
    before = _tree(precious)
    result = cli("extract", str(SEED.relative_to(ROOT)), "--output", str(precious))
    assert result.code == 2
    assert f"refusing to replace {precious}" in result.err
    assert "holds no .runbookc-scripts" in result.err
    assert _tree(precious) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]  # no staging left


def test_a_file_is_never_replaced_by_the_output(cli, in_root, tmp_path) -> None:
    target = tmp_path / "scripts"
    target.write_text("a file", "utf-8")
    result = cli("extract", str(SEED.relative_to(ROOT)), "--output", str(target))
    assert result.code == 2
    assert "it is not a folder" in result.err
    assert target.read_text("utf-8") == "a file"


def test_only_a_folder_with_our_marker_is_replaced(cli, in_root, tmp_path) -> None:
    out = tmp_path / "scripts"
    assert cli("extract", str(SEED.relative_to(ROOT)), "--output", str(out)).code == 0
    assert (out / ".runbookc-scripts").is_file()
    (out / "stale.txt").write_text("from an earlier run", "utf-8")
    assert cli("extract", str(SEED.relative_to(ROOT)), "--output", str(out)).code == 0
    assert not (out / "stale.txt").exists()  # the whole folder was ours: replaced
    (out / ".runbookc-scripts").unlink()
    assert cli("extract", str(SEED.relative_to(ROOT)), "--output", str(out)).code == 2


def test_two_documents_with_one_doc_id_write_the_first_ones_scripts(cli, in_root, tmp_path) -> None:
    """The second document with a doc_id is the error (RB416): its scripts are held back,
    so the folder holds the first one's only; --strict writes nothing."""
    (tmp_path / "a.md").write_bytes(SEED.read_bytes())
    extra = "\n## Проверка\n\n```bash\nkubectl get nodes\n```\n"
    (tmp_path / "b.md").write_text(SEED.read_text("utf-8") + extra, "utf-8")
    argv = ("extract", str(tmp_path / "a.md"), str(tmp_path / "b.md"))
    strict = cli(*argv, "--output", str(tmp_path / "s"), "--strict")
    assert strict.code == 1
    assert not (tmp_path / "s").exists()
    result = cli(*argv, "--output", str(tmp_path / "o"))
    assert result.code == 1
    assert "RB416" in result.out and "also used by" in result.out
    written = {p.name for p in (tmp_path / "o" / SEED_ID).iterdir()}
    assert written == {*SEED_STEPS, "run.sh"}


def test_plain_sh_is_told_to_use_bash(seed_out) -> None:
    for name in (SEED_STEPS[0], "run.sh"):
        done = subprocess.run(
            ["/bin/sh", str(seed_out / SEED_ID / name), "--help"],
            capture_output=True,
            text=True,
            env={"PATH": "/nonexistent"},
            check=False,
        )
        assert done.returncode == 2
        assert done.stderr == f"{name}: run it with bash\n"


def test_output_does_not_depend_on_the_working_directory(
    cli, in_root, monkeypatch, tmp_path
) -> None:
    monkeypatch.chdir(in_root / "runbooks")
    out = tmp_path / "scripts"
    assert cli("extract", "ops/ai_slot_build_runbook.md", "--output", str(out)).code == 0
    assert _as_golden(out) == _tree(GOLDEN)


def test_rewritten_scripts_are_hard_links_to_the_previous_ones(in_root, tmp_path) -> None:
    from runbookc.commands.wiring import extract_targets
    from runbookc.engine.tree import write_tree
    from runbookc.scripts.extract import render_outputs

    files = render_outputs(extract_targets([], load_settings_for(tmp_path)).scripts)
    write_tree(files, tmp_path / "first")
    write_tree(files, tmp_path / "second")
    first = _tree(tmp_path / "first")
    assert len(first) > 10 and first == _tree(tmp_path / "second")
    # Inode-level reuse: the third tree's files are the first one's where bytes match.
    write_tree(files, tmp_path / "third", tmp_path / "first")
    inodes = {p.stat().st_ino for p in (tmp_path / "first").rglob("*") if p.is_file()}
    assert {p.stat().st_ino for p in (tmp_path / "third").rglob("*") if p.is_file()} == inodes


def load_settings_for(tmp_path: Path):
    """The shipped project's settings, with the output (and cache) under `tmp_path`."""
    from dataclasses import replace

    from runbookc.config import load_settings

    return replace(load_settings(None), output=str(tmp_path / "out"))


@pytest.mark.parametrize("jobs", [1, 2])
def test_scripts_are_rendered_from_the_drafts_of_the_compiled_documents(
    in_root, tmp_path, monkeypatch, jobs
) -> None:
    """The per-document stages draft the scripts (in the workers, cached with the
    document): extract renders those drafts, the same scripts and findings as planning
    each document on its own, and drafts nothing again when the results come from the
    cache."""
    from runbookc.commands.wiring import compile_targets
    from runbookc.pipeline import corpus as stages
    from runbookc.pipeline import document
    from runbookc.scripts.extract import plan_scripts

    settings = load_settings_for(tmp_path)  # a cold cache
    compiled = compile_targets([], settings, jobs=jobs).corpus
    expected = [plan_scripts(doc, settings) for doc in stages.documents(compiled)]
    scripts = stages.extract(compiled, settings)
    assert scripts == [s for plan in expected for s in plan[0]] and len(scripts) > 10
    found = [d for s in compiled.summaries for d in s.diagnostics if d.code.startswith("RB4")]
    assert found == [d for plan in expected for d in plan[1]]

    def undrafted(*args: object) -> None:
        raise AssertionError("drafted again")

    monkeypatch.setattr(document, "draft_scripts", undrafted)
    assert stages.extract(compile_targets([], settings, jobs=jobs).corpus, settings) == scripts


def test_a_build_keeps_no_store_of_scripts_beside_the_documents(cli, in_root, tmp_path) -> None:
    """The scripts travel with the documents' results: a build leaves no second cache
    (a plan store under cache/scripts) for the site build to read back."""
    out = tmp_path / "out"
    assert cli("build", "--output", str(out)).code == 0
    assert (out / "cache" / "entries.sqlite").is_file()
    assert not (out / "cache" / "scripts").exists()


def test_the_page_of_a_block_bash_cannot_read_says_why(in_root, tmp_path) -> None:
    """build writes no script for it and the page's findings name it (RB410)."""
    from dataclasses import replace

    from runbookc.commands.wiring import compile_targets
    from runbookc.config import load_settings
    from runbookc.pipeline import corpus as stages
    from runbookc.render.pages import render_pages
    from runbookc.scripts.extract import manifest

    source = tmp_path / "runbooks"
    source.mkdir()
    text = SEED.read_text("utf-8") + "\n## Проверка\n\n```bash\nfi fi\n```\n"
    (source / "rb.md").write_text(text, "utf-8")
    settings = replace(load_settings(), source=str(source))
    corpus = compile_targets([], settings, use_cache=False).corpus
    linted = stages.lint(corpus, settings)
    scripts, unreadable = stages.runnable(corpus, settings)
    assert [s.file_name for s in scripts] == SEED_STEPS
    page = render_pages(stages.site(linted, manifest(scripts), unreadable))["rb.md"]
    line = text.split("\n").index("fi fi") + 1
    # the project's site is Russian: the finding reads as RB410's summary in Russian
    assert f"RB410.md) ошибка, строка {line}: Сгенерированный скрипт не проходит `bash -n`" in page
    assert "он не записан" in page
    # a link under a block, a row, and run.sh in the "do this first" box and the scripts section
    assert page.count("{ download }") == 2 * len(SEED_STEPS) + 2


def test_a_build_whose_block_bash_cannot_read_publishes_no_script_for_it(
    cli, tmp_path, monkeypatch
) -> None:
    """bash -n runs beside MkDocs, whose pages list every script: when bash rejects one,
    the scripts and the site are built again without it, and the page says why."""
    from runbookc.render import mkdocs_build

    project = copy_shipped_project(tmp_path)
    seed = project / SEED.relative_to(ROOT)
    seed.write_text(seed.read_text("utf-8") + "\n## Проверка\n\n```bash\nfi fi\n```\n", "utf-8")
    built: list[Path] = []
    run_mkdocs = mkdocs_build.run_mkdocs

    def counting(*args: object, **kwargs: object) -> list[str]:
        built.append(Path(str(args[2])))  # the site dir
        return run_mkdocs(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mkdocs_build, "run_mkdocs", counting)
    assert cli("build", "--config", str(project / "pyproject.toml")).code == 0
    assert len(built) == 2  # the site listing the script bash rejected was not published
    out = project / "build"
    for tree in ("scripts", "docs/scripts", "site/scripts"):
        assert sorted(p.name for p in (out / tree / SEED_ID).iterdir()) == [*SEED_STEPS, "run.sh"]
    listed = json.loads((out / "scripts" / "manifest.json").read_text("utf-8"))
    assert [e["script"] for e in listed if e["doc_id"] == SEED_ID] == [
        f"{SEED_ID}/{step}" for step in SEED_STEPS
    ]
    page = (out / "docs" / "ops" / "ai_slot_build_runbook.md").read_text("utf-8")
    assert "RB410.md) ошибка" in page and "он не записан" in page
    assert page.count("{ download }") == 2 * len(SEED_STEPS) + 2
    html = (out / "site" / "ops" / "ai_slot_build_runbook" / "index.html").read_text("utf-8")
    assert "bash -n" in html and f"{SEED_ID}/07-" not in html and f"{SEED_ID}/06-" in html
