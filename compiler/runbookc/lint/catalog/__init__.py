"""The rule catalog: every diagnostic code, declared once (as ruff keeps one code table).

A rule is one entry here, in the module of its code range (documents.py RB0xx-RB1xx,
references.py RB2xx, approvals.py RB3xx, scripts.py RB4xx, html.py RB5xx, alerting.py
RB6xx): code, name, default severity, summary and family, the module of the package that
holds its check. That module imports the rule's constant and emits a finding by calling it,
`BROKEN_LINK(path, line, message)`; no other module imports it (tests/test_catalog.py
checks both). So `runbookc rules`, the SARIF report, the policy and the site's rule pages
read this package alone (and lint/rule.py, the Rule class) and import no stage. The site
shows a rule's summary in its language from ruledocs/summaries.<language>.toml (every rule
has one; lint/rule.py reads it).

The long explanation of a code (problem, example, fix, why) is its docs page,
ruledocs/<CODE>.md in English and ruledocs/<language>/<CODE>.md in each other language the
site speaks (ruledocs/ru/: the same headings and code blocks, the prose translated). To
add a rule: declare it in its code range's module, import the constant where the check is,
write the pages and the cases tests/cases/rules/<CODE>/{fail,pass}/ (tests/test_ruledocs.py
and tests/test_rule_cases.py fail until they all exist).
"""

from __future__ import annotations

from collections.abc import Mapping

from runbookc.lint.catalog import alerting, approvals, documents, html, references, scripts
from runbookc.lint.rule import DECLARED, Rule

# One module per code range; each declares its rules as it is imported (above).
SECTIONS = (documents, references, approvals, scripts, html, alerting)
BY_CODE: Mapping[str, Rule] = DECLARED
RULES: tuple[Rule, ...] = tuple(sorted(DECLARED.values(), key=lambda r: r.code))
