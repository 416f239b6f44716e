# ruff: noqa: RUF001 (Russian prose is the point: Cyrillic letters that look Latin)
"""Deterministic corpus generator for the benchmarks.

Documents come in groups of four modelled on the shipped seed (runbooks/ops/): a runbook
with about six bash blocks, the alert doc that pages for it, its rollback plan and its SLO
doc, all cross-referencing each other by id, by relative link (with heading anchors) and by
`docs/ops/...` code-span paths. Half of the groups are written in Russian, half in English.
Group `i` depends only on (seed, i), so a 300-document corpus is a prefix of a 10,000 one.

    python bench/generate.py OUT --docs 10000 [--seed 7] [--rules]

writes OUT/runbooks/ops/area-NN/*.md and OUT/pyproject.toml with [tool.runbookc], so
`runbookc lint` run in OUT checks the whole corpus. `--rules` adds a Prometheus rule file
per alert (OUT/monitoring/area-NN/ALERT.yaml, its runbook_url leading to the runbook's
section) and the `rules` settings that check them. Every runbook's approval is pending or
approved with the digest of its current content; the corpus lints clean otherwise.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "compiler"))

from runbookc.approvals.state import content_digest
from runbookc.pipeline.load import load_bytes
from runbookc.pipeline.parse import slug

GROUP = 4  # runbook, alert doc, rollback plan, SLO doc
GROUPS_PER_AREA = 50

PYPROJECT = """\
[tool.runbookc]
source = "runbooks"
output = "build"
language = "ru"

[tool.runbookc.paths]
"docs/ops/" = "ops/"
"""

# With --rules: the rule files and how their runbook_urls map to documents.
RULES_SETTINGS = """\

