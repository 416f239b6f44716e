"""The site config: the packaged default when a repository has no mkdocs.yml, a team's own
mkdocs.yml layered on it, and every refusal a message (never a traceback).

The repositories here are temp dirs holding two English runbooks and no `site/` dir; the
runbookc settings name only the language (the default's language is not this test's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CliResult
from runbookc.pipeline.parse import slugify
from runbookc.render.site_config import DEFAULT_CONFIG, NEEDED, STYLESHEET

RESTART = """---
doc_id: RB-PAYMENTS-RESTART-0001
type: runbook
title: Restart the payments worker
status: active
owner_role: SRE
created_at: 2026-03-02
updated_at: 2026-03-02
approvals:
  required: [Owner]
  status: pending
---

# Restart the payments worker

!!! warning "Customer impact"
    Payments queue while the worker restarts.

## Diagnostics

Find the failing request by `<your request's unique correlation id>` in the logs, then
check [the queue depth](check_queue.md#queue-depth).

```bash
kubectl -n payments get pods
```

## Mitigation

```bash
kubectl -n payments rollout restart deployment/worker
```
"""

CHECK = """---
doc_id: RB-PAYMENTS-QUEUE-0001
type: runbook
title: Check the payments queue
status: active
owner_role: SRE
created_at: 2026-03-02
updated_at: 2026-03-02
approvals:
  required: [Owner]
  status: pending
---

# Check the payments queue

## Queue depth

| Queue | Alert above |
|---|---|
| payments | 1000 |

## What's next?

Restart the worker: [restart](restart_worker.md).
"""

EXTERNAL = re.compile(r"<(?:link|script)\b[^>]*\b(?:href|src)=\"(?:https?:)?//", re.IGNORECASE)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "payments-runbooks"
    (root / "runbooks").mkdir(parents=True)
    (root / "runbooks" / "restart_worker.md").write_text(RESTART, encoding="utf-8")
    (root / "runbooks" / "check_queue.md").write_text(CHECK, encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.runbookc]\nlanguage = "en"\n', encoding="utf-8")
    return root


@pytest.fixture(autouse=True)
def served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`runbookc serve` runs until its server would start listening, then stops as on
    Ctrl-C; the home page it built is kept here."""
    from mkdocs.livereload import LiveReloadServer

    pages: list[str] = []

    def serve(server: LiveReloadServer, **options: object) -> None:
        pages.append((Path(server.root) / "index.html").read_text(encoding="utf-8"))
        raise KeyboardInterrupt

    monkeypatch.setattr(LiveReloadServer, "serve", serve)
    return pages


def _run(cli, repo: Path, command: str) -> CliResult:
    return cli(command, "--config", str(repo / "pyproject.toml"))


def _page(repo: Path, name: str) -> str:
    return (repo / "build" / "site" / name / "index.html").read_text(encoding="utf-8")


def test_a_repository_without_mkdocs_yml_builds_a_complete_english_site(cli, repo: Path) -> None:
    assert _run(cli, repo, "lint").code == 0
    result = _run(cli, repo, "build")
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    restart, check = _page(repo, "restart_worker"), _page(repo, "check_queue")
    home = (repo / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in home
    assert 'placeholder="Search"' in home
    assert "<title>Home - payments-runbooks</title>" in home  # the folder's name
    assert 'class="admonition warning"' in restart and "!!!" not in restart
    assert re.search(r'<div class="runbookc-meta">\s*<table>', restart)  # not `| ... |` text
    assert "<td>payments</td>" in check
    assert "{ download }" not in restart
    assert re.search(r'<a download="" href="[^"]*\.sh">', restart)
    assert 'id="queue-depth"' in check and 'id="whats-next"' in check  # the linter's slugs
    assert f'href="../{STYLESHEET}"' in restart
    assert (repo / "build" / "site" / STYLESHEET).is_file()
    for page in (repo / "build" / "site").rglob("*.html"):
        assert not EXTERNAL.search(page.read_text(encoding="utf-8")), page


def test_a_repository_with_no_settings_at_all_gets_an_english_site(
    cli, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No runbookc settings, no mkdocs.yml: run in the repository, the defaults apply."""
    (repo / "pyproject.toml").unlink()
    monkeypatch.chdir(repo)
    assert cli("lint").code == 0
    result = cli("build")
    assert result.code == 0, result.err
    home = (repo / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in home and 'placeholder="Search"' in home
    assert 'class="admonition warning"' in _page(repo, "restart_worker")


def test_serve_without_mkdocs_yml_builds_the_preview(cli, repo: Path, served: list[str]) -> None:
    result = _run(cli, repo, "serve")
    assert result.code == 0, result.err
    assert len(served) == 1 and '<html lang="en"' in served[0]


def test_settings_the_compiler_owns_are_refused_by_build_and_serve(cli, repo: Path) -> None:
    (repo / "mkdocs.yml").write_text(
        "site_name: Payments\ndocs_dir: docs\nsite_dir: public\nnav:\n  - index.md\n",
        encoding="utf-8",
    )
    for command in ("build", "serve"):
        result = _run(cli, repo, command)
        assert result.code == 1
        assert f"{repo / 'mkdocs.yml'}:2: docs_dir: runbookc renders the pages" in result.err
        assert f"{repo / 'mkdocs.yml'}:3: site_dir:" in result.err
        assert f"{repo / 'mkdocs.yml'}:4: nav: runbookc makes the navigation" in result.err
        assert "Traceback" not in result.err
    assert not (repo / "build" / "site").exists()


def test_a_theme_language_other_than_the_setting_is_refused(cli, repo: Path) -> None:
    (repo / "mkdocs.yml").write_text("theme:\n  name: material\n  language: de\n")
    result = _run(cli, repo, "build")
    assert result.code == 1
    assert "theme.language: 'de' differs from the runbookc setting `language` ('en')" in result.err


def test_a_team_theme_palette_is_kept_with_the_default_theme(cli, repo: Path) -> None:
    (repo / "mkdocs.yml").write_text(
        "site_name: Payments on-call\ntheme:\n  palette:\n    primary: deep purple\n",
        encoding="utf-8",
    )
    result = _run(cli, repo, "build")
    assert result.code == 0, result.err
    page = _page(repo, "restart_worker")
    assert 'data-md-color-primary="deep-purple"' in page
    assert '"navigation.prune"' in page  # the default theme's features are still there
    assert "<title>Restart the payments worker - Payments on-call</title>" in page
    assert "added" not in result.err  # nothing was missing


def test_extensions_the_pages_need_are_added_to_a_team_list(cli, repo: Path) -> None:
    (repo / "mkdocs.yml").write_text(
        "markdown_extensions:\n  - toc:\n      permalink: true\n  - footnotes\n"
        "plugins:\n  - search\n",
        encoding="utf-8",
    )
    result = _run(cli, repo, "build")
    assert result.code == 0, result.err
    assert result.err.count("added the Markdown extensions the pages need") == 1
    assert (
        "added the Markdown extensions the pages need: admonition, attr_list, md_in_html, "
        "tables, pymdownx.details, pymdownx.superfences"
    ) in result.err
    assert "added the tags plugin" in result.err
    restart, check = _page(repo, "restart_worker"), _page(repo, "check_queue")
    assert 'class="admonition warning"' in restart and "{ download }" not in restart
    assert 'id="whats-next"' in check  # toc got the linter's slugify
    assert (repo / "build" / "site" / "tags" / "index.html").is_file()


def test_a_toc_slugify_other_than_the_linters_is_an_error_naming_it(cli, repo: Path) -> None:
    (repo / "mkdocs.yml").write_text(
        "markdown_extensions:\n  - toc:\n"
        "      slugify: !!python/name:markdown.extensions.toc.slugify\n",
        encoding="utf-8",
    )
    result = _run(cli, repo, "build")
    assert result.code == 1
    assert "markdown_extensions: toc: its slugify is not the one runbookc's lint" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("theme: [material\n", "line 1"),  # YAML: MkDocs' message has the line
        ("theme:\n  name: no-such-theme\n", "config value 'theme'"),
        ("- a list\n", "a site config is a mapping"),
        ("not_a_mkdocs_setting: 1\n", "not_a_mkdocs_setting"),
    ],
)
def test_a_broken_mkdocs_yml_is_a_message_naming_the_file(
    cli, repo: Path, text: str, expected: str
) -> None:
    (repo / "mkdocs.yml").write_text(text, encoding="utf-8")
    # serve is not strict: an unknown key is only MkDocs' warning there
    for command in ("build",) if "not_a" in text else ("build", "serve"):
        result = _run(cli, repo, command)
        assert result.code == 1, command
        assert str(repo / "mkdocs.yml") in result.err and expected in result.err
        assert "Traceback" not in result.err


def test_the_default_config_makes_anchors_with_the_linters_slugify() -> None:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.utils.yaml import get_yaml_loader
    from runbookc.render.site_config import load_yaml

    loader = get_yaml_loader(config=MkDocsConfig())
    extensions = load_yaml(DEFAULT_CONFIG, loader)["markdown_extensions"]
    configs = {name: cfg for item in extensions for name, cfg in dict(_item(item)).items()}
    assert set(NEEDED) <= configs.keys()
    toc = configs["toc"]["slugify"]
    assert toc("Диагностика: what's next?", "-") == slugify()("Диагностика: what's next?", "-")


def _item(item: object) -> dict[str, object]:
    return item if isinstance(item, dict) else {str(item): None}


def test_a_site_config_named_in_the_settings_must_exist(cli, repo: Path) -> None:
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as settings:
        settings.write('[tool.runbookc.site]\nmkdocs = "site/mkdocs.yml"\n')
    result = _run(cli, repo, "build")
    assert result.code == 1
    assert f"{repo / 'site' / 'mkdocs.yml'}: the site config is not a regular file" in result.err


def test_a_team_not_in_nav_keeps_the_rule_pages_out_of_the_nav(cli, repo: Path) -> None:
    """A team's own `not_in_nav` replaces the default's; the rule pages' folder is put back,
    or MkDocs' strict build would refuse them as pages missing from the nav."""
    (repo / "mkdocs.yml").write_text("not_in_nav: |\n  /drafts/\n", encoding="utf-8")
    from mkdocs.utils.yaml import get_yaml_loader
    from runbookc.render.site_config import layered

    settings, _ = layered(repo / "mkdocs.yml", get_yaml_loader(), "en", "x")
    assert settings["not_in_nav"].splitlines() == ["/drafts/", "/rules/"]
    result = _run(cli, repo, "build")
    assert result.code == 0, result.err
    nav = _page(repo, "restart_worker").split('md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    assert "Restart the payments worker" in nav and "rules/" not in nav


def test_light_and_dark_palettes_follow_the_system_with_a_toggle(cli, repo: Path) -> None:
    result = _run(cli, repo, "build")
    assert result.code == 0, result.err
    page = _page(repo, "restart_worker")
    for media, scheme, switch in (
        ("light", "default", "Switch to the dark palette"),
        ("dark", "slate", "Switch to the light palette"),
    ):
        assert re.search(
            rf'data-md-color-media="\(prefers-color-scheme: {media}\)"\s+'
            rf'data-md-color-scheme="{scheme}"[^>]*aria-label="{switch}"',
            page,
        ), (media, scheme)
    assert 'rel="edit"' not in page  # no repository configured: no edit link


def test_edit_links_on_document_pages_when_a_repository_is_configured(cli, repo: Path) -> None:
    (repo / "pyproject.toml").write_text(
        '[tool.runbookc]\nlanguage = "en"\n[tool.runbookc.site]\n'
        'repo_url = "https://git.example.com/team/payments"\n',
        encoding="utf-8",
    )
    result = _run(cli, repo, "build")
    assert result.code == 0, result.err
    edit = re.findall(r'<a href="([^"]*)"[^>]*rel="edit"', _page(repo, "restart_worker"))
    assert edit == ["https://git.example.com/team/payments/edit/main/runbooks/restart_worker.md"]
    site = repo / "build" / "site"
    for generated in ("index.html", "runbooks/index.html", "tags/index.html", "rules/index.html"):
        assert 'rel="edit"' not in (site / generated).read_text(encoding="utf-8"), generated
    assert 'rel="edit"' not in (site / "rules" / "RB301" / "index.html").read_text()
    # an edit_uri of the team's own (GitLab spells it -/edit/BRANCH/)
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as settings:
        settings.write('edit_uri = "-/edit/trunk/runbooks"\n')
    assert _run(cli, repo, "build").code == 0
    assert (
        'href="https://git.example.com/team/payments/-/edit/trunk/runbooks/check_queue.md"'
        in _page(repo, "check_queue")
    )
