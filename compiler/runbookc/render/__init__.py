"""Render stage: documents + graph -> Markdown pages (jinja2) -> `mkdocs build`.

`pages` renders each page, `body` edits a document's body, `nav` shapes the navigation,
`docs_dir` writes what MkDocs reads, `mkdocs_build` runs MkDocs, `publish` swaps a finished
build into place, and `site_build` wires them for `runbookc build` and `runbookc serve`.
"""