[tool.runbookc.alert_rules]
runbook_urls = ["https://git.example.com/ops/runbooks/blob/main/runbooks/{path}"]
"""
RULES_GLOB = 'rules = ["monitoring/**/*.yaml"]\n'

SYSTEMS = (
    *("billing", "payments", "search", "ingest", "auth", "gateway", "registry", "scheduler"),
    *("notifier", "metrics", "ledger", "catalog", "checkout", "inventory", "profile"),
    *("session", "media", "queue", "stream", "backup"),
)
PARTS = ("api", "worker", "mirror", "proxy", "cron", "db", "cache", "indexer")
ENV_FLAGS = ("CACHE_ENABLED", "PREFETCH_ENABLED", "BATCH_WRITES", "STRICT_MODE", "ASYNC_FLUSH")
SIGNATURES = (
    "MANIFEST_UNKNOWN|retrieving image from cache",
    "connection refused|i/o timeout",
    "no space left on device|disk quota exceeded",
    "toomanyrequests|rate limit",
    "OOMKilled|out of memory",
    "deadline exceeded|context canceled",
    "x509: certificate|tls: handshake failure",
    "too many open files|EMFILE",
)

TEXT = {
    "ru": {
        "sections": (
            "TL;DR",
            "Когда использовать",
            "Предпосылки/доступы",
            "Симптомы",
            "Диагностика (пошагово)",
            "Митигирование (восстановление)",
            "Эскалация",
            "План отката",
            "Проверка результата",
            "Пост-действия",
        ),
        "filler": (
            "Сервис может оставаться healthy, но новые запросы деградируют или падают по таймауту.",
            "Проверить, не совпадает ли начало ошибок с последним rollout.",
            "Сверить метрики за последние 6 часов с базовой линией прошлой недели.",
            "Если сигнатура не совпадает, перейти к общей диагностике namespace.",
            "Зафиксировать время первой и последней ошибки в issue инцидента.",
            "Не перезапускать pods вслепую: сначала собрать логи и события.",
            "Для подтверждения гипотезы достаточно двух совпадающих сигнатур в логах.",
            "Ошибка воспроизводится только под нагрузкой выше 70% от пиковой.",
            "В логах control-plane встречается `context deadline exceeded` при обращении к API.",
            "Перед изменением конфигурации сохранить текущий манифест через `kubectl get -o yaml`.",
            "Если алерт сработал ночью, дежурный SRE действует по этому runbook без согласования.",
            "Откат релиза требует подтверждения Owner, кроме случаев полной недоступности.",
            "Метрики kube-state-metrics обновляются раз в 30 секунд, учитывать задержку.",
            "Повторный запуск задачи допустим только после устранения первопричины.",
            "Проверить, что HPA не упёрся в `maxReplicas` и новые pods не висят в `Pending`.",
            "Сообщить в инцидентный канал статус и ожидаемое время восстановления.",
        ),
        "steps": (
            "Проверить общий статус runtime:",
            "Проверить ошибки в логах сервиса:",
            "Проверить события namespace:",
            "Проверить состояние deployment:",
            "Проверить неуспешные jobs:",
            "Проверить потребление ресурсов:",
        ),
        "mitigate": "Выставить `{flag}=false` в runtime-конфигурации и дождаться rollout.",
        "check": "Оперативная проверка:",
        "trigger": "Trigger: алерт из `{alerts}`.",
        "rollback": "Использовать `{plan}` ([план отката]({plan_file})).",
        "related": "Если одновременно деградирует соседний сервис, см. [runbook]({other}).",
        "escalate": "Эскалировать, если ошибка повторяется более {n} раз подряд.",
        "title": "{Service}: деградация и ошибки {sig}",
        "alert_title": "Алерты: {service}",
        "plan_title": "План отката: {service}",
        "slo_title": "SLO: {service}",
        "step": "Шаг {n}. Откат {svc}",
        "steps_title": "Шаги отката",
        "see": "Обработка: [Runbook]({runbook}#{anchor}) `{rb}`.",
    },
    "en": {
        "sections": (
            "TL;DR",
            "When to use",
            "Prerequisites",
            "Symptoms",
            "Diagnosis (step by step)",
            "Mitigation",
            "Escalation",
            "Rollback plan",
            "Verification",
            "Follow-up",
        ),
        "filler": (
            "The service may stay healthy while new requests degrade or time out.",
            "Check whether the first errors line up with the latest rollout.",
            "Compare the last six hours of metrics with last week's baseline.",
            "If the signature does not match, fall back to the namespace-wide checks.",
            "Record the time of the first and the last error in the incident issue.",
            "Do not restart pods blindly: collect logs and events first.",
            "Two matching signatures in the logs are enough to confirm the hypothesis.",
            "The error only reproduces above 70% of peak load.",
            "The control-plane logs show `context deadline exceeded` when it calls the API.",
            "Before changing the configuration, save the manifest with `kubectl get -o yaml`.",
            "If the alert fires at night, the on-call SRE follows this runbook without sign-off.",
            "Rolling back a release needs the Owner's approval unless the service is fully down.",
            "kube-state-metrics refreshes every 30 seconds; allow for that delay.",
            "Re-run the job only after the root cause is fixed.",
            "Check that the HPA has not hit `maxReplicas` and new pods are not stuck `Pending`.",
            "Post the status and the expected recovery time in the incident channel.",
        ),
        "steps": (
            "Check the overall runtime status:",
            "Check the service logs for the error signatures:",
            "Check the namespace events:",
            "Check the deployment state:",
            "Check the failed jobs:",
            "Check resource usage:",
        ),
        "mitigate": "Set `{flag}=false` in the runtime configuration and wait for the rollout.",
        "check": "Quick check:",
        "trigger": "Trigger: an alert from `{alerts}`.",
        "rollback": "Use `{plan}` ([rollback plan]({plan_file})).",
        "related": "If a neighbouring service degrades at the same time, see [runbook]({other}).",
        "escalate": "Escalate if the error repeats more than {n} times in a row.",
        "title": "{Service}: degradation and {sig} errors",
        "alert_title": "Alerts: {service}",
        "plan_title": "Rollback plan: {service}",
        "slo_title": "SLO: {service}",
        "step": "Step {n}. Roll back {svc}",
        "steps_title": "Rollback steps",
        "see": "Handled by: [Runbook]({runbook}#{anchor}) `{rb}`.",
    },
}


@dataclass(frozen=True)
class Group:
    """One service's four documents: ids, file names and the shared vocabulary."""

    seed: int
    index: int
    lang: str
    area: str
    service: str  # e.g. billing-api
    ns: str
    signature: str
    members: int  # how many of the four documents exist (the last group may be cut short)

    @property
    def tag(self) -> str:
        return f"{self.service.upper()}-{self.index + 1:04d}"

    def doc_id(self, prefix: str) -> str:
        return f"{prefix}-{self.tag}"

    def file(self, kind: str) -> str:
        stem = f"{self.service.replace('-', '_')}_{self.index + 1:04d}"
        return f"{kind}_{stem}.md" if kind != "runbook" else f"{stem}_runbook.md"

    def repo_path(self, kind: str) -> str:
        return f"docs/ops/{self.area}/{self.file(kind)}"


