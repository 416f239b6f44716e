"""What the corpus stage needs of one document, without the document.

The graph, the corpus rules and the lint policy read ids, front matter keys with their
lines, heading anchors, the references written in the body, the approval state and the
suppressions: a small record next to a Document's text, body and parsed blocks. It is made
where the document is compiled and cached beside it, so a lint run after one edit reads
10,000 of these instead of unpickling 10,000 documents.
"""

from __future__ import annotations

from dataclasses import dataclass

from runbookc.approvals import ApprovalState, approval_state
from runbookc.config import Settings
from runbookc.model import CodeSpan, Document, FrontMatter, Link
from runbookc.policy import Suppressions


@dataclass(frozen=True)
class DocFacts:
    path: str  # the document's display path, like Document.path
    front: FrontMatter
    front_lines: tuple[str, ...]  # file lines front.start_line .. front.end_line
    anchors: frozenset[str]  # heading slugs
    links: tuple[Link, ...]
    spans: tuple[CodeSpan, ...]  # only the code spans starting with a [tool.runbookc.paths] key
    approval: ApprovalState
    suppressions: Suppressions

    @property
    def doc_id(self) -> str:
        value = self.front.data.get("doc_id")
        return value if isinstance(value, str) else ""

    @property
    def doc_type(self) -> str:
        value = self.front.data.get("type")
        return value if isinstance(value, str) else ""

    def front_line(self, line: int) -> str:
        """The text of file line `line` of the front matter ("" outside it)."""
        index = line - self.front.start_line
        return self.front_lines[index] if 0 <= index < len(self.front_lines) else ""


def doc_facts(document: Document, settings: Settings) -> DocFacts:
    front = document.front
    lines = document.text.split("\n", front.end_line)[front.start_line - 1 : front.end_line]
    prefixes = tuple(settings.paths)
    return DocFacts(
        path=document.path,
        front=front,
        front_lines=tuple(lines),
        anchors=document.parsed.anchors,
        links=document.parsed.links,
        spans=tuple(s for s in document.parsed.code_spans if s.text.strip().startswith(prefixes)),
        approval=approval_state(document),
        suppressions=Suppressions.of(document),
    )
