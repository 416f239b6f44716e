"""Limits shared by the loader and the cache, kept apart so that hashing every file for the
cache imports nothing heavy."""

MAX_FILE_BYTES = 2 * 1024 * 1024  # a larger file is reported (RB0xx), never read whole
