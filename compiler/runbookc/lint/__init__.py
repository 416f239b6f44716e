"""Lint: the rule catalog (catalog), the policy that applies severities and suppressions
(policy), and the rules over the corpus graph, one module per family (checks runs them)."""
