"""Adapters that read metrics about a deployed service (Datadog)."""
