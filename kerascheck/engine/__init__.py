"""Check one source: run the rules, place findings, apply suppressions and fixes."""
