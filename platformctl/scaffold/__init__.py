"""Generating services from service-skeleton/: names, the skeleton's manifest, and the generator."""