def make_group(seed: int, index: int, total_docs: int) -> Group:
    rng = random.Random(f"{seed}:{index}")
    service = f"{rng.choice(SYSTEMS)}-{rng.choice(PARTS)}"
    return Group(
        seed=seed,
        index=index,
        lang="ru" if index % 2 == 0 else "en",
        area=f"area-{index // GROUPS_PER_AREA:02d}",
        service=service,
        ns=f"{service.split('-')[0]}-prod",
        signature=rng.choice(SIGNATURES),
        members=min(GROUP, total_docs - index * GROUP),
    )


def _bash(ns: str, *commands: str) -> str:
    return "```bash\n" + f'ns="{ns}"\n' + "\n".join(commands) + "\n```\n"


def _diagnostic_blocks(g: Group, rng: random.Random) -> list[str]:
    svc = g.service
    hours = rng.choice((1, 3, 6, 12))
    return [
        _bash(g.ns, 'kubectl -n "$ns" get pods,job -o wide'),
        _bash(
            g.ns,
            f'kubectl -n "$ns" logs deploy/{svc} --since={hours}h \\',
            f'  | grep -E "{g.signature}" || true',
        ),
        _bash(
            g.ns,
            'kubectl -n "$ns" get events --sort-by=.lastTimestamp \\',
            f'  | grep -E "Warning|{svc}" | tail -n {rng.randint(20, 80)} || true',
        ),
        _bash(
            g.ns,
            f'kubectl -n "$ns" describe deploy/{svc} \\',
            '  | grep -E "Replicas|Available|Progressing|Image:" || true',
        ),
        _bash(
            g.ns,
            'kubectl -n "$ns" get jobs --sort-by=.metadata.creationTimestamp \\',
            f'  | grep -E "{svc}|Failed|Error" || true',
        ),
    ]


def _bullets(rng: random.Random, lines: tuple[str, ...], count: int) -> str:
    return "".join(f"- {line}\n" for line in rng.sample(lines, count))


def _paragraph(rng: random.Random, lines: tuple[str, ...]) -> str:
    """Four to six sentences wrapped like hand-written Markdown (soft breaks)."""
    sentences = rng.sample(lines, rng.randint(4, 6))
    return "\n" + "\n".join(sentences) + "\n"


