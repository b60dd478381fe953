"""platformctl: the company platform on AWS through Pulumi, and a golden path onto it."""

__version__ = "0.1.0"
