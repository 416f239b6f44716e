"""Errors the CLI turns into exit code 2. A module of its own so that `cli` can catch them
without importing the stages that raise them."""


class UsageError(Exception):
    """Bad command-line input: exit code 2."""


class ConfigError(Exception):
    """A settings problem: reported as a usage error (exit 2), never a traceback."""
