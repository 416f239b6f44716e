"""The limits on what a source file may hold (each reported as RB0xx TOO_LARGE, whose rule
page states them), kept apart so that hashing every file for the cache imports nothing
heavy."""

MAX_FILE_BYTES = 2 * 1024 * 1024  # a larger file is reported (RB0xx), never read whole
MAX_LINE_CHARS = 20_000
MAX_FRONT_MATTER_LINES = 1_000
MAX_FRONT_MATTER_CHARS = 64 * 1024  # the seed's is 400; pure-Python YAML takes ~1.5 s a MB
MAX_YAML_DEPTH = 16
MAX_INT_DIGITS = 100  # Python refuses int("1" * 4301); nothing in front matter is that long
