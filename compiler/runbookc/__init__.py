"""runbookc: a docs-as-code compiler for SRE runbooks."""

__version__ = "0.1.0"