def runbook(g: Group, rng: random.Random, alert_ids: list[str]) -> str:
    t = TEXT[g.lang]
    s = t["sections"]
    flag = f"{g.service.split('-')[0].upper()}_{rng.choice(ENV_FLAGS)}"
    title = t["title"].format(Service=g.service.capitalize(), sig=g.signature.split("|")[0])
    related_alerts = "".join(f'"{a}", ' for a in alert_ids).rstrip(", ")
    front = (
        f"---\ndoc_id: {g.doc_id('RB')}\ntype: runbook\ntitle: {title!r}\nstatus: active\n"
        f"owner_role: SRE\ncreated_at: 2026-02-{rng.randint(1, 28):02d}\n"
        f"updated_at: 2026-03-{rng.randint(1, 28):02d}\nrelated_issues: [{g.index + 100}]\n"
        + (f"related_alerts: [{related_alerts}]\n" if alert_ids else "")
        + 'approvals:\n  required: ["Owner"]\n  status: pending\n'
        + f'  request_id: "issue-{g.index + 100}"\n---\n'
    )
    filler = t["filler"]
    parts = [f"\n# Runbook: {title}\n\n## {s[0]}\n", _bullets(rng, filler, 4)]
    parts.append(f"- `{g.signature.split('|')[0]}` — `{g.service}`, namespace `{g.ns}`.\n")
    parts.append(_paragraph(rng, filler))
    parts.append(f"\n## {s[1]}\n")
    if g.members >= 2:
        parts.append(f"- {t['trigger'].format(alerts=g.repo_path('alerts'))}\n")
    parts.append(_bullets(rng, filler, 3))
    parts.append(f"\n## {s[2]}\n- `kubectl` → `{g.ns}`.\n" + _bullets(rng, filler, 2))
    parts.append(_paragraph(rng, filler))
    parts.append(f"\n## {s[3]}\n")
    parts += [f"- `{sig}`;\n" for sig in g.signature.split("|")]
    # every code span under Symptoms is a signature the diagnostics steps grep for (RB405)
    parts.append(_bullets(rng, tuple(line for line in filler if "`" not in line), 2))
    parts.append(f"\n## {s[4]}\n")
    for number, (step, block) in enumerate(
        zip(t["steps"], _diagnostic_blocks(g, rng), strict=False), start=1
    ):
        parts.append(f"{number}) {step}\n\n{block}\n")
    parts.append(f"## {s[5]}\n### A) `{flag}`\n1) {t['mitigate'].format(flag=flag)}\n")
    parts.append(_bullets(rng, filler, 2))
    parts.append(f"\n{t['check']}\n\n")
    parts.append(
        _bash(
            g.ns,
            f'kubectl -n "$ns" rollout status deploy/{g.service} --timeout=180s',
            f'kubectl -n "$ns" logs deploy/{g.service} --since=20m \\',
            f'  | grep -E "{g.signature}" || true',
        )
    )
    parts.append(f"\n### B) `{g.service}`\n" + _paragraph(rng, filler) + "\n")
    parts.append(
        _bash(
            g.ns,
            f'kubectl -n "$ns" rollout restart deploy/{g.service}',
            f'kubectl -n "$ns" get pods -l app={g.service} -o wide',
        )
    )
    parts.append(f"\n## {s[6]}\n- {t['escalate'].format(n=rng.randint(2, 5))}\n")
    parts.append(_bullets(rng, filler, 3))
    parts.append(f"\n## {s[7]}\n")
    if g.members >= 3:
        plan = t["rollback"].format(
            plan=g.repo_path("rollback_plan"), plan_file=g.file("rollback_plan")
        )
        parts.append(f"- {plan}\n")
    if g.index > 0:
        other = make_group_ref(g)
        parts.append(f"- {t['related'].format(other=other)}\n")
    parts.append(f"\n## {s[8]}\n" + _bullets(rng, filler, 3) + _paragraph(rng, filler))
    parts.append(f"\n## {s[9]}\n" + _bullets(rng, filler, 2))
    if g.members >= 4:
        parts.append(f"- `{g.repo_path('slo')}`.\n")
    return front + "".join(parts)


def make_group_ref(g: Group) -> str:
    """Relative link from group g's runbook to the previous group's runbook."""
    prev = _neighbour(g)
    if prev.area == g.area:
        return prev.file("runbook")
    return f"../{prev.area}/{prev.file('runbook')}"


