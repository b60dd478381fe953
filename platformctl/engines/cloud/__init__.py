"""The cloud engine: Pulumi's Automation API over the Pulumi CLI, one working folder per layer per run."""
