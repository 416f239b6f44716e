"""The corpus graph over the shipped corpus: lookups and reverse edges."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from runbookc.commands.wiring import compile_targets
from runbookc.config import load_settings
from runbookc.pipeline.corpus import documents
from runbookc.pipeline.graph import LINK, PATH, Graph, build_graph

SEED = "ops/ai_slot_build_runbook.md"
MIRROR = "ops/registry_mirror_degraded_runbook.md"
ALERTS = "ops/alerts_ai_slot_build_pipeline.md"
MIRROR_ALERTS = "ops/alerts_registry_mirror.md"
PLAN = "ops/rollback_plan_ai_slot_build_pipeline.md"
SLO = "ops/slo_ai_slot_build_pipeline.md"


@pytest.fixture(scope="module")
def graph(project_copy: Path) -> Graph:
    settings = load_settings()  # the project's: its copy is the working dir (conftest)
    corpus = compile_targets([str(settings.source_dir)], settings, use_cache=False).corpus
    return build_graph(documents(corpus), settings)


def paths(graph: Graph, docs: list) -> list[str]:
    return [graph.source_path(d) for d in docs]


def test_documents_by_id_and_path(graph: Graph) -> None:
    seed = graph.document("RB-CK8S-AISLOT-BUILD-0001")
    assert seed is not None
    assert graph.source_path(seed) == SEED
    assert graph.by_path(SEED) is seed
    assert graph.by_path("ops/../ops/ai_slot_build_runbook.md") is seed
    assert graph.document("RB-NOPE-0001") is None
    assert graph.duplicate_ids() == {}


def test_alert_ids_resolve_to_their_alert_docs(graph: Graph) -> None:
    assert graph.alert_ids() == ["ALT-CK8S-AISLOT-BUILD-0001", "ALT-CK8S-REGISTRY-MIRROR-0001"]
    doc = graph.alert_doc("ALT-CK8S-AISLOT-BUILD-0001")
    assert doc is not None and graph.source_path(doc) == ALERTS
    entry = graph.alert("ALT-CK8S-AISLOT-BUILD-0001")
    assert entry is not None and entry["severity"] == "critical"
    assert graph.alert("ALT-NOPE-0001") is None


def test_alert_to_runbooks(graph: Graph) -> None:
    assert paths(graph, graph.runbooks_for_alert("ALT-CK8S-AISLOT-BUILD-0001")) == [SEED]
    assert paths(graph, graph.runbooks_for_alert("ALT-CK8S-REGISTRY-MIRROR-0001")) == [MIRROR]
    alert_doc = graph.by_path(ALERTS)
    assert paths(graph, graph.referrers(alert_doc, "runbook")) == [SEED]


def test_rollback_plan_to_runbooks(graph: Graph) -> None:
    # the seed names the plan in a code span, the mirror runbook links to it
    plan = graph.by_path(PLAN)
    assert paths(graph, graph.referrers(plan, "runbook")) == [SEED, MIRROR]


def test_slo_to_runbooks_and_alerts(graph: Graph) -> None:
    slo = graph.by_path(SLO)
    assert paths(graph, graph.referrers(slo, "runbook")) == [SEED, MIRROR]
    assert paths(graph, graph.referrers(slo, "alert")) == [ALERTS, MIRROR_ALERTS]
    # and the SLO's own related_alerts / related_runbooks are its outgoing edges
    assert {SEED, MIRROR, ALERTS, MIRROR_ALERTS} <= set(paths(graph, graph.references(slo)))


def test_issue_to_runbooks(graph: Graph) -> None:
    issues = graph.issues()
    assert sorted(issues) == [198, 205]
    runbooks_205 = [d for d in issues[205] if d.doc_type == "runbook"]
    assert paths(graph, runbooks_205) == [SEED]
    assert MIRROR in paths(graph, issues[198])
    assert graph.issue_url(205) == "https://github.com/codex-k8s/codex-k8s/issues/205"


def test_seed_references_resolve_with_lines(graph: Graph) -> None:
    seed = graph.by_path(SEED)
    refs = [(r.kind, r.line, graph.source_path(r.document)) for r in graph.outgoing(seed)]
    assert refs == [
        ("related_alert", 10, ALERTS),
        ("path", 28, ALERTS),
        ("path", 130, PLAN),
        ("path", 139, ALERTS),
        ("path", 140, SLO),
    ]
    assert paths(graph, graph.references(seed)) == [ALERTS, PLAN, SLO]


def test_resolve_links_anchors_and_mapped_paths(graph: Graph) -> None:
    alerts = graph.by_path(ALERTS)
    seed = graph.by_path(SEED)
    encoded = "ai_slot_build_runbook.md#" + quote("диагностика-пошагово")
    assert graph.resolve(alerts, encoded) == (seed, "диагностика-пошагово")
    assert graph.resolve(seed, "#tldr") == (seed, "tldr")
    assert graph.resolve(seed, "docs/ops/slo_ai_slot_build_pipeline.md") == (
        graph.by_path(SLO),
        None,
    )
    assert graph.resolve(seed, "https://example.com/x.md") == (None, None)
    assert graph.resolve(seed, "missing.md") == (None, None)
    # a mapped prefix is read only through the mapping, never also as a relative link
    assert graph.resolve(seed, "docs/ops/missing.md") == (None, None)
    assert graph.resolve(seed, "alerts_registry_mirror.md", kind=PATH) == (None, None)
    assert graph.resolve(seed, "alerts_registry_mirror.md", kind=LINK)[0] is graph.by_path(
        MIRROR_ALERTS
    )
