"""The rule catalogue: one rule a module, found by kerascheck.rule.all_rules()."""
