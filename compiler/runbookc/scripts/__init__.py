"""Shell blocks -> step scripts: parsing (tree-sitter-bash), command classification, drafts,
rendering, extraction, and their tests (bash -n, ShellCheck, the isolated sandbox)."""
