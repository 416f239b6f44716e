"""An SVG reaches the site only when it is drawing and nothing else (render/svg_check.py)."""

from __future__ import annotations

import pytest
from runbookc.render.svg_check import svg_refusal

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'
XHTML = 'xmlns:h="http://www.w3.org/1999/xhtml"'


@pytest.mark.parametrize(
    "body",
    [
        '<g><title>t</title><path d="M0 0L1 1" stroke="black"/></g>',
        '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
        '<rect width="1" height="1" fill="url(#g)"/>',
        '<use xlink:href="#g"/><text x="1">a &amp; b</text>',
        "<style>.node { fill: red }</style>",
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>',
    ],
)
def test_drawing_is_published(body: str) -> None:
    assert svg_refusal(SVG.format(body).encode()) is None


@pytest.mark.parametrize(
    ("svg", "reason"),
    [
        (SVG.format("<script>alert(1)</script>"), "`<script>` element"),
        (SVG.format('<g onclick="alert(1)"/>'), "event handler attribute (`onclick`)"),
        (SVG.format('<rect ONLOAD="x"/>'), "event handler attribute (`ONLOAD`)"),
        (SVG.format('<a xlink:href="javascript:alert(1)"><text>x</text></a>'), "`<a>` element"),
        (SVG.format('<use href="https://evil.example/x.svg#a"/>'), "links outside itself"),
        (SVG.format('<use xlink:href="data:image/svg+xml,..."/>'), "links outside itself"),
        (SVG.format("<foreignObject><div/></foreignObject>"), "`<foreignObject>` element"),
        (SVG.format(f"<g {XHTML}><h:script>alert(1)</h:script></g>"), "embeds HTML"),
        (SVG.format('<set attributeName="href" to="javascript:x"/>'), "`<set>` element"),
        (SVG.format("<image href='#x'/>"), "`<image>` element"),
        (SVG.format("<style>@import url(https://evil.example/a.css);</style>"), "style"),
        (SVG.format('<rect style="fill: url(https://evil.example/p)"/>'), "`style` attribute"),
        (SVG.format('<rect fill="url(//evil.example/p)"/>'), "`fill` attribute"),
        ('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>', "declares XML entities"),
        ("<svg><script>alert(1)</script></svg>", "outside the SVG namespace"),
        ("<svg", "not well-formed XML"),
    ],
)
def test_anything_that_runs_or_loads_is_refused(svg: str, reason: str) -> None:
    found = svg_refusal(svg.encode())
    assert found is not None and reason in found
