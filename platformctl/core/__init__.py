"""Use cases of platformctl: they take typed arguments, return typed results, and never print."""
