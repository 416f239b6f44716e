"""The site's MkDocs settings: the default that ships with runbookc, and a team's own
mkdocs.yml layered on it.

Both files are read with MkDocs' own YAML loader (`!ENV`, `!relative`, `INHERIT` and the
Python tags MkDocs itself accepts; nothing more is evaluated here) and merged the way MkDocs
merges an `INHERIT`ed file (mergedeep: mappings merge key by key, a list replaces the
default's list). MkDocs validates the result (render/mkdocs_build.py). On top of the merge:

- keys runbookc sets itself (OWNED) are refused, each with what to do instead: silently
  replacing a team's `docs_dir` or `nav` would build a site the team did not ask for;
- what the rendered pages need is put back when the team's lists leave it out (NEEDED
  extensions, the tags plugin, runbookc's stylesheet), and the build says so in one line;
  `toc` must make anchors with the linter's slugify, or lint and site disagree on them;
  the lint-rule pages stay out of the nav (`not_in_nav`, whatever else the team lists);
  the default palette's toggles are named in the site's language, and a Material site
  gets runbookc's 404 page and footer in that language (unless the team has its own
  custom_dir).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

DEFAULT_DIR = Path(__file__).resolve().parent.parent / "site_default"  # package data
DEFAULT_CONFIG = DEFAULT_DIR / "mkdocs.yml"
STYLESHEET = "stylesheets/runbookc.css"  # under DEFAULT_DIR, copied into the docs dir
# Material theme overrides (its 404 page and its footer's "Made with" are English whatever
# the language), when a team's mkdocs.yml names no custom_dir of its own.
OVERRIDES = DEFAULT_DIR / "overrides"

# The keys a team's mkdocs.yml may not set, and what to do instead.
OWNED = {
    "docs_dir": "runbookc renders the pages into a docs dir of its own; remove docs_dir "
    "(the runbooks' folder is the runbookc setting `source`)",
    "site_dir": "runbookc writes the site into the output dir's site/; remove site_dir "
    "(the output dir is the runbookc setting `output`)",
    "nav": "runbookc makes the navigation from the documents; remove nav",
    "exclude_docs": "the docs dir holds only the pages runbookc renders; remove exclude_docs",
    "draft_docs": "the docs dir holds only the pages runbookc renders; remove draft_docs",
    "strict": "`runbookc build` is always strict and `runbookc serve` never; remove strict",
}

# Markdown extensions the rendered pages use: admonitions and collapsible findings, the
# `{ download }` and `{ #id }` attribute lists, Markdown inside the metadata <div>, tables,
# heading anchors, fenced code with titles.
NEEDED = (
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
)
# Extensions that load others: `extra` brings these along.
BUNDLES = {"extra": ("abbr", "attr_list", "def_list", "fenced_code", "footnotes", "md_in_html")}
TAGS_PLUGIN = ("tags", "material/tags")  # the generated Tags page lists its tags
SEARCH_PLUGIN = ("search", "material/search")
RULES_NOT_IN_NAV = "/rules/"  # render/paths.RULES's folder: reference pages, not in the nav


class SiteConfigError(Exception):
    """The site config cannot be used; the message names the file (and line)."""


Entries = list[tuple[str, Any]]  # a Markdown extension or plugin list: (name, its settings)


def load_yaml(path: Path, loader: type[Any]) -> dict[str, Any]:
    """One MkDocs config file read as MkDocs reads it (its loader, its INHERIT merge)."""
    from mkdocs.exceptions import ConfigurationError
    from mkdocs.utils.yaml import yaml_load

    if not path.is_file():  # missing, or a FIFO or device that would block the build
        raise SiteConfigError(f"{path}: the site config is not a regular file")
    try:
        with path.open("rb") as fd:
            data = yaml_load(fd, loader)
    except OSError as exc:
        raise SiteConfigError(f"{path}: cannot read the site config: {exc.strerror}") from exc
    except ConfigurationError as exc:  # its message has the YAML error's line
        raise SiteConfigError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SiteConfigError(f"{path}: a site config is a mapping of MkDocs settings")
    return data


def layered(
    team_file: Path | None, loader: type[Any], language: str, site_name: str
) -> tuple[dict[str, Any], list[str]]:
    """The settings MkDocs is given: the packaged default with `team_file` merged on it and
    what the pages need put back; and a note for each thing put back. `loader`: MkDocs'
    YAML loader for the config being loaded (mkdocs.utils.yaml.get_yaml_loader)."""
    import mergedeep

    base = load_yaml(DEFAULT_CONFIG, loader)
    team = load_yaml(team_file, loader) if team_file is not None else {}
    where = str(team_file or DEFAULT_CONFIG)
    if team_file is not None:
        _refuse_owned(team, team_file, language)
    merged: dict[str, Any] = mergedeep.merge({}, base, team)
    if "site_name" not in team:
        merged["site_name"] = site_name
    theme = merged.get("theme")
    if isinstance(theme, str):  # `theme: readthedocs`
        merged["theme"] = theme = {"name": theme}
    if isinstance(theme, dict):
        theme["language"] = language
        if theme.get("name") == "material" and "custom_dir" not in theme:
            theme["custom_dir"] = str(OVERRIDES)  # the 404 page and footer in the language
            extra = merged.setdefault("extra", {})
            if isinstance(extra, dict):  # else MkDocs reports the setting's shape
                extra["runbookc"] = _theme_words(language)
        team_theme = team.get("theme")
        if not (isinstance(team_theme, dict) and "palette" in team_theme):
            _name_toggles(theme.get("palette"), language)
    notes: list[str] = []
    extensions = _entries(merged.get("markdown_extensions"))
    if extensions is not None:  # else MkDocs reports the setting's shape
        added = _put_back(extensions, dict(_entries(base["markdown_extensions"]) or []))
        _check_toc(extensions, where)
        _name_permalinks(extensions, language)
        merged["markdown_extensions"] = _items(extensions)
        if added:
            notes.append(f"{where}: added the Markdown extensions the pages need: {added}")
    plugins = _entries(merged.get("plugins"))
    if plugins is not None:
        if not any(name in TAGS_PLUGIN for name, _ in plugins):
            plugins.append(("tags", None))
            notes.append(f"{where}: added the tags plugin (the Tags page lists the tags)")
        merged["plugins"] = _items([(n, _search_language(n, cfg, language)) for n, cfg in plugins])
    merged["not_in_nav"] = _not_in_nav(merged.get("not_in_nav"))
    css = merged.get("extra_css")
    if isinstance(css, list) and STYLESHEET not in css:
        css.insert(0, STYLESHEET)  # the metadata panel's layout
    return merged, notes


def _theme_words(language: str) -> dict[str, str]:
    """The words the theme overrides (overrides/) read from `extra.runbookc`."""
    from runbookc.render.labels import labels

    words = labels(language)
    return {key: words[key] for key in ("not_found", "not_found_text", "made_with")}


def _name_toggles(palette: object, language: str) -> None:
    """The default palette's toggles named in the site's language (the label of the switch
    to the other scheme)."""
    from runbookc.render.labels import labels

    words = labels(language)
    for scheme in palette if isinstance(palette, list) else []:
        toggle = scheme.get("toggle") if isinstance(scheme, dict) else None
        if isinstance(toggle, dict):
            other = "light" if scheme.get("scheme") == "slate" else "dark"
            toggle["name"] = words[f"palette_to_{other}"]


def _not_in_nav(value: object) -> object:
    """The team's `not_in_nav` patterns (gitignore style, one a line) and the rule pages'
    folder; another shape is left for MkDocs to report."""
    if value is None:
        return RULES_NOT_IN_NAV
    if not isinstance(value, str):
        return value
    lines = value.splitlines()
    return value if RULES_NOT_IN_NAV in lines else "\n".join([*lines, RULES_NOT_IN_NAV])


def _line_of(path: Path, key: str) -> str:
    """`:N` for the line of a top-level `key:` in `path`, or "" (a key from an INHERITed
    file, or a flow mapping)."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    pattern = re.compile(rf"{re.escape(key)}\s*:")
    for number, line in enumerate(lines, 1):
        if pattern.match(line):
            return f":{number}"
    return ""


