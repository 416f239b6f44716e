"""Random corpora through the whole pipeline, in process: lint (the CLI and every report
format), script planning and extraction, and page rendering. Front matter has our keys
with values of every YAML type (and tags, anchors, a missing end); bodies mix headings,
bash fences, links, code spans, HTML, tables, attribute lists and reference definitions.
Nothing may raise: lint and extract exit 0 or 1, and the pages and scripts render.

Deterministic (derandomize, and one explicit example holding every odd piece) and bounded
by its example count; RUNBOOKC_FUZZ_EXAMPLES=2000 searches longer, with random examples
(each run new ones). Rendering the pages is checked here; the
MkDocs build is not (it refuses a corpus with lint errors, which nearly every one has).
"""

from __future__ import annotations

import datetime
import itertools
import json
import os
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from runbookc.cli import run
from runbookc.commands.wiring import lint_targets
from runbookc.config import load_settings
from runbookc.pipeline import corpus as stages
from runbookc.render.nav import build_nav
from runbookc.render.pages import render_pages
from runbookc.scripts.extract import render_outputs

SEARCH = os.environ.get("RUNBOOKC_FUZZ_EXAMPLES")
EXAMPLES = int(SEARCH or "60")

PYPROJECT = """\
[tool.runbookc]
source = "runbooks"
output = "build"
issue_url = "https://example.org/issues/{id}"

[tool.runbookc.paths]
"docs/ops/" = "ops/"
"""

# ---- front matter -----------------------------------------------------------------------

IDS = ["RB-TEST-0001", "RB-TEST-A-0002", "ALD-TEST-0001", "SLO-TEST-0001", "RP-TEST-0001"]
ALERT_IDS = ["ALT-TEST-0001", "ALT-TEST-B-0002"]
TYPES = ["runbook", "alert", "slo", "rollback_plan"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(min_value=datetime.date(1, 1, 1)),
    st.sampled_from(["", " ", "-", "~", "null", "1e9", "0x1F", "2026-13-45", "ü" * 300]),
    st.sampled_from(IDS + ALERT_IDS + TYPES),
)
# A value of the wrong type where the schema wants another: what breaks code most often.
WRONG_TYPES = [None, True, False, 0, 1, -1, 1.5, float("nan"), "", "x", [], {}, [None], [{}]]
WRONG_TYPES += [{"a": 1}, [[1]], 10**30, datetime.date(2026, 1, 1)]
values = st.sampled_from(WRONG_TYPES) | st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["id", "role", "by"]), inner, max_size=4
        ),
    ),
    max_leaves=12,
)


def _alert_entry() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries(
        {
            "id": st.sampled_from(ALERT_IDS) | values,
            "severity": st.sampled_from(["critical", "warning", "info"]) | values,
            "summary": st.text(max_size=20) | values,
            "condition": st.text(max_size=20),
            "threshold": st.text(max_size=10),
            "runbooks": st.lists(st.sampled_from(IDS), max_size=3) | values,
        },
        optional={"for": st.sampled_from(["5m", "1h", "x"]) | values},
    )


approvals = st.fixed_dictionaries(
    {
        "required": st.lists(st.sampled_from(["Owner", "SRE", "x y"]), max_size=3) | values,
        "status": st.sampled_from(["pending", "approved", "rejected"]) | values,
    },
    optional={
        "request_id": st.text(max_size=10) | values,
        "approved_by": st.lists(
            st.fixed_dictionaries(
                {
                    "role": st.sampled_from(["Owner", "SRE"]) | values,
                    "by": st.text(max_size=8) | values,
                    "at": st.dates() | values,
                    "digest": st.sampled_from(["sha256:" + "0" * 64, "x"]) | values,
                }
            ),
            max_size=2,
        )
        | values,
    },
)

