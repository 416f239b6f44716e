"""Names the command line offers as choices. Kept apart from the modules that use them
(report) so that building the argument parser imports nothing heavy. The document types
are runbookc.doctypes."""

FORMATS = ("text", "json", "github", "sarif")
