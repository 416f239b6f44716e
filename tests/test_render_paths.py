"""render.paths.href: relative links between docs-dir pages."""

from __future__ import annotations

import itertools
import posixpath

import pytest
from runbookc.render.paths import href

PAGES = [
    "index.md",
    "tags.md",
    "rules/index.md",
    "rules/RB101.md",
    "ops/a.md",
    "ops/b.md",
    "ops/area-01/x.md",
    "ops/area-02/y z.md",
    "ops/area-02/deep/z.md",
    "opsx/a.md",
    "scripts/RB-X-0001/01-check.sh",
    "runbooks/index.md",
]


@pytest.mark.parametrize(("source", "target"), list(itertools.product(PAGES, PAGES)))
def test_href_is_relpath_from_the_pages_folder(source: str, target: str) -> None:
    if source == target:
        assert href(source, target) == "#" and href(source, target, "x") == "#x"
        return
    expected = posixpath.relpath(target, posixpath.dirname(source) or ".")
    assert href(source, target).replace("%20", " ") == expected
    assert href(source, target, "step-1") == href(source, target) + "#step-1"


def test_href_quotes_what_a_link_cannot_hold() -> None:
    assert href("ops/a.md", "ops/area-02/y z.md") == "area-02/y%20z.md"
    assert href("ops/area-02/deep/z.md", "opsx/a.md") == "../../../opsx/a.md"