def _neighbour(g: Group) -> Group:
    return make_group(g.seed, g.index - 1, (g.index + 1) * GROUP)


def alerts_doc(g: Group, rng: random.Random, alert_ids: list[str], rb_anchor: str) -> str:
    t = TEXT[g.lang]
    alerts = []
    for alert_id in alert_ids:
        errors = (
            f'sum(rate(http_requests_total{{namespace="{g.ns}",service="{g.service}",'
            f'code=~"5.."}}[5m]))'
        )
        total = f'sum(rate(http_requests_total{{namespace="{g.ns}",service="{g.service}"}}[5m]))'
        expr = f"{errors} / {total} > 0.0{rng.randint(1, 9)} and {total} > {rng.randint(1, 50)}"
        alerts.append(
            f"  - id: {alert_id}\n    severity: {rng.choice(('critical', 'warning'))}\n"
            f'    summary: "{g.service}: {g.signature.split("|")[0]}"\n'
            f"    condition: '{expr}'\n    threshold: \"> {rng.randint(1, 9)}% 5xx\"\n"
            f'    for: "{rng.choice((5, 10, 15))}m"\n    runbooks: ["{g.doc_id("RB")}"]\n'
        )
    front = (
        f"---\ndoc_id: {g.doc_id('ALD')}\ntype: alert\n"
        f'title: "{t["alert_title"].format(service=g.service)}"\nstatus: active\n'
        "owner_role: SRE\ncreated_at: 2026-02-01\nupdated_at: 2026-03-01\n"
        f"related_issues: [{g.index + 100}]\nalerts:\n" + "".join(alerts) + "---\n"
    )
    see = t["see"].format(runbook=g.file("runbook"), anchor=rb_anchor, rb=g.doc_id("RB"))
    body = [f"\n# {t['alert_title'].format(service=g.service)}\n\n## TL;DR\n- {see}\n"]
    body.append(_bullets(rng, t["filler"], 3))
    body.append("\n| Alert ID | Runbook |\n|---|---|\n")
    body += [f"| {a} | [{g.doc_id('RB')}]({g.file('runbook')}) |\n" for a in alert_ids]
    for alert_id in alert_ids:
        body.append(f"\n## {alert_id}\n" + _bullets(rng, t["filler"], 4))
        body.append(_paragraph(rng, t["filler"]))
        body.append(
            "\n```promql\n"
            f'sum(rate(http_requests_total{{namespace="{g.ns}",service="{g.service}",'
            'code=~"5.."}[5m]))\n'
            f'  / sum(rate(http_requests_total{{namespace="{g.ns}",service="{g.service}"}}[5m]))\n'
            f"  > 0.0{rng.randint(1, 9)}\n"
            f'and sum(rate(http_requests_total{{namespace="{g.ns}",service="{g.service}"}}[5m]))'
            f" > {rng.randint(1, 50)}\n```\n"
        )
        body.append(_bullets(rng, t["filler"], 3))
    return front + "".join(body)


