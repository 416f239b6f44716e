"""The site's jinja2 environment (templates/site/, the Markdown filters) and a page
rendered from one of its templates."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from runbookc.render import markdown as md
from runbookc.templating import package_templates


@cache
def environment() -> jinja2.Environment:
    env = package_templates("site")  # Markdown out; values are escaped by the md filters
    env.filters.update(md.FILTERS)
    return env


def render_template(template: str, **context: Any) -> str:
    text = environment().get_template(template).render(**context)
    return text.rstrip("\n") + "\n"
