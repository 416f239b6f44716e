"""What each page is made from, as a digest per page: the incremental render
(engine/incremental.py) renders again only the pages whose digest changed.

A document's page reads its own source, the documents it links to and those linking to it
(titles, ids, alert entries on both sides of an edge), its lint findings and scripts, and
the corpus-wide map of doc ids and alert ids to pages (a code span naming any id becomes a
link). The generated pages (home, indexes) read the whole corpus; the rule pages read the
rules. An alert's rules from the rule files join the pages that show them: its alert doc's
page and its own page (render/alert_pages.py), which reads the corpus too. All of them
read the settings and the compiler itself (its version and every file of the package:
`compiler`, the engine's fingerprint of them).
"""

from __future__ import annotations

import hashlib

from runbookc.model import Document
from runbookc.render.context import Site
from runbookc.render.labels import language_key
from runbookc.render.paths import HOME, RULES, SCRIPTS, TAGS, indexes, rule_page


def _hash(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _doc_digest(site: Site, doc: Document) -> str:
    """One document's own share of its pages' inputs: path, bytes, findings, scripts."""
    findings = [repr(d) for d in site.findings.get(doc.path, [])]
    scripts = [repr(s) for s in site.scripts_of(doc)]
    return _hash(doc.path, site.page(doc), doc.text, *findings, "\0", *scripts)


def page_digests(site: Site, compiler: str) -> dict[str, str]:
    """Page path -> digest of everything its text is rendered from."""
    base = _hash(compiler, site.settings.fingerprint, site.settings.language)
    language = language_key(site.settings.language)
    own = {doc.path: _doc_digest(site, doc) for doc in site.documents}
    ids = [f"{d.doc_id}\0{site.page(d)}" for d in site.documents]
    homes = {a: site.document_of(site.graph.alert_doc(a)) for a in site.graph.alert_ids()}
    alerts = [f"{a}\0{site.page(d)}" for a, d in homes.items() if d is not None]
    index = _hash(*ids, "\0", *alerts, "\0", *site.alert_pages)
    rules = _hash(base, *(f"{r.code}\0{r.name}\0{r.severity}\0{r.summary}" for r in site.rules))
    corpus = _hash(rules, index, site.home_text, *own.values())
    digests = {HOME: corpus, TAGS: base, RULES: rules, SCRIPTS: corpus}
    digests.update(dict.fromkeys(indexes(), corpus))
    for rule in site.rules:
        digests[rule_page(rule.code)] = _hash(rules, rule.code, *rule.docs_in(language))
    for doc in site.documents:
        neighbours = _neighbours(site, doc)
        shown = [_alert_rules(site, a) for _, a, _, _ in site.node(doc).alerts]
        digests[site.page(doc)] = _hash(
            base, index, own[doc.path], *(own[n] for n in neighbours), *shown
        )
    for page, alert_id in site.alert_pages.items():
        digests[page] = _hash(corpus, _alert_rules(site, alert_id))
    return digests


def _alert_rules(site: Site, alert_id: str) -> str:
    """What the rule files say of `alert_id` (every field of each of its rules)."""
    return repr(site.graph.rules.by_name.get(alert_id, []))


def _neighbours(site: Site, doc: Document) -> list[str]:
    """Paths of the documents on either side of `doc`'s edges in the graph."""
    graph, node = site.graph, site.node(doc)
    return sorted({d.path for d in [*graph.references(node), *graph.referrers(node)]} - {doc.path})
