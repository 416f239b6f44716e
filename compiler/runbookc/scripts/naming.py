"""Stable ASCII script names from Russian or English step titles."""

from __future__ import annotations

import re
from functools import lru_cache

# A fixed Russian -> Latin table (close to the ICAO passport system, ъ and ь dropped).
# Changing it renames every generated script, so it is data, not a library's choice.
_CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_LATIN = "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch - y - e iu ia"
_RU = str.maketrans(
    {c: ("" if t == "-" else t) for c, t in zip(_CYRILLIC, _LATIN.split(), strict=True)}
)

NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LENGTH = 48


def transliterate(text: str) -> str:
    return text.lower().translate(_RU)


@lru_cache(maxsize=4096)  # pure, and runbooks repeat their step titles
def script_name(text: str) -> str:
    """`Проверить общий статус runtime:` -> `proverit-obshchii-status-runtime`.

    Runs of anything but ASCII letters and digits become one hyphen; long names are cut at
    a word boundary so that file names stay readable in a terminal listing.
    """
    name = re.sub(r"[^a-z0-9]+", "-", transliterate(text)).strip("-")
    if len(name) > MAX_LENGTH:
        cut = name[: MAX_LENGTH + 1]
        name = cut[: cut.rfind("-")] if "-" in cut else name[:MAX_LENGTH]
    return name


def valid_name(name: str) -> bool:
    return bool(NAME_RE.match(name)) and len(name) <= 80
