"""shellparse on its own: what a block's units and commands are, the constructs bashlex
could not read, syntax errors with their line, and the tree-sitter-bash defects it works
around (each a case here, so a parser upgrade that changes them shows)."""

from __future__ import annotations

import pytest
from conftest import ROOT
from runbookc.config import load_settings
from runbookc.scripts.commandclass import classify
from runbookc.scripts.settings import script_settings
from runbookc.scripts.shellparse import parse_block
from runbookc.scripts.toolclasses import MUTATING, READ_ONLY

CLASSES = script_settings(load_settings(str(ROOT / "pyproject.toml"))).command_classes


def _commands(block: str) -> list[tuple[str, str]]:
    """(tool, verdict) of every command of the block, which must parse."""
    parsed = parse_block(block)
    assert parsed.error == ""
    return [(c.tool, classify(c, CLASSES)[0]) for u in parsed.units for c in u.commands]


@pytest.mark.parametrize(
    ("block", "commands"),
    [
        (
            '[[ -n $ns && $ns != kube-* ]] && kubectl -n "$ns" get pods\n',
            [("[[", READ_ONLY), ("kubectl", READ_ONLY)],
        ),
        ("[[ -f x ]] || kubectl delete pod x\n", [("[[", READ_ONLY), ("kubectl", MUTATING)]),
        ("(( ${#ns} > 2 )) || echo short\n", [("((", READ_ONLY), ("echo", READ_ONLY)]),
        (
            'n=$(( 1 + 2 ))\nkubectl scale deploy/x --replicas="$n"\n',
            [("", READ_ONLY), ("kubectl", MUTATING)],
        ),
        ("time kubectl delete pod x\n", [("kubectl", MUTATING)]),
        (
            "time kubectl get pods | grep -c Running\n",
            [("kubectl", READ_ONLY), ("grep", READ_ONLY)],
        ),
    ],
    ids=[
        "double-bracket",
        "double-bracket-or",
        "arithmetic",
        "arithmetic-expansion",
        "time",
        "time-pipeline",
    ],
)
def test_constructs_bashlex_could_not_read_are_classified(block, commands) -> None:
    assert _commands(block) == commands


def test_time_runs_the_command_after_it() -> None:
    (unit,) = parse_block("time sudo kubectl get pods\n").units
    assert (unit.kind, unit.stages) == ("run", ("kubectl",))
    assert unit.commands[0].runners == ("time", "sudo")


@pytest.mark.parametrize(
    ("block", "label"),
    [
        ("sudo -u root crictl ps\n", "crictl ps"),
        ("sudo --user root -E rm -rf /x\n", "rm -rf /x"),
        ("sudo --user=core -g wheel journalctl -u kubelet\n", "journalctl -u kubelet"),
        ("env -u HOME timeout -s KILL 5 kubectl get pods\n", "kubectl get pods"),
        ("xargs --max-args 1 -I {} kubectl delete pod {}\n", "kubectl delete pod"),
    ],
)
def test_a_runners_flag_values_are_not_the_program(block: str, label: str) -> None:
    """Which of a runner's flags take a value comes from the knowledge base: `sudo -u root
    crictl ps` runs crictl, not a program named `root`."""
    (unit,) = parse_block(block).units
    assert unit.commands[0].label == label


@pytest.mark.parametrize(
    ("block", "message", "line"),
    [
        ("kubectl get pods\nfi\n", "syntax error near unexpected token `fi`", 1),
        (
            "kubectl get pods\nfor p in a b; do\n  echo $p\n",
            "unterminated `do` (no closing `done`)",
            1,
        ),
        ("if true; then\n  kubectl get pods\n", "unterminated `if` (no closing `fi`)", 0),
        ("kubectl get pods\ncase x in\n", "unterminated `case`", 1),
        ('kubectl get pods\necho "open\nkubectl get jobs\n', "unterminated quoted string", 1),
        ("kubectl get pods |\n", "unexpected end of block after `|`", 0),
        ("ls\nkubectl get pods &&\n", "unexpected end of block after `&&`", 1),
        ("cat <<EOF\nbody\n", "unterminated here-document (no line `EOF` ends it)", 0),
        ("ls\necho done; done\n", "syntax error near unexpected token `done`", 1),
    ],
)
def test_a_syntax_error_names_the_problem_and_its_line(block, message, line) -> None:
    parsed = parse_block(block)
    assert message in parsed.error
    assert parsed.error_line == line
    assert [u.kind for u in parsed.units] == ["compound"]  # run as one unit


