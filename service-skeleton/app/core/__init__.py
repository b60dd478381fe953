"""Infrastructure: settings, database, Redis, cache, logging, metrics, tracing, lifecycle. Knows nothing of HTTP routes."""
