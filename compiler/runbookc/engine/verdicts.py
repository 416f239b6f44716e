"""The store of the per-script checks' verdicts (scripts/verdicts.py): bash -n, ShellCheck
and sandbox findings by the digest of the script, the check's inputs and its tools.

Entries live in their own SQLite file, `<cache>/verdicts.sqlite` (blobstore.BlobStore),
so the document cache's pruning leaves them alone. Each is JSON as the other entries are
(cache.entry_blob: the format and its own key, read back strictly as findings); the key
is that digest salted with the compiler and the settings. An entry that does not read
back as findings stored under its key is a miss: the check runs again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from runbookc.config import Settings
from runbookc.diagnostics import Diagnostic
from runbookc.engine.blobstore import BlobStore
from runbookc.engine.cache import (
    cache_dir,
    entry_blob,
    read_entry,
    settings_salt,
    worth_pruning,
)

_Findings = list[Diagnostic]


class VerdictStore:
    def __init__(self, folder: Path, settings: Settings) -> None:
        self._blobs = BlobStore(folder / "verdicts.sqlite")
        self._salt = settings_salt(settings)
        self.used: set[str] = set()  # the entries asked for (stored keys)

    def _stored(self, key: str) -> str:
        return hashlib.sha256(self._salt + key.encode("ascii", "replace")).hexdigest()

    def get_many(self, keys: list[str]) -> dict[str, list[Diagnostic]]:
        """key -> findings, for the keys with a valid entry."""
        stored = {self._stored(key): key for key in keys}
        self.used.update(stored)
        found = {
            stored[name]: read_entry(name, blob, _Findings)
            for name, blob in self._blobs.get_many(list(stored)).items()
        }
        return {key: value for key, value in found.items() if value is not None}

    def put_many(self, verdicts: dict[str, list[Diagnostic]]) -> None:
        entries = [(self._stored(k), v) for k, v in verdicts.items()]
        self.used.update(name for name, _ in entries)
        self._blobs.put_many([(name, entry_blob(name, _Findings, v)) for name, v in entries])

    def trim(self) -> None:
        """Forget the entries this run did not ask for, once they outnumber a tenth of the
        used ones (for a run that checked every script: older contents, other settings)."""
        if worth_pruning(self._blobs.count() - len(self.used), len(self.used)):
            self._blobs.keep_only(self.used)


def verdict_store(settings: Settings) -> VerdictStore | None:
    """The verdict store in the cache folder; None where there is no cache."""
    folder = cache_dir(settings)
    return VerdictStore(folder, settings) if folder is not None else None