def rollback_plan(g: Group, rng: random.Random, rb_anchor: str) -> str:
    t = TEXT[g.lang]
    front = (
        f"---\ndoc_id: {g.doc_id('RP')}\ntype: rollback_plan\n"
        f'title: "{t["plan_title"].format(service=g.service)}"\nstatus: active\n'
        "owner_role: SRE\ncreated_at: 2026-02-01\nupdated_at: 2026-03-01\n"
        f'related_runbooks: ["{g.doc_id("RB")}"]\n'
        'approvals:\n  required: ["Owner"]\n  status: pending\n'
        f'  request_id: "issue-{g.index + 100}"\n---\n'
    )
    body = [f"\n# {t['plan_title'].format(service=g.service)}\n\n## TL;DR\n"]
    body.append(f"- [{g.doc_id('RB')}]({g.file('runbook')}#{rb_anchor})\n")
    body.append(_bullets(rng, t["filler"], 4))
    body.append(_paragraph(rng, t["filler"]))
    body.append(f"\n## {t['steps_title']}\n")
    targets = [g.service, f"{g.service}-canary", f"{g.service.split('-')[0]}-gateway"]
    for number, svc in enumerate(targets, start=1):
        body.append(f"### {t['step'].format(n=number, svc=svc)}\n\n")
        body.append(
            _bash(
                g.ns,
                f'kubectl -n "$ns" rollout undo deploy/{svc}',
                f'kubectl -n "$ns" rollout status deploy/{svc} --timeout=180s',
            )
            + "\n"
        )
    body.append(f"## {t['sections'][8]}\n" + _bullets(rng, t["filler"], 3) + "\n")
    body.append(
        _bash(
            g.ns,
            f'kubectl -n "$ns" logs deploy/{g.service} --since=30m \\',
            f'  | grep -E "{g.signature}" || true',
        )
    )
    body.append(_paragraph(rng, t["filler"]))
    body.append(f"\n## {t['sections'][9]}\n" + _bullets(rng, t["filler"], 4))
    return front + "".join(body)


def slo_doc(g: Group, rng: random.Random, alert_ids: list[str]) -> str:
    t = TEXT[g.lang]
    names = rng.sample(("availability", "latency", "freshness", "success"), rng.randint(2, 4))
    objectives = "".join(
        f'  - name: "{name}"\n    sli: "{g.service} {name}"\n'
        f'    target: {rng.choice((95.0, 99.0, 99.5, 99.9))}\n    window: "28d"\n'
        for name in names
    )
    quoted = ", ".join(f'"{a}"' for a in alert_ids)
    front = (
        f"---\ndoc_id: {g.doc_id('SLO')}\ntype: slo\n"
        f'title: "{t["slo_title"].format(service=g.service)}"\nstatus: active\n'
        "owner_role: SRE\ncreated_at: 2026-02-01\nupdated_at: 2026-03-01\n"
        f'service: "{g.service}"\nobjectives:\n{objectives}'
        f'related_alerts: [{quoted}]\nrelated_runbooks: ["{g.doc_id("RB")}"]\n---\n'
    )
    body = [f"\n# {t['slo_title'].format(service=g.service)}\n\n## TL;DR\n"]
    body.append(_bullets(rng, t["filler"], 3))
    body.append(f"- `{g.repo_path('alerts')}`, [runbook]({g.file('runbook')}).\n")
    body.append(_paragraph(rng, t["filler"]))
    for name in names:
        body.append(f"\n## {name}\n" + _bullets(rng, t["filler"], 3))
        body.append(
            "\n```promql\n"
            f'sum(rate(http_requests_total{{namespace="{g.ns}",service="{g.service}",'
            'code!~"5.."}[28d]))\n'
            f'  / sum(rate(http_requests_total{{namespace="{g.ns}",service="{g.service}"}}[28d]))'
            "\n```\n"
        )
        body.append(_paragraph(rng, t["filler"]))
    return front + "".join(body)


def alert_ids(g: Group, rng: random.Random) -> list[str]:
    """The alerts of group `g` (none without an alert doc); `rng` is the group's text one."""
    if g.members < 2:
        return []
    return [f"ALT-{g.tag[:-5]}-{g.index * 2 + k + 1:04d}" for k in range(rng.randint(1, 2))]


def group_documents(seed: int, index: int, total_docs: int) -> list[tuple[str, str]]:
    """(path under runbooks/, text) for every document of group `index`."""
    g = make_group(seed, index, total_docs)
    rng = random.Random(f"{seed}:{index}:text")
    ids = alert_ids(g, rng)
    text = runbook(g, rng, ids)
    rb_anchor = slug(TEXT[g.lang]["sections"][5])
    if index % 3 == 0:
        text = _approve(text)
    docs = [(g.file("runbook"), text)]
    if g.members >= 2:
        docs.append((g.file("alerts"), alerts_doc(g, rng, ids, rb_anchor)))
    if g.members >= 3:
        docs.append((g.file("rollback_plan"), rollback_plan(g, rng, rb_anchor)))
    if g.members >= 4:
        docs.append((g.file("slo"), slo_doc(g, rng, ids)))
    return [(f"ops/{g.area}/{name}", body) for name, body in docs]


