"""Names the command line offers as choices. Kept apart from the modules that use them
(model, report) so that building the argument parser imports nothing heavy."""

DOC_TYPES = ("runbook", "alert", "slo", "rollback_plan")
FORMATS = ("text", "json", "github", "sarif")
