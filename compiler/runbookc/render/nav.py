"""The site navigation: home, one section per document type, the scripts index, tags.

Passed to MkDocs as its `nav`, so section names are in the site's language. Every page of
the docs dir is listed (MkDocs' `validation.omitted_files` would flag one that is not) but
the lint-rule pages: they are reference, reached from the findings on a page and the home
page, and the site config lists their folder in `not_in_nav` (render/site_config.py).
Every page renders the navigation, and `navigation.prune` keeps only the open section, so
a type whose documents sit in several folders gets one sub-section per folder: a page
then carries its folder's entries, not the whole corpus's.
"""

from __future__ import annotations

import html
import posixpath
from typing import Any

from runbookc import doctypes
from runbookc.render.body import page_title
from runbookc.render.context import Site
from runbookc.render.paths import HOME, SCRIPTS, TAGS


def _label(text: str) -> str:
    return html.escape(text, quote=False)  # nav titles reach the HTML unescaped


def build_nav(site: Site) -> list[Any]:
    words = site.words
    nav: list[Any] = [{_label(words["home"]): HOME}]
    for doc_type in doctypes.on_site():
        section = site.type_words(doc_type).heading
        folders: dict[str, list[Any]] = {}
        for doc in site.by_type.get(doc_type.name, []):
            page = site.page(doc)
            folders.setdefault(posixpath.dirname(page), []).append({_label(page_title(doc)): page})
        if len(folders) > 1:
            entries = [{_label(folder or "/"): folders[folder]} for folder in sorted(folders)]
        else:
            entries = [item for pages in folders.values() for item in pages]
        if doctypes.ALERTS in doc_type.references and site.alert_pages:  # alerts by name
            pages = [{_label(name): page} for page, name in site.alert_pages.items()]
            entries.append({_label(words["alert_pages"]): pages})
        nav.append({_label(section): [doc_type.index, *entries]})
    nav.append({_label(words["scripts"]): SCRIPTS})
    nav.append({_label(words["tags"]): TAGS})
    return nav
