"""shellparse on random blocks built from runbook-like commands, pipelines, lists, loops,
redirections, line continuations and comments (a fixed seed: the same blocks every run).
Two things must hold: the parser finds every simple command the block was built from, in
order, on its line (tree-sitter-bash 0.25 runs some commands on into the next line), and
it refuses a block exactly when `bash -n` does (half the blocks are broken on purpose)."""

from __future__ import annotations

import random
import subprocess

from runbookc.scripts.shellparse import parse_block

SEED = 20261127
COMMANDS = [
    ('kubectl -n "$ns" get pods -o wide', "kubectl -n $ns"),
    ("kubectl delete pod x", "kubectl delete pod"),
    ('grep -E "a|b"', "grep -E a|b"),
    ("head -30", "head -30"),
    ("awk '{print $1}'", "awk {print $1}"),
    ("xargs -r kubectl delete pod", "kubectl delete pod"),
    ("sudo systemctl restart kubelet", "systemctl restart kubelet"),
    ('curl -s "http://h/$p"', "curl -s http://h/$p"),
    ("jq -r .items[]", "jq -r .items[]"),
    ('echo "$x done"', "echo $x done"),
    ("[[ -n $ns ]]", "[[ -n $ns"),
    ("time git log --oneline", "git log --oneline"),
]
REDIRECTIONS = ["", "", "", " 2>/dev/null", " >out.txt", " 2>&1", " &>/dev/null", " >>log"]


class Block:
    """A random block, written left to right, and the labels of the commands it was built
    from with their lines, in source order."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.text = ""
        self.labels: list[tuple[int, str]] = []

    def write(self, text: str) -> None:
        self.text += text

    def command(self) -> None:
        text, label = self.rng.choice(COMMANDS)
        self.labels.append((self.text.count("\n"), label))
        redirection = self.rng.choice(REDIRECTIONS)
        if redirection and label[:2] != "[[" and self.rng.random() < 0.3:  # `a 2>&1 b`
            first, _, rest = text.partition(" ")
            self.write(f"{first}{redirection} {rest}".rstrip())
        else:
            self.write(text + redirection)

    def pipeline(self) -> None:
        self.command()
        for _ in range(self.rng.choice([0, 0, 1, 2, 3])):
            self.write(self.rng.choice([" | ", " | ", " \\\n  | ", " |\n  "]))
            self.command()

    def and_or(self) -> None:
        self.pipeline()
        for _ in range(self.rng.choice([0, 0, 0, 1, 2])):
            self.write(self.rng.choice([" && ", " || ", " ||\n  "]))
            self.pipeline()

    def statement(self) -> None:
        kind = self.rng.random()
        if kind < 0.6:
            self.and_or()
        elif kind < 0.7:
            self.labels.append((self.text.count("\n"), ""))
            self.write("x=$(")
            self.pipeline()
            self.write(")")
        elif kind < 0.8:
            self.write("for p in a b; do\n  ")
            self.and_or()
            self.write("\ndone")
        elif kind < 0.9:
            self.write("if ")
            self.pipeline()
            self.write("; then\n  ")
            self.and_or()
            self.write("\nfi")
        else:
            self.write("{ ")
            self.command()
            self.write("; ")
            self.command()
            self.write("; } > out")

    def build(self) -> str:
        for _ in range(self.rng.choice([1, 2, 3, 4])):
            if self.rng.random() < 0.15:
                self.write("# comment\n")
            self.statement()
            self.write(self.rng.choice(["", "", ";", " &", "  # note"]) + "\n")
        return self.text


def _blocks(count: int) -> list[tuple[str, list[tuple[int, str]]]]:
    rng = random.Random(SEED)
    out = []
    for _ in range(count):
        block = Block(rng)
        out.append((block.build(), block.labels))
    return out


def test_every_command_is_found_on_its_line() -> None:
    for text, labels in _blocks(400):
        parsed = parse_block(text)
        assert parsed.error == "", text
        found = [(c.line, c.label) for u in parsed.units for c in u.commands]
        assert found == labels, text


def _broken(text: str, rng: random.Random) -> str:
    """The block with one edit an author makes by mistake (or none, half the time)."""
    lines = text.rstrip("\n").split("\n")
    at = rng.randrange(len(lines))
    edit = rng.randrange(8)
    if edit == 0:  # a stray closing word on a line of its own
        lines.insert(at, rng.choice(["fi", "done", "esac", "then", "}"]))
    elif edit == 1:  # a closing line deleted
        lines = [line for line in lines if line not in ("fi", "done")] or ["if true; then"]
    elif edit == 2:  # a quote never closed
        lines[at] += rng.choice([' "', " '"])
    elif edit == 3:  # an opening word never closed
        lines.insert(at, rng.choice(["if true; then", "for p in a b; do", "{", "case x in"]))
    return "\n".join(lines) + "\n"


def test_a_block_is_refused_exactly_when_bash_refuses_it() -> None:
    rng = random.Random(SEED + 1)
    for text, _ in _blocks(150):
        broken = _broken(text, rng)
        bash = subprocess.run(["bash", "-n"], input=broken.encode(), capture_output=True)
        assert bool(parse_block(broken).error) == (bash.returncode != 0), broken
