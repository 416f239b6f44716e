"""Whether an SVG is safe to publish on the site: only drawing, nothing that runs.

A reader who follows a link to an SVG opens it as a document of the site's origin, where a
`<script>`, an `on*` attribute, a `javascript:` link or an embedded HTML document would run
with the site's rights. Diagrams (Graphviz, draw.io without HTML labels, Inkscape) need
none of that, so an SVG is published only when every element is one of the drawing elements
below, no attribute is an event handler, every link stays inside the file and no style
loads anything. Anything else, or anything that does not parse as XML, is refused with the
reason; an entity declaration is refused before parsing (entity expansion bombs).
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

_SVG = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_DRAWING = frozenset(
    {
        *("svg", "g", "defs", "title", "desc", "metadata", "symbol", "use", "switch"),
        *("path", "rect", "circle", "ellipse", "line", "polyline", "polygon"),
        *("text", "tspan", "textPath", "style"),
        *("linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker"),
        *("filter", "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood"),
        *("feComposite", "feMerge", "feMergeNode", "feMorphology", "feDropShadow"),
    }
)
# Namespaces whose elements a browser runs or renders as HTML.
_ACTIVE = ("{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/1998/Math/MathML}")
# In a style: what loads from elsewhere or runs (a url() to anything but a local #id).
_STYLE_LOADS = re.compile(r"@import|expression\s*\(|javascript:|url\(\s*['\"]?\s*(?!#)", re.I)
MAX_BYTES = 5_000_000


def svg_refusal(data: bytes) -> str | None:
    """Why the SVG `data` may not be published, None when it is only drawing."""
    if len(data) > MAX_BYTES:
        return f"an SVG over {MAX_BYTES:,} bytes is not checked"
    if b"<!ENTITY" in data:
        return "the SVG declares XML entities"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return f"the SVG is not well-formed XML ({exc})"
    for element in root.iter():
        reason = _element_refusal(element)
        if reason is not None:
            return reason
    return None


def _element_refusal(element: ElementTree.Element) -> str | None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag.startswith(_ACTIVE):
        return f"the SVG embeds HTML (`{tag.split('}')[1]}`)"
    if tag.startswith(_SVG) and tag[len(_SVG) :] not in _DRAWING:
        return f"the SVG has a `<{tag[len(_SVG) :]}>` element, which can run or load content"
    if not tag.startswith("{"):
        return f"the SVG has `<{tag}>` outside the SVG namespace"
    for name, value in element.attrib.items():
        local = name.rsplit("}", 1)[-1]
        if local.lower().startswith("on"):
            return f"the SVG has an event handler attribute (`{local}`)"
        if (name == _XLINK_HREF or local == "href") and not value.strip().startswith("#"):
            return f"the SVG links outside itself (`{value[:60]}`)"
        if _STYLE_LOADS.search(value):  # style="...", fill="url(...)"
            return f"the SVG's `{local}` attribute loads or runs something"
    if tag == f"{_SVG}style" and _STYLE_LOADS.search(element.text or ""):
        return "a style in the SVG loads or runs something"
    return None
