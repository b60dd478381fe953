"""Configuration: settings from the environment, and platform.yaml."""
