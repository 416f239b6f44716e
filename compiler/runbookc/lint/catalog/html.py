"""Rules RB5xx: HTML safety."""

from __future__ import annotations

from runbookc.lint.rule import ERROR, Family, declare_rule

# HTML safety of the body and the front matter strings.
SCRIPT_TAG = declare_rule(
    "RB501",
    "html-script-tag",
    ERROR,
    "Raw HTML <script>, <iframe>, <object> or <embed> tag",
    Family.HTML_SAFETY,
)
EVENT_HANDLER = declare_rule(
    "RB502",
    "html-event-handler",
    ERROR,
    "Raw HTML tag with an event-handler attribute (on...=)",
    Family.HTML_SAFETY,
)
SCRIPT_URL = declare_rule(
    "RB503",
    "script-url",
    ERROR,
    "Link or HTML attribute with a javascript:, vbscript: or data:text/html URL",
    Family.HTML_SAFETY,
)
PAGE_TAG = declare_rule(
    "RB504",
    "html-page-tag",
    ERROR,
    "Raw HTML <base>, <meta> or <link> tag, which reroutes the page's URLs or the reader",
    Family.HTML_SAFETY,
)