def _refuse_owned(team: dict[str, Any], path: Path, language: str) -> None:
    problems = [
        f"{path}{_line_of(path, key)}: {key}: {why}" for key, why in OWNED.items() if key in team
    ]
    theme = team.get("theme")
    chosen = theme.get("language") if isinstance(theme, dict) else None
    if chosen is not None and chosen != language:
        problems.append(
            f"{path}: theme.language: {chosen!r} differs from the runbookc setting `language` "
            f"({language!r}), which the pages' own words follow; remove theme.language or "
            f"set `language = {str(chosen)!r}` in the runbookc settings"
        )
    if problems:
        raise SiteConfigError("\n".join(problems))


def _entries(value: object) -> Entries | None:
    """A Markdown extension or plugin setting as (name, settings) pairs, in either of the
    forms MkDocs accepts (a list of names and one-key mappings, or a mapping); None for any
    other shape, which MkDocs' validation reports."""
    if isinstance(value, dict):
        entries: Entries = list(value.items())
    elif isinstance(value, list):
        entries = []
        for item in value:
            if isinstance(item, dict) and len(item) == 1:
                entries.append(next(iter(item.items())))
            else:
                entries.append((item, None))
    else:
        return None
    return entries if all(isinstance(name, str) for name, _ in entries) else None


