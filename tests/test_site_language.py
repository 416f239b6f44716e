"""One language on the whole site: a corpus built with `language = "ru"` shows no English
word of runbookc's own (labels, rule summaries and section headings, severities, statuses,
the 404 page, permalinks), and one built with `language = "en"` no Russian one.

The corpora are written here, each in its site's language, so any word of the other
language on the built pages came from runbookc. Code (`<code>`, `<pre>`, `<kbd>`), ids and
text marked `lang="en"` (a rule page's English explanation where the language has no page,
ruledocs/<language>/) are not the pages' own words; "Material for MkDocs" is a name.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest
from runbookc.cli import run
from runbookc.lint.catalog import RULES
from runbookc.render.labels import labels

# language -> (runbook title, runbook body, alert summary, SLO name, plan body)
TEXTS = {
    "ru": (
        "Перезапуск обработчика платежей",
        "Обработчик платежей перестал брать задачи из очереди.",
        "Очередь платежей растёт",
        "доступность",
        "Если перезапуск не помог за полчаса, откатите выкладку.",
    ),
    "en": (
        "Restart the payments worker",
        "The payments worker stopped taking jobs from the queue.",
        "The payments queue grows",
        "availability",
        "When the restart did not help within half an hour, roll the release back.",
    ),
}
# The role whose approval is missing: roles are ids (Latin letters), as doc ids are.
ROLES = {"ru": "Lead", "en": "Owner"}
HEADINGS = {
    "ru": ("Симптомы", "Диагностика", "Восстановление", "Откат"),
    "en": ("Symptoms", "Checks", "Mitigation", "Rollback"),
}


def _corpus(root: Path, language: str) -> None:
    title, body, summary, objective, plan = TEXTS[language]
    symptoms, checks, mitigation, rollback = HEADINGS[language]
    approvals = f"approvals:\n  required: [{ROLES[language]}]\n  status: pending\n"
    folder = root / "runbooks"
    folder.mkdir(parents=True)
    head = "status: active\nowner_role: SRE\ncreated_at: 2026-03-02\nupdated_at: 2026-03-02\n"
    (root / "runbookc.toml").write_text(
        f'language = "{language}"\nissue_url = "https://issues.example/{{id}}"\n',
        encoding="utf-8",
    )
    # `2>/dev/null ... || true` (RB404) and a pending approval (RB301): warnings on the page
    (folder / "worker.md").write_text(
        f'---\ndoc_id: "RB-PAY-0001"\ntype: runbook\ntitle: "{title}"\n{head}'
        'related_alerts: ["ALT-PAY-0001"]\nrelated_issues: [7]\n'
        f'{approvals}  request_id: "issue-7"\n---\n\n'
        f"# {title}\n\n## {symptoms}\n\n{body}\n\n## {checks}\n\n"
        "```bash\nkubectl -n payments logs deploy/worker 2>/dev/null"
        " | grep -c timeout || true\n```\n\n"
        f"## {mitigation}\n\n"
        "```bash\nkubectl -n payments rollout restart deployment/worker\n```\n",
        encoding="utf-8",
    )
    (folder / "pay_alerts.md").write_text(
        f'---\ndoc_id: "ALD-PAY-0001"\ntype: alert\ntitle: "{summary}"\n{head}'
        'alerts:\n  - id: "ALT-PAY-0001"\n    severity: critical\n'
        f'    summary: "{summary}"\n    condition: "queue_depth > 1000"\n'
        '    threshold: "1000"\n    for: "10m"\n    runbooks: ["RB-PAY-0001"]\n'
        f"{approvals}---\n\n# {summary}\n\n{body}\n",
        encoding="utf-8",
    )
    (folder / "pay_slo.md").write_text(
        f'---\ndoc_id: "SLO-PAY-0001"\ntype: slo\ntitle: "SLO {objective}"\n{head}'
        f'service: "payments"\nobjectives:\n  - name: "{objective}"\n    sli: "{summary}"\n'
        '    target: 99.5\n    window: "28d"\nrelated_runbooks: ["RB-PAY-0001"]\n'
        f"{approvals}---\n\n# SLO {objective}\n\n{body}\n",
        encoding="utf-8",
    )
    (folder / "plan.md").write_text(
        f'---\ndoc_id: "RP-PAY-0001"\ntype: rollback_plan\ntitle: "{rollback}"\n{head}'
        'related_runbooks: ["RB-PAY-0001"]\n'
        f"{approvals}---\n\n# {rollback}\n\n"
        f"## {rollback}\n\n{plan}\n\n"
        "```bash\nkubectl -n payments rollout undo deployment/worker\n```\n",
        encoding="utf-8",
    )


class _Words(html.parser.HTMLParser):
    """The text a reader sees or hears: text nodes and the title, aria-label, placeholder
    and alt attributes, outside code, scripts, styles and elements marked lang="en"."""

    SKIP = frozenset({"code", "pre", "kbd", "script", "style", "svg"})
    SAID = ("title", "aria-label", "placeholder", "alt")
    VOID = frozenset({"meta", "link", "input", "img", "br", "hr", "source", "path", "wbr"})

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[bool] = []  # per open element: is its text skipped
        self.parts: list[str] = []

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        other = values.get("lang") not in (None, self.language) and tag != "html"
        skip = self._skipped() or tag in self.SKIP or other
        if not skip:
            self.parts += [str(values[a]) for a in self.SAID if values.get(a)]
        if tag not in self.VOID:
            self.stack.append(skip)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self._skipped():
            self.parts.append(data)


def _site_text(site: Path, language: str) -> dict[str, str]:
    """Each built HTML page's words, by path."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Words(language)
        parser.feed(page.read_text(encoding="utf-8"))
        text = " ".join(" ".join(parser.parts).split())
        found[page.relative_to(site).as_posix()] = text.replace("Material for MkDocs", "")
    return found


