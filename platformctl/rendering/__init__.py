"""Rendering jinja2 templates from typed contexts."""
