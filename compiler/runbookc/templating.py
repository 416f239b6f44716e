"""The jinja2 environments of the package's templates (templates/<folder>/): scripts, site
pages and new documents share one configuration, so a template behaves the same wherever
it lives."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2


def package_templates(folder: str) -> jinja2.Environment:
    """An environment over templates/<folder>: undefined names are errors, blocks keep no
    stray newlines or indentation, nothing is HTML-escaped (the outputs are shell, Markdown
    and YAML, each quoted by its own filters)."""
    import jinja2  # on first use: commands that render nothing skip the import

    return jinja2.Environment(
        loader=jinja2.PackageLoader("runbookc", f"templates/{folder}"),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        auto_reload=False,  # package files: no stat of a template for every use
    )
