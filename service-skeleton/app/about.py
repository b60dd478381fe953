"""Who this service is. `platformctl new-service` writes this file for each new service."""

SERVICE_NAME = "skeleton"