front_keys = {
    "doc_id": st.sampled_from(IDS) | values,
    "type": st.sampled_from(TYPES) | values,
    "title": st.text(max_size=40) | values,
    "status": st.sampled_from(["draft", "active", "deprecated"]) | values,
    "owner_role": st.sampled_from(["SRE", "Owner"]) | values,
    "created_at": st.dates() | values,
    "updated_at": st.dates() | values,
    "related_issues": st.lists(st.integers(min_value=-5, max_value=10**30), max_size=3) | values,
    "related_alerts": st.lists(st.sampled_from(ALERT_IDS), max_size=3) | values,
    "related_runbooks": st.lists(st.sampled_from(IDS), max_size=3) | values,
    "tags": st.lists(st.text(max_size=12), max_size=3) | values,
    "alerts": st.lists(_alert_entry(), max_size=3) | values,
    "approvals": approvals | values,
    "lint": st.fixed_dictionaries({"ignore": st.lists(st.sampled_from(["RB201", "x"]))}) | values,
    "service": st.text(max_size=10) | values,
    "objectives": st.lists(
        st.fixed_dictionaries(
            {
                "name": st.text(max_size=10) | values,
                "sli": st.text(max_size=10),
                "target": st.floats() | values,
                "window": st.sampled_from(["30d", "1w", "x"]) | values,
            }
        ),
        max_size=2,
    )
    | values,
}

# Raw YAML that safe_dump never writes: tags, anchors and aliases, merges, complex keys.
RAW_YAML = [
    "x: !!python/object/apply:os.system ['true']",
    "x: !!binary aGVsbG8=",
    "x: !custom 3",
    "x: !!set {a, b}",
    "x: !!timestamp 2026-01-01T00:00:00Z",
    "a: &a [1, 2]\nb: *a",
    "base: &b {k: 1}\nmerged:\n  <<: *b",
    "? [complex, key]\n: value",
    "tags: *undefined",
    "title: 'unterminated",
    "\t: tab",
    "title: >\n  folded\n  text",
    "doc_id: RB-TEST-0001\ndoc_id: RB-TEST-0002",
    "%YAML 1.1",
    "--- # a second document",
]


def _valid(doc_type: str, number: int) -> dict:
    """A front matter the schema accepts, for the examples to perturb."""
    prefix = {"runbook": "RB", "alert": "ALD", "slo": "SLO", "rollback_plan": "RP"}[doc_type]
    day = datetime.date(2026, 2, 20)
    found: dict = {
        "doc_id": f"{prefix}-TEST-{number:04d}",
        "type": doc_type,
        "title": "A title",
        "status": "active",
        "owner_role": "SRE",
        "created_at": day,
        "updated_at": day,
    }
    if doc_type == "runbook":
        found["approvals"] = {"required": ["Owner"], "status": "pending", "request_id": "r-1"}
        found["related_alerts"] = ["ALT-TEST-0001"]
    elif doc_type == "alert":
        found["alerts"] = [
            {
                "id": "ALT-TEST-0001",
                "severity": "critical",
                "summary": "down",
                "condition": "up == 0",
                "threshold": "0",
                "runbooks": ["RB-TEST-0001"],
            }
        ]
    elif doc_type == "slo":
        found["service"] = "build"
        found["objectives"] = [{"name": "ok", "sli": "a/b", "target": 99.5, "window": "28d"}]
    else:
        found["related_runbooks"] = ["RB-TEST-0001"]
    return found


