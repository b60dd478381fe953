"""HTTP concerns: middleware, problem responses, OpenAPI, guards and rate limits, dependencies, health routes."""