def _items(entries: Entries) -> list[Any]:
    """(name, settings) pairs back as a list MkDocs reads: a name, or a one-key mapping."""
    return [name if cfg is None else {name: cfg} for name, cfg in entries]


def _canonical(name: str) -> str:
    return name.removeprefix("markdown.extensions.")


def _put_back(extensions: Entries, defaults: dict[str, Any]) -> str:
    """Append the NEEDED extensions `extensions` lacks, with the default's settings; returns
    their names, comma-separated ("" when none was missing)."""
    present = {_canonical(name) for name, _ in extensions}
    for bundle, members in BUNDLES.items():
        if bundle in present:
            present.update(members)
    missing = [name for name in NEEDED if name not in present]
    extensions.extend((name, defaults.get(name)) for name in missing)
    return ", ".join(missing)


def _check_toc(extensions: Entries, where: str) -> None:
    """toc's anchors must be the linter's: its slugify is set to the linter's function
    when the team's toc names none, and a different one is refused."""
    from runbookc.pipeline.parse import slugify

    for index, (name, cfg) in enumerate(extensions):
        if _canonical(name) != "toc":
            continue
        settings = dict(cfg) if isinstance(cfg, dict) else {}
        chosen = settings.setdefault("slugify", slugify())
        if not _same_function(chosen, slugify()):
            raise SiteConfigError(
                f"{where}: markdown_extensions: toc: its slugify is not the one runbookc's "
                "lint computes heading anchors with, so links lint accepts would break on "
                "the site; remove toc's slugify setting or set it to "
                "`!!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}`"
            )
        extensions[index] = (name, settings)


def _name_permalinks(extensions: Entries, language: str) -> None:
    """toc's heading permalinks titled in the site's language, unless the team chose a
    title (Python-Markdown's default is English)."""
    from runbookc.render.labels import labels

    for index, (name, cfg) in enumerate(extensions):
        if _canonical(name) == "toc" and isinstance(cfg, dict):
            extensions[index] = (name, {"permalink_title": labels(language)["permalink"], **cfg})


def _same_function(a: object, b: object) -> bool:
    """Whether two slugify callables are the same function with the same settings
    (pymdownx.slugs.slugify returns a functools.partial)."""
    if isinstance(a, functools.partial) and isinstance(b, functools.partial):
        return (a.func, a.args, a.keywords) == (b.func, b.args, b.keywords)
    return a is b


def _search_language(name: str, cfg: Any, language: str) -> Any:
    """The search plugin's settings with `lang` set to the site's language and English
    (commands, ids and logs are English), unless the team chose its own."""
    if name not in SEARCH_PLUGIN or not isinstance(cfg, dict | None):
        return cfg
    return {"lang": list(dict.fromkeys([language.split("-")[0], "en"])), **(cfg or {})}


# The offline bundle's site (`runbookc bundle`): pages opened from file://.
OFFLINE_PLUGIN = ("offline", "material/offline")
WORKER_POLYFILL = "javascripts/iframe-worker.js"  # under DEFAULT_DIR, copied into the docs dir


def with_offline(settings: dict[str, Any]) -> None:
    """Change layered `settings` for a site read from file://: Material's offline plugin
    (search index inlined into a script; it also turns off directory URLs, which a file
    browser cannot resolve) and runbookc's worker polyfill for search, so that the plugin
    does not add its own from unpkg.com (no request leaves the bundle)."""
    settings["use_directory_urls"] = False
    plugins = _entries(settings.get("plugins"))
    if plugins is not None and not any(name in OFFLINE_PLUGIN for name, _ in plugins):
        settings["plugins"] = _items([*plugins, ("offline", None)])
    extra = settings.setdefault("extra", {})
    if isinstance(extra, dict):
        extra["polyfills"] = [WORKER_POLYFILL]
