"""The plan: every resource a run would create, and what reads it (summary, diff, cost, diagram)."""