class _Plain(yaml.SafeDumper):
    """No anchors for repeated values (RB009 refuses them; RAW_YAML has its own)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


@st.composite
def front_matter(draw: st.DrawFn) -> str:
    mapping = _valid(draw(st.sampled_from(TYPES)), draw(st.sampled_from([1, 1, 2])))
    for key in draw(st.lists(st.sampled_from(sorted(front_keys)), unique=True, max_size=6)):
        mapping[key] = draw(front_keys[key])
    for key in draw(st.lists(st.sampled_from(sorted(mapping)), unique=True, max_size=2)):
        del mapping[key]
    text = yaml.dump(mapping, Dumper=_Plain, allow_unicode=True, sort_keys=False) if mapping else ""
    # Hypothesis draws the smallest values most often: the odd cases are the larger ones.
    if draw(st.integers(0, 4)) == 4:
        text += draw(st.sampled_from(RAW_YAML)) + "\n"
    if draw(st.integers(0, 9)) == 9:
        return draw(st.sampled_from(["", "---\n" + text, text + "---\n", "---\n---\n"]))
    return "---\n" + text + "---\n"


# ---- body -------------------------------------------------------------------------------

words = st.text(alphabet=string.ascii_letters + string.digits + " -_.äя", max_size=16)
odd_text = st.text(max_size=20)

LINK_TARGETS = [
    "b.md",
    "sub/c.md",
    "../b.md",
    "../../../etc/passwd",
    "a.md#diagnosis",
    "#mitigation",
    "#",
    "b.md#",
    "x" * 300 + ".md",
    "sub/" + "y" * 300 + "/c.md",
    "d/" * 2100 + "c.md",
    "a%00b.md",
    "%ff.md",
    "a%2Fb.md",
    "/abs.md",
    "//host/x.md",
    "http://[::1/x.md",
    "javascript:alert(1)",
    "data:text/html,x",
    "mailto:x@y",
    "b.md?q=1",
    "<b c.md>",
    "b.md 'title'",
    "",
    "./",
    "..",
    "sub/../b.md",
    "C:\\x.md",
    "b.md#%zz",
]
SPANS = [
    "docs/ops/b.md",
    "docs/ops/sub/c.md#diagnosis",
    "docs/ops/../../../etc/passwd.md",
    "docs/ops/" + "z" * 300 + ".md",
    "docs/ops/",
    "RB-TEST-0001",
    "ALT-TEST-0001",
    "kubectl delete pod x",
    "docs/ops/a%00.md",
]
SHELL = [
    'kubectl -n "$ns" get pods',
    "kubectl delete pod x",
    "ns=prod",
    'ns="${NS:-prod}"',
    "echo $((1+))",
    "if true; then",
    "fi",
    "for x in a b; do echo $x; done",
    "cat <<EOF",
    "EOF",
    "grep -E 'a|b' f || true",
    "kubectl get pods 2>/dev/null || true",
    "`echo `x``",
    "$(",
    ")",
    "case x in",
    "esac",
    "a |",
    "| b",
    "\\",
    "'unterminated",
    "sudo rm -rf /",
    "oc adm drain node",
    "$ kubectl get nodes",
    "NAME STATUS",
    "export KUBECONFIG=/x",
    "function f() {",
    "}",
    ";;",
    "x=$(kubectl get pod -o name)",
    "# comment",
    "echo é\t\x0b",
    "kubectl <pod-name> logs",
]
HTML = [
    "<script>alert(1)</script>",
    "<div markdown>\n**x**\n</div>",
    "<!-- c -->",
    '<a href="javascript:x">x</a>',
    "<img src=x onerror=y>",
    "<details><summary>s",
    "</div>",
    "<style>body{}</style>",
    "<iframe src=//x>",
    "<?php ?>",
    "<![CDATA[x]]>",
]
ATTRS = ["{: #id .cls }", "{: onclick=x }", "{#dup}", "{: }", "{: data-x='<b>' }", "{"]


def _fence(lines: list[str], info: str, closed: bool, fence: str) -> str:
    return f"{fence}{info}\n" + "\n".join(lines) + ("\n" + fence if closed else "")


INFOS = ["bash", "sh", "console", "bash {name=step}", "bash {name=}", "", "yaml"]
INFOS += ["bash {name=" + "n" * 300 + "}", "bash {name=../../x}", "bash {#x .y}", "bash {"]

fences = st.builds(
    _fence,
    st.lists(st.sampled_from(SHELL) | odd_text, max_size=8),
    st.sampled_from(INFOS),
    st.booleans(),
    st.sampled_from(["```", "~~~", "````"]),
)
blocks = st.one_of(
    st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), words | odd_text),
    fences,  # twice: the script stages need them most
    st.sampled_from(["## Diagnosis", "## Mitigation", "## Rollback", "## Verification"]),
    fences,
    st.builds(lambda t, u: f"[{t}]({u})", words, st.sampled_from(LINK_TARGETS) | odd_text),
    st.builds(lambda s: f"`{s}`", st.sampled_from(SPANS) | odd_text),
    st.builds(lambda t, u: f"[{t}]: {u}", words, st.sampled_from(LINK_TARGETS)),
    st.builds(lambda t: f"[{t}]", words),
    st.sampled_from(HTML),
    st.sampled_from(ATTRS),
    st.builds(
        lambda cols, rows: "\n".join(
            ["|" + "|".join(cols) + "|", "|" + "---|" * len(cols)]
            + ["|" + "|".join(row) + "|" for row in rows]
        ),
        st.lists(words, min_size=1, max_size=4),
        st.lists(st.lists(words | st.sampled_from(SPANS), max_size=5), max_size=4),
    ),
    st.builds(lambda t: f"- {t}\n  1. {t}\n> {t}", words),
    st.builds(lambda t: f'!!! warning "{t}"\n    text', words),
    odd_text,
)


@st.composite
def document(draw: st.DrawFn) -> bytes:
    body = draw(st.lists(blocks, max_size=10))
    if draw(st.booleans()):
        lines = draw(st.lists(st.sampled_from(SHELL), min_size=1, max_size=8))
        body += ["## Mitigation", _fence(lines, "bash", True, "```")]
    text = draw(front_matter()) + "\n" + "\n\n".join(body)
    data = text.encode()
    mangle = draw(st.integers(0, 12))
    if mangle == 9:
        data += b"\0"
    elif mangle == 10:
        data = data.replace(b"\n", b"\r\n")
    elif mangle == 11:
        data = b"\xef\xbb\xbf" + data
    elif mangle == 12:
        data = data[: len(data) // 2] + b"\xff\xfe" + data[len(data) // 2 :]
    return data


corpora = st.lists(document(), min_size=1, max_size=3)


ALERT_RUNBOOKS_TRUE = b"""---
doc_id: ALD-TEST-0001
type: alert
title: A title
status: active
owner_role: SRE
created_at: 2026-02-20
updated_at: 2026-02-20
alerts:
- {id: ALT-TEST-0001, severity: critical, summary: s, condition: c, threshold: t, runbooks: true}
---
"""


OBJECTIVES_TRUE = b"""---
doc_id: SLO-TEST-0001
type: slo
title: A title
status: active
owner_role: SRE
created_at: 2026-02-20
updated_at: 2026-02-20
service: build
objectives: true
---
"""


def every_hostile_piece() -> bytes:
    """One runbook with each of the odd pieces above (run every time: random examples
    meet only some of them)."""
    body = [f"[link]({target})" for target in LINK_TARGETS]
    body += [f"[ref{n}]: {target}" for n, target in enumerate(LINK_TARGETS) if target]
    body += [f"`{span}`" for span in SPANS] + HTML + ATTRS
    body += ["## Diagnosis", *(_fence(SHELL, info, True, "```") for info in INFOS)]
    front = yaml.dump(_valid("runbook", 1), Dumper=_Plain, allow_unicode=True, sort_keys=False)
    return ("---\n" + front + "---\n\n" + "\n\n".join(body) + "\n").encode()


# ---- the pipeline -----------------------------------------------------------------------

NAMES = ["ops/a.md", "ops/b.md", "ops/sub/c.md"]
_counter = itertools.count()


def compile_everything(root: Path) -> None:
    """Every stage a corpus goes through before MkDocs; raises on any crash."""
    config = str(root / "pyproject.toml")
    argv = ["--config", config, "--format", "json"]
    assert run(["lint", *argv, "--no-cache", "--jobs", "1"]) in (0, 1)
    assert run(["extract", *argv, "--output", str(root / "scripts")]) in (0, 1)
    configured = load_settings(config)
    result = lint_targets([], configured, jobs=1, use_cache=False)
    for fmt in ("text", "github", "sarif"):
        result.report(fmt)
    # `serve` renders scripts and pages of every document that loads, errors or not.
    documents = result.documents
    scripts = stages.extract(result.corpus, configured)
    files = render_outputs(scripts)
    manifest = json.loads(files["manifest.json"])
    site = stages.site(result, manifest)
    render_pages(site)
    build_nav(site)
    event(f"documents loaded: {len(documents)}")
    event("scripts planned" if scripts else "no scripts")
    event("lint clean" if not result.summary.errors else "lint errors")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=SEARCH is None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(corpus=corpora)
@example(corpus=[every_hostile_piece()])
@example(corpus=[ALERT_RUNBOOKS_TRUE])  # found by this test: rendering raised TypeError
@example(corpus=[OBJECTIVES_TRUE])  # likewise
def test_random_corpus_goes_through_every_stage(workdir: Path, corpus: list[bytes]) -> None:
    root = workdir / str(next(_counter))
    (root / "runbooks" / "ops" / "sub").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for name, data in zip(NAMES, corpus, strict=False):
        (root / "runbooks" / name).write_bytes(data)
    compile_everything(root)