def _build(tmp_path: Path, language: str) -> dict[str, str]:
    root = tmp_path / f"site-{language}"
    _corpus(root, language)
    assert run(["build", "--config", str(root / "runbookc.toml")]) == 0
    return _site_text(root / "build" / "site", language)


def _phrases(values: list[str]) -> set[str]:
    """The fixed parts of label templates ("{n} lint error(s)" -> "lint error(s)")."""
    parts = {p.strip(" :,.()") for v in values for p in re.split(r"\{[a-z_]+\}", v)}
    return {p for p in parts if len(p) >= 3 and re.search(r"[^\W\d_]{3}", p)}


def _vocabulary(language: str, other: str) -> set[str]:
    """runbookc's words in `other` that differ in `language` (doc_id, SLI are the same)."""
    ours, theirs = labels(language), labels(other)
    words = [v for k, v in theirs.items() if ours[k] != v]
    words += [r.summary_in(other) for r in RULES]
    if other == "en":
        words += ["Not found", "Made with", "Runbooks"]  # Material's English; the old name
    return _phrases(words)


def _found(pages: dict[str, str], vocabulary: set[str]) -> list[tuple[str, str]]:
    return sorted(
        (page, phrase)
        for page, text in pages.items()
        for phrase in vocabulary
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
    )


def test_the_russian_site_shows_no_english_words_of_runbookc(tmp_path: Path) -> None:
    vocabulary = _vocabulary("ru", "en")
    assert {"Severity", "Problem", "Fix", "active", "warning", "Page not found"} <= vocabulary
    pages = _build(tmp_path, "ru")
    assert {"index.html", "404.html", "rules/RB404/index.html", "worker/index.html"} <= set(pages)
    assert "предупреждение" in pages["worker/index.html"]  # a finding is there
    assert "Важность" in pages["pay_alerts/index.html"]
    assert "действует" in pages["pay_slo/index.html"]
    assert "Удалите тег" in pages["rules/RB501/index.html"]  # ruledocs/ru/RB501.md
    found = _found(pages, vocabulary)
    assert found == [], found  # (page, English phrase) pairs


def test_the_english_site_shows_no_russian_words_of_runbookc(tmp_path: Path) -> None:
    vocabulary = _vocabulary("en", "ru")
    assert {"Важность", "Проблема", "действует", "предупреждение"} <= vocabulary
    pages = _build(tmp_path, "en")
    assert "warning" in pages["worker/index.html"] and "Severity" in pages["pay_alerts/index.html"]
    found = _found(pages, vocabulary)
    assert found == [], found  # (page, Russian phrase) pairs


@pytest.mark.parametrize(
    ("language", "lint", "says"),
    [
        ("ru", "Замечания линтера", "скрывает сбой инструмента"),  # RB404's summary
        ("en", "Lint findings", "hides a failing kubectl"),  # the message itself
    ],
)
def test_findings_show_code_as_code_in_the_sites_language(
    tmp_path: Path, language: str, lint: str, says: str
) -> None:
    root = tmp_path / "corpus"
    _corpus(root, language)
    assert run(["build", "--config", str(root / "runbookc.toml")]) == 0
    page = (root / "build" / "site" / "worker" / "index.html").read_text(encoding="utf-8")
    findings = page.split(lint, 1)[1].split("</details>", 1)[0]
    assert "`" not in findings
    assert says in findings
    assert "<code>|| true</code>" in findings
    assert 'href="../rules/RB404/"' in findings


def test_the_site_name_fallback_is_in_the_language() -> None:
    from runbookc.config import Settings
    from runbookc.render.site_build import site_name

    assert site_name(Settings(root=Path("/"), language="ru")) == "Ранбуки"
    assert site_name(Settings(root=Path("/"), language="en")) == "Runbooks"
    assert site_name(Settings(root=Path("/srv/payments"), language="ru")) == "payments"


def test_a_team_custom_dir_replaces_the_overrides(tmp_path: Path) -> None:
    """A team's own theme overrides win; runbookc's 404 page and footer step aside."""
    from mkdocs.utils.yaml import get_yaml_loader
    from runbookc.render.site_config import OVERRIDES, layered

    config = tmp_path / "mkdocs.yml"
    assert layered(None, get_yaml_loader(), "ru", "x")[0]["theme"]["custom_dir"] == str(OVERRIDES)
    config.write_text("theme:\n  name: material\n  custom_dir: mine\n", encoding="utf-8")
    settings, _ = layered(config, get_yaml_loader(), "ru", "x")
    assert settings["theme"]["custom_dir"] == "mine" and "extra" not in settings
