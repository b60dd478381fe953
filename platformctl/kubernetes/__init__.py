"""Adapters over the Kubernetes API: apply, rollout status, the deploy lock, history, pruning."""
