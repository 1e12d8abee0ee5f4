"""Output formats: one module each, all reading a RunResult."""