@pytest.mark.parametrize(
    ("block", "hole", "line"),
    [
        ("kubectl get ns\nkubectl -n <namespace> get pods\n", "<namespace>", 1),
        ("kubectl logs <pod>\n", "<pod>", 0),  # a syntax error to bash
        ("oc get pod <pod-name> -o yaml\n", "<pod-name>", 0),
        ("echo <your correlation id>\n", "<your correlation id>", 0),
        ("NS=<namespace>\n", "<namespace>", 0),
        ("oc describe pod/<podname> -n x\n", "<podname>", 0),
        ("ceph daemon osd.<id> ops\n", "<id>", 0),
    ],
)
def test_a_placeholder_is_named_as_one(block: str, hole: str, line: int) -> None:
    parsed = parse_block(block)
    assert parsed.error.startswith(f"`{hole}` is a placeholder to fill in")
    assert parsed.error_line == line
    assert [u.kind for u in parsed.units] == ["compound"]  # run as one unit, never classified


@pytest.mark.parametrize(
    "block",
    [
        'grep -c "<error>" app.log\n',
        "curl -H 'X-Id: <your id>' https://example.com\n",
        "cat <input.txt >out.txt\n",
        "diff <(ls a) <(ls b)\n",
        "# see <docs>\nls\n",
        "cat <<EOF\n<tag>\nEOF\n",
        "sort<in.txt >out.txt\n",
    ],
)
def test_angle_brackets_that_are_shell_or_text_are_no_placeholder(block: str) -> None:
    assert parse_block(block).error == ""


def test_an_error_does_not_shift_the_line_of_the_next_one() -> None:
    """bashlex kept state between parses: after an end-of-file error it put the next
    block's error on line 0."""
    assert parse_block("if true; then\n  ls\n").error
    assert parse_block("ls\nls\nfi\n").error_line == 2


def test_a_newline_after_a_pipeline_ends_the_command() -> None:
    """tree-sitter-bash 0.25 reads the next line's first command as arguments of `head`
    (its issue #347): the mutating `kubectl delete` would pass for read-only."""
    parsed = parse_block(
        "kubectl get pods | grep x | head -30\nkubectl delete pod x && echo gone\n"
    )
    assert [u.line for u in parsed.units] == [0, 1]
    assert [c.label for c in parsed.units[0].commands] == ["kubectl get pods", "grep x", "head -30"]
    assert _commands(parsed_text := "a | b | c\nkubectl delete pod x && echo gone\n")[3] == (
        "kubectl",
        MUTATING,
    ), parsed_text


def test_or_true_after_a_long_pipeline_tolerates_the_whole_pipeline() -> None:
    """tree-sitter-bash reads `a | b | c || true` as `a | (b | c || true)`."""
    content = "kubectl get events \\\n  | grep -E Warning | tail -n 5 || true\n"
    (unit,) = parse_block(content).units
    assert (unit.kind, unit.stages) == ("tolerated", ("kubectl", "grep", "tail"))
    assert content[unit.start : unit.end] == content[: content.index(" ||")]
    assert [c.tool for c in unit.commands] == ["kubectl", "grep", "tail"]


def test_a_redirection_after_a_list_belongs_to_its_last_command() -> None:
    """tree-sitter-bash hangs it on the whole list (its issue #345); bash on `make`."""
    (unit,) = parse_block("git fetch && make 2>/dev/null >build.log\n").units
    assert [(c.tool, c.silent, c.writes) for c in unit.commands] == [
        ("git", False, ()),
        ("make", True, ("/dev/null", "build.log")),
    ]


def test_offsets_are_characters_not_bytes() -> None:
    content = 'echo "привет, мир" && kubectl -n "$ns" get pods\n'
    (unit,) = parse_block(content).units
    assert [content[s:e] for s, e, _ in unit.refs] == ['"$ns"']
    assert content[unit.start : unit.end] == content.rstrip("\n")


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("'a b'", "a b"),
        ('"x\\"y"', 'x"y'),
        ("a\\ b", "a b"),
        ("$'a\\tb'", "a\tb"),
        ('"$ns"-x', "$ns-x"),
        ('"${ns}"', "${ns}"),
    ],
)
def test_word_text_removes_quotes_and_keeps_expansions(raw: str, text: str) -> None:
    (unit,) = parse_block(f"echo {raw}\n").units
    assert unit.commands[0].words[0].text == text


