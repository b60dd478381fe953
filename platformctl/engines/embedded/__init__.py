"""The embedded engine: stack programs under Pulumi's mock runtime, every resource recorded."""