def rule_files(seed: int, index: int, total_docs: int) -> list[tuple[str, str]]:
    """(path under monitoring/, text): one rule file per alert of group `index`, its
    runbook_url leading to the section of the runbook the alert doc points at."""
    g = make_group(seed, index, total_docs)
    ids = alert_ids(g, random.Random(f"{seed}:{index}:text"))
    rng = random.Random(f"{seed}:{index}:rules")
    anchor = slug(TEXT[g.lang]["sections"][5])
    url = (
        f"https://git.example.com/ops/runbooks/blob/main/runbooks/ops/{g.area}/{g.file('runbook')}"
    )
    total = f'sum(rate(http_requests_total{{namespace="{g.ns}",service="{g.service}"}}[5m]))'
    return [
        (
            f"{g.area}/{alert_id}.yaml",
            f"groups:\n  - name: {g.service}\n    rules:\n"
            f"      - record: service:requests:rate5m\n        expr: {total}\n"
            f"      - alert: {alert_id}\n        expr: |\n          {total} == 0\n"
            f"        for: {rng.choice((5, 10, 15))}m\n"
            f"        labels:\n          severity: {rng.choice(('critical', 'warning'))}\n"
            f"        annotations:\n          summary: {g.service} serves no requests\n"
            f"          runbook_url: {url}#{anchor}\n",
        )
        for alert_id in ids
    ]


def _approve(text: str) -> str:
    """Record an Owner approval of the current content (digest via the compiler itself)."""
    document, _ = load_bytes(text.encode(), "generated.md")
    assert document is not None
    digest = content_digest(document)
    return text.replace(
        "  status: pending\n",
        '  status: approved\n  approved_by:\n    - role: Owner\n      by: "bench"\n'
        f'      at: 2026-03-02\n      digest: "{digest}"\n',
        1,
    )


def generate(out: Path, docs: int, seed: int = 7, rules: bool = False) -> list[Path]:
    """Write the corpus and its pyproject.toml into `out` (with `rules`, a rule file per
    alert too); return the document paths."""
    if not 1 <= docs <= 100_000:
        raise ValueError("--docs must be between 1 and 100000")
    out.mkdir(parents=True, exist_ok=True)
    settings = PYPROJECT.replace("[tool.runbookc]\n", "[tool.runbookc]\n" + RULES_GLOB, 1)
    pyproject = settings + RULES_SETTINGS if rules else PYPROJECT
    (out / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    written = []
    for index in range((docs + GROUP - 1) // GROUP):
        for relative, text in group_documents(seed, index, docs):
            written.append(_write(out / "runbooks" / relative, text))
        for relative, text in rule_files(seed, index, docs) if rules else []:
            _write(out / "monitoring" / relative, text)
    return written


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def runbook_paths(root: Path) -> list[Path]:
    return sorted((root / "runbooks").rglob("*_runbook.md"))


def editable_runbook(root: Path) -> Path:
    """A runbook in the middle of the corpus whose approval is pending, so editing it
    changes its content without making an approval stale (an error that stops builds)."""
    paths = runbook_paths(root)
    for path in paths[len(paths) // 2 :] + paths:
        if "  status: pending\n" in path.read_text(encoding="utf-8"):
            return path
    return paths[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (created if missing)")
    parser.add_argument("--docs", type=int, default=1000, help="number of documents")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rules", action="store_true", help="a rule file per alert")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.docs, args.seed, args.rules)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} documents, {size / 1e6:.1f} MB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
