"""The script model: one step (a shell block of a runbook) as the compiler drafts it, and
the parameters a runbook's literal assignments become."""

from __future__ import annotations

from dataclasses import dataclass

from runbookc.scripts.sessions import Remote
from runbookc.scripts.shellparams import option_name
from runbookc.scripts.shellparse import ParsedBlock, parse_block

SAMPLE = "sample"  # the value of a required parameter in the sandbox


@dataclass(frozen=True)
class Param:
    """A value the script takes (--flag VALUE or RUNBOOK_<NAME>): a literal assignment at
    the top of the block (its value the default), or, required, a value the block needs and
    never sets: a `<placeholder>` (`about` names it) or a variable it only expands
    (`inherited`: the script starts from the environment's value, as the block would)."""

    name: str  # the shell variable
    default: str
    required: bool = False
    about: str = ""  # what a required value stands for, for --help and the prompt
    inherited: bool = False
    text: bool = False  # every use is quoted: any value but a leading `-` or control characters

    @property
    def flag(self) -> str:
        return option_name(self.name)

    @property
    def env(self) -> str:
        return "RUNBOOK_" + self.name.upper()


@dataclass(frozen=True)
class Script:
    """One step: a shell block of a runbook, what the compiler knows about it, and the
    rendered script."""

    doc_id: str
    number: int
    name: str
    path: str  # the runbook as diagnostics name it (Document.path)
    source: str  # the runbook as scripts name it: relative to the project root
    line: int  # file line of the opening fence
    section: str
    subsection: str
    title: str
    intro: str  # the runbook text before the block
    role: str  # diagnostics | mitigation | verification | rollback | symptoms | ""
    mutating: bool
    changes: tuple[str, ...]  # the commands that make it mutating, e.g. "kubectl rollout undo"
    params: tuple[Param, ...]
    content: str  # the block's commands (a session's prompt lines without the prompt)
    lines: tuple[int, ...]  # file line of each line of `content`
    remotes: tuple[Remote, ...] = ()  # what the block types into a remote shell (file lines)
    shown: tuple[str, ...] = ()  # the output a session block shows (never run): in --help
    text: str = ""  # the rendered script
    line_map: tuple[int, ...] = ()  # file line of each script line (0: generated code)
    approval: str = ""  # the runbook's approval state as the rendered script states it

    @property
    def parsed(self) -> ParsedBlock:
        """The block as bash's parser reads it: a function of `content` (parse_block
        memoizes it), so it is neither cached nor sent with the script. Parsing a block
        again costs less than encoding and decoding its units (bench: 1,000 documents'
        drafts, 0.25 s to parse vs 0.5 s to encode and decode)."""
        return parse_block(self.content)

    @property
    def file_name(self) -> str:
        return f"{self.number:02d}-{self.name}.sh"

    @property
    def values(self) -> dict[str, str]:
        """Each parameter's value when the script runs with none given; a required one's:
        the value the sandbox gives it."""
        return {p.name: SAMPLE if p.required else p.default for p in self.params}

    def file_line(self, block_line: int) -> int:
        return file_line(self.lines, self.line, block_line)


def file_line(lines: tuple[int, ...], fence: int, block_line: int) -> int:
    """The file line of a line of a block (`lines`: the file line of each), else the fence's."""
    return lines[block_line] if 0 <= block_line < len(lines) else fence