def test_a_pipeline_on_a_here_document_line_has_all_its_stages() -> None:
    """tree-sitter-bash puts `| kubectl apply -f -` inside the here-document redirection."""
    content = 'cat <<EOF | kubectl apply -f -\nkind: ConfigMap\nname: "$name"\nEOF\n'
    (unit,) = parse_block(content).units
    assert (unit.kind, unit.stages) == ("run", ("cat", "kubectl"))
    assert _commands(content) == [("cat", READ_ONLY), ("kubectl", MUTATING)]
    # bash expands $name in the body (the delimiter is not quoted), so the step shows its value
    assert [content[s:e] for s, e, _ in unit.refs] == ["$name"]
    quoted = parse_block("cat <<'EOF' > /tmp/out\n$name\nEOF\n").units[0]
    assert (quoted.refs, quoted.commands[0].writes) == ((), ("/tmp/out",))


def test_case_statements_parse() -> None:
    """bashlex refused `case` with an unquoted pattern."""
    content = (
        'case "$mode" in\n  fast) kubectl scale deploy/x --replicas=3 ;;\n  *) echo no ;;\nesac\n'
    )
    assert _commands(content) == [("kubectl", MUTATING), ("echo", READ_ONLY)]


def test_a_command_substitution_stays_as_written_in_a_word() -> None:
    (unit,) = parse_block('echo "pods: $(kubectl get pods -n "$ns" | wc -l)"\n').units
    word = unit.commands[0].words[0]
    assert (word.text, word.opaque) == ('pods: $(kubectl get pods -n "$ns" | wc -l)', True)


@pytest.mark.parametrize(
    "block",
    [
        "kubectl get pods | grep x | head -30\nkubectl delete pod x && echo gone\n",
        "kubectl get pods 2>&1\nkubectl delete pod x && echo gone\n",
        "kubectl get pods | cat  # note\n# comment\nkubectl delete pod x && echo gone\n",
        "a >o | b >o | true 2>&1\nkubectl delete pod x\n",
    ],
    ids=["after-pipeline", "after-redirection", "after-comment", "nested-redirections"],
)
def test_a_statement_ends_at_its_line(block: str) -> None:
    """tree-sitter-bash runs a command, a redirection or a pipeline on to the next line;
    bash ends it there. The last line's command is a command of its own, on its line."""
    parsed = parse_block(block)
    last = parsed.units[-1]
    assert last.line == block.count("\n") - 1
    assert last.commands[0].label == "kubectl delete pod"
    assert all(c.line < last.line for u in parsed.units[:-1] for c in u.commands)


def test_backquotes_tree_sitter_misreads_are_refused() -> None:
    parsed = parse_block('echo `echo "foo"`\n\necho ` echo "bar"`\nkubectl delete pod x\n')
    assert "write it as $(...)" in parsed.error
    assert parse_block("echo `date`\nkubectl get pods\n").error == ""


@pytest.mark.parametrize(
    ("block", "kind"),
    [
        ("! kubectl get pods | grep -q Crash\n", "compound"),
        ("! kubectl get pods >out.txt | grep -q Crash\n", "compound"),
        ("kubectl get pods >out.txt | grep -q Crash\n", "run"),
    ],
)
def test_a_negated_pipeline_is_run_as_one(block: str, kind: str) -> None:
    (unit,) = parse_block(block).units
    assert unit.kind == kind
    assert unit.commands[0].writes == (("out.txt",) if ">out.txt" in block else ())


def test_words_after_a_redirection_are_arguments() -> None:
    """tree-sitter-bash reads them as more targets of the redirection."""
    (unit,) = parse_block("kubectl 2>/dev/null delete pod x\n").units
    (command,) = unit.commands
    assert (command.label, command.silent, command.writes) == (
        "kubectl delete pod",
        True,
        ("/dev/null",),
    )
    assert _commands("kubectl 2>/dev/null delete pod x\n") == [("kubectl", MUTATING)]
    assert "unexpected token `out`" in parse_block("{ ls; } > log out\n").error


def test_a_here_string_after_a_redirection_parses() -> None:
    (unit,) = parse_block('kubectl apply -f - >>log <<< "$manifest"\n').units
    assert (unit.kind, unit.commands[0].writes) == ("run", ("log",))
