"""Render stage: documents + graph -> Markdown pages (jinja2) -> `mkdocs build`.

`pages` renders each page, `body` edits a document's body, `nav` shapes the navigation,
`docs_dir` writes what MkDocs reads, `mkdocs_build` runs MkDocs; `commands/build.py` wires
them (with the engine's incremental rendering, MkDocs memo and publishing) for `runbookc
build`, `commands/serve.py` and `preview` for `runbookc serve`.
"""
