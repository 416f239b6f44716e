"""Render stage: the corpus -> Markdown pages for MkDocs (jinja2 templates).

`page_renderers(site)` maps every page path of the docs dir to a function that renders it,
so `runbookc serve` can re-render only the pages an edit affects; `render_pages(site)`
renders them all. Output is a pure function of the inputs: rendering twice gives the same
bytes. Each family of pages has its module: document_pages.py (a document's page, an
alert's page), index_pages.py (the indexes, home, scripts) and rule_pages.py.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from runbookc import doctypes
from runbookc.render.context import Site
from runbookc.render.document_pages import alert_page, document_page
from runbookc.render.index_pages import home_page, index_page, scripts_page
from runbookc.render.paths import HOME, RULES, SCRIPTS, TAGS, rule_page
from runbookc.render.rule_pages import rule_doc_page, rules_page
from runbookc.render.templates import render_template as _render


def page_renderers(site: Site) -> dict[str, Callable[[], str]]:
    renderers: dict[str, Callable[[], str]] = {
        HOME: partial(home_page, site),
        TAGS: partial(_render, "tags.md.j2", w=site.words),
        RULES: partial(rules_page, site),
        SCRIPTS: partial(scripts_page, site),
    }
    for doc_type in doctypes.on_site():
        renderers[doc_type.index] = partial(index_page, site, doc_type)
    for rule in site.rules:
        renderers[rule_page(rule.code)] = partial(rule_doc_page, site, rule)
    for doc in site.documents:
        renderers[site.page(doc)] = partial(document_page, site, doc)
    for page, alert_id in site.alert_pages.items():
        renderers[page] = partial(alert_page, site, alert_id, page)
    return renderers


def render_pages(site: Site) -> dict[str, str]:
    return {page: render() for page, render in sorted(page_renderers(site).items())}
